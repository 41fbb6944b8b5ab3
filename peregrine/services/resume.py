"""The candidate's resume: experience projects and the bullets each one defends.

Interview preparation draws STAR answers, resume defense and technical deep dives from
these projects, so a bullet never floats free: it always belongs to the
project behind it. Projects and bullets keep a gapless 1, 2, 3… order (positions carry
no unique constraint, so renumbering is a plain update).

The resume can also come from a YAML file (`config/resume.yaml.example` documents the
format). An import is all or nothing: the whole file is parsed and validated before a
row is written, and each problem is reported with its line, project and key.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Annotated, Any, TypeVar

import yaml
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from pydantic_core import ErrorDetails
from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from peregrine.domain import limits
from peregrine.models import ExperienceProject, ResumeBullet, utcnow
from peregrine.services.errors import InvalidInput, NotFound, check_length, check_lengths

# The free-text fields of a project, in the order the page and the YAML file show them.
TEXT_FIELDS = ("company", "role", "period", "situation", "actions", "results", "metrics", "decisions")
# Every key a project may have in the YAML file, in the order an export writes them.
PROJECT_KEYS = ("name", *TEXT_FIELDS[:-1], "stack", "decisions", "bullets")
# A resume is a few kilobytes; a far larger paste is the wrong file, refused before parsing.
MAX_IMPORT_CHARS = limits.RESUME_IMPORT
# Past this many problems the list stops helping; the rest are counted.
MAX_REPORTED_PROBLEMS = 8


def split_stack(value: Sequence[object] | str | None) -> list[str]:
    """The stack as a clean list, given as a list or as one line: "Python, PostgreSQL, Kafka".

    Empty entries and repeats (any case; the first spelling wins) are dropped, so a badge
    never shows twice.
    """
    if value is None:
        return []
    items = value.split(",") if isinstance(value, str) else [str(item) for item in value]
    seen: set[str] = set()
    stack = []
    for item in items:
        entry = item.strip()
        if entry and entry.casefold() not in seen:
            seen.add(entry.casefold())
            stack.append(entry)
    return stack


def clean_bullet(text: str) -> str:
    """A bullet is one line of the resume: surrounding and repeated whitespace (newlines too) goes."""
    cleaned = " ".join(text.split())
    if not cleaned:
        raise InvalidInput("A bullet needs some text: one line of your resume, such as “Cut p95 latency by 40%”.")
    check_length("The bullet is", cleaned, limits.BULLET)
    return cleaned


@dataclass
class ProjectFields:
    """What the candidate fills in for a project; only the name is required. The service's member of
    the `models.ExperienceProjectBase` family (plus the stack), a plain dataclass for the reason
    `services.jobs.JobFields` gives."""

    name: str
    company: str = ""
    role: str = ""
    period: str = ""
    situation: str = ""
    actions: str = ""
    results: str = ""
    metrics: str = ""
    stack: list[str] | str = field(default_factory=list)
    decisions: str = ""

    def cleaned(self) -> dict[str, Any]:
        name = self.name.strip()
        if not name:
            raise InvalidInput("Give the project a name, such as “Payments ledger rewrite”.")
        values: dict[str, Any] = {"name": name, "stack": split_stack(self.stack)}
        for key in TEXT_FIELDS:
            values[key] = str(getattr(self, key) or "").strip()
        check_lengths(values, limits.PROJECT_FIELDS)
        check_length("The stack is", ", ".join(values["stack"]), limits.PROJECT_STACK)
        return values


@dataclass(frozen=True)
class ProjectWithBullets:
    """One project and its bullets in order: what the page, the export and prep read."""

    project: ExperienceProject
    bullets: list[ResumeBullet]


@dataclass(frozen=True)
class ImportResult:
    """What an import wrote, for the message the user sees."""

    projects: int
    bullets: int
    replaced: bool

    @property
    def summary(self) -> str:
        written = f"Imported {_count(self.projects, 'project')} and {_count(self.bullets, 'bullet')}"
        return written + (", replacing your previous resume." if self.replaced else ".")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


# Reading ---------------------------------------------------------------------------------------


_Ordered = TypeVar("_Ordered", ExperienceProject, ResumeBullet)


def _in_order(session: Session, model: type[_Ordered], condition: Any) -> list[_Ordered]:
    """The rows of `model` that meet `condition`, in their 1, 2, 3… order."""
    return list(session.exec(select(model).where(condition).order_by(col(model.position), col(model.id))))


def projects_of(session: Session, candidate_id: int) -> list[ExperienceProject]:
    return _in_order(session, ExperienceProject, col(ExperienceProject.candidate_id) == candidate_id)


def bullets_of(session: Session, project_id: int) -> list[ResumeBullet]:
    return _in_order(session, ResumeBullet, col(ResumeBullet.project_id) == project_id)


def resume_of(session: Session, candidate_id: int) -> list[ProjectWithBullets]:
    """Every project of the candidate with its bullets, both in order — two queries, whatever the size."""
    projects = projects_of(session, candidate_id)
    bullets: dict[int, list[ResumeBullet]] = {project.id: [] for project in projects if project.id is not None}
    if bullets:
        for bullet in _in_order(session, ResumeBullet, col(ResumeBullet.project_id).in_(list(bullets))):
            bullets[bullet.project_id].append(bullet)
    return [ProjectWithBullets(project, bullets[project.id]) for project in projects if project.id is not None]


def get_project(session: Session, project_id: int, *, candidate_id: int | None = None) -> ExperienceProject:
    """The project; another candidate's project looks exactly like a missing one."""
    project = session.get(ExperienceProject, project_id)
    if project is None or (candidate_id is not None and project.candidate_id != candidate_id):
        raise NotFound(f"Project {project_id} was not found.")
    return project


