"""`ResumeState`: the Resume page's state — the projects as shown, and the fields of its dialogs.

Every change goes through `services.resume` for the candidate `AppState` resolves, then the page
shows the resume as stored. The page itself is in `view.py`, its dialogs in `dialogs.py`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import reflex as rx
from sqlmodel import Session

from peregrine import db
from peregrine.pages.state import AppState
from peregrine.services import resume
from peregrine.services.errors import ServiceError
from peregrine.services.resume import ProjectFields, ProjectWithBullets

#: The project dialog's fields: one state var each, named as `ProjectFields` names them.
PROJECT_FIELDS: tuple[str, ...] = tuple(field.name for field in dataclasses.fields(ProjectFields))
UPLOAD_ID = "resume_yaml_upload"  # the import dialog's dropzone
EXAMPLE_FILE = "config/resume.yaml.example"


@dataclass(frozen=True)
class BulletView:
    """A bullet of a project, as the page lists it."""

    id: int
    position: int
    text: str


@dataclass(frozen=True)
class ProjectView:
    """A project card: the STAR story, the stack and the bullets it backs."""

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


def _project_view(item: ProjectWithBullets) -> ProjectView:
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
    #: The dialog's fields by `PROJECT_FIELDS` name, the stack as one comma-separated line.
    project: dict[str, str] = dict.fromkeys(PROJECT_FIELDS, "")
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
            self.projects = [_project_view(item) for item in resume.resume_of(session, self.candidate_id(session))]
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
    def open_edit_project(self, project_id: int) -> None:
        # A project gone meanwhile is a NotFound: the app's error handler says so (pages/errors.py).
        with db.session_scope() as session:
            project = resume.get_project(session, project_id, candidate_id=self.candidate_id(session))
            values = {key: getattr(project, key) for key in PROJECT_FIELDS}
        values["stack"] = ", ".join(values["stack"])
        self._fill_project(project_id, values)

    def _fill_project(self, project_id: int, values: dict[str, str]) -> None:
        self.project_id = project_id
        self.project = {key: values.get(key) or "" for key in PROJECT_FIELDS}
        self.project_error = ""
        self.project_open = True

    @rx.event
    def set_project_open(self, is_open: bool) -> None:
        self.project_open = is_open

    @rx.event
    def set_field(self, name: str, value: str) -> None:
        if name in PROJECT_FIELDS:
            self.project = {**self.project, name: value}

    @rx.event
    def save_project(self) -> Any:
        fields = ProjectFields(**{key: self.project.get(key, "") for key in PROJECT_FIELDS})
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
        return rx.toast.success(f"Saved {fields.name.strip()}.")

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
    def open_edit_bullet(self, bullet_id: int, project_name: str) -> None:
        with db.session_scope() as session:  # a bullet gone meanwhile: as in open_edit_project
            bullet = resume.get_bullet(session, bullet_id, candidate_id=self.candidate_id(session))
        self.bullet_id, self.bullet_project_id, self.bullet_project_name = bullet_id, bullet.project_id, project_name
        self.bullet_text, self.bullet_error = bullet.text, ""
        self.bullet_open = True

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
