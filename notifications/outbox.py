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
