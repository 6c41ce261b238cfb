"""A section narrows everything below it: the effective audience (own terms, or the section's
when there are none, never wider than the section) is what visible_to, q_for and the search
document read; the editor refuses an audience wider than the section, naming the dimension."""

import pytest
from wagtail.models import Page

from hub import audience
from hub.models import Audience
from knowledge.models import ArticlePage, SectionPage
from knowledge.services import audience_narrowing_errors
from tests.knowledge.conftest import add_page

pytestmark = pytest.mark.django_db


def _slugs(page):
    return {k: v for k, v in audience.document_fields(page).items()}


def test_effective_audience_inherits_and_narrows(world):
    section = add_page(world.root, SectionPage, title="Routers", products=[world.router])
    sub = add_page(section, SectionPage, title="Finland", regions=[world.finland])
    inherits = add_page(sub, ArticlePage, title="Inherits")
    narrower = add_page(sub, ArticlePage, title="R100 only", products=[world.r100])

    assert _slugs(inherits) == {"products": ["router"], "regions": ["finland"], "roles": []}
    assert _slugs(narrower) == {"products": ["r100"], "regions": ["finland"], "roles": []}
    assert inherits.search_document()["products"] == ["router"]
    assert inherits.search_document()["regions"] == ["finland"]

    # A wider own set (written by a script; the editor refuses it) still stays inside.
    wider = ArticlePage(title="Everything", slug="everything")
    wider.audience_products = [world.router, world.switch]
    sub.add_child(instance=wider)
    assert _slugs(ArticlePage.objects.get(pk=wider.pk))["products"] == ["router"]

    for page in (inherits, narrower, wider):
        assert audience.visible_to(world.anna, ArticlePage.objects.get(pk=page.pk))
        assert not audience.visible_to(world.clara, ArticlePage.objects.get(pk=page.pk))
    listed = lambda user: set(  # noqa: E731
        ArticlePage.objects.filter(audience.q_for(user, ArticlePage)).values_list("pk", flat=True)
    )
    assert listed(world.anna) == {inherits.pk, narrower.pk, wider.pk}
    assert listed(world.clara) == set()


def test_changing_a_section_reaches_the_pages_below_it(world):
    section = add_page(world.root, SectionPage, title="Open")
    sub = add_page(section, SectionPage, title="Sub")
    article = add_page(sub, ArticlePage, title="Deep")
    assert audience.visible_to(world.clara, ArticlePage.objects.get(pk=article.pk))

    section.audience_products = [world.router]
    section.save_revision().publish()

    article = ArticlePage.objects.get(pk=article.pk)
    assert _slugs(article)["products"] == ["router"]
    assert not audience.visible_to(world.clara, article)
    assert not ArticlePage.objects.filter(
        audience.q_for(world.clara, ArticlePage), pk=article.pk
    ).exists()
    assert article.search_document()["products"] == ["router"]


def test_moving_a_page_takes_the_new_sections_audience(world):
    routers = add_page(world.root, SectionPage, title="Routers", products=[world.router])
    switches = add_page(world.root, SectionPage, title="Switches", products=[world.switch])
    article = add_page(routers, ArticlePage, title="Movable")
    Page.objects.get(pk=article.pk).move(switches, pos="last-child")
    article = ArticlePage.objects.get(pk=article.pk)
    assert _slugs(article)["products"] == ["switch"]
    assert audience.visible_to(world.clara, article)
    assert not audience.visible_to(world.anna, article)


def test_narrowing_errors_name_the_dimension(world):
    section = add_page(
        world.root, SectionPage, title="Routers", products=[world.router], roles=[world.technician]
    )
    ok = Audience(products=frozenset({world.r100.pk}), roles=frozenset({world.technician.pk}))
    assert audience_narrowing_errors(parent=section, own=ok) == {}
    wide = Audience(products=frozenset({world.switch.pk}), roles=frozenset({world.partner.pk}))
    errors = audience_narrowing_errors(parent=section, own=wide)
    assert set(errors) == {"audience_products", "audience_roles"}
    assert "products" in errors["audience_products"].messages[0]
    assert "Switch" in errors["audience_products"].messages[0]


def _article_form_data(**extra):
    return {
        "title": "Wide article",
        "slug": "wide-article",
        "summary": "",
        "body-count": "0",
        "tags": "",
        "last_reviewed": "",
        "comments-TOTAL_FORMS": "0",
        "comments-INITIAL_FORMS": "0",
        "comments-MIN_NUM_FORMS": "0",
        "comments-MAX_NUM_FORMS": "1000",
        **extra,
    }


def test_the_editor_refuses_an_article_wider_than_its_section(client, world):
    section = add_page(world.root, SectionPage, title="Routers", products=[world.router])
    client.force_login(world.editor)
    url = f"/admin/pages/add/knowledge/articlepage/{section.pk}/"
    response = client.post(url, _article_form_data(audience_products=[world.switch.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "this page cannot be wider than its section" in html
    assert not ArticlePage.objects.filter(slug="wide-article").exists()

    response = client.post(url, _article_form_data(audience_products=[world.r100.pk]))
    assert response.status_code == 302
    assert ArticlePage.objects.filter(slug="wide-article").exists()


def test_the_editor_shows_the_effective_audience(client, world):
    section = add_page(world.root, SectionPage, title="Routers", products=[world.router])
    article = add_page(section, ArticlePage, title="Setup")
    client.force_login(world.editor)
    html = client.get(f"/admin/pages/{article.pk}/edit/").content.decode()
    assert "Effective audience" in html and "router" in html
    html = client.get(f"/admin/pages/add/knowledge/articlepage/{section.pk}/").content.decode()
    assert "Effective audience" in html and "From the section" in html
