"""The analytics page's reports: a titled card, a chart with its accessible name, the exact figures in a table.

Every chart on the page has a table of the same figures beside it (a chart alone is not readable by
a screen reader, nor exact): these pieces build both the same way for every report.
"""

from __future__ import annotations

from typing import Any

import reflex as rx


def report_card(title: str, *children: rx.Component, wide: bool = False) -> rx.Component:
    """One report; a `wide` one (a table of many columns) takes a whole row of the grid, its chart
    and table side by side while there is room."""
    body = (rx.el.div(*children, class_name="analytics-split"),) if wide else children
    return rx.el.section(
        rx.heading(title, size="4", as_="h2"),
        *body,
        aria_label=title,
        class_name="analytics-card analytics-card-wide" if wide else "analytics-card",
    )


def bar_chart(rows: rx.Var[list[Any]], x: str, y: str, label: str, unit: str = "") -> rx.Component:
    """Horizontal bars, one a category, its name to the left: names like "Phone screen" stay whole
    and readable however narrow the card, where upright bars would crowd their labels together."""
    return rx.box(
        rx.recharts.bar_chart(
            rx.recharts.cartesian_grid(stroke_dasharray="3 3", horizontal=False),
            rx.recharts.bar(data_key=y, fill=rx.color("accent", 9), radius=4, is_animation_active=False, unit=unit),
            rx.recharts.x_axis(type_="number", allow_decimals=False, tick={"fontSize": 12}, unit=unit),
            rx.recharts.y_axis(data_key=x, type_="category", interval=0, width=104, tick={"fontSize": 12}),
            rx.recharts.graphing_tooltip(),
            data=rows.to(list[dict[str, Any]]),  # each row reaches the browser as a mapping
            layout="vertical",
            width="100%",
            height=220,
        ),
        role="img",
        aria_label=label,
        width="100%",
    )


def figures_table(headers: list[str], rows: rx.Var[list[Any]], cells: Any) -> rx.Component:
    return rx.table.root(
        rx.table.header(rx.table.row(*[rx.table.column_header_cell(h) for h in headers])),
        rx.table.body(rx.foreach(rows, lambda row: rx.table.row(*[rx.table.cell(cell) for cell in cells(row)]))),
        size="1",
        variant="surface",
        width="100%",
    )


def line_chart(
    rows: rx.Var[list[Any]], x: str, lines: list[tuple[str, str]], label: str, unit: str = ""
) -> rx.Component:
    """A line per (`data_key`, name) over `x`, in row order (oldest first): a figure across rounds."""
    colors = ("accent", "orange", "green")
    return rx.box(
        rx.recharts.line_chart(
            rx.recharts.cartesian_grid(stroke_dasharray="3 3"),
            *[
                rx.recharts.line(
                    data_key=key,
                    name=name,
                    stroke=rx.color(colors[number % len(colors)], 9),
                    connect_nulls=True,
                    is_animation_active=False,
                    unit=unit,
                )
                for number, (key, name) in enumerate(lines)
            ],
            rx.recharts.x_axis(data_key=x, tick={"fontSize": 12}),
            rx.recharts.y_axis(allow_decimals=False, tick={"fontSize": 12}, unit=unit),
            rx.recharts.graphing_tooltip(),
            rx.recharts.legend(),
            data=rows.to(list[dict[str, Any]]),
            width="100%",
            height=220,
        ),
        role="img",
        aria_label=label,
        width="100%",
    )
