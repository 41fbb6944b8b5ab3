"""Between the rounds, in Chromium: the reflection after a round, a follow-up drafted and copied, the question bank."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from peregrine import db
from peregrine.domain.reflection import Reflection
from peregrine.domain.stages import Stage
from peregrine.models import Interview, Job
from peregrine.services import interviews
from tests import factories
from tests.fakes.openai_server import FakeOpenAIServer

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("clean_db")]

FOLLOW_UP = {
    "subject": "Following up: Data Engineer application",
    "body": "Hello Kim,\n\nI wanted to follow up on my application. Is there any news on the next steps?\n\nBest,\nAda",
}


@pytest.fixture
def fresh_llm(session_llm: FakeOpenAIServer) -> Iterator[FakeOpenAIServer]:
    session_llm.reset()
    yield session_llm
    session_llm.reset()


def job_with_round(**round_fields: object) -> tuple[int, int]:
    job_id = factories.seed_job("Acme", "Data Engineer", Stage.INTERVIEWING)
    with db.session_scope() as session:
        interview_id = factories.new_round(
            session, job_id, "Deep dive", kind="technical", scheduled_at=datetime.now(UTC) - timedelta(hours=3)
        )
        interview = session.get(Interview, interview_id)
        assert interview is not None
        for name, value in round_fields.items():
            setattr(interview, name, value)
    return job_id, interview_id


def test_a_past_round_asks_for_its_reflection_and_keeps_it(page: Page, app_url: str) -> None:
    job_id, interview_id = job_with_round(notes="My own notes.")
    page.goto(f"{app_url}/applications/{job_id}")
    rounds = page.get_by_role("region", name="Interview rounds")

    rounds.get_by_role("button", name="Write the reflection on Deep dive").click(timeout=30_000)
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Questions you were asked (one a line)").fill("How do you partition a Kafka topic?")
    dialog.get_by_label("What went well").fill("The SQL part.")
    dialog.get_by_label("Where you were unsure").fill("Exactly-once delivery.")
    confidence = dialog.get_by_label("Confidence per topic, 1 to 5 (one a line: “Kafka: 2”)")
    confidence.fill("Kafka: 2\nSQL 9")
    dialog.get_by_role("button", name="Save reflection").click()
    expect(dialog.get_by_role("alert")).to_contain_text("SQL is rated 9; a confidence is 1 to 5")
    expect(confidence).to_have_value("Kafka: 2\nSQL 9")  # what was typed stays beside the reason

    confidence.fill("Kafka: 2\nSQL: 4")
    dialog.get_by_role("button", name="Save reflection").click()
    expect(dialog).to_be_hidden()
    expect(rounds).to_contain_text("Confidence Kafka 2/5, SQL 4/5")
    expect(rounds.get_by_role("button", name="Write the reflection on Deep dive")).to_be_hidden()
    with db.session_scope() as session:
        stored = interviews.get_round(session, interview_id)
        assert Reflection.of(stored.reflection).weak_spots == ["Kafka"]
        assert stored.questions_asked == ["How do you partition a Kafka topic?"]
        assert stored.notes == "My own notes."


def test_the_follow_up_link_opens_the_draft_written_by_the_model_and_copies_it(
    page: Page, app_url: str, fresh_llm: FakeOpenAIServer
) -> None:
    job_id = factories.seed_job("Acme", "Data Engineer", Stage.APPLIED)
    with db.session_scope() as session:
        job = session.get(Job, job_id)
        assert job is not None
        job.recruiter = "Kim Park <kim@acme.io>"
    fresh_llm.queue_json(FOLLOW_UP)

    page.goto(f"{app_url}/applications/{job_id}?draft=follow_up")
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_role("heading", name="Follow-up after silence")).to_be_visible(timeout=30_000)
    body = dialog.get_by_label("Email")
    expect(body).to_have_value(FOLLOW_UP["body"])
    expect(dialog.get_by_label("Subject")).to_have_value(FOLLOW_UP["subject"])
    body.fill(FOLLOW_UP["body"] + "\nP.S. Happy to share more.")
    mail_link = dialog.get_by_role("link", name="Open the draft in your mail program")
    # the edit has reached the draft (the mail link is built from it) before Copy is pressed
    expect(mail_link).to_have_attribute("href", re.compile(r"%0D%0AP\.S\.%20Happy"))
    href = mail_link.get_attribute("href") or ""
    assert href.startswith("mailto:kim@acme.io?subject=Following%20up%3A%20Data%20Engineer%20application&body=Hello")

    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    dialog.get_by_role("button", name="Copy").click()
    expect(page.get_by_text("Copied the draft. Nothing was sent.")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == FOLLOW_UP["body"] + "\nP.S. Happy to share more."


def test_the_question_bank_finds_a_question_asked_in_a_round(page: Page, app_url: str) -> None:
    job_with_round(questions_asked=["How do you partition a Kafka topic?", "Tell me about a time you failed"])

    page.goto(f"{app_url}/questions")
    expect(page.get_by_role("heading", name="Question bank")).to_be_visible(timeout=30_000)
    expect(page.get_by_role("status").filter(has_text="2 of 2 questions match")).to_be_visible()
    page.get_by_label("Search the questions").fill("kafka")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("status").filter(has_text="1 of 2 questions match")).to_be_visible()
    found = page.locator(".bank-list").get_by_role("listitem")
    expect(found).to_have_count(1)
    expect(found).to_contain_text("How do you partition a Kafka topic?")
    expect(found).to_contain_text("System design")  # "partition" is a system-design word
    expect(found.get_by_role("link", name="Acme — Data Engineer · Deep dive")).to_be_visible()
