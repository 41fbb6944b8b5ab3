"""The prep page, `/applications/{id}/interview-prep?interview_id={n}`.

Base prep is always shown; the interview dropdown switches the interview part and the URL, so
a deep link opens the same view. A prep is written section by section, each shown as it is done;
every section can be edited (markdown with a preview) and regenerated, a failed one retried alone;
a regenerate over hand edits asks first, and replaced text stays in History. Below
the prep: which predicted questions came up, and the practice interview.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from peregrine.components.layout import page_layout, paid_only, record_or_missing
from peregrine.components.needs_llm import llm_button, when_llm_missing
from peregrine.components.task_status import generate_button, task_status_line
from peregrine.domain import limits
from peregrine.pages.practice import practice_section
from peregrine.pages.prep.sections import confirm_dialog, history_dialog, section_card
from peregrine.pages.prep.state import PrepState
from peregrine.services.tasks import TaskProgress


def _callout(icon: str, text: Any, *after: rx.Component, **props: Any) -> rx.Component:
    """A callout with its icon and text, and whatever follows the text (a button)."""
    return rx.callout.root(rx.callout.icon(rx.icon(icon)), rx.callout.text(text), *after, **props)


def _generate_button(target: str, noun: str, run: rx.Var[TaskProgress], has_prep: rx.Var[bool]) -> rx.Component:
    return generate_button(
        noun, run=run, has_result=has_prep, on_click=PrepState.generate(target), llm_ready=PrepState.llm_ready
    )


def _base_part() -> rx.Component:
    has = PrepState.base.length() > 0
    return rx.el.section(
        rx.hstack(
            rx.heading("Base preparation", size="5", as_="h2"),
            rx.spacer(),
            _generate_button("base", "base prep", PrepState.base_run, has),
            align="center",
            width="100%",
        ),
        task_status_line(PrepState.base_run, "Generating the base preparation failed: "),
        rx.cond(
            has,
            rx.foreach(PrepState.base, section_card),
            _callout(
                "info",
                "No base preparation yet: the job description with its callback drivers in bold, the company "
                "context and your background narrative. Generate it (one call to your language model per section).",
                role="status",
            ),
        ),
        aria_label="Base preparation",
        class_name="prep-part",
    )


def _interview_part() -> rx.Component:
    has = PrepState.interview.length() > 0
    return rx.el.section(
        rx.hstack(
            rx.heading("Interview preparation", size="5", as_="h2"),
            rx.spacer(),
            rx.cond(
                PrepState.selected != "", _generate_button("interview", "interview prep", PrepState.interview_run, has)
            ),
            align="center",
            width="100%",
        ),
        rx.cond(PrepState.selected != "", rx.text(PrepState.selected_label, size="2", color_scheme="gray")),
        task_status_line(PrepState.interview_run, "Generating the interview preparation failed: "),
        rx.cond(
            PrepState.selected == "",
            rx.text(
                rx.cond(
                    PrepState.options.length() > 0,
                    "Choose an interview above.",
                    "No interview rounds yet. Schedule one on the job page, then prepare for it here.",
                ),
                size="2",
                color_scheme="gray",
            ),
            rx.cond(
                has,
                rx.fragment(rx.foreach(PrepState.interview, section_card), _after_round()),
                _callout(
                    "triangle-alert",
                    "No preparation for this interview yet: roadmap, predicted questions with STAR answers, "
                    "questions to ask, resume defense and deep dives.",
                    llm_button(
                        rx.icon("sparkles", size=14, aria_hidden="true"),
                        "Generate it now",
                        llm_ready=PrepState.llm_ready,
                        on_click=PrepState.generate("interview"),
                        size="2",
                        class_name="no-print",
                        width="fit-content",
                    ),
                    color_scheme="amber",
                    role="status",
                ),
            ),
        ),
        aria_label="Interview preparation",
        class_name="prep-part",
    )


def _after_round() -> rx.Component:
    return rx.el.section(
        rx.heading("After the round: which predicted questions came up", size="3", as_="h3"),
        rx.el.label(
            rx.text("Questions you were asked, one a line", size="2", weight="medium"),
            rx.text_area(
                value=PrepState.asked_draft,
                on_change=PrepState.set_asked_draft,
                max_length=limits.QUESTIONS_ASKED_TEXT,
                rows="4",
                width="100%",
            ),
            class_name="form-field no-print",
        ),
        rx.button(
            "Save questions asked",
            on_click=PrepState.save_asked,
            size="2",
            variant="soft",
            class_name="no-print",
            width="fit-content",
        ),
        rx.cond(PrepState.hit_summary != "", rx.text(PrepState.hit_summary, weight="medium", size="2", role="status")),
        rx.el.ul(
            rx.foreach(
                PrepState.hits,
                lambda hit: rx.el.li(
                    rx.cond(
                        hit.came_up,
                        rx.badge("came up", color_scheme="green"),
                        rx.badge("not asked", color_scheme="gray"),
                    ),
                    rx.text(" ", hit.predicted, as_="span", size="2"),
                    rx.cond(
                        hit.came_up, rx.text(" — asked as “", hit.asked, "”", as_="span", size="1", color_scheme="gray")
                    ),
                ),
            ),
            class_name="hit-list",
        ),
        rx.cond(
            PrepState.over_time_summary != "",
            rx.vstack(
                rx.text(PrepState.over_time_summary, size="2"),
                rx.el.ul(
                    rx.foreach(
                        PrepState.over_time,
                        lambda point: rx.el.li(
                            rx.text(point.label, size="1", class_name="hit-bar-label"),
                            rx.box(
                                rx.box(width=point.percent.to_string() + "%", class_name="hit-bar-fill"),
                                class_name="hit-bar",
                                role="img",
                                aria_label=point.label + ": " + point.percent.to_string() + "% came up",
                            ),
                            rx.text(point.percent, "%", size="1"),
                            class_name="hit-bar-row",
                        ),
                    ),
                    class_name="hit-bars",
                    aria_label="Hit rate over time",
                ),
                spacing="1",
                width="100%",
            ),
        ),
        aria_label="After the round",
        class_name="prep-section",
    )


def _interview_picker() -> rx.Component:
    return rx.hstack(
        rx.el.label(
            rx.text("Interview", size="2", weight="medium"),
            rx.el.select(
                rx.el.option("Choose an interview…", value="", disabled=True),
                rx.foreach(PrepState.options, lambda option: rx.el.option(option.label, value=option.value)),
                value=PrepState.selected,
                on_change=PrepState.choose,
                class_name="native-select",
            ),
            class_name="form-field",
            width="auto",
            min_width="min(28rem, 100%)",
        ),
        rx.link(
            rx.hstack(
                rx.icon("notebook-tabs", size=14, aria_hidden="true"), "Reference sheet", align="center", spacing="1"
            ),
            href=PrepState.sheet_link,
            is_external=True,
            size="2",
            height="var(--space-6)",  # the button's height: the two sit on one line
            display="inline-flex",
            align_items="center",
        ),
        rx.button(
            rx.icon("printer", size=14, aria_hidden="true"),
            "Print",
            on_click=rx.call_script("window.print()"),
            variant="soft",
            size="2",
        ),
        align="end",
        spacing="4",
        class_name="no-print",
        wrap="wrap",
    )


def prep_page() -> rx.Component:
    return page_layout(
        record_or_missing(
            PrepState.found,
            PrepState.missing_message,
            rx.vstack(
                rx.link("← ", PrepState.job_label, href=PrepState.job_link, size="2", class_name="no-print"),
                rx.heading("Interview prep: ", PrepState.job_label, size="6", as_="h1"),
                paid_only(
                    PrepState.paid,
                    "Interview preparation and practice",
                    rx.vstack(
                        _interview_picker(),
                        rx.cond(
                            PrepState.interview_message != "",
                            _callout("circle-alert", PrepState.interview_message, color_scheme="amber", role="alert"),
                        ),
                        when_llm_missing(
                            PrepState.llm_ready,
                            "Generating preparation",
                            "Generate, Regenerate and Retry are off until then; what is here stays readable and "
                            "editable.",
                        ),
                        _base_part(),
                        _interview_part(),
                        rx.cond(PrepState.selected != "", practice_section()),
                        confirm_dialog(),
                        history_dialog(),
                        spacing="4",
                        width="100%",
                    ),
                ),
                spacing="3",
                align="start",
                width="100%",
                max_width="920px",
            ),
        ),
    )
