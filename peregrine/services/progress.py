"""Progress over time, for the analytics page: how the rounds went, round after round.

Three series, each read from the latest `ROUNDS_SHOWN` rounds that have happened (one query, the
latest first, then put in date order): the overall rating of each round, the share of its prep's
predicted questions that came up (`domain.question_match`), and the reflection's 1-5 confidence
per topic. Every read is scoped by candidate.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_
from sqlmodel import Session, col, select

from peregrine.domain.dates import calendar_date
from peregrine.domain.question_match import hit_rate, match_questions
from peregrine.domain.reflection import Reflection
from peregrine.models import Interview, InterviewPrep, Job

#: More points than this make a chart unreadable; the table says the figures of the ones shown.
ROUNDS_SHOWN = 200


@dataclass(frozen=True)
class RoundPoint:
    """One round as the progress charts show it."""

    day: str
    round: str
    overall: int | None
    #: The share of predicted questions that came up, in percent; None when it cannot be told.
    hit_percent: int | None


@dataclass(frozen=True)
class TopicTrend:
    topic: str
    #: The confidence in each round that rated the topic, in date order.
    scores: list[int]

    @property
    def latest(self) -> int:
        return self.scores[-1]

    @property
    def change(self) -> int:
        return self.scores[-1] - self.scores[0]


def progress(session: Session, *, candidate_id: int) -> tuple[list[RoundPoint], list[TopicTrend]]:
    """The rounds that have happened with anything to show, in date order, and each topic's trend."""
    when = func.coalesce(Interview.completed_at, Interview.scheduled_at)
    rows = session.exec(
        select(Interview, InterviewPrep.predicted, Job.company)
        .join(Job, col(Job.id) == col(Interview.job_id))
        .join(InterviewPrep, col(InterviewPrep.interview_id) == col(Interview.id), isouter=True)
        .where(Interview.candidate_id == candidate_id, when.is_not(None))
        .where(
            or_(
                col(Interview.overall_rating).is_not(None),
                func.json_extract(Interview.reflection, "$.at").is_not(None),
                func.json_array_length(Interview.questions_asked) > 0,
            )
        )
        .order_by(when.desc())
        .limit(ROUNDS_SHOWN)
    ).all()
    points: list[RoundPoint] = []
    topics: dict[str, list[int]] = {}
    for interview, predicted, company in reversed(rows):
        moment = interview.completed_at or interview.scheduled_at
        rate = hit_rate(match_questions(predicted, interview.questions_asked)) if predicted else None
        asked = bool(interview.questions_asked)
        points.append(
            RoundPoint(
                calendar_date(moment) if moment else "",
                f"{company} · {interview.name}",
                interview.overall_rating,
                round(rate * 100) if rate is not None and asked else None,
            )
        )
        for topic, score in (Reflection.of(interview.reflection).confidence or {}).items():
            topics.setdefault(topic, []).append(score)
    return points, [TopicTrend(topic, scores) for topic, scores in sorted(topics.items(), key=lambda t: t[0].lower())]
