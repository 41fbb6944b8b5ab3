"""The import page, `/import`: choose a file → see its first rows → say what each column holds and what
each status means (guessed, editable) → the dry run, row errors listed → Import.

Every event goes to `ImportState` (`state.py`); the rules are `domain.spreadsheet`'s.
"""

from __future__ import annotations

from typing import Any

import reflex as rx

from peregrine import routes
from peregrine.components.dropzone import dropzone
from peregrine.components.edit_controls import dialog_error
from peregrine.components.layout import page_layout
from peregrine.domain.spreadsheet import DateOrder, ImportField, StatusChoice
from peregrine.pages.imports.state import UPLOAD_ID, ColumnView, ErrorView, ImportState, StatusView
from peregrine.services.spreadsheet_import import MAX_FILE_BYTES
from peregrine.services.uploads import MB

_PANEL = {
    "border": "1px solid var(--gray-a5)",
    "border_radius": "10px",
    "padding": "0.75rem 1rem",
    "width": "100%",
}


def _upload_step() -> rx.Component:
    return rx.vstack(
        rx.text(
            "A CSV or XLSX export of your tracker (Huntr, Teal) or your own spreadsheet: one application a row, "
            "with its headers in the first row. Nothing is imported before you check it.",
            size="2",
        ),
        dropzone(
            UPLOAD_ID,
            on_drop=ImportState.handle_upload,
            icon="file-spreadsheet",
            button_label="Choose a spreadsheet",
            hint=f"or drop a .csv or .xlsx file here (up to {MAX_FILE_BYTES // MB} MB)",
            max_files=1,
        ),
        dialog_error(ImportState.file_error),  # the same alert a refused dialog shows
        width="100%",
        spacing="3",
    )


def _scrolling(name: str) -> dict[str, object]:
    """A wide table's box: it scrolls sideways on a phone, and is a named region a keyboard reaches
    (Radix's table puts no name on the table itself)."""
    return {"overflow_x": "auto", "width": "100%", "tab_index": 0, "role": "region", "aria_label": name}


def _preview() -> rx.Component:
    return rx.box(
        rx.table.root(
            rx.table.header(rx.table.row(rx.foreach(ImportState.headers, lambda h: rx.table.column_header_cell(h)))),
            rx.table.body(
                rx.foreach(
                    ImportState.preview,
                    lambda row: rx.table.row(rx.foreach(row, lambda cell: rx.table.cell(rx.text(cell, size="1")))),
                )
            ),
            size="1",
        ),
        **_scrolling("The first rows of the file"),
    )


def _choice_row(what: rx.Component, control: rx.Component, **props: object) -> rx.Component:
    """One line of a list of choices: what is chosen for (left), its select (right, below on a phone)."""
    return rx.hstack(what, control, align="center", wrap="wrap", width="100%", padding_y="0.25rem", **props)


def _select(
    name: rx.Var[str], choices: type[ImportField] | type[StatusChoice], value: rx.Var[str], on_change: Any
) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(aria_label=name, min_width="14rem"),
        rx.select.content(*[rx.select.item(choice.label, value=choice.value) for choice in choices]),
        value=value,
        on_change=on_change,
    )


def _column_row(column: ColumnView) -> rx.Component:
    return _choice_row(
        rx.vstack(
            rx.text(column.header, weight="bold", size="2"),
            rx.text(column.sample, size="1", color_scheme="gray", trim="both", class_name="import-sample"),
            spacing="0",
            min_width="10rem",
            flex="1",
        ),
        _select(
            "What the column " + column.header + " holds",
            ImportField,
            column.meaning,
            lambda meaning: ImportState.set_column(column.index, meaning),
        ),
        border_bottom="1px solid var(--gray-a3)",
    )


def _status_row(status: StatusView) -> rx.Component:
    rows = rx.cond(status.rows == 1, " row)", " rows)")
    return _choice_row(
        rx.text(status.text, " (", status.rows.to_string(), rows, size="2", flex="1", min_width="10rem"),
        _select(
            "What the status " + status.text + " becomes",
            StatusChoice,
            status.choice,
            lambda choice: ImportState.set_status(status.key, choice),
        ),
    )


def _date_order_question() -> rx.Component:
    return rx.cond(
        ImportState.ask_date_order,
        rx.vstack(
            rx.heading("How do the dates read?", size="3", as_="h2", id="date-order-heading"),
            rx.text(
                "Some dates, such as 03/01/2026, read both ways, and no date of the file says which.",
                size="2",
            ),
            rx.radio_group.root(
                rx.radio_group.item("Day first (03/01/2026 is 3 January 2026)", value=DateOrder.DAY_FIRST.value),
                rx.radio_group.item("Month first (03/01/2026 is March 1, 2026)", value=DateOrder.MONTH_FIRST.value),
                value=ImportState.date_order,
                on_change=ImportState.set_date_order,
                aria_labelledby="date-order-heading",
                direction="column",
            ),
            style=_PANEL,
        ),
    )


