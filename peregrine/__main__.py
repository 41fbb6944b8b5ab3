"""Command line: `python -m peregrine migrate | demo`."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m peregrine", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="bring the database to the newest schema")
    demo = commands.add_parser("demo", help="load a sample pipeline into an empty database")
    demo.add_argument("--jobs", type=int, default=40, help="how many jobs to create (default 40)")
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
