"""Settings → Backups: the backups of `data/backups/` with their date and size, a backup now, and a
restore from any of them (asked first; the current database is backed up before). On PostgreSQL
the section says how to back it up instead, and has no buttons."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import reflex as rx

from peregrine import config
from peregrine.components.dialogs import confirm_dialog
from peregrine.domain.dates import local_moment
from peregrine.pages.state import AppState
from peregrine.services import backups

KIND_LABELS = {
    backups.BackupKind.MANUAL: "made on request",
    backups.BackupKind.DAILY: "daily",
    backups.BackupKind.BEFORE_RESTORE: "before a restore",
}


@dataclass(frozen=True)
class BackupLine:
    name: str
    made: str
    kind: str
    size: str


def size_label(size_bytes: int) -> str:
    """1536 → "1.5 KB": the size of a file as a person reads it."""
    size = float(size_bytes)
    for unit in ("bytes", "KB", "MB"):
        if size < 1024:
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"


class BackupsState(AppState):
    available: bool = True
    kept: int = config.DEFAULT_BACKUPS_KEPT
    lines: list[BackupLine] = []
    working: bool = False
    #: The backup the confirm dialog asks about ("" when it is closed).
    to_restore: str = ""
    restored_note: str = ""

    @rx.event
    def load(self) -> None:
        self.restored_note = ""  # said until the page is loaded again, which is what it asks for
        self.available = backups.backups_available()
        self.kept = config.user_profile().backups_kept
        self._list()

    def _list(self) -> None:
        self.lines = [
            BackupLine(
                backup.name, local_moment(backup.made_at), KIND_LABELS[backup.kind], size_label(backup.size_bytes)
            )
            for backup in backups.list_backups()
        ]

    @rx.event(background=True)
    async def back_up_now(self) -> Any:
        async with self:
            if self.working:
                return None
            self.working = True
        try:
            made = await asyncio.to_thread(backups.make_backup)
        finally:
            async with self:
                self.working = False
        async with self:
            self._list()
        return rx.toast.success(f"Backed up ({size_label(made.size_bytes)}).")

    @rx.event
    def ask_restore(self, name: str) -> None:
        self.to_restore = name

    @rx.event
    def set_restore_open(self, is_open: bool) -> None:
        if not is_open:
            self.to_restore = ""

    @rx.event(background=True)
    async def restore(self) -> None:
        async with self:
            name, self.to_restore = self.to_restore, ""
            if self.working or not name:
                return
            self.working = True
        try:
            chosen = backups.backup_named(name)
            restored = await asyncio.to_thread(backups.restore, chosen.path)
        finally:
            async with self:
                self.working = False
        migrated = " (brought up to this version's schema)" if restored.migrated_from else ""
        async with self:
            self.restored_note = (
                f"Restored the backup of {local_moment(chosen.made_at)}{migrated}. The database as it was "
                "before is kept as a backup too. Reload the page to see the restored data."
            )
            self._list()


def _backup_row(line: BackupLine) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(line.made),
        rx.table.cell(line.kind),
        rx.table.cell(line.size),
        rx.table.cell(
            rx.button(
                "Restore…",
                on_click=BackupsState.ask_restore(line.name),
                disabled=BackupsState.working,
                size="1",
                variant="soft",
                aria_label="Restore the backup of " + line.made,
            )
        ),
    )


def _on_sqlite() -> rx.Component:
    return rx.fragment(
        rx.text(
            "A backup is made every day while the app runs, and whenever you ask; the newest ",
            BackupsState.kept.to_string(),
            " are kept in data/backups/ (backups_kept in config/user.yaml). "
            "From a terminal: python -m peregrine backup, python -m peregrine restore FILE.",
            size="2",
        ),
        rx.cond(
            BackupsState.restored_note != "",
            rx.callout.root(
                rx.callout.icon(rx.icon("circle-check")),
                rx.callout.text(BackupsState.restored_note),
                rx.button(
                    "Reload the page",
                    on_click=rx.call_script("window.location.reload()"),
                    size="1",
                    width="fit-content",
                ),
                color_scheme="green",
                role="status",
            ),
        ),
        rx.cond(
            BackupsState.lines.length() > 0,
            rx.table.root(
                rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in ("Made", "Kind", "Size", "")])),
                rx.table.body(rx.foreach(BackupsState.lines, _backup_row)),
                size="1",
                width="100%",
                aria_label="Backups",
            ),
            rx.text("No backup yet.", size="2", color_scheme="gray"),
        ),
        rx.button(
            rx.cond(BackupsState.working, rx.spinner(size="1"), rx.icon("database", size=14, aria_hidden="true")),
            "Back up now",
            on_click=BackupsState.back_up_now,
            disabled=BackupsState.working,
            size="2",
            width="fit-content",
        ),
        confirm_dialog(
            title="Restore this backup?",
            description=(
                "The database is replaced by the backup: what changed since it was made is set aside. "
                "The current database is backed up first, so you can go back to it from this list."
            ),
            confirm_label="Restore",
            on_confirm=BackupsState.restore,
            open=BackupsState.to_restore != "",
            on_open_change=BackupsState.set_restore_open,
        ),
    )


def backups_section() -> rx.Component:
    return rx.el.section(
        rx.heading("Backups", size="4", as_="h2"),
        rx.cond(
            BackupsState.available,
            _on_sqlite(),
            rx.text(
                "The database is PostgreSQL: back it up with pg_dump (and keep the JSON archive of "
                "Settings → Your data). Backups and restore here are for the SQLite file.",
                size="2",
            ),
        ),
        aria_label="Backups",
        on_mount=BackupsState.load,
        width="100%",
        class_name="rounds",
    )
