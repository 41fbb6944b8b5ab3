"""The import wizard in Chromium: a CSV chosen → its rows previewed → the mapping and statuses changed
→ the dates' order asked → a dry run listing a row's error → fixed by leaving its column out →
imported → the cards on the board, in their stages, with the time since the file's dates."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import col, select

from peregrine import db
from peregrine.domain.stages import Stage
from peregrine.models import Job, StageEvent
from tests.browser.helpers import card, column

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("clean_db")]

# Every date reads both ways (day first: November; month first: March to December), so the page asks.
CSV = """\
Company,Position,Stage,Applied On,Interview date,Link,Salary
Acme,Engineer,Onsite,03/11/2026,10/11/2026,https://acme.example/jobs/1,90k-110k EUR
Globex,Designer,Wishlist,01/11/2026,,,
Initech,Analyst,No response,12/11/2026,,,
Hooli,<b>Manager</b>,Applied,04/11/2026,,,competitive
"""


def _in_stage_since(day: date) -> str:
    """The card's time in stage for a move stored at noon UTC of `day` (as the import stores it)."""
    days = (datetime.now(UTC) - datetime(day.year, day.month, day.day, 12, tzinfo=UTC)).days
    return "today" if days <= 0 else "1 day" if days == 1 else f"{days} days"


def _choose(page: Page, control: str, option: str) -> None:
    page.get_by_role("combobox", name=control).click()
    page.get_by_role("option", name=option, exact=True).click()


def test_a_csv_is_mapped_checked_and_imported_with_its_dates(page: Page, app_url: str, tmp_path: Path) -> None:
    sheet = tmp_path / "tracker.csv"
    sheet.write_text(CSV, encoding="utf-8")
    page.goto(app_url + "/import")
    expect(page.get_by_role("heading", name="Import a spreadsheet", level=1)).to_be_visible(timeout=30_000)
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Choose a spreadsheet").press("Enter")
    chooser.value.set_files(sheet)

    preview = page.get_by_role("region", name="The first rows of the file")
    expect(preview).to_contain_text("Acme")
    expect(preview).to_contain_text("<b>Manager</b>")  # HTML is text
    expect(page.get_by_text("tracker.csv: 4 rows.")).to_be_visible()
    expect(page.get_by_role("combobox", name="What the column Position holds")).to_have_text("Job title")
    expect(page.get_by_role("combobox", name="What the status Onsite becomes")).to_have_text("Interviewing")
    expect(page.get_by_role("combobox", name="What the status No response becomes")).to_have_text("Rejected: ghosted")
    expect(page.get_by_role("combobox", name="What the status Wishlist becomes")).to_have_text("Not imported")
    _choose(page, "What the status Wishlist becomes", "Applied")

    check = page.get_by_role("button", name="Check the import")
    expect(check).to_be_disabled()  # until the dates' order is said
    page.get_by_role("radio", name="Day first (03/01/2026 is 3 January 2026)").check()
    check.click()
    expect(page.get_by_role("status").filter(has_text="Dry run:")).to_contain_text(
        "3 new, 0 already on the board, 1 with errors."
    )
    errors = page.get_by_role("region", name="Rows with errors")
    expect(errors.get_by_role("row").nth(1)).to_contain_text("5Salary“competitive” is not a salary")
    expect(page.get_by_role("button", name="Import 3 jobs")).to_be_disabled()

    page.get_by_role("button", name="Change the mapping").click()
    _choose(page, "What the column Salary holds", "Leave out")
    page.get_by_role("button", name="Check the import").click()
    expect(page.get_by_role("status").filter(has_text="Dry run:")).to_contain_text(
        "4 new, 0 already on the board, 0 with errors."
    )
    page.get_by_role("button", name="Import 4 jobs").click()
    expect(page.get_by_role("status").filter(has_text="Imported 4 job(s)")).to_be_visible()

    page.get_by_role("link", name="See them on the board").click()
    acme = card(page, "Acme", "Engineer")
    expect(column(page, Stage.INTERVIEWING).get_by_role("article")).to_have_count(1, timeout=30_000)
    expect(acme).to_contain_text(_in_stage_since(date(2026, 11, 10)))
    expect(column(page, Stage.REJECTED)).to_contain_text("Initech")
    expect(column(page, Stage.APPLIED)).to_contain_text("Globex")
    expect(card(page, "Hooli", "<b>Manager</b>")).to_be_visible()

    with db.session_scope() as session:
        stored = session.exec(select(Job).where(Job.company == "Acme")).one()
        assert stored.applied_on == date(2026, 11, 3)
        assert stored.salary_min is None  # its column was left out
        history = session.exec(select(StageEvent).where(StageEvent.job_id == stored.id).order_by(col(StageEvent.at)))
        assert [(event.to_stage, event.at.date(), event.source) for event in history] == [
            ("interviewing", date(2026, 11, 10), "import")
        ]
