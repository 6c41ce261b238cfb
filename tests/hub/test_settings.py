"""Settings come from the environment; a bad value stops start-up and names the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str, **env: str) -> subprocess.CompletedProcess:
    unset = {"DATABASE_URL", "REDIS_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in unset}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DEBUG", "maybe"),
        ("DATABASE_URL", "mysql-ish://nowhere"),
        ("REDIS_URL", "http://127.0.0.1:6379"),
        ("MEILISEARCH_URL", "127.0.0.1:7700"),
        ("EMAIL_URL", "carrier-pigeon://coop"),
        ("TRUSTED_PROXY_COUNT", "two"),
        ("MFA_REQUIRED_FOR_STAFF", "sometimes"),
    ],
)
def test_malformed_value_stops_start_up_naming_the_variable(variable, value):
    result = _run("check", **{variable: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert variable in result.stderr.splitlines()[-1]


def test_production_settings_pass_the_deployment_check():
    result = _run(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY="x" * 20 + "-a-long-and-random-enough-production-key-9f8e7d6c5b4a",
        ALLOWED_HOSTS="portal.example.com",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_switch_on_the_security_headers():
    code = (
        "from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.SECURE_HSTS_SECONDS > 0, s.MFA_REQUIRED_FOR_STAFF, s.X_FRAME_OPTIONS,"
        " s.CACHES['default']['BACKEND'].rsplit('.', 1)[-1])"
    )
    result = _run("shell", "-c", code, DEBUG="false")
    assert result.stdout.splitlines()[-1].split() == [
        "True",
        "True",
        "True",
        "True",
        "True",
        "DENY",
        "LocMemCache",
    ]
    result = _run("shell", "-c", code, DEBUG="false", REDIS_URL="redis://127.0.0.1:6379/15")
    assert result.stdout.splitlines()[-1].split()[-1] == "RedisCache"
