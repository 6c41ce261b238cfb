from django.core.management.base import BaseCommand

from hub.progress import ProgressBar
from hub.search import client, services


class Command(BaseCommand):
    help = "Rebuild the search index from the database into a fresh index and swap it in."

    def handle(self, *args, **options):
        total = services.searchable_count()
        with ProgressBar(total, label="Indexing", stream=self.stdout) as bar:
            indexed = services.search_reindex(progress=bar.advance)
        self.stdout.write(
            self.style.SUCCESS(f"Indexed {indexed} documents into {client.index_uid()!r}.")
        )
