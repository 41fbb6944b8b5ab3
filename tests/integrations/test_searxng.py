"""The SearXNG client against a fake SearXNG speaking the real JSON API over 127.0.0.1."""

from __future__ import annotations

import logging
import socket
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest

from peregrine.integrations.searxng import (
    DEFAULT_URL,
    SearchResult,
    SearxngClient,
    SearxngError,
    SearxngJsonDisabled,
    SearxngSettings,
    SearxngUnavailable,
    load_searxng_settings,
)
from tests.fakes import searxng_fixtures
from tests.fakes.searxng_server import FakeSearxng

#: The fixture, here until `tests.fakes.searxng_fixtures` is registered as a plugin for the whole suite.
fake_searxng = searxng_fixtures.fake_searxng


def client_for(server: FakeSearxng, timeout_s: float = 5) -> SearxngClient:
    return SearxngClient(SearxngSettings(url=server.url, timeout_s=timeout_s))


def result(url: str, title: str = "A page", **extra: object) -> dict[str, object]:
    return {"title": title, "url": url, "content": "Some text.", "engine": "duckduckgo", "category": "general", **extra}


def closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


# ------------------------------------------------------------------------------------------------
# search


@pytest.mark.asyncio
async def test_web_results_are_parsed_in_order(fake_searxng: FakeSearxng) -> None:
    fake_searxng.set_results(
        [
            {
                "title": "Acme Robotics — About",
                "url": "https://acme.example/about",
                "content": "Acme builds warehouse robots.",
                "publishedDate": None,
                "engine": "duckduckgo",
                "category": "general",
            },
            result("https://en.wikipedia.org/wiki/Acme", title="Acme - Wikipedia", engine="wikipedia"),
        ]
    )

    results = await client_for(fake_searxng).search("Acme Robotics")

    assert results == [
        SearchResult(
            title="Acme Robotics — About",
            url="https://acme.example/about",
            content="Acme builds warehouse robots.",
            published=None,
            engine="duckduckgo",
            category="general",
        ),
        SearchResult(
            title="Acme - Wikipedia",
            url="https://en.wikipedia.org/wiki/Acme",
            content="Some text.",
            published=None,
            engine="wikipedia",
            category="general",
        ),
    ]
    assert fake_searxng.requests == [{"q": "Acme Robotics", "format": "json"}]
    assert fake_searxng.methods == ["GET"]


@pytest.mark.asyncio
async def test_news_sends_the_category_and_parses_published_dates(fake_searxng: FakeSearxng) -> None:
    fake_searxng.set_results([result("https://acme.example/general-only")])
    fake_searxng.set_results(
        "news",
        [
            result("https://news.example/acme-raises", publishedDate="2025-03-01T09:30:00", category="news"),
            result("https://news.example/acme-hires", publishedDate="2025-02-20T08:00:00+02:00", category="news"),
            result("https://news.example/acme-z", publishedDate="2025-02-10T07:00:00Z", category="news"),
            result("https://news.example/acme-bad-date", publishedDate="last Tuesday", category="news"),
        ],
    )

    results = await client_for(fake_searxng).search("Acme Robotics", categories="news", time_range="month")

    assert fake_searxng.requests == [
        {"q": "Acme Robotics", "format": "json", "categories": "news", "time_range": "month"}
    ]
    assert [r.url for r in results] == [
        "https://news.example/acme-raises",
        "https://news.example/acme-hires",
        "https://news.example/acme-z",
        "https://news.example/acme-bad-date",
    ]
    assert all(r.category == "news" for r in results)
    # No offset from SearXNG means UTC; an offset is kept; an unreadable date is no date.
    assert results[0].published == datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
    assert results[1].published == datetime(2025, 2, 20, 8, 0, tzinfo=timezone(timedelta(hours=2)))
    assert results[1].published is not None
    assert results[1].published.utcoffset() == timedelta(hours=2)
    assert results[2].published == datetime(2025, 2, 10, 7, 0, tzinfo=UTC)
    assert results[3].published is None


