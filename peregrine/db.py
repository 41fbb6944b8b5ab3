"""One engine per database URL, sessions, and migrations.

SQLite runs in WAL mode with `synchronous=NORMAL`: a stage move is one short
transaction, and this keeps it in the low milliseconds while staying crash-safe.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, make_url
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

from peregrine import config

if TYPE_CHECKING:
    from alembic.config import Config

POOL_SIZE = 48  # above the 40 worker threads FastAPI and Reflex run sync handlers on


@lru_cache(maxsize=4)
def engine_for(url: str) -> Engine:
    if url.startswith("sqlite"):
        database = make_url(url).database
        if database and database != ":memory:" and not database.startswith("file:"):
            _private_database(Path(database))
        # Enough pooled connections for every worker thread of the API and the pages at once (an
        # SQLite connection is cheap; WAL lets readers run side by side): waiting for a connection
        # must never be what makes a request slow. Last in, first out: requests on the event loop
        # take turns on one connection whose page cache is warm (measured: 52 → 42 µs a read).
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            pool_size=POOL_SIZE,
            max_overflow=POOL_SIZE,
            pool_timeout=10,
            pool_use_lifo=True,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _private_database(path: Path) -> None:
    """The SQLite file readable by its owner only: made empty at 0600 (SQLite opens an empty file
    as a new database, and gives its -wal and -shm files the same mode), or narrowed to 0600 if an
    older start left it 0644. Its folder is made 0700 when missing; an existing one is narrowed only
    if it is the data folder (a database elsewhere may sit in a home folder, not ours to change)."""
    config.private_dir(path.parent, tighten=path.parent.resolve() == config.data_location().resolve())
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, config.PRIVATE_FILE_MODE))
        os.chmod(path, config.PRIVATE_FILE_MODE)  # the umask applies to os.open's mode; not to this
    except FileExistsError:
        for existing in (path, *(path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal"))):
            config.tighten_mode(existing, config.PRIVATE_FILE_MODE)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def engine() -> Engine:
    return engine_for(config.database_url())


@contextmanager
def session_scope() -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    with Session(engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def migrate(revision: str = "head", *, url: str | None = None) -> None:
    """Bring the database (the app's, or the one at `url`: a backup being restored) to the newest
    Alembic revision, or to `revision` (idempotent)."""
    from alembic import command

    alembic_cfg = alembic_config(url or config.database_url())
    if url is not None:  # a restore, inside the running app: alembic.ini's logging must not replace the app's
        alembic_cfg.attributes["quiet"] = True
    command.upgrade(alembic_cfg, revision)


def alembic_config(url: str) -> Config:
    """Alembic's configuration for the database at `url`."""
    from alembic.config import Config

    alembic_cfg = Config(str(config.PROJECT_ROOT / "alembic.ini"))
    alembic_cfg.set_main_option("script_location", str(config.PROJECT_ROOT / "alembic"))
    alembic_cfg.set_main_option("sqlalchemy.url", url)
    return alembic_cfg
