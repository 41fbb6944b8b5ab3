"""The keyword rules and the seed's table of what each class of email does to a job."""

from __future__ import annotations

import pytest

from peregrine.domain.email_rules import (
    DEFAULT_MIN_CONFIDENCE,
    EmailClass,
    classify,
    email_move,
    sentences,
)
from peregrine.domain.stages import Stage


@pytest.mark.parametrize(
    ("subject", "body", "expected", "evidence"),
    [
        (
            "Interview invitation",
            "Hi Alice,\nThanks for applying. We would like to schedule a 30-minute phone interview with you. "
            "Please send your availability.",
            EmailClass.INTERVIEW_REQUEST,
            "We would like to schedule a 30-minute phone interview with you.",
        ),
        (
            "Your application",
            "Thank you for interviewing with us. Unfortunately, we have decided to move forward with other "
            "candidates. We wish you the best.",
            EmailClass.REJECTION,
            "Unfortunately, we have decided to move forward with other candidates.",
        ),
        (
            "Good news",
            "We are delighted to offer you the position of Robotics Engineer. Your offer letter is attached.",
            EmailClass.OFFER,
            "We are delighted to offer you the position of Robotics Engineer.",
        ),
        (
            "Next step",
            "Before we go further, please complete the following culture fit survey by Friday.",
            EmailClass.SURVEY_RECEIVED,
            "Before we go further, please complete the following culture fit survey by Friday.",
        ),
        ("Our November newsletter", "Ten tips for a tidy desk. Read more on our blog.", EmailClass.OTHER, ""),
    ],
)
def test_each_class_with_the_sentence_that_decided_it(
    subject: str, body: str, expected: EmailClass, evidence: str
) -> None:
    verdict = classify(subject, body)

    assert verdict.classification is expected
    assert verdict.evidence == evidence
    if expected is not EmailClass.OTHER:
        assert verdict.confidence >= DEFAULT_MIN_CONFIDENCE


def test_a_refusal_that_mentions_an_offer_is_a_rejection() -> None:
    verdict = classify("Re: Robotics Engineer", "We are not able to offer you the role at this time.")

    assert verdict.classification is EmailClass.REJECTION
    assert verdict.evidence == "We are not able to offer you the role at this time."


def test_a_lone_keyword_is_not_sure_enough_to_move_anything() -> None:
    verdict = classify("Reschedule", "Unfortunately we need to reschedule your interview.")

    assert verdict.confidence < DEFAULT_MIN_CONFIDENCE


def test_agreeing_sentences_raise_the_confidence() -> None:
    one = classify("", "Could we schedule a call?")
    two = classify("Let's schedule a call", "Could we schedule a call? What is your availability next week?")

    assert two.confidence > one.confidence


def test_sentences_split_at_line_breaks_and_full_stops() -> None:
    assert sentences("Hi Alice,\nThanks. We liked it! Next: 2 rounds?  Yes") == [
        "Hi Alice,",
        "Thanks.",
        "We liked it!",
        "Next: 2 rounds?",
        "Yes",
    ]


@pytest.mark.parametrize(
    ("current", "classification", "target"),
    [
        (Stage.APPLIED, EmailClass.INTERVIEW_REQUEST, Stage.PHONE_SCREEN),
        (Stage.SURVEY, EmailClass.INTERVIEW_REQUEST, Stage.PHONE_SCREEN),
        (Stage.PHONE_SCREEN, EmailClass.INTERVIEW_REQUEST, None),
        (Stage.INTERVIEWING, EmailClass.INTERVIEW_REQUEST, None),
        (Stage.APPLIED, EmailClass.REJECTION, Stage.REJECTED),
        (Stage.INTERVIEWING, EmailClass.REJECTION, Stage.REJECTED),
        (Stage.OFFER, EmailClass.REJECTION, Stage.REJECTED),
        (Stage.INTERVIEWING, EmailClass.OFFER, Stage.OFFER),
        (Stage.APPLIED, EmailClass.OFFER, Stage.OFFER),
        (Stage.OFFER, EmailClass.OFFER, None),
        (Stage.APPLIED, EmailClass.SURVEY_RECEIVED, Stage.SURVEY),
        (Stage.PHONE_SCREEN, EmailClass.SURVEY_RECEIVED, None),
        (Stage.APPLIED, EmailClass.OTHER, None),
        # Never out of Hired or Rejected, not even the restore that the move rules would allow.
        (Stage.HIRED, EmailClass.REJECTION, None),
        (Stage.HIRED, EmailClass.OFFER, None),
        (Stage.REJECTED, EmailClass.INTERVIEW_REQUEST, None),
        (Stage.REJECTED, EmailClass.OFFER, None),
    ],
)
def test_the_seed_table_and_never_backwards(current: Stage, classification: EmailClass, target: Stage | None) -> None:
    move = email_move(current, classification)

    assert move.target is target
    assert move.note


def test_the_reason_says_why_nothing_moves() -> None:
    assert "never moves a job backwards" in email_move(Stage.INTERVIEWING, EmailClass.INTERVIEW_REQUEST).note
    assert "already in Phone screen" in email_move(Stage.PHONE_SCREEN, EmailClass.INTERVIEW_REQUEST).note
    assert "Hired" in email_move(Stage.HIRED, EmailClass.REJECTION).note
