"""`manage.py bench` keeps working (its figures go in notes, not in assertions)."""

import subprocess
import sys
from pathlib import Path

from tests.conftest import bench_env

ROOT = Path(__file__).resolve().parents[2]


def test_bench_measures_every_page_beside_the_bare_view(db):
    env = bench_env()
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
