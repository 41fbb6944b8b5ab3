"""An RFC 5545 calendar (iCalendar, `.ics`) from plain entries: what a calendar app subscribes to.

The entries are built by `services.calendar_feed` from the candidate's data; this module only
writes them. Every text is reduced to plain text first (`sanitize.clean_text`): some calendar
apps render HTML in a description, so a `<script>` typed into a round's focus stays inert.

Written here, line by line, rather than through the icalendar library's objects: those cost
about 1.5 ms an event on this machine (a feed of 1,000 rounds took 1.5 to 2.5 s against a target
of 100 ms), while the few properties a feed needs are a handful of lines each. What RFC 5545 asks
of them is all here: TEXT escaped (`\\`, `;`, `,`, newlines), lines folded at 75 octets without
splitting a character, CRLF endings, moments in UTC (`...Z`), all-day events as DATE values. The
tests read every feed back with icalendar's parser.

An entry's UID comes from the record it shows, so a calendar app updates the same event when
the record is edited and drops it when the record is gone from the feed. DTSTAMP and
LAST-MODIFIED are the record's last change: the same data gives the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from peregrine.domain.dates import as_utc
from peregrine.services.sanitize import clean_text

PRODUCT_ID = "-//Peregrine//Interviews and offers//EN"
CALENDAR_NAME = "Peregrine: interviews and deadlines"
#: A summary is one short line; a description holds several.
SHORT_TEXT = 300
LONG_TEXT = 4000
#: RFC 5545 3.1: a content line is at most 75 octets, continued on lines that start with a space.
LINE_OCTETS = 75


@dataclass(frozen=True)
class CalendarEntry:
    """One event: at `start` (a UTC moment, or a day for an all-day event) for `duration`."""

    uid: str
    summary: str
    start: datetime | date
    changed_at: datetime
    duration: timedelta | None = None
    description: str = ""
    url: str | None = None
    cancelled: bool = False


def render_calendar(entries: list[CalendarEntry]) -> bytes:
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{_text(PRODUCT_ID)}",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_text(CALENDAR_NAME)}",
    ]
    for entry in entries:
        lines.extend(_event(entry))
    lines.append("END:VCALENDAR")
    return "".join(_folded(line) + "\r\n" for line in lines).encode("utf-8")


def _event(entry: CalendarEntry) -> list[str]:
    changed = _moment(entry.changed_at)
    lines = [
        "BEGIN:VEVENT",
        f"UID:{_text(entry.uid)}",
        f"DTSTAMP:{changed}",
        f"LAST-MODIFIED:{changed}",
        f"SUMMARY:{_text(clean_text(entry.summary, max_chars=SHORT_TEXT))}",
    ]
    if isinstance(entry.start, datetime):
        lines.append(f"DTSTART:{_moment(entry.start)}")
        if entry.duration is not None:
            lines.append(f"DURATION:{_duration(entry.duration)}")
    else:  # all day: DTEND is the next day (exclusive), and the day is not shown as busy
        lines.append(f"DTSTART;VALUE=DATE:{entry.start:%Y%m%d}")
        lines.append(f"DTEND;VALUE=DATE:{entry.start + timedelta(days=1):%Y%m%d}")
        lines.append("TRANSP:TRANSPARENT")
    if entry.description:
        plain = "\n".join(clean_text(line, max_chars=LONG_TEXT) for line in entry.description.splitlines())
        lines.append(f"DESCRIPTION:{_text(plain)}")
    if entry.url:
        lines.append(f"URL:{entry.url}")
    lines.append("STATUS:CANCELLED" if entry.cancelled else "STATUS:CONFIRMED")
    lines.append("END:VEVENT")
    return lines


def _text(value: str) -> str:
    """RFC 5545 TEXT: backslash first, so the escapes it adds are not escaped again."""
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _moment(moment: datetime) -> str:
    return f"{as_utc(moment):%Y%m%dT%H%M%SZ}"


def _duration(length: timedelta) -> str:
    """`PT1H30M`: RFC 5545's DURATION in days and time (a timedelta never holds months)."""
    days, rest = divmod(int(length.total_seconds()), 86_400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    time = "".join(f"{amount}{unit}" for amount, unit in ((hours, "H"), (minutes, "M"), (seconds, "S")) if amount)
    if not days and not time:
        return "PT0S"
    return "P" + (f"{days}D" if days else "") + (f"T{time}" if time else "")


def _folded(line: str) -> str:
    """The line in pieces of at most 75 octets (never inside a character), joined by CRLF and a space."""
    if len(line) * 4 <= LINE_OCTETS or len(line.encode("utf-8")) <= LINE_OCTETS:
        return line
    if line.isascii():  # one octet a character: cut by position
        rest = LINE_OCTETS - 1
        return "\r\n ".join([line[:LINE_OCTETS], *(line[at : at + rest] for at in range(LINE_OCTETS, len(line), rest))])
    pieces: list[str] = []
    current: list[str] = []
    room = LINE_OCTETS
    for character in line:
        size = len(character.encode("utf-8"))
        if size > room:
            pieces.append("".join(current))
            current, room = [], LINE_OCTETS - 1  # a continuation line starts with its space
        current.append(character)
        room -= size
    pieces.append("".join(current))
    return "\r\n ".join(pieces)
