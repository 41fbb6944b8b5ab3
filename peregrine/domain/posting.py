"""Plain rules for reading a job posting captured from the web: where it was found (the source,
guessed from the address), how it is worked (from schema.org's words or the posting's own), and
a posted salary as the yearly range a job stores.

No HTML and no database here: `services/capture` reads the page and calls these.
"""

from __future__ import annotations

import math
import re
from urllib.parse import urlsplit

from peregrine.domain.job_details import MAX_SALARY, WorkMode

#: Hosts (and their subdomains) → the source a job found there gets. Job boards and ATSs by name;
#: anything else is the company's own site.
SOURCE_BY_HOST: dict[str, str] = {
    "linkedin.com": "LinkedIn",
    "indeed.com": "Indeed",
    "glassdoor.com": "Glassdoor",
    "greenhouse.io": "Greenhouse",
    "lever.co": "Lever",
    "ashbyhq.com": "Ashby",
    "myworkdayjobs.com": "Workday",
    "workday.com": "Workday",
    "smartrecruiters.com": "SmartRecruiters",
    "wellfound.com": "Wellfound",
    "angel.co": "Wellfound",
    "stackoverflow.com": "Stack Overflow",
    "weworkremotely.com": "We Work Remotely",
    "remoteok.com": "Remote OK",
    "xing.com": "XING",
    "stepstone.de": "StepStone",
    "welcometothejungle.com": "Welcome to the Jungle",
    "monster.com": "Monster",
    "ziprecruiter.com": "ZipRecruiter",
}
COMPANY_SITE = "Company site"

#: schema.org's `unitText` of a salary → how many of that unit a year holds (a full-time year:
#: 52 weeks, 260 working days, 2,080 hours). A job stores one yearly range.
PER_YEAR: dict[str, int] = {"YEAR": 1, "MONTH": 12, "WEEK": 52, "DAY": 260, "HOUR": 2080}

_REMOTE = re.compile(r"\b(remote|telecommute|work from home|wfh|télétravail|homeoffice|home office)\b", re.I)
_HYBRID = re.compile(r"\b(hybrid|hybride|télétravail partiel|teilweise homeoffice)\b", re.I)
_ONSITE = re.compile(r"\b(on[- ]?site|in[- ]office|vor ort|sur site|présentiel)\b", re.I)


def guess_source(url: str) -> str:
    """The board or ATS an address belongs to ("LinkedIn", "Greenhouse"…), else "Company site"
    ("" when there is no address at all)."""
    try:
        host = (urlsplit(url.strip()).hostname or "").rstrip(".").lower()
    except ValueError:
        return ""
    if not host:
        return ""
    for known, source in SOURCE_BY_HOST.items():
        if host == known or host.endswith("." + known):
            return source
    return COMPANY_SITE


def work_mode_of(*hints: str) -> str:
    """A WorkMode value read from the posting's words (schema.org's TELECOMMUTE, "Hybrid",
    "Remote (EU)", "Vor Ort"…), the first hint that says one; "" when none does. Hybrid wins over
    remote within one hint: "Remote / hybrid" means some days in an office."""
    for hint in hints:
        if not hint:
            continue
        if _HYBRID.search(hint):
            return WorkMode.HYBRID.value
        if _REMOTE.search(hint):
            return WorkMode.REMOTE.value
        if _ONSITE.search(hint):
            return WorkMode.ONSITE.value
    return ""


def amount_of(value: object) -> float | None:
    """A salary figure as posted: a number, or a text such as "85,000" or "85000.00"."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        # "$100,000", "100.000 €", "85000.00": the first figure, its group separators dropped.
        match = re.search(r"\d[\d\s,.'\u2019\u00a0]*", value)
        if match is None:
            return None
        figure = re.sub(r"[\s'\u2019\u00a0]", "", match.group()).rstrip(".,")
        if re.fullmatch(r"\d{1,3}(\.\d{3})+", figure):  # 100.000: dots that group thousands
            figure = figure.replace(".", "")
        elif re.fullmatch(r"[\d.]+,\d{1,2}", figure):  # 1.200,50: a decimal comma
            figure = figure.replace(".", "").replace(",", ".")
        try:
            return float(figure.replace(",", ""))
        except ValueError:
            return None
    return None


def yearly_range(low: float | None, high: float | None, unit: str) -> tuple[int | None, int | None]:
    """A posted range per `unit` (schema.org's unitText; unknown means yearly) as whole yearly
    figures; a figure out of the range a job can store is dropped, and a reversed range is put
    the right way round."""
    factor = PER_YEAR.get(unit.strip().upper(), 1)
    # NaN, an infinity, or a figure that overflows once made yearly is no salary.
    figures = [
        round(amount * factor) if amount is not None and math.isfinite(amount * factor) else None
        for amount in (low, high)
    ]
    kept = [figure if figure is not None and 0 <= figure <= MAX_SALARY else None for figure in figures]
    yearly_low, yearly_high = kept
    if yearly_low is not None and yearly_high is not None and yearly_low > yearly_high:
        yearly_low, yearly_high = yearly_high, yearly_low
    return yearly_low, yearly_high


def currency_of(value: object) -> str:
    """A three-letter currency code, or ""."""
    code = value.strip().upper() if isinstance(value, str) else ""
    return code if len(code) == 3 and code.isascii() and code.isalpha() else ""
