"""The question bank, `/questions`: every predicted and asked question across the jobs, searchable.

The search runs on the server (`services.question_bank.search`, one query) when the form is sent;
each question shows its tag, where it was predicted or asked (a link to the job), and the user's
best answer, edited in a dialog. "Practise my weakest 5" lists the questions that went worst, each
with a link to the practice interview of its round.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from peregrine import db, routes
from peregrine.components.dialogs import form_dialog
from peregrine.components.forms import draft_text_area, labelled
from peregrine.components.layout import or_empty, page_layout
from peregrine.domain.errors import UserFacingError
from peregrine.domain.question_tags import QuestionTag
from peregrine.pages.state import AppState, DialogMixin
from peregrine.services import question_bank
from peregrine.services.question_bank import BEST_ANSWER_CHARS, BankLine

_TAG_CHOICES = [("", "Every tag"), *[(tag.value, tag.label) for tag in QuestionTag]]
_TAG_LABELS = {tag.value: tag.label for tag in QuestionTag}


class QuestionBankState(DialogMixin, AppState):
    lines: list[BankLine] = []
    matched: int = 0
    held: int = 0
    words: str = ""
    tag: str = ""
    weakest: list[BankLine] = []
    weakest_shown: bool = False
    editing_text: str = ""
    draft: dict[str, str] = {}
    error: str = ""
    _editing: int = 0

    @rx.event
    def load(self) -> None:
        with db.session_scope() as session:
            self.held = question_bank.sync_bank(session, candidate_id=self.candidate_id(session))
        self.weakest_shown = False
        self._search()

    def _search(self) -> None:
        with db.session_scope() as session:
            self.lines, self.matched = question_bank.search(
                session, candidate_id=self.candidate_id(session), words=self.words, tag=self.tag
            )

    @rx.event
    def search(self, form: dict[str, Any]) -> None:
        self.words, self.tag = str(form.get("words") or "").strip(), str(form.get("tag") or "")
        self._search()

    @rx.event
    def show_weakest(self) -> None:
        with db.session_scope() as session:
            self.weakest = question_bank.weakest(session, candidate_id=self.candidate_id(session))
        self.weakest_shown = True

    @rx.event
    def edit_answer(self, question_id: int, text: str, answer: str) -> None:
        self._editing, self.editing_text = question_id, text
        self.draft, self.error, self.dialog_open = {"answer": answer}, "", True

    @rx.event
    def save_answer(self, form: dict[str, Any]) -> Any:
        try:
            with db.session_scope() as session:
                question_bank.save_best_answer(
                    session, self._editing, str(form.get("answer") or ""), candidate_id=self.candidate_id(session)
                )
        except UserFacingError as exc:
            self.error = str(exc)
            return None
        self.dialog_open = False
        self._search()
        return rx.toast.success("Saved your best answer.")


def _tag_badge(tag: rx.Var[str]) -> rx.Component:
    return rx.badge(rx.match(tag, *_TAG_LABELS.items(), tag), variant="soft")


def _question_item(line: BankLine) -> rx.Component:
    return rx.el.li(
        rx.vstack(
            rx.hstack(
                rx.text(line.text, weight="medium"),
                _tag_badge(line.tag),
                rx.badge(line.source, color_scheme="gray"),
                wrap="wrap",
                align="center",
                spacing="2",
            ),
            rx.text(
                rx.cond(line.source == question_bank.ASKED, "Asked at ", "Predicted for "),
                rx.link(line.where, href=routes.job_url(line.job_id)),
                size="2",
                color_scheme="gray",
            ),
            rx.cond(
                line.best_answer != "",
                rx.text(line.best_answer, size="2", white_space="pre-wrap"),
                rx.text("No best answer yet.", size="2", color_scheme="gray"),
            ),
            rx.hstack(
                rx.button(
                    "Edit best answer",
                    size="1",
                    variant="soft",
                    on_click=QuestionBankState.edit_answer(line.id, line.text, line.best_answer),
                    aria_label="Edit the best answer to " + line.text,
                ),
                rx.link("Practise", href=routes.prep_url(line.job_id, line.interview_id), size="2"),
                spacing="3",
                align="center",
            ),
            spacing="1",
            width="100%",
        ),
        class_name="bank-question",
    )


def _search_form() -> rx.Component:
    return rx.form(
        rx.hstack(
            labelled("Search the questions", rx.input(name="words", type="search", width="100%")),
            labelled(
                "Tag",
                rx.el.select(
                    *[rx.el.option(text, value=value) for value, text in _TAG_CHOICES],
                    name="tag",
                    class_name="native-select",
                ),
            ),
            rx.button("Search", type="submit"),
            align="end",
            wrap="wrap",
            spacing="3",
            width="100%",
        ),
        on_submit=QuestionBankState.search,
        reset_on_submit=False,
        width="100%",
        role="search",
    )


def _weakest() -> rx.Component:
    return rx.vstack(
        rx.button(
            rx.icon("target", size=14, aria_hidden="true"),
            "Practise my weakest 5",
            variant="soft",
            on_click=QuestionBankState.show_weakest,
        ),
        rx.cond(
            QuestionBankState.weakest_shown,
            or_empty(
                QuestionBankState.weakest,
                rx.el.ol(rx.foreach(QuestionBankState.weakest, _question_item), aria_label="Your weakest questions"),
                "Nothing says a question went badly yet: write a reflection after a round, or score a practice.",
            ),
        ),
        width="100%",
        spacing="2",
    )


def questions_page() -> rx.Component:
    return page_layout(
        rx.vstack(
            rx.heading("Question bank", size="6", as_="h1"),
            rx.text(
                "Every question your preps predicted and your rounds asked, across all jobs.",
                size="2",
                color_scheme="gray",
            ),
            _weakest(),
            _search_form(),
            rx.text(
                QuestionBankState.matched.to_string(),
                " of ",
                QuestionBankState.held.to_string(),
                " questions match",
                rx.cond(QuestionBankState.matched > QuestionBankState.lines.length(), " (the first 50 shown)", ""),
                ".",
                size="2",
                role="status",
            ),
            rx.el.ul(rx.foreach(QuestionBankState.lines, _question_item), class_name="bank-list"),
            form_dialog(
                rx.text(QuestionBankState.editing_text, weight="medium"),
                draft_text_area(
                    "Your best answer",
                    "answer",
                    QuestionBankState.draft,
                    max_length=BEST_ANSWER_CHARS,
                    noun="answer",
                    rows="8",
                ),
                title="Best answer",
                open=QuestionBankState.dialog_open,
                on_open_change=QuestionBankState.set_open,
                on_submit=QuestionBankState.save_answer,
                error=QuestionBankState.error,
                save_label="Save answer",
                max_width="640px",
            ),
            spacing="3",
            align="start",
            width="100%",
            max_width="860px",
        )
    )
