"""The full archive of a candidate's data, and its import into an empty database.

An archive is a zip: `archive.json` (every row the candidate owns, table by table, as JSON) and
`files/` (the survey screenshots, as stored). It is generic over SQLModel's metadata: every table
is archived unless `NOT_EXPORTED` says why not, so a table added later is carried without code
here, or fails `tests/unit/test_archive.py` until it is classified.

Which rows a candidate owns follows the foreign keys: a table with a `candidate_id` is filtered on
it, any other through the table its foreign key points to (a round through its job, a message
through its practice session…). `PrepRevision` names its owner by kind and id, not by a foreign
key, so it has its own rule (`_revision_owned`).

Import keeps every id, so links between rows (and ids inside JSON, such as an email's candidate
jobs) stay right. The one exception is the candidate: when the database already has its person
(made at first start, with the first API token), that person takes the archive's name and profile
and every row's `candidate_id` is that person's id. Everything is checked before anything is
written, and it is one transaction: a refused or failed import leaves the database as it was.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Date, DateTime, Table, func, insert, or_, select, text, update
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, SQLModel, col

from peregrine import config
from peregrine.models import Candidate, Interview, InterviewPrep, Job, PrepBase, PrepRevision
from peregrine.services import survey, uploads
from peregrine.services.errors import InvalidInput

ARCHIVE_FORMAT = "peregrine-archive"
#: Raised when the archive's shape changes in a way an older Peregrine cannot read.
ARCHIVE_VERSION = 1
ARCHIVE_JSON = "archive.json"
#: The largest archive.json read back (a 2,000-job archive is a few MB).
MAX_JSON_BYTES = 512 * 1024 * 1024

#: Tables left out of the archive, each with why. Every other table of the metadata is archived.
NOT_EXPORTED: dict[str, str] = {
    # Hashes of secrets that open this server's API: an archive is not a key. After an import,
    # the new server makes its own first token.
    "apitoken": "API tokens (hashes of secrets)",
    # The same for the calendar subscription's secret: make a new calendar address after an import.
    "calendarfeed": "calendar feed secrets (hashes)",
    # Background runs: this installation's queue and their progress, not the candidate's data
    # (the briefs and preps they produced are archived).
    "task": "background tasks",
}

#: The tables the import treats apart: the person, and the jobs whose screenshots come along.
_CANDIDATE = "candidate"
_JOB = "job"

#: A screenshot in the zip: files/surveys/<job id>/<the name it was stored under>.
_SCREENSHOT = re.compile(r"files/surveys/(\d+)/([0-9a-f]{32}\.(?:png|jpg|webp))")


class ArchiveRefused(InvalidInput):
    """The file is not an archive this Peregrine reads, or the database is not empty; nothing was written."""


@dataclass
class ArchiveSummary:
    """How many rows of each table an archive holds, and how many files."""

    rows: dict[str, int] = field(default_factory=dict)
    files: int = 0

    @property
    def jobs(self) -> int:
        return self.rows.get(_JOB, 0)

    def sentence(self) -> str:
        total = sum(self.rows.values())
        return f"{_count(self.jobs, 'job')} ({_count(total, 'record')} in all) and {_count(self.files, 'file')}"


def archived_tables() -> list[Table]:
    """The archived tables, parents before children (the order rows are inserted in)."""
    return [table for table in SQLModel.metadata.sorted_tables if table.name not in NOT_EXPORTED]


# ----------------------------------------------------------------------------- who owns a row
def _owned(table: Table, candidate_id: int) -> ColumnElement[bool]:
    """The condition that picks the rows of `table` the candidate owns."""
    if table.name == _CANDIDATE:
        return table.c.id == candidate_id
    if "candidate_id" in table.c:
        return table.c.candidate_id == candidate_id
    if table.name == "preprevision":
        return _revision_owned(candidate_id)
    for key in table.foreign_keys:
        parent = key.column.table
        if isinstance(parent, Table) and key.parent.nullable is False:
            return key.parent.in_(select(key.column).where(_owned(parent, candidate_id)))
    raise LookupError(f"Table {table.name} has no owner: add a rule to services/archive.py or to NOT_EXPORTED.")


def _revision_owned(candidate_id: int) -> ColumnElement[bool]:
    base_ids = (
        select(col(PrepBase.id)).join(Job, col(Job.id) == PrepBase.job_id).where(col(Job.candidate_id) == candidate_id)
    )
    round_ids = (
        select(col(InterviewPrep.id))
        .join(Interview, col(Interview.id) == InterviewPrep.interview_id)
        .where(col(Interview.candidate_id) == candidate_id)
    )
    return or_(
        (col(PrepRevision.owner) == "base") & col(PrepRevision.owner_id).in_(base_ids),
        (col(PrepRevision.owner) == "interview") & col(PrepRevision.owner_id).in_(round_ids),
    )


# ----------------------------------------------------------------------------- export
def _to_json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def _rows(session: Session, table: Table, candidate_id: int) -> list[dict[str, Any]]:
    query = select(table).where(_owned(table, candidate_id)).order_by(*table.primary_key.columns)
    return [{key: _to_json(value) for key, value in row.items()} for row in session.execute(query).mappings()]


def _screenshots(survey_rows: list[dict[str, Any]]) -> Iterator[tuple[str, Path]]:
    """(name in the zip, file on disk) of each stored screenshot the surveys list."""
    for row in survey_rows:
        for image in row.get("images") or []:
            path = survey.image_path(row["job_id"], str(image.get("stored_as", "")))
            if path.is_file():
                yield f"files/surveys/{row['job_id']}/{path.name}", path


def _schema_revision(session: Session) -> str | None:
    try:
        return session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except Exception:  # a database made without Alembic (never the app's): the revision is a note only
        return None


def write_archive(session: Session, candidate_id: int, out: IO[bytes]) -> ArchiveSummary:
    """Write the candidate's archive (a zip) to `out`; what it holds."""
    tables = {table.name: _rows(session, table, candidate_id) for table in archived_tables()}
    screenshots = list(_screenshots(tables.get("surveyresponse", [])))
    document = {
        "format": ARCHIVE_FORMAT,
        "version": ARCHIVE_VERSION,
        "schema_revision": _schema_revision(session),
        "exported_at": datetime.now(UTC).isoformat(),
        "files": [name for name, _ in screenshots],
        "tables": tables,
    }
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(ARCHIVE_JSON, json.dumps(document, ensure_ascii=False, indent=1))
        for name, path in screenshots:
            archive.write(path, name, compress_type=zipfile.ZIP_STORED)  # images are compressed already
    return ArchiveSummary({name: len(rows) for name, rows in tables.items()}, len(screenshots))


