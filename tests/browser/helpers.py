"""Small helpers the browser tests share: seeding jobs and dragging like a person."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

from playwright.sync_api import Locator, Page, expect

from peregrine import db
from peregrine.domain.stages import Stage
from peregrine.services import jobs
from peregrine.services.board import load_board
from peregrine.services.candidates import current_candidate
from tests import factories


def seed_job(company: str, title: str, stage: Stage = Stage.APPLIED, source: str = "LinkedIn") -> int:
    """Create a job through the services and walk it to `stage` the way a user would."""
    return factories.seed_job(company, title, stage, source=source)


def stage_of(job_id: int) -> Stage:
    with db.session_scope() as session:
        return Stage(jobs.get_job(session, job_id).stage)


def column(page: Page, stage: Stage) -> Locator:
    return page.get_by_role("region", name=stage.label, exact=True)


def card(page: Page, company: str, title: str) -> Locator:
    return page.get_by_role("article", name=f"{company} — {title}", exact=True)


def card_titles(page: Page, stage: Stage) -> list[str]:
    return [
        name or ""
        for name in column(page, stage)
        .get_by_role("article")
        .evaluate_all("cards => cards.map(c => c.getAttribute('aria-label'))")
    ]


def mouse_drag(page: Page, source: Locator, target: Locator, *, target_y_fraction: float = 0.5) -> None:
    """Press on the card's body, move in small steps (dnd-kit needs real movement), release."""
    source.hover()  # waits until the card has stopped moving (a cancelled drop animates it back)
    source_box = source.bounding_box()
    target_box = target.bounding_box()
    assert source_box
    assert target_box
    start_x = source_box["x"] + source_box["width"] / 2
    start_y = source_box["y"] + 14
    page.mouse.move(start_x, start_y)
    page.mouse.down()
    page.mouse.move(start_x + 8, start_y + 8, steps=4)
    page.mouse.move(
        target_box["x"] + target_box["width"] / 2,
        target_box["y"] + target_box["height"] * target_y_fraction,
        steps=20,
    )
    page.wait_for_timeout(50)
    page.mouse.up()


def live_region(page: Page) -> Locator:
    return page.locator("[id^='DndLiveRegion']")


def keyboard_drag_to(page: Page, handle: Locator, stage: Stage, *, key: str = "ArrowRight") -> None:
    """Lift with Space, press arrows until the announcer names the column, drop with Space."""
    handle.focus()
    page.keyboard.press("Space")
    expect(live_region(page)).to_contain_text(re.compile("Picked up|is over"))
    for _ in range(len(Stage)):
        page.keyboard.press(key)
        page.wait_for_timeout(150)
        if f"the {stage.label} column" in (live_region(page).text_content() or ""):
            break
    expect(live_region(page)).to_contain_text(f"the {stage.label} column")
    page.keyboard.press("Space")


def wait_for(condition: Callable[[], bool], timeout_s: float = 5.0) -> None:
    """The browser shows a drop at once; wait for the server to have written it."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the database never reached the expected state")
        time.sleep(0.05)


def wait_for_stage(job_id: int, stage: Stage, timeout_s: float = 5.0) -> None:
    wait_for(lambda: stage_of(job_id) is stage, timeout_s)


def applied_order() -> list[int]:
    with db.session_scope() as session:
        candidate = current_candidate(session)
        assert candidate.id is not None
        return load_board(session, candidate.id).columns[Stage.APPLIED]