def get_bullet(session: Session, bullet_id: int, *, candidate_id: int | None = None) -> ResumeBullet:
    """The bullet; one under another candidate's project looks exactly like a missing one."""
    bullet = session.get(ResumeBullet, bullet_id)
    if bullet is not None and candidate_id is not None:
        project = session.get(ExperienceProject, bullet.project_id)
        if project is None or project.candidate_id != candidate_id:
            bullet = None
    if bullet is None:
        raise NotFound(f"Bullet {bullet_id} was not found.")
    return bullet


# Projects --------------------------------------------------------------------------------------


def create_project(
    session: Session, candidate_id: int, fields: ProjectFields, *, position: int | None = None
) -> ExperienceProject:
    """Add a project at `position` (1-based; default: last) and renumber the others."""
    project = ExperienceProject(candidate_id=candidate_id, **fields.cleaned())
    _place(session, projects_of(session, candidate_id), project, position)
    return project


def update_project(
    session: Session, project_id: int, fields: ProjectFields, *, candidate_id: int | None = None
) -> ExperienceProject:
    project = get_project(session, project_id, candidate_id=candidate_id)
    for name, value in fields.cleaned().items():
        setattr(project, name, value)
    project.updated_at = utcnow()
    session.add(project)
    session.flush()
    return project


def delete_project(session: Session, project_id: int, *, candidate_id: int | None = None) -> None:
    """Delete a project with its bullets (explicitly: the cascade must not depend on a pragma)."""
    project = get_project(session, project_id, candidate_id=candidate_id)
    session.execute(delete(ResumeBullet).where(col(ResumeBullet.project_id) == project_id))
    session.delete(project)
    session.flush()
    _renumber(session, projects_of(session, project.candidate_id))


def move_project(
    session: Session, project_id: int, position: int, *, candidate_id: int | None = None
) -> list[ExperienceProject]:
    """Put a project at `position` (1-based) among the candidate's; return them in order."""
    project = get_project(session, project_id, candidate_id=candidate_id)
    return _place(session, projects_of(session, project.candidate_id), project, position)


# Bullets ---------------------------------------------------------------------------------------


def add_bullet(
    session: Session, project_id: int, text: str, *, position: int | None = None, candidate_id: int | None = None
) -> ResumeBullet:
    """Add a bullet under its project at `position` (1-based; default: last)."""
    get_project(session, project_id, candidate_id=candidate_id)
    bullet = ResumeBullet(project_id=project_id, text=clean_bullet(text))
    _place(session, bullets_of(session, project_id), bullet, position)
    return bullet


def update_bullet(session: Session, bullet_id: int, text: str, *, candidate_id: int | None = None) -> ResumeBullet:
    bullet = get_bullet(session, bullet_id, candidate_id=candidate_id)
    bullet.text = clean_bullet(text)
    session.add(bullet)
    session.flush()
    return bullet


