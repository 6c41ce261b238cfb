"""`manage.py bench` keeps working (its figures go in notes, not in assertions)."""

import os
import subprocess
import sys
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def test_bench_measures_every_page_beside_the_bare_view(settings, db):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    if env.get("REDIS_URL"):
        # This test's own Redis database (one per xdist worker): no other test clears it
        # while the bench runs.
        env["REDIS_URL"] = settings.CACHES["default"]["LOCATION"]
    database = connection.settings_dict  # the test database (`db`), not the configured one
    if database["ENGINE"].endswith("postgresql"):
        # Named after this test's own database (test_…_gw0 → test_…_gw0_bench), never the
        # developer's `<name>_bench`, which the bench would otherwise drop under their feet.
        auth = database["USER"] + (f":{database['PASSWORD']}" if database["PASSWORD"] else "")
        host = f"{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}"
        env["DATABASE_URL"] = f"postgres://{auth}@{host}/{database['NAME']}"
    result = subprocess.run(
        [sys.executable, "manage.py", "bench", "--articles", "3", "--requests", "5"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    lines = result.stdout.splitlines()
    table = lines[lines.index(next(line for line in lines if line.startswith("page"))) :]
    names = [line.split("  ")[0] for line in table[1:]]
    assert names[0] == "bare view"
    assert {"dashboard", "knowledge root", "article"} <= set(names)
    for line in table[1:]:
        p50, p95, ratio50, ratio95, sql = line.split()[-5:]
        assert float(p50) > 0 and float(p95) >= float(p50)
        assert float(ratio50) > 0 and float(ratio95) > 0
        assert int(sql) > 0  # even the bare view reads the session and the user
    assert table[1].split()[-3:-1] == ["1.0", "1.0"]
