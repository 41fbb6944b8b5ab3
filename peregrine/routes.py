"""Every address of the app in one place: the route patterns `add_page` registers, and the URL
builders pages use to link to them (form-designer's `routes.py`). A page never spells a path.

The builders take plain values (Python) or Reflex vars (in components: `job_url(Row.job_id)` builds
the same string in the browser), so one function serves both.
"""

from __future__ import annotations

from typing import Any

BOARD = "/"
JOB = "/applications/[job_id]"
PREP = "/applications/[job_id]/interview-prep"
PREP_SHEET = "/applications/[job_id]/interview-prep/sheet"
SURVEY = "/applications/[job_id]/survey"
BULK_PREP = "/prep"
ANALYTICS = "/analytics"
OFFERS = "/offers"
RESUME = "/resume"
INBOX = "/inbox"
SETTINGS = "/settings"
SEARCH_LOG = "/log"
IMPORT = "/import"
#: The calendar feeds, `/calendar/<secret>.ics`: served outside Reflex, beside the API (`api/calendar.py`).
CALENDAR_FEEDS = "/calendar/"
#: Addresses above that are not pages (`add_page` registers the others).
OUTSIDE_REFLEX = (CALENDAR_FEEDS,)


def job_url(job_id: Any) -> Any:
    """`/applications/{job_id}`; `job_id` may be an int, a str or a Reflex var."""
    return "/applications/" + _text(job_id)


def prep_url(job_id: Any, interview_id: Any = None) -> Any:
    """The prep page of a job, opened on one interview when `interview_id` is given."""
    url = job_url(job_id) + "/interview-prep"
    return url if interview_id is None else url + "?interview_id=" + _text(interview_id)


def prep_sheet_url(job_id: Any, interview_id: Any = None) -> Any:
    url = job_url(job_id) + "/interview-prep/sheet"
    return url if interview_id is None else url + "?interview_id=" + _text(interview_id)


def survey_url(job_id: Any) -> Any:
    return job_url(job_id) + "/survey"


def search_log_url(start: Any, end: Any) -> Any:
    """The job-search log of a date range: `/log?from=2026-03-01&to=2026-03-31` (ISO days)."""
    return SEARCH_LOG + "?from=" + _text(start) + "&to=" + _text(end)


def export_download_path(ticket: str) -> str:
    """Where the browser fetches a file a page prepared: the backend's API, not a page (services.downloads)."""
    return "/api/v1/export/download/" + ticket


def calendar_feed_url(secret: Any) -> Any:
    """`/calendar/{secret}.ics`, the address a calendar app subscribes to."""
    return CALENDAR_FEEDS + _text(secret) + ".ics"


def calendar_feed_secret(file_name: str) -> str | None:
    """The secret of a feed's file name (`<secret>.ics`, after CALENDAR_FEEDS), or None."""
    secret, dot, extension = file_name.rpartition(".")
    return secret if dot and extension == "ics" else None


def _text(value: Any) -> Any:
    """A value as text: `str()` for Python values; a Reflex var as it is when it holds a string,
    else through `.to_string()` (JSON.stringify, which would quote a string). Duck-typed, so this
    module stays importable without Reflex (the API and the services may build links too)."""
    var_type = getattr(value, "_var_type", None)
    if var_type is None:
        return str(value)
    return value if var_type is str else value.to_string()
