"""Staff manage the taxonomy and customers in the Wagtail admin; customers cannot get in."""

import pytest

from hub.models import Product
from tests.factories import make_member, make_org, make_user


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/snippets/hub/product/",
        "/admin/snippets/hub/region/",
        "/admin/snippets/hub/role/",
        "/admin/snippets/accounts/organisation/",
        "/admin/snippets/accounts/membership/",
        "/admin/snippets/hub/product/add/",
        "/admin/pages/",
    ],
)
def test_staff_reach_the_admin(client, url):
    client.force_login(make_user(is_staff=True, is_superuser=True))
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_staff_add_a_product_under_a_parent(client):
    client.force_login(make_user(is_staff=True, is_superuser=True))
    parent = Product.objects.create(name="Routers", slug="routers")
    response = client.post(
        "/admin/snippets/hub/product/add/",
        {"name": "Router R300", "slug": "router-r300", "parent": parent.pk},
    )
    assert response.status_code == 302
    assert Product.objects.get(slug="router-r300").parent == parent


@pytest.mark.django_db
def test_a_term_cannot_be_its_own_ancestor(client):
    client.force_login(make_user(is_staff=True, is_superuser=True))
    top = Product.objects.create(name="Top", slug="top")
    child = Product.objects.create(name="Child", slug="child", parent=top)
    response = client.post(
        f"/admin/snippets/hub/product/edit/{top.pk}/",
        {"name": "Top", "slug": "top", "parent": child.pk},
    )
    assert response.status_code == 200
    top.refresh_from_db()
    assert top.parent is None


@pytest.mark.django_db
def test_customers_cannot_enter_the_admin(client):
    client.force_login(make_member(make_org(), admin=True))
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert b"Welcome" not in response.content
