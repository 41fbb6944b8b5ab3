"""Backups and restore on real SQLite files: a backup made while the app writes, retention, the
refusals that change nothing, an older backup migrated forward, and the app reading the restored
data through its own engine."""

from __future__ import annotations

import asyncio
import sqlite3
import stat
import threading
from contextlib import closing
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from peregrine import db
from peregrine.models import Job
from peregrine.services import backups
from peregrine.services.backups import BackupKind, BackupsUnavailable, RestoreRefused
from peregrine.services.errors import NotFound
from tests.factories import new_job, seed_job


def _companies() -> list[str]:
    with db.session_scope() as session:
        return list(session.exec(select(Job.company).order_by(col(Job.id))))


def _rows(path: Path, query: str) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(path)) as connection:
        return connection.execute(query).fetchall()


def test_a_backup_made_while_the_app_writes_is_whole_and_private(session: Session) -> None:
    new_job(session, company="Before")
    stop = threading.Event()

    def keep_writing() -> None:
        number = 0
        while not stop.is_set():
            number += 1
            seed_job(company=f"Written {number}")

    writer = threading.Thread(target=keep_writing)
    writer.start()
    try:
        made = [backups.make_backup(keep=10) for _ in range(3)]
    finally:
        stop.set()
        writer.join()
    for backup in made:
        assert _rows(backup.path, "PRAGMA integrity_check") == [("ok",)]
        assert _rows(backup.path, "PRAGMA journal_mode") == [("delete",)]
        assert ("Before",) in _rows(backup.path, "SELECT company FROM job")
        assert stat.S_IMODE(backup.path.stat().st_mode) == 0o600
        assert not backup.path.with_name(backup.path.name + "-wal").exists()
    counts = [int(str(_rows(backup.path, "SELECT count(*) FROM job")[0][0])) for backup in made]
    assert counts == sorted(counts)  # each a snapshot of its moment: later ones hold more
    listed = backups.list_backups()
    assert [backup.name for backup in listed] == [backup.name for backup in reversed(made)]
    assert all(backup.size_bytes > 0 and backup.kind is BackupKind.MANUAL for backup in listed)
    assert sorted(path.name for path in backups.backups_dir().iterdir()) == sorted(b.name for b in made)


def test_only_the_newest_backups_are_kept(session: Session) -> None:
    made = [backups.make_backup(keep=3) for _ in range(5)]
    assert [backup.name for backup in backups.list_backups()] == [backup.name for backup in reversed(made[2:])]


