"""Reflex wrappers around the drag-and-drop glue in `assets/dndkit_glue.jsx`."""

from __future__ import annotations

from typing import Any

import reflex as rx


class _DndKit(rx.Component):
    library = "$/public/dndkit_glue.jsx"
    lib_dependencies: list[str] = [
        "@dnd-kit/core@6.3.1",
        "@dnd-kit/sortable@10.0.0",
        "@dnd-kit/utilities@3.2.2",
    ]


def _move_payload(move: rx.Var[dict[str, Any]]) -> list[rx.Var[dict[str, Any]]]:
    return [move]


class KanbanBoard(_DndKit):
    """The drag-and-drop context; `on_move` gets {cardId, fromColumn, toColumn, index}."""

    tag = "KanbanBoard"
    # Reflex's event-spec idiom: the payload function tells Reflex what the JS callback passes on.
    on_move: rx.EventHandler[_move_payload]  # type: ignore[type-arg,valid-type]


class KanbanColumn(_DndKit):
    """A drop target holding one stage's cards, in the order of `items` (card ids)."""

    tag = "KanbanColumn"
    column_id: rx.Var[str]
    label: rx.Var[str]
    items: rx.Var[list[int]]


class KanbanCard(_DndKit):
    """A draggable, sortable card; mouse and touch drag it by its body."""

    tag = "KanbanCard"
    card_id: rx.Var[int]
    column_id: rx.Var[str]
    column_label: rx.Var[str]
    label: rx.Var[str]


class DragHandle(_DndKit):
    """The card's keyboard drag handle (Space lifts, arrows move, Space drops)."""

    tag = "DragHandle"


kanban_board = KanbanBoard.create
kanban_column = KanbanColumn.create
kanban_card = KanbanCard.create
drag_handle = DragHandle.create
