"""`python -m peregrine import FILE`: a dry run writes nothing, an import writes all, a question is asked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import select

from peregrine import db
from peregrine.__main__ import main
from peregrine.models import Job

CSV = "Company,Job Title,Status,Date Applied\nAcme,Engineer,Onsite,03/01/2026\nGlobex,Designer,Wishlist,04/02/2026\n"


def _companies() -> list[str]:
    with db.session_scope() as session:
        return sorted(job.company for job in session.exec(select(Job)))


@pytest.fixture
def sheet(tmp_path: Path) -> Path:
    path = tmp_path / "jobs.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


def test_ambiguous_dates_are_asked_for_and_nothing_is_written(
    db_url: str, sheet: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", str(sheet)]) == 1
    assert '"date_order": "day_first"' in capsys.readouterr().err
    assert _companies() == []


def test_a_dry_run_writes_nothing_and_an_import_writes_the_file(
    db_url: str, sheet: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"date_order": "day_first", "statuses": {"Wishlist": "applied"}}), encoding="utf-8")
    assert main(["import", str(sheet), "--mapping", str(mapping), "--dry-run"]) == 0
    assert "Dry run: 2 new, 0 already on the board, 0 with errors." in capsys.readouterr().out
    assert _companies() == []
    assert main(["import", str(sheet), "--mapping", str(mapping)]) == 0
    assert _companies() == ["Acme", "Globex"]
    assert main(["import", str(sheet)]) == 0  # the mapping was remembered for these headers
    assert "Imported: 0 new, 2 already on the board" in capsys.readouterr().out


def test_a_bad_mapping_or_file_says_why(
    db_url: str, sheet: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"columns": {"Job Title": "salary_wish"}}), encoding="utf-8")
    assert main(["import", str(sheet), "--mapping", str(mapping)]) == 1
    assert "“salary_wish” is not one of ignore, company, title" in capsys.readouterr().err
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert main(["import", str(empty)]) == 1
    assert "empty.csv is empty" in capsys.readouterr().err
