"""Dragging on the board lands where the pointer is, and the board says where it will land.

Also: filtered columns say how many of their jobs the filter shows, and old rejections fold away.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from playwright.sync_api import Locator, Page, WebSocket, expect
from sqlalchemy import update
from sqlmodel import col

from peregrine import db
from peregrine.domain.stages import Stage
from peregrine.models import Job, utcnow
from tests.browser.conftest import open_board
from tests.browser.helpers import card, column, seed_job, stage_of, wait_for_stage

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("clean_db")]


def grab_by_grip(page: Page, grip: Locator) -> None:
    """Press the ⋮⋮ grip at its left edge, as a person aiming at it does, and start moving."""
    box = grip.bounding_box()
    assert box
    x, y = box["x"] + 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 8, y + 8, steps=4)


def move_to(page: Page, target: Locator, x_fraction: float, y_fraction: float = 0.5) -> None:
    box = target.bounding_box()
    assert box
    page.mouse.move(box["x"] + box["width"] * x_fraction, box["y"] + box["height"] * y_fraction, steps=20)
    page.wait_for_timeout(50)


@pytest.mark.parametrize("x_fraction", [0.25, 0.5, 0.75])
def test_a_card_dropped_by_its_grip_lands_in_the_column_under_the_pointer(
    page: Page, app_url: str, x_fraction: float
) -> None:
    page.set_viewport_size({"width": 1600, "height": 1000})
    job_id = seed_job("Acme", "Backend Engineer")
    open_board(page, app_url)

    grab_by_grip(page, page.get_by_role("button", name="Drag Acme — Backend Engineer"))
    move_to(page, column(page, Stage.PHONE_SCREEN), x_fraction)
    page.mouse.up()

    expect(column(page, Stage.PHONE_SCREEN).get_by_role("article", name="Acme — Backend Engineer")).to_be_visible()
    expect(page.get_by_text("Acme moved to Phone screen.", exact=False)).to_be_visible()
    assert stage_of(job_id) is Stage.PHONE_SCREEN


def test_while_dragging_a_card_follows_the_pointer_and_the_target_column_is_lit(page: Page, app_url: str) -> None:
    seed_job("Acme", "Backend Engineer")
    seed_job("Globex", "Data Engineer", Stage.PHONE_SCREEN)
    open_board(page, app_url)
    phone = column(page, Stage.PHONE_SCREEN)

    grab_by_grip(page, page.get_by_role("button", name="Drag Acme — Backend Engineer"))
    move_to(page, card(page, "Globex", "Data Engineer"), 0.6)  # over a card of the column, not its empty part

    expect(phone).to_have_attribute("data-over", "true")
    for other in (Stage.APPLIED, Stage.INTERVIEWING):
        expect(column(page, other)).not_to_have_attribute("data-over", "true")
    overlay = page.locator(".drag-overlay .job-card")
    expect(overlay).to_contain_text("Acme")
    globex = card(page, "Globex", "Data Engineer").bounding_box()
    follows = overlay.bounding_box()
    assert globex
    assert follows
    # The moving card is drawn under the pointer (it was grabbed at its left edge).
    pointer_x = globex["x"] + globex["width"] * 0.6
    assert follows["x"] <= pointer_x <= follows["x"] + follows["width"]
    page.screenshot(path="/tmp/drag-over-card.png")
    page.mouse.up()
    expect(phone).not_to_have_attribute("data-over", "true")
    expect(overlay).to_have_count(0)


def _shown_older(page: Page) -> Locator:
    return column(page, Stage.REJECTED).get_by_role("button", name="Show 2 older")


def test_old_rejections_fold_behind_a_button_that_the_keyboard_opens(page: Page, app_url: str) -> None:
    recent = seed_job("Recent Co", "Engineer", Stage.REJECTED)
    old = [seed_job(name, "Engineer", Stage.REJECTED) for name in ("Old One", "Old Two")]
    with db.session_scope() as session:
        session.execute(update(Job).where(col(Job.id).in_(old)).values(stage_entered_at=utcnow() - timedelta(days=31)))
        session.execute(update(Job).where(col(Job.id) == recent).values(stage_entered_at=utcnow() - timedelta(days=29)))
    open_board(page, app_url)
    rejected = column(page, Stage.REJECTED)

    expect(rejected.get_by_role("article", name="Recent Co — Engineer")).to_be_visible()
    expect(rejected.get_by_role("article", name="Old One — Engineer")).to_have_count(0)
    button = _shown_older(page)
    expect(button).to_have_attribute("aria-expanded", "false")
    button.focus()
    page.keyboard.press("Enter")

    expect(rejected.get_by_role("article")).to_have_count(3)
    expect(rejected.get_by_role("article", name="Old Two — Engineer")).to_be_visible()
    expect(rejected.get_by_role("button", name="Hide older")).to_have_attribute("aria-expanded", "true")
    expect(rejected.locator(".column-count")).to_have_text("3")


def test_filtered_columns_count_what_is_shown_of_what_there_is(page: Page, app_url: str) -> None:
    seed_job("Acme", "Backend Engineer")
    seed_job("Acme", "Frontend Engineer")
    seed_job("Globex", "Designer")
    seed_job("Initech", "Analyst", Stage.PHONE_SCREEN)
    open_board(page, app_url)
    applied, phone, survey = (column(page, stage) for stage in (Stage.APPLIED, Stage.PHONE_SCREEN, Stage.SURVEY))
    expect(applied.locator(".column-count")).to_have_text("3")

    page.get_by_label("Filter by company or title").fill("acme")

    expect(applied.get_by_role("article")).to_have_count(2)
    expect(applied.locator(".column-count")).to_have_text("2 of 3")
    expect(phone.locator(".column-count")).to_have_text("0 of 1")
    expect(phone.get_by_text("No job matches the filter")).to_be_visible()
    expect(survey.get_by_text("No jobs here yet")).to_be_visible()  # nothing hidden there: the plain truth

    page.get_by_role("button", name="Clear filters").click()
    expect(applied.locator(".column-count")).to_have_text("3")
    expect(phone.get_by_text("No job matches the filter")).to_have_count(0)


def test_a_move_sends_a_few_hundred_bytes(page: Page, app_url: str) -> None:
    """docs/ARCHITECTURE.md, "The board's state": a move re-sends no card list, however large the board."""
    ids = [seed_job(f"Company {n:03d}", "Engineer") for n in range(150)]
    frames: list[str] = []

    def watch(socket: WebSocket) -> None:
        socket.on("framereceived", lambda frame: frames.append(frame if isinstance(frame, str) else frame.decode()))

    page.on("websocket", watch)
    open_board(page, app_url)
    page.wait_for_timeout(500)
    frames.clear()

    card(page, "Company 149", "Engineer").get_by_role("button", name="Advance to Phone screen").click()
    wait_for_stage(ids[-1], Stage.PHONE_SCREEN)
    expect(page.get_by_text("Company 149 moved to Phone screen.", exact=False)).to_be_visible()
    page.wait_for_timeout(300)

    sizes = [len(frame.encode()) for frame in frames]
    print("bytes per frame after a move:", sizes, json.dumps(frames)[:600])
    assert sum(sizes) < 3_000
