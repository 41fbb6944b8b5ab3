"""Backups of the SQLite database: made online, kept under `data/backups/`, listed, pruned, checked
and restored.

A backup goes through SQLite's online backup API: it reads one consistent snapshot while the app
goes on writing (WAL lets the writer carry on), and the copy is a single self-contained file
(rollback journal, not WAL), 0600 like the database. It is written beside its final name and
renamed, so a half-made backup is never listed.

A restore never touches the chosen file: a copy is checked (a SQLite file, `integrity_check`, a
Peregrine schema this version knows; an older one is migrated forward, a newer or foreign one is
refused with nothing changed), the current database is backed up first, and the checked copy is
written into the live database through the same backup API. That is one write transaction of the
live file, so it is atomic, and the app's other connections see the restored data at their next
read: no file is swapped under an open connection (a swapped file would meet the old file's WAL).
The engine's pool is then disposed so no connection keeps anything from before.

On PostgreSQL there is nothing here: Settings points to `pg_dump` and the JSON archive.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import secrets
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path

from sqlalchemy import make_url

from peregrine import config, db
from peregrine.services.errors import NotFound, ServiceError

log = logging.getLogger(__name__)

FOLDER = "backups"
DAILY_EVERY = timedelta(days=1)
#: How often the daily task looks again when no backup is due yet (a sleeping laptop misses timers).
LOOK_AGAIN_S = 3600.0
SQLITE_HEADER = b"SQLite format 3\x00"
_NAME = re.compile(r"^peregrine-(\d{8}-\d{6}-\d{6})-(manual|daily|before-restore)\.db$")
_STAMP = "%Y%m%d-%H%M%S-%f"


class BackupKind(StrEnum):
    MANUAL = "manual"
    DAILY = "daily"
    BEFORE_RESTORE = "before-restore"


class BackupsUnavailable(ServiceError):
    """The database is not a SQLite file (PostgreSQL): its own tools back it up."""


class RestoreRefused(ServiceError):
    """The file cannot be restored; the message says why, and nothing was changed."""


@dataclass(frozen=True)
class Backup:
    """One backup file of `data/backups/`."""

    name: str
    path: Path
    made_at: datetime
    kind: BackupKind
    size_bytes: int


@dataclass(frozen=True)
class Restored:
    """What a restore did: the backup of what was there before it, and the schema revision the
    file had when it was older than this version's (migrated forward)."""

    previous: Backup
    migrated_from: str | None


def database_path() -> Path | None:
    """The SQLite file the app uses, or None when the database is not a SQLite file."""
    url = make_url(config.database_url())
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def backups_available() -> bool:
    return database_path() is not None


def _live_path() -> Path:
    path = database_path()
    if path is None:
        raise BackupsUnavailable(
            "Backups here are for a SQLite database; back up PostgreSQL with pg_dump and the JSON archive."
        )
    return path


def backups_dir() -> Path:
    return config.private_dir(config.data_dir() / FOLDER, tighten=True)


# ----------------------------------------------------------------------------- making and listing


def make_backup(kind: BackupKind = BackupKind.MANUAL, *, keep: int | None = None) -> Backup:
    """A consistent copy of the live database in `data/backups/`; then only the newest `keep`
    backups (default: the user's `backups_kept`) are kept."""
    live = _live_path()
    made_at = datetime.now(UTC)
    name = f"peregrine-{made_at.strftime(_STAMP)}-{kind.value}.db"
    final = backups_dir() / name
    partial = final.with_name(f".partial-{name}")
    _new_private_file(partial)
    try:
        with closing(sqlite3.connect(live, timeout=30)) as source, closing(sqlite3.connect(partial)) as target:
            source.backup(target)
            target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
        os.replace(partial, final)
    finally:
        _remove_with_journals(partial)
    prune(keep if keep is not None else config.user_profile().backups_kept)
    return _describe(final)


def list_backups() -> list[Backup]:
    """The backups, newest first (files of other names in the folder are not Peregrine's: left out)."""
    folder = config.data_location() / FOLDER
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        if _NAME.match(path.name) and path.is_file():
            try:
                found.append(_describe(path))
            except FileNotFoundError:  # pruned meanwhile by another process (the CLI, the daily task)
                continue
    return sorted(found, key=lambda backup: backup.made_at, reverse=True)


