"""The search benchmark: 100,000 documents in a real Meilisearch, and the figures of the issue.

    manage.py search_bench [--docs 100000] [--requests 200] [--writes 60] [--rate 4]

It never touches your data or your index: it starts a Meilisearch of its own (temporary data
folder, own master key, loopback port) and re-runs itself against a database of its own (as
`manage.py bench` does), loads the demo data, then measures (hub/search/bench.py):
reindex throughput, search page / JSON endpoint / direct Meilisearch latency (p50, p95, ratios,
SQL per page), and outbox lag (commit → searchable) under a steady stream of writes. With
REDIS_URL set the drain runs in a real Celery worker started for the run (as in production);
otherwise Celery runs eagerly in-process.
"""

import os
import shutil
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from hub.management.commands import bench as page_bench

INNER_FLAG = "--inner"


class Command(BaseCommand):
    help = "Measure search at scale (100k documents) in a Meilisearch and database of its own."

    def add_arguments(self, parser):
        parser.add_argument("--docs", type=int, default=100_000)
        parser.add_argument("--requests", type=int, default=200)
        parser.add_argument("--writes", type=int, default=60)
        parser.add_argument("--rate", type=float, default=4.0, help="writes per second")
        parser.add_argument(INNER_FLAG, action="store_true", help="(internal)")

    def handle(self, *args, docs, requests, writes, rate, inner, **options):
        if inner:
            return self._measure(docs=docs, requests=requests, writes=writes, rate=rate)
        from hub import meili, pg

        url = page_bench._bench_database_url().replace("_bench", "_searchbench")
        if url.startswith("sqlite"):
            url = f"sqlite:///{settings.VAR_DIR / 'searchbench.sqlite3'}"
            Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        if url.startswith("postgres"):
            pg.recreate_database(url.rsplit("/", 1)[-1])
        data_dir = Path(tempfile.mkdtemp(prefix="kumppani-searchbench-"))
        server = meili.LocalServer(data_dir=data_dir, binary=meili.ensure_binary()).start()
        self.stdout.write(f"Bench Meilisearch {meili.VERSION} at {server.url}; database "
                          f"{url.rsplit('@', 1)[-1]}")  # fmt: skip
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "MEILISEARCH_URL": server.url,
            "MEILISEARCH_MASTER_KEY": server.master_key,
            "MEILISEARCH_INDEX": "searchbench",
            "CELERY_TASK_ALWAYS_EAGER": "true",
            "REDIS_URL": os.environ.get("REDIS_URL", ""),
            # Cache keys of its own (see `manage.py bench`): user ids of another database must
            # never meet this one's in the shared cache.
            "CACHE_KEY_PREFIX": f"{settings.CACHES['default'].get('KEY_PREFIX', '')}-searchbench",
        }
        try:
            argv = [sys.executable, "manage.py", "search_bench", INNER_FLAG]
            argv += ["--docs", str(docs), "--requests", str(requests)]
            argv += ["--writes", str(writes), "--rate", str(rate)]
            result = subprocess.run(argv, env=env, cwd=settings.BASE_DIR, check=False)  # noqa: S603
        finally:
            server.stop()
            shutil.rmtree(data_dir, ignore_errors=True)
            if url.startswith("postgres"):
                pg.drop_database(url.rsplit("/", 1)[-1])
        if result.returncode:
            raise SystemExit(result.returncode)

    def _measure(self, *, docs: int, requests: int, writes: int, rate: float):
        from accounts.models import User
        from hub.search import bench, services
        from knowledge.models import SectionPage
        from knowledge.services import knowledge_root

        self.stdout.write("Preparing: migrate, static files, demo data...")
        call_command("migrate", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        from django.test.utils import override_settings

        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
        services.outbox_drain()
        self.stdout.write(f"\n1. Bulk reindex ({docs} generated documents + the demo content)")
        bench.reindex(docs, self.stdout)
        anna = User.objects.get(email="anna@aurora.example")
        self.stdout.write(f"\n2. Latency as Anna, {requests} requests per path, interleaved")

        if requests:
            with override_settings(ALLOWED_HOSTS=["testserver"]):
                bench.latency(anna, requests, self.stdout)
        self.stdout.write(f"\n3. Outbox lag: {writes} article publications at {rate}/s")
        section = knowledge_root().add_child(
            instance=SectionPage(title="Lag probes", slug="lag-probes")
        )
        probes: list = []
        with _worker(self.stdout) as (mode, worker_log):
            self.stdout.write(f"(drain: {mode})")
            bench.outbox_lag(
                section, writes=writes, per_second=rate, out=self.stdout, probes=probes
            )
        self.stdout.write("\nWhere the lag goes (commit → searchable):")
        bench.lag_breakdown(probes, worker_log, self.stdout)


@contextmanager
def _worker(out):
    """A real Celery worker for the lag phase when there is a broker and a server database
    (as in production); otherwise the drain runs eagerly in-process after each commit."""
    from django.db import connection

    from hub.celery import app

    if not os.environ.get("REDIS_URL") or connection.vendor == "sqlite":
        yield "eager, in-process", None
        return
    log_path = str(Path(tempfile.gettempdir()) / "kumppani-searchbench-worker.log")
    log = open(log_path, "w")  # noqa: SIM115
    worker = subprocess.Popen(  # our own worker, same interpreter
        [sys.executable, "-m", "celery", "-A", "hub", "worker", "--pool", "solo",
         "--loglevel", "WARNING", "--without-heartbeat", "--without-gossip", "--without-mingle"],
        # DEBUG: the drain's per-batch timings (services.outbox_drain) for the breakdown.
        env={**os.environ, "CELERY_TASK_ALWAYS_EAGER": "false", "LOG_LEVEL": "DEBUG"},
        cwd=settings.BASE_DIR,
        stdout=log, stderr=log,
    )  # fmt: skip
    try:
        for _ in range(120):
            if app.control.ping(timeout=0.5):
                break
        app.conf.task_always_eager = False
        yield "a Celery worker (Redis broker)", log_path
    finally:
        app.conf.task_always_eager = True
        worker.terminate()
        worker.wait(timeout=30)
        log.close()
