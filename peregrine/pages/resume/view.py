"""The Resume page, `/resume`: experience projects with the bullets each one backs.

Interview preparation reads these projects for STAR answers, resume defense and deep dives. The
page edits them one by one (the dialogs of `dialogs.py`), or all at once through a YAML
import/export; every event goes to `ResumeState` (`state.py`). A resume from a PDF or DOCX is
reviewed in the panel of `document_view.py`, whose state is `ResumeDocumentState`.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from peregrine.components.edit_controls import item_actions
from peregrine.components.layout import page_layout
from peregrine.pages.resume.dialogs import bullet_dialog, delete_dialog, export_dialog, import_dialog, project_dialog
from peregrine.pages.resume.document_state import ResumeDocumentState
from peregrine.pages.resume.document_view import document_panel
from peregrine.pages.resume.state import EXAMPLE_FILE, BulletView, ProjectView, ResumeState

_CARD_STYLE = {
    "border": "1px solid var(--gray-a5)",
    "border_radius": "10px",
    "padding": "1rem 1.25rem",
    "width": "100%",
    "background": "var(--color-panel-solid)",
}


def _star(label: str, value: rx.Var[str]) -> rx.Component:
    return rx.cond(
        value != "",
        rx.data_list.item(
            rx.data_list.label(label, min_width="11rem"),
            rx.data_list.value(rx.text(value, white_space="pre-wrap", size="2")),
        ),
    )


def _bullet_item(project: ProjectView, bullet: BulletView) -> rx.Component:
    which = "bullet " + bullet.position.to_string() + " of " + project.name
    return rx.el.li(
        rx.hstack(
            rx.text(bullet.text, size="2", flex="1"),
            item_actions(
                which,
                moved=which,
                on_move_up=ResumeState.move_bullet(bullet.id, bullet.position - 1),
                on_move_down=ResumeState.move_bullet(bullet.id, bullet.position + 1),
                is_first=bullet.position == 1,
                is_last=bullet.position == project.bullets.length(),
                on_edit=ResumeState.open_edit_bullet(bullet.id, project.name),
                on_delete=ResumeState.delete_bullet(bullet.id),
                arrow_size="1",
            ),
            align="start",
            width="100%",
        ),
        padding_y="0.25rem",
    )


def _project_card(project: ProjectView) -> rx.Component:
    return rx.el.article(
        rx.vstack(
            rx.hstack(
                rx.vstack(
                    rx.heading(project.name, size="4", as_="h2"),
                    rx.cond(project.byline != "", rx.text(project.byline, size="2", color_scheme="gray")),
                    spacing="1",
                ),
                rx.spacer(),
                item_actions(
                    "project " + project.name,
                    moved=project.name,
                    on_move_up=ResumeState.move_project(project.id, project.position - 1),
                    on_move_down=ResumeState.move_project(project.id, project.position + 1),
                    is_first=project.position == 1,
                    is_last=project.position == ResumeState.projects.length(),
                    on_edit=ResumeState.open_edit_project(project.id),
                    on_delete=ResumeState.ask_delete_project(project.id, project.name),
                ),
                align="start",
                width="100%",
            ),
            rx.data_list.root(
                _star("Situation", project.situation),
                _star("Actions", project.actions),
                _star("Results", project.results),
                _star("Metrics", project.metrics),
                _star("Decisions and trade-offs", project.decisions),
                size="2",
            ),
            rx.cond(
                project.stack.length() > 0,
                rx.el.ul(
                    rx.foreach(project.stack, lambda tech: rx.el.li(rx.badge(tech, variant="soft"))),
                    aria_label="Stack",
                    style={"display": "flex", "flex_wrap": "wrap", "gap": "0.4rem", "list_style": "none"},
                    margin="0",
                    padding="0",
                ),
            ),
            rx.heading("Bullets", size="3", as_="h3"),
            rx.cond(
                project.bullets.length() > 0,
                rx.el.ol(
                    rx.foreach(project.bullets, lambda bullet: _bullet_item(project, bullet)),
                    aria_label="Bullets of " + project.name,
                    margin="0",
                    padding_left="1.25rem",
                    width="100%",
                ),
                rx.text("No bullets yet: add the resume lines this project backs.", size="2", color_scheme="gray"),
            ),
            rx.button(
                rx.icon("plus", size=14, aria_hidden="true"),
                "Add bullet",
                size="1",
                variant="soft",
                aria_label="Add a bullet to " + project.name,
                on_click=ResumeState.open_new_bullet(project.id, project.name),
                class_name="no-print",
            ),
            spacing="3",
            width="100%",
        ),
        aria_label=project.name,
        style=_CARD_STYLE,
    )


def _empty_state() -> rx.Component:
    return rx.callout.root(
        rx.callout.icon(rx.icon("info")),
        rx.callout.text(
            "Your resume is empty. Add the projects behind your resume, each with the bullets it backs: "
            "interview preparation draws STAR answers, resume defense and technical deep dives from them, "
            "so every claim on your resume can be defended with real detail."
        ),
        rx.callout.text(
            "Add a project, import your resume as a PDF or DOCX (each project it holds is shown for review "
            "before it is saved), or import a YAML file: ",
            rx.code(EXAMPLE_FILE),
            " in the Peregrine folder shows the format with two sample projects.",
        ),
        role="status",
        width="100%",
    )


def _action(icon: str, label: str, on_click: Any, variant: str = "soft", **props: Any) -> rx.Component:
    """A button of the page's header."""
    return rx.button(rx.icon(icon, size=14, aria_hidden="true"), label, variant=variant, on_click=on_click, **props)


def resume_page() -> rx.Component:
    return page_layout(
        rx.hstack(
            rx.heading("Resume", size="6", as_="h1"),
            rx.spacer(),
            rx.hstack(
                _action("plus", "Add a project", ResumeState.open_new_project, variant="solid"),
                _action(
                    "file-text",
                    "Import PDF or DOCX",
                    ResumeDocumentState.toggle_panel,
                    aria_expanded=ResumeDocumentState.panel_open,
                ),
                _action("file-up", "Import YAML", ResumeState.open_import),
                _action("file-down", "Export YAML", ResumeState.open_export),
                spacing="2",
                wrap="wrap",
                class_name="no-print",
            ),
            align="center",
            width="100%",
            max_width="960px",
        ),
        rx.text(
            "The projects behind your resume, and the bullets each one backs. Interview preparation builds on them.",
            size="2",
            color_scheme="gray",
        ),
        rx.cond(
            ResumeState.notice != "",
            rx.callout.root(
                rx.callout.icon(rx.icon("circle-check")),
                rx.callout.text(ResumeState.notice),
                color_scheme="green",
                role="status",
                max_width="960px",
                width="100%",
            ),
        ),
        document_panel(),
        rx.cond(
            ResumeState.projects.length() > 0,
            rx.vstack(rx.foreach(ResumeState.projects, _project_card), spacing="4", width="100%", max_width="960px"),
            rx.cond(ResumeState.loaded, _empty_state(), rx.text("Loading…", size="2", role="status")),
        ),
        project_dialog(),
        delete_dialog(),
        bullet_dialog(),
        import_dialog(),
        export_dialog(),
    )