@pytest.mark.asyncio
async def test_missing_and_odd_keys_are_tolerated(fake_searxng: FakeSearxng) -> None:
    fake_searxng.set_results(
        "news",
        [
            {"url": "https://only-a-url.example/"},
            {"url": "https://no-date.example/", "title": "No date key", "content": None, "engine": 7},
            {"title": "No URL at all", "content": "dropped"},
            "not even a dict",
        ],
    )

    results = await client_for(fake_searxng).search("anything", categories="news")

    assert results == [
        SearchResult(
            title="", url="https://only-a-url.example/", content="", published=None, engine="", category="news"
        ),
        SearchResult(
            title="No date key",
            url="https://no-date.example/",
            content="",
            published=None,
            engine="",
            category="news",
        ),
    ]


@pytest.mark.asyncio
async def test_only_http_and_https_links_are_kept(fake_searxng: FakeSearxng) -> None:
    fake_searxng.set_results(
        [
            result("javascript:alert(1)"),
            result("JavaScript:alert(1)"),
            result("data:text/html,<script>alert(1)</script>"),
            result("ftp://files.example/report.pdf"),
            result("mailto:jobs@acme.example"),
            result("/relative/path"),
            result("https://"),
            result("  https://kept.example/one  "),
            result("HTTP://kept.example/two"),
        ]
    )

    results = await client_for(fake_searxng).search("acme")

    assert [r.url for r in results] == ["https://kept.example/one", "HTTP://kept.example/two"]


@pytest.mark.asyncio
async def test_duplicate_urls_are_removed_keeping_the_first(fake_searxng: FakeSearxng) -> None:
    fake_searxng.set_results(
        [
            result("https://acme.example/jobs", title="first"),
            result("https://acme.example/jobs", title="exact repeat"),
            result("https://ACME.example/jobs/", title="same page, other spelling"),
            result("https://acme.example/jobs#apply", title="same page, fragment"),
            result("https://acme.example/jobs?team=robotics", title="another page"),
        ]
    )
    fake_searxng.set_results("news", [result("https://acme.example/jobs", title="again, in news")])

    results = await client_for(fake_searxng).search("acme jobs", categories="general,news")

    assert [r.title for r in results] == ["first", "another page"]


@pytest.mark.asyncio
async def test_limit_and_page_number(fake_searxng: FakeSearxng) -> None:
    fake_searxng.set_results([result(f"https://acme.example/{n}", title=str(n)) for n in range(25)])
    client = client_for(fake_searxng)

    first = await client.search("acme", limit=3)
    third_page = await client.search("acme", pageno=3)

    assert [r.title for r in first] == ["0", "1", "2"]
    assert [r.title for r in third_page] == [str(n) for n in range(20, 25)]
    assert fake_searxng.requests[-1] == {"q": "acme", "format": "json", "pageno": "3"}


@pytest.mark.asyncio
async def test_arguments_searxng_would_refuse_are_refused_before_asking(fake_searxng: FakeSearxng) -> None:
    client = client_for(fake_searxng)
    with pytest.raises(ValueError, match="query"):
        await client.search("   ")
    with pytest.raises(ValueError, match="time_range"):
        await client.search("acme", time_range="decade")
    with pytest.raises(ValueError, match="pageno"):
        await client.search("acme", pageno=0)
    with pytest.raises(ValueError, match="limit"):
        await client.search("acme", limit=0)
    assert fake_searxng.requests == []


@pytest.mark.asyncio
async def test_json_disabled_is_a_403_with_the_settings_hint(fake_searxng: FakeSearxng) -> None:
    fake_searxng.json_enabled = False

    with pytest.raises(SearxngJsonDisabled) as caught:
        await client_for(fake_searxng).search("acme")

    message = str(caught.value)
    assert fake_searxng.url in message
    assert "403" in message
    assert "settings.yml" in message
    assert "`json`" in message
    assert "formats" in message
    assert caught.value.status_code == 403
    assert isinstance(caught.value, SearxngError)


@pytest.mark.asyncio
async def test_server_down_is_unavailable_naming_the_url(fake_searxng: FakeSearxng) -> None:
    url = fake_searxng.url
    fake_searxng.stop()

    with pytest.raises(SearxngUnavailable) as caught:
        await client_for(fake_searxng).search("acme")

    assert url in str(caught.value)
    assert "connection refused" in str(caught.value)
    assert caught.value.url == url
    assert isinstance(caught.value.__cause__, httpx.ConnectError)

    # Up again on the same port: the same client works.
    fake_searxng.start()
    fake_searxng.set_results([result("https://acme.example/")])
    assert fake_searxng.url == url
    assert [r.url for r in await client_for(fake_searxng).search("acme")] == ["https://acme.example/"]


