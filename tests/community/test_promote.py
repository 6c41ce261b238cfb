"""Staff turn a solved question into a draft knowledge article; the topic links to it once
it is published."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.models import Page

from community import services
from community.models import Topic
from knowledge.models import ArticlePage, KnowledgeIndexPage, SectionPage
from tests.community.conftest import make_topic


@pytest.fixture
def section(db):
    root = Page.get_first_root_node()
    home = root.get_children().first() or root
    index = home.add_child(instance=KnowledgeIndexPage(title="Knowledge", slug="kb-test"))
    return index.add_child(instance=SectionPage(title="Routers", slug="routers-kb"))


def _solved(forum):
    topic = make_topic(forum.routers, forum.anna, title="WAN drops at night", body="Why **3:00**?")
    answer = services.post_create(topic=topic, author=forum.aki, body="The *firmware check*.")
    services.topic_accept_answer(topic=topic, post=answer, by=forum.anna)
    return Topic.objects.get(pk=topic.pk)


def test_promote_makes_a_draft_with_question_answer_link_and_audience(forum, section):
    topic = _solved(forum)
    article = services.topic_promote_to_article(topic=topic, section=section, by=forum.maria)
    article = ArticlePage.objects.get(pk=article.pk)
    assert not article.live and article.get_parent().pk == section.pk
    body = [(b.block_type, str(b.value)) for b in article.body]
    assert body[0] == ("heading", "Question") and "<strong>3:00</strong>" in body[1][1]
    assert "<em>firmware check</em>" in body[3][1]
    assert topic.get_absolute_url() in body[4][1]
    assert {p.slug for p in article.audience_products.all()} == {"router-r"}
    assert article.get_latest_revision() is not None
    assert Topic.objects.get(pk=topic.pk).article_id == article.pk
    with pytest.raises(ValidationError):
        services.topic_promote_to_article(
            topic=Topic.objects.get(pk=topic.pk), section=section, by=forum.maria
        )


def test_promote_is_staff_only_post_and_the_topic_links_once_published(client, forum, section):
    topic = _solved(forum)
    url = reverse("community:promote", args=[topic.pk])
    client.force_login(forum.anna)
    assert client.get(url).status_code == 403
    assert client.post(url, {"section": section.pk}).status_code == 403
    unsolved = make_topic(forum.routers, forum.anna, title="Open")
    client.force_login(forum.maria)
    assert client.get(reverse("community:promote", args=[unsolved.pk])).status_code == 403
    assert "Promote to article" in client.get(topic.get_absolute_url()).content.decode()
    response = client.post(url, {"section": section.pk})
    assert response.status_code == 302
    article = ArticlePage.objects.get()
    client.force_login(forum.anna)
    assert "Read the article" not in client.get(topic.get_absolute_url()).content.decode()
    article.save_revision().publish()
    page = client.get(topic.get_absolute_url()).content.decode()
    assert "Read the article made from this topic" in page
