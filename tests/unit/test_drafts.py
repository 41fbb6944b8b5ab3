"""Emails drafted by the model: what the prompt carries, the recipient, the `mailto:` link, no backend."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlmodel import Session

from peregrine.config import UserProfile
from peregrine.domain.drafts import DraftKind, email_address, mailto_link
from peregrine.llm.client import LLMClient, LLMUnavailable
from peregrine.llm.settings import LLMBackend, LLMSettings
from peregrine.models import Candidate, Job
from peregrine.services import drafts
from peregrine.services.errors import InvalidInput, NotFound
from peregrine.services.interviews import record_outcome
from tests.factories import new_job, new_round
from tests.fakes.openai_server import FakeOpenAIServer

PROFILE = UserProfile(name="Ada Lovelace")
NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
ANSWER = {"subject": "Thank you — Data Engineer interview", "body": "Dear Sam,\n\nThank you for today.\n\nBest,\nAda"}


def llm_for(server: FakeOpenAIServer) -> LLMClient:
    return LLMClient(LLMSettings(backends=(LLMBackend(name="fake", base_url=server.url, model="fake-model"),)))


def test_a_thank_you_note_is_written_from_the_rounds_people_and_notes(
    session: Session, candidate: Candidate, fake_llm: FakeOpenAIServer
) -> None:
    job_id = new_job(session, candidate.id, company="Acme", title="Data Engineer", raw_jd_text="Kafka and dbt.")
    interview_id = new_round(
        session,
        job_id,
        "Streaming deep dive",
        interviewers=[{"name": "Sam Lee <sam@acme.io>", "role": "Staff engineer"}, {"name": "Ana Diaz", "role": ""}],
        scheduled_at=NOW - timedelta(hours=3),
    )
    record_outcome(session, interview_id, outcome="pending", notes="We talked about exactly-once.")
    session.commit()
    fake_llm.queue_json(ANSWER)

    draft = asyncio.run(
        drafts.write_draft(
            job_id, DraftKind.THANK_YOU, candidate_id=candidate.id or 0, llm=llm_for(fake_llm), profile=PROFILE, now=NOW
        )
    )

    assert (draft.subject, draft.body) == (ANSWER["subject"], ANSWER["body"]), "the paragraphs stay as written"
    assert draft.recipient == "sam@acme.io"
    sent = fake_llm.requests[0]
    prompt = sent["messages"][-1]["content"]
    assert "from Ada Lovelace to Sam Lee <sam@acme.io> and Ana Diaz" in prompt
    assert "“Streaming deep dive”" in prompt
    assert "We talked about exactly-once." in prompt
    assert "Kafka and dbt." in prompt
    assert sent["max_tokens"] == 600


def test_a_follow_up_counts_the_days_of_silence_and_writes_to_the_recruiter(
    session: Session, candidate: Candidate, fake_llm: FakeOpenAIServer
) -> None:
    job_id = new_job(session, candidate.id, recruiter="Kim Park <kim@acme.io>")
    job = session.get(Job, job_id)
    assert job is not None
    job.created_at = NOW - timedelta(days=23)
    session.commit()
    fake_llm.queue_json({"subject": "Following up", "body": "Hello Kim, any news on my application?"})

    draft = asyncio.run(
        drafts.write_draft(
            job_id, "follow_up", candidate_id=candidate.id or 0, llm=llm_for(fake_llm), profile=PROFILE, now=NOW
        )
    )

    assert draft.recipient == "kim@acme.io"
    prompt = fake_llm.requests[0]["messages"][-1]["content"]
    assert "to Kim Park about the application" in prompt
    assert "no reply for 23 days" in prompt


def test_with_no_backend_the_draft_says_so_and_the_setup_still_names_the_recipient(
    session: Session, candidate: Candidate
) -> None:
    job_id = new_job(session, candidate.id, recruiter="kim@acme.io")

    with pytest.raises(LLMUnavailable) as refused:
        asyncio.run(
            drafts.write_draft(job_id, "decline_offer", candidate_id=candidate.id or 0, llm=LLMClient(LLMSettings()))
        )

    assert refused.value.nothing_configured
    assert str(refused.value)
    setup = drafts.draft_setup(session, job_id, "decline_offer", candidate_id=candidate.id or 0)
    assert setup.recipient == "kim@acme.io", "the hand-written draft still opens addressed"


def test_a_thank_you_note_needs_a_round_and_another_candidates_job_is_not_found(
    session: Session, candidate: Candidate
) -> None:
    job_id = new_job(session, candidate.id)
    with pytest.raises(InvalidInput, match="add the round first"):
        drafts.draft_setup(session, job_id, DraftKind.THANK_YOU, candidate_id=candidate.id or 0)
    with pytest.raises(NotFound):
        drafts.draft_setup(session, job_id, DraftKind.FOLLOW_UP, candidate_id=(candidate.id or 0) + 1)


def test_the_mailto_link_encodes_every_character_of_the_subject_and_body() -> None:
    body = "Hi Kim & team,\nIs 50% right? #next\n\nDanke schön"
    link = mailto_link("kim@acme.io", "Offer: yes & thanks?", body)

    parts = urlsplit(link)
    query = parse_qs(parts.query)
    assert parts.scheme == "mailto"
    assert parts.path == "kim@acme.io"
    assert query["subject"] == ["Offer: yes & thanks?"]
    assert query["body"] == [body.replace("\n", "\r\n")], "line breaks are CRLF (RFC 6068)"
    assert mailto_link("", "s", "b").startswith("mailto:?subject=s&body=b")
    assert email_address("Kim Park", "Recruiter <kim.park@acme.co.uk>") == "kim.park@acme.co.uk"
