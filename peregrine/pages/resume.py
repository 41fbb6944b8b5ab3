"""The Resume page, `/resume`: experience projects with the bullets each one backs.

Interview preparation reads these projects for STAR answers, resume defense and deep
dives. The page edits them one by one, or all at once through a YAML import/export.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import reflex as rx
from sqlmodel import Session

from peregrine import db
from peregrine.components.forms import labelled, length_notice
from peregrine.components.layout import page_layout
from peregrine.domain import limits
from peregrine.pages.state import AppState
from peregrine.services import resume
from peregrine.services.errors import ServiceError
from peregrine.services.resume import ProjectFields, ProjectWithBullets

PROJECT_FIELDS = (
    "name",
    "company",
    "role",
    "period",
    "situation",
    "actions",
    "results",
    "metrics",
    "stack",
    "decisions",
)
UPLOAD_ID = "resume_yaml_upload"
EXAMPLE_FILE = "config/resume.yaml.example"


@dataclass(frozen=True)
class BulletView:
    id: int
    position: int
    text: str


@dataclass(frozen=True)
class ProjectView:
    id: int
    position: int
    name: str
    byline: str
    situation: str
    actions: str
    results: str
    metrics: str
    stack: list[str]
    decisions: str
    bullets: list[BulletView]


def _view(item: ProjectWithBullets) -> ProjectView:
    project = item.project
    assert project.id is not None
    return ProjectView(
        id=project.id,
        position=project.position,
        name=project.name,
        byline=" · ".join(part for part in (project.company, project.role, project.period) if part),
        situation=project.situation,
        actions=project.actions,
        results=project.results,
        metrics=project.metrics,
        stack=list(project.stack),
        decisions=project.decisions,
        bullets=[BulletView(b.id, b.position, b.text) for b in item.bullets if b.id is not None],
    )


class ResumeState(AppState):
    projects: list[ProjectView] = []
    loaded: bool = False
    notice: str = ""
    # The project dialog (project_id 0: a new project).
    project_open: bool = False
    project_id: int = 0
    name: str = ""
    company: str = ""
    role: str = ""
    period: str = ""
    situation: str = ""
    actions: str = ""
    results: str = ""
    metrics: str = ""
    stack: str = ""
    decisions: str = ""
    project_error: str = ""
    # Deleting a project asks first.
    deleting_id: int = 0
    deleting_name: str = ""
    # The bullet dialog (bullet_id 0: a new bullet under bullet_project_id).
    bullet_open: bool = False
    bullet_id: int = 0
    bullet_project_id: int = 0
    bullet_project_name: str = ""
    bullet_text: str = ""
    bullet_error: str = ""
    # Import and export.
    import_open: bool = False
    import_text: str = ""
    import_mode: str = "add"
    import_error: str = ""
    uploaded_name: str = ""
    export_open: bool = False
    export_text: str = ""

    @rx.event
    def load(self) -> None:
        self.notice = ""
        self._load()

    def _load(self) -> None:
        with db.session_scope() as session:
            self.projects = [_view(item) for item in resume.resume_of(session, self.candidate_id(session))]
        self.loaded = True

    def _change(self, action: Callable[[Session, int], object], done: str = "") -> Any:
        """Run one service call for this candidate, then show the resume as stored."""
        try:
            with db.session_scope() as session:
                action(session, self.candidate_id(session))
        except ServiceError as exc:
            return rx.toast.error(str(exc))
        self._load()
        return rx.toast.success(done) if done else None

    # Projects ----------------------------------------------------------------------------------

    @rx.event
    def open_new_project(self) -> None:
        self._fill_project(0, dict.fromkeys(PROJECT_FIELDS, ""))

    @rx.event
    def open_edit_project(self, project_id: int) -> Any:
        try:
            with db.session_scope() as session:
                project = resume.get_project(session, project_id, candidate_id=self.candidate_id(session))
                values = {key: getattr(project, key) for key in PROJECT_FIELDS}
        except ServiceError as exc:
            return rx.toast.error(str(exc))
        values["stack"] = ", ".join(values["stack"])
        self._fill_project(project_id, values)
        return None

    def _fill_project(self, project_id: int, values: dict[str, str]) -> None:
        self.project_id = project_id
        for key in PROJECT_FIELDS:
            setattr(self, key, values.get(key) or "")
        self.project_error = ""
        self.project_open = True

    @rx.event
    def set_project_open(self, is_open: bool) -> None:
        self.project_open = is_open

    @rx.event
    def set_field(self, name: str, value: str) -> None:
        if name in PROJECT_FIELDS:
            setattr(self, name, value)

    @rx.event
    def save_project(self) -> Any:
        fields = ProjectFields(**{key: getattr(self, key) for key in PROJECT_FIELDS})
        try:
            with db.session_scope() as session:
                candidate_id = self.candidate_id(session)
                if self.project_id:
                    resume.update_project(session, self.project_id, fields, candidate_id=candidate_id)
                else:
                    resume.create_project(session, candidate_id, fields)
        except ServiceError as exc:
            self.project_error = str(exc)
            return None
        self.project_open = False
        self._load()
        return rx.toast.success(f"Saved {self.name.strip()}.")

    @rx.event
    def ask_delete_project(self, project_id: int, name: str) -> None:
        self.deleting_id, self.deleting_name = project_id, name

    @rx.event
    def set_delete_open(self, is_open: bool) -> None:
        if not is_open:
            self.deleting_id = 0

    @rx.event
    def delete_project(self) -> Any:
        project_id, name = self.deleting_id, self.deleting_name
        self.deleting_id = 0
        return self._change(
            lambda session, candidate_id: resume.delete_project(session, project_id, candidate_id=candidate_id),
            f"Deleted {name} and its bullets.",
        )

    @rx.event
    def move_project(self, project_id: int, position: int) -> Any:
        return self._change(
            lambda session, candidate_id: resume.move_project(session, project_id, position, candidate_id=candidate_id)
        )

    # Bullets -----------------------------------------------------------------------------------

    @rx.event
    def open_new_bullet(self, project_id: int, project_name: str) -> None:
        self.bullet_id, self.bullet_project_id, self.bullet_project_name = 0, project_id, project_name
        self.bullet_text, self.bullet_error = "", ""
        self.bullet_open = True

    @rx.event
    def open_edit_bullet(self, bullet_id: int, project_name: str) -> Any:
        try:
            with db.session_scope() as session:
                bullet = resume.get_bullet(session, bullet_id, candidate_id=self.candidate_id(session))
        except ServiceError as exc:
            return rx.toast.error(str(exc))
        self.bullet_id, self.bullet_project_id, self.bullet_project_name = bullet_id, bullet.project_id, project_name
        self.bullet_text, self.bullet_error = bullet.text, ""
        self.bullet_open = True
        return None

    @rx.event
    def set_bullet_open(self, is_open: bool) -> None:
        self.bullet_open = is_open

    @rx.event
    def set_bullet_text(self, text: str) -> None:
        self.bullet_text = text

    @rx.event
    def save_bullet(self) -> Any:
        try:
            with db.session_scope() as session:
                candidate_id = self.candidate_id(session)
                if self.bullet_id:
                    resume.update_bullet(session, self.bullet_id, self.bullet_text, candidate_id=candidate_id)
                else:
                    resume.add_bullet(session, self.bullet_project_id, self.bullet_text, candidate_id=candidate_id)
        except ServiceError as exc:
            self.bullet_error = str(exc)
            return None
        self.bullet_open = False
        self._load()
        return rx.toast.success("Bullet saved.")

    @rx.event
    def delete_bullet(self, bullet_id: int) -> Any:
        return self._change(
            lambda session, candidate_id: resume.delete_bullet(session, bullet_id, candidate_id=candidate_id),
            "Bullet deleted.",
        )

    @rx.event
    def move_bullet(self, bullet_id: int, position: int) -> Any:
        return self._change(
            lambda session, candidate_id: resume.move_bullet(session, bullet_id, position, candidate_id=candidate_id)
        )

    # Import and export -------------------------------------------------------------------------

    @rx.event
    def open_import(self) -> None:
        """Open the import dialog; whatever was typed before (and any error) is still there."""
        self.import_open = True

    @rx.event
    def set_import_open(self, is_open: bool) -> None:
        self.import_open = is_open

    @rx.event
    def set_import_text(self, text: str) -> None:
        self.import_text = text

    @rx.event
    def set_import_mode(self, mode: str) -> None:
        if mode in ("add", "replace"):
            self.import_mode = mode

    @rx.event
    async def handle_upload(self, files: list[rx.UploadFile]) -> None:
        """A chosen file fills the text box, so it can be read (and fixed) before importing."""
        if not files:
            return
        upload = files[0]
        most_bytes = 4 * resume.MAX_IMPORT_CHARS  # UTF-8 spends at most four bytes on a character
        data = await upload.read(most_bytes + 1)
        name = upload.name or "The file"
        if len(data) > most_bytes:
            self.import_error = f"{name} is too large for a resume file."
            return
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            self.import_error = f"{name} is not a text file in UTF-8; save it as plain text and try again."
            return
        if len(text) > resume.MAX_IMPORT_CHARS:  # the box below holds no more, and is never cut
            self.import_error = (
                f"{name} is {len(text):,} characters; a resume file is far smaller "
                f"(the limit is {resume.MAX_IMPORT_CHARS:,})."
            )
            return
        self.import_text = text
        self.uploaded_name, self.import_error = name, ""

    @rx.event
    def run_import(self) -> Any:
        """Import all or nothing; on a problem the text stays as typed, with the message beside it."""
        try:
            with db.session_scope() as session:
                result = resume.import_resume_yaml(
                    session, self.candidate_id(session), self.import_text, replace=self.import_mode == "replace"
                )
        except ServiceError as exc:
            self.import_error = str(exc)
            return None
        self.import_error, self.import_text, self.uploaded_name = "", "", ""
        self.import_open = False
        self.notice = result.summary
        self._load()
        return rx.toast.success(result.summary)

    @rx.event
    def open_export(self) -> None:
        with db.session_scope() as session:
            self.export_text = resume.export_resume_yaml(session, self.candidate_id(session))
        self.export_open = True

    @rx.event
    def set_export_open(self, is_open: bool) -> None:
        self.export_open = is_open


# Page ------------------------------------------------------------------------------------------

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
            rx.hstack(
                rx.icon_button(
                    rx.icon("arrow-up", size=14, aria_hidden="true"),
                    variant="ghost",
                    size="1",
                    aria_label="Move " + which + " up",
                    on_click=ResumeState.move_bullet(bullet.id, bullet.position - 1),
                    disabled=bullet.position == 1,
                ),
                rx.icon_button(
                    rx.icon("arrow-down", size=14, aria_hidden="true"),
                    variant="ghost",
                    size="1",
                    aria_label="Move " + which + " down",
                    on_click=ResumeState.move_bullet(bullet.id, bullet.position + 1),
                    disabled=bullet.position == project.bullets.length(),
                ),
                rx.button(
                    "Edit",
                    size="1",
                    variant="soft",
                    aria_label="Edit " + which,
                    on_click=ResumeState.open_edit_bullet(bullet.id, project.name),
                ),
                rx.button(
                    "Delete",
                    size="1",
                    variant="ghost",
                    color_scheme="red",
                    aria_label="Delete " + which,
                    on_click=ResumeState.delete_bullet(bullet.id),
                ),
                spacing="2",
                align="center",
                class_name="no-print",
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
                rx.hstack(
                    rx.icon_button(
                        rx.icon("arrow-up", size=14, aria_hidden="true"),
                        variant="ghost",
                        aria_label="Move " + project.name + " up",
                        on_click=ResumeState.move_project(project.id, project.position - 1),
                        disabled=project.position == 1,
                    ),
                    rx.icon_button(
                        rx.icon("arrow-down", size=14, aria_hidden="true"),
                        variant="ghost",
                        aria_label="Move " + project.name + " down",
                        on_click=ResumeState.move_project(project.id, project.position + 1),
                        disabled=project.position == ResumeState.projects.length(),
                    ),
                    rx.button(
                        "Edit",
                        size="1",
                        variant="soft",
                        aria_label="Edit project " + project.name,
                        on_click=ResumeState.open_edit_project(project.id),
                    ),
                    rx.button(
                        "Delete",
                        size="1",
                        variant="ghost",
                        color_scheme="red",
                        aria_label="Delete project " + project.name,
                        on_click=ResumeState.ask_delete_project(project.id, project.name),
                    ),
                    spacing="2",
                    align="center",
                    class_name="no-print",
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


def _field(label: str, name: str, value: rx.Var[str], **props: Any) -> rx.Component:
    return labelled(
        label, rx.input(value=value, on_change=lambda v: ResumeState.set_field(name, v), width="100%", **props)
    )


def _long(label: str, name: str, value: rx.Var[str], **props: Any) -> rx.Component:
    control = rx.text_area(
        value=value,
        on_change=lambda v: ResumeState.set_field(name, v),
        max_length=limits.PROJECT_STORY,
        rows="3",
        width="100%",
        **props,
    )
    return length_notice(labelled(label, control), name)


def _error(message: rx.Var[str]) -> rx.Component:
    return rx.cond(
        message != "",
        rx.callout.root(
            rx.callout.icon(rx.icon("triangle-alert")),
            rx.callout.text(message, white_space="pre-wrap"),
            color_scheme="red",
            role="alert",
            width="100%",
        ),
    )


def _project_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(ResumeState.project_id > 0, "Edit project", "Add a project")),
            rx.dialog.description(
                "Only the name is required. The detail you add here is what interview preparation builds on.",
                size="2",
                color_scheme="gray",
            ),
            rx.vstack(
                _field(
                    "Name",
                    "name",
                    ResumeState.name,
                    max_length=limits.PROJECT_NAME,
                    placeholder="Payments ledger rewrite",
                    required=True,
                ),
                rx.hstack(
                    _field("Company", "company", ResumeState.company, max_length=limits.PROJECT_COMPANY),
                    _field("Role", "role", ResumeState.role, max_length=limits.PROJECT_ROLE, placeholder="Tech lead"),
                    _field(
                        "Period",
                        "period",
                        ResumeState.period,
                        max_length=limits.PROJECT_PERIOD,
                        placeholder="Jan 2022 - Mar 2023",
                    ),
                    width="100%",
                ),
                _long("Situation: the context and the problem", "situation", ResumeState.situation),
                _long("Actions: what you did", "actions", ResumeState.actions),
                _long("Results: what changed", "results", ResumeState.results),
                _long("Metrics: the numbers you can defend", "metrics", ResumeState.metrics),
                _field(
                    "Stack (comma-separated)",
                    "stack",
                    ResumeState.stack,
                    max_length=limits.PROJECT_STACK,
                    placeholder="Python, PostgreSQL, Kafka",
                ),
                _long("Decisions and trade-offs", "decisions", ResumeState.decisions),
                _error(ResumeState.project_error),
                rx.hstack(
                    rx.dialog.close(rx.button("Cancel", variant="soft", color_scheme="gray")),
                    rx.button("Save project", on_click=ResumeState.save_project),
                    justify="end",
                    width="100%",
                ),
                spacing="3",
            ),
            max_width="720px",
        ),
        open=ResumeState.project_open,
        on_open_change=ResumeState.set_project_open,
    )


def _delete_dialog() -> rx.Component:
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


def _bullet_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(ResumeState.bullet_id > 0, "Edit bullet", "Add a bullet")),
            rx.dialog.description("Under ", ResumeState.bullet_project_name, size="2", color_scheme="gray"),
            rx.vstack(
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
                _error(ResumeState.bullet_error),
                rx.hstack(
                    rx.dialog.close(rx.button("Cancel", variant="soft", color_scheme="gray")),
                    rx.button("Save bullet", on_click=ResumeState.save_bullet),
                    justify="end",
                    width="100%",
                ),
                spacing="3",
            ),
            max_width="600px",
        ),
        open=ResumeState.bullet_open,
        on_open_change=ResumeState.set_bullet_open,
    )


def _mode(value: str, label: str) -> rx.Component:
    return rx.text(rx.flex(rx.radio_group.item(value=value), label, spacing="2", align="center"), as_="label", size="2")


def _import_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title("Import YAML"),
            rx.dialog.description(
                "Paste your resume in YAML, or choose a .yaml file. ",
                rx.code(EXAMPLE_FILE),
                " shows the format, with every key explained.",
                size="2",
            ),
            rx.vstack(
                # The dropzone itself is not focusable (no_keyboard): a real button inside it opens the
                # file chooser (its click reaches the dropzone), so keyboard and screen reader users get
                # a named button rather than a focusable div that react-dropzone marks presentational.
                rx.upload(
                    rx.hstack(
                        rx.button(
                            rx.icon("file-up", size=14, aria_hidden="true"),
                            "Choose a .yaml file",
                            type="button",
                            variant="outline",
                            size="1",
                        ),
                        rx.text(
                            rx.cond(
                                ResumeState.uploaded_name != "",
                                "Loaded " + ResumeState.uploaded_name + " into the box below.",
                                "or drop it here; it fills the box below.",
                            ),
                            size="2",
                            color_scheme="gray",
                        ),
                        align="center",
                        spacing="2",
                    ),
                    id=UPLOAD_ID,
                    accept={"application/x-yaml": [".yaml", ".yml"], "text/yaml": [".yaml", ".yml"]},
                    max_files=1,
                    multiple=False,
                    no_keyboard=True,
                    on_drop=ResumeState.handle_upload(rx.upload_files(upload_id=UPLOAD_ID)),
                    border="1px dashed var(--gray-a8)",
                    border_radius="8px",
                    padding="0.6rem 0.75rem",
                    width="100%",
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
                _error(ResumeState.import_error),
                rx.hstack(
                    rx.dialog.close(rx.button("Cancel", variant="soft", color_scheme="gray")),
                    rx.button("Import", on_click=ResumeState.run_import),
                    justify="end",
                    width="100%",
                ),
                spacing="3",
            ),
            max_width="760px",
        ),
        open=ResumeState.import_open,
        on_open_change=ResumeState.set_import_open,
    )


def _export_dialog() -> rx.Component:
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


def _empty_state() -> rx.Component:
    return rx.callout.root(
        rx.callout.icon(rx.icon("info")),
        rx.callout.text(
            "Your resume is empty. Add the projects behind your resume, each with the bullets it backs: "
            "interview preparation draws STAR answers, resume defense and technical deep dives from them, "
            "so every claim on your resume can be defended with real detail."
        ),
        rx.callout.text(
            "Add a project, or import a YAML file: ",
            rx.code(EXAMPLE_FILE),
            " in the Peregrine folder shows the format with two sample projects.",
        ),
        role="status",
        width="100%",
    )


def resume_page() -> rx.Component:
    return page_layout(
        rx.hstack(
            rx.heading("Resume", size="6", as_="h1"),
            rx.spacer(),
            rx.hstack(
                rx.button(
                    rx.icon("plus", size=14, aria_hidden="true"),
                    "Add a project",
                    on_click=ResumeState.open_new_project,
                ),
                rx.button(
                    rx.icon("file-up", size=14, aria_hidden="true"),
                    "Import YAML",
                    variant="soft",
                    on_click=ResumeState.open_import,
                ),
                rx.button(
                    rx.icon("file-down", size=14, aria_hidden="true"),
                    "Export YAML",
                    variant="soft",
                    on_click=ResumeState.open_export,
                ),
                spacing="2",
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
        rx.cond(
            ResumeState.projects.length() > 0,
            rx.vstack(rx.foreach(ResumeState.projects, _project_card), spacing="4", width="100%", max_width="960px"),
            rx.cond(ResumeState.loaded, _empty_state(), rx.text("Loading…", size="2", role="status")),
        ),
        _project_dialog(),
        _delete_dialog(),
        _bullet_dialog(),
        _import_dialog(),
        _export_dialog(),
    )
