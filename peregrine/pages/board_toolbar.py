"""The board's toolbar: its heading, the filters (text, source, work mode, tag), Import and Add job.

It takes the board's state as an argument, so the board can import it without a cycle.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import reflex as rx
from reflex.event import EventType

from peregrine import routes
from peregrine.domain import limits
from peregrine.domain.job_details import WorkMode

if TYPE_CHECKING:
    from peregrine.pages.board import BoardState


def board_toolbar(board: type[BoardState], *, on_add: EventType[()]) -> rx.Component:
    """The heading, the filters and Add job."""
    return rx.hstack(
        rx.heading("Interviews", size="6", as_="h1"),
        rx.spacer(),
        rx.input(
            rx.input.slot(rx.icon("search", size=16, aria_hidden="true")),
            placeholder="Filter by company or title",
            value=board.filter_text,
            on_change=board.set_filter_text.debounce(250),
            max_length=limits.BOARD_FILTER,
            aria_label="Filter by company or title",
            width="260px",
        ),
        rx.select.root(
            rx.select.trigger(placeholder="All sources", aria_label="Filter by source"),
            rx.select.content(
                rx.select.item("All sources", value="all"),
                rx.foreach(board.sources, lambda source: rx.select.item(source, value=source)),
            ),
            value=rx.cond(board.filter_source == "", "all", board.filter_source),
            on_change=board.set_filter_source,
        ),
        _work_mode_filter(board),
        _tag_filter(board),
        rx.cond(
            (board.filter_text != "")
            | (board.filter_source != "")
            | (board.filter_work_mode != "")
            | (board.filter_tag != ""),
            rx.button("Clear filters", variant="ghost", on_click=board.clear_filters),
        ),
        rx.link("Import a spreadsheet", href=routes.IMPORT, size="2"),
        rx.button(rx.icon("plus", size=16, aria_hidden="true"), "Add job", on_click=on_add),
        align="center",
        spacing="3",
        width="100%",
        wrap="wrap",
    )


def _work_mode_filter(board: type[BoardState]) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(placeholder="Any work mode", aria_label="Filter by work mode"),
        rx.select.content(
            rx.select.item("Any work mode", value="all"),
            *[rx.select.item(mode.label, value=mode.value) for mode in WorkMode],
        ),
        value=rx.cond(board.filter_work_mode == "", "all", board.filter_work_mode),
        on_change=board.set_filter_work_mode,
    )


def _tag_filter(board: type[BoardState]) -> rx.Component:
    return rx.select.root(
        rx.select.trigger(placeholder="All tags", aria_label="Filter by tag"),
        rx.select.content(
            rx.select.item("All tags", value="all"),
            rx.foreach(board.tags, lambda tag: rx.select.item(tag, value=tag)),
        ),
        value=rx.cond(board.filter_tag == "", "all", board.filter_tag),
        on_change=board.set_filter_tag,
    )