def delete_bullet(session: Session, bullet_id: int, *, candidate_id: int | None = None) -> None:
    bullet = get_bullet(session, bullet_id, candidate_id=candidate_id)
    session.delete(bullet)
    session.flush()
    _renumber(session, bullets_of(session, bullet.project_id))


def move_bullet(
    session: Session, bullet_id: int, position: int, *, candidate_id: int | None = None
) -> list[ResumeBullet]:
    """Put a bullet at `position` (1-based) within its project; return the project's bullets in order.

    Moving up is `position - 1`, down `position + 1`; past either end it stays where it is.
    """
    bullet = get_bullet(session, bullet_id, candidate_id=candidate_id)
    return _place(session, bullets_of(session, bullet.project_id), bullet, position)


def _place(session: Session, rows: list[_Ordered], row: _Ordered, position: int | None) -> list[_Ordered]:
    """`row` put at `position` (1-based; None: last; past either end: that end) among `rows`, which
    may hold it already; all renumbered 1, 2, 3…, and returned in that order."""
    others = [other for other in rows if row.id is None or other.id != row.id]
    others.insert(len(others) if position is None else max(0, min(position - 1, len(others))), row)
    _renumber(session, others)
    return others


def _renumber(session: Session, rows: Sequence[ExperienceProject | ResumeBullet]) -> None:
    for number, row in enumerate(rows, start=1):
        if row.position != number or row.id is None:
            row.position = number
            session.add(row)
    session.flush()


# YAML import and export --------------------------------------------------------------------------


def _scalar_text(value: object) -> object:
    """YAML reads `period: 2021` as a number and `2021-03-01` as a date: the user meant text.

    An empty key (`situation:`) is no text. Booleans, lists and mappings are left for the
    schema to refuse, since turning them into text would hide a mistake.
    """
    if value is None:
        return ""
    if isinstance(value, int | float | date | datetime) and not isinstance(value, bool):
        return value.isoformat() if isinstance(value, date | datetime) else str(value)
    return value


def _lines_text(value: object) -> object:
    """Metrics read naturally as a list; they are kept as one line per metric."""
    if isinstance(value, list):
        return "\n".join(str(_scalar_text(item)) for item in value if item is not None)
    return _scalar_text(value)


def _stack_value(value: object) -> object:
    if value is None:
        return []
    if isinstance(value, str):
        return split_stack(value)
    if isinstance(value, list):
        return [_scalar_text(item) for item in value]
    return value


def _no_items(value: object) -> object:
    return [] if value is None else value


def _required_name(value: str) -> str:
    if not value:
        raise ValueError("must not be empty: every project needs a name")
    return value


def _bullet_text(value: str) -> str:
    if not value:
        raise ValueError("is empty: write the bullet or delete its line")
    return " ".join(value.split())


def _stack_fits(stack: list[str]) -> list[str]:
    """The stack is kept and edited as one comma-separated line, so its limit is on that line."""
    line = ", ".join(stack)
    if len(line) > limits.PROJECT_STACK:
        raise ValueError(f"is {len(line):,} characters as one line; the limit is {limits.PROJECT_STACK:,}")
    return stack


_Text = Annotated[str, BeforeValidator(_scalar_text)]


