"""Staff create forum categories with an audience in the Wagtail admin and see the topics."""

import pytest

from community.models import Category
from hub.search.models import IndexOutbox
from tests.community.conftest import make_topic
from tests.factories import make_user


@pytest.mark.django_db
def test_staff_create_a_category_with_an_audience(client, forum):
    client.force_login(make_user(is_staff=True, is_superuser=True))
    assert client.get("/admin/snippets/community/category/add/").status_code == 200
    response = client.post(
        "/admin/snippets/community/category/add/",
        {"name": "Gateways", "slug": "gateways", "description": "", "position": "5",
         "audience_products": [forum.router.pk]},
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    category = Category.objects.get(slug="gateways")
    assert [p.slug for p in category.audience_products.all()] == ["router-r"]


@pytest.mark.django_db
def test_editing_a_category_requeues_its_topics_and_topics_are_listed(client, forum):
    topic = make_topic(forum.general, forum.anna, title="Listed in the admin")
    client.force_login(make_user(is_staff=True, is_superuser=True))
    assert "Listed in the admin" in client.get("/admin/snippets/community/topic/").content.decode()
    IndexOutbox.objects.all().delete()
    response = client.post(
        f"/admin/snippets/community/category/edit/{forum.general.pk}/",
        {"name": "General", "slug": "general", "description": "", "position": "0",
         "audience_roles": [forum.clara.memberships.get().roles.get().pk]},
    )  # fmt: skip
    assert response.status_code == 302
    assert IndexOutbox.objects.filter(doc_id=f"topic-{topic.pk}").exists()
