"""One job card: company, title, source, days in stage, and its actions.

The column's stage is known when the board is compiled, so each column gets
exactly the buttons its stage allows (Survey on Applied, Restore on Rejected…)
with no per-card condition evaluated in the browser.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import reflex as rx

from peregrine.components.kanban import drag_handle, kanban_card
from peregrine.domain.stages import Stage, next_stage

EventFactory = Callable[..., Any]


@dataclass(frozen=True)
class CardActions:
    """The event handlers a card's buttons call, each taking the card id."""

    advance: EventFactory
    survey: EventFactory
    reject: EventFactory
    restore: EventFactory
    edit: EventFactory
    delete: EventFactory


def job_card(card_id: rx.Var[int], card: Any, stage: Stage, actions: CardActions) -> rx.Component:
    label = card.company.to(str) + " — " + card.title.to(str)
    return kanban_card(
        rx.hstack(
            drag_handle(
                rx.icon("grip-vertical", size=16, aria_hidden="true"),
                aria_label="Drag " + label,
                class_name="drag-handle",
            ),
            rx.text(card.company, weight="bold", size="2", class_name="card-company", trim="both"),
            rx.spacer(),
            _menu(card_id, label, stage, actions),
            align="center",
            spacing="1",
            width="100%",
        ),
        rx.link(
            card.title,
            href="/applications/" + card_id.to_string(),
            size="2",
            class_name="card-title",
            on_click=actions.edit(card_id).prevent_default,
        ),
        rx.hstack(
            rx.cond(card.source != "", rx.badge(card.source, variant="soft", size="1")),
            rx.badge(
                rx.icon("clock", size=12, aria_hidden="true"),
                card.in_stage,
                variant="outline",
                color_scheme="gray",
                size="1",
                title="Time in this stage",
            ),
            rx.cond(card.next_interview != "", rx.badge(card.next_interview, color_scheme="violet", size="1")),
            wrap="wrap",
            spacing="1",
        ),
        rx.cond(card.rejection != "", rx.text(card.rejection, size="1", color_scheme="gray")),
        _primary_actions(card_id, stage, actions),
        card_id=card_id,
        column_id=stage.value,
        column_label=stage.label,
        label=label,
        custom_attrs={"role": "article"},
        aria_label=label,
        class_name="job-card",
        key=card_id,
    )


def _primary_actions(card_id: rx.Var[int], stage: Stage, actions: CardActions) -> rx.Component:
    buttons: list[rx.Component] = []
    target = next_stage(stage)
    if target is not None:
        buttons.append(
            rx.button(
                rx.icon("arrow-right", size=14, aria_hidden="true"),
                f"Advance to {target.label}",
                size="1",
                variant="soft",
                on_click=actions.advance(card_id, stage.value),
            )
        )
    if stage is Stage.APPLIED:
        buttons.append(rx.button("Survey", size="1", variant="outline", on_click=actions.survey(card_id)))
    if stage is Stage.REJECTED:
        buttons.append(
            rx.button(
                rx.icon("undo-2", size=14, aria_hidden="true"),
                "Restore",
                size="1",
                variant="soft",
                on_click=actions.restore(card_id),
            )
        )
    return rx.hstack(*buttons, spacing="2", wrap="wrap", class_name="card-actions")


def _menu(card_id: rx.Var[int], label: rx.Var[str], stage: Stage, actions: CardActions) -> rx.Component:
    items = [rx.menu.item("Edit", on_click=actions.edit(card_id))]
    if stage not in (Stage.REJECTED, Stage.HIRED):
        items.append(rx.menu.item("Reject…", on_click=actions.reject(card_id)))
    items += [rx.menu.separator(), rx.menu.item("Delete…", color="red", on_click=actions.delete(card_id))]
    return rx.menu.root(
        rx.menu.trigger(
            rx.icon_button(
                rx.icon("ellipsis", size=16, aria_hidden="true"),
                variant="ghost",
                size="1",
                aria_label="More actions for " + label,
            )
        ),
        rx.menu.content(*items),
    )
