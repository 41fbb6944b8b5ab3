"""Offers in the browser: record one on the job page (the job moves to Offer), compare two side by side."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from peregrine.domain.stages import Stage
from tests.browser.helpers import seed_job, stage_of

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("clean_db")]


def record_offer(page: Page, base: str, currency: str = "USD", bonus: str = "", deadline: str = "") -> None:
    page.get_by_role("region", name="Offer").get_by_role("button", name="Record an offer").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Base salary (a year)").fill(base)
    dialog.get_by_label("Currency").fill(currency)
    if bonus:
        dialog.get_by_label("Bonus", exact=True).fill(bonus)
    if deadline:
        dialog.get_by_label("Decision deadline").fill(deadline)
    dialog.get_by_role("button", name="Save offer").click()


def test_an_offer_moves_the_job_and_offers_compare_side_by_side(page: Page, app_url: str) -> None:
    first = seed_job("Acme", "Platform Engineer", Stage.INTERVIEWING)
    second = seed_job("Globex", "Data Engineer", Stage.INTERVIEWING)

    page.goto(f"{app_url}/applications/{first}")
    offer = page.get_by_role("region", name="Offer")
    expect(offer).to_contain_text("No offer recorded", timeout=30_000)
    record_offer(page, "abc")
    expect(page.get_by_role("dialog").get_by_role("alert")).to_contain_text("must be a whole number")
    page.get_by_role("dialog").get_by_label("Base salary (a year)").fill("150,000")
    page.get_by_role("dialog").get_by_label("Bonus", exact=True).fill("15000")
    page.get_by_role("dialog").get_by_label("Decision deadline").fill("2026-12-01")
    page.get_by_role("dialog").get_by_role("button", name="Save offer").click()
    expect(offer).to_contain_text("150,000 USD")
    expect(offer).to_contain_text("Dec 01, 2026")
    expect(page.get_by_text("Interviewing → Offer")).to_be_visible()
    assert stage_of(first) is Stage.OFFER

    page.goto(f"{app_url}/applications/{second}")
    expect(page.get_by_role("region", name="Offer")).to_contain_text("No offer recorded", timeout=30_000)
    record_offer(page, "140000", bonus="30000")
    expect(page.get_by_role("region", name="Offer")).to_contain_text("140,000 USD")

    page.goto(f"{app_url}/offers")
    table = page.get_by_role("table", name="Offers side by side")
    headers = table.get_by_role("columnheader")
    expect(headers).to_have_count(3, timeout=30_000)  # the field names, then one column per offer
    expect(headers.nth(1)).to_contain_text("Globex — Data Engineer")
    first_year = table.get_by_role("row").filter(has=page.get_by_role("rowheader", name="First-year cash"))
    expect(first_year.get_by_role("cell")).to_have_text(["170,000 USD", "165,000 USD"])
