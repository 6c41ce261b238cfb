from django.core.management.base import BaseCommand

from hub.search import client, schema, tokens


class Command(BaseCommand):
    help = (
        "Create the search index if needed, apply its settings and synonyms, and create the "
        "search-only API key that signs tenant tokens (idempotent)."
    )

    def handle(self, *args, **options):
        schema.ensure_index(force=True)
        uid, _key = tokens.search_key()
        self.stdout.write(
            self.style.SUCCESS(f"Index {client.index_uid()!r} is ready; search key {uid}.")
        )
