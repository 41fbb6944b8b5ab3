"""`services.spreadsheet_import` on a real SQLite file: reading files, the dry run, the import with
its histories, all or nothing, the remembered mapping, and every bad file."""

from __future__ import annotations

import io
import os
import time
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlmodel import Session, col, select

from peregrine import db
from peregrine.domain.spreadsheet import MAX_ROWS, DateOrder, ImportField, StatusChoice
from peregrine.domain.stages import MoveSource, Stage
from peregrine.models import Candidate, Job, StageEvent
from peregrine.services import analytics
from peregrine.services import spreadsheet_import as imports
from peregrine.services.errors import InvalidInput, NotFound
from tests.factories import new_job

CSV = (
    "Company,Job Title,Status,Date Applied,Interview date,URL,Notes\n"
    "Acme,Engineer,Onsite,2026-01-05,2026-01-20,https://acme.example/1,<script>alert(1)</script>\n"
    "Globex,Designer,No response,2026-01-07,,,\n"
    "Initech,Analyst,Wishlist,2026-01-09,,,\n"
    'Hooli,Manager,Applied,2026-01-10,,"=HYPERLINK(""https://hooli.example"",""Apply"")",=cmd|\' /C calc\'!A0\n'
)


def _table(text: str = CSV, encoding: str = "utf-8") -> imports.Table:
    return imports.read_table(text.encode(encoding), "jobs.csv")


def _plan(session: Session, candidate: Candidate, table: imports.Table) -> imports.ImportPlan:
    return imports.first_plan(session, candidate.id or 0, table)


def test_a_csv_is_read_with_its_delimiter_sniffed() -> None:
    table = imports.read_table(b"Company;Title;Date\nAcme;Engineer;2026-01-05\n", "x.csv")
    assert table.headers == ["Company", "Title", "Date"]
    assert table.rows == [(2, ["Acme", "Engineer", "2026-01-05"])]
    tabbed = imports.read_table(b"Company\tTitle\nAcme, Inc\tEngineer\n", "x.tsv")
    assert tabbed.rows[0][1] == ["Acme, Inc", "Engineer"]


@pytest.mark.parametrize(
    "data",
    [
        "Company,Title\nCafé Zoë,Ingénieur\n".encode(),
        b"\xef\xbb\xbf" + "Company,Title\nCafé Zoë,Ingénieur\n".encode(),
        "Company,Title\nCafé Zoë,Ingénieur\n".encode("utf-16"),  # with its BOM, as Excel's "Unicode text"
        "Company,Title\nCafé Zoë,Ingénieur\n".encode("cp1252"),
    ],
)
def test_the_encodings_spreadsheet_programs_write(data: bytes) -> None:
    table = imports.read_table(data, "x.csv")
    assert table.headers == ["Company", "Title"]
    assert table.rows[0][1] == ["Café Zoë", "Ingénieur"]


def test_an_xlsx_is_read_as_values_with_dates_as_dates() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Company", "Title", "Date Applied", "Salary", "Link"])
    sheet.append(["Acme", "Engineer", datetime(2026, 3, 1), 120000.0, '=HYPERLINK("https://a.example","A")'])
    sheet.append(["Globex", "Designer", 46082, "90k", None])
    buffer = io.BytesIO()
    book.save(buffer)
    table = imports.read_table(buffer.getvalue(), "jobs.xlsx")
    assert table.kind == "XLSX"
    # No cached value for a formula written by openpyxl: the cell is empty, never the formula run.
    assert table.rows == [
        (2, ["Acme", "Engineer", "2026-03-01", "120000", ""]),
        (3, ["Globex", "Designer", "46082", "90k", ""]),
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "is empty"),
        (b"\n\n ,, \n", "no rows and no headers"),
        (b"Company,Title\n", "headers but no rows"),
        (b"%PDF-1.7 ...", "is a PDF"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old Excel .xls"),
        (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "not a text file"),
        ("Company,Title\nCafé,Engineer\n".encode() + "Zoë,Designer\n".encode("cp1252"), "mixes two text encodings"),
        (b"\xef\xbb\xbfCompany\n\xff\xfe\n", "says it is UTF-8"),
    ],
)
def test_a_file_that_cannot_be_imported_says_why(data: bytes, message: str) -> None:
    with pytest.raises(imports.FileRefused, match=message):
        imports.read_table(data, "jobs.csv")


