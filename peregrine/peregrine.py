"""The Reflex app: pages and start-up work; nothing else lives here."""

from __future__ import annotations

import reflex as rx

from peregrine.pages.board import BoardState, board_page

app = rx.App(stylesheets=["/peregrine.css"])
app.add_page(board_page, route="/", title="Interviews · Peregrine", on_load=BoardState.load)
