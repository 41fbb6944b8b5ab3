"""The Resume page's panel for a resume from a PDF or DOCX: the upload, the text read, the proposals.

Each proposal is a small form (name, company, role, period, context, stack, bullets one a line)
with Accept and Drop; one that looks like an existing project says so above its fields. The text
stays beside them, read-only, so a passage can be selected and made a project by hand.
"""

from __future__ import annotations

from typing import Any

import reflex as rx
from reflex.vars.base import Var

from peregrine.components.dropzone import dropzone
from peregrine.components.edit_controls import dialog_error
from peregrine.components.forms import labelled
from peregrine.domain import limits
from peregrine.pages.resume.document_state import (
    DOCUMENT_UPLOAD_ID,
    SELECTION_SCRIPT,
    TEXT_BOX_ID,
    ResumeDocumentState,
)
from peregrine.services import resume_document, uploads
from peregrine.services.resume_import import Proposal

DROP_HINT = f"or drop it here: a PDF or .docx, up to {resume_document.MAX_DOCUMENT_BYTES // uploads.MB} MB."
_PANEL_STYLE = {
    "border": "1px solid var(--gray-a5)",
    "border_radius": "10px",
    "padding": "1rem 1.25rem",
    "width": "100%",
    "max_width": "960px",
    "background": "var(--color-panel-solid)",
}


def _field(label: str, name: str, value: Var[str], index: Var[int], limit: int, rows: str = "") -> rx.Component:
    def on_change(text: str) -> Any:
        return ResumeDocumentState.set_proposal_field(index, name, text)

    if rows:
        control = rx.text_area(value=value, on_change=on_change, max_length=limit, rows=rows, width="100%")
    else:
        control = rx.input(value=value, on_change=on_change, max_length=limit, width="100%")
    return labelled(label, control)


def _proposal(proposal: Proposal, index: Var[int]) -> rx.Component:
    title = rx.cond(proposal.name != "", proposal.name, "Unnamed project")
    return rx.el.article(
        rx.vstack(
            rx.heading("Proposed: ", title, size="3", as_="h3"),
            rx.cond(
                proposal.similar_to != "",
                rx.callout.root(
                    rx.callout.icon(rx.icon("copy")),
                    rx.callout.text(
                        "Looks like your project “",
                        proposal.similar_to,
                        "”. Accepting adds a second project; nothing is merged into the one you have.",
                    ),
                    color_scheme="amber",
                    size="1",
                    width="100%",
                ),
            ),
            _field("Name", "name", proposal.name, index, limits.PROJECT_NAME),
            rx.flex(
                _field("Company", "company", proposal.company, index, limits.PROJECT_COMPANY),
                _field("Role", "role", proposal.role, index, limits.PROJECT_ROLE),
                _field("Period", "period", proposal.period, index, limits.PROJECT_PERIOD),
                direction={"initial": "column", "sm": "row"},
                gap="2",
                width="100%",
            ),
            _field("Situation: the context", "situation", proposal.situation, index, limits.PROJECT_STORY, "2"),
            _field("Stack (comma-separated)", "stack", proposal.stack, index, limits.PROJECT_STACK),
            _field("Bullets, one a line", "bullets", proposal.bullets, index, limits.RESUME_IMPORT, "4"),
            rx.hstack(
                rx.button(
                    rx.icon("check", size=14, aria_hidden="true"),
                    "Accept",
                    aria_label="Accept " + title,
                    on_click=ResumeDocumentState.accept(index),
                ),
                rx.button(
                    "Drop",
                    variant="soft",
                    color_scheme="gray",
                    aria_label="Drop " + title,
                    on_click=ResumeDocumentState.drop(index),
                ),
                spacing="2",
            ),
            spacing="2",
            width="100%",
        ),
        aria_label="Proposed: " + title,
        style={"border_top": "1px solid var(--gray-a5)", "padding_top": "0.75rem", "width": "100%"},
    )


def _text_box() -> rx.Component:
    return rx.vstack(
        rx.heading("The text read", size="3", as_="h3"),
        rx.text(ResumeDocumentState.file_name, " · ", ResumeDocumentState.summary, size="1", color_scheme="gray"),
        labelled(
            "Text of " + ResumeDocumentState.file_name,
            rx.text_area(
                id=TEXT_BOX_ID,
                value=ResumeDocumentState.text,
                read_only=True,
                rows="12",
                width="100%",
                style={"font_size": "0.85rem"},
            ),
        ),
        rx.hstack(
            rx.button(
                rx.icon("text-select", size=14, aria_hidden="true"),
                "New project from this",
                variant="soft",
                on_click=rx.call_script(SELECTION_SCRIPT, callback=ResumeDocumentState.add_passage),
            ),
            rx.cond(
                ~ResumeDocumentState.splitting & (ResumeDocumentState.split_note != ""),
                rx.button("Split with the model again", variant="soft", on_click=ResumeDocumentState.split_again),
            ),
            rx.spacer(),
            rx.button("Close the document", variant="ghost", on_click=ResumeDocumentState.close_document),
            wrap="wrap",
            width="100%",
        ),
        spacing="2",
        width="100%",
    )


def document_panel() -> rx.Component:
    """The panel, shown once opened (and while a document's text is kept)."""
    state = ResumeDocumentState
    return rx.cond(
        state.panel_open | (state.text != ""),
        rx.el.section(
            rx.vstack(
                rx.heading("From a PDF or DOCX", size="4", as_="h2"),
                rx.text(
                    "Your resume's text is read and split into projects for you to review: "
                    "nothing is saved until you accept a project.",
                    size="2",
                    color_scheme="gray",
                ),
                dropzone(
                    DOCUMENT_UPLOAD_ID,
                    on_drop=state.handle_document,
                    icon="file-up",
                    button_label="Choose a PDF or DOCX",
                    # every file goes through: what it is comes from its bytes, and a wrong one is told why
                    hint=rx.cond(state.reading, "Reading the file…", DROP_HINT),
                    max_files=1,
                    multiple=False,
                    disabled=state.reading,
                ),
                dialog_error(state.refusal),
                rx.cond(state.splitting, rx.text("Splitting the text into projects…", size="2", role="status")),
                rx.cond(
                    state.split_note != "",
                    rx.callout.root(rx.callout.text(state.split_note), role="status", width="100%"),
                ),
                rx.cond(state.proposals.length() > 0, rx.heading("Review each project", size="3", as_="h3")),
                rx.foreach(state.proposals, _proposal),
                rx.cond(state.text != "", _text_box()),
                spacing="3",
                width="100%",
            ),
            aria_label="Resume from a PDF or DOCX",
            style=_PANEL_STYLE,
            class_name="no-print",
        ),
    )
