"""What the pages show and how it reads: the installable app's manifest and icons, the top bar's
links, round dates with their year and in date order, long titles that wrap instead of widening
the page, the sheet's way back to its prep, and the analytics filters applied to every figure."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from peregrine import db
from peregrine.domain.stages import Stage
from peregrine.services import interviews, offers
from tests.browser.helpers import seed_job

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("clean_db")]

LONG_TITLE = ("Engineer" * 38)[:300]  # the longest title there is, with no place to break


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    try:
        yield context.new_page()
    finally:
        context.close()


def page_width(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))


def test_the_app_is_installable_with_its_icons(page: Page, app_url: str) -> None:
    for route in ("/", "/analytics", "/settings"):
        page.goto(app_url + route)
        expect(page.get_by_role("heading", level=1).first).to_be_visible(timeout=30_000)
        assert page.locator("head link[rel='manifest']").get_attribute("href") == "/manifest.webmanifest"
        assert page.locator("head link[rel='icon']").count() >= 1
        assert page.locator("head meta[name='theme-color']").count() == 1

    favicon = page.request.get(app_url + "/favicon.ico")
    assert favicon.status == 200
    assert Image.open(io.BytesIO(favicon.body())).format == "ICO"

    answer = page.request.get(app_url + "/manifest.webmanifest")
    assert answer.status == 200
    manifest = json.loads(answer.body())
    assert manifest["name"] == "Peregrine"
    assert manifest["short_name"] == "Peregrine"
    assert manifest["start_url"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"].startswith("#")
    sizes = set()
    for icon in manifest["icons"]:
        image = page.request.get(app_url + icon["src"])
        assert image.status == 200, icon["src"]
        picture = Image.open(io.BytesIO(image.body()))
        assert picture.format == "PNG"
        assert f"{picture.width}x{picture.height}" == icon["sizes"]
        sizes.add(icon["sizes"])
    assert {"192x192", "512x512"} <= sizes


def test_the_top_bar_links_to_offers(page: Page, app_url: str) -> None:
    page.goto(app_url + "/settings")
    nav = page.get_by_role("navigation", name="Main")
    offers_link = nav.get_by_role("link", name="Offers", exact=True)
    expect(offers_link).to_be_visible(timeout=30_000)
    offers_link.click()
    expect(page.get_by_role("heading", name="Offers side by side")).to_be_visible()


def test_the_reference_sheet_links_back_to_its_prep(page: Page, app_url: str) -> None:
    job_id = seed_job("Initech", "Platform Engineer", Stage.INTERVIEWING)
    with db.session_scope() as session:
        interview_id = interviews.add_round(session, job_id, interviews.RoundFields("Onsite", kind="panel")).id
    page.goto(f"{app_url}/applications/{job_id}/interview-prep/sheet?interview_id={interview_id}")
    back = page.get_by_role("link", name="Back to the prep")
    expect(back).to_be_visible(timeout=30_000)
    back.click()
    expect(page).to_have_url(re.compile(rf"/applications/{job_id}/interview-prep/?\?interview_id={interview_id}$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Interview prep")


def test_round_dates_show_their_year_warn_when_past_and_read_in_date_order(page: Page, app_url: str) -> None:
    job_id = seed_job("Umbrella", "Platform Engineer", Stage.PHONE_SCREEN)
    next_year = datetime.now(UTC).year + 1
    page.goto(f"{app_url}/applications/{job_id}")
    rounds = page.get_by_role("region", name="Interview rounds")
    expect(rounds).to_contain_text("No rounds yet.", timeout=30_000)

    page.get_by_role("button", name="Schedule a round").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Name", exact=True).fill("Onsite")
    dialog.get_by_label("When").fill(f"{next_year}-03-11T15:00")
    expect(dialog.get_by_text("in the past")).to_have_count(0)
    dialog.get_by_role("button", name="Save round").click()
    expect(dialog).to_be_hidden()

    page.get_by_role("button", name="Schedule a round").click()
    dialog.get_by_label("Name", exact=True).fill("Old call")
    dialog.get_by_label("When").fill("2020-01-01T09:00")
    expect(dialog.get_by_role("status").filter(has_text="in the past")).to_contain_text("Wed Jan 01, 2020")
    # said, and the save still goes through
    dialog.get_by_role("button", name="Save round").click()
    expect(dialog).to_be_hidden()

    items = rounds.get_by_role("listitem")
    expect(items).to_have_count(2)
    expect(items.first).to_contain_text("1. Old call")  # the earlier date is listed (and numbered) first
    expect(items.first).to_contain_text("Wed Jan 01, 2020, 09:00")
    expect(items.nth(1)).to_contain_text("2. Onsite")
    expect(items.nth(1)).to_contain_text(f"Mar 11, {next_year}, 15:00")


def test_a_long_title_wraps_in_the_heading_the_toast_and_the_tables(page: Page, phone: Page, app_url: str) -> None:
    job_id = seed_job("Acme", LONG_TITLE, Stage.HIRED)  # in Analytics' placements
    compared = seed_job("Initech", LONG_TITLE, Stage.OFFER)  # Compare offers leaves hired jobs out
    with db.session_scope() as session:
        offers.record_offer(session, job_id, offers.OfferFields(base_salary=150000, currency="USD"))
        offers.record_offer(session, compared, offers.OfferFields(base_salary=140000, currency="USD"))

    for viewer, width in ((page, 1700), (phone, 390)):
        viewer.goto(f"{app_url}/applications/{job_id}")
        heading = viewer.get_by_role("heading", level=1)
        expect(heading).to_contain_text(LONG_TITLE[:40], timeout=30_000)
        viewer.wait_for_timeout(300)
        lines = heading.evaluate("h => h.getBoundingClientRect().height / parseFloat(getComputedStyle(h).lineHeight)")
        assert lines <= 3.2, f"the heading is {lines:.1f} lines tall at {width} px"
        assert heading.get_attribute("title") == f"Acme — {LONG_TITLE}"  # the whole of it, on hover
        assert page_width(viewer) <= width

        for route in ("/analytics", "/offers"):
            viewer.goto(app_url + route)
            expect(viewer.get_by_text(LONG_TITLE[:20]).first).to_be_attached(timeout=30_000)
            viewer.wait_for_timeout(300)
            assert page_width(viewer) <= width, f"{route} is {page_width(viewer)} px wide at {width} px"

    # Saving a job with a long title says so in a toast that stays on the screen.
    phone.goto(app_url + "/")
    phone.get_by_role("button", name="Add job").click(timeout=30_000)
    dialog = phone.get_by_role("dialog")
    dialog.get_by_label("Company").fill("Globex")
    dialog.get_by_label("Title").fill(LONG_TITLE)
    dialog.get_by_role("button", name="Save", exact=True).click()
    toast = phone.locator("[data-sonner-toast]").filter(has_text="Saved Globex")
    expect(toast).to_be_visible()
    phone.wait_for_timeout(500)  # the toast's entrance animation
    box = toast.bounding_box()
    assert box is not None
    assert 0 <= box["x"] <= 390 - box["width"], f"the toast {box} leaves the screen"
    assert box["height"] <= 844 / 4, f"the toast {box} covers a quarter of the screen or more"


def test_analytics_placements_follow_the_company_filter_and_a_reversed_range_shows_no_figures(
    page: Page, app_url: str
) -> None:
    seed_job("Acme", "Platform Engineer", Stage.HIRED)
    seed_job("Globex", "Data Engineer", Stage.HIRED)
    page.goto(f"{app_url}/analytics")
    placements = page.get_by_role("region", name="Placements")
    expect(placements.get_by_role("row")).to_have_count(3, timeout=30_000)  # the header and two placements

    page.get_by_role("combobox", name="Company").select_option("Globex")
    expect(placements.get_by_role("row")).to_have_count(2)
    expect(placements).to_contain_text("Globex")
    expect(placements).not_to_contain_text("Acme")

    page.get_by_role("combobox", name="Company").select_option("__all__")
    page.get_by_label("Added from").fill("2030-02-01")
    page.get_by_label("Added until").fill("2030-01-01")
    expect(page.get_by_role("alert")).to_contain_text("The start date is after the end date.")
    expect(page.get_by_role("region", name="Conversion funnel")).to_have_count(0)
    expect(page.get_by_role("region", name="Placements")).to_have_count(0)
    expect(page.get_by_text("jobs in view")).to_have_count(0)

    page.get_by_label("Added from").fill("")
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(page.get_by_role("region", name="Placements").get_by_role("row")).to_have_count(3)
