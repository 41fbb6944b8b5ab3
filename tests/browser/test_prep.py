"""The prep page in a real browser: deep links, the dropdown, editing, print, practice, bulk, tier."""

from __future__ import annotations

import asyncio
import os
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Page, expect

from peregrine import db
from peregrine.config import config_dir
from peregrine.domain.stages import Stage
from peregrine.llm.client import LLMClient
from peregrine.models import Job
from peregrine.services import interviews, prep
from tests.browser.helpers import seed_job
from tests.fakes.openai_server import FakeOpenAIServer, requested_schema
from tests.fakes.prep_answers import base_prep_answers, queue_answers, queue_base_prep, queue_interview_prep

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("clean_db")]

JD = "Own the Kafka platform. Ship Python services. Be on call one week in six."


@pytest.fixture(autouse=True)
def fresh_llm(session_llm: FakeOpenAIServer) -> Iterator[FakeOpenAIServer]:
    session_llm.reset()
    yield session_llm
    session_llm.reset()


def job_with_rounds(company: str, *names: str, description: str = JD) -> tuple[int, list[int]]:
    job_id = seed_job(company, "Data Engineer", Stage.INTERVIEWING)
    with db.session_scope() as session:
        job = session.get(Job, job_id)
        assert job is not None
        job.raw_jd_text = description
        session.add(job)
        ids = []
        for day, name in enumerate(names, start=3):
            fields = interviews.RoundFields(
                name=name, kind="technical", scheduled_at=datetime(2030, 3, day, 15, tzinfo=UTC)
            )
            ids.append(interviews.add_round(session, job_id, fields).id or 0)
    return job_id, ids


def generate_now(server: FakeOpenAIServer, interview_id: int, tag: str, *, with_base: bool) -> None:
    """Prep made through the services (the same code the task runner runs), answers scripted."""
    if with_base:
        queue_base_prep(server)
    queue_interview_prep(server, tag=tag)
    with db.session_scope() as session:
        task = prep.queue_interview_prep(session, interview_id)
    # Playwright's sync API owns this thread's event loop: run the generation on a thread of its own.
    with ThreadPoolExecutor(max_workers=1) as pool:
        ran = pool.submit(asyncio.run, prep.run_interview_prep(task.id or 0, llm=LLMClient())).result()
    assert ran is True


def prep_url(app_url: str, job_id: int, interview_id: int | str | None = None) -> str:
    query = f"?interview_id={interview_id}" if interview_id is not None else ""
    return f"{app_url}/applications/{job_id}/interview-prep{query}"


def test_deep_link_opens_the_interview_and_the_dropdown_changes_url_and_content(
    page: Page, app_url: str, fresh_llm: FakeOpenAIServer
) -> None:
    job_id, (first, second) = job_with_rounds("Acme", "Tech screen", "System design")
    generate_now(fresh_llm, first, "first-round", with_base=True)
    generate_now(fresh_llm, second, "second-round", with_base=False)

    page.goto(prep_url(app_url, job_id, second))
    interview_part = page.get_by_role("region", name="Interview preparation")
    expect(interview_part).to_contain_text("(second-round)", timeout=30_000)
    expect(interview_part).not_to_contain_text("(first-round)")
    expect(page.get_by_role("region", name="Base preparation")).to_contain_text("Kafka at scale")
    expect(page.get_by_role("combobox", name="Interview", exact=True)).to_have_value(str(second))

    page.get_by_role("combobox", name="Interview", exact=True).select_option(str(first))
    expect(page).to_have_url(re.compile(rf"interview_id={first}$"))
    expect(interview_part).to_contain_text("(first-round)")
    expect(interview_part).not_to_contain_text("(second-round)")

    page.reload()
    expect(interview_part).to_contain_text("(first-round)")
    expect(interview_part.get_by_role("heading", name="Phase 1: Foundation Review")).to_be_visible()

    with page.context.expect_page() as opened:
        page.get_by_role("link", name="Reference sheet").click()
    sheet = opened.value
    expect(sheet.get_by_role("region", name="Questions to ask")).to_contain_text("Question to ask number 5")
    expect(sheet.get_by_role("region", name="Predicted questions")).to_contain_text("(first-round)")
    expect(sheet.get_by_role("region", name="Callback drivers")).to_contain_text("Kafka at scale")
    sheet.close()


