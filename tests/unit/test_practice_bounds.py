"""The practice interview's calls are bounded (issue 21): a turn at ~150 tokens, a score at ~150 an answer."""

from __future__ import annotations

import asyncio

from sqlmodel import Session

from peregrine.services import practice
from tests.fakes.openai_server import FakeOpenAIServer
from tests.unit.test_practice import PROFILE, QUESTION, collect, llm_for, practice_session

__all__ = ["practice_session"]  # the fixture, used by name below


def test_a_turn_and_the_scores_send_their_max_tokens(
    session: Session, practice_session: int, fake_llm: FakeOpenAIServer
) -> None:
    fake_llm.queue_text(QUESTION)
    asyncio.run(collect(practice.InterviewerTurn(practice_session, llm_for(fake_llm), PROFILE)))
    practice.add_answer(session, practice_session, "Billing lagged; I moved it to Kafka.")
    practice.add_answer(session, practice_session, "Idempotency keys per event.")
    session.commit()

    asyncio.run(practice.score_session(practice_session, llm=llm_for(fake_llm)))

    turn, scoring = fake_llm.requests
    assert turn["stream"] is True
    assert turn["max_tokens"] == 150
    assert scoring["max_tokens"] == 2 * 150


def test_a_rating_of_6_and_a_score_too_many_are_kept_as_5_and_dropped(
    session: Session, practice_session: int, fake_llm: FakeOpenAIServer
) -> None:
    fake_llm.queue_text(QUESTION)
    asyncio.run(collect(practice.InterviewerTurn(practice_session, llm_for(fake_llm), PROFILE)))
    practice.add_answer(session, practice_session, "Billing lagged; I moved it to Kafka.")
    session.commit()
    score = {
        "question": "Q",
        "situation": 6,
        "task": 3,
        "action": 5,
        "result": 2,
        "relevance": 4,
        "improvement": "Say the result as a number.",
    }
    fake_llm.queue_json({"answers": [score, score]})

    scores = asyncio.run(practice.score_session(practice_session, llm=llm_for(fake_llm)))

    assert [s["situation"] for s in scores] == [5]
    assert len(fake_llm.requests) == 2, "the turn and one scoring request: nothing re-asked"
