"""Dates say their year unless it is this one."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from peregrine.domain.dates import (
    calendar_date,
    date_input_value,
    datetime_local_value,
    day_label,
    local_moment,
    moment_label,
    utc_stamp,
)


def test_a_date_of_another_year_shows_its_year() -> None:
    today = date(2026, 12, 4)
    assert day_label(date(2020, 1, 1), today=today) == "Wed Jan 01, 2020"
    assert day_label(date(2027, 1, 5), today=today) == "Tue Jan 05, 2027"
    assert day_label(date(2026, 3, 4), today=today) == "Wed Mar 04"
    assert moment_label(datetime(2020, 1, 1, 9, 30), today=today) == "Wed Jan 01, 2020, 09:30"
    assert moment_label(datetime(2026, 12, 24, 18, 0), today=today) == "Thu Dec 24, 18:00"


def test_a_stored_moment_reads_in_the_machines_zone_and_utc_says_so() -> None:
    stored = datetime(2020, 1, 1, 9, 30)  # as SQLite gives it back: UTC without its zone
    local = stored.replace(tzinfo=UTC).astimezone()
    assert local_moment(stored) == moment_label(local, today=datetime.now().astimezone().date())
    assert local_moment(stored).endswith(f"{local:%H:%M}")
    assert utc_stamp(stored) == "2020-01-01 09:30:00 UTC"
    assert utc_stamp(datetime(2020, 1, 1, 10, 30, tzinfo=timezone(timedelta(hours=1)))) == "2020-01-01 09:30:00 UTC"
    assert calendar_date(date(2026, 3, 4)) == "Mar 04, 2026"
    assert datetime_local_value(stored) == f"{local:%Y-%m-%dT%H:%M}"


def test_a_date_field_shows_the_iso_day_or_nothing() -> None:
    assert date_input_value(date(2020, 1, 1)) == "2020-01-01"
    assert date_input_value(None) == ""
