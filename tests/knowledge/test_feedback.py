"""'Was this helpful?': one changeable vote per person and article, only on articles the person
may see, through a CSRF-protected POST; editors see the counts."""

import pytest
from django.test import Client

from knowledge.models import ArticleFeedback, ArticlePage, SectionPage
from tests.knowledge.conftest import add_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(world):
    section = add_page(world.root, SectionPage, title="Routers", products=[world.router])
    return add_page(section, ArticlePage, title="Router setup")


def _url(page):
    return f"/knowledge-hub/articles/{page.pk}/feedback/"


def test_a_vote_is_recorded_and_can_be_changed(client, world, article):
    client.force_login(world.anna)
    response = client.post(_url(article), {"helpful": "yes"})
    assert response.status_code == 302 and response["Location"].endswith("#feedback")
    client.post(_url(article), {"helpful": "no", "comment": "  Step 3 is unclear. "})
    vote = ArticleFeedback.objects.get(page=article, user=world.anna)
    assert (vote.helpful, vote.comment) == (False, "Step 3 is unclear.")
    assert ArticleFeedback.objects.count() == 1
    assert "You found this not helpful" in client.get(article.url).content.decode()


def test_people_outside_the_audience_cannot_vote(client, world, article):
    client.force_login(world.clara)
    assert client.post(_url(article), {"helpful": "yes"}).status_code == 404
    assert client.get(_url(article)).status_code == 405
    assert not ArticleFeedback.objects.exists()


def test_voting_needs_the_csrf_token(world, article):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.anna)
    assert strict.post(_url(article), {"helpful": "yes"}).status_code == 403
    assert not ArticleFeedback.objects.exists()


def test_editors_see_the_counts_readers_do_not(client, world, article):
    for person, helpful in ((world.anna, "yes"), (world.editor, "no")):
        client.force_login(person)
        client.post(_url(article), {"helpful": helpful, "comment": "ok"})
    client.force_login(world.editor)
    assert (
        "Editors: 1 helpful, 1 not helpful, 2 comments." in client.get(article.url).content.decode()
    )
    client.force_login(world.anna)
    assert "Editors:" not in client.get(article.url).content.decode()
