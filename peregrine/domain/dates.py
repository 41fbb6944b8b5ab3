"""How a day or a moment reads on a page: "Wed Jan 01" this year, "Wed Jan 01, 2020" any other year.

A date without its year is only unambiguous within the year it belongs to; a round typed as 2020
by mistake, or one next January seen in December, must say which year it is.
"""

from __future__ import annotations

from datetime import date, datetime


def day_label(day: date | datetime, *, today: date) -> str:
    text = f"{day:%a %b %d}"
    return text if day.year == today.year else f"{text}, {day.year}"


def moment_label(moment: datetime, *, today: date) -> str:
    return f"{day_label(moment, today=today)}, {moment:%H:%M}"
