"""The condensed reference sheet, `/applications/{id}/interview-prep/sheet?interview_id={n}`.

Small enough to keep open beside a call: the key lines of the prep's main sections, and a way
back to the prep it condenses (the same interview).
"""

from __future__ import annotations

import reflex as rx

from peregrine.components.layout import paid_only, record_or_missing
from peregrine.pages.prep.state import PrepState


def sheet_page() -> rx.Component:
    return rx.el.main(
        rx.cond(
            PrepState.job_link != "",
            rx.link(
                rx.hstack(
                    rx.icon("arrow-left", size=14, aria_hidden="true"), "Back to the prep", align="center", spacing="1"
                ),
                href=PrepState.prep_link,
                size="2",
                class_name="no-print sheet-back",
            ),
        ),
        record_or_missing(
            PrepState.found,
            PrepState.missing_message,
            paid_only(
                PrepState.paid,
                "The reference sheet",
                rx.vstack(
                    rx.heading(PrepState.job_label, size="4", as_="h1"),
                    rx.text(PrepState.selected_label, size="2", color_scheme="gray"),
                    rx.cond(
                        PrepState.sheet.length() > 0,
                        rx.foreach(
                            PrepState.sheet,
                            lambda block: rx.el.section(
                                rx.heading(block.title, size="2", as_="h2"),
                                rx.el.ul(rx.foreach(block.lines, lambda line: rx.el.li(line))),
                                aria_label=block.title,
                                class_name="sheet-block",
                            ),
                        ),
                        rx.text("Nothing to condense yet: generate the prep first.", size="2"),
                    ),
                    spacing="2",
                    width="100%",
                ),
            ),
        ),
        class_name="reference-sheet",
    )
