"""The Saved column in a real browser: a job added as "Not applied yet", applied to from its card by
keyboard or by a drag, and the column folded away and back, remembered by the browser."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from peregrine import db
from peregrine.domain.dates import calendar_date
from peregrine.domain.stages import Stage
from peregrine.services import jobs
from peregrine.services.candidates import current_candidate
from tests.browser.conftest import open_board
from tests.browser.helpers import card, column, mouse_drag, seed_job, stage_of, wait_for_stage

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("clean_db")]


def test_a_job_saved_for_later_is_applied_to_from_its_card(page: Page, app_url: str) -> None:
    open_board(page, app_url)
    page.get_by_role("button", name="Add job").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Company").fill("Pied Piper")
    dialog.get_by_label("Title").fill("Compression Engineer")
    dialog.get_by_role("checkbox", name="Not applied yet", exact=False).check()
    dialog.get_by_role("button", name="Save").click()
    expect(dialog).to_be_hidden()

    saved = column(page, Stage.SAVED).get_by_role("article", name="Pied Piper — Compression Engineer")
    expect(saved).to_be_visible()
    expect(column(page, Stage.APPLIED).get_by_role("article")).to_have_count(0)
    expect(saved.get_by_role("button", name="Reject Pied Piper — Compression Engineer")).to_have_count(0)
    with db.session_scope() as session:
        (stored,) = jobs.list_jobs(session, current_candidate(session).id or 0)
        job_id, applied_on = stored.id or 0, stored.applied_on
    assert applied_on is None

    applied = saved.get_by_role("button", name="I applied: move Pied Piper — Compression Engineer to Applied")
    applied.focus()
    page.keyboard.press("Enter")  # the card's action is a real button: the keyboard reaches it
    moved = column(page, Stage.APPLIED).get_by_role("article", name="Pied Piper — Compression Engineer")
    expect(moved).to_be_visible()
    expect(page.get_by_text("Pied Piper moved to Applied.")).to_be_visible()
    wait_for_stage(job_id, Stage.APPLIED)
    with db.session_scope() as session:
        assert jobs.get_job(session, job_id).applied_on == date.today()
        assert [(e.from_stage, e.to_stage) for e in jobs.stage_history(session, job_id)] == [("saved", "applied")]

    moved.get_by_role("link", name="Compression Engineer").click()
    expect(page.get_by_text(calendar_date(date.today())).first).to_be_visible(timeout=30_000)
    expect(page.get_by_text("Added to Saved")).to_be_visible()


def test_a_saved_card_dragged_to_applied_moves_and_the_column_folds(page: Page, app_url: str) -> None:
    job_id = seed_job("Hooli", "Staff Engineer", Stage.SAVED)
    seed_job("Initech", "Analyst", Stage.SAVED)
    open_board(page, app_url)

    mouse_drag(page, card(page, "Hooli", "Staff Engineer"), column(page, Stage.APPLIED))
    expect(column(page, Stage.APPLIED).get_by_role("article", name="Hooli — Staff Engineer")).to_be_visible()
    wait_for_stage(job_id, Stage.APPLIED)

    saved = column(page, Stage.SAVED)
    toggle = saved.get_by_role("button", name="Collapse the Saved column")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    toggle.click()
    expect(saved.get_by_role("article")).to_have_count(0)  # folded: its name and count only
    expect(saved.get_by_label("1 cards")).to_be_visible()
    show = saved.get_by_role("button", name="Show the Saved column")
    expect(show).to_have_attribute("aria-expanded", "false")

    page.reload()  # the browser remembers the fold
    expect(column(page, Stage.APPLIED).get_by_role("article", name="Hooli — Staff Engineer")).to_be_visible(
        timeout=30_000
    )
    expect(column(page, Stage.SAVED).get_by_role("article")).to_have_count(0)
    column(page, Stage.SAVED).get_by_role("button", name="Show the Saved column").press("Enter")
    expect(column(page, Stage.SAVED).get_by_role("article", name="Initech — Analyst")).to_be_visible()
    assert stage_of(job_id) is Stage.APPLIED