def test_an_unknown_or_foreign_interview_id_gets_a_message(page: Page, app_url: str) -> None:
    job_id, _ = job_with_rounds("Acme", "Tech screen")
    _, (foreign,) = job_with_rounds("Globex", "Recruiter call")
    for bad in ("99999", str(foreign), "abc"):
        page.goto(prep_url(app_url, job_id, bad))
        expect(page.get_by_role("alert")).to_contain_text(f"Interview “{bad}” is not one of this job's interviews")
        expect(page.get_by_role("region", name="Base preparation")).to_be_visible()


def test_missing_prep_warns_and_generate_fills_it_in(page: Page, app_url: str, fresh_llm: FakeOpenAIServer) -> None:
    job_id, (interview_id,) = job_with_rounds("Acme", "Tech screen")
    queue_base_prep(fresh_llm, driver="Streaming at scale")
    queue_interview_prep(fresh_llm, tag="generated-in-browser")

    page.goto(prep_url(app_url, job_id, interview_id))
    interview_part = page.get_by_role("region", name="Interview preparation")
    expect(interview_part).to_contain_text("No preparation for this interview yet", timeout=30_000)
    interview_part.get_by_role("button", name="Generate it now").click()

    expect(interview_part).to_contain_text("(generated-in-browser)", timeout=20_000)
    expect(page.get_by_role("region", name="Base preparation")).to_contain_text("Streaming at scale")
    expect(page.get_by_role("region", name="Questions to ask").get_by_role("listitem")).to_have_count(5)


def test_a_failed_generation_shows_why_and_retry_works(page: Page, app_url: str, fresh_llm: FakeOpenAIServer) -> None:
    job_id, _ = job_with_rounds("Acme", "Tech screen")
    fresh_llm.fail_next(status=500, times=4, message="model overloaded")  # each of the four sections

    page.goto(prep_url(app_url, job_id))
    base_part = page.get_by_role("region", name="Base preparation")
    base_part.get_by_role("button", name="Generate base prep").click()
    drivers = page.get_by_role("region", name="Callback drivers", exact=True)
    expect(drivers.get_by_role("alert")).to_contain_text("model overloaded", timeout=20_000)
    expect(base_part.get_by_role("alert").first).to_contain_text("Not every section could be written")

    queue_base_prep(fresh_llm, driver="Retried driver")
    base_part.get_by_role("button", name="Retry base prep").click()
    expect(base_part).to_contain_text("Retried driver", timeout=20_000)
    expect(base_part.get_by_role("alert")).to_have_count(0)


@pytest.fixture
def small_window() -> Iterator[None]:
    """The session's backend, declared with a 4,096-token window, for this test only."""
    llm_yaml = Path(os.environ["PEREGRINE_CONFIG_DIR"]) / "llm.yaml"
    saved = llm_yaml.read_text(encoding="utf-8")
    document = yaml.safe_load(saved)
    document["backends"][0]["context_tokens"] = 4096
    llm_yaml.write_text(yaml.safe_dump(document), encoding="utf-8")
    try:
        yield
    finally:
        llm_yaml.write_text(saved, encoding="utf-8")


@pytest.mark.usefixtures("small_window")
def test_one_failed_section_keeps_the_others_says_what_was_left_out_and_retries_alone(
    page: Page, app_url: str, fresh_llm: FakeOpenAIServer
) -> None:
    long_description = "\n".join(
        f"Requirement {n}: own the Kafka platform and its Python services." for n in range(400)
    )
    job_id, _ = job_with_rounds("Acme", "Tech screen", description=long_description)
    answers = base_prep_answers()
    for _ in range(3):  # three invalid answers: the section fails, the others are written
        fresh_llm.queue_json({"markdown": "too short"}, schema="FormattedDescription")
    queue_answers(fresh_llm, {schema: answer for schema, answer in answers.items() if schema != "FormattedDescription"})

    page.goto(prep_url(app_url, job_id))
    page.get_by_role("region", name="Base preparation").get_by_role("button", name="Generate base prep").click()
    described = page.get_by_role("region", name="Job description", exact=True)
    expect(described.get_by_role("alert")).to_contain_text("invalid answer after 3 attempts", timeout=20_000)
    drivers = page.get_by_role("region", name="Callback drivers", exact=True)
    expect(drivers).to_contain_text("Kafka at scale")
    expect(drivers).to_contain_text("To fit the model's window: the job description cut to")
    expect(drivers).to_contain_text("the window of this model is 4,096 tokens.")
    expect(page.get_by_role("region", name="Company and product")).to_contain_text("reusable rockets")

    fresh_llm.queue_json(answers["FormattedDescription"], schema="FormattedDescription")
    described.get_by_role("button", name="Retry Job description").click()
    expect(described).to_contain_text("Own the Kafka at scale platform", timeout=20_000)
    expect(described.get_by_role("alert")).to_have_count(0)
    expect(drivers).to_contain_text("Kafka at scale")
    assert [requested_schema(request) for request in fresh_llm.requests][-1] == "FormattedDescription"


