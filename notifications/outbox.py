"""Delivering rows of an app's notification outbox (community announcements, knowledge
follower notices): the apps write a row in the transaction of the change, and a task turns each
row into notifications after the commit; beat runs the same task as the retry."""

import logging
from collections.abc import Callable

from django.db import models, transaction
from django.db.models import F

log = logging.getLogger(__name__)


def deliver_rows(
    model: type[models.Model],
    deliver: Callable[[models.Model], object],
    *,
    select_related: tuple[str, ...] = (),
    limit: int = 500,
) -> int:
    """Deliver waiting rows in order, each in a transaction of its own with its row locked
    (SKIP LOCKED: two workers never tell anyone twice). A row that fails stays, with attempts
    + 1 and the error, and the others go on. Returns how many rows were delivered."""
    delivered, failed = 0, set()
    for _round in range(limit):
        with transaction.atomic():
            row = (
                model.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related(*select_related)
                .exclude(pk__in=failed)
                .order_by("pk")
                .first()
            )
            if row is None:
                break
            try:
                with transaction.atomic():
                    deliver(row)
            except Exception as exc:  # any failure: keep the row for the retry, go on
                log.exception("%s %s not delivered", model._meta.label, row.pk)
                failed.add(row.pk)
                model.objects.filter(pk=row.pk).update(
                    attempts=F("attempts") + 1, last_error=f"{type(exc).__name__}: {exc}"[:2000]
                )
                continue
            row.delete()
            delivered += 1
    return delivered


def queue_delivery_on_commit(task) -> None:
    """Queue the Celery `task` once per transaction, after it commits (beat retries the rest).
    The connection's own list of commit callbacks tells, which a rollback empties too (a flag
    of our own would stay set). A callback that has run no longer counts: a commit removes it
    from the list, but a test running the callbacks itself leaves it there."""
    connection = transaction.get_connection()
    for entry in connection.run_on_commit:
        if getattr(entry[1], "task_name", None) == task.name and not entry[1].done:
            return

    def queue() -> None:
        queue.done = True
        task.delay()

    queue.task_name, queue.done = task.name, False
    transaction.on_commit(queue, robust=True)
