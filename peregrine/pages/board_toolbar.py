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

#: What a select sends for "no filter" (Radix's select takes no empty value).
ALL_CHOICES = "all"


def board_toolbar(board: type[BoardState], *, on_add: EventType[()]) -> rx.Component:
    """The heading, the filters and Add job."""
    return rx.hstack(
        rx.heading("Interviews", size="6", as_="h1"),
        rx.spacer(),
        rx.input(
            rx.input.slot(rx.icon("search", size=16, aria_hidden="true")),
            placeholder="Filter by company or title",
            value=board.filters.text,
            on_change=board.set_filter_text.debounce(250),
            max_length=limits.BOARD_FILTER,
            aria_label="Filter by company or title",
            width="260px",
        ),
        _choice_filter(
            board,
            "source",
            "All sources",
            [rx.foreach(board.sources, lambda source: rx.select.item(source, value=source))],
        ),
        _choice_filter(
            board,
            "work_mode",
            "Any work mode",
            [rx.select.item(mode.label, value=mode.value) for mode in WorkMode],
            noun="work mode",
        ),
        _choice_filter(board, "tag", "All tags", [rx.foreach(board.tags, lambda tag: rx.select.item(tag, value=tag))]),
        rx.cond(board.filtered, rx.button("Clear filters", variant="ghost", on_click=board.clear_filters)),
        rx.link("Import a spreadsheet", href=routes.IMPORT, size="2"),
        rx.button(rx.icon("plus", size=16, aria_hidden="true"), "Add job", on_click=on_add),
        align="center",
        spacing="3",
        width="100%",
        wrap="wrap",
    )


def _choice_filter(
    board: type[BoardState], field: str, everything: str, choices: list[rx.Component], noun: str = ""
) -> rx.Component:
    """A select narrowing the board to one value of `field` (a `BoardFilters` field), or `everything`."""
    chosen = getattr(board.filters, field)
    return rx.select.root(
        rx.select.trigger(placeholder=everything, aria_label=f"Filter by {noun or field}"),
        rx.select.content(rx.select.item(everything, value=ALL_CHOICES), *choices),
        value=rx.cond(chosen == "", ALL_CHOICES, chosen),
        on_change=lambda choice: board.choose_filter(field, choice),
    )
