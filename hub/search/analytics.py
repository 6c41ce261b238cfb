"""Search analytics, pseudonymous and off the request's SQL budget.

A search or a click is buffered in the cache (Redis in production): a sequence number and one
key per event. A Celery task (beat, every minute; and the report view before it reads) moves
the buffered events into the database in one bulk insert. Nothing that identifies a person is
stored: the query text is normalised and scrubbed of e-mail addresses and long numbers, and
the visitor is a hash under a salt that changes every day and is then forgotten.
"""

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.cache import cache
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from hub import cache as hub_cache

_SEQ = "search:log:seq"
_DONE = "search:log:done"
_EVENT = "search:log:event:{}"
_EVENT_TIMEOUT = 7 * 24 * 3600
_FLUSH_MAX = 5000

_EMAIL = re.compile(r"\S+@\S+")
_NUMBER = re.compile(r"\d[\d\s-]{5,}\d")


def normalise(query: str) -> str:
    text = _EMAIL.sub("[email]", query or "")
    text = _NUMBER.sub("[number]", text)
    return " ".join(text.lower().split()).strip(" .,;:!?\"'")[:200]


# Today's salt as this process last read it from the cache (where all processes share it): a
# search costs no cache read for it. Only one day is kept, so yesterday's is forgotten here too.
_salt_of_day: dict[str, str] = {}


def _salt(day: str) -> str:
    salt = _salt_of_day.get(day)
    if salt is None:
        key = f"search:salt:{day}"
        salt = cache.get(key)
        if salt is None:
            cache.add(key, secrets.token_hex(16), timeout=2 * 24 * 3600)
            salt = cache.get(key) or ""
        _salt_of_day.clear()
        _salt_of_day[day] = salt
    return salt


def _visitor(request) -> str:
    salt = _salt(timezone.now().date().isoformat())
    who = str(getattr(request.user, "pk", "") or request.session.session_key or "")
    if not who:
        return ""
    return hmac.new(salt.encode(), who.encode(), hashlib.sha256).hexdigest()[:32]


def _push(event: dict) -> None:
    try:
        hub_cache.append(_SEQ, _EVENT, event, timeout=_EVENT_TIMEOUT)
    except Exception:  # analytics never breaks a search
        return


def _push_after(response, event: dict) -> None:
    """Buffer `event` once `response` has gone out: the server closes a response after sending
    it, and Django's `close()` runs the response's closers (`_resource_closers`, which Django's
    own FileResponse uses), so the person does not wait for the round trip (0.4 ms of a
    search). The event's time is the request's."""
    response._resource_closers.append(lambda: _push(event))


def record_search(request, response, query: str, hits: int) -> None:
    """Note a search (page 1 of a query) once `response` has been sent."""
    text = normalise(query)
    if not text:
        return
    _push_after(
        response,
        {
            "kind": "search",
            "query": text,
            "hits": int(hits),
            "visitor": _visitor(request),
            "at": timezone.now(),
        },
    )


def record_click(request, response, query: str, position: int, doc_id: str) -> None:
    """Note a click on a hit once `response` (the redirect to it) has been sent."""
    text = normalise(query)
    if not text:
        return
    _push_after(
        response,
        {
            "kind": "click",
            "query": text,
            "position": max(0, min(int(position), 100_000)),
            "doc_id": doc_id[:120],
            "visitor": _visitor(request),
            "at": timezone.now(),
        },
    )


def flush() -> int:
    """Move buffered events into the database; returns how many. Safe to run concurrently
    (the cache's `add` is the lock)."""
    from hub.search.models import SearchClickLog, SearchQueryLog

    if not cache.add("search:log:flushing", 1, timeout=60):
        return 0
    try:
        last = cache.get(_SEQ) or 0
        done = cache.get(_DONE) or 0
        upto = min(last, done + _FLUSH_MAX)
        if upto <= done:
            return 0
        keys = [_EVENT.format(n) for n in range(done + 1, upto + 1)]
        events = cache.get_many(keys)
        searches, clicks = [], []
        for event in events.values():
            at = event["at"]
            common = {"day": at.date(), "query": event["query"], "created_at": at}
            common["visitor"] = event.get("visitor", "")
            if event["kind"] == "search":
                searches.append(SearchQueryLog(hits=event["hits"], **common))
            else:
                clicks.append(
                    SearchClickLog(position=event["position"], doc_id=event["doc_id"], **common)
                )
        SearchQueryLog.objects.bulk_create(searches)
        SearchClickLog.objects.bulk_create(clicks)
        cache.set(_DONE, upto, timeout=None)
        cache.delete_many(keys)
        return len(events)
    finally:
        cache.delete("search:log:flushing")


