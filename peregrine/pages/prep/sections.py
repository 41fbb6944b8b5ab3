"""One section of prep as the page shows it, and the two dialogs about sections.

A section reads as markdown and opens in place as an editor (write, preview); its History lists
the texts it replaced, each restorable. A section whose generation failed says why, with its own
Retry, and one whose prompt was trimmed to the model's window says what was left out.
Regenerating over hand edits asks first (`confirm_dialog`).
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from peregrine.components.forms import length_notice
from peregrine.components.needs_llm import llm_button
from peregrine.components.task_status import is_active
from peregrine.domain import limits
from peregrine.pages.prep.state import PrepState, SectionDoc


def section_card(section: SectionDoc) -> rx.Component:
    editing_this = PrepState.editing == section.owner + ":" + section.key
    return rx.el.section(
        rx.hstack(
            rx.heading(section.title, size="3", as_="h3"),
            rx.cond(section.edited, rx.badge("edited", variant="soft", color_scheme="violet")),
            rx.spacer(),
            rx.hstack(
                _small_button(
                    "pencil", "Edit", PrepState.start_edit(section.owner, section.key), "Edit " + section.title
                ),
                _small_button(
                    "history",
                    "History",
                    PrepState.open_history(section.owner, section.owner_id, section.key, section.title),
                    "History of " + section.title,
                ),
                class_name="no-print",
                spacing="3",
            ),
            align="center",
            width="100%",
        ),
        rx.cond(section.error != "", _failure(section)),
        rx.cond(
            editing_this,
            _editor(section),
            rx.cond(
                section.markdown != "",
                rx.box(rx.markdown(section.markdown), class_name="prep-markdown"),
                rx.cond(
                    section.error == "",
                    rx.text(
                        rx.cond(_runs_going(), "Waiting to be written…", "Not written yet."),
                        size="2",
                        color_scheme="gray",
                    ),
                ),
            ),
        ),
        rx.cond(
            section.left_out != "",
            rx.text(
                "To fit the model's window: ", section.left_out, size="1", color_scheme="gray", class_name="no-print"
            ),
        ),
        aria_label=section.title,
        class_name="prep-section",
    )


def _runs_going() -> rx.Var[bool]:
    """A run of this job's prep is queued or writing (a round's run may write base sections too)."""
    return is_active(PrepState.base_run) | is_active(PrepState.interview_run)


def _small_button(icon: str, label: str, on_click: Any, aria_label: Any) -> rx.Component:
    return rx.button(
        rx.icon(icon, size=13, aria_hidden="true"),
        label,
        on_click=on_click,
        variant="ghost",
        size="1",
        aria_label=aria_label,
    )


def _failure(section: SectionDoc) -> rx.Component:
    """Why this section's last generation failed (its earlier text, if any, stays below), and its Retry."""
    return rx.callout.root(
        rx.callout.icon(rx.icon("triangle-alert")),
        rx.callout.text("This section could not be written: ", section.error),
        llm_button(
            rx.icon("rotate-ccw", size=13, aria_hidden="true"),
            "Retry this section",
            llm_ready=PrepState.llm_ready,
            busy=_runs_going(),
            on_click=PrepState.retry_section(section.owner, section.key),
            size="1",
            variant="soft",
            width="fit-content",
            aria_label="Retry " + section.title,
        ),
        color_scheme="red",
        role="alert",
        class_name="no-print",
    )


def _editor(section: SectionDoc) -> rx.Component:
    return rx.vstack(
        rx.tabs.root(
            rx.tabs.list(
                rx.tabs.trigger("Write", value="write"),
                rx.tabs.trigger("Preview", value="preview", on_click=PrepState.show_preview),
            ),
            rx.tabs.content(
                length_notice(
                    rx.text_area(
                        value=PrepState.draft,
                        on_change=PrepState.set_draft,
                        max_length=limits.PREP_SECTION,
                        rows="14",
                        width="100%",
                        aria_label="Markdown of " + section.title,
                        class_name="prep-editor",
                    ),
                    "section",
                ),
                value="write",
                padding_top="0.5rem",
            ),
            rx.tabs.content(
                rx.box(rx.markdown(PrepState.preview), class_name="prep-markdown prep-preview"),
                value="preview",
                padding_top="0.5rem",
            ),
            default_value="write",
            width="100%",
        ),
        rx.cond(PrepState.edit_error != "", rx.text(PrepState.edit_error, color_scheme="red", size="2", role="alert")),
        rx.hstack(
            rx.button("Save " + section.title, on_click=PrepState.save_edit, size="2"),
            rx.button("Cancel", on_click=PrepState.cancel_edit, variant="soft", color_scheme="gray", size="2"),
        ),
        width="100%",
    )


def confirm_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Regenerate over your edits?"),
            rx.dialog.description(
                "You edited: ",
                PrepState.confirm_sections,
                ". Keep your edits and regenerate the rest, or replace them too (your text stays in History).",
            ),
            rx.hstack(
                rx.button("Keep my edits", on_click=PrepState.confirm_regenerate(False)),
                rx.button(
                    "Replace them too", on_click=PrepState.confirm_regenerate(True), color_scheme="red", variant="soft"
                ),
                rx.dialog.close(rx.button("Cancel", variant="soft", color_scheme="gray")),
                spacing="3",
                margin_top="1rem",
                justify="end",
            ),
        ),
        open=PrepState.confirm_open,
        on_open_change=PrepState.set_confirm_open,
    )


def history_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("History of ", PrepState.history_title),
            rx.cond(
                PrepState.revisions.length() > 0,
                rx.el.ol(
                    rx.foreach(
                        PrepState.revisions,
                        lambda revision: rx.el.li(
                            rx.hstack(
                                rx.text(revision.when, " · ", revision.why, size="2", weight="medium"),
                                rx.spacer(),
                                rx.button(
                                    "Restore",
                                    on_click=PrepState.restore(revision.id),
                                    size="1",
                                    variant="soft",
                                    aria_label="Restore the text of " + revision.when,
                                ),
                                width="100%",
                                align="center",
                            ),
                            rx.box(rx.markdown(revision.text), class_name="prep-markdown revision-text"),
                        ),
                    ),
                    class_name="revision-list",
                ),
                rx.text("No earlier versions yet.", size="2", color_scheme="gray"),
            ),
            rx.hstack(rx.dialog.close(rx.button("Close", variant="soft")), justify="end", margin_top="1rem"),
            max_width="760px",
        ),
        open=PrepState.history_open,
        on_open_change=PrepState.set_history_open,
    )
