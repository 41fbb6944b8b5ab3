"""The bookmarklet of Settings, run on a posting served on 127.0.0.1: Peregrine's /capture opens in a
new window with the Add job dialog filled from the page and its warnings; Save puts the card on the
board. A message that claims another site's page is ignored."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from urllib.parse import unquote

import pytest
from playwright.sync_api import Page, expect

from peregrine.domain.stages import Stage
from tests.browser.helpers import column, seed_job
from tests.fakes.posting_server import FakeCareerSite
from tests.fakes.postings import page as posting_html

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("clean_db")]

POSTING = "/jobs/schema_org_json_ld"  # Google's "Software Engineer", Google Search Central's example


@pytest.fixture(scope="module")
def site() -> Iterator[FakeCareerSite]:
    with FakeCareerSite() as server:
        yield server


def bookmarklet_code(page: Page, app_url: str) -> str:
    """The code of the Settings page's bookmarklet link, as a click on the bookmark runs it."""
    page.goto(app_url + "/settings")
    link = page.get_by_role("link", name=re.compile("^Save to Peregrine"))
    expect(link).to_have_attribute("href", re.compile("^javascript:"))
    return unquote((link.get_attribute("href") or "").removeprefix("javascript:"))


def test_the_bookmarklet_fills_the_add_job_dialog_from_the_posting(
    page: Page, app_url: str, site: FakeCareerSite
) -> None:
    seed_job("Google", "Site Reliability Engineer", Stage.REJECTED)
    code = bookmarklet_code(page, app_url)
    posting = page.context.new_page()
    posting.goto(site.url(POSTING))
    with posting.expect_popup() as opened:
        posting.evaluate(code)
    capture = opened.value

    dialog = capture.get_by_role("dialog")
    expect(dialog.get_by_label("Company")).to_have_value("Google", timeout=15_000)
    expect(dialog.get_by_label("Title")).to_have_value("Software Engineer")
    expect(dialog.get_by_label("URL")).to_have_value(site.url(POSTING))
    expect(dialog.get_by_role("alert").filter(has_text="turned you down before")).to_contain_text(
        "Site Reliability Engineer"
    )
    dialog.get_by_role("button", name="Save").click()
    expect(dialog).to_be_hidden()
    expect(column(capture, Stage.APPLIED).get_by_role("article", name="Google — Software Engineer")).to_have_count(1)


def test_a_message_claiming_another_sites_page_is_ignored(page: Page, app_url: str, site: FakeCareerSite) -> None:
    posting = page
    posting.goto(site.url(POSTING))
    forged = {
        "type": "peregrine-capture:page",
        "url": "https://careers.mueller-soehne.example/jobs/1",
        "title": "",
        "selection": "",
        "html": posting_html("german_json_ld"),
    }
    # A page that sends a forged page first, then its own: only its own may fill the dialog.
    script = f"""() => {{
        const w = window.open({json.dumps(app_url + "/capture")}, "_blank");
        addEventListener("message", (e) => {{
            if (e.source !== w || e.data !== "peregrine-capture:ready") return;
            w.postMessage({json.dumps(forged)}, "*");
            w.postMessage({{type: "peregrine-capture:page", url: location.href, title: document.title,
                selection: "", html: document.documentElement.outerHTML}}, "*");
        }});
    }}"""
    with posting.expect_popup() as opened:
        posting.evaluate(script)
    dialog = opened.value.get_by_role("dialog")
    expect(dialog.get_by_label("Company")).to_have_value("Google", timeout=15_000)
