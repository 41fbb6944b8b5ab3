"""The add/edit job dialog and its state (used by the board).

It tells the board what changed through the board's events (`card_saved`, `card_deleted`,
`reload`), returned with its answer, so the card shows at once; the board keeps its own state.

The fields are the browser's own (uncontrolled, each with the maxlength of `domain.limits`)
and travel once, in the Save event: nothing is sent while typing, and the description's
100,000 characters stay far under the websocket's ~1 MB message cap. The dialog closes only
on the server's answer; a save lost with the connection is told by `save_watch`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import reflex as rx

from peregrine import db, routes
from peregrine.components.callouts import list_callout
from peregrine.components.dialogs import form_dialog
from peregrine.components.forms import draft_input, draft_select, draft_text_area, save_watch
from peregrine.domain import limits
from peregrine.domain.dates import calendar_date, date_input_value
from peregrine.domain.job_details import WorkMode, split_tags
from peregrine.domain.stages import Stage
from peregrine.pages.state import AppState, DialogMixin
from peregrine.services import board as board_service
from peregrine.services import jobs as job_service
from peregrine.services import offers as offer_service
from peregrine.services.errors import ServiceError, StaleVersion

SOURCE_SUGGESTIONS = ["LinkedIn", "Referral", "Recruiter", "Company site", "Job board", "Other"]
FIELDS = ("company", "title", "url", "location", "source", "recruiter", "raw_jd_text")
#: The fields read as they are typed: a company that turned the candidate down, a job already on the board.
CHECKED_FIELDS = ("company", "title", "url")
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
    _version: int = 0
    #: The fields of `CHECKED_FIELDS` as typed so far: what the history and duplicate checks read.
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
        self.history = []
        self.duplicates = []
        self.confirming_delete = False

    # ---- a company that turned the candidate down, possible duplicates: warned, never refused ----

    @rx.event
    async def entered(self, field: str, value: str) -> None:
        """The company, title or URL as typed, once its field is left: the checks read it again."""
        if field not in CHECKED_FIELDS:
            return
        self._typed = {**self._typed, field: value[: limits.JOB_FIELDS[field][1]]}  # the field's maxlength
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
                    job = job_service.create_job(session, self.candidate_id(session), fields)
                job_id, heading = job.id, f"{job.company} — {job.title}"
        except ServiceError as exc:
            return self._refused(exc)
        self.dialog_open = False
        return [BoardState.card_saved(job_id, not self.job_id), rx.toast.success(f"Saved {heading}.")]

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


def _details_fields() -> rx.Component:
    """Date applied, work mode, salary range and tags."""
    draft = JobFormState.draft
    return rx.vstack(
        rx.hstack(
            draft_input("Date applied", "applied_on", draft, max_length=10, type="date"),
            draft_select(
                "Work mode", "work_mode", draft, [("", "Not said"), *[(mode.value, mode.label) for mode in WorkMode]]
            ),
            width="100%",
        ),
        rx.hstack(
            draft_input("Salary from", "salary_min", draft, max_length=limits.AMOUNT_TEXT, inputmode="numeric"),
            draft_input("Salary to", "salary_max", draft, max_length=limits.AMOUNT_TEXT, inputmode="numeric"),
            draft_input("Salary currency", "salary_currency", draft, max_length=limits.CURRENCY, placeholder="USD"),
            width="100%",
        ),
        draft_input(
            "Tags", "tags", draft, max_length=limits.JOB_TAGS_TEXT, placeholder="Comma-separated: python, fintech"
        ),
        spacing="3",
        width="100%",
    )


def _checked(field: str) -> Any:
    """Leaving the field sends what it holds to the checks (`JobFormState.entered`)."""
    return lambda value: JobFormState.entered(field, value)


def _delete_confirmation() -> rx.Component:
    """Delete… asks here, inside the dialog, before the job and its history go."""
    return rx.cond(
        JobFormState.confirming_delete,
        rx.callout.root(
            rx.callout.text("Delete this job and its whole stage history? This cannot be undone."),
            rx.hstack(
                rx.button("Keep it", variant="soft", type="button", on_click=JobFormState.ask_delete(False)),
                rx.button("Delete for good", color_scheme="red", type="button", on_click=JobFormState.delete),
                spacing="2",
            ),
            color_scheme="red",
            role="alert",
            width="100%",
        ),
    )


def job_dialog() -> rx.Component:
    draft = JobFormState.draft
    return form_dialog(
        draft_input(
            "Company",
            "company",
            draft,
            max_length=limits.COMPANY,
            on_blur=_checked("company"),
            required=True,
            auto_focus=True,
        ),
        list_callout(
            "This company turned you down before:", JobFormState.history, lambda line: line, icon="triangle-alert"
        ),
        draft_input("Title", "title", draft, max_length=limits.JOB_TITLE, on_blur=_checked("title"), required=True),
        rx.hstack(
            draft_input("Source", "source", draft, max_length=limits.SOURCE, list="job-sources"),
            draft_input("Recruiter", "recruiter", draft, max_length=limits.RECRUITER),
            width="100%",
        ),
        rx.el.datalist(*[rx.el.option(value=s) for s in SOURCE_SUGGESTIONS], id="job-sources"),
        list_callout(
            "This may already be on your board:",
            JobFormState.duplicates,
            lambda line: rx.link(line.label, href=line.href, is_external=True),
            icon="copy",
            footer="You can still save it.",
        ),
        rx.hstack(
            draft_input(
                "URL",
                "url",
                draft,
                max_length=limits.JOB_URL,
                on_blur=_checked("url"),
                type="url",
                placeholder="https://",
            ),
            draft_input("Location", "location", draft, max_length=limits.LOCATION),
            width="100%",
        ),
        _details_fields(),
        draft_text_area(
            "Job description",
            "raw_jd_text",
            draft,
            max_length=limits.JOB_DESCRIPTION,
            noun="description",
            rows="6",
            placeholder="Paste the job description",
        ),
        _delete_confirmation(),
        save_watch(answered=JobFormState.answers, wait_ms=SAVE_WAIT_MS, late_message=SAVE_LOST),
        title=JobFormState.heading,
        description="Company and title are required; everything else helps later.",
        open=JobFormState.dialog_open,
        on_open_change=JobFormState.set_open,
        on_submit=JobFormState.save,
        error=JobFormState.error,
        footer_start=rx.cond(
            JobFormState.job_id > 0,
            rx.button(
                "Delete…", variant="ghost", color_scheme="red", type="button", on_click=JobFormState.ask_delete(True)
            ),
        ),
        max_width="560px",
    )
