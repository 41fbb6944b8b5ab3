"""An RFC 5545 calendar (iCalendar, `.ics`) from plain entries: what a calendar app subscribes to.

The entries are built by `services.calendar_feed` from the candidate's data; this module only
writes them, through the icalendar library, which folds long lines and escapes `,`, `;`, `\\` and
newlines in text. Every text is reduced to plain text first (`sanitize.clean_text`): some calendar
apps render HTML in a description, so a `<script>` typed into a round's focus stays inert.

An entry's UID comes from the record it shows, so a calendar app updates the same event when
the record is edited and drops it when the record is gone from the feed. DTSTAMP and
LAST-MODIFIED are the record's last change: the same data gives the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from icalendar import Calendar, Event, vText

from peregrine.domain.dates import as_utc
from peregrine.services.sanitize import clean_text

PRODUCT_ID = "-//Peregrine//Interviews and offers//EN"
CALENDAR_NAME = "Peregrine: interviews and deadlines"
#: A summary or location is one short line; a description holds several.
SHORT_TEXT = 300
LONG_TEXT = 4000


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
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", CALENDAR_NAME)
    for entry in entries:
        calendar.add_component(_event(entry))
    return calendar.to_ical()


def _event(entry: CalendarEntry) -> Event:
    event = Event()
    event.add("uid", entry.uid)
    changed = as_utc(entry.changed_at)
    event.add("dtstamp", changed)
    event.add("last-modified", changed)
    event.add("summary", vText(clean_text(entry.summary, max_chars=SHORT_TEXT)))
    if isinstance(entry.start, datetime):
        event.add("dtstart", as_utc(entry.start))
        if entry.duration is not None:
            event.add("duration", entry.duration)
    else:  # all day: DTEND is the next day (exclusive)
        event.add("dtstart", entry.start)
        event.add("dtend", entry.start + timedelta(days=1))
        event.add("transp", "TRANSPARENT")
    if entry.description:
        lines = (clean_text(line, max_chars=LONG_TEXT) for line in entry.description.splitlines())
        event.add("description", vText("\n".join(lines)))
    if entry.url:
        event.add("url", entry.url)
    event.add("status", "CANCELLED" if entry.cancelled else "CONFIRMED")
    return event
