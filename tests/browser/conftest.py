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
from playwright.sync_api import Page, expect

from peregrine.config import PROJECT_ROOT

# Node 22 and Bun come from the npm registry into .tools/ (see the Makefile), never from Reflex's downloader.
os.environ["PATH"] = f"{PROJECT_ROOT / '.tools' / 'node_modules' / '.bin'}{os.pathsep}{os.environ['PATH']}"
os.environ["REFLEX_USE_SYSTEM_BUN"] = "1"
os.environ["REFLEX_TELEMETRY_ENABLED"] = "false"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def app_data(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    data = tmp_path_factory.mktemp("peregrine-data")
    config_dir = tmp_path_factory.mktemp("peregrine-config")
    saved = {name: os.environ.get(name) for name in ("PEREGRINE_DATA_DIR", "PEREGRINE_DB_URL", "PEREGRINE_CONFIG_DIR")}
    os.environ["PEREGRINE_DATA_DIR"] = str(data)
    os.environ["PEREGRINE_DB_URL"] = f"sqlite:///{data / 'peregrine.db'}"
    os.environ["PEREGRINE_CONFIG_DIR"] = str(config_dir)
    from peregrine import config, db

    config.user_profile.cache_clear()
    db.migrate()
    yield data
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@pytest.fixture(scope="session")
def app_url(app_data: Path) -> Iterator[str]:
    from reflex.testing import AppHarnessProd

    with AppHarnessProd.create(root=PROJECT_ROOT, app_name="peregrine") as harness:
        assert harness.frontend_url is not None
        yield harness.frontend_url.rstrip("/")


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
    from peregrine.models import Job, StageEvent

    with db.session_scope() as session:
        session.execute(delete(StageEvent))
        session.execute(delete(Job))


def open_board(page: Page, app_url: str) -> None:
    page.goto(app_url + "/")
    expect(page.get_by_role("region", name="Applied")).to_be_visible(timeout=30_000)
    # Client-only drag sensors attach after mount.
    page.wait_for_timeout(300)