# ----------------------------------------------------------------------------- import
@dataclass
class _Checked:
    tables: dict[str, list[dict[str, Any]]]
    files: list[tuple[str, int, str]]  # (name in the zip, job id, stored name)


def import_archive(session: Session, source: IO[bytes]) -> ArchiveSummary:
    """Import an archive into an empty database (flushes; the caller commits).

    Raises `ArchiveRefused`, having written nothing, for a file that is not an archive, one made by
    a newer Peregrine, one whose content does not fit this database's tables, and for a database
    that already holds data.
    """
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ArchiveRefused(
            "This file is not a Peregrine archive (it is not a zip file). Nothing was imported."
        ) from exc
    with archive:
        checked = _check(archive)
        _check_empty(session)
        target = _merge_candidate(session, checked.tables.pop(_CANDIDATE))
        for table in archived_tables():
            rows = checked.tables.get(table.name, [])
            if "candidate_id" in table.c:
                rows = [{**row, "candidate_id": target} for row in rows]
            try:
                if rows:
                    session.execute(insert(table), rows)
            except (IntegrityError, StatementError) as exc:  # a link to a row it lacks, an id twice…
                raise _refuse(f"its {table.name} records do not fit together ({_first_line(exc)})") from exc
        session.flush()
        _continue_sequences(session)
        written = _write_files(archive, checked.files)
    counts = {name: len(rows) for name, rows in checked.tables.items()} | {_CANDIDATE: 1}
    return ArchiveSummary(counts, written)


def _first_line(exc: Exception) -> str:
    cause = getattr(exc, "orig", None) or exc
    return str(cause).splitlines()[0][:200]


def _refuse(problem: str) -> ArchiveRefused:
    return ArchiveRefused(f"This file is not an archive this Peregrine can import: {problem}. Nothing was imported.")


def _check(archive: zipfile.ZipFile) -> _Checked:
    """Read and check everything in the archive before anything is written."""
    try:
        info = archive.getinfo(ARCHIVE_JSON)
    except KeyError:
        raise _refuse("it has no archive.json") from None
    if info.file_size > MAX_JSON_BYTES:
        raise _refuse("its archive.json is too large")
    try:
        document = json.loads(archive.read(info))
    except (ValueError, zipfile.BadZipFile, OSError) as exc:
        raise _refuse("its archive.json is not valid JSON") from exc
    if not isinstance(document, dict) or document.get("format") != ARCHIVE_FORMAT:
        raise _refuse("its archive.json is not a Peregrine archive")
    version = document.get("version")
    if not isinstance(version, int) or version < 1:
        raise _refuse("it does not say which archive version it is")
    if version > ARCHIVE_VERSION:
        raise ArchiveRefused(
            f"This archive was made by a newer Peregrine (archive version {version}; this one reads version "
            f"{ARCHIVE_VERSION}). Update Peregrine, then import it again. Nothing was imported."
        )
    tables = document.get("tables")
    if not isinstance(tables, dict):
        raise _refuse("it holds no tables")
    known = {table.name: table for table in archived_tables()}
    unknown = sorted(set(tables) - set(known))
    if unknown:
        raise _refuse(f"it holds tables this version does not have ({', '.join(unknown)})")
    rows = {name: _typed_rows(known[name], rows) for name, rows in tables.items()}
    if len(rows.get(_CANDIDATE, [])) != 1:
        raise _refuse("it must hold exactly one candidate")
    return _Checked(rows, _checked_files(archive, document.get("files"), rows.get(_JOB, [])))