# --- the report ---------------------------------------------------------------------------------


@dataclass
class QueryRow:
    query: str
    searches: int
    visitors: int
    zero: int
    clicks: int

    @property
    def ctr(self) -> float:
        return self.clicks / self.searches if self.searches else 0.0


@dataclass
class DayRow:
    day: date
    searches: int
    zero: int
    clicks: int


@dataclass
class Report:
    start: date
    end: date
    top: list[QueryRow]
    zero: list[QueryRow]
    days: list[DayRow]
    searches: int
    clicks: int

    @property
    def ctr(self) -> float:
        return self.clicks / self.searches if self.searches else 0.0


def report(*, days: int, limit: int = 25) -> Report:
    from hub.search.models import SearchClickLog, SearchQueryLog

    end = timezone.now().date()
    start = end - timedelta(days=days - 1)
    logs = SearchQueryLog.objects.filter(day__gte=start, day__lte=end)
    clicks = SearchClickLog.objects.filter(day__gte=start, day__lte=end)
    click_counts = dict(
        clicks.values("query").annotate(n=Count("pk")).values_list("query", "n").order_by()
    )
    per_query = (
        logs.values("query")
        .annotate(
            searches=Count("pk"),
            visitors=Count("visitor", distinct=True),
            zero=Count("pk", filter=Q(hits=0)),
        )
        .order_by()
    )

    def rows(qs) -> list[QueryRow]:
        return [
            QueryRow(
                query=r["query"],
                searches=r["searches"],
                visitors=r["visitors"],
                zero=r["zero"],
                clicks=click_counts.get(r["query"], 0),
            )
            for r in qs[:limit]
        ]

    top = rows(per_query.order_by("-searches", "query"))
    zero = rows(per_query.filter(zero__gt=0).order_by("-zero", "query"))
    per_day = {
        r["d"]: r
        for r in logs.annotate(d=TruncDate("created_at"))
        .values("d")
        .annotate(searches=Count("pk"), zero=Count("pk", filter=Q(hits=0)))
        .order_by()
    }
    clicks_per_day = dict(
        clicks.values_list("day").annotate(n=Count("pk")).values_list("day", "n").order_by()
    )
    day_rows = []
    for i in range(days):
        d = start + timedelta(days=i)
        row = per_day.get(d, {})
        day_rows.append(
            DayRow(
                day=d,
                searches=row.get("searches", 0),
                zero=row.get("zero", 0),
                clicks=clicks_per_day.get(d, 0),
            )
        )
    return Report(
        start=start,
        end=end,
        top=top,
        zero=zero,
        days=day_rows,
        searches=sum(r.searches for r in day_rows),
        clicks=sum(r.clicks for r in day_rows),
    )


def chart(days: list[DayRow], *, width: int = 720, height: int = 200) -> dict:
    """Coordinates for a server-side SVG bar chart (searches, zero-result searches, clicks per
    day): plain numbers for the template, no script, no inline style."""
    pad_left, pad_bottom, pad_top = 40, 24, 10
    inner_w, inner_h = width - pad_left - 10, height - pad_bottom - pad_top
    peak = max([d.searches for d in days] + [d.clicks for d in days] + [1])
    slot = inner_w / max(len(days), 1)
    bar = max(slot / 3 - 1, 1)
    bars = []
    for i, d in enumerate(days):
        x = pad_left + i * slot
        for j, (kind, value) in enumerate(
            (("searches", d.searches), ("zero", d.zero), ("clicks", d.clicks))
        ):
            h = inner_h * value / peak
            bars.append(
                {
                    "kind": kind,
                    "x": round(x + j * bar, 1),
                    "y": round(pad_top + inner_h - h, 1),
                    "w": round(bar, 1),
                    "h": round(h, 1),
                    "title": f"{d.day.isoformat()} {kind}: {value}",
                }
            )
    step = max(len(days) // 7, 1)
    labels = [
        {"x": round(pad_left + i * slot + slot / 2, 1), "text": d.day.strftime("%d.%m.")}
        for i, d in enumerate(days)
        if i % step == 0
    ]
    return {
        "width": width,
        "height": height,
        "bars": bars,
        "labels": labels,
        "peak": peak,
        "axis_y": pad_top + inner_h,
        "label_y": height - 6,
        "left": pad_left,
        "top": pad_top,
    }
