"""Progress over time: round ratings, the hit rate of predicted questions and confidence per topic, in date order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from peregrine.models import Candidate, Interview, InterviewPrep
from peregrine.services.progress import progress
from tests.factories import new_job, new_round

START = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


def test_progress_reads_every_rated_or_reflected_round_in_date_order(session: Session, candidate: Candidate) -> None:
    job_id = new_job(session, candidate.id, company="Acme")
    later = new_round(session, job_id, "Onsite", scheduled_at=START + timedelta(days=7))
    earlier = new_round(session, job_id, "Screen", scheduled_at=START)
    new_round(session, job_id, "Not yet rated", scheduled_at=START + timedelta(days=9))
    new_round(session, job_id, "Unscheduled")
    for interview_id, overall, asked, confidence in (
        (earlier, 3, ["How do you partition a Kafka topic?"], {"Kafka": 2, "SQL": 4}),
        (later, 4, ["Why this company?"], {"Kafka": 4}),
    ):
        interview = session.get(Interview, interview_id)
        assert interview is not None
        interview.overall_rating, interview.questions_asked = overall, asked
        interview.reflection = {"confidence": confidence, "at": START.isoformat()}
    session.add(InterviewPrep(interview_id=earlier, predicted=["How would you partition a Kafka topic?", "Why SQL?"]))
    session.commit()

    points, topics = progress(session, candidate_id=candidate.id or 0)

    assert [(p.day, p.round, p.overall, p.hit_percent) for p in points] == [
        ("Nov 02, 2026", "Acme · Screen", 3, 50),
        ("Nov 09, 2026", "Acme · Onsite", 4, None),
    ], "a round with no prep has no hit rate; unrated, unreflected rounds are left out"
    assert [(t.topic, t.scores, t.latest, t.change) for t in topics] == [("Kafka", [2, 4], 4, 2), ("SQL", [4], 4, 0)]
    assert progress(session, candidate_id=(candidate.id or 0) + 1) == ([], [])
