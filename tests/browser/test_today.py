"""Next steps in the browser: Today's Done and Snooze, a quiet job rejected as ghosted, a step
edited and added on the job page, and the board's Due filter with its badge."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from peregrine import db
from peregrine.domain.stages import RejectionReason, Stage
from peregrine.models import Job, utcnow
from peregrine.services import jobs, next_steps
from tests.browser.conftest import open_board
from tests.browser.helpers import card, column, stage_of
from tests.factories import seed_job

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("clean_db")]


def _applied_days_ago(company: str, days: int, *, silent: bool = False) -> int:
    """An application sent `days` ago; `silent`: nothing has happened on it since."""
    job_id = seed_job(company, "Engineer", applied_on=date.today() - timedelta(days=days))
    if silent:
        with db.session_scope() as session:
            job = session.get(Job, job_id)
            assert job is not None
            job.stage_entered_at = job.created_at = utcnow() - timedelta(days=days)
            session.add(job)
    return job_id


def _own_step(job_id: int, title: str) -> None:
    with db.session_scope() as session:
        owner = jobs.get_job(session, job_id).candidate_id
        next_steps.add_step(session, candidate_id=owner, job_id=job_id, title=title, due_at=utcnow())


def test_todays_steps_are_done_and_snoozed_in_one_click(page: Page, app_url: str) -> None:
    followed = _applied_days_ago("Initech", 10)
    _own_step(followed, "Call Sam about the referral")

    page.goto(app_url + "/")
    expect(page.get_by_role("navigation").first.get_by_role("link").first).to_have_text("Today", timeout=30_000)
    page.goto(app_url + "/today")
    due = page.get_by_role("region", name="Due and overdue")
    expect(due.get_by_text("Follow up on the application")).to_be_visible(timeout=30_000)
    expect(due.get_by_text("Overdue since", exact=False)).to_be_visible()
    expect(due.get_by_text("Call Sam about the referral")).to_be_visible()

    due.get_by_role("button", name="Done: Follow up on the application").click()
    expect(due.get_by_text("Follow up on the application")).to_have_count(0)
    due.get_by_role("button", name="Snooze 1 day: Call Sam about the referral").click()
    expect(due).to_contain_text("Nothing is due.")

    page.reload()
    expect(page.get_by_role("region", name="Due and overdue")).to_contain_text("Nothing is due.", timeout=30_000)


def test_a_quiet_job_is_rejected_as_ghosted_keeping_its_stage(page: Page, app_url: str) -> None:
    quiet = _applied_days_ago("Hooli", 30, silent=True)

    page.goto(app_url + "/today")
    region = page.get_by_role("region", name="Quiet jobs")
    expect(region).to_contain_text("Quiet 30 days — ghosted?", timeout=30_000)
    region.get_by_role("button", name="Reject as ghosted: Hooli").click()
    expect(region).to_contain_text("No job has gone quiet.")
    assert stage_of(quiet) is Stage.REJECTED
    with db.session_scope() as session:
        job = jobs.get_job(session, quiet)
        assert (job.rejection_stage, job.rejection_reason) == (Stage.APPLIED, RejectionReason.GHOSTED)


def test_a_step_is_edited_and_added_on_the_job_page(page: Page, app_url: str) -> None:
    job_id = _applied_days_ago("Globex", 2)

    page.goto(f"{app_url}/applications/{job_id}")
    steps = page.get_by_role("region", name="Next steps")
    expect(steps).to_contain_text("Follow up on the application", timeout=30_000)
    steps.get_by_role("button", name="Edit: Follow up on the application").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("What").fill("   ")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog.get_by_role("alert")).to_contain_text("Say what the step is")
    dialog.get_by_label("What").fill("Email Dana the portfolio")
    dialog.get_by_label("When").fill(f"{date.today().isoformat()}T17:30")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog).to_have_count(0)
    expect(steps).to_contain_text("Email Dana the portfolio")
    expect(steps).to_contain_text("Due today, 17:30")

    steps.get_by_role("button", name="Add a step").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("What").fill("Ask about the team")
    dialog.get_by_role("button", name="Save").click()
    expect(steps).to_contain_text("Ask about the team")


def test_the_boards_due_filter_shows_the_jobs_with_a_step_due(page: Page, app_url: str) -> None:
    _applied_days_ago("Umbrella", 9)
    _applied_days_ago("Soylent", 1)

    open_board(page, app_url)
    due_card = card(page, "Umbrella", "Engineer")
    expect(due_card.get_by_label("Overdue: Follow up on the application")).to_be_visible()
    expect(card(page, "Soylent", "Engineer")).to_be_visible()
    page.get_by_role("button", name="Due", exact=True).click()
    expect(card(page, "Soylent", "Engineer")).to_have_count(0)
    expect(due_card).to_be_visible()
    expect(column(page, Stage.APPLIED)).to_contain_text("1 of 2", ignore_case=True)
