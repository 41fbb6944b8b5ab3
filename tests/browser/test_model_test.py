"""Settings → Test this model (issue 21), in the browser against the fake OpenAI server: a backend
whose server says its window (as llama.cpp does) and answers the schema, then one that answers out
of the schema; and the section at a phone's width."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from playwright.sync_api import Browser, Page, expect

from tests.fakes.fixtures import backend_entry
from tests.fakes.openai_server import FakeOpenAIServer

pytestmark = [pytest.mark.browser]

GOOD = {"city": "London", "year": 1815, "languages": ["Ada", "Pascal"]}


@pytest.fixture
def tested_backend(app_data: Path, session_llm: FakeOpenAIServer) -> Iterator[FakeOpenAIServer]:
    """The session's llm.yaml plus a backend "local-llama" on the fake server, which says its window
    as llama.cpp does (a backend of its own, so no window the client read earlier is reused)."""
    llm_yaml = Path(os.environ["PEREGRINE_CONFIG_DIR"]) / "llm.yaml"
    saved = llm_yaml.read_text(encoding="utf-8")
    document = yaml.safe_load(saved)
    entry = {**backend_entry(session_llm), "name": "local-llama", "dialect": "json_schema", "timeout_s": 10}
    llm_yaml.write_text(yaml.safe_dump({**document, "backends": [*document["backends"], entry]}), encoding="utf-8")
    session_llm.reset()
    session_llm.announce_window("llama.cpp", 4096)
    try:
        yield session_llm
    finally:
        session_llm.reset()
        llm_yaml.write_text(saved, encoding="utf-8")


def test_a_backend_is_tested_and_each_feature_gets_a_verdict(
    page: Page, app_url: str, tested_backend: FakeOpenAIServer
) -> None:
    tested_backend.queue_json(GOOD)
    page.goto(app_url + "/settings")
    section = page.get_by_role("region", name="Test this model")
    button = section.get_by_role("button", name="Test this model: local-llama")
    expect(button).to_be_visible(timeout=30_000)

    button.click()

    result = section.get_by_role("list", name="Test result: local-llama")
    expect(result).to_be_visible(timeout=20_000)
    for label in ("Answered", "Valid JSON", "Matches the schema"):
        expect(result.get_by_role("listitem").filter(has_text=label)).to_contain_text("yes")
    expect(result).to_contain_text("tokens/s")
    expect(result).to_contain_text("4,096 tokens (read from the server: llama.cpp /props n_ctx)")
    verdicts = section.get_by_role("list", name="Verdicts: local-llama")
    expect(verdicts.get_by_role("listitem")).to_have_count(7)
    expect(verdicts).to_contain_text("Email classification needs about")
    expect(verdicts).to_contain_text("it fits")
    expect(verdicts).to_contain_text("it will trim more than it should")
    assert tested_backend.request_paths == ["/v1/chat/completions"]
    assert tested_backend.requests[0]["response_format"]["type"] == "json_schema"

    tested_backend.queue_json({**GOOD, "year": 18150})
    button.click()

    schema_line = result.get_by_role("listitem").filter(has_text="Matches the schema")
    expect(schema_line).to_contain_text("no", timeout=20_000)
    expect(schema_line).to_contain_text("less than or equal to 2100")
    expect(result.get_by_role("listitem").filter(has_text="Valid JSON")).to_contain_text("yes")


def test_the_result_fits_a_phone(browser: Browser, app_url: str, tested_backend: FakeOpenAIServer) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    try:
        page = context.new_page()
        page.goto(app_url + "/settings")
        button = page.get_by_role("button", name="Test this model: local-llama")
        expect(button).to_be_visible(timeout=30_000)
        button.tap()
        expect(page.get_by_role("list", name="Verdicts: local-llama")).to_be_visible(timeout=20_000)
        width = int(page.evaluate("document.documentElement.scrollWidth"))
        assert width <= 390, f"/settings is {width} px wide on a 390 px screen"
    finally:
        context.close()
