"""The survey assistant's page, `/applications/{id}/survey`: the survey pasted or in screenshots,
the answers, and Save / Copy / Done. Every event goes to `SurveyState` (`state.py`)."""

from __future__ import annotations

from typing import Any

import reflex as rx

from peregrine.components.dropzone import dropzone
from peregrine.components.forms import labelled
from peregrine.components.layout import job_tool_page
from peregrine.components.needs_llm import when_llm_missing
from peregrine.domain import limits
from peregrine.pages.survey.data import AnswerView, ImageView
from peregrine.pages.survey.state import UPLOAD_ID, SurveyState


def _alert(*children: Any) -> rx.Component:
    return rx.callout.root(
        rx.callout.icon(rx.icon("circle-alert")),
        rx.callout.text(*children),
        color_scheme="red",
        role="alert",
    )


def _text_box(label: Any, value: Any, on_change: Any, *, max_length: int, rows: str, **props: Any) -> rx.Component:
    """A labelled text area the page keeps in its state as the user types (the survey's text, a
    screenshot's text, an answer); `max_length` is the limit the service keeps."""
    return labelled(
        label,
        rx.text_area(value=value, on_change=on_change, max_length=max_length, rows=rows, width="100%", **props),
    )


def _survey_picker() -> rx.Component:
    return rx.hstack(
        rx.cond(
            SurveyState.surveys.length() > 0,
            labelled(
                "Saved surveys",
                rx.el.select(
                    rx.el.option("New survey (not saved yet)", value="", disabled=True),
                    rx.foreach(SurveyState.surveys, lambda s: rx.el.option(s.label, value=s.value)),
                    value=SurveyState.current,
                    on_change=SurveyState.reopen,
                    class_name="native-select",
                ),
            ),
        ),
        rx.button(
            rx.icon("file-plus", size=14, aria_hidden="true"),
            "New survey",
            on_click=SurveyState.new_survey,
            variant="soft",
            size="2",
            disabled=SurveyState.reading | SurveyState.answering,
        ),
        align="end",
        spacing="3",
        wrap="wrap",
    )


def _drop_zone() -> rx.Component:
    return dropzone(
        UPLOAD_ID,
        on_drop=SurveyState.handle_upload,
        icon="image-up",
        button_label="Choose screenshots",
        hint="or drop them here: PNG, JPEG or WebP, up to 10 MB each, 10 at a time.",
        multiple=True,
        disabled=SurveyState.checking,  # one upload at a time per tab (the handler refuses a second)
    )


def _image(image: ImageView) -> rx.Component:
    return rx.el.li(
        rx.hstack(
            rx.icon("image", size=14, aria_hidden="true"),
            rx.text(image.name, weight="medium", size="2"),
            rx.spacer(),
            rx.button(
                "Remove",
                on_click=SurveyState.remove_image(image.stored_as),
                variant="ghost",
                color_scheme="gray",
                size="1",
                aria_label="Remove " + image.name,
            ),
            align="center",
            width="100%",
        ),
        rx.cond(
            image.error != "",
            _alert(
                image.name,
                ": ",
                image.error,
                " ",
                rx.button(
                    "Read again",
                    on_click=SurveyState.read_again,
                    size="1",
                    variant="soft",
                    disabled=SurveyState.reading,
                    aria_label="Read " + image.name + " again",
                ),
            ),
        ),
        rx.cond(
            image.pending,
            rx.cond(
                SurveyState.reading,
                rx.text("Reading…", size="2", role="status"),
                rx.hstack(
                    rx.text("Not read yet.", size="2"),
                    rx.button(
                        "Read it now",
                        on_click=SurveyState.read_again,
                        size="1",
                        variant="soft",
                        aria_label="Read " + image.name + " now",
                    ),
                    align="center",
                ),
            ),
            rx.text(image.read_by, " ", image.note, size="1", color_scheme="gray"),
        ),
        _text_box(
            "Text read from " + image.name + " (correct it if needed)",
            image.text,
            lambda text: SurveyState.set_image_text(image.stored_as, text),
            max_length=limits.SURVEY_IMAGE_TEXT,
            rows="6",
        ),
        class_name="survey-image",
        style={"list_style": "none", "padding": "0.75rem 0", "border_top": "1px solid var(--gray-a4)"},
    )


def _input_part() -> rx.Component:
    return rx.el.section(
        rx.heading("The survey", size="5", as_="h2"),
        _text_box(
            "Paste the survey's questions",
            SurveyState.pasted,
            SurveyState.set_pasted,
            max_length=limits.SURVEY_PASTED,
            rows="8",
            placeholder="1. Why do you want to work here?\n2. How do you prefer to receive feedback?",
        ),
        rx.text("Or add screenshots of it. ", SurveyState.reader_plan, size="2", color_scheme="gray"),
        _drop_zone(),
        rx.cond(SurveyState.checking, rx.text("Checking the screenshots…", size="2", role="status")),
        rx.cond(
            SurveyState.refusals.length() > 0,
            rx.callout.root(
                rx.callout.icon(rx.icon("circle-alert")),
                rx.callout.text("Not added:"),
                rx.el.ul(rx.foreach(SurveyState.refusals, lambda line: rx.el.li(line))),
                color_scheme="red",
                role="alert",
            ),
        ),
        rx.cond(
            SurveyState.images.length() > 0,
            rx.el.ul(rx.foreach(SurveyState.images, _image), aria_label="Screenshots", style={"padding": "0"}),
        ),
        aria_label="The survey",
        class_name="prep-part",
    )


