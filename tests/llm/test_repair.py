"""Ratings and counts a model returns out of range are repaired, not a failed run (issue 21).

First at the schema (what each answer becomes), then through the fake OpenAI-compatible server: the
answer a small model really gave is accepted on the first request, with no re-ask.
"""

from __future__ import annotations

from typing import Any

import pytest

from peregrine.llm.prompts import company_research, email_classify, interview_prep, practice
from tests.fakes.fixtures import WriteLLMConfig
from tests.fakes.openai_server import FakeOpenAIServer
from tests.llm.people import client_for

SCORE: dict[str, Any] = {
    "question": "Tell me about the ledger pipeline.",
    "situation": 4,
    "task": 3,
    "action": 5,
    "result": 2,
    "relevance": 4,
    "improvement": "Say the result as a number: lag 3 h to 4 s.",
}
CLAIM = {"text": "Acme Robotics builds warehouse robots.", "sources": [1]}
MESSAGES = [{"role": "user", "content": "Score it."}]


@pytest.mark.parametrize(
    ("given", "kept"),
    [(6, 5), (0, 1), (-3, 1), (4.6, 5), ("4", 4), ("4/5", 4), ("5 out of 5", 5), ([3, 4], 3), (3, 3)],
)
def test_a_rating_out_of_the_1_to_5_scale_is_held_to_it(given: Any, kept: int) -> None:
    scores = practice.scores_schema(1).model_validate({"answers": [{**SCORE, "result": given}]})

    assert scores.answers[0].result == kept


def test_two_improvements_where_one_was_asked_for_keep_the_first() -> None:
    twice = {**SCORE, "improvement": ["Say the result as a number.", "Cut the preamble."]}

    scores = practice.scores_schema(1).model_validate({"answers": [twice]})

    assert scores.answers[0].improvement == "Say the result as a number."


def test_a_rating_that_is_no_number_still_fails() -> None:
    with pytest.raises(ValueError, match="result"):
        practice.scores_schema(1).model_validate({"answers": [{**SCORE, "result": "great"}]})


def test_scores_beyond_the_answers_given_are_dropped_and_too_few_still_fail() -> None:
    schema = practice.scores_schema(1)

    scores = schema.model_validate({"answers": [SCORE, {**SCORE, "result": 5}]})

    assert [score.result for score in scores.answers] == [2]
    with pytest.raises(ValueError, match="at least 2"):
        practice.scores_schema(2).model_validate({"answers": [SCORE]})


def test_the_schema_sent_to_the_model_keeps_its_bounds() -> None:
    rating = practice.AnswerScore.model_json_schema()["properties"]["result"]
    confidence = email_classify.EmailClassification.model_json_schema()["properties"]["confidence"]

    assert (rating["minimum"], rating["maximum"]) == (1, 5)
    assert (confidence["minimum"], confidence["maximum"]) == (0.0, 1.0)


@pytest.mark.parametrize(
    ("given", "kept"),
    [(85, 0.85), ("90%", 0.9), (1.7, 1.0), (-0.2, 0.0), ([0.4, 0.9], 0.4), (0.7, 0.7)],
)
def test_an_email_confidence_out_of_0_to_1_is_held_to_it(given: Any, kept: float) -> None:
    answer = email_classify.EmailClassification.model_validate({"classification": "rejection", "confidence": given})

    assert answer.confidence == pytest.approx(kept)


def test_a_brief_drops_claims_citing_nothing_and_keeps_at_most_eight_a_section() -> None:
    schema = company_research.brief_schema(accessibility=True, lgbtq=False)

    brief = schema.model_validate(
        {
            "overview": [CLAIM] * 11 + [{"text": "Cites nothing.", "sources": []}],
            "leadership": [{"text": "Dana Wu is the CEO.", "sources": 2}, {"text": "No sources key."}],
            "accessibility": [{"text": "An accessibility statement.", "sources": None}, CLAIM],
        }
    )

    assert len(brief.overview) == 8
    assert [claim.sources for claim in brief.leadership] == [[2]]
    assert [claim["text"] for claim in brief.model_dump()["accessibility"]] == [CLAIM["text"]]


def test_a_prep_section_with_one_question_too_many_keeps_the_first_five() -> None:
    asked = [{"question": f"What would you change in release {n}?", "rationale": "ownership"} for n in range(6)]
    section = interview_prep.QuestionsToAsk.model_validate({"questions": asked})

    assert [question.question for question in section.questions] == [entry["question"] for entry in asked[:5]]
    assert interview_prep.QuestionsToAsk.model_json_schema()["properties"]["questions"]["maxItems"] == 5


def test_a_claim_too_long_is_cut_and_one_too_short_is_dropped() -> None:
    long_text = "Acme builds warehouse robots that " + "carry boxes and " * 60 + "never stop."

    brief = company_research.CompanyBrief.model_validate(
        {"overview": [{"text": long_text, "sources": [1]}, {"text": "ok", "sources": [1]}, CLAIM]}
    )

    first, second = brief.overview
    assert len(first.text) <= 600
    assert first.text.startswith("Acme builds warehouse robots that carry boxes and")
    assert first.text.endswith("…")
    assert second.text == CLAIM["text"]


@pytest.mark.asyncio
async def test_a_score_of_6_and_a_second_answer_are_accepted_without_asking_again(
    fake_llm: FakeOpenAIServer, llm_config_dir: WriteLLMConfig
) -> None:
    fake_llm.queue_json({"answers": [{**SCORE, "situation": 6, "relevance": 0}, SCORE]})

    scores = await client_for(llm_config_dir, fake_llm).structured(practice.scores_schema(1), MESSAGES)

    assert [(s.situation, s.relevance) for s in scores.answers] == [(5, 1)]
    assert len(fake_llm.requests) == 1


@pytest.mark.asyncio
async def test_an_email_confidence_given_as_a_percentage_is_read_as_one(
    fake_llm: FakeOpenAIServer, llm_config_dir: WriteLLMConfig
) -> None:
    fake_llm.queue_json({"classification": "interview_request", "confidence": 95, "evidence": "Are you free?"})

    answer = await client_for(llm_config_dir, fake_llm).structured(email_classify.EmailClassification, MESSAGES)

    assert answer.confidence == pytest.approx(0.95)
    assert len(fake_llm.requests) == 1