def prune(keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups; return what was deleted."""
    removed = [backup.path for backup in list_backups()[max(keep, 1) :]]
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


def backup_named(name: str) -> Backup:
    """A backup of the list by its file name (a name from elsewhere, or a path, is not one)."""
    for backup in list_backups():
        if backup.name == name:
            return backup
    raise NotFound(f"There is no backup named {name!r}.")


def _describe(path: Path) -> Backup:
    matched = _NAME.match(path.name)
    if matched is None:  # only listed names reach here
        raise NotFound(f"{path.name} is not a Peregrine backup.")
    made_at = datetime.strptime(matched.group(1), _STAMP).replace(tzinfo=UTC)
    return Backup(path.name, path, made_at, BackupKind(matched.group(2)), path.stat().st_size)


def _new_private_file(path: Path) -> None:
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, config.PRIVATE_FILE_MODE))
    os.chmod(path, config.PRIVATE_FILE_MODE)  # os.open's mode passes through the umask


def _remove_with_journals(path: Path) -> None:
    for leftover in (path, *(path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal"))):
        leftover.unlink(missing_ok=True)


# ----------------------------------------------------------------------------- the daily backup


def daily_backup_due(now: datetime | None = None) -> bool:
    latest = next((backup for backup in list_backups() if backup.kind == BackupKind.DAILY), None)
    return latest is None or (now or datetime.now(UTC)) - latest.made_at >= DAILY_EVERY


async def back_up_daily_forever() -> None:
    """While the app runs: a daily backup whenever the last one is a day old (at start-up too)."""
    if not backups_available():
        return
    while True:
        try:
            if await asyncio.to_thread(daily_backup_due):
                made = await asyncio.to_thread(make_backup, BackupKind.DAILY)
                log.info("Daily backup made: %s (%d bytes)", made.path, made.size_bytes)
        except (OSError, sqlite3.Error):
            log.exception("The daily backup could not be made; trying again in an hour")
        await asyncio.sleep(LOOK_AGAIN_S)


# ----------------------------------------------------------------------------- checking and restoring


def known_revisions() -> tuple[set[str], str]:
    """Every schema revision this version of Peregrine knows, and the newest (its head)."""
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(db.alembic_config(config.database_url()))
    head = scripts.get_current_head()
    if head is None:
        raise RuntimeError("the migrations have no head")
    return {script.revision for script in scripts.walk_revisions()}, head


def restore(path: Path) -> Restored:
    """Restore the database from the file at `path` (a backup, or a database copied from elsewhere).

    Checked first on a copy; the current database is backed up before anything is written."""
    live = _live_path()
    with _staged_copy(path) as staged:
        revision = _checked_revision(staged, shown_as=path.name)
        _, head = known_revisions()
        if revision != head:
            db.migrate(url=f"sqlite:///{staged}")
            db.engine_for(f"sqlite:///{staged}").dispose()
            with closing(sqlite3.connect(staged)) as connection:
                connection.execute("PRAGMA journal_mode=DELETE")
        previous = make_backup(BackupKind.BEFORE_RESTORE)
        with closing(sqlite3.connect(staged)) as source, closing(sqlite3.connect(live, timeout=30)) as target:
            _match_page_size(source, target)
            source.backup(target)
    db.engine().dispose()  # pooled connections start afresh on the restored data
    log.warning("Database restored from %s (the previous one is backed up as %s)", path, previous.path)
    return Restored(previous, revision if revision != head else None)


@contextmanager
def _staged_copy(path: Path) -> Iterator[Path]:
    """A private copy of `path` in the backups folder, deleted afterwards."""
    if not path.is_file():
        raise RestoreRefused(f"{path.name} was not found, or is not a file. Nothing was changed.")
    with path.open("rb") as file:
        if file.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise RestoreRefused(f"{path.name} is not a SQLite database, so not a Peregrine one. Nothing was changed.")
    staged = backups_dir() / f".restore-{secrets.token_hex(8)}.db"
    _new_private_file(staged)
    try:
        shutil.copyfile(path, staged)
        yield staged
    finally:
        _remove_with_journals(staged)


def _checked_revision(staged: Path, *, shown_as: str) -> str:
    unchanged = "Nothing was changed."
    try:
        with closing(sqlite3.connect(staged)) as connection:
            connection.execute("PRAGMA journal_mode=DELETE")
            problems = [row[0] for row in connection.execute("PRAGMA integrity_check")]
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            revisions = (
                [row[0] for row in connection.execute("SELECT version_num FROM alembic_version")]
                if "alembic_version" in tables
                else []
            )
    except sqlite3.DatabaseError as exc:
        raise RestoreRefused(f"{shown_as} is damaged and cannot be read ({exc}). {unchanged}") from None
    if problems != ["ok"]:
        raise RestoreRefused(f"{shown_as} is damaged: the integrity check found {problems[0]}. {unchanged}")
    if len(revisions) != 1 or not {"candidate", "job"} <= tables:
        raise RestoreRefused(f"{shown_as} is a SQLite database but not a Peregrine one. {unchanged}")
    known, _ = known_revisions()
    if revisions[0] not in known:
        raise RestoreRefused(
            f"{shown_as} comes from a newer version of Peregrine (schema {revisions[0]}): "
            f"update Peregrine, then restore it. {unchanged}"
        )
    return str(revisions[0])


def _match_page_size(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    """The backup API refuses to write into a WAL database of another page size: rebuild the
    (journal-mode) copy at the live database's page size first."""
    wanted = target.execute("PRAGMA page_size").fetchone()[0]
    if source.execute("PRAGMA page_size").fetchone()[0] != wanted:
        source.execute(f"PRAGMA page_size={int(wanted)}")
        source.execute("VACUUM")
