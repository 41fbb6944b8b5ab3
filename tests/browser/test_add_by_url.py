"""Add by URL in a real browser: a posting served on 127.0.0.1 (allowed in this test's config
only) fills the Add job dialog, with the warning that this company turned the user down before;
without the allowance the same link is refused with the reason, and nothing typed is lost."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Page, expect

from peregrine.domain.stages import Stage
from tests.browser.conftest import open_board
from tests.browser.helpers import column, seed_job
from tests.fakes.posting_server import FakeCareerSite

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("clean_db")]


@pytest.fixture
def site() -> Iterator[FakeCareerSite]:
    with FakeCareerSite() as server:
        yield server


@pytest.fixture
def loopback_allowed() -> Iterator[None]:
    """services.yaml with `capture.allow_addresses: [127.0.0.1]` for this test, as it was after."""
    path = Path(os.environ["PEREGRINE_CONFIG_DIR"]) / "services.yaml"
    before = path.read_text(encoding="utf-8")
    settings = yaml.safe_load(before) or {}
    path.write_text(yaml.safe_dump({**settings, "capture": {"allow_addresses": ["127.0.0.1"]}}), encoding="utf-8")
    try:
        yield
    finally:
        path.write_text(before, encoding="utf-8")


def test_a_link_fills_the_form(page: Page, app_url: str, site: FakeCareerSite, loopback_allowed: None) -> None:
    seed_job("Google", "Site Reliability Engineer", Stage.REJECTED)
    open_board(page, app_url)
    page.get_by_role("button", name="Add job").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Location").fill("Remote from Lisbon")  # typed first: the fill keeps it
    dialog.get_by_label("URL").fill(site.url("/jobs/schema_org_json_ld"))
    dialog.get_by_role("button", name="Fill from the page").click()

    expect(dialog.get_by_label("Company")).to_have_value("Google", timeout=15_000)
    expect(dialog.get_by_label("Title")).to_have_value("Software Engineer")
    expect(dialog.get_by_label("Location")).to_have_value("Remote from Lisbon")
    expect(dialog.get_by_label("Salary currency")).to_have_value("USD")
    expect(dialog.get_by_label("Job description")).to_have_value(re.compile("- Design and build systems"))
    expect(dialog.get_by_label("URL")).to_have_value(site.url("/jobs/schema_org_json_ld"))
    expect(dialog.get_by_role("alert").filter(has_text="turned you down before")).to_contain_text(
        "Site Reliability Engineer"
    )

    dialog.get_by_role("button", name="Save").click()
    expect(dialog).to_be_hidden()
    expect(column(page, Stage.APPLIED).get_by_role("article", name="Google — Software Engineer")).to_have_count(1)


def test_a_loopback_link_is_refused_without_the_allowance(page: Page, app_url: str, site: FakeCareerSite) -> None:
    open_board(page, app_url)
    page.get_by_role("button", name="Add job").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("button", name="Fill from the page").click()
    expect(dialog.get_by_role("alert").filter(has_text="Paste the posting's link")).to_be_visible()

    dialog.get_by_label("Company").fill("Typed Co")
    dialog.get_by_label("URL").fill(site.url("/jobs/schema_org_json_ld"))
    dialog.get_by_role("button", name="Fill from the page").click()

    expect(dialog.get_by_role("alert").filter(has_text="private network")).to_be_visible(timeout=15_000)
    expect(dialog.get_by_label("URL")).to_have_value(site.url("/jobs/schema_org_json_ld"))
    expect(dialog.get_by_label("Company")).to_have_value("Typed Co")
