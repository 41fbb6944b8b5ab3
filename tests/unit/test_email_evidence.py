"""No action on a language model's word alone (issue 21): an email moves a job only when the sentence
the model quotes is really in the message and supports the class; otherwise it waits for review with
both readings (the model's class and evidence, and the keyword rules' class).

The model is the fake OpenAI-compatible server on 127.0.0.1 answering what each case scripts.
"""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from peregrine import db
from peregrine.domain import email_rules
from peregrine.domain.email_rules import EmailClass
from peregrine.domain.stages import Stage
from peregrine.llm.client import LLMClient
from peregrine.llm.settings import LLMBackend, LLMSettings
from peregrine.models import EmailMessage
from peregrine.services import jobs
from peregrine.services.candidates import current_candidate
from peregrine.services.email import actions, inbox
from peregrine.services.email.actions import process_pending
from peregrine.services.email.inbox import InboxFilter, InboxItem
from peregrine.services.email.store import store_message
from tests.factories import seed_job
from tests.fakes import mail_samples
from tests.fakes.openai_server import FakeOpenAIServer

INVITE = (
    "Hi Alice,\nThanks for applying to Acme Robotics. We'd like to schedule a phone interview with you next week. "
    "Could you share your availability?\nBest, Dana"
)
REJECTION = (
    "Dear Alice,\nThank you for applying to Acme Robotics. After careful review, we will not be moving forward "
    "with your application.\nWe wish you the best."
)


@pytest.fixture
def candidate_id(db_url: str) -> int:
    with db.session_scope() as session:
        found = current_candidate(session).id
        assert found is not None
        return found


@pytest.fixture
def llm(fake_llm: FakeOpenAIServer) -> LLMClient:
    return LLMClient(
        LLMSettings(backends=(LLMBackend(name="fake", base_url=fake_llm.url, model="fake-model", timeout_s=5),))
    )


def store(candidate_id: int, subject: str, body: str) -> int:
    with db.session_scope() as session:
        message, created = store_message(
            session, candidate_id, mail_samples.plain("dana@acmerobotics.com", subject, body), folder="INBOX"
        )
        assert created
        assert message.id is not None
        return message.id


def stage_of(job_id: int) -> Stage:
    with db.session_scope() as session:
        return Stage(jobs.get_job(session, job_id).stage)


def stored(message_id: int) -> EmailMessage:
    with db.session_scope() as session:
        found = session.exec(select(EmailMessage).where(col(EmailMessage.id) == message_id)).one()
        session.expunge(found)
        return found


def item(candidate_id: int, message_id: int) -> InboxItem:
    with db.session_scope() as session:
        (found,) = [i for i in inbox.list_inbox(session, candidate_id, show=InboxFilter.ALL) if i.id == message_id]
        return found


def in_review(candidate_id: int) -> list[int]:
    with db.session_scope() as session:
        return [i.id for i in inbox.list_inbox(session, candidate_id, show=InboxFilter.REVIEW)]


# ------------------------------------------------------------------------------------- the cases
@pytest.mark.asyncio
async def test_an_interview_request_the_model_calls_a_sure_rejection_is_not_acted_on(
    candidate_id: int, fake_llm: FakeOpenAIServer, llm: LLMClient
) -> None:
    job = seed_job("Acme Robotics", "Robotics Engineer")
    message_id = store(candidate_id, "Next steps", INVITE)
    fake_llm.queue_json(
        {
            "classification": "rejection",
            "confidence": 1.0,
            "evidence": "We'd like to schedule a phone interview with you next week.",
        }
    )

    report = await process_pending(llm=llm)

    assert report.moved == 0
    assert report.review == 1
    assert stage_of(job) is Stage.APPLIED, "a live job is not moved to Rejected on the model's word"
    message = stored(message_id)
    assert (message.classification, message.classified_by, message.action) == ("rejection", "llm", "review")
    assert "The language model read this as Rejection (100% sure)" in message.action_note
    assert "the keyword rules read it as Interview request" in message.action_note
    assert "Nothing moved" in message.action_note
    shown = item(candidate_id, message_id)
    assert (shown.class_label, shown.evidence) == (
        "Rejection",
        "We'd like to schedule a phone interview with you next week.",
    )
    assert (shown.rules_class, shown.rules_label) == ("interview_request", "Interview request")
    assert "schedule a phone interview" in shown.rules_evidence
    assert shown.readings_differ
    assert shown.evidence_in_email
    assert shown.needs_review
    assert shown.can_apply
    assert in_review(candidate_id) == [message_id]
    with db.session_scope() as session:
        assert inbox.email_badges(session, candidate_id) == {job: "review"}


@pytest.mark.asyncio
async def test_a_rejection_the_model_calls_a_survey_with_evidence_that_says_neither_is_not_acted_on(
    candidate_id: int, fake_llm: FakeOpenAIServer, llm: LLMClient
) -> None:
    job = seed_job("Acme Robotics", "Robotics Engineer")
    message_id = store(candidate_id, "Your application", REJECTION)
    fake_llm.queue_json(
        {"classification": "survey_received", "confidence": 1.0, "evidence": "Thank you for applying to Acme Robotics."}
    )

    await process_pending(llm=llm)

    assert stage_of(job) is Stage.APPLIED
    message = stored(message_id)
    assert message.action == "review"
    assert "neither the sentence it quoted nor the keyword rules say survey received" in message.action_note
    assert "the keyword rules read it as Rejection" in message.action_note
    shown = item(candidate_id, message_id)
    assert (shown.class_label, shown.rules_label) == ("Survey received", "Rejection")
    assert shown.readings_differ


