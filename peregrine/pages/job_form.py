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
from typing import Any, TypedDict

import reflex as rx

from peregrine import db, routes
from peregrine.components.forms import labelled, length_notice, save_watch
from peregrine.domain import limits
from peregrine.domain.dates import calendar_date
from peregrine.domain.job_details import WorkMode, split_tags
from peregrine.domain.stages import Stage
from peregrine.pages.state import AppState
from peregrine.services import board as board_service
from peregrine.services import jobs as job_service
from peregrine.services import offers as offer_service
from peregrine.services.errors import InvalidInput, ServiceError, StaleVersion

SOURCE_SUGGESTIONS = ["LinkedIn", "Referral", "Recruiter", "Company site", "Job board", "Other"]
FIELDS = ("company", "title", "url", "location", "source", "recruiter", "raw_jd_text")
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


class JobForm(TypedDict):
    """What the dialog's form submits, by the fields' `name`s."""

    company: str
    title: str
    url: str
    location: str
    source: str
    recruiter: str
    raw_jd_text: str
    applied_on: str
    work_mode: str
    salary_min: str
    salary_max: str
    salary_currency: str
    tags: str


def _submitted(form: JobForm, name: str) -> str:
    # A submitted textarea may end its lines with CRLF; the browser counted them as one character.
    return str(form.get(name) or "").replace("\r\n", "\n")


