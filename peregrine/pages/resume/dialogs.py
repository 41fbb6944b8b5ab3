"""The Resume page's dialogs: a project, a bullet, deleting a project, importing and exporting YAML.

Each dialog's fields are `ResumeState` vars, so what was typed survives a refused save (the
dialog stays open with the reason) and, for the import, closing and coming back.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from peregrine.components.dropzone import dropzone
from peregrine.components.edit_controls import edit_dialog
from peregrine.components.forms import labelled, length_notice
from peregrine.domain import limits
from peregrine.pages.resume.state import EXAMPLE_FILE, UPLOAD_ID, ResumeState


def _field(label: str, name: str, **props: Any) -> rx.Component:
    value = ResumeState.project[name]
    return labelled(
        label, rx.input(value=value, on_change=lambda v: ResumeState.set_field(name, v), width="100%", **props)
    )


def _long(label: str, name: str, **props: Any) -> rx.Component:
    control = rx.text_area(
        value=ResumeState.project[name],
        on_change=lambda v: ResumeState.set_field(name, v),
        max_length=limits.PROJECT_STORY,
        rows="3",
        width="100%",
        **props,
    )
    return length_notice(labelled(label, control), name)


def project_dialog() -> rx.Component:
    return edit_dialog(
        rx.cond(ResumeState.project_id > 0, "Edit project", "Add a project"),
        rx.dialog.description(
            "Only the name is required. The detail you add here is what interview preparation builds on.",
            size="2",
            color_scheme="gray",
        ),
        _field(
            "Name",
            "name",
            max_length=limits.PROJECT_NAME,
            placeholder="Payments ledger rewrite",
            required=True,
        ),
        rx.hstack(
            _field("Company", "company", max_length=limits.PROJECT_COMPANY),
            _field("Role", "role", max_length=limits.PROJECT_ROLE, placeholder="Tech lead"),
            _field(
                "Period",
                "period",
                max_length=limits.PROJECT_PERIOD,
                placeholder="Jan 2022 - Mar 2023",
            ),
            width="100%",
        ),
        _long("Situation: the context and the problem", "situation"),
        _long("Actions: what you did", "actions"),
        _long("Results: what changed", "results"),
        _long("Metrics: the numbers you can defend", "metrics"),
        _field(
            "Stack (comma-separated)",
            "stack",
            max_length=limits.PROJECT_STACK,
            placeholder="Python, PostgreSQL, Kafka",
        ),
        _long("Decisions and trade-offs", "decisions"),
        error=ResumeState.project_error,
        save_label="Save project",
        on_save=ResumeState.save_project,
        is_open=ResumeState.project_open,
        on_open_change=ResumeState.set_project_open,
        max_width="720px",
    )


def delete_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("Delete project"),
            rx.alert_dialog.description(
                "Delete “", ResumeState.deleting_name, "” and all its bullets? This cannot be undone."
            ),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Keep it", variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(
                    rx.button("Delete for good", color_scheme="red", on_click=ResumeState.delete_project)
                ),
                justify="end",
                spacing="3",
                margin_top="1rem",
            ),
        ),
        open=ResumeState.deleting_id > 0,
        on_open_change=ResumeState.set_delete_open,
    )


def bullet_dialog() -> rx.Component:
    return edit_dialog(
        rx.cond(ResumeState.bullet_id > 0, "Edit bullet", "Add a bullet"),
        rx.dialog.description("Under ", ResumeState.bullet_project_name, size="2", color_scheme="gray"),
        labelled(
            "Bullet",
            rx.text_area(
                value=ResumeState.bullet_text,
                on_change=ResumeState.set_bullet_text,
                max_length=limits.BULLET,
                rows="3",
                width="100%",
                placeholder="Cut month-end close from 3 days to 4 hours by …",
            ),
        ),
        error=ResumeState.bullet_error,
        save_label="Save bullet",
        on_save=ResumeState.save_bullet,
        is_open=ResumeState.bullet_open,
        on_open_change=ResumeState.set_bullet_open,
        max_width="600px",
    )


def _mode(value: str, label: str) -> rx.Component:
    return rx.text(rx.flex(rx.radio_group.item(value=value), label, spacing="2", align="center"), as_="label", size="2")


def import_dialog() -> rx.Component:
    return edit_dialog(
        "Import YAML",
        rx.dialog.description(
            "Paste your resume in YAML, or choose a .yaml file. ",
            rx.code(EXAMPLE_FILE),
            " shows the format, with every key explained.",
            size="2",
        ),
        dropzone(
            UPLOAD_ID,
            on_drop=ResumeState.handle_upload,
            icon="file-up",
            button_label="Choose a .yaml file",
            hint=rx.cond(
                ResumeState.uploaded_name != "",
                "Loaded " + ResumeState.uploaded_name + " into the box below.",
                "or drop it here; it fills the box below.",
            ),
            compact=True,
            accept={"application/x-yaml": [".yaml", ".yml"], "text/yaml": [".yaml", ".yml"]},
            max_files=1,
            multiple=False,
        ),
        length_notice(
            labelled(
                "Resume YAML",
                rx.text_area(
                    value=ResumeState.import_text,
                    on_change=ResumeState.set_import_text,
                    max_length=limits.RESUME_IMPORT,
                    rows="14",
                    width="100%",
                    spell_check=False,
                    placeholder="projects:\n  - name: Payments ledger rewrite\n    bullets:\n      - …",
                    style={"font_family": "var(--code-font-family)", "font_size": "0.85rem"},
                ),
            ),
            "resume",
        ),
        rx.vstack(
            rx.text("When importing", id="resume-import-mode", size="2", weight="medium"),
            rx.radio_group.root(
                rx.hstack(_mode("add", "Add to it"), _mode("replace", "Replace my resume"), spacing="5"),
                value=ResumeState.import_mode,
                on_change=ResumeState.set_import_mode,
                aria_labelledby="resume-import-mode",
            ),
            spacing="1",
        ),
        rx.cond(
            (ResumeState.import_mode == "replace") & (ResumeState.projects.length() > 0),
            rx.text(
                "Your ",
                ResumeState.projects.length(),
                " current project(s) and their bullets will be replaced.",
                size="2",
                color_scheme="amber",
            ),
        ),
        error=ResumeState.import_error,
        save_label="Import",
        on_save=ResumeState.run_import,
        is_open=ResumeState.import_open,
        on_open_change=ResumeState.set_import_open,
        max_width="760px",
    )


def export_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Export YAML"),
            rx.dialog.description(
                "Your resume in the import format: keep it as a backup, edit it, and import it again.", size="2"
            ),
            rx.vstack(
                labelled(
                    "Your resume as YAML",
                    rx.text_area(
                        value=ResumeState.export_text,
                        read_only=True,
                        rows="16",
                        width="100%",
                        style={"font_family": "var(--code-font-family)", "font_size": "0.85rem"},
                    ),
                ),
                rx.hstack(
                    rx.button(
                        rx.icon("download", size=14, aria_hidden="true"),
                        "Download resume.yaml",
                        variant="soft",
                        on_click=rx.download(data=ResumeState.export_text, filename="resume.yaml"),
                    ),
                    rx.spacer(),
                    rx.dialog.close(rx.button("Close", variant="soft", color_scheme="gray")),
                    width="100%",
                ),
                spacing="3",
            ),
            max_width="760px",
        ),
        open=ResumeState.export_open,
        on_open_change=ResumeState.set_export_open,
    )
