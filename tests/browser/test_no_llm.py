"""A new user with no language model configured: each feature that needs one says so once, with the
way to Settings, and nothing is queued to fail or saved empty; what works without one still works.

The session's app is set up with a fake backend; `no_llm` empties the session's `llm.yaml` for one
test (the backend runs in this process and reads the file again on every use) and restores it after.
Also here: the job page's Edit button and round notes, and the offers comparison.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Page, expect

from peregrine import db
from peregrine.domain.stages import MoveSource, Stage
from peregrine.models import Interview
from peregrine.services import interviews, jobs, offers, tasks
from peregrine.services.offers import OfferFields
from tests.browser.conftest import open_board
from tests.browser.helpers import card, column, seed_job

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("clean_db")]

NEEDS_RESEARCH_LLM = "Company research needs a language model"


@pytest.fixture
def no_llm(app_data: Path) -> Iterator[Path]:
    """The session's llm.yaml with no backend, for this test only."""
    llm_yaml = Path(os.environ["PEREGRINE_CONFIG_DIR"]) / "llm.yaml"
    saved = llm_yaml.read_text(encoding="utf-8")
    llm_yaml.write_text(yaml.safe_dump({"backends": []}), encoding="utf-8")
    try:
        yield llm_yaml
    finally:
        llm_yaml.write_text(saved, encoding="utf-8")


def add_round(job_id: int, name: str = "Technical screen") -> int:
    with db.session_scope() as session:
        interview = interviews.add_round(session, job_id, interviews.RoundFields(name=name, kind="technical"))
        assert interview.id is not None
        return interview.id


def research_status(job_id: int) -> str:
    with db.session_scope() as session:
        task = tasks.latest_task(session, tasks.TaskKind.COMPANY_RESEARCH, job_id)
        return task.status if task else ""


def test_research_without_a_backend_is_not_set_up_said_once_and_runs_once_one_is(
    page: Page, app_url: str, no_llm: Path
) -> None:
    first = seed_job("Initech", "Backend Engineer")
    seed_job("Hooli", "Data Engineer")
    open_board(page, app_url)

    card(page, "Initech", "Backend Engineer").get_by_role("button", name="Advance to Phone screen").click()
    moved = column(page, Stage.PHONE_SCREEN).get_by_role("article", name="Initech — Backend Engineer")
    expect(moved).to_contain_text("Research not set up")
    note = page.get_by_text(NEEDS_RESEARCH_LLM)
    expect(note).to_be_visible()
    expect(page.get_by_role("button", name="Open Settings")).to_be_visible()
    expect(page.get_by_text("Company research has started")).to_have_count(0)

    card(page, "Hooli", "Data Engineer").get_by_role("button", name="Advance to Phone screen").click()
    second = column(page, Stage.PHONE_SCREEN).get_by_role("article", name="Hooli — Data Engineer")
    expect(second).to_contain_text("Research not set up")
    expect(page.get_by_text("Hooli moved to Phone screen.")).to_be_visible()
    expect(note).to_have_count(1)  # said once, not once per card
    expect(page.get_by_text("Research failed")).to_have_count(0)
    assert research_status(first) == "queued"  # waiting, not failed

    page.goto(f"{app_url}/applications/{first}")
    research = page.get_by_role("region", name="Company research")
    expect(research).to_contain_text("Research not set up", timeout=30_000)
    expect(research.get_by_role("link", name="Set one up in Settings")).to_have_attribute("href", "/settings")
    expect(research.get_by_role("button", name="Research now")).to_have_count(0)
    expect(research.get_by_role("alert")).to_have_count(0)

    # A backend appears: the queued research is picked up without anything else being done.
    no_llm.write_text(
        yaml.safe_dump({"backends": [{"name": "late", "base_url": "http://127.0.0.1:9", "model": "m"}]}),
        encoding="utf-8",
    )
    deadline = time.monotonic() + 20
    while research_status(first) == "queued" and time.monotonic() < deadline:
        time.sleep(0.2)
    assert research_status(first) != "queued"


def test_prep_generation_is_off_with_the_reason_and_bulk_prep_says_it_once(
    page: Page, app_url: str, no_llm: Path
) -> None:
    job_id = seed_job("Initech", "Backend Engineer", Stage.PHONE_SCREEN)
    interview_id = add_round(job_id)
    with db.session_scope() as session:  # an earlier run that failed: its Retry must be off too
        failed = tasks.queue_task(session, tasks.TaskKind.BASE_PREP, job_id)
        session.flush()
        tasks.fail_task(session, failed.id or 0, "No language model answered.")
    for other in ("Hooli", "Pied Piper"):
        seed_job(other, "Engineer", Stage.PHONE_SCREEN)

    page.goto(f"{app_url}/applications/{job_id}/interview-prep?interview_id={interview_id}")
    expect(page.get_by_text("Generating preparation needs a language model")).to_be_visible(timeout=30_000)
    expect(page.get_by_role("link", name="Set one up in Settings").first).to_have_attribute("href", "/settings")
    expect(page.get_by_role("button", name="Retry base prep")).to_be_disabled()
    expect(page.get_by_role("button", name="Generate interview prep")).to_be_disabled()
    expect(page.get_by_role("button", name="Generate it now")).to_be_disabled()

    # Practice: no session can start, so none is saved empty, and nothing can go into the notes.
    practice = page.get_by_role("region", name="Practice interview")
    expect(practice).to_contain_text("The practice interview needs a language model")
    expect(practice.get_by_role("button", name="Start a new session")).to_be_disabled()
    expect(practice.get_by_role("button", name="Append transcript to the interview's notes")).to_have_count(0)

    page.goto(f"{app_url}/prep")
    expect(page.get_by_text("Generating preparation needs a language model")).to_have_count(1, timeout=30_000)
    page.get_by_role("button", name="Select everything without prep").click()
    expect(page.get_by_role("button", name="Generate for the selected")).to_be_disabled()
    expect(page.get_by_role("region", name="Results")).to_have_count(0)
    with db.session_scope() as session:
        assert tasks.queued_tasks(session) == []


