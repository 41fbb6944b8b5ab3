"""The question bank: filled from the preps and rounds, tagged, searched, best answers kept, the weakest."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from peregrine.config import UserProfile
from peregrine.domain.question_tags import QuestionTag, tag_question
from peregrine.models import Candidate, Interview, InterviewPrep, PracticeSession, utcnow
from peregrine.services import practice, question_bank
from peregrine.services.errors import InvalidInput, NotFound
from tests.factories import new_job, new_round


@pytest.mark.parametrize(
    ("question", "round_kind", "tag"),
    [
        ("Design a rate limiter for our public API", "", QuestionTag.SYSTEM_DESIGN),
        ("Tell me about a time you disagreed with your manager", "", QuestionTag.BEHAVIORAL),
        ("Why do you want to work here?", "", QuestionTag.CULTURE),
        ("How would you speed up a slow SQL query?", "", QuestionTag.TECHNICAL),
        ("Walk me through the ledger reconciliation", "", QuestionTag.ROLE_SPECIFIC),
        ("Walk me through the ledger reconciliation", "technical", QuestionTag.TECHNICAL),
    ],
)
def test_keyword_rules_tag_a_question_and_the_rounds_kind_decides_the_rest(
    question: str, round_kind: str, tag: QuestionTag
) -> None:
    assert tag_question(question, round_kind) is tag


def seed(session: Session, candidate: Candidate) -> tuple[int, int]:
    job_id = new_job(session, candidate.id, company="Acme", title="Data Engineer")
    interview_id = new_round(session, job_id, "Deep dive", kind="technical")
    interview = session.get(Interview, interview_id)
    assert interview is not None
    interview.questions_asked = ["How do you partition a Kafka topic?", "Tell me about a time you failed"]
    interview.reflection = {"confidence": {"Kafka": 2, "Culture": 5}, "at": "2026-12-04T12:00:00+00:00"}
    session.add(InterviewPrep(interview_id=interview_id, predicted=["Why this company?", "What is 100% uptime_ratio?"]))
    session.commit()
    return job_id, interview_id


def test_the_bank_holds_every_predicted_and_asked_question_and_searches_them(
    session: Session, candidate: Candidate
) -> None:
    _, interview_id = seed(session, candidate)
    owner = candidate.id or 0

    assert question_bank.sync_bank(session, candidate_id=owner) == 4
    every, matched = question_bank.search(session, candidate_id=owner)
    assert matched == 4
    assert [line.source for line in every] == ["asked", "asked", "predicted", "predicted"], "asked first"
    assert every[0].where == "Acme — Data Engineer · Deep dive"

    found, _ = question_bank.search(session, candidate_id=owner, words="kafka PARTITION")
    assert [line.text for line in found] == ["How do you partition a Kafka topic?"]
    behavioral, _ = question_bank.search(session, candidate_id=owner, tag="behavioral")
    assert [line.text for line in behavioral] == ["Tell me about a time you failed"]
    literal, _ = question_bank.search(session, candidate_id=owner, words="100%")
    assert [line.text for line in literal] == ["What is 100% uptime_ratio?"], "% and _ are searched as typed"
    assert question_bank.search(session, candidate_id=owner, words="%")[1] == 1
    assert question_bank.search(session, candidate_id=owner + 1)[1] == 0, "another candidate sees none"

    with pytest.raises(InvalidInput, match="not a tag"):
        question_bank.search(session, candidate_id=owner, tag="gossip")

    question_bank.save_best_answer(session, found[0].id, "  Key by account id.  ", candidate_id=owner)
    interview = session.get(Interview, interview_id)
    assert interview is not None
    interview.questions_asked = [*interview.questions_asked[:1], "A new question about Postgres indexes"]
    session.commit()
    assert question_bank.sync_bank(session, candidate_id=owner) == 4
    kept, _ = question_bank.search(session, candidate_id=owner, words="kafka")
    assert kept[0].best_answer == "Key by account id.", "a best answer survives a sync"
    assert question_bank.search(session, candidate_id=owner, words="failed")[1] == 0, "a removed question goes"

    with pytest.raises(NotFound):
        question_bank.save_best_answer(session, found[0].id, "mine", candidate_id=owner + 1)
    with pytest.raises(InvalidInput, match="The best answer is"):
        question_bank.save_best_answer(session, found[0].id, "x" * 9_000, candidate_id=owner)


def test_the_weakest_are_ranked_by_reflection_confidence_and_practice_scores(
    session: Session, candidate: Candidate
) -> None:
    _, interview_id = seed(session, candidate)
    owner = candidate.id or 0
    poor = {"situation": 1, "task": 1, "action": 2, "result": 1, "relevance": 1}
    session.add(
        PracticeSession(
            interview_id=interview_id,
            ended_at=None,
            scores=[{"question": "Why would you pick this company?", **poor}],
        )
    )
    session.commit()
    question_bank.sync_bank(session, candidate_id=owner)

    assert [line.text for line in question_bank.weakest(session, candidate_id=owner)] == [
        "How do you partition a Kafka topic?"
    ], "an unscored practice is no evidence; the Kafka confidence of 2 is"

    practice = session.exec(select(PracticeSession)).one()
    practice.ended_at = utcnow()
    session.commit()
    assert [line.text for line in question_bank.weakest(session, candidate_id=owner)] == [
        "Why this company?",
        "How do you partition a Kafka topic?",
    ]


def test_a_practice_interview_draws_on_the_jobs_weakest_questions(session: Session, candidate: Candidate) -> None:
    job_id, _ = seed(session, candidate)
    next_round = new_round(session, job_id, "Onsite", kind="technical")

    started = practice.start_session(session, next_round)
    session.commit()

    system = practice.interviewer_messages(session, started.id or 0, UserProfile(name="Ada"))[0]["content"]
    assert "Questions that went worst before: ask some of them again\n- How do you partition a Kafka topic?" in system
    assert "Tell me about a time you failed" not in system, "a question nothing says went badly is not singled out"