@pytest.mark.asyncio
async def test_unknown_host_is_unavailable() -> None:
    url = "http://peregrine-no-such-host.invalid:8888"
    with pytest.raises(SearxngUnavailable) as caught:
        await SearxngClient(SearxngSettings(url=url, timeout_s=5)).search("acme")
    assert url in str(caught.value)
    # Resolved by the system resolver: "could not be resolved" normally, a timeout on a machine without DNS.
    assert "'peregrine-no-such-host.invalid' could not be resolved" in str(caught.value) or "no answer" in str(
        caught.value
    )


@pytest.mark.asyncio
async def test_a_slow_instance_times_out_as_unavailable(fake_searxng: FakeSearxng) -> None:
    fake_searxng.delay_s = 2

    with pytest.raises(SearxngUnavailable, match=r"no answer within 0\.3 s") as caught:
        await client_for(fake_searxng, timeout_s=0.3).search("acme")

    assert fake_searxng.url in str(caught.value)


@pytest.mark.asyncio
async def test_all_engines_failing_is_an_empty_list_and_a_warning(
    fake_searxng: FakeSearxng, caplog: pytest.LogCaptureFixture
) -> None:
    fake_searxng.set_results([result("https://acme.example/")])
    fake_searxng.all_engines_fail = True

    with caplog.at_level(logging.WARNING, logger="peregrine.integrations.searxng"):
        results = await client_for(fake_searxng).search("acme")

    assert results == []
    assert "duckduckgo (timeout)" in caplog.text
    assert "brave" in caplog.text


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("status", "content_type", "body", "expected"),
    [
        (500, "application/json", '{"error": "search error"}', "HTTP 500 Internal Server Error: search error"),
        (502, "text/html", "<h1>Bad gateway</h1>", "HTTP 502"),
        (429, "text/plain", "Too many requests", "server.limiter"),
        (200, "text/html", "<html><body>Welcome to nginx!</body></html>", "did not answer in JSON"),
        (200, "application/json", "[1, 2, 3]", "not a search result"),
        (200, "application/json", '{"query": "acme"}', "without a list of results"),
    ],
)
async def test_other_statuses_and_bodies_are_searxng_errors(
    fake_searxng: FakeSearxng, status: int, content_type: str, body: str, expected: str
) -> None:
    fake_searxng.raw_answer = (status, content_type, body)

    with pytest.raises(SearxngError) as caught:
        await client_for(fake_searxng).search("acme")

    assert type(caught.value) is SearxngError
    assert expected in str(caught.value)
    assert fake_searxng.url in str(caught.value)


# ------------------------------------------------------------------------------------------------
# check


@pytest.mark.asyncio
async def test_check_reports_a_healthy_instance_without_running_a_search(fake_searxng: FakeSearxng) -> None:
    status = await client_for(fake_searxng).check()

    assert status.url == fake_searxng.url
    assert status.reachable
    assert status.json_enabled
    assert status.error is None
    assert status.ok
    assert status.latency_ms is not None
    assert 0 <= status.latency_ms < 5000
    assert fake_searxng.requests == [{"format": "json"}]


@pytest.mark.asyncio
async def test_check_reports_json_disabled(fake_searxng: FakeSearxng) -> None:
    fake_searxng.json_enabled = False

    status = await client_for(fake_searxng).check()

    assert status.reachable
    assert not status.json_enabled
    assert status.latency_ms is not None
    assert status.error is not None
    assert "settings.yml" in status.error
    assert not status.ok


@pytest.mark.asyncio
async def test_check_reports_an_unreachable_instance() -> None:
    url = f"http://127.0.0.1:{closed_port()}"

    status = await SearxngClient(SearxngSettings(url=url, timeout_s=2)).check()

    assert not status.reachable
    assert not status.json_enabled
    assert status.latency_ms is None
    assert status.error is not None
    assert url in status.error


