"""The migrations build exactly the schema the models describe, and carry old rows forward."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlmodel import SQLModel

from peregrine import db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.mark.filterwarnings("ignore:.*expression-based index:UserWarning", "ignore:.*expression-based index")
def test_the_migrated_schema_matches_the_models(db_url: str) -> None:
    with db.engine().connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert differences == []


@pytest.fixture
def at_0006(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    monkeypatch.setenv("PEREGRINE_DB_URL", url)
    monkeypatch.setenv("PEREGRINE_DATA_DIR", str(tmp_path))
    db.engine_for.cache_clear()
    db.migrate("0006")
    return url


def _stamp(days: float) -> str:
    return (T0 + timedelta(days=days)).strftime("%Y-%m-%d %H:%M:%S.%f")


def test_0007_gives_rounds_their_candidate_and_moves_their_stays(at_0006: str) -> None:
    """A history with an undone drag: Applied d0 → Phone screen d2, dragged on to Interviewing d3
    by mistake and undone d3.1, then Interviewing for real on d5."""
    history = [
        ("applied", "phone_screen", "button", 2),
        ("phone_screen", "interviewing", "drag", 3),
        ("interviewing", "phone_screen", "undo", 3.1),
        ("phone_screen", "interviewing", "button", 5),
    ]
    with db.engine().begin() as connection:
        connection.execute(
            text("INSERT INTO candidate (id, name, email, headline, created_at) VALUES (7, 'Ada', '', '', :t)"),
            {"t": _stamp(0)},
        )
        connection.execute(
            text(
                "INSERT INTO job (id, candidate_id, company, title, url, location, source, recruiter, raw_jd_text,"
                " stage, stage_entered_at, position, version, created_at, updated_at)"
                " VALUES (11, 7, 'Acme', 'Engineer', '', '', '', '', '', 'interviewing', :entered, 0, 5, :t, :entered)"
            ),
            {"t": _stamp(0), "entered": _stamp(5)},
        )
        for index, (from_stage, to_stage, source, day) in enumerate(history, start=1):
            connection.execute(
                text(
                    "INSERT INTO stageevent (id, job_id, from_stage, to_stage, source, at)"
                    " VALUES (:id, 11, :from_stage, :to_stage, :source, :at)"
                ),
                {"id": index, "from_stage": from_stage, "to_stage": to_stage, "source": source, "at": _stamp(day)},
            )
        connection.execute(
            text(
                'INSERT INTO interview (id, job_id, "order", name, kind, format, focus, interviewers, outcome,'
                " notes, questions_asked, feedback, next_steps, created_at, updated_at)"
                " VALUES (21, 11, 1, 'Screen', 'recruiter', '', '', '[]', 'passed', '', '[]', '', '', :t, :t)"
            ),
            {"t": _stamp(2)},
        )

    db.migrate()

    with db.engine().connect() as connection:
        entered: dict[int, str | None] = dict(
            connection.execute(text("SELECT id, from_entered_at FROM stageevent ORDER BY id")).tuples().all()
        )
        owner = connection.execute(text("SELECT candidate_id FROM interview WHERE id = 21")).scalar_one()
    assert entered == {1: _stamp(0), 2: None, 3: None, 4: _stamp(2)}, "the undone drag and its undo measure nothing"
    assert owner == 7


@pytest.fixture
def at_0007(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    monkeypatch.setenv("PEREGRINE_DB_URL", url)
    monkeypatch.setenv("PEREGRINE_DATA_DIR", str(tmp_path))
    db.engine_for.cache_clear()
    db.migrate("0007")
    return url


def test_0008_cleans_the_names_of_older_jobs(at_0007: str) -> None:
    """Names written before cleaning (a zero-width space, a bidi override, fullwidth letters) are
    cleaned, so the "rejected before" lookup finds them; a name with nothing visible is kept."""
    from peregrine.services.jobs import recent_rejections_at

    jobs = [
        (1, "Ac\u200bme", "\uff25ngineer\u202e", "rejected"),
        (2, "Globex", "Engineer", "applied"),
        (3, "\u200b", "Analyst", "applied"),
    ]
    with db.engine().begin() as connection:
        connection.execute(
            text("INSERT INTO candidate (id, name, email, headline, created_at) VALUES (7, 'Ada', '', '', :t)"),
            {"t": _stamp(0)},
        )
        for job_id, company, title, stage in jobs:
            connection.execute(
                text(
                    "INSERT INTO job (id, candidate_id, company, title, url, location, source, recruiter, raw_jd_text,"
                    " stage, stage_entered_at, position, version, created_at, updated_at)"
                    " VALUES (:id, 7, :company, :title, '', '', '', '', '', :stage, :t, 0, 3, :t, :t)"
                ),
                {"id": job_id, "company": company, "title": title, "stage": stage, "t": _stamp(0)},
            )

    db.migrate()

    with db.engine().connect() as connection:
        rows = connection.execute(text("SELECT id, company, title, version FROM job ORDER BY id"))
        names = [tuple(row) for row in rows]
    assert names == [(1, "Acme", "Engineer", 3), (2, "Globex", "Engineer", 3), (3, "\u200b", "Analyst", 3)]
    with db.session_scope() as session:
        assert [job.id for job in recent_rejections_at(session, 7, "Acme")] == [1]
