"""Company research in the browser: it starts by itself, shows its state, and renders inert."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from peregrine import db
from peregrine.domain.stages import Stage
from peregrine.services import tasks
from tests.browser.conftest import open_board
from tests.browser.helpers import card, column, mouse_drag, seed_job
from tests.fakes.openai_server import FakeOpenAIServer
from tests.fakes.searxng_server import FakeSearxng

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("clean_db")]

XSS_TITLE = '<img src=x onerror="window.__pwned=1">Globex careers'
BRIEF = {
    "overview": [
        {"text": "Globex makes industrial widgets. <script>window.__pwned=1</script>", "sources": [1]},
        {"text": "It has about 1,200 employees.", "sources": [2]},
    ],
    "leadership": [{"text": "Hank Scorpio is the CEO.", "sources": [2]}],
    "talking_points": [{"text": "Ask about the new widget platform.", "sources": [1, 2]}],
}


def test_moving_to_phone_screen_researches_the_company(
    page: Page, app_url: str, session_llm: FakeOpenAIServer, session_searxng: FakeSearxng
) -> None:
    session_searxng.reset()
    session_searxng.set_results(
        "general",
        [
            {
                "title": XSS_TITLE,
                "url": "https://globex.example/careers",
                "content": "Widgets <b>for</b> everyone",
                "publishedDate": None,
                "engine": "bing",
                "category": "general",
            },
            {
                "title": "Globex leadership",
                "url": "https://globex.example/team",
                "content": "Hank Scorpio, CEO",
                "publishedDate": None,
                "engine": "bing",
                "category": "general",
            },
            {
                "title": "Click me",
                "url": "javascript:window.__pwned=1",
                "content": "evil",
                "publishedDate": None,
                "engine": "bing",
                "category": "general",
            },
        ],
    )
    session_llm.reset()
    session_llm.queue_json(BRIEF)
    job_id = seed_job("Globex", "Widget Engineer")
    open_board(page, app_url)

    mouse_drag(page, card(page, "Globex", "Widget Engineer"), column(page, Stage.PHONE_SCREEN))

    moved = column(page, Stage.PHONE_SCREEN).get_by_role("article", name="Globex — Widget Engineer")
    expect(moved).to_contain_text("Research ready", timeout=15_000)
    with db.session_scope() as session:
        task = tasks.latest_task(session, tasks.TaskKind.COMPANY_RESEARCH, job_id)
        assert task is not None
        assert (task.status, task.attempts) == ("succeeded", 1)

    moved.get_by_role("link", name="Widget Engineer").click()
    research = page.get_by_role("region", name="Company research")
    expect(research.get_by_role("region", name="Company overview")).to_contain_text("Globex makes industrial widgets.")
    expect(research.get_by_role("region", name="CEO and leadership")).to_contain_text("Hank Scorpio is the CEO.")
    expect(research.get_by_role("region", name="Talking points for this role")).to_be_visible()
    expect(research.get_by_role("link", name="Source 2: Globex leadership").first).to_have_attribute(
        "href", "https://globex.example/team"
    )
    expect(research.get_by_role("region", name="Inclusion and accessibility")).to_have_count(0)
    sources = research.get_by_role("region", name="Sources").get_by_role("listitem")
    expect(sources).to_have_count(2)  # the javascript: result was dropped
    expect(sources.nth(1).get_by_role("link")).to_have_attribute("href", "https://globex.example/team")
    expect(sources.first.get_by_role("link")).to_have_text("Globex careers")  # the markup was stripped
    # Markup from the web and the model is shown as text, never run.
    assert page.evaluate("window.__pwned") is None
    assert page.locator("script:has-text('__pwned')").count() == 0
    assert page.locator("a[href^='javascript:']").count() == 0


def test_a_failed_research_shows_its_cause_and_retry_works(
    page: Page, app_url: str, session_llm: FakeOpenAIServer, session_searxng: FakeSearxng
) -> None:
    session_searxng.reset()
    session_searxng.set_results(
        "general",
        [
            {
                "title": "Initech",
                "url": "https://initech.example",
                "content": "TPS reports",
                "publishedDate": None,
                "engine": "bing",
                "category": "general",
            },
        ],
    )
    session_llm.reset()
    session_llm.fail_next(status=500, times=1, message="model exploded")
    seed_job("Initech", "Report Analyst")
    open_board(page, app_url)

    card(page, "Initech", "Report Analyst").get_by_role("button", name="Advance to Phone screen").click()
    moved = column(page, Stage.PHONE_SCREEN).get_by_role("article", name="Initech — Report Analyst")
    expect(moved).to_contain_text("Research failed", timeout=15_000)

    moved.get_by_role("link", name="Report Analyst").click()
    research = page.get_by_role("region", name="Company research")
    expect(research.get_by_role("alert")).to_contain_text("No language model answered")
    expect(research.get_by_role("alert")).to_contain_text("model exploded")

    session_llm.queue_json(
        {
            "overview": [{"text": "Initech writes TPS reports.", "sources": [1]}],
            "leadership": [],
            "talking_points": [],
        }
    )
    research.get_by_role("button", name="Retry").click()
    expect(research.get_by_role("region", name="Company overview")).to_contain_text(
        "Initech writes TPS reports.", timeout=15_000
    )
    expect(research.get_by_role("alert")).to_have_count(0)


def test_settings_shows_each_service_with_a_live_status(
    page: Page, app_url: str, session_llm: FakeOpenAIServer, session_searxng: FakeSearxng
) -> None:
    session_searxng.reset()
    page.goto(app_url + "/settings")

    fake = page.get_by_role("region", name="Language models").get_by_role("row").filter(has_text="fake-model")
    expect(fake).to_contain_text(session_llm.url)
    expect(fake).to_contain_text("ok")
    expect(fake).to_contain_text("model fake-model available")
    search = page.get_by_role("region", name="Web search")
    expect(search).to_contain_text(session_searxng.url)
    expect(search).to_contain_text("answering JSON searches")

    session_searxng.json_enabled = False
    page.get_by_role("button", name="Check again").click()
    expect(search).to_contain_text("down")
    expect(search).to_contain_text("json")
    session_searxng.json_enabled = True


def test_a_failed_research_can_be_retried_from_the_card(
    page: Page, app_url: str, session_llm: FakeOpenAIServer, session_searxng: FakeSearxng
) -> None:
    session_searxng.reset()
    session_searxng.json_enabled = False  # a stock SearXNG: JSON answers 403
    seed_job("Hooli", "Search Engineer")
    open_board(page, app_url)

    card(page, "Hooli", "Search Engineer").get_by_role("button", name="Advance to Phone screen").click()
    retry = page.get_by_role("button", name="Retry research for Hooli — Search Engineer")
    expect(retry).to_be_visible(timeout=15_000)
    expect(retry).to_have_attribute("title", re.compile("json", re.IGNORECASE))

    session_searxng.json_enabled = True
    session_searxng.set_results(
        "general",
        [
            {
                "title": "Hooli",
                "url": "https://hooli.example",
                "content": "Making the world a better place.",
                "publishedDate": None,
                "engine": "bing",
                "category": "general",
            },
        ],
    )
    session_llm.reset()
    session_llm.queue_json(
        {
            "overview": [{"text": "Hooli makes the world better.", "sources": [1]}],
            "leadership": [],
            "talking_points": [],
        }
    )
    retry.click()
    moved = column(page, Stage.PHONE_SCREEN).get_by_role("article", name="Hooli — Search Engineer")
    expect(moved).to_contain_text("Research ready", timeout=15_000)


def test_the_job_page_says_when_research_will_start(page: Page, app_url: str) -> None:
    waiting = seed_job("Initech", "Analyst")
    past_it = seed_job("Hooli", "Engineer", Stage.INTERVIEWING)  # walked there without research

    page.goto(f"{app_url}/applications/{waiting}")
    research = page.get_by_role("region", name="Company research")
    expect(research).to_contain_text("Research starts by itself when this job reaches Phone screen.", timeout=30_000)

    page.goto(f"{app_url}/applications/{past_it}")
    expect(research).to_contain_text("No research yet: Research now looks the company up", timeout=30_000)
    expect(research).not_to_contain_text("starts by itself")


def _only_overview(text: str) -> dict[str, list[dict[str, object]]]:
    return {"overview": [{"text": text, "sources": [1]}], "leadership": [], "talking_points": []}


def test_an_empty_brief_fails_and_keeps_the_brief_and_history_restores_an_earlier_one(
    page: Page, app_url: str, session_llm: FakeOpenAIServer, session_searxng: FakeSearxng
) -> None:
    session_searxng.reset()
    session_searxng.set_results(
        "general",
        [
            {
                "title": "Vandelay Industries",
                "url": "https://vandelay.example",
                "content": "Importers and exporters of latex.",
                "publishedDate": None,
                "engine": "bing",
                "category": "general",
            },
        ],
    )
    session_llm.reset()
    job_id = seed_job("Vandelay", "Latex Buyer", Stage.INTERVIEWING)
    page.goto(f"{app_url}/applications/{job_id}")
    research = page.get_by_role("region", name="Company research")
    overview = research.get_by_role("region", name="Company overview")

    session_llm.queue_json(_only_overview("Vandelay imports latex."))
    research.get_by_role("button", name="Research now").click()
    expect(overview).to_contain_text("Vandelay imports latex.", timeout=15_000)
    session_llm.queue_json(_only_overview("Vandelay exports latex too."))
    research.get_by_role("button", name="Research again").click()
    expect(overview).to_contain_text("Vandelay exports latex too.", timeout=15_000)

    session_llm.queue_json({})  # a small model's empty answer: valid, and says nothing
    research.get_by_role("button", name="Research again").click()
    expect(research.get_by_role("alert")).to_contain_text("none of its claims cited the source found", timeout=15_000)
    expect(research.get_by_role("alert")).to_contain_text("earlier brief is kept")
    expect(overview).to_contain_text("Vandelay exports latex too.")
    expect(research.get_by_role("button", name="Retry")).to_be_visible()

    research.get_by_role("button", name="History of the company research").click()
    history = page.get_by_role("dialog", name="History of the company research")
    entries = history.get_by_role("listitem").filter(has_text="Research run")
    expect(entries).to_have_count(2)
    expect(entries.first).to_contain_text("Shown now")
    expect(entries.nth(1)).to_contain_text("Vandelay imports latex.")
    history.get_by_role("button", name=re.compile("^Restore the brief of")).click()
    expect(history).to_have_count(0)
    expect(overview).to_contain_text("Vandelay imports latex.")

    research.get_by_role("button", name="History of the company research").click()
    expect(history.get_by_role("listitem").filter(has_text="Restored")).to_contain_text("Shown now")
