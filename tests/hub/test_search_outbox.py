"""The search outbox: nothing is lost when Meilisearch is away, reindexing swaps in place."""

import pytest
from django.core.management import call_command

from hub.search import client, registry, services
from hub.search.models import IndexOutbox
from knowledge.models import ArticlePage, SectionPage
from knowledge.services import knowledge_root
from tests.factories import Product


def _section():
    return knowledge_root().add_child(instance=SectionPage(title="Guides", slug="guides"))


def _article(section, slug, title, **fields):
    page = section.add_child(instance=ArticlePage(title=title, slug=slug, **fields))
    page.save_revision().publish()
    return page


def _indexed_ids() -> set[str]:
    return {h["id"] for h in client.index().search("", {"limit": 1000})["hits"]}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_changes_made_while_meilisearch_is_down_arrive_after_it_returns(meilisearch):
    section = _section()
    kept = _article(section, "kept", "Kept article")
    doomed = _article(section, "doomed", "Doomed article")
    services.outbox_drain()
    assert _indexed_ids() == {f"article-{kept.pk}", f"article-{doomed.pk}"}

    meilisearch.stop()
    try:
        # Every kind of change, each committed while search is away. The eager drain after
        # each commit fails quietly and leaves its rows.
        new = _article(section, "new", "Written during the outage")
        kept.title = "Kept article, renamed"
        kept.save_revision().publish()
        doomed.delete()
        draft = _article(section, "draft", "Soon unpublished")
        draft.unpublish()
        assert IndexOutbox.objects.exists()
        result = services.outbox_drain()
        assert result.failed
        assert IndexOutbox.objects.filter(attempts__gt=0).exists()
    finally:
        meilisearch.start()

    result = services.outbox_drain()
    assert not result.failed
    assert not IndexOutbox.objects.exists()
    assert _indexed_ids() == {f"article-{kept.pk}", f"article-{new.pk}"}
    hit = client.index().get_document(f"article-{kept.pk}")
    assert hit.title == "Kept article, renamed"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_saved_change_is_searchable_after_commit_without_a_manual_drain(meilisearch):
    """The drain is queued on commit (eager Celery here; a worker in production)."""
    page = _article(_section(), "vpn", "Site-to-site VPN")
    assert not IndexOutbox.objects.exists()
    hits = client.index().search("vpn")["hits"]
    assert [h["id"] for h in hits] == [f"article-{page.pk}"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_audience_change_reaches_the_index(meilisearch):
    router = Product.objects.create(name="Router", slug="router")
    page = _article(_section(), "setup", "First setup")
    page.audience_products = [router]
    page.save_revision().publish()
    assert client.index().get_document(f"article-{page.pk}").products == ["router"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_reindex_builds_a_fresh_index_and_swaps_it_in(meilisearch, capsys):
    section = _section()
    pages = [_article(section, f"a{i}", f"Article {i}") for i in range(5)]
    # A stale document the database no longer knows: a rebuild must drop it.
    client.wait(client.index().add_documents([{"id": "article-999999", "title": "Ghost"}]))

    call_command("search_reindex")
    out = capsys.readouterr().out
    assert "Indexed 5 documents" in out
    assert _indexed_ids() == {registry.doc_id("article", p.pk) for p in pages}
    # Only the live index remains; the old one was deleted after the swap.
    uids = [i.uid for i in client.client().get_indexes({"limit": 1000})["results"]]
    assert [u for u in uids if u.startswith(client.index_uid())] == [client.index_uid()]
    settings = client.index().get_settings()
    assert "products" in settings["filterableAttributes"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_search_status_compares_database_index_and_outbox(meilisearch, capsys):
    _article(_section(), "one", "One")
    call_command("search_status")
    out = capsys.readouterr().out
    assert "article" in out
    assert "Outbox: 0 waiting" in out

    meilisearch.stop()
    try:
        _article(knowledge_root().get_children().first().specific, "two", "Two")
        call_command("search_status")
        out = capsys.readouterr().out
        assert "Meilisearch unavailable" in out
        assert "Outbox: 0 waiting" not in out
    finally:
        meilisearch.start()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_rolled_back_change_does_not_stop_later_drains(meilisearch):
    from django.db import transaction

    section = _section()
    with pytest.raises(RuntimeError), transaction.atomic():
        _article(section, "lost", "Never committed")
        raise RuntimeError("the editor's save failed")
    page = _article(section, "kept", "Committed afterwards")
    assert not IndexOutbox.objects.exists()
    assert _indexed_ids() == {f"article-{page.pk}"}
