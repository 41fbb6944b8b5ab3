"""The add/edit job dialog's state (the dialog is drawn by `view`; used by the board, the job page, /capture).

It tells the board what changed through the board's events (`card_saved`, `card_deleted`,
`reload`), returned with its answer, so the card shows at once; the board keeps its own state.

The fields are the browser's own (uncontrolled, each with the maxlength of `domain.limits`)
and travel once, in the Save event: nothing is sent while typing, and the description's
100,000 characters stay far under the websocket's ~1 MB message cap. The dialog closes only
on the server's answer; a save lost with the connection is told by `save_watch`.

Add by URL: "Fill from the page" fetches the link in the URL field (in a background event, the
fetch and the reading in a worker thread) and fills the fields the user has left empty; the
fields are drawn again from the new draft (`filled` keys them), and the usual warnings follow.
"""

from __future__ import annotations

import asyncio
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

import reflex as rx

from peregrine import db, routes
from peregrine.domain import limits
from peregrine.domain.dates import calendar_date, date_input_value
from peregrine.domain.errors import UserFacingError
from peregrine.domain.job_details import split_tags
from peregrine.domain.stages import Stage
from peregrine.integrations.page_fetch import load_fetch_settings
from peregrine.pages.state import AppState, DialogMixin
from peregrine.services import board as board_service
from peregrine.services import jobs as job_service
from peregrine.services import offers as offer_service
from peregrine.services.capture.extract import Extraction, extract_from_link
from peregrine.services.errors import ServiceError, StaleVersion

SOURCE_SUGGESTIONS = ["LinkedIn", "Referral", "Recruiter", "Company site", "Job board", "Other"]
FIELDS = ("company", "title", "url", "location", "source", "recruiter", "raw_jd_text")
#: The fields read as they are typed: a company that turned the candidate down, a job already on the board.
CHECKED_FIELDS = ("company", "title", "url")
#: The new job's "Not applied yet" checkbox: checked, the job is saved into Saved, outside the pipeline.
NOT_APPLIED = "not_applied"
#: No answer to a Save after this long: the connection probably dropped with it.
SAVE_WAIT_MS = 5000
SAVE_LOST = (
    "The server has not confirmed the save: the connection may have dropped, and this job may not be saved. "
    "What you typed is still here; press Save again once the connection is back."
)


@dataclass(frozen=True)
class DuplicateLine:
    """An existing job this one may repeat, with a link to its page."""

    label: str
    href: str


def _submitted(form: dict[str, Any], name: str) -> str:
    # A submitted textarea may end its lines with CRLF; the browser counted them as one character.
    return str(form.get(name) or "").replace("\r\n", "\n")


def _draft(values: dict[str, Any]) -> dict[str, str]:
    """A job's values (`Job.model_dump()`, or {} for a new job) as the dialog's fields show them."""
    applied = values.get("applied_on")
    return {name: values.get(name) or "" for name in FIELDS} | {
        # A new job was applied to today unless the user says otherwise.
        "applied_on": date_input_value(applied if isinstance(applied, date) else date.today()),
        "work_mode": values.get("work_mode") or "",
        "salary_min": _amount_text(values.get("salary_min")),
        "salary_max": _amount_text(values.get("salary_max")),
        "salary_currency": values.get("salary_currency") or "",
        "tags": ", ".join(split_tags(values.get("tags") or "")),
    }


def _draft_of_posting(found: Extraction) -> dict[str, str]:
    """A posting's fields as the dialog's draft fields; "" where the page did not say."""
    fields = asdict(found.fields)
    return {
        "company": fields["company"],
        "title": fields["title"],
        "url": fields["url"],
        "location": fields["location"],
        "source": fields["source"],
        "raw_jd_text": fields["description"],
        "work_mode": fields["work_mode"],
        "salary_min": _amount_text(fields["salary_min"]),
        "salary_max": _amount_text(fields["salary_max"]),
        "salary_currency": fields["salary_currency"],
    }