def test_a_zip_that_is_not_a_workbook_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    with pytest.raises(imports.FileRefused, match="not an Excel workbook"):
        imports.read_table(buffer.getvalue(), "resume.docx")
    with pytest.raises(imports.FileRefused, match="damaged"):
        imports.read_table(b"PK\x03\x04 not really", "x.xlsx")


def test_a_50_mb_file_is_refused_before_it_is_read() -> None:
    with pytest.raises(imports.FileRefused, match=r"50\.0 MB; a file of at most 20 MB"):
        imports.read_table(b"a" * (50 * 1024 * 1024), "big.csv")


def test_100000_rows_are_over_the_row_limit() -> None:
    data = b"Company,Title\n" + b"Acme,Engineer\n" * 100_000
    with pytest.raises(imports.FileRefused, match=f"more than {MAX_ROWS:,} rows"):
        imports.read_table(data, "many.csv")


def test_the_dry_run_counts_new_duplicates_errors_and_skipped(session: Session, candidate: Candidate) -> None:
    new_job(session, company="Hooli", title="Manager", url="https://other.example")  # open: Hooli repeats it
    text = CSV + "Umbrella,Chemist,Applied,someday,,,\nAcme,Engineer,Applied,2026-01-05,,https://acme.example/1,\n"
    table = _table(text)
    result = imports.dry_run(session, candidate.id or 0, table, _plan(session, candidate, table))
    assert [row.row for row in result.new] == [2, 3]
    assert [(row.row, row.company) for row in result.duplicates] == [(5, "Hooli"), (7, "Acme")]
    assert [error.message for error in result.errors] == [
        "row 6, Date Applied: “someday” is not a date; write it like 2026-03-01"
    ]
    assert result.skipped == 1
    assert result.summary == "2 new, 2 already on the board, 1 with errors, 1 not imported (their status)."
    assert session.exec(select(Job)).all()[0].company == "Hooli"  # nothing written
    assert len(session.exec(select(Job)).all()) == 1


def test_the_import_keeps_the_files_dates_and_rebuilds_the_history(session: Session, candidate: Candidate) -> None:
    table = _table()
    result = imports.import_table(session, candidate.id or 0, table, _plan(session, candidate, table))
    session.commit()
    assert len(result.new) == 3
    with db.session_scope() as fresh:
        jobs = {job.company: job for job in fresh.exec(select(Job))}
        assert set(jobs) == {"Acme", "Globex", "Hooli"}
        acme = jobs["Acme"]
        assert (acme.stage, acme.applied_on) == ("interviewing", date(2026, 1, 5))
        assert acme.created_at.date() == date(2026, 1, 5)  # the analytics count it from then
        assert acme.notes == "<script>alert(1)</script>"  # text, shown escaped
        assert jobs["Hooli"].url == "https://hooli.example"
        assert jobs["Hooli"].notes == "=cmd|' /C calc'!A0"  # a formula stays the characters it is
        ghosted = jobs["Globex"]
        assert (ghosted.stage, ghosted.rejection_stage, ghosted.rejection_reason) == ("rejected", "applied", "ghosted")
        events = fresh.exec(select(StageEvent).where(StageEvent.job_id == acme.id).order_by(col(StageEvent.at))).all()
        assert [(e.from_stage, e.to_stage, e.source) for e in events] == [
            ("applied", "interviewing", MoveSource.IMPORT.value)
        ]
        assert events[0].at.date() == date(2026, 1, 20)
        assert events[0].from_entered_at is not None
        assert events[0].from_entered_at.date() == date(2026, 1, 5)
        assert acme.stage_entered_at.replace(tzinfo=UTC).date() == date(2026, 1, 20)


def test_importing_the_same_file_twice_adds_nothing(session: Session, candidate: Candidate) -> None:
    table = _table()
    imports.import_table(session, candidate.id or 0, table, _plan(session, candidate, table))
    session.commit()
    again = imports.import_table(session, candidate.id or 0, table, _plan(session, candidate, table))
    assert again.new == []
    assert len(again.duplicates) == 3


def test_an_import_with_any_error_writes_nothing(session: Session, candidate: Candidate) -> None:
    table = _table(CSV + "Umbrella,,Applied,2026-01-05,,,\n")
    with pytest.raises(InvalidInput, match=r"1 row\(s\) have errors, so nothing was imported.*row 6, Job Title"):
        imports.import_table(session, candidate.id or 0, table, _plan(session, candidate, table))
    session.rollback()
    assert session.exec(select(Job)).all() == []
    assert session.exec(select(StageEvent)).all() == []


