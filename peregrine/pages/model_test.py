"""Settings → Test this model: a button per backend that asks it one short structured question
through its dialect and shows what came back and what that means for each feature
(`services/model_check.py`). The request runs in a background event, off the state's lock."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import Any

import reflex as rx

from peregrine.llm import get_llm_client, load_llm_settings
from peregrine.pages.state import AppState
from peregrine.services.model_check import FeatureVerdict, ModelCheck, check_model


@dataclass(frozen=True)
class ModelTestRow:
    """One backend, and what its last test found (display-ready)."""

    name: str
    model: str
    asked_as: str
    running: bool = False
    tested: bool = False
    answered: bool = False
    error: str = ""
    valid_json: bool = False
    matches_schema: bool = False
    schema_error: str = ""
    speed: str = ""
    window: str = ""
    verdicts: list[FeatureVerdict] = field(default_factory=list)


def _tested(row: ModelTestRow, check: ModelCheck) -> ModelTestRow:
    found = {name: getattr(check, name) for name in _RESULT_FIELDS}
    return replace(row, running=False, tested=True, **found)


_RESULT_FIELDS = [item.name for item in fields(ModelTestRow) if item.name in {item.name for item in fields(ModelCheck)}]
"""What a row shows of a check: every field the two share (the backend's name is the row's own)."""


class ModelTestState(AppState):
    rows: list[ModelTestRow] = []
    _queued: list[str] = []  # backends whose test was asked for, for `run` to take

    @rx.event
    def load(self) -> None:
        self.rows = [
            ModelTestRow(
                backend.name,
                backend.model,
                f"{backend.dialect} dialect" if backend.dialect != "instructor" else f"instructor, {backend.mode} mode",
            )
            for backend in load_llm_settings().backends
        ]

    @rx.event
    def test(self, name: str) -> Any:
        """Mark the backend's test as running and start it in the background (one at a time per backend)."""
        if any(row.name == name and row.running for row in self.rows):
            return None
        self.rows = [replace(row, running=True) if row.name == name else row for row in self.rows]
        self._queued.append(name)
        return ModelTestState.run

    @rx.event(background=True)
    async def run(self) -> None:
        async with self:
            if not self._queued:
                return
            name = self._queued.pop(0)
        client = get_llm_client()
        backend = next((backend for backend in client.settings.backends if backend.name == name), None)
        check = await check_model(client, backend) if backend is not None else None
        async with self:
            self.rows = [
                (_tested(row, check) if check is not None else replace(row, running=False, tested=False))
                if row.name == name
                else row
                for row in self.rows
            ]


def _yes_no(label: str, value: rx.Var[bool], detail: rx.Var[str] | str = "") -> rx.Component:
    return rx.el.li(
        rx.text(label + ": ", as_="span", size="2", weight="medium"),
        rx.cond(value, rx.badge("yes", color_scheme="green"), rx.badge("no", color_scheme="red")),
        " ",
        rx.text(detail, as_="span", size="2"),
    )


def _line(label: str, value: rx.Var[str]) -> rx.Component:
    return rx.el.li(rx.text(label + ": ", as_="span", size="2", weight="medium"), rx.text(value, as_="span", size="2"))


def _verdict(verdict: rx.Var[FeatureVerdict]) -> rx.Component:
    return rx.el.li(
        rx.match(
            verdict.fit,
            ("fits", rx.badge("fits", color_scheme="green")),
            ("trims", rx.badge("trims", color_scheme="amber")),
            ("too_small", rx.badge("too small", color_scheme="red")),
            rx.badge("unchecked", color_scheme="gray"),
        ),
        " ",
        rx.text(verdict.text, as_="span", size="2"),
    )


def _result(row: rx.Var[ModelTestRow]) -> rx.Component:
    return rx.vstack(
        rx.el.ul(
            _yes_no("Answered", row.answered, row.error),
            _yes_no("Valid JSON", row.valid_json),
            _yes_no("Matches the schema", row.matches_schema, row.schema_error),
            _line("Speed", row.speed),
            _line("Context window", row.window),
            aria_label="Test result: " + row.name,
            class_name="model-check",
        ),
        rx.text("What this means for each feature:", size="2", weight="medium"),
        rx.el.ul(rx.foreach(row.verdicts, _verdict), aria_label="Verdicts: " + row.name, class_name="model-check"),
        role="status",
        align="start",
        width="100%",
    )


def _backend(row: rx.Var[ModelTestRow]) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.vstack(
                    rx.heading(row.name, size="3", as_="h3"),
                    rx.text(row.model, " · ", row.asked_as, size="1", color_scheme="gray"),
                    spacing="0",
                ),
                rx.spacer(),
                rx.button(
                    rx.cond(row.running, rx.spinner(size="1"), rx.icon("flask-conical", size=14, aria_hidden="true")),
                    "Test this model",
                    variant="soft",
                    on_click=ModelTestState.test(row.name),
                    disabled=row.running,
                    aria_label="Test this model: " + row.name,
                ),
                align="center",
                width="100%",
                wrap="wrap",
            ),
            rx.cond(row.tested, _result(row)),
            width="100%",
        ),
        width="100%",
    )


def model_test_section() -> rx.Component:
    return rx.el.section(
        rx.heading("Test this model", size="4", as_="h2"),
        rx.text(
            "Asks a backend one short question that needs a structured answer, the way the features ask, "
            "and says what its answer and its context window mean for each feature.",
            size="2",
            color_scheme="gray",
        ),
        rx.vstack(rx.foreach(ModelTestState.rows, _backend), width="100%"),
        aria_label="Test this model",
        on_mount=ModelTestState.load,
        width="100%",
    )
