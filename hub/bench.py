"""Pages that apps add to `manage.py bench`.

An app's `bench.py` registers a function that creates the data its pages need (inside the bench
database, after the demo data is loaded) and returns {label: url} to time as the demo customer:

    @bench.pages
    def community_pages(ctx: bench.Context) -> dict[str, str]:
        topic = ...  # e.g. a 500-post topic
        return {"topic (500 posts)": topic_url, "latest topics": "/community/latest/"}

The command discovers the modules with Django's autodiscover_modules("bench").
"""

import gc
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO


@dataclass
class Context:
    stdout: TextIO
    rng: random.Random  # seeded: the same data on every run
    user: object  # the signed-in demo customer the pages are timed as
    requests: int


_PAGES: list[Callable[[Context], dict[str, str]]] = []


def pages(func: Callable[[Context], dict[str, str]]):
    _PAGES.append(func)
    return func


def registered() -> list[Callable[[Context], dict[str, str]]]:
    return list(_PAGES)


def freeze_heap() -> None:
    """What a web worker does once it has loaded (hub/wsgi.py): what exists by now is kept out
    of the garbage collector's scans, so a full collection does not land inside a request."""
    gc.collect()
    gc.freeze()
