"""What names the code being run, for caches that keep rendered markup: after a deploy no page
may be served as the previous release rendered it."""

import functools
import hashlib
import os
from importlib.metadata import version
from pathlib import Path

from django.conf import settings

_SOURCES = (".py", ".html", ".txt", ".mo")  # code, templates (pages and e-mails), messages
_SKIPPED = {".git", ".venv", "node_modules", "staticfiles", "tests", "var", "__pycache__"}


@functools.cache
def release_id() -> str:
    """RELEASE_ID when the deployment sets it (the commit it ships, say); otherwise a digest of
    the project's code, templates and translations and of the framework versions, which is the
    same on every host that runs the same release. Computed once per process (about 20 ms)."""
    if settings.RELEASE_ID:
        return settings.RELEASE_ID
    base = Path(settings.BASE_DIR)
    digest = hashlib.sha256(f"django {version('django')} wagtail {version('wagtail')}".encode())
    for path in sorted(_source_files(base)):
        digest.update(str(path.relative_to(base)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _source_files(base: Path):
    for folder, dirs, files in os.walk(base):
        dirs[:] = [d for d in dirs if d not in _SKIPPED and not d.startswith(".")]
        for name in files:
            if name.endswith(_SOURCES):
                yield Path(folder) / name
