"""The browser extension (extension/) loaded unpacked into Debian's Chromium, against the shared app.

A posting served on 127.0.0.1 (tests/fakes/posting_server.py) → the extension's options (the
app's address and a token) → its popup, opened as a page → Save → the card on the board. And the
messages a user reads when the token is wrong or revoked, when the server is down, and when the
server does not allow the extension's origin (PEREGRINE_CORS_ORIGINS).
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, Playwright, expect

from peregrine import db
from peregrine.config import PROJECT_ROOT
from peregrine.domain.stages import Stage
from peregrine.services import api_tokens
from peregrine.services.candidates import current_candidate
from tests.browser.conftest import open_board
from tests.browser.helpers import column
from tests.chromium import CHROMIUM, CHROMIUM_ARGS
from tests.fakes.openai_server import free_port
from tests.fakes.posting_server import FakeCareerSite

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("clean_db")]

#: The manifest's "key" fixes the extension's id, so its origin is known before it is installed.
EXTENSION_ORIGIN = "chrome-extension://jflchnabnebfcbfdjonlppjfkjdjelna"
#: Google Search Central's JobPosting example (tests/fakes/posting_pages/schema_org_json_ld.html).
POSTING = "/jobs/schema_org_json_ld"
POSTING_COMPANY, POSTING_TITLE = "Google", "Software Engineer"


@pytest.fixture(scope="module")
def posting_site() -> Iterator[FakeCareerSite]:
    with FakeCareerSite() as site:
        yield site


@pytest.fixture
def token(app_data: object) -> str:
    with db.session_scope() as session:
        _, plaintext = api_tokens.create_token(session, current_candidate(session).id or 0, "extension")
    return plaintext


@pytest.fixture
def allowed_origin(monkeypatch: pytest.MonkeyPatch) -> None:
    """The server started with the extension's origin allowed, as the README tells users to."""
    monkeypatch.setenv("PEREGRINE_CORS_ORIGINS", EXTENSION_ORIGIN)


@pytest.fixture
def extension(tmp_path: Path, playwright: Playwright, posting_site: FakeCareerSite) -> Iterator[BrowserContext]:
    folder = tmp_path / "extension"
    shutil.copytree(PROJECT_ROOT / "extension", folder)
    manifest_path = folder / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    # Headless Chromium has no toolbar to click. The access a click on the button gives the
    # current tab (activeTab) is given to the posting's site, and to nothing else, by this copy.
    manifest["host_permissions"] = [posting_site.url("/*")]
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    context = playwright.chromium.launch_persistent_context(
        str(tmp_path / "profile"),
        executable_path=CHROMIUM,
        headless=True,
        args=[*CHROMIUM_ARGS, "--headless=new", f"--disable-extensions-except={folder}", f"--load-extension={folder}"],
    )
    try:
        worker = context.service_workers[0] if context.service_workers else context.wait_for_event("serviceworker")
        assert worker.url.startswith(EXTENSION_ORIGIN + "/")
        yield context
    finally:
        context.close()


def extension_page(context: BrowserContext, name: str) -> Page:
    page = context.new_page()
    page.goto(f"{EXTENSION_ORIGIN}/{name}")
    return page


def configure(context: BrowserContext, address: str, token: str) -> Page:
    options = extension_page(context, "options.html")
    options.get_by_label("Peregrine's address").fill(address)
    options.get_by_label("API token").fill(token)
    options.get_by_role("button", name="Save").click()
    expect(options.locator("#status")).to_have_text("Saved.")
    return options


def run_connection_test(options: Page) -> str:
    options.get_by_role("button", name="Test connection").click()
    status = options.locator("#status")
    expect(status).not_to_have_text("Testing…")
    return status.inner_text()


def open_popup(context: BrowserContext, posting_site: FakeCareerSite) -> Page:
    """The posting in a tab, then the popup: it reads the web page used last."""
    context.new_page().goto(posting_site.url(POSTING))
    return extension_page(context, "popup.html")


