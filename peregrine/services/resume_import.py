"""A resume from a PDF or DOCX: its text split into proposed projects, each reviewed before it is saved.

The flow, for the Resume page:
1. `services.resume_document` reads the file's text;
2. `split_resume` asks the model for the projects in it, the text cut into parts that fit every
   backend's window; or, with no model (or a failed one), the user picks passages by hand and
   `proposal_from_passage` makes each a proposal;
3. `mark_similar` says which proposals look like a project the candidate already has: accepting one
   adds a project beside it, never merges into it (that is for the user to do, knowingly);
4. `accept_proposal` saves one proposal, as edited, as a new project with its bullets.

Proposals live in the page's state, not the database: nothing is written before the user accepts.
The model's answer is plain text shown as text, so markup in it (or in the resume) stays inert.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlmodel import Session

from peregrine.llm.client import LLMClient
from peregrine.llm.prompts.resume_split import MAX_PART_CHARS, ProposedProject, ResumeSplit, render_messages
from peregrine.models import ExperienceProject
from peregrine.services import resume
from peregrine.services.resume import ProjectFields
from peregrine.services.resume_document import BULLET_GLYPHS

#: The smallest part a resume is cut into, whatever the window: below it a part holds no project.
MIN_PART_CHARS = 200

_NOT_WORD = re.compile(r"\W+")
_BULLET_SIGN = re.compile(rf"^\s*(?:[{re.escape(BULLET_GLYPHS)}]|[-*\u2013](?=\s))\s*")


@dataclass(frozen=True)
class Proposal:
    """A project proposed for the resume, as the review shows and edits it: the stack as one
    comma-separated line and the bullets one a line, as the user types them."""

    name: str
    company: str = ""
    role: str = ""
    period: str = ""
    situation: str = ""
    stack: str = ""
    bullets: str = ""
    #: The name of the candidate's project this one looks like, or "".
    similar_to: str = ""

    @property
    def bullet_lines(self) -> list[str]:
        return [line for line in (_BULLET_SIGN.sub("", raw).strip() for raw in self.bullets.splitlines()) if line]


# ----------------------------------------------------------------------------- the model's split
def cut_into_parts(text: str, fits: Callable[[str], bool], *, max_chars: int = MAX_PART_CHARS) -> list[str]:
    """`text` in parts of whole lines that each `fits` (and hold at most `max_chars`), cut at blank
    lines where one is near. A line too long for a part on its own is cut inside."""
    room = _room(fits, max_chars)
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for line in _lines_within(text, room):
        if current and size + len(line) + 1 > room:
            cut = _last_blank(current)
            if sum(len(kept) + 1 for kept in current[cut:]) + len(line) + 1 > room:
                cut = len(current)
            parts.append("\n".join(current[:cut]).strip())
            current = current[cut:]
            size = sum(len(kept) + 1 for kept in current)
        current.append(line)
        size += len(line) + 1
    parts.append("\n".join(current).strip())
    return [part for part in parts if part]


def _room(fits: Callable[[str], bool], max_chars: int) -> int:
    """The most characters of text a part may hold: the largest that fits, found by halving (the
    size of a prompt is estimated from its characters, so any text of that length fits the same)."""
    if fits("x" * max_chars):
        return max_chars
    low, high = MIN_PART_CHARS, max_chars
    while high - low > 50:
        middle = (low + high) // 2
        low, high = (middle, high) if fits("x" * middle) else (low, middle)
    return low


def _lines_within(text: str, room: int) -> list[str]:
    lines: list[str] = []
    for line in text.splitlines():
        while len(line) > room:
            cut = line.rfind(" ", 0, room)
            cut = cut if cut > room // 2 else room
            lines.append(line[:cut])
            line = line[cut:].lstrip()
        lines.append(line)
    return lines


def _last_blank(lines: list[str]) -> int:
    """Where to end a part: after its last blank line when that keeps most of it, else at its end."""
    for index in range(len(lines) - 1, len(lines) // 2, -1):
        if not lines[index].strip():
            return index + 1
    return len(lines)


async def split_resume(text: str, *, llm: LLMClient) -> list[Proposal]:
    """The model's proposals for `text`, in the resume's order.

    Raises `LLMUnavailable` when no model answers (or none gives an answer that fits the schema);
    the caller keeps the text for the user to split by hand. A project the model saw cut across two
    parts (the same name ends one and starts the next) comes back as one.
    """
    parts = cut_into_parts(text, lambda part: llm.fits(ResumeSplit, render_messages(part, part=99, parts=99)))
    proposed: list[ProposedProject] = []
    for number, part in enumerate(parts, start=1):
        answer = await llm.structured(ResumeSplit, render_messages(part, part=number, parts=len(parts)))
        projects = list(answer.projects)
        if proposed and projects and _continues(proposed[-1], projects[0]):
            first = projects.pop(0)
            proposed[-1] = proposed[-1].model_copy(update={"bullets": [*proposed[-1].bullets, *first.bullets]})
        proposed.extend(projects)
    return [_from_model(project) for project in proposed if project.name.strip()]


def _continues(last: ProposedProject, first: ProposedProject) -> bool:
    """Whether a part's first project is the previous part's last, cut at the border: the same name,
    and no other company (two jobs of the same title at two companies are two projects)."""
    return _same_name(last.name, first.name) and (
        not (last.company and first.company) or _same_name(last.company, first.company)
    )


def _from_model(project: ProposedProject) -> Proposal:
    bullets = (_BULLET_SIGN.sub("", " ".join(bullet.split())) for bullet in project.bullets)
    return Proposal(
        name=project.name.strip(),
        company=project.company.strip(),
        role=project.role.strip(),
        period=project.period.strip(),
        situation=project.summary.strip(),
        stack=", ".join(resume.split_stack(project.stack)),
        bullets="\n".join(bullet for bullet in bullets if bullet),
    )


# ----------------------------------------------------------------------------- by hand
def proposal_from_passage(passage: str) -> Proposal:
    """A passage the user picked out of the text, as a proposal: its first line names the project,
    the other lines are its bullets (the user edits both before saving)."""
    lines = [line.strip() for line in passage.splitlines() if line.strip()]
    if not lines:
        return Proposal(name="")
    return Proposal(name=_BULLET_SIGN.sub("", lines[0]), bullets="\n".join(lines[1:]))


# ----------------------------------------------------------------------------- review
def _key(name: str) -> str:
    return _NOT_WORD.sub("", name.casefold())


def _same_name(first: str, second: str) -> bool:
    return bool(_key(first)) and _key(first) == _key(second)


def mark_similar(session: Session, candidate_id: int, proposals: Sequence[Proposal]) -> list[Proposal]:
    """Each proposal with `similar_to` naming the candidate's project it looks like: the same name
    (ignoring case, spaces and punctuation), or the same company and role."""
    existing = resume.projects_of(session, candidate_id)
    marked = []
    for proposal in proposals:
        match = next((project for project in existing if _looks_alike(proposal, project)), None)
        marked.append(dataclasses.replace(proposal, similar_to=match.name if match else ""))
    return marked


def _looks_alike(proposal: Proposal, project: ExperienceProject) -> bool:
    if _same_name(proposal.name, project.name):
        return True
    return bool(proposal.company and proposal.role) and (
        _same_name(proposal.company, project.company) and _same_name(proposal.role, project.role)
    )


def accept_proposal(session: Session, candidate_id: int, proposal: Proposal) -> ExperienceProject:
    """Save `proposal` as a new project after the candidate's others, with its bullets in order.

    Every field and bullet is checked before the first write, so a refusal (a missing name, a bullet
    over the limit) writes nothing and says what to change. A project that looks like an existing
    one is still a new project: nothing is merged.
    """
    fields = ProjectFields(
        name=proposal.name,
        company=proposal.company,
        role=proposal.role,
        period=proposal.period,
        situation=proposal.situation,
        stack=proposal.stack,
    )
    fields.cleaned()
    bullets = [resume.clean_bullet(line) for line in proposal.bullet_lines]
    project = resume.create_project(session, candidate_id, fields)
    assert project.id is not None
    for text in bullets:
        resume.add_bullet(session, project.id, text, candidate_id=candidate_id)
    return project
