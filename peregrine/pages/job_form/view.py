"""The add/edit job dialog as drawn: its fields (from `JobFormState.draft`), the details, the
Not applied yet choice, Fill from the page and the delete confirmation."""

from __future__ import annotations

from typing import Any

import reflex as rx

from peregrine.components.callouts import list_callout
from peregrine.components.dialogs import form_dialog
from peregrine.components.forms import draft_input, draft_select, draft_text_area, save_watch
from peregrine.domain import limits
from peregrine.domain.job_details import WorkMode
from peregrine.pages.job_form.state import (
    NOT_APPLIED,
    SAVE_LOST,
    SAVE_WAIT_MS,
    SOURCE_SUGGESTIONS,
    JobFormState,
)


def _not_applied_choice() -> rx.Component:
    """A new job only: save it to apply later (the Saved column) instead of into Applied."""
    return rx.cond(
        JobFormState.job_id == 0,
        rx.el.label(
            rx.el.input(type="checkbox", name=NOT_APPLIED, value="yes", class_name="not-applied-box"),
            rx.el.span(
                "Not applied yet: save it to the Saved column (the date applied is set when you move it to Applied)"
            ),
            class_name="not-applied-choice",
        ),
    )


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
    """Leaving the field sends what it holds (`JobFormState.entered`): to the checks, and for a fill to keep."""
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


def _fill_from_page() -> rx.Component:
    """Add by URL's button, and why the last fetch failed."""
    return rx.vstack(
        rx.button(
            rx.icon("download", size=16),
            "Fill from the page",
            type="button",
            variant="soft",
            loading=JobFormState.fetching,
            on_click=JobFormState.fill_from_page,
        ),
        rx.cond(
            JobFormState.fetch_error != "",
            rx.callout.root(
                rx.callout.text(JobFormState.fetch_error), color_scheme="orange", role="alert", width="100%"
            ),
        ),
        spacing="2",
        width="100%",
    )


def job_dialog() -> rx.Component:
    draft = JobFormState.draft
    return form_dialog(
        # Keyed by the fills: the browser's own fields open again on the filled draft.
        rx.vstack(*_job_fields(draft), key=JobFormState.filled.to_string(), spacing="3", width="100%"),
        _delete_confirmation(),
        save_watch(answered=JobFormState.answers, wait_ms=SAVE_WAIT_MS, late_message=SAVE_LOST),
        title=JobFormState.heading,
        description="Company and title are required; everything else helps later. Paste a posting's link "
        "into URL and Fill from the page reads the rest.",
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


def _job_fields(draft: Any) -> list[rx.Component]:
    return [
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
            draft_input(
                "Source", "source", draft, max_length=limits.SOURCE, list="job-sources", on_blur=_checked("source")
            ),
            draft_input("Recruiter", "recruiter", draft, max_length=limits.RECRUITER, on_blur=_checked("recruiter")),
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
            draft_input("Location", "location", draft, max_length=limits.LOCATION, on_blur=_checked("location")),
            width="100%",
        ),
        _not_applied_choice(),
        _fill_from_page(),
        _details_fields(),
        draft_text_area(
            "Job description",
            "raw_jd_text",
            draft,
            max_length=limits.JOB_DESCRIPTION,
            noun="description",
            rows="6",
            placeholder="Paste the job description",
            on_blur=_checked("raw_jd_text"),
        ),
    ]
