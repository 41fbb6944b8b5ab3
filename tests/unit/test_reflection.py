"""The reflection after a round: which rounds ask for one, bad input refused, and the next prep reading it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session

from peregrine.config import UserProfile
from peregrine.domain.reflection import Reflection, parse_confidence
from peregrine.llm.client import LLMClient
from peregrine.llm.settings import LLMBackend, LLMSettings
from peregrine.models import Candidate, Interview
from peregrine.services import prep, reflection
from peregrine.services.errors import InvalidInput, NotFound
from peregrine.services.interviews import record_outcome
from tests.factories import new_job, new_round
from tests.fakes.openai_server import FakeOpenAIServer
from tests.fakes.prep_answers import queue_interview_prep

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


def reflect(session: Session, candidate: Candidate, interview_id: int, confidence: str = "Kafka: 2\nSQL: 4") -> None:
    reflection.save_reflection(
        session,
        interview_id,
        candidate_id=candidate.id or 0,
        questions="1. How would you partition a ledger topic?\n- Why Postgres?",
        went_well="The SQL window functions.",
        unsure="Exactly-once delivery in Kafka.",
        confidence=confidence,
        now=NOW,
    )
    session.commit()


def test_a_round_whose_time_passed_asks_for_its_reflection_until_one_is_written(
    session: Session, candidate: Candidate
) -> None:
    job_id = new_job(session, candidate.id, company="Acme")
    past = new_round(session, job_id, "Deep dive", scheduled_at=NOW - timedelta(hours=2))
    new_round(session, job_id, "Onsite", scheduled_at=NOW + timedelta(days=2))
    new_job(session, candidate.id, company="Closed")  # no rounds at all

    waiting = reflection.awaiting_reflection(session, candidate_id=candidate.id or 0, now=NOW)
    assert [(interview.name, job.company) for interview, job in waiting] == [("Deep dive", "Acme")]

    reflect(session, candidate, past)

    assert reflection.awaiting_reflection(session, candidate_id=candidate.id or 0, job_id=job_id, now=NOW) == []
    stored = session.get(Interview, past)
    assert stored is not None
    assert stored.questions_asked == ["How would you partition a ledger topic?", "Why Postgres?"]
    written = Reflection.of(stored.reflection)
    assert written.confidence == {"Kafka": 2, "SQL": 4}
    assert written.weak_spots == ["Kafka"]
    assert stored.notes == "", "the hand-written notes are not touched"


def test_a_confidence_that_cannot_be_read_refuses_the_reflection_and_says_which_line(
    session: Session, candidate: Candidate
) -> None:
    job_id = new_job(session, candidate.id)
    interview_id = new_round(session, job_id, scheduled_at=NOW - timedelta(hours=1))

    with pytest.raises(InvalidInput, match=r"line 2 .*no score.*line 3: SQL is rated 9; a confidence is 1 to 5"):
        reflect(session, candidate, interview_id, confidence="Kafka: 2\nsomething vague\nSQL: 9")
    session.rollback()

    stored = session.get(Interview, interview_id)
    assert stored is not None
    assert (stored.reflection, stored.questions_asked) == ({}, []), "nothing was saved"
    with pytest.raises(NotFound):
        reflection.save_reflection(
            session,
            interview_id,
            candidate_id=(candidate.id or 0) + 1,
            questions="",
            went_well="",
            unsure="",
            confidence="",
        )


def test_confidence_lines_are_read_as_people_type_them() -> None:
    scores, problems = parse_confidence("- Kafka — 2\nSystem design 3/5\n\nSQL=5")
    assert scores == {"Kafka": 2, "System design": 3, "SQL": 5}
    assert problems == []


def test_the_next_rounds_prep_request_names_the_weak_spots_of_the_reflection(
    session: Session, candidate: Candidate, fake_llm: FakeOpenAIServer
) -> None:
    job_id = new_job(session, candidate.id, title="Data Engineer", raw_jd_text="Kafka pipelines.")
    first = new_round(session, job_id, "Deep dive", kind="technical", scheduled_at=NOW - timedelta(days=3))
    record_outcome(session, first, outcome="passed", notes="My own notes, kept as written.")
    reflect(session, candidate, first)
    second = new_round(session, job_id, "Onsite", kind="technical")
    llm = LLMClient(LLMSettings(backends=(LLMBackend(name="fake", base_url=fake_llm.url, model="fake-model"),)))
    queue_interview_prep(fake_llm)

    task = prep.queue_interview_prep(session, second)
    session.commit()
    asyncio.run(prep.run_interview_prep(task.id or 0, llm=llm, profile=UserProfile(name="Ada")))

    sent = "\n".join(str(m["content"]) for request in fake_llm.requests for m in request["messages"])
    assert "Notes: My own notes, kept as written." in sent
    assert "Unsure about: Exactly-once delivery in Kafka." in sent
    assert "Confidence per topic: Kafka 2/5, SQL 4/5" in sent
    assert "Weak spots to work on (confidence 2/5 or less): Kafka" in sent
