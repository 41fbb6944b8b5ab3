"""Settings → REST API: the token made at first start (shown once), new tokens, revoking."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import reflex as rx

from peregrine import db
from peregrine.components.forms import labelled
from peregrine.components.shown_once import shown_once_callout
from peregrine.domain import limits
from peregrine.domain.dates import calendar_date, local_moment
from peregrine.pages.state import AppState
from peregrine.services import api_tokens
from peregrine.services.errors import ServiceError


@dataclass(frozen=True)
class TokenLine:
    id: int
    name: str
    prefix: str
    created: str
    last_used: str
    revoked: bool


class ApiAccessState(AppState):
    tokens: list[TokenLine] = []
    shown_once: str = ""  # a token's clear text, shown until the page is left

    @rx.event
    def load(self) -> None:
        # A token's clear text is shown once: coming back to the page forgets it.
        self.shown_once = api_tokens.take_pending_token() or ""
        self._list()

    def _list(self) -> None:
        with db.session_scope() as session:
            candidate_id = self.candidate_id(session)
            self.tokens = [
                TokenLine(
                    token.id or 0,
                    token.name,
                    token.prefix + "…",
                    calendar_date(token.created_at),
                    local_moment(token.last_used_at) if token.last_used_at else "never",
                    token.revoked_at is not None,
                )
                for token in api_tokens.tokens_of(session, candidate_id)
            ]

    @rx.event
    def create(self, form: dict[str, Any]) -> None:
        """The new token's form: its name (the form empties itself once sent)."""
        name = str(form.get("name") or "").strip()
        with db.session_scope() as session:
            candidate_id = self.candidate_id(session)
            _, self.shown_once = api_tokens.create_token(session, candidate_id, name or "default")
        self._list()

    @rx.event
    def revoke(self, token_id: int) -> Any:
        try:
            with db.session_scope() as session:
                api_tokens.revoke_token(session, token_id, candidate_id=self.candidate_id(session))
        except ServiceError as exc:
            return rx.toast.error(str(exc))
        self._list()
        return rx.toast.success("Revoked: that token no longer works.")


def api_access_section() -> rx.Component:
    return rx.el.section(
        rx.heading("REST API", size="4", as_="h2"),
        rx.text(
            "The API lives under /api/v1 on this server; its documentation is at ",
            rx.link("/api/docs", href="/api/docs", is_external=True),
            ". Every call needs a token: ",
            rx.code("Authorization: Bearer <token>"),
            ".",
            size="2",
        ),
        shown_once_callout(
            ApiAccessState.shown_once,
            intro="Copy this token now: it is shown only once (only its fingerprint is stored).",
            copy_label="Copy the token",
            icon="key-round",
        ),
        rx.table.root(
            rx.table.header(
                rx.table.row(*[rx.table.column_header_cell(h) for h in ("Name", "Token", "Created", "Last used", "")])
            ),
            rx.table.body(
                rx.foreach(
                    ApiAccessState.tokens,
                    lambda token: rx.table.row(
                        rx.table.cell(token.name),
                        rx.table.cell(rx.code(token.prefix)),
                        rx.table.cell(token.created),
                        rx.table.cell(token.last_used),
                        rx.table.cell(
                            rx.cond(
                                token.revoked,
                                rx.badge("revoked", color_scheme="gray"),
                                rx.button(
                                    "Revoke",
                                    on_click=ApiAccessState.revoke(token.id),
                                    size="1",
                                    color_scheme="red",
                                    variant="soft",
                                    aria_label="Revoke " + token.name,
                                ),
                            )
                        ),
                    ),
                )
            ),
            size="1",
            width="100%",
        ),
        rx.form(
            rx.hstack(
                labelled(
                    "New token name",
                    rx.input(name="name", max_length=limits.API_TOKEN_NAME, placeholder="laptop script"),
                ),
                rx.button("Create a token", type="submit", size="2"),
                align="end",
            ),
            on_submit=ApiAccessState.create,
        ),
        aria_label="REST API",
        on_mount=ApiAccessState.load,
        width="100%",
        class_name="rounds",
    )
