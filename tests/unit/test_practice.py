"""The practice interview against the fake OpenAI-compatible server: streamed turns, stop, scores, notes."""

from __future__ import annotations

import asyncio
import json

import pytest
from sqlmodel import Session

from peregrine import db
from peregrine.config import UserProfile
from peregrine.llm.client import LLMClient
from peregrine.llm.settings import LLMBackend, LLMSettings
from peregrine.models import Candidate, Interview, InterviewPrep
from peregrine.services import practice
from peregrine.services.errors import InvalidInput
from peregrine.services.interviews import RoundFields, add_round
from peregrine.services.jobs import JobFields, create_job
from tests.fakes.openai_server import FakeOpenAIServer

PROFILE = UserProfile(name="Ada Lovelace")
QUESTION = "Hello Ada. Tell me about the ledger pipeline you rebuilt: what was broken, and what did you change?"


def llm_for(server: FakeOpenAIServer) -> LLMClient:
    return LLMClient(
        LLMSettings(backends=(LLMBackend(name="fake", base_url=server.url, model="fake-model", timeout_s=5),))
    )


@pytest.fixture
def practice_session(session: Session, candidate: Candidate) -> int:
    assert candidate.id is not None
    job = create_job(session, candidate.id, JobFields(company="Acme", title="Data Engineer"))
    session.flush()
    interview = add_round(
        session,
        job.id or 0,
        RoundFields(
            name="Streaming deep dive",
            kind="system_design",
            focus="event pipelines",
            interviewers=[{"name": "Sam Lee", "role": "Staff engineer"}],
        ),
    )
    session.add(
        InterviewPrep(
            interview_id=interview.id or 0, predicted_questions="### 1. How would you partition a ledger topic?"
        )
    )
    started = practice.start_session(session, interview.id or 0)
    session.commit()
    assert started.id is not None
    return started.id


async def collect(turn: practice.InterviewerTurn, flush_s: float = 0.016) -> list[str]:
    return [batch async for batch in turn.batches(flush_s=flush_s)]


def test_the_interviewer_plays_the_round_and_streams_in_batches(
    session: Session, practice_session: int, fake_llm: FakeOpenAIServer
) -> None:
    fake_llm.queue_text(QUESTION)
    fake_llm.stream_delay_s = 0.03  # slower than a frame: every token gets its own update
    turn = practice.InterviewerTurn(practice_session, llm_for(fake_llm), PROFILE)

    batches = asyncio.run(collect(turn))

    assert "".join(batches) == QUESTION
    assert len(batches) == turn.tokens, "tokens slower than the flush interval are sent one by one"
    system = fake_llm.requests[0]["messages"][0]["content"]
    assert "You are Sam Lee (Staff engineer), interviewing Ada Lovelace for the role of Data Engineer at Acme" in system
    assert "system design interview, focused on event pipelines" in system
    assert "How would you partition a ledger topic?" in system
    assert fake_llm.requests[0]["stream"] is True
    stored = practice.messages_of(session, practice_session)
    assert [(m.role, m.text, m.stopped) for m in stored] == [("interviewer", QUESTION, False)]


def test_fast_tokens_are_batched(practice_session: int, fake_llm: FakeOpenAIServer) -> None:
    fake_llm.queue_text(" ".join(f"word{i}" for i in range(150)))  # a turn's max_tokens (issue 21)
    turn = practice.InterviewerTurn(practice_session, llm_for(fake_llm), PROFILE)

    batches = asyncio.run(collect(turn, flush_s=0.05))

    assert turn.tokens == 150
    assert len(batches) < 50, f"150 fast tokens should need far fewer updates, got {len(batches)}"


def test_the_transcript_goes_back_to_the_model_in_order(
    session: Session, practice_session: int, fake_llm: FakeOpenAIServer
) -> None:
    fake_llm.queue_text(QUESTION)
    asyncio.run(collect(practice.InterviewerTurn(practice_session, llm_for(fake_llm), PROFILE)))
    practice.add_answer(session, practice_session, "Billing lagged 3 h; I moved it to Kafka; lag fell to 4 s.")
    session.commit()
    fake_llm.queue_text("Thanks. How did you handle duplicates?")
    asyncio.run(collect(practice.InterviewerTurn(practice_session, llm_for(fake_llm), PROFILE)))

    chat = fake_llm.requests[-1]["messages"]
    assert [m["role"] for m in chat] == ["system", "user", "assistant", "user"]
    assert chat[2]["content"] == QUESTION
    assert chat[3]["content"].startswith("Billing lagged 3 h")


