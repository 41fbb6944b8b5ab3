"""Importing a spreadsheet of applications: reading the file, the dry run, the import, and the
mapping remembered for the next file with the same headers.

- `read_table` reads a CSV (its delimiter sniffed; UTF-8 with or without a BOM, UTF-16 with a BOM,
  else Windows-1252 or Latin-1, as spreadsheet programs write them) or the first sheet of an XLSX
  (openpyxl, read-only, the values a cell shows, never its formula). Anything else, an empty file,
  headers without rows, a file over `MAX_FILE_BYTES` or `spreadsheet.MAX_ROWS` rows, and a file
  mixing two encodings are refused with a sentence saying what to do.
- `dry_run` says what an import would do: the new jobs, the rows already on the board (the
  duplicate rule of `domain.spreadsheet.DuplicateIndex`, read in one query), and each row's error
  with its row number, column and reason. The rules are `domain.spreadsheet`'s.
- `import_table` is all or nothing: a file with any error is refused whole, and the jobs are
  written by `services.jobs.import_jobs` in the caller's one transaction.
- `hold_table` keeps a read file between the page's steps, under the data folder (never in the
  page's state, which Reflex re-sends whole).

Cells stay text: a formula (`=HYPERLINK(…)`, `=cmd|…`) is kept as the characters it is, and HTML
is text the pages show escaped.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import secrets
import time
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import select as sql_select
from sqlmodel import Session, col, select

from peregrine.config import data_dir, private_dir
from peregrine.domain import spreadsheet
from peregrine.domain.spreadsheet import (
    DateOrder,
    DuplicateIndex,
    ImportField,
    ImportRow,
    KnownJob,
    RowError,
    StatusChoice,
)
from peregrine.models import ImportMapping, Job, utcnow
from peregrine.services import jobs
from peregrine.services.errors import InvalidInput, NotFound
from peregrine.services.uploads import MB, display_name

#: 20 MB: 10,000 rows with long job descriptions fit; a tracker's export of a few hundred rows is ~100 KB.
MAX_FILE_BYTES = 20 * MB
#: An XLSX is a zip: what it unpacks to is capped too (a few kilobytes can unpack to gigabytes).
MAX_UNPACKED_BYTES = 200 * MB
#: Job descriptions are the longest cells; the csv module's default limit is close to them.
csv.field_size_limit(2 * 100_000 * 4)

_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")


_Choice = TypeVar("_Choice", bound=StrEnum)


class FileRefused(InvalidInput):
    """A file that cannot be imported at all; `str()` says why and what to do."""


@dataclass
class Table:
    """A file read: its headers and its rows, each with its row number as the spreadsheet shows it."""

    name: str
    kind: str
    headers: list[str]
    rows: list[tuple[int, list[str]]]


# ----------------------------------------------------------------------------- reading a file
def read_table(data: bytes, name: str = "") -> Table:
    """The file's first sheet as text cells, or `FileRefused` saying why it cannot be imported."""
    label = display_name(name)
    if not data:
        raise FileRefused(f"{label} is empty (0 bytes): there is nothing to import.")
    if len(data) > MAX_FILE_BYTES:
        raise FileRefused(
            f"{label} is {len(data) / MB:,.1f} MB; a file of at most {MAX_FILE_BYTES // MB} MB can be imported. "
            "Split it into smaller files, or leave out the columns of long text."
        )
    kind, cells = _read_cells(data, label)
    return _table(label, kind, cells)


def _read_cells(data: bytes, label: str) -> tuple[str, Iterator[list[str]]]:
    if data.startswith(b"PK\x03\x04"):
        return "XLSX", _xlsx_rows(data, label)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileRefused(f"{label} is an old Excel .xls file; save it as .xlsx or CSV and import that.")
    if data.startswith(b"%PDF"):
        raise FileRefused(f"{label} is a PDF, not a spreadsheet; import a CSV or XLSX file.")
    return "CSV", _csv_rows(decode_text(data, label), label)


