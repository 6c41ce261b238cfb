"""The .ics download follows RFC 5545: CRLF lines of at most 75 octets, escaped text, UTC
times, UID and DTSTAMP."""

import datetime

import pytest
from django.urls import reverse

from learning import ics
from tests.learning.conftest import make_event

pytestmark = pytest.mark.django_db


def _unfold(text: str) -> str:
    return text.replace("\r\n ", "")


def test_escaping_and_folding():
    assert ics.escape_text("a\\b;c,d\ne") == "a\\\\b\\;c\\,d\\ne"
    line = "DESCRIPTION:" + "Äö€ " * 40  # multi-byte characters across the fold
    folded = ics.fold(line)
    parts = folded.split("\r\n")
    assert all(len(p.encode()) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert _unfold(folded) == line


def test_calendar_file(client, world, event_index):
    event = make_event(
        event_index,
        "Router day; part 1, Helsinki",
        slug="router-day",
        time_zone="Europe/Helsinki",
        location="Hämeenkatu 1, Tampere",
        summary="Bring your laptop.\nLunch is served." + " Long text" * 20,
    )
    event.start = datetime.datetime(2030, 3, 14, 8, 0, tzinfo=datetime.UTC)
    event.end = datetime.datetime(2030, 3, 14, 10, 30, tzinfo=datetime.UTC)
    event.save()
    client.force_login(world.anna)
    response = client.get(reverse("learning:event_ics", args=[event.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    raw = response.content
    assert raw.endswith(b"\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"")  # only CRLF line breaks
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    lines = _unfold(raw.decode()).split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR"
    fields = dict(line.split(":", 1) for line in lines if ":" in line)
    assert fields["VERSION"] == "2.0"
    assert fields["UID"] == f"event-{event.pk}@testserver"
    assert fields["DTSTART"] == "20300314T080000Z" and fields["DTEND"] == "20300314T103000Z"
    assert fields["DTSTAMP"].endswith("Z") and len(fields["DTSTAMP"]) == 16
    assert fields["SUMMARY"] == "Router day\\; part 1\\, Helsinki"
    assert fields["LOCATION"] == "Hämeenkatu 1\\, Tampere"
    assert "Bring your laptop.\\nLunch is served." in fields["DESCRIPTION"]
    times = "Europe/Helsinki: 2030-03-14 10:00 – 2030-03-14 12:30"  # noqa: RUF001
    assert times in fields["DESCRIPTION"]
    assert fields["URL"] == f"http://testserver{event.url}"
    assert [line for line in lines if line.startswith("BEGIN:")] == [
        "BEGIN:VCALENDAR",
        "BEGIN:VEVENT",
    ]
