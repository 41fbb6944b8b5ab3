"""Editing a job and taking moves back, in a real browser: another tab's edit is never overwritten,
a mis-click can be taken back after its toast, the history names what caused each move, duplicates
are warned about, and the job's details (date applied, work mode, salary, tags, notes) are kept."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Browser, Locator, Page, expect
from sqlalchemy import update
from sqlmodel import col

from peregrine import db
from peregrine.domain.stages import MoveSource, RejectionReason, Stage
from peregrine.models import Candidate, Job, utcnow
from peregrine.services import jobs
from peregrine.services.candidates import current_candidate
from tests.browser.conftest import open_board
from tests.browser.helpers import card, column, mouse_drag, seed_job, stage_of, wait_for, wait_for_stage
from tests.factories import new_job

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("clean_db")]


def _title_of(job_id: int) -> str:
    with db.session_scope() as session:
        return jobs.get_job(session, job_id).title


def _open_job_page(page: Page, app_url: str, job_id: int) -> None:
    page.goto(f"{app_url}/applications/{job_id}")
    expect(page.get_by_role("heading", level=1)).to_be_visible(timeout=30_000)


def _history(page: Page) -> Locator:
    return page.locator(".stage-history li")


# ---- 2: an edit made in another tab ----------------------------------------------------------------


def test_an_edit_saved_in_another_tab_is_not_overwritten(page: Page, browser: Browser, app_url: str) -> None:
    job_id = seed_job("Oscorp", "Chemist")
    second = browser.new_context(viewport={"width": 1700, "height": 1000})
    try:
        other = second.new_page()
        open_board(page, app_url)
        open_board(other, app_url)
        page.get_by_role("button", name="Edit Oscorp — Chemist").click()
        other.get_by_role("button", name="Edit Oscorp — Chemist").click()
        expect(other.get_by_role("dialog").get_by_label("Title")).to_have_value("Chemist")

        page.get_by_role("dialog").get_by_label("Title").fill("Lead Chemist")
        page.get_by_role("dialog").get_by_role("button", name="Save").click()
        expect(page.get_by_role("dialog")).to_be_hidden()
        wait_for(lambda: _title_of(job_id) == "Lead Chemist")
        # The board behind the open dialog (hidden from the accessibility tree meanwhile) follows the save.
        expect(other.get_by_role("article", name="Oscorp — Lead Chemist", include_hidden=True)).to_have_count(1)

        other.get_by_role("dialog").get_by_label("Title").fill("Junior Chemist")
        other.get_by_role("dialog").get_by_role("button", name="Save").click()

        expect(other.get_by_text("changed elsewhere", exact=False)).to_be_visible()
        assert _title_of(job_id) == "Lead Chemist"
        expect(card(other, "Oscorp", "Lead Chemist")).to_be_visible()
    finally:
        second.close()


# ---- 3: taking a mis-click back ---------------------------------------------------------------------


def test_undo_is_still_offered_a_few_seconds_after_the_move(page: Page, app_url: str) -> None:
    job_id = seed_job("Stark", "Firmware Engineer")
    open_board(page, app_url)

    card(page, "Stark", "Firmware Engineer").get_by_role("button", name="Survey").click()
    expect(column(page, Stage.SURVEY).get_by_role("article", name="Stark — Firmware Engineer")).to_be_visible()
    page.wait_for_timeout(6000)  # reading the toast, then deciding it was the wrong button
    page.get_by_role("button", name="Undo").click()

    expect(column(page, Stage.APPLIED).get_by_role("article", name="Stark — Firmware Engineer")).to_be_visible()
    wait_for_stage(job_id, Stage.APPLIED)


def test_move_back_on_the_job_page_takes_the_last_move_back(page: Page, app_url: str) -> None:
    job_id = seed_job("Initech", "Analyst", Stage.INTERVIEWING)
    _open_job_page(page, app_url, job_id)

    page.get_by_role("button", name="Move back to Phone screen").click()

    expect(page.get_by_text("Moved back to Phone screen.")).to_be_visible()
    expect(_history(page).first).to_contain_text("Interviewing → Phone screen")
    expect(_history(page).first).to_contain_text("undo")
    expect(page.get_by_role("button", name="Move back to Phone screen")).to_have_count(0)  # an undo is not undone
    assert stage_of(job_id) is Stage.PHONE_SCREEN


# ---- 4: the history names the real cause -------------------------------------------------------------


def test_the_history_names_an_offer_and_a_drop_on_rejected(page: Page, app_url: str) -> None:
    offered = seed_job("Acme", "Platform Engineer", Stage.INTERVIEWING)
    dropped = seed_job("Tyrell", "Designer", Stage.PHONE_SCREEN)

    _open_job_page(page, app_url, offered)
    page.get_by_role("region", name="Offer").get_by_role("button", name="Record an offer").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Base salary (a year)").fill("150000")
    dialog.get_by_label("Bonus", exact=True).fill("-5000")
    dialog.get_by_role("button", name="Save offer").click()
    expect(dialog.get_by_role("alert")).to_contain_text("The bonus cannot be negative")  # item 10
    dialog.get_by_label("Bonus", exact=True).fill("5000")
    dialog.get_by_role("button", name="Save offer").click()
    expect(_history(page).first).to_contain_text("Interviewing → Offer")
    expect(_history(page).first).to_contain_text("an offer was recorded")

    open_board(page, app_url)
    mouse_drag(page, card(page, "Tyrell", "Designer"), column(page, Stage.REJECTED))
    page.get_by_role("alertdialog").get_by_text("Ghosted").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Reject").click()
    wait_for_stage(dropped, Stage.REJECTED)
    _open_job_page(page, app_url, dropped)
    expect(_history(page).first).to_contain_text("Phone screen → Rejected")
    expect(_history(page).first).to_contain_text("dragged on the board")


# ---- 10: reasons that fit, and Restore keeps the days ----------------------------------------------------


def test_declining_an_offer_is_offered_only_at_offer(page: Page, app_url: str) -> None:
    seed_job("Hooli", "Engineer")
    seed_job("Pied Piper", "Engineer", Stage.OFFER)
    open_board(page, app_url)

    page.get_by_role("button", name="Reject Hooli — Engineer").click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog.get_by_text("I withdrew")).to_be_visible()
    expect(dialog.get_by_text("I declined the offer")).to_have_count(0)
    dialog.get_by_role("button", name="Cancel").click()

    page.get_by_role("button", name="Reject Pied Piper — Engineer").click()
    expect(page.get_by_role("alertdialog").get_by_text("I declined the offer")).to_be_visible()


def test_restore_gives_back_the_days_already_spent_in_the_stage(page: Page, app_url: str) -> None:
    job_id = seed_job("Umbrella", "Chemist", Stage.PHONE_SCREEN)
    with db.session_scope() as session:
        session.execute(
            update(Job).where(col(Job.id) == job_id).values(stage_entered_at=utcnow() - timedelta(days=5, hours=1))
        )
    with db.session_scope() as session:
        jobs.move_job(session, job_id, Stage.REJECTED, source=MoveSource.BUTTON, reason=RejectionReason.GHOSTED)
    open_board(page, app_url)

    card(page, "Umbrella", "Chemist").get_by_role("button", name="Restore").click()

    restored = column(page, Stage.PHONE_SCREEN).get_by_role("article", name="Umbrella — Chemist")
    expect(restored).to_contain_text("5 days")


# ---- 5: duplicates ----------------------------------------------------------------------------------


def test_the_dialog_warns_about_a_job_already_on_the_board_and_still_saves(page: Page, app_url: str) -> None:
    with db.session_scope() as session:
        candidate_id = current_candidate(session).id or 0
        existing = jobs.create_job(
            session,
            candidate_id,
            jobs.JobFields(company="Acme", title="Backend Engineer", url="https://acme.example/jobs/7"),
        ).id
    open_board(page, app_url)

    page.get_by_role("button", name="Add job").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Company").fill("acme")
    dialog.get_by_label("Title").fill("backend engineer")
    dialog.get_by_label("Source").click()
    warning = dialog.get_by_role("alert").filter(has_text="may already be on your board")
    expect(warning).to_be_visible()
    expect(warning.get_by_role("link", name="Acme — Backend Engineer (Applied)")).to_have_attribute(
        "href", f"/applications/{existing}"
    )
    dialog.get_by_role("button", name="Save").click()

    expect(dialog).to_be_hidden()
    expect(column(page, Stage.APPLIED).get_by_role("article")).to_have_count(2)


# ---- 11: the job's details, and notes ------------------------------------------------------------------


def test_a_new_job_has_its_details_a_first_history_entry_and_board_filters(page: Page, app_url: str) -> None:
    seed_job("Globex", "Designer")
    open_board(page, app_url)

    page.get_by_role("button", name="Add job").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Company").fill("Acme")
    dialog.get_by_label("Title").fill("Platform Engineer")
    expect(dialog.get_by_label("Date applied")).not_to_have_value("")  # today, unless changed
    dialog.get_by_label("Date applied").fill("2026-11-20")
    dialog.get_by_label("Location").fill("Lisbon")
    dialog.get_by_label("Work mode").select_option(label="Hybrid")
    dialog.get_by_label("Salary from").fill("90,000")
    dialog.get_by_label("Salary to").fill("120000")
    dialog.get_by_label("Salary currency").fill("eur")
    dialog.get_by_label("Tags").fill("python, fintech, Python")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog).to_be_hidden()

    page.get_by_role("combobox", name="Filter by work mode").click()
    page.get_by_role("option", name="Hybrid").click()
    expect(column(page, Stage.APPLIED).get_by_role("article")).to_have_count(1)
    expect(card(page, "Acme", "Platform Engineer")).to_be_visible()
    page.get_by_role("button", name="Clear filters").click()
    expect(column(page, Stage.APPLIED).get_by_role("article")).to_have_count(2)
    page.get_by_role("combobox", name="Filter by tag").click()
    page.get_by_role("option", name="fintech").click()
    expect(column(page, Stage.APPLIED).get_by_role("article")).to_have_count(1)
    expect(card(page, "Acme", "Platform Engineer")).to_be_visible()

    card(page, "Acme", "Platform Engineer").get_by_role("link", name="Platform Engineer").click()
    facts = page.locator(".job-facts")
    expect(facts).to_contain_text("Nov 20, 2026")
    expect(facts).to_contain_text("Lisbon")
    expect(facts).to_contain_text("Hybrid")
    expect(facts).to_contain_text("90,000 to 120,000 EUR")
    expect(facts).to_contain_text("python, fintech")
    expect(_history(page)).to_have_count(1)
    expect(_history(page).first).to_contain_text("Added to Applied")


def test_notes_are_saved_on_the_job_page(page: Page, app_url: str) -> None:
    job_id = seed_job("Hooli", "Engineer")
    _open_job_page(page, app_url, job_id)

    notes = page.get_by_label("Notes", exact=True)
    notes.fill("Spoke to Gavin at the meetup.\nFollow up Friday.")
    page.get_by_role("button", name="Save notes").click()
    expect(page.get_by_text("Notes saved.")).to_be_visible()
    page.reload()
    expect(page.get_by_label("Notes", exact=True)).to_have_value("Spoke to Gavin at the meetup.\nFollow up Friday.")
    with db.session_scope() as session:
        assert jobs.get_job(session, job_id).notes == "Spoke to Gavin at the meetup.\nFollow up Friday."


def test_notes_saved_in_another_tab_are_shown_not_overwritten(page: Page, browser: Browser, app_url: str) -> None:
    job_id = seed_job("Hooli", "Engineer")
    second = browser.new_context(viewport={"width": 1700, "height": 1000})
    try:
        other = second.new_page()
        _open_job_page(page, app_url, job_id)
        _open_job_page(other, app_url, job_id)
        page.get_by_label("Notes", exact=True).fill("Gavin called.")
        page.get_by_role("button", name="Save notes").click()
        expect(page.get_by_text("Notes saved.")).to_be_visible()

        other.get_by_label("Notes", exact=True).fill("Bring the portfolio.")
        other.get_by_role("button", name="Save notes").click()

        expect(other.get_by_role("alert").filter(has_text="Saved elsewhere meanwhile")).to_contain_text("Gavin called.")
        expect(other.get_by_label("Notes", exact=True)).to_have_value("Bring the portfolio.")  # nothing typed is lost
        with db.session_scope() as session:
            assert jobs.get_job(session, job_id).notes == "Gavin called."
        other.get_by_role("button", name="Save notes").click()  # yes, keep mine
        expect(other.get_by_text("Notes saved.")).to_be_visible()
        with db.session_scope() as session:
            assert jobs.get_job(session, job_id).notes == "Bring the portfolio."
    finally:
        second.close()


def test_another_candidates_job_page_reads_as_not_found(page: Page, app_url: str) -> None:
    with db.session_scope() as session:
        current_candidate(session)  # the page's candidate comes first
        other = Candidate(name="Someone else")
        session.add(other)
        session.flush()
        foreign = new_job(session, other.id, company="Initech", title="Their job")
    page.goto(f"{app_url}/applications/{foreign}")
    expect(page.get_by_role("status")).to_contain_text(f"Job {foreign} was not found.", timeout=30_000)
    expect(page.get_by_text("Initech")).to_have_count(0)
