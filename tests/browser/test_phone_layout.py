"""Peregrine on a phone (390 by 844 px, touch): no page is wider than the screen, the navigation sits
behind a Menu button, and the Add job dialog fits with Save and Cancel in reach."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from peregrine import db
from peregrine.domain.stages import Stage
from peregrine.models import utcnow
from peregrine.services import interviews, jobs, next_steps
from tests.browser.helpers import seed_job

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("clean_db")]

WIDTH, HEIGHT = 390, 844


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT}, has_touch=True, is_mobile=True)
    try:
        yield context.new_page()
    finally:
        context.close()


def page_width(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))


def assert_fits(page: Page, route: str) -> None:
    page.goto(route)
    expect(page.get_by_role("heading", level=1).first).to_be_visible(timeout=30_000)
    page.wait_for_timeout(400)  # the page's data has arrived and been laid out
    assert page_width(page) <= WIDTH, f"{route} is {page_width(page)} px wide on a {WIDTH} px screen"


def test_every_page_fits_a_phone_screen(phone: Page, app_url: str) -> None:
    job_id = seed_job("Initech", "Senior Platform Engineer (Infrastructure)", Stage.INTERVIEWING)
    with db.session_scope() as session:
        interviews.add_round(session, job_id, interviews.RoundFields("System design", kind="system_design"))
        owner = jobs.get_job(session, job_id).candidate_id
        next_steps.add_step(session, candidate_id=owner, job_id=job_id, title="Send the take-home", due_at=utcnow())
    routes = [
        "/today",
        "/",
        f"/applications/{job_id}",
        f"/applications/{job_id}/interview-prep",
        f"/applications/{job_id}/interview-prep/sheet",
        f"/applications/{job_id}/survey",
        "/prep",
        "/analytics",
        "/offers",
        "/resume",
        "/inbox",
        "/settings",
    ]
    failures = []
    for route in routes:
        try:
            assert_fits(phone, app_url + route)
        except AssertionError as exc:
            failures.append(str(exc))
    assert not failures, failures


def test_the_navigation_opens_from_a_menu_button(phone: Page, app_url: str) -> None:
    phone.goto(app_url + "/analytics")
    menu = phone.get_by_role("button", name="Menu")
    expect(menu).to_be_visible(timeout=30_000)
    # On a phone the links are not laid out in the bar (they would widen it): only the menu shows them.
    expect(phone.get_by_role("banner").get_by_role("link", name="Offers")).to_be_hidden()
    menu.tap()
    links = phone.get_by_role("navigation", name="Main").get_by_role("link")
    for name in ("Today", "Interviews", "Prep", "Resume", "Inbox", "Analytics", "Offers", "Settings"):
        expect(links.filter(has_text=name).first).to_be_visible()
    links.filter(has_text="Offers").first.tap()
    expect(phone.get_by_role("heading", name="Offers side by side")).to_be_visible()
    expect(phone).to_have_url(re.compile(r"/offers/?$"))


def _inside_viewport(control: Locator) -> None:
    box = control.bounding_box()
    assert box is not None
    assert 0 <= box["x"] <= WIDTH - box["width"], f"{box} is off the screen's sides"
    assert 0 <= box["y"] <= HEIGHT - box["height"], f"{box} is off the screen's top or bottom"


def _on_top(control: Locator) -> bool:
    """Whether a tap at the middle of `control` lands on it (no field lies over it)."""
    return bool(
        control.evaluate(
            """el => { const r = el.getBoundingClientRect();
                       const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
                       return hit !== null && (hit === el || el.contains(hit)); }"""
        )
    )


def test_the_add_job_dialog_fits_with_save_and_cancel_in_reach(phone: Page, app_url: str) -> None:
    phone.goto(app_url + "/")
    expect(phone.get_by_role("region", name="Applied")).to_be_attached(timeout=30_000)
    phone.wait_for_timeout(300)  # the board has settled: nothing moves under the finger
    phone.get_by_role("button", name="Add job").tap()
    dialog = phone.get_by_role("dialog")
    expect(dialog).to_be_visible()
    phone.wait_for_timeout(300)  # the dialog's opening animation
    box = dialog.bounding_box()
    assert box is not None
    assert 0 <= box["x"] <= WIDTH - box["width"], f"the dialog {box} is wider than the screen"
    for name in ("Save", "Cancel"):
        button = dialog.get_by_role("button", name=name, exact=True)
        button.scroll_into_view_if_needed()
        _inside_viewport(button)
        assert _on_top(button), f"something lies over {name}"
    dialog.get_by_label("Company").fill("Hooli")
    dialog.get_by_label("Title").fill("Site Reliability Engineer")
    dialog.get_by_role("button", name="Save", exact=True).tap()
    expect(dialog).to_be_hidden()
    expect(phone.get_by_role("article", name="Hooli — Site Reliability Engineer")).to_have_count(1)
