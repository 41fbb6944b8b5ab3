"""The reflection after a round: asked for once the round's time has passed, written in one dialog.

`reflection_prompt()` is the callout listing the rounds waiting for a reflection, each with its
Write button, and the dialog; the job page shows the job's own rounds (`_load_due(job_id)`), and a
page about every job (Today) can embed the same component after `_load_due(None)`. What is saved
is the questions asked (the hit rate of predicted questions reads them) and the round's
`reflection` structure, which the next round's prep reads as weak spots.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import reflex as rx

from peregrine import db, routes
from peregrine.components.dialogs import form_dialog
from peregrine.components.forms import draft_text_area
from peregrine.domain import limits
from peregrine.domain.dates import local_moment
from peregrine.domain.errors import UserFacingError
from peregrine.domain.reflection import CONFIDENCE_TEXT, TEXT_CHARS, Reflection, confidence_text
from peregrine.pages.state import AppState, DialogMixin
from peregrine.services import interviews
from peregrine.services import reflection as reflection_service


@dataclass(frozen=True)
class DueReflection:
    interview_id: int
    round_name: str
    #: "Acme — Data Engineer · 3 Dec 2026, 14:00", the job linked by `job_link`.
    where: str
    job_link: str


class ReflectionState(DialogMixin, AppState):
    due: list[DueReflection] = []
    round_name: str = ""
    #: What the dialog's fields show when it opens (questions, went_well, unsure, confidence).
    draft: dict[str, str] = {}
    error: str = ""
    #: The rounds of every open job are listed (Today), so each names its job with a link.
    across_jobs: bool = False
    _interview: int = 0
    #: The job whose rounds are listed, or 0 for every open job.
    _job: int = 0

    def _load_due(self, job_id: int | None) -> None:
        self._job, self.across_jobs = job_id or 0, job_id is None
        with db.session_scope() as session:
            waiting = reflection_service.awaiting_reflection(
                session, candidate_id=self.candidate_id(session), job_id=job_id
            )
            self.due = [
                DueReflection(
                    interview.id or 0,
                    interview.name,
                    f"{job.company} — {job.title}"
                    + (f" · {local_moment(interview.scheduled_at)}" if interview.scheduled_at else ""),
                    routes.job_url(job.id),
                )
                for interview, job in waiting
            ]

    @rx.event
    def open_for(self, interview_id: int) -> Any:
        """Open the dialog on the round's reflection (empty, or the one written before)."""
        with db.session_scope() as session:
            interview = interviews.get_round(session, interview_id)
            if interview.candidate_id != self.candidate_id(session):
                return rx.toast.error(f"Round {interview_id} was not found.")
            written = Reflection.of(interview.reflection)
            self.draft = {
                "questions": "\n".join(interview.questions_asked),
                "went_well": written.went_well,
                "unsure": written.unsure,
                "confidence": confidence_text(written.confidence),
            }
            self._interview, self.round_name = interview_id, interview.name
        self.error, self.dialog_open = "", True
        return None

    @rx.event
    def save(self, form: dict[str, Any]) -> Any:
        """Keep the reflection; a refusal is said in the dialog, beside everything typed."""
        typed = {name: str(value) for name, value in form.items()}
        try:
            with db.session_scope() as session:
                reflection_service.save_reflection(
                    session,
                    self._interview,
                    candidate_id=self.candidate_id(session),
                    questions=typed.get("questions", ""),
                    went_well=typed.get("went_well", ""),
                    unsure=typed.get("unsure", ""),
                    confidence=typed.get("confidence", ""),
                )
        except UserFacingError as exc:
            self.error = str(exc)
            return None
        self.dialog_open = False
        self._load_due(self._job or None)
        from peregrine.pages.rounds import RoundsState  # the rounds section embeds this: no import at load

        return [rx.toast.success(f"Saved the reflection on {self.round_name}."), RoundsState.reload]


def _due_item(item: DueReflection) -> rx.Component:
    return rx.el.li(
        rx.hstack(
            rx.text(rx.text(item.round_name, weight="bold", as_="span"), " · ", item.where, size="2"),
            rx.cond(ReflectionState.across_jobs, rx.link("Open the job", href=item.job_link, size="2")),
            rx.button(
                "Write the reflection",
                size="1",
                variant="soft",
                on_click=ReflectionState.open_for(item.interview_id),
                aria_label="Write the reflection on " + item.round_name,
            ),
            align="center",
            wrap="wrap",
            spacing="2",
        )
    )


def reflection_dialog() -> rx.Component:
    draft = ReflectionState.draft
    return form_dialog(
        draft_text_area(
            "Questions you were asked (one a line)",
            "questions",
            draft,
            max_length=limits.QUESTIONS_ASKED_TEXT,
            noun="list of questions",
            rows="5",
        ),
        draft_text_area("What went well", "went_well", draft, max_length=TEXT_CHARS, noun="text", rows="3"),
        draft_text_area("Where you were unsure", "unsure", draft, max_length=TEXT_CHARS, noun="text", rows="3"),
        draft_text_area(
            "Confidence per topic, 1 to 5 (one a line: “Kafka: 2”)",
            "confidence",
            draft,
            max_length=CONFIDENCE_TEXT,
            noun="list of topics",
            rows="4",
        ),
        title="Reflection on " + ReflectionState.round_name,
        description="Your round notes stay as they are. The next round's prep reads this and works on the weak spots.",
        open=ReflectionState.dialog_open,
        on_open_change=ReflectionState.set_open,
        on_submit=ReflectionState.save,
        error=ReflectionState.error,
        save_label="Save reflection",
        max_width="600px",
    )


def reflection_prompt() -> rx.Component:
    """The rounds waiting for a reflection (nothing while there are none), and the dialog."""
    return rx.fragment(
        rx.cond(
            ReflectionState.due.length() > 0,
            rx.callout.root(
                rx.callout.icon(rx.icon("notebook-pen")),
                rx.callout.text("How did it go? A few lines now make the next prep sharper."),
                rx.el.ul(rx.foreach(ReflectionState.due, _due_item), class_name="reflection-due"),
                color_scheme="blue",
                role="status",
                width="100%",
                class_name="no-print",
            ),
        ),
        reflection_dialog(),
    )