def decode_text(data: bytes, label: str) -> str:
    """The text of a CSV in the encodings spreadsheet programs write (see the module's docstring)."""
    if data.startswith(codecs.BOM_UTF8):
        return _decoded(data[len(codecs.BOM_UTF8) :], "utf-8", label)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decoded(data, "utf-16", label)
    if b"\x00" in data:
        raise FileRefused(f"{label} is not a text file (it holds binary data); import a CSV or XLSX file.")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if _UTF8_SEQUENCE.search(data):
            line = data[: exc.start].count(b"\n") + 1
            raise FileRefused(
                f"{label} mixes two text encodings (UTF-8, and another one from line {line}); "
                "open it in your spreadsheet program and save it again as “CSV UTF-8”."
            ) from None
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _decoded(data: bytes, encoding: str, label: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise FileRefused(
            f"{label} says it is {encoding.upper()} but byte {exc.start:,} is not; save it again as “CSV UTF-8”."
        ) from None


def _csv_rows(text: str, label: str) -> Iterator[list[str]]:
    sample = text[:65_536]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel  # one column, or too few rows to tell: commas
    try:
        yield from csv.reader(io.StringIO(text, newline=""), dialect)
    except csv.Error as exc:
        raise FileRefused(f"{label} is not a CSV file that can be read ({exc}).") from None


def _xlsx_rows(data: bytes, label: str) -> Iterator[list[str]]:
    from openpyxl import load_workbook  # imported here: the CSV path and the app's start-up need none of it

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise FileRefused(f"{label} is a damaged zip or XLSX file; save it again and retry.") from None
    if "xl/workbook.xml" not in names:
        raise FileRefused(f"{label} is a zip or office file but not an Excel workbook; import a CSV or XLSX file.")
    if unpacked > MAX_UNPACKED_BYTES:
        raise FileRefused(f"{label} unpacks to {unpacked / MB:,.0f} MB, too much to be a list of applications.")
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds (KeyError, ValueError, XML errors) for a damaged file
        raise FileRefused(f"{label} could not be read as an Excel workbook ({type(exc).__name__}).") from None
    try:
        for row in workbook.worksheets[0].iter_rows(values_only=True):
            yield [_cell_text(value) for value in row]
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    """A cell's value as text: a date as 2026-03-01 (it can read one way only), a whole number without `.0`."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _table(label: str, kind: str, cells: Iterable[list[str]]) -> Table:
    headers: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    for number, row in enumerate(cells, start=1):
        if not any(cell.strip() for cell in row):
            continue
        if headers is None:
            headers = _headers(row, label)
            continue
        if len(rows) >= spreadsheet.MAX_ROWS:
            raise FileRefused(
                f"{label} has more than {spreadsheet.MAX_ROWS:,} rows; import at most {spreadsheet.MAX_ROWS:,} "
                "at a time (split the file)."
            )
        rows.append((number, row[: len(headers)]))
    if headers is None:
        raise FileRefused(f"{label} holds no rows and no headers: there is nothing to import.")
    if not rows:
        raise FileRefused(f"{label} has its headers but no rows below them: there is nothing to import.")
    return Table(label, kind, headers, rows)


def _headers(row: list[str], label: str) -> list[str]:
    while row and not row[-1].strip():
        row = row[:-1]
    if len(row) > spreadsheet.MAX_COLUMNS:
        raise FileRefused(f"{label} has {len(row):,} columns; a list of applications has at most a few dozen.")
    return [cell.strip() or f"Column {index + 1}" for index, cell in enumerate(row)]


# ----------------------------------------------------------------------------- the plan
@dataclass
class ImportPlan:
    """What the user chose: each column's meaning, each status's stage, and the date order."""

    columns: list[ImportField]
    statuses: dict[str, StatusChoice] = field(default_factory=dict)
    date_order: DateOrder | None = None


@dataclass(frozen=True)
class StatusValue:
    """A status as the file writes it, how many rows have it, and its normalised key."""

    key: str
    text: str
    rows: int


def status_values(table: Table, columns: list[ImportField]) -> list[StatusValue]:
    """The file's statuses, in the order they first appear (an empty one is shown as “(empty)”)."""
    if ImportField.STATUS not in columns:
        return []
    index = columns.index(ImportField.STATUS)
    texts: dict[str, str] = {}
    counts: dict[str, int] = {}
    for _, row in table.rows:
        text = row[index].strip() if index < len(row) else ""
        key = spreadsheet.normalise_status(text)
        texts.setdefault(key, text or "(empty)")
        counts[key] = counts.get(key, 0) + 1
    return [StatusValue(key, text, counts[key]) for key, text in texts.items()]


def date_cells(table: Table, columns: list[ImportField]) -> list[str]:
    indexes = [index for index, meaning in enumerate(columns) if meaning in spreadsheet.DATE_FIELDS]
    return [row[index] for _, row in table.rows for index in indexes if index < len(row) and row[index].strip()]


def needs_date_order(table: Table, plan: ImportPlan) -> bool:
    """True when the user must say how dates like 03/01/2026 read (the file does not say)."""
    return plan.date_order is None and spreadsheet.needs_date_order(date_cells(table, plan.columns))


def first_plan(session: Session, candidate_id: int, table: Table) -> ImportPlan:
    """The mapping remembered for these headers, else the guesses; statuses new to it are guessed."""
    saved = session.exec(
        select(ImportMapping).where(
            ImportMapping.candidate_id == candidate_id,
            ImportMapping.headers_key == spreadsheet.headers_key(table.headers),
        )
    ).first()
    plan = ImportPlan(spreadsheet.guess_mapping(table.headers))
    if saved is not None and len(saved.columns) == len(table.headers):
        plan.columns = [ImportField(value) for value in saved.columns]
        plan.date_order = DateOrder(saved.date_order) if saved.date_order else None
    remembered = {key: StatusChoice(value) for key, value in (saved.statuses if saved else {}).items()}
    plan.statuses = {
        status.key: remembered.get(status.key, spreadsheet.guess_status(status.key))
        for status in status_values(table, plan.columns)
    }
    if plan.date_order is None:
        plan.date_order = spreadsheet.settled_date_order(date_cells(table, plan.columns))
    return plan


def apply_choices(table: Table, plan: ImportPlan, choices: dict[str, Any]) -> None:
    """Apply choices written as the CLI's --mapping file holds them (headers, statuses and the date
    order by name) over `plan`; an unknown header, field or choice is `InvalidInput` naming it."""
    for header, meaning in dict(choices.get("columns", {})).items():
        if header not in table.headers:
            raise InvalidInput(f"The file has no column “{header}”; its columns are {', '.join(table.headers)}.")
        plan.columns[table.headers.index(header)] = _one_of(ImportField, meaning)
    for status, choice in dict(choices.get("statuses", {})).items():
        plan.statuses[spreadsheet.normalise_status(status)] = _one_of(StatusChoice, choice)
    if choices.get("date_order"):
        plan.date_order = _one_of(DateOrder, choices["date_order"])


def _one_of(kind: type[_Choice], value: object) -> _Choice:
    try:
        return kind(str(value))
    except ValueError:
        raise InvalidInput(f"“{value}” is not one of {', '.join(kind)}.") from None


def remember_plan(session: Session, candidate_id: int, table: Table, plan: ImportPlan) -> None:
    key = spreadsheet.headers_key(table.headers)
    saved = session.exec(
        select(ImportMapping).where(ImportMapping.candidate_id == candidate_id, ImportMapping.headers_key == key)
    ).first() or ImportMapping(candidate_id=candidate_id, headers_key=key)
    saved.columns = [meaning.value for meaning in plan.columns]
    saved.statuses = {key: choice.value for key, choice in plan.statuses.items()}
    saved.date_order = plan.date_order.value if plan.date_order else ""
    saved.updated_at = utcnow()
    session.add(saved)
    session.flush()


# ----------------------------------------------------------------------------- the dry run and the import
@dataclass(frozen=True)
class DuplicateRow:
    row: int
    company: str
    title: str


@dataclass
class DryRun:
    new: list[ImportRow] = field(default_factory=list)
    duplicates: list[DuplicateRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    #: Rows whose status is not imported (a wishlist).
    skipped: int = 0

    @property
    def summary(self) -> str:
        parts = [
            f"{len(self.new):,} new",
            f"{len(self.duplicates):,} already on the board",
            f"{len(self.errors):,} with errors",
        ]
        if self.skipped:
            parts.append(f"{self.skipped:,} not imported (their status)")
        return ", ".join(parts) + "."


_REQUIRED = (ImportField.COMPANY, ImportField.TITLE, ImportField.APPLIED_ON)


def dry_run(session: Session, candidate_id: int, table: Table, plan: ImportPlan) -> DryRun:
    """What importing `table` with `plan` would do; nothing is written."""
    missing = [meaning.label for meaning in _REQUIRED if meaning not in plan.columns]
    if missing:
        raise InvalidInput(f"Choose the column that holds: {', '.join(missing)}.")
    if len(plan.columns) != len(table.headers):
        raise InvalidInput("The mapping does not fit this file's columns; choose them again.")
    if needs_date_order(table, plan):
        raise InvalidInput("Some dates read both ways (03/01/2026): say whether the day or the month comes first.")
    known = session.execute(
        sql_select(col(Job.url), col(Job.company), col(Job.title), col(Job.stage), col(Job.applied_on)).where(
            col(Job.candidate_id) == candidate_id
        )
    ).all()
    index = DuplicateIndex(KnownJob(*row) for row in known)
    result = DryRun()
    for number, cells in table.rows:
        built = spreadsheet.build_row(number, cells, plan.columns, table.headers, plan.statuses, plan.date_order)
        if built is None:
            result.skipped += 1
            continue
        if isinstance(built, RowError):
            result.errors.append(built)
            continue
        try:
            jobs.JobFields(**built.values).cleaned()  # type: ignore[arg-type]
        except InvalidInput as exc:
            result.errors.append(RowError(number, "", str(exc)))
            continue
        identity = KnownJob(
            str(built.values["url"]), str(built.values["company"]), str(built.values["title"]),
            built.stage.value, built.applied_on,
        )  # fmt: skip
        if index.repeats(identity):
            result.duplicates.append(DuplicateRow(number, identity.company, identity.title))
            continue
        index.add(identity)
        result.new.append(built)
    return result


def import_table(session: Session, candidate_id: int, table: Table, plan: ImportPlan) -> DryRun:
    """Import the new rows, all or nothing: a file with any error imports none (`InvalidInput`).
    The mapping is remembered for the next file with these headers. The caller commits."""
    result = dry_run(session, candidate_id, table, plan)
    if result.errors:
        raise InvalidInput(
            f"{len(result.errors):,} row(s) have errors, so nothing was imported: fix them in the file "
            f"(the first: {result.errors[0].message}), or leave their column out, and import again."
        )
    jobs.import_jobs(
        session,
        candidate_id,
        [jobs.ImportedJob(row.values, row.notes, row.applied_on, row.moves) for row in result.new],
    )
    remember_plan(session, candidate_id, table, plan)
    return result


# ----------------------------------------------------------------------------- between the page's steps
def _held_dir(candidate_id: int) -> Path:
    return private_dir(data_dir() / "imports" / str(candidate_id))


#: A held file nobody came back to within a day (a tab closed mid-way) is let go at the next upload.
HELD_FOR_S = 24 * 3600


def hold_table(candidate_id: int, table: Table) -> str:
    """Keep a read file for the page's next steps; the key to find it again."""
    cutoff = time.time() - HELD_FOR_S
    for stale in _held_dir(candidate_id).glob("*.json"):
        if stale.stat().st_mtime < cutoff:
            stale.unlink(missing_ok=True)
    key = secrets.token_urlsafe(16)
    payload = {"name": table.name, "kind": table.kind, "headers": table.headers, "rows": table.rows}
    (_held_dir(candidate_id) / f"{key}.json").write_text(json.dumps(payload), encoding="utf-8")
    return key


def held_table(candidate_id: int, key: str) -> Table:
    path = _held_dir(candidate_id) / f"{key}.json"
    if not re.fullmatch(r"[A-Za-z0-9_-]{16,64}", key) or not path.is_file():
        raise NotFound("That file is no longer here; choose it again.")
    payload = json.loads(path.read_text(encoding="utf-8"))
    rows = [(int(number), [str(cell) for cell in cells]) for number, cells in payload["rows"]]
    return Table(payload["name"], payload["kind"], payload["headers"], rows)


def release_table(candidate_id: int, key: str) -> None:
    if re.fullmatch(r"[A-Za-z0-9_-]{16,64}", key):
        (_held_dir(candidate_id) / f"{key}.json").unlink(missing_ok=True)