def test_the_survey_lists_its_questions_to_answer_by_hand(page: Page, app_url: str, no_llm: Path) -> None:
    job_id = seed_job("Initech", "Backend Engineer", Stage.SURVEY)
    page.goto(f"{app_url}/applications/{job_id}/survey")
    expect(page.get_by_text("Suggesting answers needs a language model")).to_be_visible(timeout=30_000)
    expect(page.get_by_role("button", name="Get suggested answers")).to_have_count(0)
    page.get_by_label("Paste the survey's questions").fill(
        "Candidate survey\n\n1. Why do you want to work here?\n2. How do you prefer to receive feedback?"
    )
    page.get_by_role("button", name="List the questions").click()

    first = page.get_by_label("Answer to question 1")
    expect(first).to_be_visible()
    expect(first).to_have_value("")
    expect(page.get_by_text("2. How do you prefer to receive feedback?", exact=True)).to_be_visible()
    first.fill("Your platform team ships what I care about.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Survey saved.")).to_be_visible()

    page.reload()
    expect(page.get_by_label("Answer to question 1")).to_have_value(
        "Your platform team ships what I care about.", timeout=30_000
    )
    expect(page.get_by_label("Answer to question 2")).to_have_value("")


def test_the_job_page_edits_the_job_and_shows_round_notes_and_ratings(page: Page, app_url: str) -> None:
    job_id = seed_job("Initech", "Backend Engineer", Stage.INTERVIEWING)
    interview_id = add_round(job_id)
    with db.session_scope() as session:
        interview = session.get(Interview, interview_id)
        assert interview is not None
        interview.notes = "Asked about idempotent payment retries."
        interview.overall_rating, interview.technical_rating = 4, 3
        interview.feedback = "Strong on design."
        session.add(interview)

    page.goto(f"{app_url}/applications/{job_id}")
    rounds = page.get_by_role("region", name="Interview rounds")
    expect(rounds).to_contain_text("Notes: Asked about idempotent payment retries.", timeout=30_000)
    expect(rounds).to_contain_text("Overall 4/5 · Technical 3/5")
    expect(rounds).to_contain_text("Feedback: Strong on design.")

    page.get_by_role("button", name="Edit Initech — Backend Engineer").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_role("heading", name="Edit job")).to_be_visible()
    dialog.get_by_label("Title").fill("Staff Backend Engineer")
    dialog.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Initech — Staff Backend Engineer")).to_be_visible()
    with db.session_scope() as session:
        assert jobs.get_job(session, job_id).title == "Staff Backend Engineer"


def test_offers_line_up_row_by_row_without_the_hired_job_and_a_passed_deadline_is_flagged(
    page: Page, app_url: str
) -> None:
    today = date.today()
    made = {}
    for company, base, decide_by in (
        ("Acme", 150_000, today - timedelta(days=2)),
        ("Globex", 140_000, today + timedelta(days=5)),
        ("Hired Co", 200_000, None),
    ):
        job_id = seed_job(company, "Engineer", Stage.INTERVIEWING)
        with db.session_scope() as session:
            offers.record_offer(session, job_id, OfferFields(base_salary=base, decision_deadline=decide_by))
        made[company] = job_id
    with db.session_scope() as session:
        jobs.move_job(session, made["Hired Co"], Stage.HIRED, source=MoveSource.BUTTON)

    page.goto(f"{app_url}/offers")
    table = page.get_by_role("table", name="Offers side by side")
    expect(table).to_be_visible(timeout=30_000)
    headers = table.get_by_role("columnheader")
    expect(headers).to_have_count(3)  # the field names, then one column per offer
    expect(headers.nth(1)).to_contain_text("Acme — Engineer")
    expect(headers.nth(2)).to_contain_text("Globex — Engineer")
    expect(table).not_to_contain_text("Hired Co")

    salaries = table.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Base salary", exact=True))
    expect(salaries.get_by_role("cell")).to_have_text(["150,000 USD", "140,000 USD"])
    deadline = table.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Decision deadline"))
    cells = deadline.get_by_role("cell")
    expect(cells.nth(0)).to_contain_text("Passed")
    expect(cells.nth(1)).not_to_contain_text("Passed")
