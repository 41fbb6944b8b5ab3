"""Unit-test fixtures: every test gets its own real SQLite file, migrated with Alembic.

The environment variables point Peregrine at a temporary folder, so no test ever reads
or writes the user's data or configuration.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session

from peregrine import db
from peregrine.models import Candidate
from peregrine.services.candidates import current_candidate


@pytest.fixture
def db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh, migrated SQLite file for this test; its URL."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    url = f"sqlite:///{data_dir / 'peregrine.db'}"
    monkeypatch.setenv("PEREGRINE_DATA_DIR", str(data_dir))
    monkeypatch.setenv("PEREGRINE_DB_URL", url)
    monkeypatch.setenv("PEREGRINE_CONFIG_DIR", str(tmp_path / "config"))
    db.engine_for.cache_clear()
    db.migrate()
    yield url
    db.engine_for(url).dispose()
    db.engine_for.cache_clear()


@pytest.fixture
def session(db_url: str) -> Iterator[Session]:
    with db.session_scope() as session:
        yield session


@pytest.fixture
def candidate(session: Session) -> Candidate:
    candidate = current_candidate(session)
    session.commit()
    return candidate