class ProjectIn(BaseModel):
    """One project of the YAML file; unknown keys are refused so a typo never loses a field silently."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    # The same limits as the page's fields (domain.limits), so an import holds what an edit could save.
    name: Annotated[_Text, Field(max_length=limits.PROJECT_NAME), AfterValidator(_required_name)]
    company: Annotated[_Text, Field(max_length=limits.PROJECT_COMPANY)] = ""
    role: Annotated[_Text, Field(max_length=limits.PROJECT_ROLE)] = ""
    period: Annotated[_Text, Field(max_length=limits.PROJECT_PERIOD)] = ""
    situation: Annotated[_Text, Field(max_length=limits.PROJECT_STORY)] = ""
    actions: Annotated[_Text, Field(max_length=limits.PROJECT_STORY)] = ""
    results: Annotated[_Text, Field(max_length=limits.PROJECT_STORY)] = ""
    metrics: Annotated[str, BeforeValidator(_lines_text), Field(max_length=limits.PROJECT_STORY)] = ""
    stack: Annotated[
        list[_Text], BeforeValidator(_stack_value), AfterValidator(split_stack), AfterValidator(_stack_fits)
    ] = []
    decisions: Annotated[_Text, Field(max_length=limits.PROJECT_STORY)] = ""
    bullets: Annotated[
        list[Annotated[_Text, Field(max_length=limits.BULLET), AfterValidator(_bullet_text)]],
        BeforeValidator(_no_items),
    ] = []


class ResumeFile(BaseModel):
    """The whole file: `projects:` and its list (a bare list of projects is accepted too)."""

    model_config = ConfigDict(extra="forbid")

    projects: list[ProjectIn]


def parse_resume_yaml(text: str) -> list[ProjectIn]:
    """Read and validate a resume file without touching the database.

    Raises InvalidInput naming every problem with its line, project and key, so the user
    can fix the whole file in one go.
    """
    check_length("The resume file is", text, MAX_IMPORT_CHARS, outcome="A resume is far smaller; nothing was imported.")
    if not text.strip():
        raise InvalidInput("Paste your resume in YAML first (see config/resume.yaml.example for the format).")
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InvalidInput(_yaml_problem(exc)) from None
    bare_list = isinstance(data, list)
    if bare_list:
        data = {"projects": data}
    if not isinstance(data, dict):
        raise InvalidInput(
            "The file should start with “projects:” followed by a list of projects "
            "(see config/resume.yaml.example). Nothing was imported."
        )
    try:
        parsed = ResumeFile.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput(_validation_problems(exc, text, data, bare_list=bare_list)) from None
    if not parsed.projects:
        raise InvalidInput("The file lists no projects. Nothing was imported.")
    return parsed.projects


def import_resume_yaml(session: Session, candidate_id: int, text: str, *, replace: bool) -> ImportResult:
    """Import a resume file: replace the candidate's whole resume, or add its projects after theirs.

    All or nothing: the file is validated completely before any write, and the writes share
    the caller's transaction, so a failure part-way leaves the resume as it was.
    """
    projects = parse_resume_yaml(text)
    if replace:
        existing = [project.id for project in projects_of(session, candidate_id)]
        session.execute(delete(ResumeBullet).where(col(ResumeBullet.project_id).in_(existing)))
        session.execute(delete(ExperienceProject).where(col(ExperienceProject.candidate_id) == candidate_id))
        session.flush()
        start = 0
    else:
        start = (
            session.exec(
                select(func.max(ExperienceProject.position)).where(ExperienceProject.candidate_id == candidate_id)
            ).one()
            or 0
        )
    bullets = 0
    for offset, item in enumerate(projects, start=1):
        project = ExperienceProject(
            candidate_id=candidate_id,
            position=start + offset,
            **item.model_dump(exclude={"bullets"}),
        )
        session.add(project)
        session.flush()
        assert project.id is not None
        for number, text_line in enumerate(item.bullets, start=1):
            session.add(ResumeBullet(project_id=project.id, position=number, text=text_line))
        bullets += len(item.bullets)
    session.flush()
    return ImportResult(projects=len(projects), bullets=bullets, replaced=replace)


def export_resume_yaml(session: Session, candidate_id: int) -> str:
    """The candidate's resume in the import format; importing it with replace gives the same resume.

    Empty keys are left out to keep the file short; multi-line text is written as a `|` block and
    each bullet stays on one line, however long, so the file reads like the resume.
    """
    projects = []
    for item in resume_of(session, candidate_id):
        project = item.project
        entry: dict[str, Any] = {"name": project.name}
        for key in PROJECT_KEYS[1:]:
            value: Any = [bullet.text for bullet in item.bullets] if key == "bullets" else getattr(project, key)
            if value:
                entry[key] = _Inline(value) if key == "stack" else list(value) if isinstance(value, list) else value
        projects.append(entry)
    header = (
        "# Peregrine resume: experience projects and the bullets each one backs.\n"
        "# Import it again on the Resume page; config/resume.yaml.example explains every key.\n"
    )
    body = yaml.dump({"projects": projects}, Dumper=_ResumeDumper, sort_keys=False, allow_unicode=True, width=10_000)
    return header + body


class _ResumeDumper(yaml.SafeDumper):
    """Indents lists under their key and writes multi-line text as `|` blocks, as a person would."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)


def _represent_text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None)


class _Inline(list[str]):
    """A short list written on one line: `stack: [Python, PostgreSQL]`."""


def _represent_inline(dumper: yaml.SafeDumper, value: _Inline) -> yaml.SequenceNode:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=True)