def _fields_of(form: dict[str, Any]) -> job_service.JobFields:
    """The submitted form as the service takes it; a mistyped amount or date is an InvalidInput."""
    return job_service.JobFields(
        **{name: _submitted(form, name) for name in FIELDS},
        applied_on=offer_service.parse_day(_submitted(form, "applied_on"), "date applied"),
        work_mode=_submitted(form, "work_mode"),
        salary_min=offer_service.parse_amount(_submitted(form, "salary_min"), "lowest salary"),
        salary_max=offer_service.parse_amount(_submitted(form, "salary_max"), "highest salary"),
        salary_currency=_submitted(form, "salary_currency"),
        tags=_submitted(form, "tags"),
    )


class JobFormState(DialogMixin, AppState):
    job_id: int = 0
    #: What the dialog's fields show when it opens, by their names (`_draft`).
    draft: dict[str, str] = {}
    error: str = ""
    history: list[str] = []
    duplicates: list[DuplicateLine] = []
    confirming_delete: bool = False
    #: Grows with every answer to a Save, so the browser's save watch knows the save arrived.
    answers: int = 0
    #: Add by URL: a fetch is on its way; why the last one failed; how many fills so far (the
    #: fields' key: a fill draws them again from the draft).
    fetching: bool = False
    fetch_error: str = ""
    filled: int = 0
    _version: int = 0
    #: The text fields as typed so far (each sent on leaving it): what the history and duplicate
    #: checks read (`CHECKED_FIELDS`), and what Fill from the page keeps.
    _typed: dict[str, str] = {}

    @rx.var
    def heading(self) -> str:
        return "Edit job" if self.job_id else "Add a job"

    @rx.event
    def open_new(self) -> None:
        self._fill(0, {}, 0)
        self.dialog_open = True

    @rx.event
    def open_edit(self, job_id: int) -> Any:
        try:
            with db.session_scope() as session:
                job = job_service.get_job(session, job_id, candidate_id=self.candidate_id(session))
                values = job.model_dump()
                version = job.version
        except ServiceError as exc:
            return rx.toast.error(str(exc))
        self._fill(job_id, values, version)
        self._check_history()
        self._check_duplicates(int(values["candidate_id"]))
        self.dialog_open = True
        return None

    def _fill(self, job_id: int, values: dict[str, Any], version: int) -> None:
        self.job_id = job_id
        self._version = version
        self.draft = _draft(values)
        self._typed = {name: self.draft[name] for name in CHECKED_FIELDS}
        self.error = ""
        self.fetch_error = ""
        self.history = []
        self.duplicates = []
        self.confirming_delete = False

    # ---- a company that turned the candidate down, possible duplicates: warned, never refused ----

    @rx.event
    async def entered(self, field: str, value: str) -> None:
        """A text field as typed, once it is left: the company, title or URL is checked again."""
        if field not in FIELDS:
            return
        self._typed = {**self._typed, field: value[: limits.JOB_FIELDS[field][1]]}  # the field's maxlength
        if field not in CHECKED_FIELDS:
            return
        candidate_id = self.read_candidate_id()
        if field == "company":
            self._check_history(candidate_id)
        self._check_duplicates(candidate_id)

    def _check_duplicates(self, candidate_id: int) -> None:
        """Warn, before saving, when this looks like a job already on the board."""
        with db.session_scope() as session:
            found = job_service.possible_duplicates(
                session,
                candidate_id,
                company=self._typed["company"],
                title=self._typed["title"],
                url=self._typed["url"],
                exclude_job_id=self.job_id or None,
            )
            self.duplicates = [
                DuplicateLine(f"{job.company} — {job.title} ({Stage(job.stage).label})", routes.job_url(job.id))
                for job in found
            ]

    def _check_history(self, candidate_id: int | None = None) -> None:
        """Warn, before saving, when this company already turned the candidate down."""
        company = self._typed["company"]
        if not company.strip():
            self.history = []
            return
        with db.session_scope() as session:
            if candidate_id is None:
                candidate_id = job_service.get_job(session, self.job_id).candidate_id
            earlier = job_service.recent_rejections_at(
                session, candidate_id, company, exclude_job_id=self.job_id or None
            )
            self.history = [
                f"{job.title} — {board_service.rejection_label(job.rejection_stage, job.rejection_reason)}"
                f" ({calendar_date(job.stage_entered_at)})"
                for job in earlier
            ]

    # ---- Add by URL ----

    @rx.event(background=True)
    async def fill_from_page(self) -> None:
        """Fetch the link in the URL field and fill the fields still empty from its page."""
        async with self:
            url = self._typed["url"].strip()
            if self.fetching:
                return
            if not url:
                self.fetch_error = "Paste the posting's link into the URL field first."
                return
            self.fetching, self.fetch_error = True, ""
        try:
            found = await asyncio.to_thread(extract_from_link, url, load_fetch_settings())
        except UserFacingError as exc:  # a refused address, a page too big or too slow: said, nothing lost
            async with self:
                self.fetching, self.fetch_error = False, str(exc)
            return
        async with self:
            self.fetching = False
            self.fill_from_posting(found)

    def open_with_posting(self, found: Extraction) -> None:
        """A new job's dialog, open and filled from a posting (the bookmarklet's page, /capture)."""
        self._fill(0, {}, 0)
        self.dialog_open = True
        self.fill_from_posting(found)

    def fill_from_posting(self, found: Extraction) -> None:
        """Fill the fields still empty from a posting read (Add by URL, the bookmarklet's page)."""
        known = {**self.draft, **self._typed}
        page = _draft_of_posting(found)
        self.draft = {name: known.get(name) or page.get(name, "") for name in self.draft}
        self._typed = {name: self.draft[name] for name in CHECKED_FIELDS}
        self.filled += 1
        candidate_id = self.read_candidate_id()
        self._check_history(candidate_id)
        self._check_duplicates(candidate_id)

    @rx.event
    def ask_delete(self, confirming: bool) -> None:
        self.confirming_delete = confirming

    @rx.event
    def delete(self) -> Any:
        from peregrine.pages.board import BoardState  # here: the board imports this dialog

        heading = f"{self._typed['company']} — {self._typed['title']}"
        try:
            with db.session_scope() as session:
                job_service.delete_job(session, self.job_id, expected_version=self._version)
        except ServiceError as exc:
            return self._refused(exc)
        self.dialog_open = False
        return [BoardState.card_deleted(self.job_id), rx.toast.success(f"Deleted {heading}.")]

    @rx.event
    def save(self, form: dict[str, Any]) -> Any:
        from peregrine.pages.board import BoardState  # here: the board imports this dialog

        if not self.dialog_open:
            return None  # a repeat of a save that went through (its answer was on its way): never add twice
        self.answers += 1
        try:
            fields = _fields_of(form)
            with db.session_scope() as session:
                if self.job_id:
                    # The version the dialog was opened with, never the board's: the board follows other
                    # tabs' saves, and checking against theirs would let this one overwrite them.
                    job = job_service.update_job(session, self.job_id, fields, expected_version=self._version)
                else:
                    stage = Stage.SAVED if form.get(NOT_APPLIED) else Stage.APPLIED
                    job = job_service.create_job(session, self.candidate_id(session), fields, stage=stage)
                job_id, heading, stage_now = job.id, f"{job.company} — {job.title}", job.stage
        except ServiceError as exc:
            return self._refused(exc)
        self.dialog_open = False
        added_to = "" if self.job_id else stage_now
        return [BoardState.card_saved(job_id, added_to), rx.toast.success(f"Saved {heading}.")]

    def _refused(self, exc: ServiceError) -> Any:
        """A refused save or delete: said in the dialog, beside what was typed; when someone else
        changed the job first, the dialog closes and the board reads everything again."""
        from peregrine.pages.board import BoardState  # here: the board imports this dialog

        if isinstance(exc, StaleVersion):
            self.dialog_open = False
            return [rx.toast.warning(str(exc)), BoardState.reload]
        self.error = str(exc)
        return None


def _amount_text(amount: Any) -> str:
    return str(amount) if isinstance(amount, int) else ""