def test_the_retention_is_the_users_backups_kept(db_url: str, tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.mkdir()
    (config / "user.yaml").write_text("backups_kept: 2\n", encoding="utf-8")
    for _ in range(4):
        backups.make_backup()
    assert len(backups.list_backups()) == 2


def test_a_retention_that_is_not_a_whole_number_falls_back_to_14_with_a_notice(tmp_path: Path, db_url: str) -> None:
    from peregrine import config

    folder = tmp_path / "config"
    folder.mkdir()
    (folder / "user.yaml").write_text("backups_kept: none\n", encoding="utf-8")
    profile = config.user_profile()
    assert profile.backups_kept == 14
    assert any("backups_kept" in notice.message for notice in profile.notices)


def test_a_backup_is_restored_and_the_running_app_reads_it(session: Session) -> None:
    new_job(session, company="Kept")
    chosen = backups.make_backup()
    new_job(session, company="Added after the backup")
    session.close()
    assert _companies() == ["Kept", "Added after the backup"]

    restored = backups.restore(chosen.path)

    assert _companies() == ["Kept"]
    assert restored.migrated_from is None
    assert restored.previous.kind is BackupKind.BEFORE_RESTORE
    assert ("Added after the backup",) in _rows(restored.previous.path, "SELECT company FROM job")
    assert chosen.path.exists()
    seed_job(company="Written after the restore")
    assert _companies() == ["Kept", "Written after the restore"]


def _refused_and_unchanged(path: Path, reason: str) -> None:
    before = _companies()
    with pytest.raises(RestoreRefused, match=reason) as refusal:
        backups.restore(path)
    assert "Nothing was changed" in str(refusal.value)
    assert _companies() == before
    assert backups.list_backups() == []
    assert sorted(p.name for p in backups.backups_dir().iterdir()) == []  # no copy left behind


def test_a_file_that_is_not_sqlite_is_refused(session: Session, tmp_path: Path) -> None:
    new_job(session, company="Mine")
    spreadsheet = tmp_path / "jobs.csv"
    spreadsheet.write_text("Company,Title\nAcme,Engineer\n", encoding="utf-8")
    _refused_and_unchanged(spreadsheet, "is not a SQLite database")
    empty = tmp_path / "empty.db"
    empty.write_bytes(b"")
    _refused_and_unchanged(empty, "is not a SQLite database")
    _refused_and_unchanged(tmp_path / "missing.db", "was not found")


def test_a_sqlite_file_of_another_app_is_refused(session: Session, tmp_path: Path) -> None:
    new_job(session, company="Mine")
    other = tmp_path / "other.db"
    with closing(sqlite3.connect(other)) as connection:
        connection.execute("CREATE TABLE notes (body TEXT)")
        connection.commit()
    _refused_and_unchanged(other, "not a Peregrine one")


def test_a_backup_from_a_newer_version_is_refused(session: Session, tmp_path: Path) -> None:
    new_job(session, company="Mine")
    newer = backups.make_backup().path
    with closing(sqlite3.connect(newer)) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
        connection.commit()
    moved = tmp_path / "from-the-future.db"
    newer.rename(moved)
    _refused_and_unchanged(moved, "newer version of Peregrine")


def test_a_damaged_backup_is_refused(session: Session, tmp_path: Path) -> None:
    for number in range(300):
        new_job(session, company=f"Company {number}", walk=False)
    damaged = tmp_path / "damaged.db"
    source = backups.make_backup().path
    data = bytearray(source.read_bytes())
    source.unlink()
    for page in range(2, len(data) // 4096):
        data[page * 4096 + 8 : page * 4096 + 200] = b"\xff" * 192  # every page's cells scrambled
    damaged.write_bytes(bytes(data))
    _refused_and_unchanged(damaged, "is damaged")


def test_an_older_backup_is_migrated_forward(db_url: str, tmp_path: Path) -> None:
    old = tmp_path / "before-job-details.db"
    db.migrate("0008", url=f"sqlite:///{old}")
    db.engine_for(f"sqlite:///{old}").dispose()
    with closing(sqlite3.connect(old)) as connection:
        connection.execute(
            "INSERT INTO candidate (id, name, email, headline, created_at) VALUES (1, 'Ada', '', '', '2026-01-02')"
        )
        connection.execute(
            "INSERT INTO job (candidate_id, company, title, url, location, source, recruiter, raw_jd_text, stage,"
            " stage_entered_at, position, version, created_at, updated_at)"
            " VALUES (1, 'Old Co', 'Engineer', '', '', '', '', '', 'applied', '2026-01-05 10:00:00', 0, 1,"
            " '2026-01-05 10:00:00', '2026-01-05 10:00:00')"
        )
        connection.commit()

    restored = backups.restore(old)

    assert restored.migrated_from == "0008"
    with db.session_scope() as session:
        job = session.exec(select(Job)).one()
        assert (job.company, job.applied_on, job.tags) == ("Old Co", datetime(2026, 1, 5).date(), "")
    _, head = backups.known_revisions()
    assert _rows(backups.database_path() or Path(), "SELECT version_num FROM alembic_version") == [(head,)]
    assert _rows(old, "SELECT version_num FROM alembic_version") == [("0008",)]  # the file itself untouched


def test_a_backup_is_chosen_by_its_name_only(session: Session) -> None:
    made = backups.make_backup()
    assert backups.backup_named(made.name) == made
    for name in ("../peregrine.db", "peregrine.db", str(made.path)):
        with pytest.raises(NotFound):
            backups.backup_named(name)


def test_a_daily_backup_is_due_a_day_after_the_last(session: Session) -> None:
    assert backups.daily_backup_due()
    backups.make_backup(BackupKind.MANUAL)
    assert backups.daily_backup_due()  # a manual backup is not the daily one
    made = backups.make_backup(BackupKind.DAILY)
    assert not backups.daily_backup_due()
    assert backups.daily_backup_due(made.made_at + timedelta(days=1, seconds=1))


def test_on_postgresql_there_are_no_backups_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PEREGRINE_DB_URL", "postgresql+psycopg://peregrine@localhost/peregrine")
    assert not backups.backups_available()
    with pytest.raises(BackupsUnavailable, match="pg_dump"):
        backups.make_backup()


def test_the_command_line_backs_up_and_restores(
    session: Session, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from peregrine.__main__ import main

    new_job(session, company="Before the command")
    session.close()
    assert main(["backup"]) == 0
    made = backups.list_backups()[0]
    assert str(made.path) in capsys.readouterr().out
    seed_job(company="After the backup")

    assert main(["restore", str(made.path)]) == 0
    assert "Reload" in capsys.readouterr().out
    assert _companies() == ["Before the command"]

    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("hello", encoding="utf-8")
    assert main(["restore", str(not_a_backup)]) == 1
    assert "not a SQLite database" in capsys.readouterr().err
    assert _companies() == ["Before the command"]


def test_a_connection_open_during_the_restore_reads_the_restored_data(session: Session) -> None:
    new_job(session, company="In the backup")
    chosen = backups.make_backup()
    new_job(session, company="Only in the live database")
    session.close()
    with db.engine().connect() as held:  # checked out of the pool: disposing the engine cannot close it
        assert held.exec_driver_sql("SELECT count(*) FROM job").scalar() == 2
        held.commit()
        backups.restore(chosen.path)
        assert held.exec_driver_sql("SELECT company FROM job").scalars().all() == ["In the backup"]


@pytest.mark.asyncio
async def test_the_daily_task_backs_up_at_start_up(session: Session) -> None:
    new_job(session, company="Daily")
    session.close()
    task = asyncio.create_task(backups.back_up_daily_forever())
    try:
        for _ in range(200):
            if backups.list_backups():
                break
            await asyncio.sleep(0.05)
    finally:
        task.cancel()
    [daily] = backups.list_backups()
    assert daily.kind is BackupKind.DAILY
    assert ("Daily",) in _rows(daily.path, "SELECT company FROM job")