def _mapping_step() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.text(
                ImportState.file_name, ": ", ImportState.row_count.to_string(), " rows. The first of them:", size="2"
            ),
            rx.spacer(),
            rx.button("Choose another file", variant="soft", on_click=ImportState.start_over),
            width="100%",
            align="center",
            wrap="wrap",
        ),
        _preview(),
        rx.heading("What each column holds", size="4", as_="h2"),
        rx.text("Guessed from the headers; change any that is wrong.", size="2", color_scheme="gray"),
        rx.vstack(rx.foreach(ImportState.columns, _column_row), width="100%", spacing="0"),
        rx.cond(
            ImportState.statuses.length() > 0,
            rx.vstack(
                rx.heading("What each status becomes", size="4", as_="h2"),
                rx.text(
                    "A wishlist entry is not an application: it is not imported unless you pick Applied.",
                    size="2",
                    color_scheme="gray",
                ),
                rx.foreach(ImportState.statuses, _status_row),
                rx.cond(ImportState.status_note != "", rx.text(ImportState.status_note, size="2", role="note")),
                width="100%",
            ),
        ),
        _date_order_question(),
        rx.cond(
            ImportState.step == "map",
            rx.button(
                rx.icon("list-checks", size=16, aria_hidden="true"),
                "Check the import",
                on_click=ImportState.run_dry_run,
                disabled=ImportState.ask_date_order & (ImportState.date_order == ""),
            ),
        ),
        width="100%",
        spacing="3",
    )


def _error_row(error: ErrorView) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(error.row.to_string()),
        rx.table.cell(error.column),
        rx.table.cell(error.reason),
    )


def _review_step() -> rx.Component:
    return rx.vstack(
        rx.callout.root(
            rx.callout.icon(rx.icon("info")),
            rx.callout.text(rx.text("Dry run: ", weight="bold", as_="span"), ImportState.summary),
            color_scheme=rx.cond(ImportState.error_count > 0, "amber", "green"),
            role="status",
            width="100%",
        ),
        rx.cond(
            ImportState.error_count > 0,
            rx.vstack(
                rx.heading("Rows with errors", size="4", as_="h2"),
                rx.text(
                    "Nothing is imported while a row has an error: fix it in the file and choose it again, "
                    "or leave its column out.",
                    size="2",
                ),
                rx.box(
                    rx.table.root(
                        rx.table.header(
                            rx.table.row(
                                rx.table.column_header_cell("Row"),
                                rx.table.column_header_cell("Column"),
                                rx.table.column_header_cell("Why"),
                            )
                        ),
                        rx.table.body(rx.foreach(ImportState.errors, _error_row)),
                        size="1",
                    ),
                    **_scrolling("Rows with errors"),
                ),
                width="100%",
            ),
        ),
        rx.cond(
            ImportState.duplicates.length() > 0,
            rx.el.details(
                rx.el.summary("Already on the board (not imported again)"),
                rx.el.ul(rx.foreach(ImportState.duplicates, lambda line: rx.el.li(rx.text(line, size="2")))),
            ),
        ),
        rx.hstack(
            rx.button(
                rx.icon("upload", size=16, aria_hidden="true"),
                "Import " + ImportState.new_count.to_string() + " jobs",
                on_click=ImportState.run_import,
                disabled=(ImportState.error_count > 0) | (ImportState.new_count == 0),
            ),
            rx.button("Change the mapping", variant="soft", on_click=ImportState.back_to_mapping),
            wrap="wrap",
        ),
        width="100%",
        spacing="3",
    )


def _done_step() -> rx.Component:
    return rx.vstack(
        rx.callout.root(
            rx.callout.icon(rx.icon("check")),
            rx.callout.text(ImportState.done_message),
            color_scheme="green",
            role="status",
            width="100%",
        ),
        rx.hstack(
            rx.link("See them on the board", href=routes.BOARD, size="3"),
            rx.button("Import another file", variant="soft", on_click=ImportState.start_over),
            wrap="wrap",
        ),
        width="100%",
    )


def import_page() -> rx.Component:
    return page_layout(
        rx.heading("Import a spreadsheet", size="6", as_="h1"),
        rx.match(
            ImportState.step,
            ("upload", _upload_step()),
            ("done", _done_step()),
            rx.vstack(_mapping_step(), rx.cond(ImportState.step == "review", _review_step()), width="100%"),
        ),
    )
