"""Analytics in the browser: record a round's outcome with ratings, see the figures change."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from peregrine import db
from peregrine.domain.stages import Stage
from peregrine.services import interviews
from tests.browser.helpers import seed_job

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("clean_db")]


def test_recording_an_outcome_changes_the_funnel_and_round_figures(page: Page, app_url: str) -> None:
    job_id = seed_job("Acme", "Platform Engineer", Stage.INTERVIEWING, source="Referral")
    seed_job("Globex", "Data Engineer", source="LinkedIn")
    with db.session_scope() as session:
        interviews.add_round(session, job_id, interviews.RoundFields("Onsite", kind="panel"))

    page.goto(f"{app_url}/analytics")
    funnel = page.get_by_role("region", name="Conversion funnel").get_by_role("table")
    expect(page.get_by_role("status").filter(has_text="jobs in view")).to_contain_text("2 jobs in view", timeout=30_000)
    expect(funnel.get_by_role("row").filter(has_text="Interviewing")).to_contain_text("50%")
    expect(funnel.get_by_role("row").filter(has_text="Offer")).to_contain_text("0%")
    chart = page.get_by_role("img", name="Share of jobs that reached each stage")
    expect(chart.locator(".recharts-bar-rectangle")).to_have_count(3)  # a bar a stage reached: Applied → Interviewing

    page.goto(f"{app_url}/applications/{job_id}")
    page.get_by_role("region", name="Interview rounds").get_by_role("button", name="Edit Onsite").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("combobox", name="Outcome").select_option("passed")
    dialog.get_by_role("combobox", name="Overall rating").select_option("4")
    dialog.get_by_role("combobox", name="Communication rating").select_option("5")
    dialog.get_by_role("button", name="Save round").click()
    expect(dialog).to_be_hidden()
    page.get_by_role("region", name="Offer").get_by_role("button", name="Record an offer").click()
    page.get_by_role("dialog").get_by_label("Base salary (a year)").fill("150000")
    page.get_by_role("dialog").get_by_role("button", name="Save offer").click()
    expect(page.get_by_text("Interviewing → Offer")).to_be_visible()

    page.goto(f"{app_url}/analytics")
    expect(funnel.get_by_role("row").filter(has_text="Offer")).to_contain_text("50%", timeout=30_000)
    expect(chart.locator(".recharts-bar-rectangle")).to_have_count(4)
    rounds = page.get_by_role("region", name="Rounds by kind").get_by_role("table")
    expect(rounds.get_by_role("row").filter(has_text="Panel")).to_contain_text("100%")
    expect(rounds.get_by_role("row").filter(has_text="Panel")).to_contain_text("4.0")
    expect(rounds.get_by_role("row").filter(has_text="Panel")).to_contain_text("5.0")

    page.get_by_role("combobox", name="Source").select_option("LinkedIn")
    expect(page.get_by_role("status").filter(has_text="jobs in view")).to_contain_text("1 jobs in view")
    expect(funnel.get_by_role("row").filter(has_text="Offer")).to_contain_text("0%")