def _answer(answer: AnswerView) -> rx.Component:
    return rx.el.li(
        rx.text(answer.number, ". ", answer.question, weight="medium", size="2", white_space="pre-wrap"),
        rx.cond(
            answer.error != "",
            _alert(
                answer.error,
                rx.cond(answer.answer != "", " The answer below is the earlier one.", ""),
                " ",
                rx.button(
                    "Retry this question",
                    on_click=SurveyState.retry_question(answer.index),
                    size="1",
                    variant="soft",
                    disabled=SurveyState.answering,
                    aria_label="Retry question " + answer.number,
                ),
            ),
        ),
        _text_box(
            "Answer to question " + answer.number,
            answer.answer,
            lambda text: SurveyState.set_answer(answer.index, text),
            max_length=limits.SURVEY_ANSWER,
            rows="4",
        ),
        rx.hstack(
            rx.cond(answer.rationale != "", rx.text("Why: ", answer.rationale, size="1", color_scheme="gray")),
            rx.spacer(),
            rx.button(
                rx.icon("copy", size=12, aria_hidden="true"),
                "Copy",
                on_click=[rx.set_clipboard(answer.answer), rx.toast("Answer " + answer.number + " copied.")],
                variant="ghost",
                size="1",
                aria_label="Copy answer " + answer.number,
            ),
            align="center",
            width="100%",
        ),
        style={"padding": "0.75rem 0", "border_top": "1px solid var(--gray-a4)"},
    )


def _list_button() -> rx.Component:
    return rx.button(
        rx.icon("list-ordered", size=14, aria_hidden="true"),
        rx.cond(SurveyState.answers.length() > 0, "List the questions again", "List the questions"),
        on_click=SurveyState.list_questions,
        disabled=SurveyState.reading,
        size="2",
    )


def _answers_part() -> rx.Component:
    has = SurveyState.answers.length() > 0
    return rx.el.section(
        rx.hstack(
            rx.heading(rx.cond(SurveyState.llm_ready, "Suggested answers", "Your answers"), size="5", as_="h2"),
            rx.spacer(),
            rx.cond(
                SurveyState.llm_ready,
                rx.button(
                    rx.icon("sparkles", size=14, aria_hidden="true"),
                    rx.cond(has, "Suggest answers again", "Get suggested answers"),
                    on_click=SurveyState.ask,
                    loading=SurveyState.answering,
                    disabled=SurveyState.reading,
                    size="2",
                ),
                _list_button(),
            ),
            align="center",
            width="100%",
            wrap="wrap",
        ),
        rx.cond(
            SurveyState.llm_ready,
            rx.text(
                "One answer per question, each asked on its own, fitted to your profile, your resume projects "
                "and this job. Asking again replaces each answer below as its new one comes.",
                size="2",
                color_scheme="gray",
            ),
        ),
        when_llm_missing(
            SurveyState.llm_ready,
            "Suggesting answers",
            "List the questions to write the answers yourself here; Save keeps them.",
        ),
        rx.cond(SurveyState.answering, rx.text("Asking the language model…", size="2", role="status")),
        rx.cond(
            SurveyState.error != "",
            _alert(
                SurveyState.error,
                " ",
                rx.button("Retry", on_click=SurveyState.ask, size="1", variant="soft", disabled=SurveyState.answering),
            ),
        ),
        rx.cond(has, rx.el.ol(rx.foreach(SurveyState.answers, _answer), style={"padding": "0", "list_style": "none"})),
        aria_label="Suggested answers",
        class_name="prep-part",
    )


def _actions() -> rx.Component:
    busy = SurveyState.reading | SurveyState.answering
    return rx.vstack(
        rx.hstack(
            rx.button(rx.icon("save", size=14, aria_hidden="true"), "Save", on_click=SurveyState.save, size="2"),
            rx.cond(
                SurveyState.answers.length() > 0,
                rx.button(
                    rx.icon("clipboard-copy", size=14, aria_hidden="true"),
                    "Copy all answers",
                    on_click=[rx.set_clipboard(SurveyState.all_answers), rx.toast("All answers copied.")],
                    variant="soft",
                    size="2",
                ),
            ),
            rx.button(
                rx.icon("circle-check", size=14, aria_hidden="true"),
                rx.cond(SurveyState.in_survey, "Done — move to Phone screen", "Done"),
                on_click=SurveyState.finish,
                disabled=busy,
                color_scheme="green",
                size="2",
            ),
            spacing="3",
            wrap="wrap",
        ),
        rx.cond(
            ~SurveyState.in_survey,
            rx.text(
                "This job is in ",
                SurveyState.stage_label,
                ", not Survey: Done marks the survey finished and leaves the job where it is.",
                size="2",
                color_scheme="amber",
            ),
        ),
        rx.cond(SurveyState.notice != "", rx.text(SurveyState.notice, size="2", role="status")),
        spacing="2",
    )


def survey_page() -> rx.Component:
    return job_tool_page(
        "Survey: ",
        SurveyState.job_label,
        found=SurveyState.found,
        missing_message=SurveyState.missing_message,
        job_label=SurveyState.job_label,
        job_link=SurveyState.job_link,
        paid=SurveyState.paid,
        feature="The survey assistant",
        facts=rx.hstack(
            rx.badge(SurveyState.stage_label, size="2"),
            rx.cond(SurveyState.status != "", rx.text("Survey status: ", SurveyState.status, size="2")),
            align="center",
            spacing="3",
        ),
        tool=rx.vstack(_survey_picker(), _input_part(), _answers_part(), _actions(), spacing="4", width="100%"),
    )