_ResumeDumper.add_representer(str, _represent_text)
_ResumeDumper.add_representer(_Inline, _represent_inline)


def _yaml_problem(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    where = f"Line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
    return f"{where}this is not valid YAML ({problem}). Nothing was imported."


def _validation_problems(exc: ValidationError, text: str, data: dict[str, Any], *, bare_list: bool) -> str:
    try:
        root: yaml.Node | None = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:  # pragma: no cover - safe_load just read the same text
        root = None
    errors = exc.errors()
    described = sorted(
        (_describe(error, root, data, bare_list=bare_list) for error in errors[:MAX_REPORTED_PROBLEMS]),
        key=lambda item: item[0],
    )
    problems = [text for _line, text in described]
    if len(errors) > MAX_REPORTED_PROBLEMS:
        problems.append(f"…and {len(errors) - MAX_REPORTED_PROBLEMS} more.")
    if len(problems) == 1:
        return f"{problems[0]} Nothing was imported."
    return "Nothing was imported; fix these and try again:\n" + "\n".join(f"• {problem}" for problem in problems)


def _describe(error: ErrorDetails, root: yaml.Node | None, data: dict[str, Any], *, bare_list: bool) -> tuple[int, str]:
    """One problem and its line, as "Line 14: project 2 (“Ledger”), key “stack”: should be …"."""
    loc, kind = error["loc"], error["type"]
    line = _line_of(root, loc[1:] if bare_list else loc) or 0
    prefix = f"Line {line}: " if line else ""
    if not (len(loc) >= 2 and loc[0] == "projects" and isinstance(loc[1], int)):
        if kind == "extra_forbidden":
            return line, f"{prefix}unknown top-level key “{loc[0]}”; the file has just one, “projects:”."
        if kind == "missing":
            return line, f"{prefix}the file needs a top-level “projects:” with the list of projects under it."
        return line, f"{prefix}“projects” should be a list of projects, each starting with “- name:”."
    index = loc[1]
    raw = data["projects"][index] if index < len(data["projects"]) else None
    name = raw.get("name") if isinstance(raw, dict) else None
    where = f"project {index + 1}" + (f" (“{name.strip()}”)" if isinstance(name, str) and name.strip() else "")
    rest = loc[2:]
    if rest and kind != "missing":
        where += f", key “{rest[0]}”"
        if len(rest) > 1 and isinstance(rest[1], int):
            where += f", {'bullet' if rest[0] == 'bullets' else 'entry'} {rest[1] + 1}"
    return line, f"{prefix}{where}: {_problem(error)}"


def _problem(error: ErrorDetails) -> str:
    kind = error["type"]
    key = next((step for step in reversed(error["loc"]) if isinstance(step, str)), "")
    if kind == "missing":
        return f"“{key}” is missing" + (": every project needs a name." if key == "name" else ".")
    if kind == "extra_forbidden":
        return f"unknown key; a project's keys are {', '.join(PROJECT_KEYS)}."
    if kind == "model_type":
        return "should be a project: keys such as “name:” and “company:” under its “- ”."
    if kind == "string_type":
        return "should be text."
    if kind in ("string_too_long", "too_long"):  # the latter when a key's text goes through a validator first
        context = error.get("ctx") or {}
        length = int(context.get("actual_length") or len(str(error["input"])))
        return f"is {length:,} characters; the limit is {int(context.get('max_length', 0)):,}."
    if kind == "list_type":
        if key == "bullets":
            return "should be a list of bullets, one “- ” line each."
        if key == "stack":
            return "should be a list of technologies, or one comma-separated line."
        return "should be a list."
    message = str(error["msg"]).removeprefix("Value error, ")
    return message if message.endswith(".") else message + "."


def _line_of(root: yaml.Node | None, loc: tuple[int | str, ...]) -> int | None:
    """The 1-based line of the deepest node along a pydantic error location.

    A missing key points at its project; an unknown key at the key itself.
    """
    node = root
    mark = root.start_mark if root is not None else None
    for step in loc:
        if isinstance(node, yaml.MappingNode):
            match = next((pair for pair in node.value if getattr(pair[0], "value", None) == step), None)
            if match is None:
                break
            mark = match[0].start_mark
            node = match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            node = node.value[step]
            mark = node.start_mark
        else:
            break
    return mark.line + 1 if mark is not None else None
