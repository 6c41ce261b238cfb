from django.core.management.base import BaseCommand

from hub.search import client, schema


class Command(BaseCommand):
    help = "Create the search index if needed and apply its settings (idempotent)."

    def handle(self, *args, **options):
        schema.ensure_index(force=True)
        self.stdout.write(self.style.SUCCESS(f"Index {client.index_uid()!r} is ready."))