def _typed_rows(table: Table, rows: Any) -> list[dict[str, Any]]:
    """The rows of one table with their dates and moments read back; refused when they do not fit."""
    if not isinstance(rows, list):
        raise _refuse(f"its {table.name} table is not a list of rows")
    typed = []
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise _refuse(f"row {number} of {table.name} is not a record")
        extra = sorted(set(row) - set(table.c.keys()))
        if extra:
            raise _refuse(f"row {number} of {table.name} has fields this version does not have ({', '.join(extra)})")
        if not isinstance(row.get("id"), int):
            raise _refuse(f"row {number} of {table.name} has no id")
        try:
            typed.append({key: _from_json(table, key, value) for key, value in row.items()})
        except (TypeError, ValueError) as exc:
            raise _refuse(f"row {number} of {table.name} has a bad value ({exc})") from exc
    return typed


def _from_json(table: Table, key: str, value: Any) -> Any:
    if value is None:
        return None
    kind = table.c[key].type
    kind = getattr(kind, "impl", kind)  # a type decorator (SQLModel's UTC moments): the type it stores as
    if isinstance(kind, DateTime):
        return datetime.fromisoformat(value)
    if isinstance(kind, Date):
        return date.fromisoformat(value)
    return value


def _checked_files(archive: zipfile.ZipFile, names: Any, jobs: list[dict[str, Any]]) -> list[tuple[str, int, str]]:
    """The screenshots to write back: each a real image of an archived job, under a name the app made."""
    if names is None:
        return []
    if not isinstance(names, list):
        raise _refuse("its list of files is not a list")
    job_ids = {row["id"] for row in jobs}
    files = []
    for name in names:
        found = _SCREENSHOT.fullmatch(name) if isinstance(name, str) else None
        if found is None or int(found[1]) not in job_ids:
            raise _refuse(f"it lists a file that is not a screenshot of one of its jobs ({str(name)[:80]!r})")
        try:
            if archive.getinfo(name).file_size > uploads.MAX_FILE_BYTES:
                raise _refuse(f"{name} is larger than a screenshot can be")
            uploads.read_header(archive.read(name))
        except KeyError:
            raise _refuse(f"it lists {name}, which is not in the zip") from None
        except uploads.ImageRefused as exc:
            raise _refuse(f"{name} is not an image Peregrine accepts ({exc})") from exc
        files.append((name, int(found[1]), found[2]))
    return files


def _check_empty(session: Session) -> None:
    """Refuse a database that holds anything more than its person (made at first start)."""
    held = {
        table.name: count
        for table in archived_tables()
        if table.name != _CANDIDATE and (count := session.execute(select(func.count()).select_from(table)).scalar_one())
    }
    candidates = session.execute(select(func.count()).select_from(Candidate)).scalar_one()
    if held or candidates > 1:
        jobs = held.get(_JOB, 0)
        what = _count(jobs, "job") if jobs else _count(sum(held.values()) or candidates, "record")
        raise ArchiveRefused(
            f"This database already holds {what}: an archive is imported only into an empty database, so nothing "
            "is mixed or overwritten. Nothing was imported. Start Peregrine on a new data folder (PEREGRINE_DATA_DIR) "
            "and import the archive there."
        )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _merge_candidate(session: Session, rows: list[dict[str, Any]]) -> int:
    """The id every imported row belongs to: the database's person, given the archive's profile, or
    the archive's person with its own id when the database has none yet."""
    person = rows[0]
    existing = session.execute(select(Candidate.id).limit(1)).scalar()  # type: ignore[call-overload]
    if existing is None:
        session.execute(insert(Candidate), [person])
        return int(person["id"])
    profile = {key: value for key, value in person.items() if key != "id"}
    session.execute(update(Candidate).where(col(Candidate.id) == existing).values(**profile))
    return int(existing)


def _continue_sequences(session: Session) -> None:
    """On PostgreSQL, ids given explicitly leave each table's sequence behind: move it past them.
    (SQLite picks the next id from the largest one, so there is nothing to do.)"""
    if session.get_bind().dialect.name != "postgresql":
        return
    for table in archived_tables():
        if "id" in table.c:
            session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f'coalesce((SELECT max(id) FROM "{table.name}"), 0) + 1, false)'
                )
            )


def _write_files(archive: zipfile.ZipFile, files: list[tuple[str, int, str]]) -> int:
    """Put the screenshots back where the survey page reads them; on a failure remove those written
    (the caller's transaction then rolls the rows back)."""
    written: list[Path] = []
    try:
        for name, job_id, stored_as in files:
            config.private_dir(survey.upload_dir(job_id))
            path = survey.image_path(job_id, stored_as)
            config.write_private(path, archive.read(name))
            written.append(path)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return len(written)
