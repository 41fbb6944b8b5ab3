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
