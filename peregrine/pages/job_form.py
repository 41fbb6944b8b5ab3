"""The add/edit job dialog and its state (used by the board).

It reports changes through the board's underscore helpers: Reflex turns every public
method of a State into an event the browser may call, so helpers stay private.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from peregrine import db
from peregrine.components.forms import labelled
from peregrine.services import board as board_service
from peregrine.services import jobs as job_service
from peregrine.services.errors import ServiceError, StaleVersion

SOURCE_SUGGESTIONS = ["LinkedIn", "Referral", "Recruiter", "Company site", "Job board", "Other"]


class JobFormState(rx.State):
    open: bool = False
    job_id: int = 0
    company: str = ""
    title: str = ""
    url: str = ""
    location: str = ""
    source: str = ""
    recruiter: str = ""
    raw_jd_text: str = ""
    error: str = ""
    history: list[str] = []
    confirming_delete: bool = False
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
        self.open = True
        return None

    def _fill(self, job_id: int, values: dict[str, Any], version: int) -> None:
        self.job_id = job_id
        self._version = version
        for name in ("company", "title", "url", "location", "source", "recruiter", "raw_jd_text"):
            setattr(self, name, values.get(name) or "")
        self.error = ""
        self.history = []
        self.confirming_delete = False

    @rx.event
    def set_open(self, is_open: bool) -> None:
        self.open = is_open

    @rx.event
    def set_field(self, name: str, value: str) -> None:
        if name in ("company", "title", "url", "location", "source", "recruiter", "raw_jd_text"):
            setattr(self, name, value)

    @rx.event
    async def company_entered(self) -> None:
        self._check_history(await self._candidate_id())

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
                f" ({job.stage_entered_at:%b %d, %Y})"
                for job in earlier
            ]

    async def _candidate_id(self) -> int:
        from peregrine.pages.board import BoardState

        board = await self.get_state(BoardState)
        return board.candidate_id

    @rx.event
    def ask_delete(self, confirming: bool) -> None:
        self.confirming_delete = confirming

    @rx.event
    async def delete(self) -> Any:
        from peregrine.pages.board import BoardState

        board = await self.get_state(BoardState)
        heading = f"{self.company} — {self.title}"
        try:
            with db.session_scope() as session:
                job_service.delete_job(session, self.job_id, expected_version=board._version_of(self.job_id))
        except StaleVersion as exc:
            self.open = False
            board._reload()
            return rx.toast.warning(str(exc))
        except ServiceError as exc:
            self.error = str(exc)
            return None
        board._card_removed(self.job_id)
        self.open = False
        return rx.toast.success(f"Deleted {heading}.")

    @rx.event
    async def save(self) -> Any:
        from peregrine.pages.board import BoardState

        board = await self.get_state(BoardState)
        fields = job_service.JobFields(
            company=self.company,
            title=self.title,
            url=self.url,
            location=self.location,
            source=self.source,
            recruiter=self.recruiter,
            raw_jd_text=self.raw_jd_text,
        )
        try:
            with db.session_scope() as session:
                if self.job_id:
                    job = job_service.update_job(
                        session, self.job_id, fields, expected_version=board._version_of(self.job_id) or self._version
                    )
                else:
                    job = job_service.create_job(session, board.candidate_id, fields)
                view = board_service.card_view(session, job)
                version = job.version
        except StaleVersion as exc:
            self.open = False
            board._reload()
            return rx.toast.warning(str(exc))
        except ServiceError as exc:
            self.error = str(exc)
            return None
        board._card_changed(view, version, added=not self.job_id)
        self.open = False
        return rx.toast.success(f"Saved {view.company} — {view.title}.")


def _field(label: str, name: str, value: rx.Var[str], **props: Any) -> rx.Component:
    return labelled(
        label, rx.input(value=value, on_change=lambda v: JobFormState.set_field(name, v), width="100%", **props)
    )


def job_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(JobFormState.heading),
            rx.dialog.description("Company and title are required; everything else helps later.", size="2"),
            rx.form(
                rx.vstack(
                    labelled(
                        "Company",
                        rx.input(
                            value=JobFormState.company,
                            on_change=lambda v: JobFormState.set_field("company", v),
                            on_blur=JobFormState.company_entered,
                            required=True,
                            auto_focus=True,
                            width="100%",
                        ),
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
                    _field("Title", "title", JobFormState.title, required=True),
                    rx.hstack(
                        _field("Source", "source", JobFormState.source, list="job-sources"),
                        _field("Recruiter", "recruiter", JobFormState.recruiter),
                        width="100%",
                    ),
                    rx.el.datalist(*[rx.el.option(value=s) for s in SOURCE_SUGGESTIONS], id="job-sources"),
                    rx.hstack(
                        _field("URL", "url", JobFormState.url, type="url", placeholder="https://"),
                        _field("Location", "location", JobFormState.location),
                        width="100%",
                    ),
                    labelled(
                        "Job description",
                        rx.text_area(
                            value=JobFormState.raw_jd_text,
                            on_change=lambda v: JobFormState.set_field("raw_jd_text", v),
                            rows="6",
                            width="100%",
                            placeholder="Paste the job description",
                        ),
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
