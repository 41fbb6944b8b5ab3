"""One production build of the app, served once for every browser test in the session.

The backend runs inside the test process (AppHarnessProd), so the database the tests
seed through the services is the very file the app reads: a real SQLite file in a
temporary folder, never the user's data.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from playwright.sync_api import Page, expect

from peregrine.config import PROJECT_ROOT
from tests.chromium import CHROMIUM, CHROMIUM_ARGS
from tests.fakes.fixtures import backend_entry
from tests.fakes.openai_server import FakeOpenAIServer
from tests.fakes.searxng_server import FakeSearxng

# Node 22 and Bun come from the npm registry into .tools/ (see the Makefile), never from Reflex's downloader.
os.environ["PATH"] = f"{PROJECT_ROOT / '.tools' / 'node_modules' / '.bin'}{os.pathsep}{os.environ['PATH']}"
os.environ["REFLEX_USE_SYSTEM_BUN"] = "1"
os.environ["REFLEX_TELEMETRY_ENABLED"] = "false"


@pytest.fixture(scope="session")
def session_llm() -> Iterator[FakeOpenAIServer]:
    """The language model the app under test talks to (real HTTP, scripted answers)."""
    with FakeOpenAIServer(name="fake") as server:
        yield server


@pytest.fixture(scope="session")
def session_searxng() -> Iterator[FakeSearxng]:
    server = FakeSearxng().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def app_data(
    tmp_path_factory: pytest.TempPathFactory, session_llm: FakeOpenAIServer, session_searxng: FakeSearxng
) -> Iterator[Path]:
    data = tmp_path_factory.mktemp("peregrine-data")
    config_dir = tmp_path_factory.mktemp("peregrine-config")
    (config_dir / "llm.yaml").write_text(
        yaml.safe_dump({"backends": [{**backend_entry(session_llm), "timeout_s": 10}]}), encoding="utf-8"
    )
    (config_dir / "services.yaml").write_text(
        yaml.safe_dump({"searxng": {"url": session_searxng.url}}), encoding="utf-8"
    )
    saved = {name: os.environ.get(name) for name in ("PEREGRINE_DATA_DIR", "PEREGRINE_DB_URL", "PEREGRINE_CONFIG_DIR")}
    os.environ["PEREGRINE_DATA_DIR"] = str(data)
    os.environ["PEREGRINE_DB_URL"] = f"sqlite:///{data / 'peregrine.db'}"
    os.environ["PEREGRINE_CONFIG_DIR"] = str(config_dir)
    from peregrine import db

    db.migrate()
    yield data
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(scope="session")
def app_harness(app_data: Path) -> Iterator[Any]:
    with _guarded_harness().create(root=PROJECT_ROOT, app_name="peregrine") as harness:
        yield harness


def _guarded_harness() -> type[Any]:
    """Reflex's production harness, with its static server for the built pages behind the same
    Guard as the backend. `make run` serves both on one port through it; the harness serves the
    pages on a port of their own, so without this the tests would never run under the CSP."""
    import uvicorn
    from reflex.testing import AppHarnessProd, chdir
    from reflex.utils import exec as reflex_exec

    from peregrine.web import site

    class GuardedAppHarnessProd(AppHarnessProd):
        def _run_frontend(self) -> None:
            with chdir(self.app_path):
                pages = site.guard(reflex_exec._frontend_prod_app())
            self.frontend_server = uvicorn.Server(uvicorn.Config(app=pages, host="127.0.0.1", port=0))
            self.frontend_server.run()

    return GuardedAppHarnessProd


@pytest.fixture(scope="session")
def app_url(app_harness: Any) -> str:
    assert app_harness.frontend_url is not None
    return str(app_harness.frontend_url).rstrip("/")


@pytest.fixture(scope="session")
def api_url(app_harness: Any) -> str:
    """The backend's base URL: the REST API is mounted on it under /api/v1."""
    host, port = app_harness.backend.servers[0].sockets[0].getsockname()[:2]
    return f"http://{host}:{port}"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "viewport": {"width": 1700, "height": 1000}}


@pytest.fixture
def clean_db(app_data: Path) -> None:
    """Each test starts from an empty pipeline."""
    from sqlmodel import delete

    from peregrine import db
    from peregrine.models import (
        CompanyResearch,
        EmailMessage,
        ExperienceProject,
        Job,
        ResearchRevision,
        ResumeBullet,
        StageEvent,
        Task,
    )

    with db.session_scope() as session:
        for table in (
            EmailMessage,
            ResearchRevision,
            CompanyResearch,
            Task,
            StageEvent,
            Job,
            ResumeBullet,
            ExperienceProject,
        ):
            session.execute(delete(table))


def open_board(page: Page, app_url: str) -> None:
    page.goto(app_url + "/")
    expect(page.get_by_role("region", name="Applied")).to_be_visible(timeout=30_000)
    # Client-only drag sensors attach after mount.
    page.wait_for_timeout(300)
