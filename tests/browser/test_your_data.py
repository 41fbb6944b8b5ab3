"""Settings → Your data and the job-search log, in the browser: the log of a period with each
application's later steps (and printed without the navigation), downloads, an import refused."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import col, select

from peregrine import db
from peregrine.domain.stages import Stage
from peregrine.models import StageEvent
from tests.factories import new_job

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("clean_db")]


def seed_history() -> None:
    with db.session_scope() as session:
        job_id = new_job(
            session,
            company="Acme Analytics",
            title="Data analyst",
            source="LinkedIn",
            url="https://acme.example/jobs/7",
            recruiter="Rita Recruiter",
            stage=Stage.INTERVIEWING,
            applied_on=date(2026, 3, 2),
        )
        events = session.exec(select(StageEvent).where(StageEvent.job_id == job_id).order_by(col(StageEvent.id)))
        for event, day in zip(events.all(), (6, 13), strict=True):
            event.at = datetime(2026, 3, day, 12, tzinfo=UTC)
        session.commit()
        new_job(session, company="Older Corp", title="Clerk", applied_on=date(2026, 1, 5))
        new_job(
            session, company="<img src=x onerror=alert(1)>Tags Ltd", title="<b>Lead</b>", applied_on=date(2026, 3, 20)
        )


def test_the_log_lists_the_periods_applications_with_their_steps_and_prints_without_the_nav(
    page: Page, app_url: str
) -> None:
    seed_history()
    page.goto(app_url + "/log?from=2026-03-01&to=2026-03-31")
    expect(page.get_by_role("heading", name="Job-search log", level=1)).to_be_visible(timeout=30_000)
    row = page.get_by_role("row").filter(has_text="Acme Analytics")
    expect(row).to_contain_text("Mar 02, 2026")
    expect(row).to_contain_text("Data analyst")
    expect(row).to_contain_text("LinkedIn")
    expect(row.get_by_role("link", name="https://acme.example/jobs/7")).to_be_visible()
    expect(row).to_contain_text("Rita Recruiter")
    expect(row.get_by_role("listitem")).to_have_text(["Mar 06, 2026: Phone screen", "Mar 13, 2026: Interviewing"])
    expect(row).to_contain_text("In progress (Interviewing)")
    expect(page.get_by_text("Older Corp")).to_have_count(0)  # applied before the period
    expect(page.get_by_text("2 applications.", exact=True)).to_be_visible()
    html = page.get_by_role("row").filter(has_text="Tags Ltd")
    expect(html).to_contain_text("<img src=x onerror=alert(1)>Tags Ltd")  # shown as text, never as markup
    expect(html).to_contain_text("<b>Lead</b>")
    expect(page.locator(".search-log img")).to_have_count(0)

    page.emulate_media(media="print")
    expect(page.get_by_role("navigation").first).to_be_hidden()
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    expect(row).to_be_visible()

    page.emulate_media(media="screen")
    page.get_by_label("From").fill("2026-01-01")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("row").filter(has_text="Older Corp")).to_contain_text("Jan 05, 2026")
    expect(page).to_have_url(app_url + "/log?from=2026-01-01&to=2026-03-31")


def test_a_bad_day_in_the_address_says_so(page: Page, app_url: str) -> None:
    page.goto(app_url + "/log?from=yesterday&to=2026-03-31")
    expect(page.get_by_role("alert")).to_contain_text("“yesterday” is not a day; write it as 2026-03-01.")


def test_your_data_downloads_the_jobs_and_the_archive_and_refuses_an_import_over_data(
    page: Page, app_url: str, tmp_path: Path
) -> None:
    seed_history()
    page.goto(app_url + "/settings")
    section = page.get_by_role("region", name="Your data")
    expect(section).to_be_visible(timeout=30_000)

    with page.expect_download() as csv_download:
        section.get_by_role("button", name="Jobs as CSV").click()
    assert csv_download.value.suggested_filename == "peregrine-jobs.csv"
    text = Path(csv_download.value.path()).read_text(encoding="utf-8-sig")
    assert "Acme Analytics" in text
    assert "2026-03-06" in text  # the day it entered Phone screen

    with page.expect_download() as zip_download:
        section.get_by_role("button", name="Full archive (.zip)").click()
    saved = tmp_path / "peregrine-archive.zip"
    zip_download.value.save_as(saved)
    assert "archive.json" in zipfile.ZipFile(saved).namelist()

    with page.expect_file_chooser() as chooser:
        section.get_by_role("button", name="Import an archive (.zip)").click()
    chooser.value.set_files(saved)
    expect(section.get_by_role("status")).to_contain_text("already holds 3 jobs")

    not_an_archive = tmp_path / "jobs.zip"
    not_an_archive.write_bytes(io.BytesIO(b"Company,Title\n").getvalue())
    with page.expect_file_chooser() as chooser:
        section.get_by_role("button", name="Import an archive (.zip)").click()
    chooser.value.set_files(not_an_archive)
    expect(section.get_by_role("status")).to_contain_text("not a zip file")
