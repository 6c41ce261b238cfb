"""Editors' synonym groups → the index's `synonyms` setting, pushed through the outbox."""

from hub.search.models import SynonymGroup

# The outbox row that means "push the synonyms" (services._apply handles it).
OUTBOX_MODEL = "search_core.synonymgroup"
OUTBOX_DOC_ID = "settings-synonyms"


def synonyms_setting() -> dict[str, list[str]]:
    """Every term of a group maps to the others (Meilisearch's multi-way synonyms)."""
    out: dict[str, set[str]] = {}
    for group in SynonymGroup.objects.all():
        terms = group.term_list()
        for term in terms:
            out.setdefault(term, set()).update(t for t in terms if t != term)
    return {term: sorted(others) for term, others in sorted(out.items()) if others}


def enqueue(**kwargs) -> None:
    """Called on save/delete of a group: a row in the same transaction, a drain after commit."""
    from hub.search.models import IndexOutbox
    from hub.search.services import queue_drain_on_commit

    IndexOutbox.objects.create(doc_id=OUTBOX_DOC_ID, model=OUTBOX_MODEL, object_pk="*")
    queue_drain_on_commit()


def connect_signals() -> None:
    from django.db.models.signals import post_delete, post_save

    post_save.connect(enqueue, sender=SynonymGroup, dispatch_uid="search-synonyms-save")
    post_delete.connect(enqueue, sender=SynonymGroup, dispatch_uid="search-synonyms-delete")