def test_stopping_mid_stream_keeps_what_arrived(
    session: Session, practice_session: int, fake_llm: FakeOpenAIServer
) -> None:
    fake_llm.queue_text(" ".join(f"token{i}" for i in range(200)))
    fake_llm.stream_delay_s = 0.02
    turn = practice.InterviewerTurn(practice_session, llm_for(fake_llm), PROFILE)

    async def stop_after_some() -> list[str]:
        received: list[str] = []
        async for batch in turn.batches():
            received.append(batch)
            if len(received) == 5:
                assert practice.stop_turn(practice_session) is True
        return received

    received = asyncio.run(stop_after_some())

    assert turn.stopped is True
    assert 5 <= turn.tokens < 200
    stored = practice.messages_of(session, practice_session)
    assert len(stored) == 1
    assert stored[0].stopped is True
    assert stored[0].text == "".join(received).strip()
    assert practice.stop_turn(practice_session) is False, "nothing left to stop"


def test_a_model_that_is_down_is_reported_and_nothing_is_saved(
    session: Session, practice_session: int, fake_llm: FakeOpenAIServer
) -> None:
    fake_llm.fail_next(status=503)
    turn = practice.InterviewerTurn(practice_session, llm_for(fake_llm), PROFILE)
    assert asyncio.run(collect(turn)) == []
    assert "No language model answered" in turn.error
    assert practice.messages_of(session, practice_session) == []


def test_scores_cover_every_answer_and_a_wrong_count_is_asked_again(
    session: Session, practice_session: int, fake_llm: FakeOpenAIServer
) -> None:
    fake_llm.queue_text(QUESTION)
    asyncio.run(collect(practice.InterviewerTurn(practice_session, llm_for(fake_llm), PROFILE)))
    practice.add_answer(session, practice_session, "Billing lagged; I moved it to Kafka.")
    practice.add_answer(session, practice_session, "Idempotency keys per event.")
    session.commit()
    score = {
        "question": "Q",
        "situation": 4,
        "task": 3,
        "action": 5,
        "result": 2,
        "relevance": 4,
        "improvement": "Say the result as a number: lag 3 h → 4 s.",
    }
    fake_llm.queue_json({"answers": [score]})  # one score for two answers
    fake_llm.queue_json({"answers": [score, {**score, "result": 5}]})

    scores = asyncio.run(practice.score_session(practice_session, llm=llm_for(fake_llm)))

    assert [s["result"] for s in scores] == [2, 5]
    assert len(fake_llm.requests) == 3
    assert "answers" in json.dumps(fake_llm.requests[-1]["messages"]), "re-asked with the validation error"
    stored = practice.get_session(session, practice_session)
    session.refresh(stored)
    assert stored.ended_at is not None
    with pytest.raises(InvalidInput, match="has been scored"):
        practice.add_answer(session, practice_session, "one more")


def test_scoring_an_empty_session_is_refused(practice_session: int, fake_llm: FakeOpenAIServer) -> None:
    with pytest.raises(InvalidInput, match="Answer at least one question"):
        asyncio.run(practice.score_session(practice_session, llm=llm_for(fake_llm)))


def test_the_transcript_is_appended_to_the_notes_once(
    session: Session, practice_session: int, fake_llm: FakeOpenAIServer
) -> None:
    fake_llm.queue_text(QUESTION)
    asyncio.run(collect(practice.InterviewerTurn(practice_session, llm_for(fake_llm), PROFILE)))
    practice.add_answer(session, practice_session, "Billing lagged; I moved it to Kafka.")
    interview = practice.append_to_notes(session, practice_session)
    session.commit()
    assert f"Interviewer: {QUESTION}" in interview.notes
    assert "Me: Billing lagged; I moved it to Kafka." in interview.notes
    with pytest.raises(InvalidInput, match="already in the interview's notes"):
        practice.append_to_notes(session, practice_session)
    with db.session_scope() as check:
        stored = check.get(Interview, interview.id)
        assert stored is not None
        assert stored.notes.startswith("Practice session")


def test_empty_answers_are_refused(session: Session, practice_session: int) -> None:
    with pytest.raises(InvalidInput, match="Type your answer first"):
        practice.add_answer(session, practice_session, "   ")