def test_an_edited_section_survives_a_reload_and_a_regenerate_with_keep(
    page: Page, app_url: str, fresh_llm: FakeOpenAIServer
) -> None:
    job_id, (interview_id,) = job_with_rounds("Acme", "Tech screen")
    generate_now(fresh_llm, interview_id, "v1", with_base=True)

    page.goto(prep_url(app_url, job_id, interview_id))
    predicted = page.get_by_role("region", name="Predicted questions")
    expect(predicted).to_contain_text("(v1)", timeout=30_000)
    predicted.get_by_role("button", name="Edit Predicted questions").click()
    editor = predicted.get_by_label("Markdown of Predicted questions")
    editor.fill("### My own question\nI will answer with the **ledger** story.")
    predicted.get_by_role("tab", name="Preview").click()
    expect(predicted.locator(".prep-preview strong")).to_have_text("ledger")
    predicted.get_by_role("button", name="Save Predicted questions").click()
    expect(predicted.get_by_role("heading", name="My own question")).to_be_visible()

    page.reload()
    expect(predicted.get_by_role("heading", name="My own question")).to_be_visible(timeout=30_000)
    expect(predicted).to_contain_text("edited")

    queue_interview_prep(fresh_llm, tag="v2")
    page.get_by_role("button", name="Regenerate interview prep").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("You edited: Predicted questions")
    dialog.get_by_role("button", name="Keep my edits").click()
    expect(page.get_by_role("region", name="Questions to ask")).to_contain_text(
        "Question to ask number 5", timeout=20_000
    )
    expect(page.get_by_role("region", name="Resume defense")).to_be_visible()
    expect(predicted.get_by_role("heading", name="My own question")).to_be_visible()
    expect(predicted).not_to_contain_text("(v2)")

    predicted.get_by_role("button", name="History of Predicted questions").click()
    history = page.get_by_role("dialog")
    expect(history).to_contain_text("(v1)")
    history.get_by_role("button", name=re.compile("^Restore")).first.click()
    expect(predicted).to_contain_text("(v1)")
    page.reload()
    expect(predicted).to_contain_text("(v1)", timeout=30_000)


def test_print_media_hides_navigation_chat_and_buttons(page: Page, app_url: str, fresh_llm: FakeOpenAIServer) -> None:
    job_id, (interview_id,) = job_with_rounds("Acme", "Tech screen")
    generate_now(fresh_llm, interview_id, "print", with_base=True)
    page.goto(prep_url(app_url, job_id, interview_id))
    practice = page.get_by_role("region", name="Practice interview")
    expect(practice).to_be_visible(timeout=30_000)

    page.emulate_media(media="print")
    expect(practice).to_be_hidden()
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    expect(page.get_by_role("button", name="Regenerate interview prep")).to_be_hidden()
    expect(page.get_by_role("button", name="Edit Predicted questions")).to_be_hidden()
    expect(page.get_by_role("region", name="Predicted questions")).to_contain_text("(print)")
    page.emulate_media(media="screen")
    expect(practice).to_be_visible()


