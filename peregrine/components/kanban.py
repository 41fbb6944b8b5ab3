"""The Reflex wrapper around the board's browser side, `assets/kanban_board.jsx`.

The board is drawn in the browser from card data, column id lists and small
"ops" (card X is now at column[index]), so a move costs a few hundred bytes and
re-renders two columns instead of every card. Python keeps the rules and the state.
"""

from __future__ import annotations

from typing import Any, TypedDict

import reflex as rx

from peregrine.domain.stages import BOARD_ORDER, OPEN_STAGES, PROGRESS, Stage, next_stage
from peregrine.services.board import CARD_ROW_FIELDS


class ColumnMeta(TypedDict):
    """What a column's cards offer: fixed per stage, so computed once here."""

    id: str
    label: str
    advanceLabel: str
    #: The advance button's words when they are not the target's name ("I applied" from Saved).
    advanceText: str
    #: Whether the column folds to a strip (Saved: kept out of the way until the user applies).
    collapsible: bool
    #: Whether a card may move into it (not Saved: a job is saved only when it is added).
    canEnter: bool
    canSurvey: bool
    canRestore: bool
    canReject: bool
    cardHeight: int


#: Every card of a column has one height (its buttons differ by stage), so the browser can
#: render only the visible part of a long column. Keep in step with assets/peregrine.css.
CARD_HEIGHT = 128
CARD_HEIGHTS: dict[Stage, int] = {Stage.APPLIED: 158, Stage.HIRED: 98, Stage.REJECTED: 148}


#: The columns a card may be moved into: the "Move to…" sheet offers no other.
ENTERABLE = frozenset({*PROGRESS, Stage.REJECTED})


def column_meta(stage: Stage) -> ColumnMeta:
    target = next_stage(stage)
    return ColumnMeta(
        cardHeight=CARD_HEIGHTS.get(stage, CARD_HEIGHT),
        id=stage.value,
        label=stage.label,
        advanceLabel=target.label if target else "",
        advanceText="I applied" if stage is Stage.SAVED else "",
        collapsible=stage is Stage.SAVED,
        canEnter=stage in ENTERABLE,
        canSurvey=stage is Stage.APPLIED,
        canRestore=stage is Stage.REJECTED,
        canReject=stage in OPEN_STAGES,
    )


COLUMNS: list[ColumnMeta] = [column_meta(stage) for stage in BOARD_ORDER]


def _payload(payload: rx.Var[dict[str, Any]]) -> list[rx.Var[dict[str, Any]]]:
    return [payload]


class KanbanBoard(rx.Component):
    """`on_move` gets {cardId, fromColumn, toColumn, index} (a drop, or a pick in the "Move to…"
    sheet); `on_card_action` gets {action, cardId, column}."""

    library = "$/public/kanban_board.jsx"
    lib_dependencies: list[str] = ["@dnd-kit/core@6.3.1", "@dnd-kit/sortable@10.0.0", "@dnd-kit/utilities@3.2.2"]
    tag = "KanbanBoard"

    columns_meta: rx.Var[list[dict[str, Any]]]
    card_fields: rx.Var[list[str]] = rx.Var.create(list(CARD_ROW_FIELDS))
    card_batch: rx.Var[dict[str, Any]]
    snapshot: rx.Var[dict[str, Any]]
    #: Per stage, how many jobs the filters hide: a filtered column says "2 of 14".
    hidden: rx.Var[dict[str, int]]
    ops: rx.Var[list[dict[str, Any]]]

    # Reflex's event-spec idiom: the function says what the JS callback passes on.
    on_move: rx.EventHandler[_payload]  # type: ignore[type-arg,valid-type]
    on_card_action: rx.EventHandler[_payload]  # type: ignore[type-arg,valid-type]


kanban_board = KanbanBoard.create
