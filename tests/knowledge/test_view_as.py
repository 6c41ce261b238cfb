"""'View as': an editor sees the knowledge root, a section and an article as a customer with the
chosen product, region and role would, with a banner; customers get 403; nothing is cached."""

import pytest

from knowledge.models import ArticlePage, SectionPage
from knowledge.page_cache import HEADER
from tests.knowledge.conftest import add_document, add_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def content(world):
    routers = add_page(world.root, SectionPage, title="Routers", products=[world.router])
    switches = add_page(world.root, SectionPage, title="Switches", products=[world.switch])
    doc = add_document("Finnish price list", regions=[world.finland])
    article = add_page(
        routers,
        ArticlePage,
        title="Router setup",
        body=[("paragraph", "<p>Setup.</p>"), ("document", doc)],
    )
    add_page(routers, ArticlePage, title="Technicians only", roles=[world.technician])
    return routers, switches, article


def _as(world, page, **terms):
    query = "&".join(f"{k}={v.pk}" for k, v in terms.items())
    return f"/knowledge-hub/view-as/{page.pk}/?{query}"


def test_editor_sees_the_hub_as_a_router_customer_in_finland(client, world, content):
    routers, switches, article = content
    client.force_login(world.editor)
    root = client.get(_as(world, world.root, product=world.router, region=world.finland))
    html = root.content.decode()
    assert root.status_code == 200 and "Viewing as" in html
    assert "Routers" in html and "Switches" not in html
    assert root["Cache-Control"].count("no-store") and HEADER not in root

    section = client.get(_as(world, routers, product=world.router, region=world.finland))
    html = section.content.decode()
    assert "Router setup" in html and "Technicians only" not in html

    page = client.get(_as(world, article, product=world.router, region=world.finland))
    html = page.content.decode()
    assert "Router setup" in html and "Finnish price list" in html
    assert "Voting is off" in html

    page = client.get(_as(world, article, product=world.router, region=world.germany))
    assert "Finnish price list" not in page.content.decode()

    hidden = client.get(_as(world, switches, product=world.router))
    assert hidden.status_code == 200 and "cannot see this page" in hidden.content.decode()
    assert (
        "Router setup"
        not in client.get(_as(world, switches, product=world.router)).content.decode()
    )


def test_the_chooser_offers_the_terms(client, world, content):
    routers, _, _ = content
    client.force_login(world.editor)
    response = client.get(f"/knowledge-hub/view-as/?page_id={routers.pk}")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'action="/knowledge-hub/view-as/{routers.pk}/"' in html
    assert 'for="id_product"' in html and "Finland" in html
    bad = client.get(f"/knowledge-hub/view-as/{routers.pk}/?product=999999")
    assert bad.status_code == 400


def test_customers_cannot_view_as(client, world, content):
    routers, _, _ = content
    client.force_login(world.anna)
    assert client.get("/knowledge-hub/view-as/").status_code == 403
    assert client.get(_as(world, routers, product=world.switch)).status_code == 403


def test_view_as_query_count(client, world, content, django_assert_max_num_queries):
    routers, _, _ = content
    client.force_login(world.editor)
    url = _as(world, routers, product=world.router, region=world.finland)
    client.get(url)
    with django_assert_max_num_queries(20):
        assert client.get(url).status_code == 200
