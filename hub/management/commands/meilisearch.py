import signal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from hub import meili


class Command(BaseCommand):
    help = (
        "The embedded Meilisearch: 'fetch' the pinned binary, 'start' it in the background, "
        "'stop' it, 'serve' it in the foreground (the Procfile's search process), or 'status'."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["fetch", "start", "stop", "serve", "status"])

    def handle(self, *args, action, **options):
        try:
            if action == "fetch":
                self.stdout.write(f"Using {meili.ensure_binary(log=self.stdout.write)}")
            elif action == "start":
                self.stdout.write(meili.start_local(log=self.stdout.write))
            elif action == "stop":
                self.stdout.write(meili.stop_local())
            elif action == "status":
                healthy = meili.is_healthy(settings.MEILISEARCH_URL)
                state = "answering" if healthy else "not answering"
                self.stdout.write(f"Meilisearch at {settings.MEILISEARCH_URL}: {state}")
            else:
                self._serve()
        except meili.MeilisearchUnavailable as exc:
            raise CommandError(str(exc)) from exc

    def _serve(self):
        server = meili.LocalServer(
            data_dir=meili.local_dir(),
            port=meili.local_port(),
            master_key=settings.MEILISEARCH_MASTER_KEY,
            binary=meili.ensure_binary(log=self.stdout.write),
        ).start()
        self.stdout.write(f"Meilisearch serving at {server.url}; Ctrl-C stops it.")
        signal.signal(signal.SIGTERM, lambda *_: server.stop())
        try:
            server.process.wait()
        except KeyboardInterrupt:
            server.stop()