def test_practice_tokens_appear_one_after_another_and_stop_keeps_them(
    page: Page, app_url: str, fresh_llm: FakeOpenAIServer
) -> None:
    job_id, (interview_id,) = job_with_rounds("Acme", "Tech screen")
    page.goto(prep_url(app_url, job_id, interview_id))
    practice = page.get_by_role("region", name="Practice interview")
    expect(practice).to_be_visible(timeout=30_000)
    # Record every text length the streaming bubble shows, frame by frame.
    page.evaluate(
        """() => { window.__lengths = []; const tick = () => { const el = document.querySelector('.live-text');
        if (el) { const n = el.textContent.length; if (window.__lengths.at(-1) !== n) window.__lengths.push(n); }
        requestAnimationFrame(tick); }; tick(); }"""
    )
    question = "Hello. " + " ".join(f"word{i}" for i in range(14)) + " — what did you build?"
    fresh_llm.stream_delay_s = 0.08
    fresh_llm.queue_text(question)

    practice.get_by_role("button", name="Start a new session").click()
    log = practice.get_by_role("log", name="Practice transcript")
    expect(log.locator(".chat-interviewer").last).to_contain_text("what did you build?", timeout=20_000)
    expect(practice.get_by_role("button", name="Send answer")).to_be_visible()
    lengths = page.evaluate("window.__lengths")
    assert len([n for n in lengths if n > 0]) >= 8, f"tokens arrived in too few steps: {lengths}"
    assert lengths == sorted(lengths) or lengths[-1] == 0

    fresh_llm.queue_text(" ".join(f"follow{i}" for i in range(200)))
    practice.get_by_label("Your answer").fill("I rebuilt the ledger pipeline on Kafka.")
    practice.get_by_role("button", name="Send answer").click()
    expect(log.locator(".live-text")).to_contain_text("follow3", timeout=10_000)
    practice.get_by_role("button", name="Stop").click()
    expect(log).to_contain_text("(stopped)", timeout=10_000)
    expect(log).to_contain_text("I rebuilt the ledger pipeline on Kafka.")
    fresh_llm.stream_delay_s = 0.0

    fresh_llm.queue_json(
        {
            "answers": [
                {
                    "question": "What did you build?",
                    "situation": 4,
                    "task": 3,
                    "action": 5,
                    "result": 2,
                    "relevance": 4,
                    "improvement": "Close with the result as a number: lag 3 h to 4 s.",
                }
            ]
        }
    )
    practice.get_by_role("button", name="End and score").click()
    scores = practice.get_by_role("table")
    expect(scores).to_contain_text("Close with the result as a number", timeout=20_000)
    practice.get_by_role("button", name="Append transcript to the interview's notes").click()
    expect(practice.get_by_role("button", name="In the interview's notes")).to_be_disabled()
    with db.session_scope() as session:
        notes = interviews.get_round(session, interview_id).notes
    assert "Me: I rebuilt the ledger pipeline on Kafka." in notes

    page.reload()
    expect(log).to_contain_text("(stopped)", timeout=30_000)
    expect(scores).to_contain_text("Close with the result as a number")


def test_bulk_generation_reports_each_item(page: Page, app_url: str, fresh_llm: FakeOpenAIServer) -> None:
    _, (ready,) = job_with_rounds("Acme", "Tech screen")
    _, (no_jd,) = job_with_rounds("Initech", "Recruiter call", description="")
    queue_base_prep(fresh_llm)
    queue_interview_prep(fresh_llm, tag="bulk")

    page.goto(f"{app_url}/prep")
    page.get_by_role("checkbox", name="Select Acme: 1. Tech screen").click()
    page.get_by_role("checkbox", name="Select Initech: 1. Recruiter call").click()
    page.get_by_role("button", name="Generate for the selected").click()

    results = page.get_by_role("status", name="Results")
    initech = results.get_by_role("listitem").filter(has_text="Initech")
    expect(initech).to_contain_text("Not queued")
    expect(initech).to_contain_text("has no job description yet")
    expect(results.get_by_role("listitem").filter(has_text="Acme")).to_contain_text("Done", timeout=20_000)
    with db.session_scope() as session:
        assert prep.prep_of(session, ready) is not None
        assert prep.prep_of(session, no_jd) is None


def test_the_free_tier_shows_an_upgrade_notice(page: Page, app_url: str) -> None:
    job_id, (interview_id,) = job_with_rounds("Acme", "Tech screen")
    user_file = Path(config_dir()) / "user.yaml"
    user_file.write_text("tier: free\n", encoding="utf-8")
    try:
        page.goto(prep_url(app_url, job_id, interview_id))
        expect(page.get_by_role("status").filter(has_text="part of the paid tier")).to_be_visible(timeout=30_000)
        expect(page.get_by_role("region", name="Practice interview")).to_have_count(0)
        expect(page.get_by_role("region", name="Base preparation")).to_have_count(0)
    finally:
        user_file.unlink()
    page.reload()
    expect(page.get_by_role("region", name="Base preparation")).to_be_visible(timeout=30_000)
