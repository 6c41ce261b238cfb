"""The search benchmark (`manage.py search_bench`), run inside a database and a Meilisearch
of its own (see the command). Figures, not assertions:

- bulk reindex throughput: the demo content plus N generated documents built into a fresh
  index (settings first, batches sent without waiting, one wait at the end) and swapped in;
- the search page, the JSON endpoint and the same multi-search straight to Meilisearch (same
  filter, same facets), p50/p95 each, as ratios; SQL queries per search page. The JSON endpoint
  twice: in this process (our code's share: from the request to the response ready to send, as
  a server's request time counts it), and over HTTP from a gunicorn worker started for the run,
  as a client sees it (the HTTP hop, gunicorn, the database connection's health check). Beside
  it, the same worker sending a static file: what any answer over that hop costs. Neither
  counts the analytics written after the response has gone out;
- outbox lag under a steady stream of writes: commit → searchable, p95.

This module registers no pages with `manage.py bench` (that bench runs without Meilisearch).
"""

import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import requests as requests_lib

_SENTENCE = (
    "router switch gateway firmware update vpn tunnel vlan trunk poe budget port led "
    "diagnostics warranty claim install configure reset password certificate backup restore "
    "rollback latency throughput wireless antenna operator apn modem uplink redundancy "
    "monitoring alarm syslog snmp radius dhcp dns nat firewall rule policy schedule power "
    "supply fan temperature rack mount cable fiber copper license upgrade migration"
)
WORDS = _SENTENCE.split(" ")
TYPES = [("article", 5), ("topic", 3), ("document", 1), ("news", 1)]


def generated_documents(n: int, *, products, regions, roles, seed: int = 5) -> Iterator[dict]:
    rng = random.Random(seed)  # noqa: S311 (reproducible bench data)
    types = [t for t, weight in TYPES for _ in range(weight)]
    now = int(time.time())
    for i in range(n):
        kind = types[i % len(types)]
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 7))).capitalize()
        body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(40, 90)))
        yield {
            "id": f"bench-{i}",
            "type": kind,
            "title": title,
            "excerpt": body[:160],
            "body": body,
            "url": f"/bench/{i}/",
            "language": "en",
            "products": rng.sample(products, rng.choice((0, 0, 1))) if products else [],
            "regions": rng.sample(regions, rng.choice((0, 0, 1))) if regions else [],
            "roles": rng.sample(roles, rng.choice((0, 0, 0, 1))) if roles else [],
            "tags": rng.sample(WORDS, 2),
            "published_at": now - rng.randint(0, 3 * 365 * 86400),
            "updated_at": now,
            "popularity": rng.randint(0, 500),
        }


def pct(values: list[float], p: int) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


@dataclass
class Figures:
    docs: int = 0
    reindex_seconds: float = 0.0
    rows: list = None  # (name, p50, p95, sql)
    lag: list = None  # seconds
    lag_writes_per_second: float = 0.0


@dataclass
class Probe:
    doc_id: str
    committed: float  # wall clock (time.time()), to line up with the worker's log and Meilisearch
    seen: float | None = None


def reindex(n: int, out) -> tuple[int, float]:
    """Demo content + n generated documents into a fresh index, swapped in. (docs, seconds)"""
    from itertools import chain

    from hub.models import Product, Region, Role
    from hub.search import client, schema, services

    products = list(Product.objects.values_list("slug", flat=True))
    regions = list(Region.objects.values_list("slug", flat=True))
    roles = list(Role.objects.values_list("slug", flat=True))
    docs = list(
        chain(
            services.iter_documents(),
            generated_documents(n, products=products, regions=regions, roles=roles),
        )
    )  # built before the clock starts: the figure is Meilisearch's share of a reindex
    live = client.index_uid()
    fresh = f"{live}__bench"
    meili = client.client()
    schema.ensure_index(live)
    started = time.perf_counter()
    schema.ensure_index(fresh, force=True)
    total = services.bulk_index(fresh, iter(docs), batch=10_000)
    client.wait(meili.swap_indexes([{"indexes": [live, fresh]}]))
    seconds = time.perf_counter() - started
    client.wait(meili.delete_index(fresh))
    schema.forget(fresh)
    out.write(f"Reindexed {total} documents in {seconds:.1f} s ({total / seconds:,.0f} docs/s)")
    return total, seconds


