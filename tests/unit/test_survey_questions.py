"""Splitting survey text into questions: numbered, wrapped, with options, or bare statements."""

from __future__ import annotations

import pytest

from peregrine.domain.survey_questions import MAX_QUESTIONS, split_questions


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "Culture survey\n\n1. Why do you want to work at Acme?\n\n2. How do you handle disagreement?\n\n"
            "3. What motivates you at work?",
            ["Why do you want to work at Acme?", "How do you handle disagreement?", "What motivates you at work?"],
            id="numbered, the title dropped",
        ),
        pytest.param(
            "Why do you want to work\nat Acme?\nStrongly agree\nAgree\nDisagree\nWhat is your notice period?",
            ["Why do you want to work at Acme?\nStrongly agree\nAgree\nDisagree", "What is your notice period?"],
            id="a wrapped question with its options",
        ),
        pytest.param(
            "1. Describe your ideal manager.\n2. Rate your Python skills\n- Beginner\n- Expert\n3. Anything else?",
            ["Describe your ideal manager.", "Rate your Python skills\nBeginner\nExpert", "Anything else?"],
            id="numbered statements and bulleted options",
        ),
        pytest.param(
            "Please answer honestly.\n\nHow often do you work late?\n\n( ) Never\n( ) Sometimes\n\n"
            "Tell us about a conflict you resolved.",
            ["How often do you work late?\nNever\nSometimes", "Tell us about a conflict you resolved."],
            id="options in a block of their own, then a statement",
        ),
        pytest.param(
            "Q1: What is 3.5 times two?\nQuestion 2 - Where are you based?",
            ["What is 3.5 times two?", "Where are you based?"],
            id="Q1: and Question 2 -",
        ),
        pytest.param(
            "I enjoy working in a team.\n\nI like clear deadlines.",
            ["I enjoy working in a team.", "I like clear deadlines."],
            id="no question marks at all: every block is one",
        ),
        pytest.param("  \n\n \r\n", [], id="nothing"),
    ],
)
def test_split_questions(text: str, expected: list[str]) -> None:
    assert split_questions(text) == expected


def test_a_very_long_survey_is_capped() -> None:
    text = "\n".join(f"{n}. Question number {n}?" for n in range(1, 100))
    assert len(split_questions(text)) == MAX_QUESTIONS
