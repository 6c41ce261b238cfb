from django.core.management.base import BaseCommand
from django.utils import timezone

from hub.search import client, services


class Command(BaseCommand):
    help = "Compare what the database holds with what the index holds, and show the outbox."

    def handle(self, *args, **options):
        status = services.search_status()
        self.stdout.write(f"Index {client.index_uid()!r}")
        self.stdout.write(f"{'type':<16}{'database':>10}{'index':>10}")
        types = sorted(set(status.in_database) | set(status.in_index or {}))
        for name in types:
            in_index = "?" if status.in_index is None else status.in_index.get(name, 0)
            self.stdout.write(f"{name:<16}{status.in_database.get(name, 0):>10}{in_index:>10}")
        if status.index_error:
            self.stdout.write(self.style.ERROR(f"Meilisearch unavailable: {status.index_error}"))
        self.stdout.write(
            "(database counts candidates; drafts and hidden items are left out of the index)"
        )
        backlog = f"Outbox: {status.outbox_backlog} waiting, {status.outbox_failing} failing"
        if status.outbox_oldest_seconds is not None:
            backlog += f", oldest {status.outbox_oldest_seconds:.0f} s"
        style = self.style.WARNING if status.outbox_backlog else self.style.SUCCESS
        self.stdout.write(style(backlog))
        # Documents that fail on their own (the rest of the outbox drains past them).
        for row in status.failing:
            when = timezone.localtime(row.next_attempt_at).strftime("%Y-%m-%d %H:%M:%S")
            error = (row.last_error.splitlines() or [""])[0][:300]
            self.stdout.write(
                self.style.ERROR(f"  {row.doc_id}: {row.attempts} attempts, next {when}: {error}")
            )
        if status.outbox_failing > len(status.failing):
            self.stdout.write(f"  ... and {status.outbox_failing - len(status.failing)} more")
