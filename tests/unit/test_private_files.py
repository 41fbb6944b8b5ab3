"""What Peregrine writes under the data folder is its owner's only: folders 0700, files 0600 —
whatever the umask, and an older 0644 database is narrowed at the next start."""

from __future__ import annotations

import io
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from peregrine import config, db
from peregrine.services import api_tokens, jobs, survey, uploads
from peregrine.services.candidates import current_candidate
from tests.fakes.survey_images import survey_png


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """The loosest umask there is: modes that hold here hold under any."""
    previous = os.umask(0)
    yield
    os.umask(previous)


@pytest.fixture
def fresh_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, open_umask: None) -> Iterator[Path]:
    """A data folder that does not exist yet (two levels deep), and the default database in it."""
    data = tmp_path / "home" / "peregrine-data"
    monkeypatch.setenv("PEREGRINE_DATA_DIR", str(data))
    monkeypatch.delenv("PEREGRINE_DB_URL", raising=False)
    monkeypatch.setenv("PEREGRINE_CONFIG_DIR", str(tmp_path / "config"))
    db.engine_for.cache_clear()
    yield data
    db.engine().dispose()
    db.engine_for.cache_clear()


def test_a_fresh_data_folder_and_database_are_private(fresh_data: Path) -> None:
    db.migrate()
    database = fresh_data / "peregrine.db"
    assert mode(fresh_data) == 0o700
    assert mode(fresh_data.parent) == 0o700, "a missing parent is made private too"
    assert mode(database) == 0o600
    with db.engine().begin() as connection:  # WAL mode: the journals exist while a connection is open
        connection.execute(text("UPDATE candidate SET headline = 'x'"))
        journals = [database.with_name(database.name + suffix) for suffix in ("-wal", "-shm")]
        assert all(journal.exists() for journal in journals)
        assert [mode(journal) for journal in journals] == [0o600, 0o600]


def test_an_older_open_database_and_folder_are_narrowed_at_engine_creation(fresh_data: Path) -> None:
    fresh_data.mkdir(parents=True)
    os.chmod(fresh_data, 0o755)
    database = fresh_data / "peregrine.db"
    for name in ("peregrine.db", "peregrine.db-wal", "peregrine.db-shm"):
        (fresh_data / name).touch()
        os.chmod(fresh_data / name, 0o644)

    db.engine()

    assert mode(fresh_data) == 0o700
    assert [mode(fresh_data / name) for name in ("peregrine.db", "peregrine.db-wal", "peregrine.db-shm")] == [0o600] * 3
    assert database.stat().st_size == 0, "the file is left as it was, only its mode changes"


def test_a_database_outside_the_data_folder_leaves_its_existing_folder_alone(
    fresh_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "shared"
    elsewhere.mkdir()
    os.chmod(elsewhere, 0o755)
    monkeypatch.setenv("PEREGRINE_DB_URL", f"sqlite:///{elsewhere / 'peregrine.db'}")
    db.migrate()
    assert mode(elsewhere) == 0o755, "maybe a home folder: not Peregrine's to change"
    assert mode(elsewhere / "peregrine.db") == 0o600


def test_a_survey_screenshot_and_its_folders_are_private(fresh_data: Path) -> None:
    db.migrate()
    with db.session_scope() as session:
        candidate = current_candidate(session)
        job = jobs.create_job(session, candidate.id or 0, jobs.JobFields(company="Acme", title="Engineer"))
        started = survey.start_survey(session, job.id or 0)
        checked = uploads.check_uploads([("survey.png", io.BytesIO(survey_png()))])
        survey.add_images(session, started.id or 0, checked.accepted)
        stored_as = started.images[0]["stored_as"]
    image = survey.image_path(job.id or 0, stored_as)
    assert image.read_bytes() == survey_png()
    assert mode(image) == 0o600
    folders = [fresh_data / "uploads", fresh_data / "uploads" / "surveys", image.parent]
    assert [mode(folder) for folder in folders] == [0o700] * 3


def test_the_first_start_token_file_is_private(fresh_data: Path) -> None:
    db.migrate()
    with db.session_scope() as session:
        assert api_tokens.ensure_first_token(session, current_candidate(session).id or 0)
    assert mode(fresh_data / api_tokens.PENDING_FILE) == 0o600


def test_write_private_narrows_a_file_it_replaces(tmp_path: Path, open_umask: None) -> None:
    target = tmp_path / "backup.db"
    target.write_bytes(b"old")
    os.chmod(target, 0o644)
    config.write_private(target, b"new")
    assert (target.read_bytes(), mode(target)) == (b"new", 0o600)


def test_a_shared_folder_is_never_narrowed(tmp_path: Path) -> None:
    shared = tmp_path / "like-tmp"
    shared.mkdir()
    os.chmod(shared, 0o1777)
    config.private_dir(shared, tighten=True)
    assert mode(shared) == 0o1777