class JobFormState(AppState):
    open: bool = False
    job_id: int = 0
    company: str = ""
    title: str = ""
    url: str = ""
    location: str = ""
    source: str = ""
    recruiter: str = ""
    raw_jd_text: str = ""
    applied_on: str = ""
    work_mode: str = ""
    salary_min: str = ""
    salary_max: str = ""
    salary_currency: str = ""
    tags: str = ""
    error: str = ""
    history: list[str] = []
    duplicates: list[DuplicateLine] = []
    confirming_delete: bool = False
    #: Grows with every answer to a Save, so the browser's save watch knows the save arrived.
    answers: int = 0
    _version: int = 0

    @rx.var
    def heading(self) -> str:
        return "Edit job" if self.job_id else "Add a job"

    @rx.event
    def open_new(self) -> None:
        self._fill(0, {}, 0)
        self.open = True

    @rx.event
    def open_edit(self, job_id: int) -> Any:
        try:
            with db.session_scope() as session:
                job = job_service.get_job(session, job_id)
                values = job.model_dump()
                version = job.version
        except ServiceError as exc:
            return rx.toast.error(str(exc))
        self._fill(job_id, values, version)
        self._check_history()
        self._check_duplicates(int(values["candidate_id"]))
        self.open = True
        return None

    def _fill(self, job_id: int, values: dict[str, Any], version: int) -> None:
        self.job_id = job_id
        self._version = version
        for name in FIELDS:
            setattr(self, name, values.get(name) or "")
        self._fill_details(values)
        self.error = ""
        self.history = []
        self.duplicates = []
        self.confirming_delete = False

    # ---- the job's details as the form shows and sends them ------------------------------------

    def _fill_details(self, values: dict[str, Any]) -> None:
        applied = values.get("applied_on")
        # A new job was applied to today unless the user says otherwise.
        self.applied_on = applied.isoformat() if isinstance(applied, date) else date.today().isoformat()
        self.work_mode = values.get("work_mode") or ""
        self.salary_min = _amount_text(values.get("salary_min"))
        self.salary_max = _amount_text(values.get("salary_max"))
        self.salary_currency = values.get("salary_currency") or ""
        self.tags = ", ".join(split_tags(values.get("tags") or ""))

    @staticmethod
    def _fields_of(form: JobForm) -> job_service.JobFields:
        """The submitted form as the service takes it; a mistyped amount or date is an InvalidInput."""
        applied = _submitted(form, "applied_on").strip()
        try:
            applied_on = date.fromisoformat(applied) if applied else None
        except ValueError:
            raise InvalidInput(f"The date applied “{applied}” is not a date.") from None
        return job_service.JobFields(
            **{name: _submitted(form, name) for name in FIELDS},
            applied_on=applied_on,
            work_mode=_submitted(form, "work_mode"),
            salary_min=offer_service.parse_amount(_submitted(form, "salary_min"), "lowest salary"),
            salary_max=offer_service.parse_amount(_submitted(form, "salary_max"), "highest salary"),
            salary_currency=_submitted(form, "salary_currency"),
            tags=_submitted(form, "tags"),
        )

    @rx.event
    def set_open(self, is_open: bool) -> None:
        self.open = is_open

    @rx.event
    async def company_entered(self, company: str) -> None:
        self.company = company[: limits.COMPANY]  # the field's maxlength; only the history check reads it
        candidate_id = self.read_candidate_id()
        self._check_history(candidate_id)
        self._check_duplicates(candidate_id)

    # ---- possible duplicates: warned, never refused --------------------------------------------

    @rx.event
    async def title_entered(self, title: str) -> None:
        self.title = title[: limits.JOB_TITLE]  # as typed, for the duplicate check only
        self._check_duplicates(self.read_candidate_id())

    @rx.event
    async def url_entered(self, url: str) -> None:
        self.url = url[: limits.JOB_URL]
        self._check_duplicates(self.read_candidate_id())

    def _check_duplicates(self, candidate_id: int) -> None:
        """Warn, before saving, when this looks like a job already on the board."""
        with db.session_scope() as session:
            found = job_service.possible_duplicates(
                session,
                candidate_id,
                company=self.company,
                title=self.title,
                url=self.url,
                exclude_job_id=self.job_id or None,
            )
            self.duplicates = [
                DuplicateLine(f"{job.company} — {job.title} ({Stage(job.stage).label})", routes.job_url(job.id))
                for job in found
            ]

    def _check_history(self, candidate_id: int | None = None) -> None:
        """Warn, before saving, when this company already turned the candidate down."""
        if not self.company.strip():
            self.history = []
            return
        with db.session_scope() as session:
            if candidate_id is None:
                candidate_id = job_service.get_job(session, self.job_id).candidate_id
            earlier = job_service.recent_rejections_at(
                session, candidate_id, self.company, exclude_job_id=self.job_id or None
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

        heading = f"{self.company} — {self.title}"
        try:
            with db.session_scope() as session:
                job_service.delete_job(session, self.job_id, expected_version=self._version)
        except StaleVersion as exc:
            self.open = False
            return [rx.toast.warning(str(exc)), BoardState.reload]
        except ServiceError as exc:
            self.error = str(exc)
            return None
        self.open = False
        return [BoardState.card_deleted(self.job_id), rx.toast.success(f"Deleted {heading}.")]

    @rx.event
    def save(self, form: JobForm) -> Any:
        from peregrine.pages.board import BoardState  # here: the board imports this dialog

        if not self.open:
            return None  # a repeat of a save that went through (its answer was on its way): never add twice
        self.answers += 1
        try:
            fields = self._fields_of(form)
            with db.session_scope() as session:
                if self.job_id:
                    # The version the dialog was opened with, never the board's: the board follows other
                    # tabs' saves, and checking against theirs would let this one overwrite them.
                    job = job_service.update_job(session, self.job_id, fields, expected_version=self._version)
                else:
                    job = job_service.create_job(session, self.candidate_id(session), fields)
                job_id, heading = job.id, f"{job.company} — {job.title}"
        except StaleVersion as exc:
            self.open = False
            return [rx.toast.warning(str(exc)), BoardState.reload]
        except ServiceError as exc:
            self.error = str(exc)
            return None
        self.open = False
        return [BoardState.card_saved(job_id, not self.job_id), rx.toast.success(f"Saved {heading}.")]


def _amount_text(amount: Any) -> str:
    return str(amount) if isinstance(amount, int) else ""


def _details_fields() -> rx.Component:
    """Date applied, work mode, salary range and tags."""
    return rx.vstack(
        rx.hstack(
            _field("Date applied", "applied_on", JobFormState.applied_on, 10, type="date"),
            labelled(
                "Work mode",
                rx.el.select(
                    rx.el.option("Not said", value=""),
                    *[rx.el.option(mode.label, value=mode.value) for mode in WorkMode],
                    name="work_mode",
                    default_value=JobFormState.work_mode,
                    class_name="native-select",
                ),
            ),
            width="100%",
        ),
        rx.hstack(
            _field("Salary from", "salary_min", JobFormState.salary_min, limits.AMOUNT_TEXT, inputmode="numeric"),
            _field("Salary to", "salary_max", JobFormState.salary_max, limits.AMOUNT_TEXT, inputmode="numeric"),
            _field(
                "Salary currency", "salary_currency", JobFormState.salary_currency, limits.CURRENCY, placeholder="USD"
            ),
            width="100%",
        ),
        _field("Tags", "tags", JobFormState.tags, limits.JOB_TAGS_TEXT, placeholder="Comma-separated: python, fintech"),
        spacing="3",
        width="100%",
    )


def _field(label: str, name: str, value: rx.Var[str], limit: int, **props: Any) -> rx.Component:
    return labelled(label, rx.input(name=name, default_value=value, max_length=limit, width="100%", **props))


def _duplicates_warning() -> rx.Component:
    """Shown as the "rejected before" warning is: the user may still save."""
    return rx.cond(
        JobFormState.duplicates.length() > 0,
        rx.callout.root(
            rx.callout.icon(rx.icon("copy")),
            rx.box(
                rx.text("This may already be on your board:", weight="bold", size="2"),
                rx.el.ul(
                    rx.foreach(
                        JobFormState.duplicates,
                        lambda line: rx.el.li(rx.link(line.label, href=line.href, is_external=True)),
                    )
                ),
                rx.text("You can still save it.", size="1"),
            ),
            color_scheme="amber",
            role="alert",
            width="100%",
        ),
    )


def job_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(JobFormState.heading),
            rx.dialog.description("Company and title are required; everything else helps later.", size="2"),
            rx.form(
                rx.vstack(
                    _field(
                        "Company",
                        "company",
                        JobFormState.company,
                        limits.COMPANY,
                        on_blur=JobFormState.company_entered,
                        required=True,
                        auto_focus=True,
                    ),
                    rx.cond(
                        JobFormState.history.length() > 0,
                        rx.callout.root(
                            rx.callout.icon(rx.icon("triangle-alert")),
                            rx.box(
                                rx.text("This company turned you down before:", weight="bold", size="2"),
                                rx.el.ul(rx.foreach(JobFormState.history, lambda line: rx.el.li(line))),
                            ),
                            color_scheme="amber",
                            role="alert",
                            width="100%",
                        ),
                    ),
                    _field(
                        "Title",
                        "title",
                        JobFormState.title,
                        limits.JOB_TITLE,
                        on_blur=JobFormState.title_entered,
                        required=True,
                    ),
                    rx.hstack(
                        _field("Source", "source", JobFormState.source, limits.SOURCE, list="job-sources"),
                        _field("Recruiter", "recruiter", JobFormState.recruiter, limits.RECRUITER),
                        width="100%",
                    ),
                    rx.el.datalist(*[rx.el.option(value=s) for s in SOURCE_SUGGESTIONS], id="job-sources"),
                    _duplicates_warning(),
                    rx.hstack(
                        _field(
                            "URL",
                            "url",
                            JobFormState.url,
                            limits.JOB_URL,
                            on_blur=JobFormState.url_entered,
                            type="url",
                            placeholder="https://",
                        ),
                        _field("Location", "location", JobFormState.location, limits.LOCATION),
                        width="100%",
                    ),
                    _details_fields(),
                    length_notice(
                        labelled(
                            "Job description",
                            rx.text_area(
                                name="raw_jd_text",
                                default_value=JobFormState.raw_jd_text,
                                max_length=limits.JOB_DESCRIPTION,
                                rows="6",
                                width="100%",
                                placeholder="Paste the job description",
                            ),
                        ),
                        "description",
                    ),
                    rx.cond(JobFormState.error != "", rx.text(JobFormState.error, color_scheme="red", role="alert")),
                    rx.cond(
                        JobFormState.confirming_delete,
                        rx.callout.root(
                            rx.callout.text("Delete this job and its whole stage history? This cannot be undone."),
                            rx.hstack(
                                rx.button(
                                    "Keep it", variant="soft", type="button", on_click=JobFormState.ask_delete(False)
                                ),
                                rx.button(
                                    "Delete for good", color_scheme="red", type="button", on_click=JobFormState.delete
                                ),
                                spacing="2",
                            ),
                            color_scheme="red",
                            role="alert",
                            width="100%",
                        ),
                    ),
                    save_watch(answered=JobFormState.answers, wait_ms=SAVE_WAIT_MS, late_message=SAVE_LOST),
                    rx.hstack(
                        rx.cond(
                            JobFormState.job_id > 0,
                            rx.button(
                                "Delete…",
                                variant="ghost",
                                color_scheme="red",
                                type="button",
                                on_click=JobFormState.ask_delete(True),
                            ),
                        ),
                        rx.spacer(),
                        rx.dialog.close(rx.button("Cancel", variant="soft", color_scheme="gray", type="button")),
                        rx.button("Save", type="submit"),
                        justify="end",
                        width="100%",
                    ),
                    spacing="3",
                ),
                on_submit=JobFormState.save,
                reset_on_submit=False,
            ),
            max_width="560px",
        ),
        open=JobFormState.open,
        on_open_change=JobFormState.set_open,
    )