@pytest.mark.asyncio
async def test_check_reports_something_that_is_not_searxng(fake_searxng: FakeSearxng) -> None:
    fake_searxng.raw_answer = (400, "text/html", "<h1>Bad Request</h1>")

    status = await client_for(fake_searxng).check()

    assert status.reachable
    assert not status.json_enabled
    assert status.error is not None
    assert "not SearXNG" in status.error


# ------------------------------------------------------------------------------------------------
# the fake itself speaks the API the way SearXNG does


def test_fake_answers_post_and_refuses_what_searxng_refuses(fake_searxng: FakeSearxng) -> None:
    fake_searxng.set_results("news", [result("https://news.example/a", category="news")])
    search = f"{fake_searxng.url}/search"

    posted = httpx.post(search, data={"q": "acme", "format": "json", "categories": "news"})
    assert posted.status_code == 200
    assert [r["url"] for r in posted.json()["results"]] == ["https://news.example/a"]
    assert posted.json()["unresponsive_engines"] == []

    assert httpx.get(search, params={"q": "acme"}).status_code == 403  # html is the default format
    assert httpx.get(search, params={"q": "acme", "format": "csv"}).status_code == 403
    no_query = httpx.get(search, params={"format": "json"})
    assert (no_query.status_code, no_query.json()) == (400, {"error": "No query"})
    assert httpx.get(search, params={"q": "a", "format": "json", "time_range": "decade"}).status_code == 400
    assert httpx.get(search, params={"q": "a", "format": "json", "pageno": "0"}).status_code == 400
    assert fake_searxng.methods[0] == "POST"
    assert fake_searxng.requests[0] == {"q": "acme", "format": "json", "categories": "news"}


# ------------------------------------------------------------------------------------------------
# settings


@pytest.fixture
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "config"
    directory.mkdir()
    monkeypatch.setenv("PEREGRINE_CONFIG_DIR", str(directory))
    return directory


def test_settings_default_without_a_file(config_dir: Path) -> None:
    settings = load_searxng_settings()
    assert (settings.url, settings.timeout_s) == (DEFAULT_URL, 10)
    assert [n.message for n in settings.notices] == ["not found; using defaults"]


def test_settings_read_from_services_yaml(config_dir: Path) -> None:
    (config_dir / "services.yaml").write_text("searxng:\n  url: https://search.example.org/searx/\n  timeout_s: 4\n")
    settings = load_searxng_settings()
    assert settings.url == "https://search.example.org/searx"
    assert settings.timeout_s == 4
    assert settings.notices == ()


def test_settings_without_a_searxng_section_are_the_defaults(config_dir: Path) -> None:
    (config_dir / "services.yaml").write_text("imap:\n  host: imap.example.com\n")
    assert load_searxng_settings() == SearxngSettings()
    assert load_searxng_settings().notices == ()


@pytest.mark.parametrize(
    ("document", "expected_notice"),
    [
        ("searxng: http://localhost:8888\n", "must be a mapping"),
        ("searxng:\n  url: localhost:8888\n", "is not an http:// or https:// URL"),
        ("searxng:\n  url: [1, 2]\n", "is not an http:// or https:// URL"),
        ("searxng:\n  url: javascript:alert(1)\n", "is not an http:// or https:// URL"),
        ("searxng:\n  timeout_s: -3\n", "timeout_s"),
        ("searxng:\n  timeout_s: soon\n", "timeout_s"),
        ("searxng:\n  url: http://localhost:8888\n  port: 8888\n", "unknown key(s) under searxng ignored: port"),
        ("searxng:\n  url: [unclosed\n", "could not be read at line"),
        ("- just\n- a list\n", "must be a mapping of keys to values"),
    ],
)
def test_malformed_settings_give_a_notice_and_the_defaults(
    config_dir: Path, document: str, expected_notice: str
) -> None:
    (config_dir / "services.yaml").write_text(document)

    settings = load_searxng_settings()

    assert settings.url == DEFAULT_URL
    assert settings.timeout_s == 10
    assert any(expected_notice in n.message for n in settings.notices), settings.notices
    assert all(n.path.endswith("services.yaml") for n in settings.notices)


def test_the_client_reads_settings_when_given_none(config_dir: Path) -> None:
    (config_dir / "services.yaml").write_text("searxng:\n  url: http://127.0.0.1:9/\n")
    assert SearxngClient().url == "http://127.0.0.1:9"
