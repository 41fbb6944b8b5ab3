"""Command line: `python -m peregrine migrate | demo | export | import-archive`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from peregrine import config


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m peregrine", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="bring the database to the newest schema")
    demo = commands.add_parser("demo", help="load a sample pipeline into an empty database")
    demo.add_argument("--jobs", type=int, default=40, help="how many jobs to create (default 40)")
    export = commands.add_parser("export", help="write your jobs (csv, xlsx) or the full archive (json) to a file")
    export.add_argument(
        "--format",
        choices=("csv", "xlsx", "json"),
        required=True,
        help="csv or xlsx: a row per job with the day each stage was entered; json: the full archive, "
        "a zip of archive.json and the survey screenshots",
    )
    export.add_argument("--out", type=Path, required=True, help="the file to write (replaced if it exists)")
    restore = commands.add_parser("import-archive", help="import a full archive into an empty database")
    restore.add_argument("file", type=Path, help="an archive made by export --format json")
    args = parser.parse_args(argv)

    from peregrine import db

    db.migrate()
    if args.command == "demo":
        return _demo(args.jobs)
    if args.command == "export":
        return _export(args.format, args.out)
    if args.command == "import-archive":
        return _import_archive(args.file)
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


if __name__ == "__main__":
    sys.exit(main())
