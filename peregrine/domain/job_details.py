"""A job's details beyond company and title: how it is worked (remote, hybrid, on-site), its
salary range and its tags — the rules for what may be stored, as plain Python.

Tags are stored as one comma-joined text ("python,fintech"): a tag never holds a comma, so the
board and the API can find a tag with one LIKE on ",<tags>," in SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from peregrine.domain import limits
from peregrine.domain.labelled import LabelledEnum
from peregrine.domain.text import clean_name

#: The largest salary figure accepted (the same bound as an offer's amounts).
MAX_SALARY = 1_000_000_000


class WorkMode(LabelledEnum):
    REMOTE = "remote", "Remote"
    HYBRID = "hybrid", "Hybrid"
    ONSITE = "onsite", "On-site"


class BadDetail(ValueError):
    """A detail that cannot be stored; the message says what to change."""


def work_mode_label(value: str) -> str:
    return WorkMode(value).label if value else ""


def check_work_mode(value: str) -> str:
    """ "" (not said) or one of WorkMode's values."""
    cleaned = value.strip().lower()
    if cleaned and cleaned not in {mode.value for mode in WorkMode}:
        raise BadDetail(f"“{value}” is not a work mode; use remote, hybrid or onsite.")
    return cleaned


def clean_tags(tags: list[str] | str) -> list[str]:
    """Tags from a list or a comma-separated line: trimmed, one space inside, no empty ones, each
    once whatever its case (the first spelling is kept); too many or too long is refused, never cut."""
    items = tags.split(",") if isinstance(tags, str) else [part for tag in tags for part in tag.split(",")]
    kept: dict[str, str] = {}
    for item in items:
        tag = clean_name(item)
        if tag and tag.lower() not in kept:
            kept[tag.lower()] = tag
    for tag in kept.values():
        if len(tag) > limits.JOB_TAG:
            raise BadDetail(f"The tag “{tag[:40]}…” is {len(tag):,} characters; the limit is {limits.JOB_TAG:,}.")
    if len(kept) > limits.JOB_TAGS:
        raise BadDetail(f"A job holds at most {limits.JOB_TAGS} tags; this one has {len(kept)}.")
    return list(kept.values())


def join_tags(tags: list[str]) -> str:
    return ",".join(tags)


def split_tags(stored: str) -> list[str]:
    return [tag for tag in stored.split(",") if tag]


def check_salary(low: int | None, high: int | None, currency: str) -> tuple[int | None, int | None, str]:
    """A salary range: whole, not negative, low ≤ high; the currency is three letters (or none)."""
    for label, amount in (("lowest salary", low), ("highest salary", high)):
        if amount is None:
            continue
        if isinstance(amount, bool) or not isinstance(amount, int):
            raise BadDetail(f"The {label} must be a whole number, such as 90000.")
        if amount < 0:
            raise BadDetail(f"The {label} cannot be negative.")
        if amount > MAX_SALARY:
            raise BadDetail(f"The {label} must be at most {MAX_SALARY:,}.")
    if low is not None and high is not None and low > high:
        raise BadDetail(f"The salary range runs from {low:,} to {high:,}: the lowest is above the highest.")
    code = currency.strip().upper()
    if code and not (len(code) == limits.CURRENCY and code.isascii() and code.isalpha()):
        raise BadDetail(f"“{currency}” is not a currency code; use three letters such as USD or EUR.")
    return low, high, code


def salary_label(low: int | None, high: int | None, currency: str) -> str:
    """ "90,000 to 120,000 EUR", "from 90,000 EUR", "up to 120,000 EUR" or ""."""
    unit = f" {currency}" if currency else ""
    if low is not None and high is not None:
        return f"{low:,}{unit}" if low == high else f"{low:,} to {high:,}{unit}"
    if low is not None:
        return f"from {low:,}{unit}"
    if high is not None:
        return f"up to {high:,}{unit}"
    return ""
