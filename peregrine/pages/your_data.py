"""Settings → Your data: the way to the spreadsheet import, the jobs as CSV or XLSX, the full
archive, the job-search log, and importing an archive into an empty database.

Exports are made in a worker thread (a large archive never stalls the event loop) into a one-time
download (`services.downloads`), which the browser then fetches from the backend.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator, Callable
from typing import IO, Any

import reflex as rx

from peregrine import db, routes
from peregrine.components.download import prepared_download
from peregrine.components.dropzone import dropzone
from peregrine.pages.state import AppState
from peregrine.services import archive, downloads, export
from peregrine.services.archive import ArchiveRefused

IMPORT_UPLOAD_ID = "archive_upload"

#: What each export button makes: the file's name and how it is written.
EXPORTS: dict[str, tuple[str, Callable[[Any, int, IO[bytes]], object]]] = {
    "csv": ("peregrine-jobs.csv", lambda session, candidate, out: out.write(export.jobs_csv(session, candidate))),
    "xlsx": ("peregrine-jobs.xlsx", lambda session, candidate, out: out.write(export.jobs_xlsx(session, candidate))),
    "archive": ("peregrine-archive.zip", archive.write_archive),
}


class YourDataState(AppState):
    preparing: str = ""  # the export being made, "" when none
    import_message: str = ""
    import_ok: bool = False

    @rx.event
    async def export(self, kind: str) -> AsyncIterator[Any]:
        if kind not in EXPORTS or self.preparing:
            return
        self.preparing = kind
        yield
        try:
            prepared = await asyncio.to_thread(self._prepare, kind)
        finally:
            self.preparing = ""
        yield prepared_download(prepared)

    def _prepare(self, kind: str) -> downloads.Prepared:
        filename, write = EXPORTS[kind]
        with db.session_scope() as session:
            candidate_id = self.candidate_id(session)
            return downloads.prepare(filename, lambda out: write(session, candidate_id, out))

    @rx.event
    async def import_archive(self, files: list[rx.UploadFile]) -> None:
        """All or nothing, into an empty database only; the outcome stays on the page."""
        if not files:
            return
        data = await files[0].read()
        try:
            summary = await asyncio.to_thread(_import, data)
        except ArchiveRefused as exc:
            self.import_message, self.import_ok = str(exc), False
            return
        self.import_message = f"Imported {summary.sentence()}. Open the board to see them."
        self.import_ok = True


def _import(data: bytes) -> archive.ArchiveSummary:
    with db.session_scope() as session:
        return archive.import_archive(session, io.BytesIO(data))


def _export_button(kind: str, label: str, icon: str) -> rx.Component:
    return rx.button(
        rx.cond(YourDataState.preparing == kind, rx.spinner(size="1"), rx.icon(icon, size=14, aria_hidden="true")),
        label,
        on_click=YourDataState.export(kind),
        disabled=YourDataState.preparing != "",
        variant="soft",
        size="2",
    )


def your_data_section() -> rx.Component:
    return rx.el.section(
        rx.heading("Your data", size="4", as_="h2"),
        rx.text(
            "Coming from another tracker or a spreadsheet? ",
            rx.link("Import a spreadsheet", href=routes.IMPORT),
            " (CSV or XLSX): your applications keep their dates and their history.",
            size="2",
        ),
        rx.text(
            "Download your jobs, one row each with the day each stage was entered, or the full archive of "
            "everything Peregrine holds for you (jobs, their history, rounds, offers, prep, practice, resume, "
            "research, surveys and their screenshots).",
            size="2",
        ),
        rx.hstack(
            _export_button("csv", "Jobs as CSV", "file-spreadsheet"),
            _export_button("xlsx", "Jobs as Excel (XLSX)", "sheet"),
            _export_button("archive", "Full archive (.zip)", "archive"),
            wrap="wrap",
            spacing="2",
        ),
        rx.text(
            "The job-search log lists each application of a period with its later steps: the proof of a job "
            "search an unemployment office asks for. ",
            rx.link("Open the job-search log", href=routes.SEARCH_LOG),
            ".",
            size="2",
        ),
        rx.heading("Import an archive", size="3", as_="h3"),
        rx.text(
            "An archive goes only into an empty database (a new installation), so nothing is mixed or overwritten. "
            "Up to 100 MB here; python -m peregrine import-archive FILE takes any size.",
            size="2",
        ),
        dropzone(
            IMPORT_UPLOAD_ID,
            on_drop=YourDataState.import_archive,
            icon="archive-restore",
            button_label="Import an archive (.zip)",
            hint="or drop it here",
            compact=True,
            accept={"application/zip": [".zip"]},
            max_files=1,
            multiple=False,
        ),
        rx.cond(
            YourDataState.import_message != "",
            rx.callout.root(
                rx.callout.text(YourDataState.import_message),
                color_scheme=rx.cond(YourDataState.import_ok, "green", "red"),
                role="status",
            ),
        ),
        aria_label="Your data",
        width="100%",
        class_name="rounds",
    )
