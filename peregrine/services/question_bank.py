"""The question bank: every question predicted by a round's prep or asked in a round, across all jobs.

`sync_bank` keeps one `BankQuestion` row per question in step with the preps and the rounds (new
ones tagged by `domain.question_tags`, vanished ones dropped, best answers kept); `search` is one
indexed query however many questions there are; `weakest` ranks them by the evidence of how they
went: the reflection's confidence in the topics a question touches and the practice scores of the
same question. Every read and write is scoped by candidate.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import mean
from typing import Any

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from peregrine.domain.question_match import MATCH_THRESHOLD, content_words, similarity
from peregrine.domain.question_tags import QuestionTag, tag_question
from peregrine.domain.reflection import Reflection
from peregrine.models import BankQuestion, Interview, InterviewPrep, Job, PracticeSession, utcnow
from peregrine.services.errors import InvalidInput, NotFound, check_length

PREDICTED = "predicted"
ASKED = "asked"
#: The characters of a best answer (a STAR story of a few paragraphs).
BEST_ANSWER_CHARS = 8_000
#: The most questions one search shows (the count says how many matched).
SHOWN = 50
#: The STAR parts and relevance a practice score rates, averaged into one 1-5 figure.
_SCORE_PARTS = ("situation", "task", "action", "result", "relevance")


@dataclass(frozen=True)
class BankLine:
    id: int
    text: str
    tag: str
    source: str
    best_answer: str
    job_id: int
    interview_id: int
    #: "Acme — Data Engineer · Deep dive": where it was predicted or asked.
    where: str


def _wanted(session: Session, candidate_id: int, job_id: int | None) -> dict[tuple[int, str, str], tuple[int, str]]:
    """(round, source, text) → (job, round kind) of every question the preps and rounds hold now."""
    wanted: dict[tuple[int, str, str], tuple[int, str]] = {}
    query = (
        select(Interview, InterviewPrep.predicted)
        .join(InterviewPrep, col(InterviewPrep.interview_id) == col(Interview.id), isouter=True)
        .where(Interview.candidate_id == candidate_id)
    )
    rounds = session.exec(query if job_id is None else query.where(Interview.job_id == job_id))
    for interview, predicted in rounds:
        for source, questions in ((ASKED, interview.questions_asked), (PREDICTED, predicted or [])):
            for text in questions:
                wanted.setdefault((interview.id or 0, source, text.strip()), (interview.job_id, interview.kind))
    return wanted


def sync_bank(session: Session, *, candidate_id: int, job_id: int | None = None) -> int:
    """Bring the bank in step with the preps and rounds (of one job, if given); how many questions it
    holds (of that job)."""
    wanted = _wanted(session, candidate_id, job_id)
    rows = select(BankQuestion.id, BankQuestion.interview_id, BankQuestion.source, BankQuestion.text).where(
        BankQuestion.candidate_id == candidate_id
    )
    held = {
        (interview_id, source, text): row_id
        for row_id, interview_id, source, text in session.exec(
            rows if job_id is None else rows.where(BankQuestion.job_id == job_id)
        )
    }
    gone = [row_id for key, row_id in held.items() if key not in wanted]
    if gone:
        session.exec(delete(BankQuestion).where(col(BankQuestion.id).in_(gone)))
    now = utcnow()
    session.add_all(
        BankQuestion(
            candidate_id=candidate_id,
            job_id=job_id,
            interview_id=interview_id,
            source=source,
            text=text,
            tag=tag_question(text, kind).value,
            updated_at=now,
        )
        for (interview_id, source, text), (job_id, kind) in wanted.items()
        if (interview_id, source, text) not in held and text
    )
    session.flush()
    return len(wanted)


def _lines_query(candidate_id: int) -> Any:
    """The candidate's questions with where each was predicted or asked."""
    return (
        select(BankQuestion, Job.company, Job.title, Interview.name)
        .join(Job, col(Job.id) == col(BankQuestion.job_id))
        .join(Interview, col(Interview.id) == col(BankQuestion.interview_id))
        .where(BankQuestion.candidate_id == candidate_id)
    )


