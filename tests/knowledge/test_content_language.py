"""Content has a language of its own (not the reader's): editors set it, the search index
tokenises the text by it, and pages mark it with `lang` so that screen readers pronounce it."""

import pytest

from hub.search.services import build_document
from knowledge.demo import _help_articles
from knowledge.models import ArticlePage, NewsIndexPage, NewsPage, SectionPage
from tests.knowledge.conftest import add_document, add_page

pytestmark = pytest.mark.django_db


def test_articles_and_news_mark_their_language(client, world):
    section = add_page(world.root, SectionPage, title="Ohjeet")
    article = add_page(
        section,
        ArticlePage,
        title="Reitittimen nollaus",
        language="fi",
        summary="Näin palautat tehdasasetukset.",
        body=[("heading", "Ennen kuin aloitat"), ("paragraph", "<p>Ota varmuuskopio.</p>")],
    )
    news = add_page(
        add_page(world.root, NewsIndexPage, title="News"),
        NewsPage,
        title="Neue Firmware",
        language="de",
        date="2030-01-01",
    )
    client.force_login(world.anna)
    html = client.get(article.url).content.decode()
    assert '<article class="article" lang="fi">' in html
    assert '<footer class="article-meta" lang="en">' in html  # the portal's words: the reader's
    html = client.get(news.url).content.decode()
    assert '<article class="article" lang="de">' in html


def test_search_documents_carry_the_language(world):
    section = add_page(world.root, SectionPage, title="Guides")
    finnish = add_page(section, ArticlePage, title="Reitittimen nollaus", language="fi")
    english = add_page(section, ArticlePage, title="Router reset")
    document = build_document(finnish)
    assert document["language"] == "fi" and document["title_fi"] == "Reitittimen nollaus"
    assert build_document(english)["language"] == "en"
    assert "title_fi" not in build_document(english)
    manual = add_document("Bedienungsanleitung")
    manual.language = "de"
    manual.save()
    assert build_document(manual)["title_de"] == "Bedienungsanleitung"


def test_editors_choose_the_language(client, world):
    section = add_page(world.root, SectionPage, title="Guides")
    article = add_page(section, ArticlePage, title="Router reset")
    client.force_login(world.editor)
    html = client.get(f"/admin/pages/{article.pk}/edit/").content.decode()
    assert 'name="language"' in html and "Content language" in html
    manual = add_document("Manual")
    html = client.get(f"/admin/documents/edit/{manual.pk}/").content.decode()
    assert 'name="language"' in html


def test_the_demos_finnish_and_german_articles_say_so():
    languages = {}
    for section, _slug, _title, _summary, _aud, _body, _tags, language in _help_articles():
        languages.setdefault(section.split("/")[0], set()).add(language)
    assert languages["suomeksi"] == {"fi"}
    assert languages["auf-deutsch"] == {"de"}
    assert languages["routers"] == {"en"}