def test_test_connection_says_which_part_is_wrong(
    extension: BrowserContext, api_url: str, token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    options = configure(extension, api_url, token)
    refused = run_connection_test(options)
    assert "does not let this extension in" in refused
    assert EXTENSION_ORIGIN in refused
    expect(options.locator("#origin")).to_have_text(EXTENSION_ORIGIN)

    monkeypatch.setenv("PEREGRINE_CORS_ORIGINS", EXTENSION_ORIGIN)
    assert run_connection_test(options) == "Connected: Peregrine answers and the token works."

    options.get_by_label("API token").fill("pgr_not-a-token")
    assert "refused the API token: it is wrong or was revoked" in run_connection_test(options)

    with db.session_scope() as session:
        candidate_id = current_candidate(session).id or 0
        revoked = next(t for t in api_tokens.tokens_of(session, candidate_id) if t.name == "extension")
        api_tokens.revoke_token(session, revoked.id or 0, candidate_id=candidate_id)
    options.get_by_label("API token").fill(token)
    assert "refused the API token" in run_connection_test(options)

    down = f"http://127.0.0.1:{free_port()}"
    options.get_by_label("Peregrine's address").fill(down)
    assert run_connection_test(options) == (
        f"Peregrine does not answer at {down}. Is it running, and is the address right?"
    )

    options.get_by_label("Peregrine's address").fill("peregrine on my laptop")
    assert "must be a full web address" in run_connection_test(options)
    expect(options.locator("#status")).to_have_attribute("role", "alert")


@pytest.mark.usefixtures("allowed_origin")
def test_the_popup_says_when_the_token_is_wrong_or_the_server_is_down(
    extension: BrowserContext, api_url: str, posting_site: FakeCareerSite
) -> None:
    configure(extension, api_url, "pgr_not-a-token")
    popup = open_popup(extension, posting_site)
    expect(popup.get_by_role("alert")).to_contain_text("Peregrine refused the API token")
    expect(popup.get_by_label("Company")).to_be_hidden()

    down = f"http://127.0.0.1:{free_port()}"
    configure(extension, down, "pgr_not-a-token")
    popup.reload()
    expect(popup.get_by_role("alert")).to_have_text(
        f"Peregrine does not answer at {down}. Is it running, and is the address right?"
    )


@pytest.mark.usefixtures("allowed_origin")
def test_a_posting_saved_from_the_popup_is_on_the_board_and_warned_about_next_time(
    extension: BrowserContext, api_url: str, app_url: str, token: str, posting_site: FakeCareerSite, page: Page
) -> None:
    configure(extension, api_url, token)
    popup = open_popup(extension, posting_site)
    popup.set_viewport_size({"width": 380, "height": 900})
    expect(popup.get_by_label("Company")).to_have_value(POSTING_COMPANY)
    expect(popup.get_by_label("Title")).to_have_value(POSTING_TITLE)
    expect(popup.get_by_label("Apply URL")).to_have_value(posting_site.url(POSTING))
    expect(popup.get_by_label("From")).to_have_value("83200")
    expect(popup.get_by_label("Source")).to_have_value("Company site")
    expect(popup.get_by_role("region", name="Before you save")).to_be_hidden()
    popup.get_by_label("Location").fill("Mountain View (corrected)")
    popup.get_by_label("To", exact=True).fill("1000")  # below the 83,200 it starts from
    popup.get_by_role("button", name="Save").click()
    # The server's 422 is shown as it is, and the form keeps what was typed.
    expect(popup.get_by_role("alert")).to_contain_text("the lowest is above the highest")
    expect(popup.get_by_label("Location")).to_have_value("Mountain View (corrected)")
    popup.get_by_label("To", exact=True).fill("")
    popup.get_by_label("Not applied yet").check()
    popup.get_by_role("button", name="Save").click()

    saved = popup.get_by_role("status").filter(has_text="Saved.")
    expect(saved).to_be_visible()
    expect(saved.get_by_role("link", name="Open the card")).to_have_attribute("href", re.compile(r"^https?://"))

    open_board(page, app_url)
    saved_column = column(page, Stage.SAVED)  # not applied to yet
    expect(saved_column.get_by_role("article", name=f"{POSTING_COMPANY} — {POSTING_TITLE}")).to_be_visible()

    again = open_popup(extension, posting_site)
    warnings = again.get_by_role("region", name="Before you save")
    expect(warnings).to_be_visible()
    expect(warnings.get_by_role("link", name="Open the card")).to_be_visible()