def test_the_required_columns_must_be_mapped(session: Session, candidate: Candidate) -> None:
    table = _table()
    plan = _plan(session, candidate, table)
    plan.columns[0] = ImportField.IGNORE
    with pytest.raises(InvalidInput, match="Choose the column that holds: Company"):
        imports.dry_run(session, candidate.id or 0, table, plan)


def test_ambiguous_dates_are_asked_before_the_dry_run(session: Session, candidate: Candidate) -> None:
    table = _table("Company,Title,Date Applied\nAcme,Engineer,03/01/2026\nGlobex,Designer,04/02/2026\n")
    plan = _plan(session, candidate, table)
    assert imports.needs_date_order(table, plan)
    with pytest.raises(InvalidInput, match="day or the month comes first"):
        imports.dry_run(session, candidate.id or 0, table, plan)
    plan.date_order = DateOrder.DAY_FIRST
    assert [row.applied_on for row in imports.dry_run(session, candidate.id or 0, table, plan).new] == [
        date(2026, 1, 3),
        date(2026, 2, 4),
    ]


def test_a_file_that_settles_its_date_order_asks_nothing(session: Session, candidate: Candidate) -> None:
    table = _table("Company,Title,Date Applied\nAcme,Engineer,03/01/2026\nGlobex,Designer,25/02/2026\n")
    plan = _plan(session, candidate, table)
    assert plan.date_order is DateOrder.DAY_FIRST
    assert not imports.needs_date_order(table, plan)


def test_the_mapping_is_remembered_for_the_same_headers(session: Session, candidate: Candidate) -> None:
    table = _table()
    plan = _plan(session, candidate, table)
    plan.columns[6] = ImportField.IGNORE  # the user leaves the notes out
    plan.statuses["wishlist"] = StatusChoice.APPLIED  # and imports the wishlist as applied
    imports.import_table(session, candidate.id or 0, table, plan)
    session.commit()
    other = _table(CSV.replace("Acme", "Soylent"))
    again = _plan(session, candidate, other)
    assert again.columns[6] is ImportField.IGNORE
    assert again.statuses["wishlist"] is StatusChoice.APPLIED
    fresh = _plan(session, candidate, _table(CSV.replace("Notes", "Comments")))
    assert fresh.columns[6] is ImportField.NOTES  # other headers: guessed afresh


def test_a_held_file_is_found_again_by_its_key_only(db_url: str) -> None:
    key = imports.hold_table(1, _table())
    assert imports.held_table(1, key).headers[0] == "Company"
    with pytest.raises(NotFound):
        imports.held_table(2, key)  # another candidate's key finds nothing
    with pytest.raises(NotFound):
        imports.held_table(1, "../../peregrine")
    imports.release_table(1, key)
    with pytest.raises(NotFound):
        imports.held_table(1, key)


def test_a_file_left_for_a_day_is_let_go_at_the_next_upload(db_url: str) -> None:
    left = imports.hold_table(1, _table())
    day_ago = time.time() - imports.HELD_FOR_S - 60
    held = next((Path(db_url.removeprefix("sqlite:///")).parent / "imports" / "1").glob(f"{left}.json"))
    os.utime(held, (day_ago, day_ago))
    kept = imports.hold_table(1, _table())
    with pytest.raises(NotFound):
        imports.held_table(1, left)
    assert imports.held_table(1, kept).name == "jobs.csv"


def test_imported_jobs_land_on_top_of_their_columns(session: Session, candidate: Candidate) -> None:
    existing = new_job(session, company="Old", title="Job")
    table = _table()
    imports.import_table(session, candidate.id or 0, table, _plan(session, candidate, table))
    session.commit()
    applied = session.exec(select(Job).where(Job.stage == Stage.APPLIED.value).order_by(col(Job.position))).all()
    assert [job.company for job in applied] == ["Hooli", "Old"]
    assert applied[-1].id == existing


def test_the_analytics_read_an_imported_history_by_the_files_dates(session: Session, candidate: Candidate) -> None:
    table = _table("Company,Title,Status,Date Applied,Rejected date\nAcme,Engineer,Rejected,2026-01-05,2026-01-15\n")
    imports.import_table(session, candidate.id or 0, table, _plan(session, candidate, table))
    session.commit()
    days, decided = analytics.time_to_decision(session, candidate.id or 0)
    assert decided == 1
    assert days == pytest.approx(10.0, abs=0.01)  # ten days, whatever the seconds that keep a day's moves in order