def _line(row: BankQuestion, company: str, title: str, round_name: str) -> BankLine:
    return BankLine(
        row.id or 0,
        row.text,
        row.tag,
        row.source,
        row.best_answer,
        row.job_id,
        row.interview_id,
        f"{company} — {title} · {round_name}",
    )


def _like(word: str) -> str:
    return "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def search(session: Session, *, candidate_id: int, words: str = "", tag: str = "") -> tuple[list[BankLine], int]:
    """The questions holding every word of `words` (any case), of `tag` if given: the first `SHOWN`,
    asked ones first, and how many matched."""
    if tag and tag not in QuestionTag.__members__.values():
        raise InvalidInput(f"“{tag}” is not a tag of the question bank.")
    conditions: list[Any] = [col(BankQuestion.text).ilike(_like(word), escape="\\") for word in words.split()[:10]]
    if tag:
        conditions.append(BankQuestion.tag == tag)
    matched = session.exec(
        select(func.count()).select_from(BankQuestion).where(BankQuestion.candidate_id == candidate_id, *conditions)
    ).one()
    rows = session.exec(
        _lines_query(candidate_id)
        .where(*conditions)
        .order_by(col(BankQuestion.source), col(BankQuestion.id).desc())
        .limit(SHOWN)
    )
    return [_line(*row) for row in rows], matched


def save_best_answer(session: Session, question_id: int, answer: str, *, candidate_id: int) -> BankQuestion:
    question = session.get(BankQuestion, question_id)
    if question is None or question.candidate_id != candidate_id:
        raise NotFound(f"Question {question_id} was not found.")
    check_length("The best answer is", answer, BEST_ANSWER_CHARS)
    question.best_answer, question.updated_at = answer.strip(), utcnow()
    session.add(question)
    session.flush()
    return question


def _practice_scores(session: Session, candidate_id: int) -> list[tuple[str, float]]:
    """Each practised question and its 1-5 score (the mean of its STAR parts and relevance)."""
    sessions = session.exec(
        select(PracticeSession.scores)
        .join(Interview, col(Interview.id) == col(PracticeSession.interview_id))
        .where(Interview.candidate_id == candidate_id, col(PracticeSession.ended_at).is_not(None))
    )
    return [
        (str(score.get("question", "")), mean(float(score.get(part, 3)) for part in _SCORE_PARTS))
        for scores in sessions
        for score in scores
    ]


def weakest(session: Session, *, candidate_id: int, count: int = 5, job_id: int | None = None) -> list[BankLine]:
    """The `count` questions (of one job, if given) that went worst: the lowest of the reflection's
    confidence in a topic the question names and the practice scores of the same question.
    Questions with no such evidence are left out: nothing says they are weak."""
    confidence = {
        interview_id: Reflection.of(stored).confidence or {}
        for interview_id, stored in session.exec(
            select(Interview.id, Interview.reflection).where(Interview.candidate_id == candidate_id)
        )
    }
    practised = _practice_scores(session, candidate_id)
    ranked: list[tuple[float, BankLine]] = []
    lines = _lines_query(candidate_id)
    for row in session.exec(lines if job_id is None else lines.where(BankQuestion.job_id == job_id)):
        line = _line(*row)
        words = content_words(line.text)
        evidence = [
            float(score)
            for topic, score in confidence.get(line.interview_id, {}).items()
            if content_words(topic) & words
        ]
        evidence += [score for question, score in practised if similarity(question, line.text) >= MATCH_THRESHOLD]
        if evidence:
            ranked.append((min(evidence), line))
    ranked.sort(key=lambda item: (item[0], item[1].id))
    return [line for _, line in ranked[:count]]
