"""`ImportState`: the import page's steps — the file read, its columns and statuses as chosen, the dry
run — and the import itself, each through `services.spreadsheet_import`.

The file stays on the server (`hold_table`), under a key this state keeps: the state holds only what
the page shows (the headers, a few rows, the choices), since Reflex re-sends a changed var whole.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace

import reflex as rx

from peregrine import db
from peregrine.domain.spreadsheet import DateOrder, ImportField, StatusChoice, guess_status
from peregrine.pages.state import AppState
from peregrine.services import spreadsheet_import as imports

UPLOAD_ID = "spreadsheet_import_upload"
#: Rows of the file shown before the mapping, and row errors listed after the dry run.
PREVIEW_ROWS = 5
ERRORS_SHOWN = 200
#: A preview cell's characters: five rows of 100,000-character descriptions would near the
#: websocket's ~1 MB message cap (see domain.limits), and a glance needs far less.
PREVIEW_CHARS = 120
#: Statuses listed with their select; a file's others are guessed (a tracker has a dozen at most).
STATUSES_SHOWN = 40


@dataclass(frozen=True)
class ColumnView:
    """A column of the file: its header, a value from it, and the meaning chosen for it."""

    index: int
    header: str
    sample: str
    meaning: str


@dataclass(frozen=True)
class StatusView:
    key: str
    text: str
    rows: int
    choice: str


@dataclass(frozen=True)
class ErrorView:
    row: int
    column: str
    reason: str


class ImportState(AppState):
    step: str = "upload"  # upload → map → review → done
    file_error: str = ""
    file_name: str = ""
    row_count: int = 0
    held_key: str = ""
    headers: list[str] = []
    preview: list[list[str]] = []
    columns: list[ColumnView] = []
    statuses: list[StatusView] = []
    status_note: str = ""
    ask_date_order: bool = False
    date_order: str = ""
    summary: str = ""
    new_count: int = 0
    error_count: int = 0
    errors: list[ErrorView] = []
    duplicates: list[str] = []
    done_message: str = ""

    @rx.event
    def load(self) -> None:
        """A fresh visit starts at the upload; a file chosen before is let go."""
        self._release()
        self.step, self.file_error, self.done_message = "upload", "", ""

    @rx.event
    async def handle_upload(self, files: list[rx.UploadFile]) -> None:
        """Read the chosen file off the event loop; a refusal is said beside the dropzone, nothing kept."""
        if not files:
            return
        upload = files[0]
        data = await upload.read(imports.MAX_FILE_BYTES + 1)
        candidate_id = self.read_candidate_id()
        try:
            table = await asyncio.to_thread(imports.read_table, data, upload.name or "")
        except imports.FileRefused as exc:
            self.file_error = str(exc)
            return
        self._release()
        self.held_key = await asyncio.to_thread(imports.hold_table, candidate_id, table)
        with db.session_scope() as session:
            plan = imports.first_plan(session, candidate_id, table)
        self.file_error, self.file_name, self.row_count = "", table.name, len(table.rows)
        self.headers = table.headers
        self.preview = [
            [_glimpse(cell) for cell in cells + [""] * (len(table.headers) - len(cells))]
            for _, cells in table.rows[:PREVIEW_ROWS]
        ]
        self.date_order = plan.date_order.value if plan.date_order else ""
        self._show_plan(table, plan)
        self.step = "map"

    @rx.event
    def set_column(self, index: int, meaning: str) -> None:
        if meaning not in ImportField.__members__.values() or not 0 <= index < len(self.columns):
            return
        chosen = [column.meaning for column in self.columns]
        chosen[index] = meaning
        plan = self._plan(columns=chosen)
        self._show_plan(self._table(), plan)

    @rx.event
    def set_status(self, key: str, choice: str) -> None:
        if choice in StatusChoice.__members__.values():
            self.statuses = [
                StatusView(status.key, status.text, status.rows, choice if status.key == key else status.choice)
                for status in self.statuses
            ]
            self._forget_dry_run()

    @rx.event
    def set_date_order(self, order: str) -> None:
        if order in DateOrder.__members__.values():
            self.date_order = order
            self._forget_dry_run()

    @rx.event
    def run_dry_run(self) -> None:
        """What the import would do, row by row; the errors to fix are listed with their rows."""
        with db.session_scope() as session:
            result = imports.dry_run(session, self.candidate_id(session), self._table(), self._plan())
        self.summary, self.new_count, self.error_count = result.summary, len(result.new), len(result.errors)
        self.errors = [ErrorView(e.row, e.column, e.reason) for e in result.errors[:ERRORS_SHOWN]]
        self.duplicates = [f"Row {d.row}: {d.company} — {d.title}" for d in result.duplicates[:ERRORS_SHOWN]]
        self.step = "review"

    @rx.event
    def run_import(self) -> None:
        """Import all or nothing; on a refusal nothing is written and the page stays as it was. The
        outcome is said in the page's status callout (a toast would say it twice)."""
        with db.session_scope() as session:
            result = imports.import_table(session, self.candidate_id(session), self._table(), self._plan())
        self._release()
        self.done_message = f"Imported {len(result.new):,} job(s); {len(result.duplicates):,} already on the board."
        self.step = "done"

    @rx.event
    def start_over(self) -> None:
        self.load()

    @rx.event
    def back_to_mapping(self) -> None:
        self._forget_dry_run()

    # ------------------------------------------------------------------------- helpers
    def _table(self) -> imports.Table:
        return imports.held_table(self.read_candidate_id(), self.held_key)

    def _plan(self, columns: list[str] | None = None) -> imports.ImportPlan:
        meanings = [ImportField(value) for value in (columns or [column.meaning for column in self.columns])]
        return imports.ImportPlan(
            meanings,
            {status.key: StatusChoice(status.choice) for status in self.statuses},
            DateOrder(self.date_order) if self.date_order else None,
        )

    def _show_plan(self, table: imports.Table, plan: imports.ImportPlan) -> None:
        """Show `plan`: each column's meaning, the statuses of the status column (a new one guessed),
        and whether the dates need their order said."""
        samples = self.preview[0] if self.preview else []
        self.columns = [
            ColumnView(index, header, samples[index] if index < len(samples) else "", meaning.value)
            for index, (header, meaning) in enumerate(zip(table.headers, plan.columns, strict=True))
        ]
        chosen = plan.statuses
        values = imports.status_values(table, plan.columns)
        self.statuses = [
            StatusView(
                value.key, _glimpse(value.text), value.rows, chosen.get(value.key, guess_status(value.key)).value
            )
            for value in values[:STATUSES_SHOWN]
        ]
        unlisted = len(values) - STATUSES_SHOWN
        self.status_note = (
            f"…and {unlisted:,} more statuses, each as guessed. So many different values suggest the column "
            "chosen as the status holds something else."
            if unlisted > 0
            else ""
        )
        # Asked whenever the file leaves it open, so a remembered or chosen answer stays visible and changeable.
        self.ask_date_order = imports.needs_date_order(table, replace(plan, date_order=None))
        self._forget_dry_run()

    def _forget_dry_run(self) -> None:
        self.summary, self.errors, self.duplicates, self.new_count, self.error_count = "", [], [], 0, 0
        if self.step == "review":
            self.step = "map"

    def _release(self) -> None:
        if self.held_key:
            imports.release_table(self.read_candidate_id(), self.held_key)
        self.held_key, self.headers, self.preview, self.columns, self.statuses = "", [], [], [], []
        self.date_order, self.ask_date_order = "", False
        self._forget_dry_run()


def _glimpse(text: str) -> str:
    return text if len(text) <= PREVIEW_CHARS else text[: PREVIEW_CHARS - 1] + "…"