QUERIES = [
    {"q": "firmware update"},
    {"q": "router vpn", "product": "router-r"},
    {"q": "switch poe budget", "type": "article"},
    {"q": "configure firewall rule", "sort": "newest"},
    {"q": "warranty claim", "region": "finland"},
    {"q": "diagnostics led", "type": ["article", "topic"], "role": "technician"},
    {"q": "firmwre updte"},  # typos
    {"q": "backup", "page": "3"},
]


@contextmanager
def _web_server():
    """A gunicorn worker (the Procfile's `web`, one worker) on a loopback port, with this
    process's settings, answering as behind the TLS proxy of production. Yields its URL."""
    from django.conf import settings

    from hub.meili import free_port

    port = free_port()
    env = {**os.environ, "BEHIND_TLS_PROXY": "true", "ALLOWED_HOSTS": "127.0.0.1"}
    server = subprocess.Popen(  # noqa: S603 (our own interpreter and app)
        [sys.executable, "-m", "gunicorn", "hub.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", "1", "--log-level", "warning"],
        env=env, cwd=settings.BASE_DIR,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                requests_lib.get(f"{url}/healthz", timeout=5)
                break
            except requests_lib.RequestException:  # not listening yet, or still booting
                time.sleep(0.1)
        else:
            raise RuntimeError(f"gunicorn did not answer on {url}")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def _answered_client(user):
    """The test client, signed in as `user`, timed as a server times a request. A call
    returns when its response was ready to send: what runs after that in a real server, once
    the response has gone out (`close()`: the search analytics, `request_finished`), and the
    test client's own bookkeeping afterwards are not what a person waits for (0.6 ms of a
    JSON search at p50, most of it the analytics' round trip)."""
    from django.test import Client
    from django.test.client import ClientHandler

    class Handler(ClientHandler):
        answered = 0.0

        def get_response(self, request):
            response = super().get_response(request)
            self.answered = time.perf_counter()
            return response

    web = Client()
    web.handler = Handler(enforce_csrf_checks=False)
    web.force_login(user)

    def get(path: str) -> float:
        response = web.get(path, secure=True)
        assert response.status_code == 200, response.status_code
        return web.handler.answered

    return web, get


def latency(user, requests: int, out) -> list:
    from django.conf import settings
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.http import QueryDict
    from django.utils.http import urlencode

    from hub import audience
    from hub.search import client as search_client
    from hub.search import query as search_query

    web, answered = _answered_client(user)
    http = requests_lib.Session()  # as another client would: its cookie, the proxy's header
    http.cookies.set(settings.SESSION_COOKIE_NAME, web.cookies[settings.SESSION_COOKIE_NAME].value)
    http.headers["X-Forwarded-Proto"] = "https"
    urls = [urlencode(q, doseq=True) for q in QUERIES]

    # The same requests (the filter and the facets as a search builds them for this person),
    # built beforehand and sent over the same kept-open connection as the search itself: the
    # ratio is all that our code adds, reading the query and writing the filter included.
    payloads = {
        qs: search_query.page_requests(
            audience.meili_filter(user), search_query.parse(QueryDict(qs))
        )
        for qs in urls
    }

    def direct(qs: str) -> None:
        search_client.multi_search(payloads[qs])

    def over_http(path: str) -> None:
        response = http.get(f"{server_url}{path}", timeout=10)
        assert response.status_code == 200, response.status_code

    static_file = staticfiles_storage.url("css/kumppani.css")
    with _web_server() as server_url:
        return _timed(
            {
                "Meilisearch direct": direct,
                "search page": lambda qs: answered(f"/search/?{qs}"),
                "JSON /api/v1/search": lambda qs: answered(f"/api/v1/search?{qs}"),
                "JSON over HTTP": lambda qs: over_http(f"/api/v1/search?{qs}"),
                "static file over HTTP": lambda qs: over_http(static_file),
            },
            urls,
            web,
            requests,
            out,
        )


def _timed(targets: dict, urls: list[str], web, requests: int, out) -> list:
    from django.db import connection

    from hub.bench import freeze_heap
    from hub.management.commands.bench import QueryCounter

    rows = []
    times: dict[str, list[float]] = {name: [] for name in targets}
    for qs in urls:  # warm every path
        for call in targets.values():
            call(qs)
    freeze_heap()
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        for qs in urls:
            response = web.get(f"/search/?{qs}", secure=True)
            assert response.status_code == 200, response.status_code
            assert b"simpler mode" not in response.content, "search fell back to the database"
    sql_max = counter.count / len(urls)
    # Interleaved, so that load on the machine hits every path alike. A path that knows when
    # its answer was ready returns that moment (see _answered_client).
    for i in range(requests):
        qs = urls[i % len(urls)]
        for name, call in targets.items():
            started = time.perf_counter()
            ended = call(qs) or time.perf_counter()
            times[name].append((ended - started) * 1000)
    base95 = pct(times["Meilisearch direct"], 95)
    base50 = pct(times["Meilisearch direct"], 50)
    for name, values in times.items():
        rows.append(
            (
                name,
                pct(values, 50),
                pct(values, 95),
                pct(values, 50) / base50,
                pct(values, 95) / base95,
                sql_max if name == "search page" else None,
            )
        )
    out.write(f"{'path':<22}{'p50 ms':>9}{'p95 ms':>9}{'p50 x':>8}{'p95 x':>8}{'SQL':>6}")
    for name, p50, p95, r50, r95, sql in rows:
        sql_text = f"{sql:>6.1f}" if sql is not None else f"{'':>6}"
        out.write(f"{name:<22}{p50:>9.2f}{p95:>9.2f}{r50:>8.2f}{r95:>8.2f}{sql_text}")
    return rows


def outbox_lag(
    section, *, writes: int, per_second: float, out, probes: list | None = None
) -> list[float]:
    """Publish `writes` articles at a steady rate; a poller notes when each is searchable.
    `probes` (a list) receives a Probe per write, in wall-clock time, for `lag_breakdown`."""
    from django.db import transaction

    from hub.search import client as search_client
    from knowledge.models import ArticlePage

    pending: dict[str, float] = {}
    lags: list[float] = []
    lock = threading.Lock()
    stop = threading.Event()
    index = search_client.index()

    def poll():
        while not stop.is_set() or pending:
            with lock:
                ids = list(pending)
            if ids:
                found = index.search(
                    "",
                    {
                        "filter": search_client.ids_filter(ids),
                        "limit": len(ids),
                        "attributesToRetrieve": ["id"],
                    },
                )["hits"]
                now, wall = time.perf_counter(), time.time()
                with lock:
                    for hit in found:
                        if hit["id"] in pending:
                            lags.append(now - pending.pop(hit["id"]))
                            if hit["id"] in by_id:
                                by_id[hit["id"]].seen = wall
            time.sleep(0.01)
            if stop.is_set() and time.perf_counter() - stopped_at[0] > 30:
                break

    by_id: dict[str, Probe] = {}
    stopped_at = [0.0]
    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    interval = 1 / per_second
    started = time.perf_counter()
    for i in range(writes):
        target = started + i * interval
        time.sleep(max(0.0, target - time.perf_counter()))
        page = ArticlePage(title=f"Lag probe {i}", slug=f"lag-probe-{i}", summary="lag probe")
        with transaction.atomic():

            def committed(page=page):
                with lock:
                    pending[f"article-{page.pk}"] = time.perf_counter()
                    probe = Probe(f"article-{page.pk}", time.time())
                    by_id[probe.doc_id] = probe
                    if probes is not None:
                        probes.append(probe)

            transaction.on_commit(committed)  # first: before the drain queued by the save
            section.add_child(instance=page)
            page.save_revision().publish()
    elapsed = time.perf_counter() - started
    stopped_at[0] = time.perf_counter()
    stop.set()
    poller.join(timeout=40)
    missing = len(pending)
    out.write(
        f"Outbox lag over {writes} writes at {writes / elapsed:.1f}/s: "
        f"p50 {pct(lags, 50) * 1000:.0f} ms, p95 {pct(lags, 95) * 1000:.0f} ms, "
        f"max {max(lags or [0]) * 1000:.0f} ms" + (f", {missing} never arrived" if missing else "")
    )
    return lags


_BATCH_LINE = re.compile(
    r"search outbox batch: picked=(?P<picked>[\d.]+) rows=(?P<rows>\d+) "
    r"build_ms=(?P<build>[\d.]+) write_ms=(?P<write>[\d.]+) done=(?P<done>[\d.]+) "
    r"tasks=(?P<tasks>[\d,]*)"
)


def _meili_get(path: str, params: dict | None = None) -> dict:
    from django.conf import settings

    headers = {"Authorization": f"Bearer {settings.MEILISEARCH_MASTER_KEY}"}
    url = f"{settings.MEILISEARCH_URL}{path}"
    return requests_lib.get(url, params=params, headers=headers, timeout=10).json()


def _iso_seconds(value: str | None) -> float | None:
    from datetime import datetime

    if not value:
        return None
    head, _, frac = value.rstrip("Z").partition(".")
    stamp = datetime.fromisoformat(head + "+00:00").timestamp()
    return stamp + (float(f"0.{frac}") if frac else 0.0)


_UNITS_MS = {"ns": 1e-6, "µs": 1e-3, "us": 1e-3, "ms": 1.0, "s": 1000.0}


def _duration_ms(value: str | None) -> float:
    """A duration as Meilisearch writes it, in ms: ISO 8601 in tasks ("PT0.1234S"), Rust's
    notation in progress traces ("12.3ms", "1.2s", "850µs")."""
    if m := re.fullmatch(r"([\d.]+)(ns|µs|us|ms|s)", value or ""):
        return float(m[1]) * _UNITS_MS[m[2]]
    m = re.fullmatch(r"PT(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?", value or "")
    if not m:
        return 0.0
    h, mi, sec = (float(g) if g else 0.0 for g in m.groups())
    return (h * 3600 + mi * 60 + sec) * 1000


def lag_breakdown(probes: list, worker_log: str | None, out) -> None:
    """Where the outbox lag goes, per write (p50/p95/max of each stage):

    commit → picked   Celery pickup plus waiting for the drain before to finish
    build             documents built from the database (the write's batch)
    meili queue       Meilisearch task enqueued → started (waiting for the tasks before it)
    meili work        the task's processing (started → finished)
    seen              finished → the poller found the document (poll interval)
    and the drains' batches: rows per batch, the write's wall time (add + wait), and how
    Meilisearch batched the tasks, with the slowest steps of its progress trace."""
    batches = []
    if worker_log:
        with open(worker_log) as fh:
            for line in fh:
                if m := _BATCH_LINE.search(line):
                    batches.append(
                        {
                            "picked": float(m["picked"]),
                            "done": float(m["done"]),
                            "rows": int(m["rows"]),
                            "build": float(m["build"]),
                            "write": float(m["write"]),
                            "tasks": [int(t) for t in m["tasks"].split(",") if t],
                        }
                    )
    if not batches:
        out.write("(no drain batches in the worker's log: no stage breakdown)")
        return
    from django.conf import settings

    tasks = {}
    for b in batches:
        for uid in b["tasks"]:
            t = _meili_get(f"/tasks/{uid}")
            tasks[uid] = t
    # Every task on the index meanwhile (settings updates and deletions too): the timeline.
    first = min(b["picked"] for b in batches) - 1
    listed = _meili_get(
        "/tasks", {"indexUids": settings.MEILISEARCH_INDEX, "limit": 1000, "reverse": "true"}
    ).get("results", [])
    listed = [t for t in listed if (_iso_seconds(t.get("enqueuedAt")) or 0) >= first]
    by_type: dict[str, list[float]] = {}
    for t in listed:
        by_type.setdefault(t["type"], []).append(_duration_ms(t.get("duration")))
    for kind, values in by_type.items():
        out.write(
            f"Meilisearch {kind}: {len(values)} tasks, duration p50 {pct(values, 50):.0f} ms, "
            f"p95 {pct(values, 95):.0f} ms, max {max(values):.0f} ms"
        )
    out.write("first drain batches (s after the first; rows, build ms, write ms):")
    for b in batches[:6]:
        out.write(
            f"  +{b['picked'] - batches[0]['picked']:6.2f}  {b['rows']:>3} rows  "
            f"{b['build']:>6.0f}  {b['write']:>6.0f}"
        )
    stages: dict[str, list[float]] = {
        k: [] for k in ("commit → picked", "build", "meili queue", "meili work", "seen")
    }
    batches.sort(key=lambda b: b["picked"])
    for p in probes:
        batch = next((b for b in batches if b["picked"] >= p.committed), None)
        if batch is None or not batch["tasks"] or p.seen is None:
            continue
        task = tasks[batch["tasks"][0]]
        enq, start, fin = (
            _iso_seconds(task.get(k)) for k in ("enqueuedAt", "startedAt", "finishedAt")
        )
        if None in (enq, start, fin):
            continue
        stages["commit → picked"].append((batch["picked"] - p.committed) * 1000)
        stages["build"].append(batch["build"])
        stages["meili queue"].append((start - enq) * 1000)
        stages["meili work"].append((fin - start) * 1000)
        stages["seen"].append((p.seen - fin) * 1000)
    out.write(f"{'stage (per write)':<22}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    for name, values in stages.items():
        if values:
            out.write(
                f"{name:<22}{pct(values, 50):>9.0f}{pct(values, 95):>9.0f}{max(values):>9.0f}"
            )
    rows = [b["rows"] for b in batches]
    writes = [b["write"] for b in batches if b["tasks"]]
    out.write(
        f"drain batches: {len(batches)}, rows per batch p50 {pct(rows, 50):.0f} "
        f"max {max(rows)}; write (add + wait) p50 {pct(writes, 50) if writes else 0:.0f} ms "
        f"p95 {pct(writes, 95) if writes else 0:.0f} ms"
    )
    from collections import Counter

    per_batch = Counter(t["batchUid"] for t in tasks.values() if t.get("batchUid") is not None)
    batch_uids = sorted(per_batch)
    out.write(
        f"Meilisearch batches: {len(batch_uids)} for {len(tasks)} tasks "
        f"(max {max(per_batch.values() or [0])} tasks in one)"
    )
    traces = []
    for uid in batch_uids:
        answer = _meili_get(f"/batches/{uid}")
        trace = (answer.get("stats") or {}).get("progressTrace") or {}
        traces.append((_duration_ms(answer.get("duration")), trace))
    traces.sort(key=lambda t: -t[0])
    for label, (ms, trace) in (("median", traces[len(traces) // 2]), ("slowest", traces[0])):
        out.write(f"{label} Meilisearch batch: {ms:.0f} ms; its slowest steps:")
        steps = sorted(
            ((step, _duration_ms(v)) for step, v in trace.items() if isinstance(v, str)),
            key=lambda kv: -kv[1],
        )
        for step, value in steps[:8]:
            out.write(f"  {step[:88]:<88}{value:>9.1f} ms")
