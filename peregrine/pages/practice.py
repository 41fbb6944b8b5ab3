"""The practice interview on the prep page: a chat whose interviewer turns stream token by token.

The streamed text arrives in batches of at most one state update per 16 ms (one frame), so a
fast model does not send a state update per token while a slow one still shows every token
as it comes. Stopping keeps what arrived; sessions are saved and can be reopened and scored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import reflex as rx

from peregrine import db
from peregrine.components.buttons import icon_button
from peregrine.components.dialogs import error_line
from peregrine.components.forms import text_box
from peregrine.components.needs_llm import llm_button, when_llm_missing
from peregrine.domain import limits
from peregrine.domain.dates import local_moment
from peregrine.llm.client import LLMUnavailable, get_llm_client
from peregrine.llm.settings import llm_configured
from peregrine.pages.state import AppState
from peregrine.services import practice
from peregrine.services.errors import ServiceError

FLUSH_S = 0.008


@dataclass(frozen=True)
class ChatLine:
    role: str
    text: str
    stopped: bool


@dataclass(frozen=True)
class ScoreLine:
    question: str
    situation: int
    task: int
    action: int
    result: int
    relevance: int
    improvement: str


class PracticeState(AppState):
    interview_label: str = ""
    #: The interview's saved sessions: (id, when it started), the latest first.
    sessions: list[tuple[str, str]] = []
    current: str = ""  # the open session's id
    lines: list[ChatLine] = []
    streaming: bool = False
    live_text: str = ""
    answer: str = ""
    error: str = ""
    scoring: bool = False
    scores: list[ScoreLine] = []
    ended: bool = False
    appended: bool = False
    #: A language model is configured: sessions can start, answers be sent and scored.
    llm_ready: bool = True
    #: The open session has the interviewer's questions in it (only then can it go into the notes).
    has_questions: bool = False
    _interview: int = 0
    _session: int = 0

    def _open_for(self, interview_id: int, label: str) -> None:
        """Called by the prep page when it shows an interview: list its sessions, reopen the latest."""
        self._interview, self.interview_label = interview_id, label
        self.error, self.answer, self.live_text, self.streaming = "", "", "", False
        self.llm_ready = llm_configured()
        self._list_sessions()
        self._show(int(self.sessions[0][0]) if self.sessions else 0)

    def _list_sessions(self) -> None:
        with db.session_scope() as session:
            found = practice.sessions_of(session, self._interview) if self._interview else []
            self.sessions = [
                (str(s.id), local_moment(s.started_at) + (" · scored" if s.ended_at else "")) for s in found
            ]

    def _show(self, session_id: int) -> None:
        self._session, self.current = session_id, str(session_id) if session_id else ""
        self.lines, self.scores, self.ended, self.appended = [], [], False, False
        self.has_questions = False
        if not session_id:
            return
        with db.session_scope() as session:
            found = practice.get_session(session, session_id)
            self.lines = [ChatLine(m.role, m.text, m.stopped) for m in practice.messages_of(session, session_id)]
            self.has_questions = any(line.role == practice.INTERVIEWER for line in self.lines)
            self.scores = [ScoreLine(**score) for score in found.scores]
            self.ended, self.appended = found.ended_at is not None, found.appended_to_notes

    @rx.event
    def reopen(self, value: str) -> None:
        if value.isdigit():
            self._show(int(value))

    @rx.event
    def start(self) -> Any:
        if self.streaming:
            return None
        self.llm_ready = llm_configured()
        if not self.llm_ready:
            return None  # the section says why; an empty session is never saved
        with db.session_scope() as session:
            started = practice.start_session(session, self._interview)
            session_id = started.id or 0
        self._list_sessions()
        self._show(session_id)
        return PracticeState.interviewer_turn

    @rx.event
    def set_answer(self, text: str) -> None:
        self.answer = text

    @rx.event
    def send(self) -> Any:
        if self.streaming or not self._session:
            return None
        self.llm_ready = llm_configured()
        if not self.llm_ready:
            return None  # no interviewer to answer it: the answer stays in the box
        try:
            with db.session_scope() as session:
                message = practice.add_answer(session, self._session, self.answer)
                self.lines = [*self.lines, ChatLine(message.role, message.text, False)]
        except ServiceError as exc:
            self.error = str(exc)
            return None
        self.answer, self.error = "", ""
        return PracticeState.interviewer_turn

    @rx.event
    def stop(self) -> None:
        practice.stop_turn(self._session)

    @rx.event(background=True)
    async def interviewer_turn(self) -> None:
        async with self:
            if self.streaming or not self._session:
                return
            self.streaming, self.live_text, self.error = True, "", ""
            session_id = self._session
        turn = practice.InterviewerTurn(session_id, get_llm_client())
        try:
            async for batch in turn.batches(flush_s=FLUSH_S):
                async with self:
                    self.live_text += batch
        except (ServiceError, LLMUnavailable) as exc:
            turn.error = str(exc)
        async with self:
            self.streaming, self.live_text = False, ""
            dropped = bool(turn.error) and self._drop_if_empty(session_id)
            if self._session == session_id:
                self._show(0 if dropped else session_id)
                self.error = turn.error

    def _drop_if_empty(self, session_id: int) -> bool:
        """A first turn that failed leaves nothing worth a saved session: it goes (the error stays shown)."""
        with db.session_scope() as session:
            dropped = practice.discard_if_empty(session, session_id)
        if dropped:
            self._list_sessions()
        return dropped

    @rx.event(background=True)
    async def score(self) -> None:
        async with self:
            if self.scoring or self.streaming or not self._session:
                return
            self.scoring, self.error = True, ""
            session_id = self._session
        error = ""
        try:
            await practice.score_session(session_id, llm=get_llm_client())
        except (ServiceError, LLMUnavailable) as exc:
            error = str(exc)
        async with self:
            self.scoring = False
            if self._session == session_id:
                self._show(session_id)
                self._list_sessions()
            self.error = error

    @rx.event
    def append_to_notes(self) -> Any:
        with db.session_scope() as session:  # a refusal is shown by pages.errors, the app's handler
            practice.append_to_notes(session, self._session)
        self.appended = True
        return rx.toast.success("Added the transcript to the interview's notes.")


# ---------------------------------------------------------------------------------------------- view
def _bubble(line: ChatLine) -> rx.Component:
    return rx.box(
        rx.text(rx.cond(line.role == "interviewer", "Interviewer", "You"), size="1", weight="bold"),
        rx.text(line.text, size="2", white_space="pre-wrap"),
        rx.cond(line.stopped, rx.text("(stopped)", size="1", color_scheme="gray")),
        class_name=rx.cond(line.role == "interviewer", "chat-bubble chat-interviewer", "chat-bubble chat-candidate"),
    )


def _score_row(score: ScoreLine) -> rx.Component:
    return rx.table.row(
        rx.table.cell(score.question),
        rx.table.cell(score.situation),
        rx.table.cell(score.task),
        rx.table.cell(score.action),
        rx.table.cell(score.result),
        rx.table.cell(score.relevance),
        rx.table.cell(score.improvement),
    )


def _scores() -> rx.Component:
    return rx.cond(
        PracticeState.scores.length() > 0,
        rx.vstack(
            rx.heading("Scores, 1 to 5", size="3", as_="h3"),
            rx.table.root(
                rx.table.header(
                    rx.table.row(
                        *[
                            rx.table.column_header_cell(name)
                            for name in ("Question", "Situation", "Task", "Action", "Result", "Relevance", "Improve")
                        ]
                    )
                ),
                rx.table.body(rx.foreach(PracticeState.scores, _score_row)),
                size="1",
            ),
            width="100%",
        ),
    )


def _model_button(*children: Any, on_click: Any, **props: Any) -> rx.Component:
    """A button that talks to the model: off without one, and (unless `busy` says otherwise)
    while the interviewer is speaking."""
    options: dict[str, Any] = {"busy": PracticeState.streaming, "size": "2"} | props
    return llm_button(*children, llm_ready=PracticeState.llm_ready, on_click=on_click, **options)


def practice_section() -> rx.Component:
    has_session = PracticeState.current != ""
    return rx.el.section(
        rx.hstack(
            rx.heading("Practice interview", size="5", as_="h2"),
            rx.spacer(),
            rx.cond(
                PracticeState.sessions.length() > 0,
                rx.el.label(
                    rx.text("Session", size="1", as_="span", class_name="visually-hidden"),
                    rx.el.select(
                        rx.foreach(PracticeState.sessions, lambda s: rx.el.option(s[1], value=s[0])),
                        value=PracticeState.current,
                        on_change=PracticeState.reopen,
                        class_name="native-select",
                        aria_label="Practice session",
                    ),
                ),
            ),
            _model_button(
                rx.icon("play", size=14, aria_hidden="true"), "Start a new session", on_click=PracticeState.start
            ),
            align="center",
            width="100%",
            wrap="wrap",
        ),
        when_llm_missing(
            PracticeState.llm_ready,
            "The practice interview",
            "Starting, answering and scoring are off until then; saved sessions stay readable.",
        ),
        rx.text(
            "The interviewer plays this round (",
            PracticeState.interview_label,
            ") using your prep. Answer as you would on the call; ask for scores when you are done.",
            size="2",
            color_scheme="gray",
        ),
        rx.box(
            rx.foreach(PracticeState.lines, _bubble),
            rx.cond(
                PracticeState.streaming,
                rx.box(
                    rx.text("Interviewer", size="1", weight="bold"),
                    rx.text(PracticeState.live_text, size="2", white_space="pre-wrap", class_name="live-text"),
                    class_name="chat-bubble chat-interviewer",
                    aria_busy="true",
                ),
            ),
            role="log",
            aria_label="Practice transcript",
            aria_live="polite",
            class_name="chat-log",
        ),
        error_line(PracticeState.error),
        rx.cond(
            has_session & ~PracticeState.ended,
            rx.vstack(
                text_box(
                    "Your answer",
                    value=PracticeState.answer,
                    on_change=PracticeState.set_answer,
                    max_length=limits.PRACTICE_ANSWER,
                    noun="answer",
                ),
                rx.hstack(
                    rx.cond(
                        PracticeState.streaming,
                        icon_button("square", "Stop", on_click=PracticeState.stop, color_scheme="red", size="2"),
                        _model_button("Send answer", on_click=PracticeState.send, busy=None),
                    ),
                    _model_button(
                        "End and score", on_click=PracticeState.score, loading=PracticeState.scoring, variant="soft"
                    ),
                    spacing="3",
                ),
                width="100%",
            ),
        ),
        _scores(),
        rx.cond(
            has_session & PracticeState.has_questions,
            icon_button(
                "notebook-pen",
                rx.cond(
                    PracticeState.appended, "In the interview's notes", "Append transcript to the interview's notes"
                ),
                on_click=PracticeState.append_to_notes,
                disabled=PracticeState.appended | PracticeState.streaming,
                variant="outline",
                size="2",
            ),
        ),
        aria_label="Practice interview",
        class_name="practice no-print",
    )
