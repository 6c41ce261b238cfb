from django.core.management.base import BaseCommand

from community.services import posts_rerender


class Command(BaseCommand):
    help = "Re-render posts stored by an older version of the Markdown renderer."

    def handle(self, *args, **options):
        count = posts_rerender()
        self.stdout.write(f"re-rendered {count} posts")
