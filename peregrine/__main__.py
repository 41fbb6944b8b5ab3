"""Command line: `python -m peregrine migrate | demo | import FILE | export | import-archive FILE | backup |
restore FILE`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from peregrine import config

if TYPE_CHECKING:
    from peregrine.services.spreadsheet_import import ImportPlan, Table

#: Row errors printed before "… and N more".
_ERRORS_SHOWN = 50


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m peregrine", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="bring the database to the newest schema")
    demo = commands.add_parser("demo", help="load a sample pipeline into an empty database")
    demo.add_argument("--jobs", type=int, default=40, help="how many jobs to create (default 40)")
    spreadsheet = commands.add_parser("import", help="import applications from a CSV or XLSX file")
    spreadsheet.add_argument("file", type=Path, help="the .csv or .xlsx file")
    spreadsheet.add_argument(
        "--mapping",
        type=Path,
        help='a JSON file: {"columns": {"<header>": "<field>"}, "statuses": {"<status>": "<choice>"}, '
        '"date_order": "day_first" | "month_first"}; what it leaves out is guessed (or remembered)',
    )
    spreadsheet.add_argument("--dry-run", action="store_true", help="say what would be imported, write nothing")
    export = commands.add_parser("export", help="write your jobs (csv, xlsx) or the full archive (json) to a file")
    export.add_argument(
        "--format",
        choices=("csv", "xlsx", "json"),
        required=True,
        help="csv or xlsx: a row per job with the day each stage was entered; json: the full archive, "
        "a zip of archive.json and the survey screenshots",
    )
    export.add_argument("--out", type=Path, required=True, help="the file to write (replaced if it exists)")
    archived = commands.add_parser("import-archive", help="import a full archive into an empty database")
    archived.add_argument("file", type=Path, help="an archive made by export --format json")
    commands.add_parser("backup", help="back the database up into data/backups/ now")
    restore = commands.add_parser(
        "restore", help="restore the database from a backup (the current one is backed up first)"
    )
    restore.add_argument("file", type=Path, help="the backup: a file of data/backups/ or a Peregrine database")
    args = parser.parse_args(argv)

    from peregrine import db

    db.migrate()
    if args.command == "demo":
        return _demo(args.jobs)
    if args.command == "import":
        return _import(args.file, args.mapping, dry_run=args.dry_run)
    if args.command == "export":
        return _export(args.format, args.out)
    if args.command == "import-archive":
        return _import_archive(args.file)
    if args.command in ("backup", "restore"):
        return _backup_or_restore(args.file if args.command == "restore" else None)
    return 0


def _demo(jobs: int) -> int:
    from peregrine import db
    from peregrine.services.demo import DatabaseNotEmpty, load_demo

    try:
        with db.session_scope() as session:
            count = load_demo(session, jobs=jobs)
    except DatabaseNotEmpty as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"Loaded {count} demo jobs. Start the app with `make run`.")
    return 0


def _export(kind: str, out: Path) -> int:
    from peregrine import db
    from peregrine.services import archive, export
    from peregrine.services.candidates import current_candidate

    with db.session_scope() as session:
        candidate_id = current_candidate(session).id or 0
        # Someone's job search: the file is readable by its owner only.
        with config.open_private(out) as file:
            if kind == "json":
                what = archive.write_archive(session, candidate_id, file).sentence()
            else:
                file.write(
                    export.jobs_csv(session, candidate_id) if kind == "csv" else export.jobs_xlsx(session, candidate_id)
                )
                what = "your jobs"
    print(f"Wrote {what} to {out}.")
    return 0


def _import_archive(file: Path) -> int:
    from peregrine import db
    from peregrine.services import archive

    try:
        with file.open("rb") as source, db.session_scope() as session:
            summary = archive.import_archive(session, source)
    except (OSError, archive.ArchiveRefused) as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"Imported {summary.sentence()}.")
    return 0


def _backup_or_restore(file: Path | None) -> int:
    """A backup now (`file` None), or a restore from `file`; a refusal is printed, exit status 1."""
    from peregrine.services import backups
    from peregrine.services.errors import ServiceError

    try:
        if file is None:
            made = backups.make_backup()
            print(f"Backed up to {made.path} ({made.size_bytes:,} bytes).")
            return 0
        restored = backups.restore(file)
    except ServiceError as exc:
        print(exc, file=sys.stderr)
        return 1
    migrated = f" (migrated forward from schema {restored.migrated_from})" if restored.migrated_from else ""
    print(f"Restored from {file}{migrated}. The database before it is backed up as {restored.previous.path}.")
    print("Reload any open Peregrine page to see the restored data.")
    return 0


def _import(path: Path, mapping: Path | None, *, dry_run: bool) -> int:
    from peregrine import db
    from peregrine.services import spreadsheet_import as imports
    from peregrine.services.candidates import current_candidate
    from peregrine.services.errors import ServiceError

    try:
        choices = json.loads(mapping.read_text(encoding="utf-8")) if mapping else {}
        table = imports.read_table(path.read_bytes(), path.name)
        with db.session_scope() as session:
            candidate_id = current_candidate(session).id or 0
            plan = imports.first_plan(session, candidate_id, table)
            imports.apply_choices(table, plan, choices)
            _print_plan(table, plan)
            if imports.needs_date_order(table, plan):
                print(
                    "Nothing was imported: dates such as 03/01/2026 read both ways; say which with a --mapping file "
                    'holding {"date_order": "day_first"} or {"date_order": "month_first"}.',
                    file=sys.stderr,
                )
                return 1
            if dry_run:
                result = imports.dry_run(session, candidate_id, table, plan)
            else:
                result = imports.import_table(session, candidate_id, table, plan)
    except (OSError, ValueError, ServiceError) as exc:  # json's errors are ValueErrors
        print(f"Nothing was imported: {exc}", file=sys.stderr)
        return 1
    print(("Dry run: " if dry_run else "Imported: ") + result.summary)
    for error in result.errors[:_ERRORS_SHOWN]:
        print(f"  {error.message}")
    if len(result.errors) > _ERRORS_SHOWN:
        print(f"  … and {len(result.errors) - _ERRORS_SHOWN:,} more")
    return 1 if result.errors else 0


def _print_plan(table: Table, plan: ImportPlan) -> None:
    for header, meaning in zip(table.headers, plan.columns, strict=True):
        print(f"  column {header!r} → {meaning.label}")
    for key, choice in plan.statuses.items():
        print(f"  status {key or '(empty)'!r} → {choice.label}")


if __name__ == "__main__":
    sys.exit(main())
