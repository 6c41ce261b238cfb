"""`manage.py search_bench` keeps working, end to end on a small scale: its own Meilisearch
and database, a reindex, every latency path (the JSON one also over HTTP from a real gunicorn
worker, signed in by cookie behind the proxy header) and the outbox lag through a real Celery
worker. Its figures go in notes, not in assertions."""

import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import bench_env, require

ROOT = Path(__file__).resolve().parents[2]
PATHS = [
    "Meilisearch direct",
    "search page",
    "JSON /api/v1/search",
    "JSON over HTTP",
    "static file over HTTP",
]


def test_search_bench_measures_every_path_beside_meilisearch(db, meilisearch_server):
    require(meilisearch_server.available, f"Meilisearch: {meilisearch_server.error}")
    result = subprocess.run(
        [sys.executable, "manage.py", "search_bench", "--docs", "300", "--requests", "4",
         "--writes", "2", "--rate", "8"],
        cwd=ROOT,
        env=bench_env(),
        capture_output=True,
        text=True,
        timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-4000:]
    out = result.stdout

    reindexed = re.search(r"Reindexed (\d+) documents in ([\d.]+) s", out)
    assert reindexed and int(reindexed[1]) > 300  # the generated documents and the demo's

    lines = out.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("path"))
    rows = {line[:22].strip(): line[22:].split() for line in lines[header + 1 : header + 6]}
    assert list(rows) == PATHS
    for name, figures in rows.items():
        p50, p95, ratio50, ratio95 = map(float, figures[:4])
        assert 0 < p50 <= p95 and ratio50 > 0 and ratio95 > 0, name
    assert rows["Meilisearch direct"][2:4] == ["1.00", "1.00"]
    assert 1 <= float(rows["search page"][4]) <= 3  # the SQL budget for the page

    lag = re.search(r"Outbox lag over (\d+) writes .*: p50 (\d+) ms, p95 (\d+) ms", out)
    assert lag and lag[1] == "2" and int(lag[3]) > 0
    assert "never arrived" not in out
