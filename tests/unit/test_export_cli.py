"""`python -m peregrine export` and `import-archive`: the files they write, what they refuse."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from peregrine import db
from peregrine.__main__ import main
from peregrine.models import Job
from tests.factories import seed_job


def job_count() -> int:
    with db.engine().connect() as connection:
        return connection.execute(select(func.count()).select_from(Job)).scalar_one()


def test_the_archive_written_by_the_cli_imports_into_a_new_database(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_job("Acme")
    seed_job("Globex")
    out = tmp_path / "peregrine-archive.zip"
    assert main(["export", "--format", "json", "--out", str(out)]) == 0
    assert "Wrote 2 jobs" in capsys.readouterr().out
    assert stat.S_IMODE(out.stat().st_mode) == 0o600

    assert main(["import-archive", str(out)]) == 1  # this database is not empty
    assert "already holds 2 jobs" in capsys.readouterr().err

    fresh = tmp_path / "fresh"
    fresh.mkdir()
    monkeypatch.setenv("PEREGRINE_DATA_DIR", str(fresh))
    monkeypatch.setenv("PEREGRINE_DB_URL", f"sqlite:///{fresh / 'peregrine.db'}")
    assert main(["import-archive", str(out)]) == 0
    assert "Imported 2 jobs" in capsys.readouterr().out
    assert job_count() == 2


def test_csv_and_xlsx_from_the_cli(db_url: str, tmp_path: Path) -> None:
    seed_job("Acme")
    assert main(["export", "--format", "csv", "--out", str(tmp_path / "jobs.csv")]) == 0
    assert "Acme" in (tmp_path / "jobs.csv").read_text(encoding="utf-8-sig")
    assert main(["export", "--format", "xlsx", "--out", str(tmp_path / "jobs.xlsx")]) == 0
    sheet = load_workbook(tmp_path / "jobs.xlsx").active
    assert sheet is not None
    assert sheet["B2"].value == "Acme"


def test_a_file_that_is_not_an_archive_is_refused(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = tmp_path / "jobs.csv"
    sheet.write_text("Company,Title\nAcme,Engineer\n", encoding="utf-8")
    assert main(["import-archive", str(sheet)]) == 1
    assert "not a Peregrine archive" in capsys.readouterr().err
    assert main(["import-archive", str(tmp_path / "missing.zip")]) == 1
    assert job_count() == 0
