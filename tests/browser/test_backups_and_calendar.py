"""Settings' Backups and Calendar sections in Chromium, against the running app: a backup made and
restored from the list (the app then serves the restored data), and a calendar address made,
fetched over real HTTP through the app's edge, replaced and switched off."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import httpx
import pytest
from icalendar import Calendar
from playwright.sync_api import Page, expect
from sqlmodel import col, select

from peregrine import db
from peregrine.models import Job
from tests.browser.conftest import open_board
from tests.factories import new_round, seed_job

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("clean_db")]


def _companies() -> list[str]:
    with db.session_scope() as session:
        return list(session.exec(select(Job.company).order_by(col(Job.id))))


def test_a_backup_made_in_settings_is_restored_from_the_list(page: Page, app_url: str) -> None:
    seed_job(company="Kept Co")
    page.goto(f"{app_url}/settings")
    section = page.get_by_role("region", name="Backups")
    section.get_by_role("button", name="Back up now").click()
    made = section.get_by_role("row").filter(has_text="made on request")
    expect(made).to_have_count(1, timeout=30_000)
    expect(made).to_contain_text(re.compile(r"\d+\.\d (KB|MB)"))
    seed_job(company="Added after the backup")

    made.get_by_role("button", name=re.compile("^Restore the backup of")).click()
    dialog = page.get_by_role("alertdialog", name="Restore this backup?")
    dialog.get_by_role("button", name="Restore").click()

    expect(section.get_by_role("status")).to_contain_text("Reload the page to see the restored data", timeout=30_000)
    expect(section.get_by_role("row").filter(has_text="before a restore")).to_have_count(1)
    assert _companies() == ["Kept Co"]
    section.get_by_role("button", name="Reload the page").click()
    expect(section.get_by_role("row").filter(has_text="before a restore")).to_have_count(1, timeout=30_000)
    expect(section.get_by_role("status")).to_have_count(0)  # said once; the reload it asked for is done
    open_board(page, app_url)
    expect(page.get_by_role("article", name="Kept Co — Engineer")).to_be_visible()
    expect(page.get_by_role("article", name="Added after the backup — Engineer")).to_have_count(0)


def _feed(api_url: str, shown: str) -> httpx.Response:
    return httpx.get(api_url + urlsplit(shown).path, timeout=10)


def test_a_calendar_address_is_shown_once_replaced_and_switched_off(page: Page, app_url: str, api_url: str) -> None:
    job_id = seed_job(company="Calendar Co")
    with db.session_scope() as session:
        new_round(session, job_id, name="Onsite", scheduled_at=datetime.now(UTC) + timedelta(days=3))
    page.goto(f"{app_url}/settings")
    section = page.get_by_role("region", name="Calendar")
    section.get_by_role("button", name="Make a calendar address").click()
    shown_once = section.get_by_role("status").filter(has_text="shown only once")
    first = shown_once.locator("code").inner_text(timeout=30_000)
    assert re.fullmatch(r"https?://[^/]+/calendar/cal_[\w-]+\.ics", first), first

    answer = _feed(api_url, first)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/calendar")
    [event] = Calendar.from_ical(answer.content).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Onsite: Calendar Co"
    assert httpx.get(api_url + "/calendar/cal_not-the-secret.ics", timeout=10).status_code == 404

    page.reload()
    expect(section).to_contain_text("is live")
    expect(section.get_by_role("status").filter(has_text="shown only once")).to_have_count(0)
    section.get_by_role("button", name="Make a new address…").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Make a new address").click()
    second = shown_once.locator("code").inner_text(timeout=30_000)
    assert second != first
    assert _feed(api_url, first).status_code == 404
    assert _feed(api_url, second).status_code == 200

    section.get_by_role("button", name="Switch the feed off").click()
    expect(section.get_by_role("button", name="Make a calendar address")).to_be_visible()
    assert _feed(api_url, second).status_code == 404
