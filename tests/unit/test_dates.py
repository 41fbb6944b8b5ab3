"""Dates say their year unless it is this one."""

from __future__ import annotations

from datetime import date, datetime

from peregrine.domain.dates import day_label, moment_label


def test_a_date_of_another_year_shows_its_year() -> None:
    today = date(2026, 12, 4)
    assert day_label(date(2020, 1, 1), today=today) == "Wed Jan 01, 2020"
    assert day_label(date(2027, 1, 5), today=today) == "Tue Jan 05, 2027"
    assert day_label(date(2026, 3, 4), today=today) == "Wed Mar 04"
    assert moment_label(datetime(2020, 1, 1, 9, 30), today=today) == "Wed Jan 01, 2020, 09:30"
    assert moment_label(datetime(2026, 12, 24, 18, 0), today=today) == "Thu Dec 24, 18:00"
