"""How a day or a moment reads anywhere in the app: the one place that formats dates for people.

- `day_label`: "Wed Jan 01" this year, "Wed Jan 01, 2020" any other year. A date without its year
  is only unambiguous within the year it belongs to; a round typed as 2020 by mistake, or one next
  January seen in December, must say which year it is.
- `moment_label`: the same with the time, "Wed Jan 01, 2020, 09:30".
- `local_moment`: a stored moment in the viewer's time zone. Peregrine is self-hosted, so the
  viewer shares the machine's clock; SQLite gives moments back in UTC without their zone, and
  `as_utc` puts it back first (a naive `astimezone()` would read them as local time).
- `calendar_date`: a date that always says its year, "Jan 01, 2020" (deadlines, start dates).
- `utc_stamp`: a log-like moment that says it is UTC, "2020-01-01 09:30:00 UTC".
- `datetime_local_value`: what an `<input type="datetime-local">` shows for a moment.
- `date_input_value`: what an `<input type="date">` shows for a day ("" for none).
"""

from __future__ import annotations

from datetime import UTC, date, datetime


def as_utc(moment: datetime) -> datetime:
    """`moment` with its zone: one without a zone is UTC (how SQLite hands stored moments back)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def day_label(day: date | datetime, *, today: date) -> str:
    text = f"{day:%a %b %d}"
    return text if day.year == today.year else f"{text}, {day.year}"


def moment_label(moment: datetime, *, today: date) -> str:
    return f"{day_label(moment, today=today)}, {moment:%H:%M}"


def local_moment(moment: datetime, *, today: date | None = None) -> str:
    """`moment_label` in this machine's time zone, with its year unless it is `today`'s (by default
    the machine's today)."""
    local = as_utc(moment).astimezone()
    return moment_label(local, today=today or datetime.now().astimezone().date())


def calendar_date(day: date | datetime) -> str:
    """A date with its year, always: "Jan 01, 2020". A datetime is read in the machine's zone."""
    if isinstance(day, datetime):
        day = as_utc(day).astimezone()
    return f"{day:%b %d, %Y}"


def utc_stamp(moment: datetime) -> str:
    return f"{as_utc(moment).astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC"


def datetime_local_value(moment: datetime) -> str:
    """The value of a datetime-local input: the moment in this machine's zone, to the minute."""
    return f"{as_utc(moment).astimezone():%Y-%m-%dT%H:%M}"


def date_input_value(day: date | None) -> str:
    """The value of a date input: the ISO day ("2020-01-01"), or "" for no day."""
    return day.isoformat() if day is not None else ""
