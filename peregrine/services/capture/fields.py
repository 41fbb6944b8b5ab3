"""The fields of a job as read from its posting: what extraction proposes and the user reviews."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CapturedFields:
    """A job as read from its posting; "" or None where the page did not say."""

    company: str = ""
    title: str = ""
    location: str = ""
    work_mode: str = ""
    salary_min: int | None = None
    salary_max: int | None = None
    salary_currency: str = ""
    description: str = ""
    url: str = ""
    source: str = ""
