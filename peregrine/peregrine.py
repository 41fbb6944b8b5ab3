"""The Reflex app: pages and start-up work; nothing else lives here."""

from __future__ import annotations

import reflex as rx

from peregrine.pages.board import BoardState, board_page
from peregrine.pages.job import JobPageState, job_page
from peregrine.pages.settings import SettingsState, settings_page
from peregrine.services import task_runner

app = rx.App(stylesheets=["/peregrine.css"])
app.add_page(board_page, route="/", title="Interviews · Peregrine", on_load=BoardState.load)
app.add_page(job_page, route="/applications/[job_id]", title="Job · Peregrine", on_load=JobPageState.load)
app.add_page(settings_page, route="/settings", title="Settings · Peregrine", on_load=SettingsState.load)
# Background work (company research…) runs in the backend, whoever queued it.
app.register_lifespan_task(task_runner.run_forever)
