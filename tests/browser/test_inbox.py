"""The inbox in the browser: what each email did, choosing a job, apply, undo, the card's mail badge;
and the Settings page's IMAP section against a real IMAP server (pymap) on 127.0.0.1."""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pytest
import yaml
from playwright.sync_api import Page, expect

from peregrine import db
from peregrine.domain.stages import Stage
from peregrine.llm.client import LLMClient
from peregrine.llm.settings import LLMBackend, LLMSettings
from peregrine.services.candidates import current_candidate
from peregrine.services.email import actions, store
from tests.browser.conftest import open_board
from tests.browser.helpers import card, column, seed_job, stage_of, wait_for_stage
from tests.fakes import mail_samples
from tests.fakes.imap_server import PASSWORD, PASSWORD_ENV, USER, PymapServer
from tests.fakes.openai_server import FakeOpenAIServer

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("clean_db")]

T = TypeVar("T")
MOVED_BADGE = "An email moved this job here (see the inbox)"


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to the end from a test (Playwright's own loop holds the main thread)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def deliver(*raws: bytes, llm: LLMClient | None = None) -> None:
    """Store messages as the poller would, then process them with `llm` (default: the keyword rules)."""
    with db.session_scope() as session:
        candidate_id = current_candidate(session).id
        assert candidate_id is not None
        for raw in raws:
            store.store_message(session, candidate_id, raw, folder="INBOX")
    run(actions.process_pending(llm=llm or LLMClient(LLMSettings())))


def test_the_inbox_shows_each_email_and_choosing_a_job_moves_the_card(page: Page, app_url: str) -> None:
    acme = seed_job("Acme Robotics", "Robotics Engineer")
    data = seed_job("Massive Dynamic", "Data Engineer")
    ml = seed_job("Massive Dynamic", "ML Engineer")
    deliver(
        mail_samples.plain(
            "Dana Reyes <dana@acmerobotics.com>",
            "Interview invitation: Robotics Engineer",
            "Hi Alice,\nWe would like to schedule a 30-minute phone interview with you.",
        ),
        mail_samples.plain(
            "Recruiting <recruiting@massivedynamic.com>",
            "Your application",
            "Thanks for applying. We would like to set up a call with you next week.",
        ),
        mail_samples.plain("Digest <digest@news.example>", "Weekly digest", "Stories for you."),
    )
    assert stage_of(acme) is Stage.PHONE_SCREEN

    page.goto(app_url + "/inbox")
    invitation = page.get_by_role("article", name="Interview invitation: Robotics Engineer")
    expect(invitation).to_contain_text("Interview request", timeout=30_000)
    expect(invitation).to_contain_text("by the keyword rules")
    expect(invitation).to_contain_text("From Dana Reyes <dana@acmerobotics.com>")
    expect(invitation.get_by_label("Evidence")).to_contain_text(
        "We would like to schedule a 30-minute phone interview with you."
    )
    expect(invitation).to_contain_text("Moved")
    expect(invitation).to_contain_text("Moved Acme Robotics from Applied to Phone screen.")
    expect(invitation.get_by_role("link", name="Acme Robotics — Robotics Engineer")).to_have_attribute(
        "href", f"/applications/{acme}"
    )
    expect(page.get_by_role("article", name="Weekly digest")).to_have_count(0)  # not job mail

    ambiguous = page.get_by_role("article", name="Your application")
    expect(ambiguous).to_contain_text("Needs review")
    expect(ambiguous).to_contain_text("Several jobs could be meant")
    expect(ambiguous.get_by_role("button", name="Apply")).to_have_count(0)

    page.get_by_role("button", name=re.compile("^Needs review")).click()
    expect(page.get_by_role("article")).to_have_count(1)
    expect(page.get_by_role("article", name="Your application")).to_be_visible()
    page.get_by_role("button", name="All mail").click()
    expect(page.get_by_role("article")).to_have_count(3)
    page.get_by_role("button", name="Job mail").click()
    expect(page.get_by_role("article")).to_have_count(2)

    ambiguous.get_by_label("Job").select_option(label="Massive Dynamic — ML Engineer · Applied")
    expect(ambiguous).to_contain_text("Ready: apply to act on it.")
    ambiguous.get_by_role("button", name="Apply").click()
    expect(ambiguous).to_contain_text("Moved Massive Dynamic from Applied to Phone screen.")
    wait_for_stage(ml, Stage.PHONE_SCREEN)
    assert stage_of(data) is Stage.APPLIED

    open_board(page, app_url)
    moved = column(page, Stage.PHONE_SCREEN).get_by_role("article", name="Massive Dynamic — ML Engineer")
    expect(moved.get_by_label(MOVED_BADGE)).to_be_visible()
    expect(card(page, "Acme Robotics", "Robotics Engineer").get_by_label(MOVED_BADGE)).to_be_visible()
    expect(card(page, "Massive Dynamic", "Data Engineer").get_by_label(MOVED_BADGE)).to_have_count(0)

    page.goto(app_url + "/inbox")
    ambiguous = page.get_by_role("article", name="Your application")
    ambiguous.get_by_role("button", name="Undo").click()
    expect(ambiguous).to_contain_text("Undone: Massive Dynamic is back in Applied.")
    wait_for_stage(ml, Stage.APPLIED)

    open_board(page, app_url)
    back = column(page, Stage.APPLIED).get_by_role("article", name="Massive Dynamic — ML Engineer")
    expect(back).to_be_visible()
    expect(back.get_by_label(MOVED_BADGE)).to_have_count(0)


def test_a_low_confidence_email_shows_a_review_badge_on_its_card(page: Page, app_url: str) -> None:
    seed_job("Globex", "Widget Engineer")
    deliver(mail_samples.plain("hr@globex.com", "About the interview", "Some news about the interview."))

    open_board(page, app_url)
    waiting = card(page, "Globex", "Widget Engineer")
    expect(waiting.get_by_label("An email about this job waits for you in the inbox")).to_be_visible()
    expect(waiting.get_by_label(MOVED_BADGE)).to_have_count(0)


def test_a_message_held_because_the_model_and_the_rules_disagree_shows_both_readings(
    page: Page, app_url: str, session_llm: FakeOpenAIServer
) -> None:
    acme = seed_job("Acme Robotics", "Robotics Engineer")
    session_llm.reset()
    session_llm.queue_json(
        {"classification": "rejection", "confidence": 1.0, "evidence": "We'd like to schedule a phone interview."}
    )
    session_llm.queue_json(
        {"classification": "offer", "confidence": 0.9, "evidence": "We are delighted to offer you the role."}
    )
    deliver(
        mail_samples.plain(
            "Dana <dana@acmerobotics.com>", "Next steps", "Hi Alice,\nWe'd like to schedule a phone interview."
        ),
        mail_samples.plain("Dana <dana@acmerobotics.com>", "An update", "Hi Alice,\nThanks for your patience so far."),
        llm=LLMClient(LLMSettings(backends=(LLMBackend(name="fake", base_url=session_llm.url, model="fake-model"),))),
    )
    assert stage_of(acme) is Stage.APPLIED, "nothing moved on the model's word alone"

    page.goto(app_url + "/inbox")
    disagree = page.get_by_role("article", name="Next steps").get_by_role("region", name="Both readings")
    expect(disagree.get_by_role("term")).to_have_text(
        ["The language model read it as", "The keyword rules read it as", "The sentence the model quoted"],
        timeout=30_000,
    )
    model, rules, quote = (disagree.get_by_role("definition").nth(n) for n in range(3))
    expect(model).to_have_text("Rejection (100% sure).")
    expect(rules).to_contain_text("Interview request (")
    expect(rules).to_contain_text("schedule a phone interview")
    expect(quote).to_have_text("is in the email.")

    invented = page.get_by_role("article", name="An update").get_by_role("region", name="Both readings")
    model, rules, quote = (invented.get_by_role("definition").nth(n) for n in range(3))
    expect(model).to_have_text("Offer (90% sure).")
    expect(rules).to_have_text("Other: they find no stage change in it.")
    expect(quote).to_contain_text("is not in the email: it is the model's own words")
    held = page.get_by_role("article").filter(has=page.get_by_role("region", name="Both readings"))
    expect(held).to_have_count(2)


@pytest.fixture
def imap_config(app_data: Path, tmp_path: Path) -> Any:
    """A pymap server, and services.yaml pointing at it for the length of the test."""
    config_dir = Path(os.environ["PEREGRINE_CONFIG_DIR"])
    path = config_dir / "services.yaml"
    saved = path.read_text(encoding="utf-8")
    saved_password = os.environ.get(PASSWORD_ENV)
    server = PymapServer(tmp_path).start()
    document = yaml.safe_load(saved) or {}
    document["imap"] = {
        "host": "127.0.0.1",
        "port": server.port,
        "tls": False,
        "user": USER,
        "password_env": PASSWORD_ENV,
        "poll_seconds": 3600,
    }
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    os.environ[PASSWORD_ENV] = PASSWORD
    try:
        yield server
    finally:
        path.write_text(saved, encoding="utf-8")
        if saved_password is None:
            os.environ.pop(PASSWORD_ENV, None)
        else:
            os.environ[PASSWORD_ENV] = saved_password
        server.stop()


def test_settings_shows_the_mailbox_and_tests_the_connection(
    page: Page, app_url: str, imap_config: PymapServer
) -> None:
    page.goto(app_url + "/settings")
    email = page.get_by_role("region", name="Email")
    expect(email).to_contain_text(f"imap://127.0.0.1:{imap_config.port}", timeout=30_000)
    expect(email).to_contain_text(USER)
    expect(email).to_contain_text(f"from {PASSWORD_ENV} (set)")
    expect(email).not_to_contain_text(PASSWORD)

    email.get_by_role("button", name="Test connection").click()
    expect(email.get_by_role("status")).to_contain_text(f"Connected to 127.0.0.1 as {USER}; INBOX holds 0 messages")

    os.environ[PASSWORD_ENV] = "a wrong password"
    email.get_by_role("button", name="Test connection").click()
    expect(email.get_by_role("alert")).to_contain_text(f"refused the login of '{USER}'")
    expect(email.get_by_role("alert")).not_to_contain_text("a wrong password")
