"""An iCalendar (RFC 5545) file for one event, written by hand: the format is small, and a
library would be a dependency for forty lines.

Times are written in UTC (`DTSTART:20270314T080000Z`), which every calendar understands without
a VTIMEZONE block; the event's own zone is named in the description. Text values are escaped
(RFC 5545 3.3.11) and every content line is folded at 75 octets (3.1) without splitting a UTF-8
character.
"""

import datetime

from django.utils import timezone

CRLF = "\r\n"
FOLD_AT = 75  # octets, excluding the line break


def escape_text(value: str) -> str:
    """TEXT value escaping: backslash, semicolon, comma and line breaks."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value.replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold a content line into chunks of at most 75 octets; continuation lines start with one
    space (which counts towards their 75). Never splits a multi-byte character."""
    out: list[str] = []
    current, size, limit = [], 0, FOLD_AT
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            out.append("".join(current))
            current, size, limit = [], 0, FOLD_AT - 1
        current.append(char)
        size += width
    out.append("".join(current))
    return (CRLF + " ").join(out)


def utc_stamp(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def event_calendar(
    *,
    uid: str,
    title: str,
    start: datetime.datetime,
    end: datetime.datetime,
    description: str = "",
    location: str = "",
    url: str = "",
    stamp: datetime.datetime | None = None,
    prodid: str = "-//Kumppani//Events//EN",
) -> str:
    """A VCALENDAR with one VEVENT, CRLF line endings, folded lines."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{prodid}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{utc_stamp(stamp or timezone.now())}",
        f"DTSTART:{utc_stamp(start)}",
        f"DTEND:{utc_stamp(end)}",
        f"SUMMARY:{escape_text(title)}",
    ]
    if description:
        lines.append(f"DESCRIPTION:{escape_text(description)}")
    if location:
        lines.append(f"LOCATION:{escape_text(location)}")
    if url:
        lines.append(f"URL:{url}")  # a URI value: not TEXT, so not escaped
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return CRLF.join(fold(line) for line in lines) + CRLF
