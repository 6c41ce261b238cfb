"""The search outbox: nothing is lost when Meilisearch is away, reindexing swaps in place."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection, models, transaction
from django.utils import timezone

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
        # Unavailability is everyone's: nothing is put off with a backoff.
        assert not IndexOutbox.objects.filter(next_attempt_at__isnull=False).exists()
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


# --- poison rows: one bad document never holds back the others ---------------------------------


class Probe(models.Model):
    """A searchable type of these tests only (its table is made by the `probe` fixture): a
    natural string key, as a product code would be, and a measured score. Those are the two
    ways a real model could hand Meilisearch a document it refuses: an id with characters
    Meilisearch does not allow (a failed task), a NaN float (a refused request)."""

    code = models.CharField(primary_key=True, max_length=40)
    title = models.CharField(max_length=100)
    score = models.FloatField(default=0)
    wagtail_reference_index_ignore = True

    class Meta:
        app_label = "search_core"
        managed = False
        db_table = "test_search_probe"

    def __str__(self) -> str:
        return self.code

    def search_document(self) -> dict:
        if self.score < 0:  # as a real type's bug would: its document cannot be built
            raise ValueError(f"a negative score for {self.code}")
        return {
            "title": self.title,
            "excerpt": self.title,
            "url": f"/probe/{self.code}/",
            "language": "en",
            "products": [],
            "regions": [],
            "roles": [],
            "popularity": self.score,
        }


@pytest.fixture
def probe(meilisearch, monkeypatch, transactional_db):
    with connection.schema_editor() as editor:
        editor.create_model(Probe)
    monkeypatch.setitem(registry._TYPES, "probe", Probe)
    monkeypatch.setitem(registry._LABELS, Probe._meta.label_lower, "probe")
    yield Probe
    with connection.schema_editor() as editor:
        editor.delete_model(Probe)


def _failing() -> dict[str, IndexOutbox]:
    return {r.doc_id: r for r in IndexOutbox.objects.filter(next_attempt_at__isnull=False)}


def _due_now(doc_id: str, *, waited: timedelta) -> None:
    """Time passes: the row was written `waited` ago and its next try is due."""
    now = timezone.now()
    IndexOutbox.objects.filter(doc_id=doc_id).update(
        created_at=now - waited, next_attempt_at=now - timedelta(seconds=1)
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_document_that_cannot_be_built_waits_and_the_others_are_indexed(probe, capsys):
    section = _section()
    with transaction.atomic():  # one commit, one drain, one batch
        good = _article(section, "ports", "Port list", summary="ports")
        probe.objects.create(code="R1", title="Router R1", score=-1)
    assert _indexed_ids() == {f"article-{good.pk}"}
    failing = _failing()
    assert set(failing) == {"probe-R1"} and IndexOutbox.objects.count() == 1
    row = failing["probe-R1"]
    assert row.attempts == 1 and "ValueError" in row.last_error
    assert timedelta(seconds=50) < row.next_attempt_at - timezone.now() <= timedelta(minutes=1)

    # Later changes drain past it; the bad row is not due yet and is left alone.
    later = _article(section, "later", "Written later")
    assert _indexed_ids() == {f"article-{good.pk}", f"article-{later.pk}"}
    assert services.outbox_drain().refused == 0
    assert IndexOutbox.objects.get().attempts == 1

    call_command("search_status")
    out = capsys.readouterr().out
    assert "Outbox: 1 waiting, 1 failing" in out
    assert "probe-R1" in out and "ValueError" in out

    # The data is corrected: the new row takes the failing one along, both go.
    probe.objects.filter(pk="R1").update(score=2)
    services.search_enqueue(probe.objects.get(pk="R1"))
    assert not IndexOutbox.objects.exists()
    assert client.index().get_document("probe-R1").popularity == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_document_meilisearch_refuses_waits_and_the_others_are_indexed(probe):
    section = _section()
    with transaction.atomic():
        good = _article(section, "vpn", "VPN setup")
        probe.objects.create(code="R100/EU", title="Router R100, EU plug")  # "/" in the id
        probe.objects.create(code="R200", title="Router R200")
        probe.objects.create(code="R300", title="Router R300")
    # Meilisearch failed the task (invalid_document_id); the halves without it were written.
    assert _indexed_ids() == {f"article-{good.pk}", "probe-R200", "probe-R300"}
    row = _failing()["probe-R100/EU"]
    assert row.attempts == 1 and "invalid_document_id" in row.last_error
    assert IndexOutbox.objects.count() == 1

    # A refused request (a NaN is not JSON: malformed_payload) is split the same way.
    with transaction.atomic():
        probe.objects.create(code="R400", title="Router R400", score=float("nan"))
        probe.objects.filter(pk="R200").update(title="Router R200, renamed")
        services.search_enqueue(probe.objects.get(pk="R200"))
    failing = _failing()
    assert set(failing) == {"probe-R100/EU", "probe-R400"}
    assert "malformed_payload" in failing["probe-R400"].last_error
    assert client.index().get_document("probe-R200").title == "Router R200, renamed"

    # The cause is fixed and the try is due: the row drains.
    probe.objects.filter(pk="R400").update(score=3.5)
    _due_now("probe-R400", waited=timedelta(minutes=2))
    result = services.outbox_drain()
    assert (result.written, result.refused, result.failed) == (1, 0, False)
    assert client.index().get_document("probe-R400").popularity == 3.5
    assert set(_failing()) == {"probe-R100/EU"}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_failing_document_is_retried_with_a_growing_backoff(probe):
    probe.objects.create(code="R100/EU", title="Router R100")
    row = IndexOutbox.objects.get()
    assert row.attempts == 1 and row.next_attempt_at is not None

    # Not due: no drain touches it.
    for _ in range(3):
        assert services.outbox_drain().refused == 0
    assert IndexOutbox.objects.get().attempts == 1

    # Due after having waited ten minutes: tried, refused again, and put off ten minutes more.
    _due_now("probe-R100/EU", waited=timedelta(minutes=10))
    assert services.outbox_drain().refused == 1
    row = IndexOutbox.objects.get()
    assert row.attempts == 2
    wait = row.next_attempt_at - timezone.now()
    assert timedelta(minutes=9) < wait <= timedelta(minutes=10)

    # Never longer than six hours.
    _due_now("probe-R100/EU", waited=timedelta(days=3))
    services.outbox_drain()
    wait = IndexOutbox.objects.get().next_attempt_at - timezone.now()
    assert timedelta(hours=5, minutes=59) < wait <= timedelta(hours=6)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_failing_document_leaves_the_index_rather_than_stay_stale(probe):
    """Its old document may carry an audience that no longer holds: out until it is fixed."""
    probe.objects.create(code="R5", title="Router R5", score=1)
    assert "probe-R5" in _indexed_ids()
    probe.objects.filter(pk="R5").update(score=-1)
    services.search_enqueue(probe.objects.get(pk="R5"))
    assert "probe-R5" not in _indexed_ids()
    assert set(_failing()) == {"probe-R5"}
