"""The benchmark harness: page latency through the full middleware stack, beside a bare view.

    manage.py bench [--articles 2000] [--requests 300] [--keep]

It never touches your data: it re-runs itself against a database of its own (`<name>_bench`
on PostgreSQL, var/bench.sqlite3 on SQLite), migrates it, loads the demo data plus `--articles`
more, signs in as a demo customer, and times each page with Django's test client (the whole
middleware stack, no network), one request to each page in turn. A bare view that returns "ok"
is timed in the same run; every figure is shown as a ratio to it, because absolute times on a
shared machine mean little.
Apps add their own pages in a `bench.py` module (see hub/bench.py).
"""

import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test import Client
from django.test.utils import override_settings

from hub import pg
from hub.progress import ProgressBar

INNER_FLAG = "--inner"


def _bench_database_url() -> str:
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{settings.VAR_DIR / 'bench.sqlite3'}"
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    host = db.get("HOST") or "127.0.0.1"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{db['NAME']}_bench"


class Command(BaseCommand):
    help = "Measure page latency (p50/p95) beside a bare Django view, in a database of its own."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=2000, help="extra articles to create")
        parser.add_argument("--requests", type=int, default=300, help="timed requests per page")
        parser.add_argument("--keep", action="store_true", help="keep the bench database")
        parser.add_argument(INNER_FLAG, action="store_true", help="(internal) run the measurement")

    def handle(self, *args, articles, requests, keep, inner, **options):
        if inner:
            return self._measure(articles=articles, requests=requests)
        url = _bench_database_url()
        self.stdout.write(f"Bench database: {url.rsplit('@', 1)[-1]}")
        if url.startswith("postgres"):
            pg.recreate_database(url.rsplit("/", 1)[-1])
        else:
            Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        env = {
            **os.environ,
            "DATABASE_URL": url,
            # Search writes wait in the outbox; the bench measures pages, not indexing.
            "MEILISEARCH_URL": "http://127.0.0.1:9",
            "CELERY_TASK_ALWAYS_EAGER": "true",
            "REDIS_URL": os.environ.get("REDIS_URL", ""),
            # Keys of its own: the bench's user ids would otherwise meet another database's
            # (a developer's server, a test run) in the shared cache, reach and sessions included.
            "CACHE_KEY_PREFIX": f"{settings.CACHES['default'].get('KEY_PREFIX', '')}-bench",
        }
        argv = [sys.executable, "manage.py", "bench", INNER_FLAG]
        argv += ["--articles", str(articles), "--requests", str(requests)]
        result = subprocess.run(argv, env=env, cwd=settings.BASE_DIR, check=False)  # noqa: S603
        if not keep and url.startswith("postgres"):
            pg.drop_database(url.rsplit("/", 1)[-1])
        if result.returncode:
            raise SystemExit(result.returncode)

    # --- the measurement (runs inside the bench database) ---------------------------------------

    def _measure(self, *, articles: int, requests: int):
        self.stdout.write("Preparing: migrate, static files, demo data...")
        call_command("migrate", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
        section = self._grow(articles)
        from accounts.models import User
        from knowledge.models import ArticlePage

        anna = User.objects.get(email="anna@aurora.example")
        from hub import audience

        # The newest article Anna may see (the generated audiences hide some from her).
        article = (
            ArticlePage.objects.child_of(section)
            .filter(audience.q_for(anna, ArticlePage))
            .order_by("-pk")
            .first()
        )
        pages = {
            "bare view": "/_bench/bare/",
            "dashboard": "/",
            "knowledge root": "/knowledge/",
            f"section ({ArticlePage.objects.child_of(section).count()} articles)": section.url,
            "article": article.url,
        }
        from django.utils.module_loading import autodiscover_modules

        from hub import bench

        autodiscover_modules("bench")
        rng = random.Random(11)  # noqa: S311 (reproducible test data, not secrets)
        ctx = bench.Context(stdout=self.stdout, rng=rng, user=anna, requests=requests)
        for contribute in bench.registered():
            pages.update(contribute(ctx))
        # Statistics for the rows just added, as autovacuum gathers in production (it is not
        # yet round here): without them the planner misjudged the audience filter, e.g. the
        # dashboard's newest articles took 76 ms instead of 5 and the topic list sorted every
        # topic instead of seeking its index (40 ms instead of 0.2).
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        with override_settings(ROOT_URLCONF="hub.bench_urls", ALLOWED_HOSTS=["testserver"]):
            client = Client()
            client.force_login(anna)
            for url in pages.values():
                for _ in range(max(requests // 10, 5)):  # warm caches and connections
                    client.get(url, secure=True)
            counts = {}
            for name, url in pages.items():
                queries = QueryCounter()
                with connection.execute_wrapper(queries):
                    response = client.get(url, secure=True)
                assert response.status_code == 200, (url, response.status_code)
                counts[name] = queries.count
            bench.freeze_heap()
            # Interleaved, one request to each page in turn: whatever the machine or the process
            # does meanwhile (another program, the heap a slow page left) falls on every page
            # alike, the bare view included.
            times: dict[str, list[float]] = {name: [] for name in pages}
            with ProgressBar(requests, label="Requests", stream=self.stdout) as bar:
                for _ in range(requests):
                    for name, url in pages.items():
                        started = time.perf_counter()
                        client.get(url, secure=True)
                        times[name].append((time.perf_counter() - started) * 1000)
                    bar.advance()
            rows = [
                (name, _pct(times[name], 50), _pct(times[name], 95), counts[name]) for name in pages
            ]
        self._report(rows, articles=articles, requests=requests)

    def _grow(self, articles: int):
        """`articles` more articles in one section, with assorted audiences."""
        from hub.models import Product, Region, Role
        from knowledge.models import ArticlePage, SectionPage
        from knowledge.services import knowledge_root

        rng = random.Random(7)  # noqa: S311 (reproducible test data, not secrets)
        products, regions, roles = (
            list(Product.objects.all()),
            list(Region.objects.all()),
            list(Role.objects.all()),
        )
        with transaction.atomic():
            section = knowledge_root().add_child(
                instance=SectionPage(title="Bench section", slug="bench-section")
            )
            with ProgressBar(articles, label="Articles", stream=self.stdout) as bar:
                for i in range(articles):
                    page = ArticlePage(
                        title=f"Bench article {i}",
                        slug=f"bench-{i}",
                        summary="A generated article for the benchmark.",
                        body=[("paragraph", "<p>" + "Generated text. " * 40 + "</p>")],
                    )
                    page.audience_products = rng.sample(products, rng.choice((0, 0, 1)))
                    page.audience_regions = rng.sample(regions, rng.choice((0, 0, 1)))
                    page.audience_roles = rng.sample(roles, rng.choice((0, 0, 0, 1)))
                    section.add_child(instance=page)
                    bar.advance()
        return section

    def _report(self, rows, *, articles: int, requests: int):
        bare50, bare95 = rows[0][1], rows[0][2]
        self.stdout.write("")
        self.stdout.write(
            f"{articles} extra articles, {requests} requests per page, signed in as a customer, "
            f"database {connection.vendor}"
        )
        self.stdout.write(
            f"{'page':<28}{'p50 ms':>9}{'p95 ms':>9}{'p50 x bare':>11}{'p95 x bare':>11}{'SQL':>6}"
        )
        for name, p50, p95, queries in rows:
            self.stdout.write(
                f"{name:<28}{p50:>9.2f}{p95:>9.2f}{p50 / bare50:>11.1f}{p95 / bare95:>11.1f}"
                f"{queries:>6}"
            )


class QueryCounter:
    """Counts SQL statements; unlike connection.queries it survives the connection being
    closed and reopened between requests."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def _pct(values: list[float], pct: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]
