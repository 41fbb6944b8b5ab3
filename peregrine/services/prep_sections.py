"""Editing prep by hand: sections saved as markdown, earlier texts kept as revisions, hit rates.

A section the user saved is marked edited: a regenerate keeps it unless the user chooses to
replace their edits (see `services.prep`). Every text that gets replaced, by an edit, a
regenerate or a restore, is kept as a `PrepRevision`, so nothing the user wrote is ever lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlmodel import Session, col, select

from peregrine.domain import limits
from peregrine.domain.question_match import QuestionHit, hit_rate, match_questions
from peregrine.models import Interview, InterviewPrep, Job, PrepBase, PrepRevision, utcnow
from peregrine.services.errors import InvalidInput, NotFound, check_length
from peregrine.services.prep import BASE_SECTIONS, INTERVIEW_SECTIONS
from peregrine.services.sanitize import clean_markdown

Owner = Literal["base", "interview"]
MAX_SECTION_CHARS = limits.PREP_SECTION
REVISIONS_SHOWN = 20


def _owner_row(session: Session, owner: Owner, owner_id: int) -> PrepBase | InterviewPrep:
    row: PrepBase | InterviewPrep | None = (
        session.get(PrepBase, owner_id) if owner == "base" else session.get(InterviewPrep, owner_id)
    )
    if row is None:
        raise NotFound("That preparation no longer exists; reload the page.")
    return row


def _check_section(owner: Owner, key: str) -> None:
    keys = {name for name, _ in (BASE_SECTIONS if owner == "base" else INTERVIEW_SECTIONS)}
    if key not in keys:
        raise InvalidInput(f"Unknown section {key!r}.")


def save_section(session: Session, owner: Owner, owner_id: int, key: str, text: str) -> str:
    """Save a hand-edited section (sanitized); return the stored markdown."""
    _check_section(owner, key)
    check_length("That section is", text, MAX_SECTION_CHARS)
    row = _owner_row(session, owner, owner_id)
    cleaned = clean_markdown(text).strip()
    _replace(session, owner, row, key, cleaned, replaced_by="edit")
    if key not in row.edited:
        row.edited = [*row.edited, key]
    session.add(row)
    return cleaned


def revisions_of(session: Session, owner: Owner, owner_id: int, key: str) -> list[PrepRevision]:
    return list(
        session.exec(
            select(PrepRevision)
            .where(PrepRevision.owner == owner, PrepRevision.owner_id == owner_id, PrepRevision.section == key)
            .order_by(col(PrepRevision.id).desc())
            .limit(REVISIONS_SHOWN)
        )
    )


def restore_revision(session: Session, revision_id: int) -> PrepRevision:
    """Put an earlier text back; the current one becomes a revision in its turn."""
    revision = session.get(PrepRevision, revision_id)
    if revision is None:
        raise NotFound("That revision no longer exists.")
    owner: Owner = "base" if revision.owner == "base" else "interview"
    row = _owner_row(session, owner, revision.owner_id)
    _replace(session, owner, row, revision.section, revision.text, replaced_by="restore")
    if revision.section not in row.edited:
        row.edited = [*row.edited, revision.section]
    session.add(row)
    return revision


def _replace(
    session: Session, owner: Owner, row: PrepBase | InterviewPrep, key: str, text: str, *, replaced_by: str
) -> None:
    previous = getattr(row, key)
    if previous and previous != text:
        assert row.id is not None
        session.add(
            PrepRevision(
                owner=owner,
                owner_id=row.id,
                section=key,
                text=previous,
                was_edited=key in row.edited,
                replaced_by=replaced_by,
            )
        )
    setattr(row, key, text)
    # the user's own text (an edit, a restored one) ends a failed generation's notice
    row.section_errors = {name: why for name, why in row.section_errors.items() if name != key}
    row.updated_at = utcnow()


# ----------------------------------------------------------------------------- questions asked
def record_questions_asked(session: Session, interview_id: int, questions: list[str]) -> Interview:
    interview = session.get(Interview, interview_id)
    if interview is None:
        raise NotFound(f"Interview {interview_id} was not found.")
    asked = [question.strip() for question in questions if question.strip()]
    if len(asked) > limits.QUESTIONS_ASKED:
        raise InvalidInput(
            f"That is {len(asked)} questions; a round records at most {limits.QUESTIONS_ASKED}. Nothing was saved."
        )
    for number, question in enumerate(asked, start=1):
        check_length(f"Question {number} is", question, limits.QUESTION_ASKED)
    interview.questions_asked = asked
    interview.updated_at = utcnow()
    session.add(interview)
    return interview


@dataclass(frozen=True)
class RoundHits:
    interview_id: int
    job_id: int
    label: str
    hits: list[QuestionHit]
    asked: int

    @property
    def rate(self) -> float | None:
        return hit_rate(self.hits) if self.asked else None


def round_hits(session: Session, interview: Interview, prep: InterviewPrep | None) -> RoundHits:
    assert interview.id is not None
    predicted = prep.predicted if prep else []
    return RoundHits(
        interview_id=interview.id,
        job_id=interview.job_id,
        label=f"{interview.order}. {interview.name}",
        hits=match_questions(predicted, interview.questions_asked),
        asked=len(interview.questions_asked),
    )


def hit_history(session: Session, candidate_id: int) -> list[RoundHits]:
    """Every round with prep and recorded questions, oldest first: the hit rate over time."""
    rows = session.exec(
        select(Interview, InterviewPrep, Job)
        .join(InterviewPrep, col(InterviewPrep.interview_id) == col(Interview.id))
        .join(Job, col(Job.id) == col(Interview.job_id))
        .where(Job.candidate_id == candidate_id)
        .order_by(col(Interview.scheduled_at), col(Interview.id))
    ).all()
    history = []
    for interview, prep, job in rows:
        if interview.questions_asked and prep.predicted:
            hits = round_hits(session, interview, prep)
            history.append(
                RoundHits(hits.interview_id, hits.job_id, f"{job.company}: {interview.name}", hits.hits, hits.asked)
            )
    return history
