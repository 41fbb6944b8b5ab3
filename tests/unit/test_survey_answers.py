"""Survey answers per question (issue 21): each question is its own call, so one bad answer never
loses the rest. An answer that is empty or not about its question fails that question alone, with
its reason; the question keeps its earlier answer and can be retried by itself.

The model is the fake OpenAI-compatible server on 127.0.0.1; the database a real SQLite file.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session

from peregrine.domain.survey_questions import answer_problem
from peregrine.llm.client import LLMClient, LLMUnavailable
from peregrine.llm.settings import LLMSettings
from peregrine.models import Candidate
from peregrine.services import survey
from peregrine.services.errors import InvalidInput
from tests.fakes.openai_server import FakeOpenAIServer
from tests.unit.test_survey import PROFILE, answer_text, job_in_survey, queue_answers, stored

PASTED = """1. Why do you want to work at Acme?
2. How do you handle disagreement with a teammate?
3. What motivates you?"""


@pytest.fixture
def survey_id(
    session: Session, candidate: Candidate, fake_llm: FakeOpenAIServer, llm_config_dir: Callable[..., Path]
) -> int:
    llm_config_dir(fake_llm)
    started = survey.start_survey(session, job_in_survey(session, candidate), pasted_text=PASTED)
    session.commit()
    return started.id or 0


def suggest(survey_id: int, **options: Any) -> list[dict[str, str]]:
    return asyncio.run(survey.suggest_answers(survey_id, llm=LLMClient(), profile=PROFILE, **options))


def test_an_empty_answer_fails_its_question_and_the_others_are_kept(survey_id: int, fake_llm: FakeOpenAIServer) -> None:
    fake_llm.queue_json({"answer": answer_text(1), "rationale": "Fits."})
    fake_llm.queue_json({})  # a small model's answer that says nothing
    fake_llm.queue_json({"answer": answer_text(3), "rationale": "Fits."})

    answered = suggest(survey_id)

    assert [item["answer"] for item in answered] == [answer_text(1), "", answer_text(3)]
    assert [item["error"] for item in answered] == ["", "The language model's answer was empty.", ""]
    saved = stored(survey_id)
    assert (saved.status, saved.error) == (survey.ANSWERED, "")


def test_an_answer_not_about_its_question_fails_and_keeps_the_earlier_answer(
    survey_id: int, fake_llm: FakeOpenAIServer
) -> None:
    queue_answers(fake_llm, 3, " first")
    suggest(survey_id)
    fake_llm.queue_json({"answer": "example", "rationale": "example"})
    fake_llm.queue_json({"answer": "I talk it through and we test both ideas.", "rationale": "Calm."})
    fake_llm.queue_json({"answer": "Yes.", "rationale": "Short."})  # no shared word, but a plain answer

    answered = suggest(survey_id)

    first, second, third = answered
    assert first["answer"] == answer_text(1, " first"), "the earlier answer stays"
    assert "not about this question" in first["error"]
    assert "“example”" in first["error"]
    assert (second["answer"], second["error"]) == ("I talk it through and we test both ideas.", "")
    assert (third["answer"], third["error"]) == ("Yes.", "")


def test_retry_this_question_asks_for_that_one_alone(survey_id: int, fake_llm: FakeOpenAIServer) -> None:
    fake_llm.fail_next(status=500, message="model overloaded")  # the first question's call...
    fake_llm.queue_json({})  # ...which takes the next queued answer with it, as the fake does
    fake_llm.queue_json({"answer": answer_text(2), "rationale": "Fits."})
    fake_llm.queue_json({"answer": answer_text(3), "rationale": "Fits."})
    answered = suggest(survey_id)
    assert "model overloaded" in answered[0]["error"]
    assert [item["answer"] for item in answered[1:]] == [answer_text(2), answer_text(3)], "the rest are kept"
    sent_before = len(fake_llm.requests)
    fake_llm.queue_json({"answer": "Acme's telemetry work is the work I do best.", "rationale": "Fits."})
    shown: list[int] = []

    async def on_answer(index: int) -> None:
        shown.append(index)

    retried = suggest(survey_id, only=0, on_answer=on_answer)

    assert len(fake_llm.requests) == sent_before + 1
    assert "Why do you want to work at Acme?" in str(fake_llm.requests[-1]["messages"])
    assert shown == [0]
    assert [item["answer"] for item in retried] == [
        "Acme's telemetry work is the work I do best.",
        answer_text(2),
        answer_text(3),
    ]
    assert [item["error"] for item in retried] == ["", "", ""]


def test_each_answer_is_saved_as_it_comes(survey_id: int, fake_llm: FakeOpenAIServer) -> None:
    queue_answers(fake_llm, 3)
    seen: list[list[str]] = []

    async def on_answer(index: int) -> None:
        seen.append([item["answer"] for item in stored(survey_id).questions])

    suggest(survey_id, on_answer=on_answer)

    assert seen == [
        [answer_text(1), "", ""],
        [answer_text(1), answer_text(2), ""],
        [answer_text(1), answer_text(2), answer_text(3)],
    ]


def test_a_question_no_longer_in_the_survey_is_refused(survey_id: int, fake_llm: FakeOpenAIServer) -> None:
    queue_answers(fake_llm, 3)
    suggest(survey_id)

    with pytest.raises(InvalidInput, match="no longer in this survey"):
        suggest(survey_id, only=3)
    with pytest.raises(InvalidInput, match="no longer in this survey"):
        suggest(survey_id, only=-1)


def test_no_model_configured_says_so_on_the_survey(survey_id: int, fake_llm: FakeOpenAIServer) -> None:
    with pytest.raises(LLMUnavailable):
        asyncio.run(survey.suggest_answers(survey_id, llm=LLMClient(LLMSettings()), profile=PROFILE))

    assert stored(survey_id).error != ""
    assert fake_llm.requests == []


@pytest.mark.parametrize(
    ("question", "answer", "fails"),
    [
        ("Why do you want to work at Acme?", "", True),
        ("Why do you want to work at Acme?", "   \n", True),
        ("Why do you want to work at Acme?", "example", True),
        ("Why do you want to work at Acme?", "I like boats.", True),
        ("Why do you want to work at Acme?", "I like boats and sailing them.", True),
        ("How do you handle disagreement?", "I talk it through and we test both ideas.", False),
        ("Why do you want to work at Acme?", "Acme's telemetry work is what I do best.", False),
        ("Are you authorized to work in the US?", "Yes.", False),
        ("Are you authorized to work in the US?", "No, I would need a visa.", False),
        ("How often do you want feedback?\nWeekly\nMonthly", "Weekly.", False),
        ("What motivates you?", "Being motivated by people is my thing.", False),
        ("What motivates you?", "Shipping something that helps a person at the end of a long day, every week.", False),
    ],
)
def test_an_answer_is_no_answer_when_empty_or_short_and_unrelated(question: str, answer: str, fails: bool) -> None:
    assert bool(answer_problem(question, answer)) is fails