@pytest.mark.asyncio
async def test_evidence_that_is_not_in_the_message_is_not_acted_on_even_for_the_right_class(
    candidate_id: int, fake_llm: FakeOpenAIServer, llm: LLMClient
) -> None:
    job = seed_job("Acme Robotics", "Robotics Engineer")
    message_id = store(candidate_id, "Next steps", INVITE)
    fake_llm.queue_json(
        {
            "classification": "interview_request",
            "confidence": 0.9,
            "evidence": "The recruiter invites the candidate to an interview.",  # the model's own words
        }
    )

    await process_pending(llm=llm)

    assert stage_of(job) is Stage.APPLIED
    message = stored(message_id)
    assert message.action == "review"
    assert "quoted a sentence that is not in the email" in message.action_note
    assert message.evidence == "The recruiter invites the candidate to an interview."  # shown as the model said it
    shown = item(candidate_id, message_id)
    assert not shown.evidence_in_email, "the page can say the quote is not the email's"
    assert not shown.readings_differ  # same class, but its word alone is not enough


@pytest.mark.asyncio
async def test_the_right_class_with_quoted_evidence_is_acted_on(
    candidate_id: int, fake_llm: FakeOpenAIServer, llm: LLMClient
) -> None:
    job = seed_job("Acme Robotics", "Robotics Engineer")
    message_id = store(candidate_id, "Next steps", INVITE)
    fake_llm.queue_json(
        {
            "classification": "interview_request",
            "confidence": 0.9,
            # the email's words, with other whitespace, case and quote marks: still the email's
            "evidence": "\u201cwe\u2019d like to  SCHEDULE a phone interview\nwith you next week\u201d",
        }
    )

    report = await process_pending(llm=llm)

    assert report.moved == 1
    assert stage_of(job) is Stage.PHONE_SCREEN
    message = stored(message_id)
    assert message.action == "moved"
    assert message.evidence == "We'd like to schedule a phone interview with you next week."
    shown = item(candidate_id, message_id)
    assert not shown.readings_differ
    assert shown.evidence_in_email
    assert in_review(candidate_id) == []


@pytest.mark.asyncio
async def test_a_sentence_the_rules_cannot_read_alone_is_acted_on_when_the_rules_agree_on_the_message(
    candidate_id: int, fake_llm: FakeOpenAIServer, llm: LLMClient
) -> None:
    job = seed_job("Acme Robotics", "Robotics Engineer", Stage.PHONE_SCREEN)
    message_id = store(
        candidate_id, "Update", "Thank you for your time.\nWe regret to inform you that we chose someone else."
    )
    fake_llm.queue_json({"classification": "rejection", "confidence": 0.95, "evidence": "we chose someone else"})

    await process_pending(llm=llm)

    assert stage_of(job) is Stage.REJECTED
    assert stored(message_id).evidence == "We regret to inform you that we chose someone else."


@pytest.mark.asyncio
async def test_the_user_can_still_apply_a_reading_that_waits_for_review(
    candidate_id: int, fake_llm: FakeOpenAIServer, llm: LLMClient
) -> None:
    job = seed_job("Acme Robotics", "Robotics Engineer")
    message_id = store(candidate_id, "Next steps", INVITE)
    fake_llm.queue_json({"classification": "rejection", "confidence": 1.0, "evidence": "Best, Dana"})
    await process_pending(llm=llm)
    assert stage_of(job) is Stage.APPLIED

    with db.session_scope() as session:
        actions.set_classification(session, message_id, "interview_request", candidate_id=candidate_id)
        outcome = actions.apply_action(session, message_id, candidate_id=candidate_id)

    assert outcome.moved
    assert stage_of(job) is Stage.PHONE_SCREEN


# ------------------------------------------------------------------------------------- the rules behind it
def test_a_quote_must_be_the_messages_own_words() -> None:
    subject, body = "Next steps", INVITE
    assert email_rules.quoted_sentence("schedule a phone interview", subject, body) == (
        "We'd like to schedule a phone interview with you next week."
    )
    assert email_rules.quoted_sentence("We'd like to schedule… your availability?", subject, body) is not None
    assert email_rules.quoted_sentence("We would like to schedule a phone interview", subject, body) is None
    assert email_rules.quoted_sentence("phone", subject, body) is None, "a word or two proves nothing"
    assert email_rules.quoted_sentence("", subject, body) is None


@pytest.mark.parametrize(
    ("classification", "evidence", "supported"),
    [
        (EmailClass.INTERVIEW_REQUEST, "Could you share your availability?", True),  # rules agree and it says so
        (EmailClass.REJECTION, "Could you share your availability?", False),
        (EmailClass.OFFER, "Thanks for applying to Acme Robotics.", False),
        (EmailClass.INTERVIEW_REQUEST, "", False),
        (EmailClass.OTHER, "", True),  # nothing to act on anyway
    ],
)
def test_corroborate(classification: EmailClass, evidence: str, supported: bool) -> None:
    check = email_rules.corroborate(classification, evidence, "Next steps", INVITE)

    assert check.supported is supported
    assert bool(check.reason) is not supported
    assert check.rules.classification is EmailClass.INTERVIEW_REQUEST


def test_a_quoted_sentence_can_carry_its_class_when_the_rules_read_the_message_otherwise() -> None:
    body = (
        "We regret to inform you that the Berlin role has been filled. We would like to extend you an offer for London."
    )
    check = email_rules.corroborate(EmailClass.OFFER, "We would like to extend you an offer for London.", "News", body)
    assert check.rules.classification is EmailClass.REJECTION
    assert check.supported
    assert EmailClass.OFFER in email_rules.signals(check.quoted)
    assert email_rules.signals("Let us know about the interview.") == frozenset(), "a lone word is not a signal"
