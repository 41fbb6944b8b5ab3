"""Command line: `python -m peregrine migrate | demo | backup | restore FILE`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m peregrine", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="bring the database to the newest schema")
    demo = commands.add_parser("demo", help="load a sample pipeline into an empty database")
    demo.add_argument("--jobs", type=int, default=40, help="how many jobs to create (default 40)")
    commands.add_parser("backup", help="back the database up into data/backups/ now")
    restore = commands.add_parser(
        "restore", help="restore the database from a backup (the current one is backed up first)"
    )
    restore.add_argument("file", type=Path, help="the backup: a file of data/backups/ or a Peregrine database")
    args = parser.parse_args(argv)

    from peregrine import db

    db.migrate()
    if args.command == "demo":
        from peregrine.services.demo import DatabaseNotEmpty, load_demo

        try:
            with db.session_scope() as session:
                count = load_demo(session, jobs=args.jobs)
        except DatabaseNotEmpty as exc:
            print(exc, file=sys.stderr)
            return 1
        print(f"Loaded {count} demo jobs. Start the app with `make run`.")
    elif args.command in ("backup", "restore"):
        return _backup_or_restore(args.file if args.command == "restore" else None)
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


if __name__ == "__main__":
    sys.exit(main())
