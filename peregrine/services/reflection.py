"""The reflection after a round: the rounds waiting for one, and saving it (questions asked included).

The questions asked are recorded where the predicted-question hit rate reads them
(`prep_sections.record_questions_asked`); the rest is the round's `reflection` structure, which
the next round's prep reads (`prep_inputs.earlier_rounds_input`). The notes stay as the user wrote them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from peregrine.domain.dates import as_utc
from peregrine.domain.question_match import parse_questions
from peregrine.domain.reflection import TEXT_CHARS, Reflection, parse_confidence
from peregrine.domain.stages import OPEN_STAGES
from peregrine.models import Interview, Job, utcnow
from peregrine.services.errors import InvalidInput, NotFound, check_length
from peregrine.services.prep_sections import record_questions_asked


def awaiting_reflection(
    session: Session, *, candidate_id: int, job_id: int | None = None, now: datetime | None = None
) -> list[tuple[Interview, Job]]:
    """The rounds whose time has passed and that have no reflection yet, of one job or of every open
    job (for Today), the most recent first."""
    now = as_utc(now or utcnow())
    passed = or_(col(Interview.scheduled_at) <= now, col(Interview.completed_at).is_not(None))
    query = (
        select(Interview, Job)
        .join(Job, col(Job.id) == col(Interview.job_id))
        .where(Interview.candidate_id == candidate_id, passed)
        .where(func.json_extract(Interview.reflection, "$.at").is_(None))
        .order_by(col(Interview.scheduled_at).desc())
    )
    query = query.where(Job.id == job_id) if job_id is not None else query.where(col(Job.stage).in_(OPEN_STAGES))
    return [(interview, job) for interview, job in session.exec(query)]


def save_reflection(
    session: Session,
    interview_id: int,
    *,
    candidate_id: int,
    questions: str,
    went_well: str,
    unsure: str,
    confidence: str,
    now: datetime | None = None,
) -> Interview:
    """Keep the reflection typed after the round; a line that cannot be read refuses it all, saying which."""
    interview = session.get(Interview, interview_id)
    if interview is None or interview.candidate_id != candidate_id:
        raise NotFound(f"Round {interview_id} was not found.")
    scores, problems = parse_confidence(confidence)
    if problems:
        raise InvalidInput("The confidence per topic: " + "; ".join(problems) + ". Nothing was saved.")
    check_length("What went well is", went_well, TEXT_CHARS)
    check_length("Where you were unsure is", unsure, TEXT_CHARS)
    record_questions_asked(session, interview_id, parse_questions(questions))
    reflection = Reflection(went_well.strip(), unsure.strip(), scores, as_utc(now or utcnow()).isoformat())
    interview.reflection = reflection.stored()
    session.add(interview)
    session.flush()
    return interview
