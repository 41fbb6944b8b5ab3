"""The board on a phone: one column at a time behind a stage switcher, and moves by touch."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from peregrine.domain.stages import Stage
from tests.browser.conftest import open_board
from tests.browser.helpers import column, seed_job, stage_of, wait_for_stage

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("clean_db")]
PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True, device_scale_factor=2)
    try:
        yield context.new_page()
    finally:
        context.close()


def test_the_phone_board_shows_one_stage_at_a_time_and_moves_a_card_by_touch(phone: Page, app_url: str) -> None:
    acme = seed_job("Acme", "Backend Engineer")
    seed_job("Globex", "Data Engineer", Stage.PHONE_SCREEN)
    seed_job("Initech", "Analyst", Stage.PHONE_SCREEN)
    open_board(phone, app_url)
    tabs = phone.get_by_role("tablist", name="Stages")
    applied_tab = tabs.get_by_role("tab", name="Applied 1")
    phone_tab = tabs.get_by_role("tab", name="Phone screen 2")

    expect(applied_tab).to_have_attribute("aria-selected", "true")
    expect(tabs.get_by_role("tab", name="Saved 0")).to_be_visible()  # before Applied, not opened first
    expect(column(phone, Stage.APPLIED)).to_be_visible()
    for hidden in (Stage.SAVED, Stage.SURVEY, Stage.PHONE_SCREEN, Stage.REJECTED):
        expect(column(phone, hidden)).to_be_hidden()
    phone.screenshot(path="/tmp/phone-board.png", full_page=True)
    # The board's own region (below the top bar, which another change makes fit) stays in the screen.
    widths = phone.evaluate(
        """() => {
            const main = document.querySelector('main');
            const right = Math.max(...[...main.querySelectorAll('*')].map((el) => el.getBoundingClientRect().right));
            return {page: document.documentElement.scrollWidth, main: main.scrollWidth, right};
        }"""
    )
    print("widths at 390 px:", widths)
    assert widths["main"] <= PHONE["width"]
    assert widths["right"] <= PHONE["width"]

    phone_tab.tap()
    expect(phone_tab).to_have_attribute("aria-selected", "true")
    expect(column(phone, Stage.PHONE_SCREEN).get_by_role("article")).to_have_count(2)
    expect(column(phone, Stage.APPLIED)).to_be_hidden()
    phone.keyboard.press("ArrowLeft")  # the switcher is a tab list: arrows go from stage to stage
    expect(tabs.get_by_role("tab", name="Survey 0")).to_be_focused()
    expect(column(phone, Stage.SURVEY)).to_be_visible()

    applied_tab.tap()
    column(phone, Stage.APPLIED).get_by_role("button", name="Move Acme — Backend Engineer to another stage").tap()
    sheet = phone.get_by_role("dialog", name="Move Acme — Backend Engineer to")
    expect(sheet.get_by_role("button", name="Applied", exact=True)).to_have_count(0)  # where it is already
    phone.screenshot(path="/tmp/phone-sheet.png")
    sheet.get_by_role("button", name="Phone screen", exact=True).tap()

    expect(sheet).to_be_hidden()
    expect(phone.get_by_text("Acme moved to Phone screen.", exact=False)).to_be_visible()
    wait_for_stage(acme, Stage.PHONE_SCREEN)
    expect(tabs.get_by_role("tab", name="Phone screen 3")).to_be_visible()
    expect(column(phone, Stage.APPLIED).get_by_role("article")).to_have_count(0)
    tabs.get_by_role("tab", name="Phone screen 3").tap()
    expect(column(phone, Stage.PHONE_SCREEN).get_by_role("article", name="Acme — Backend Engineer")).to_be_visible()
    phone.screenshot(path="/tmp/phone-moved.png", full_page=True)


def test_the_move_sheet_closes_with_escape_and_moves_nothing(phone: Page, app_url: str) -> None:
    acme = seed_job("Acme", "Backend Engineer")
    open_board(phone, app_url)

    phone.get_by_role("button", name="Move Acme — Backend Engineer to another stage").tap()
    sheet = phone.get_by_role("dialog", name="Move Acme — Backend Engineer to")
    expect(sheet.get_by_role("button", name="Survey", exact=True)).to_be_focused()
    phone.keyboard.press("Escape")

    expect(sheet).to_be_hidden()
    expect(column(phone, Stage.APPLIED).get_by_role("article", name="Acme — Backend Engineer")).to_be_visible()
    phone.wait_for_timeout(300)
    assert stage_of(acme) is Stage.APPLIED
