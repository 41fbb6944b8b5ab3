"""The board's state: thin handlers that call `services/` and keep display-ready data.

Card data (`cards`) is sent once per page load; a move touches only two column id
lists, plus `fresh` — the few cards changed since the page loaded — so the bytes
sent per move stay small at any board size (DESIGN.md, "The board's state").
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable
from typing import Any

import reflex as rx

from peregrine import db
from peregrine.components.job_card import CardActions, job_card
from peregrine.components.kanban import kanban_board, kanban_column
from peregrine.components.layout import page_layout
from peregrine.domain.stages import (
    BOARD_ORDER,
    MoveNotAllowed,
    MoveSource,
    RejectionReason,
    Stage,
    next_stage,
)
from peregrine.pages.job_form import JobFormState, job_dialog
from peregrine.services import board as board_service
from peregrine.services import jobs as job_service
from peregrine.services.board import CardView
from peregrine.services.candidates import current_candidate
from peregrine.services.errors import ServiceError, StaleVersion

#: Fold `fresh` back into `cards` once it grows past this, to keep each delta small.
FRESH_LIMIT = 40


class BoardState(rx.State):
    cards: dict[int, CardView] = {}
    fresh: dict[int, CardView] = {}
    col_applied: list[int] = []
    col_survey: list[int] = []
    col_phone_screen: list[int] = []
    col_interviewing: list[int] = []
    col_offer: list[int] = []
    col_hired: list[int] = []
    col_rejected: list[int] = []

    loaded: bool = False
    filter_text: str = ""
    filter_source: str = ""
    sources: list[str] = []

    _candidate_id: int = 0
    _versions: dict[int, int] = {}

    # ---- loading -------------------------------------------------------------

    @rx.event
    def load(self) -> None:
        with db.session_scope() as session:
            self._candidate_id = current_candidate(session).id or 0
            snapshot = board_service.load_board(
                session, self._candidate_id, text=self.filter_text, source=self.filter_source
            )
        self.cards = snapshot.cards
        self.fresh = {}
        self._versions = snapshot.versions
        self.sources = snapshot.sources
        for stage, ids in snapshot.columns.items():
            self._set_column(stage, ids)
        self.loaded = True

    @rx.event
    def set_filter_text(self, text: str) -> None:
        self.filter_text = text
        self._refilter()

    @rx.event
    def set_filter_source(self, source: str) -> None:
        self.filter_source = "" if source == "all" else source
        self._refilter()

    @rx.event
    def clear_filters(self) -> None:
        self.filter_text = ""
        self.filter_source = ""
        self._refilter()

    def _refilter(self) -> None:
        with db.session_scope() as session:
            snapshot = board_service.load_board(
                session, self._candidate_id, text=self.filter_text, source=self.filter_source
            )
        for stage, ids in snapshot.columns.items():
            self._set_column(stage, ids)

    # ---- moves -----------------------------------------------------------------

    @rx.event
    async def handle_move(self, move: dict[str, Any]) -> AsyncGenerator[Any, None]:
        """A drop from the board: show it at once, then let the move service decide."""
        card_id = int(move["cardId"])
        source_stage = Stage(move["fromColumn"])
        target_stage = Stage(move["toColumn"])
        index = int(move.get("index", 0))
        if target_stage is Stage.REJECTED and source_stage is not Stage.REJECTED:
            yield RejectDialogState.ask(card_id)
            return
        before = self._column(source_stage), self._column(target_stage)
        placement = self._place(card_id, source_stage, target_stage, index)
        yield  # the browser shows the card in its new place before the database is touched
        if source_stage is target_stage:
            yield self._run(
                lambda s: job_service.reorder_job(s, card_id, placement, expected_version=self._versions.get(card_id)),
                card_id,
                undo_columns=(source_stage, target_stage, before),
            )
            return
        yield self._run_move(
            card_id,
            lambda s: job_service.move_job(
                s,
                card_id,
                target_stage,
                source=MoveSource.DRAG,
                expected_version=self._versions.get(card_id),
                placement=placement,
                candidate_id=self._candidate_id,
            ),
            undo_columns=(source_stage, target_stage, before),
        )

    @rx.event
    def advance(self, card_id: int, stage: str) -> Any:
        target = next_stage(Stage(stage))
        if target is None:
            return rx.toast.info("This job is at the end of the pipeline.")
        return self._run_move(
            card_id,
            lambda s: job_service.move_job(
                s, card_id, target, source=MoveSource.BUTTON, expected_version=self._versions.get(card_id)
            ),
        )

    @rx.event
    def to_survey(self, card_id: int) -> Any:
        return self._run_move(
            card_id,
            lambda s: job_service.move_job(
                s, card_id, Stage.SURVEY, source=MoveSource.BUTTON, expected_version=self._versions.get(card_id)
            ),
        )

    @rx.event
    def restore(self, card_id: int) -> Any:
        return self._run_move(
            card_id,
            lambda s: job_service.restore_job(
                s, card_id, source=MoveSource.BUTTON, expected_version=self._versions.get(card_id)
            ),
        )

    @rx.event
    def reject(self, card_id: int, reason: str) -> Any:
        return self._run_move(
            card_id,
            lambda s: job_service.move_job(
                s,
                card_id,
                Stage.REJECTED,
                source=MoveSource.BUTTON,
                reason=RejectionReason(reason),
                expected_version=self._versions.get(card_id),
            ),
        )

    @rx.event
    def undo(self, card_id: int) -> Any:
        return self._run_move(
            card_id,
            lambda s: job_service.undo_last_move(s, card_id, expected_version=self._versions.get(card_id)),
            offer_undo=False,
        )

    def _run_move(
        self,
        card_id: int,
        action: Callable[[Any], job_service.MoveResult],
        *,
        undo_columns: tuple[Stage, Stage, tuple[list[int], list[int]]] | None = None,
        offer_undo: bool = True,
    ) -> Any:
        """Call the move service; on success show the card where it went, else put it back."""
        try:
            with db.session_scope() as session:
                result = action(session)
                view = board_service.card_view(result.job)
        except StaleVersion as exc:
            self.load()
            return rx.toast.warning(str(exc))
        except (MoveNotAllowed, ServiceError) as exc:
            self._put_back(undo_columns)
            return rx.toast.error(str(exc), duration=8000)
        job = result.job
        self._versions[card_id] = job.version
        self._remember(view)
        target = Stage(job.stage)
        if undo_columns is None:
            self._place(card_id, result.from_stage, target, 0)
        if not board_service.matches_filter(job, text=self.filter_text, source=self.filter_source):
            self._set_column(target, [i for i in self._column(target) if i != card_id])
        message = f"{job.company} moved to {target.label}."
        if not offer_undo:
            return rx.toast.info(f"Undone: {job.company} is back in {target.label}.")
        return rx.toast.success(message, action={"label": "Undo", "on_click": BoardState.undo(card_id)})

    def _run(self, action: Callable[[Any], Any], card_id: int, *, undo_columns: Any) -> Any:
        try:
            with db.session_scope() as session:
                job = action(session)
        except StaleVersion as exc:
            self.load()
            return rx.toast.warning(str(exc))
        except ServiceError as exc:
            self._put_back(undo_columns)
            return rx.toast.error(str(exc))
        self._versions[card_id] = job.version
        return None

    # ---- column bookkeeping -------------------------------------------------

    def _column(self, stage: Stage) -> list[int]:
        return list(getattr(self, f"col_{stage.value}"))

    def _set_column(self, stage: Stage, ids: list[int]) -> None:
        setattr(self, f"col_{stage.value}", ids)

    def _place(self, card_id: int, source: Stage, target: Stage, index: int) -> job_service.Placement:
        """Move `card_id` in the id lists; return its new neighbours for the service."""
        source_ids = [i for i in self._column(source) if i != card_id]
        target_ids = source_ids if source is target else [i for i in self._column(target) if i != card_id]
        index = max(0, min(index, len(target_ids)))
        target_ids.insert(index, card_id)
        self._set_column(source, source_ids if source is not target else target_ids)
        self._set_column(target, target_ids)
        return job_service.Placement(
            after_id=target_ids[index - 1] if index > 0 else None,
            before_id=target_ids[index + 1] if index + 1 < len(target_ids) else None,
        )

    def _put_back(self, undo_columns: tuple[Stage, Stage, tuple[list[int], list[int]]] | None) -> None:
        if undo_columns is None:
            return
        source, target, (source_ids, target_ids) = undo_columns
        self._set_column(target, target_ids)
        self._set_column(source, source_ids)

    def _remember(self, view: CardView) -> None:
        """Keep a changed card in the small `fresh` map; fold it into `cards` now and then."""
        if len(self.fresh) >= FRESH_LIMIT:
            self.cards = {**self.cards, **self.fresh}
            self.fresh = {}
        self.fresh = {**self.fresh, view.id: view}

    def card_changed(self, view: CardView, version: int, stage: Stage | None = None) -> None:
        """Called by the job dialog after an add or an edit."""
        self._versions[view.id] = version
        self._remember(view)
        if stage is not None and view.id not in self._column(stage):
            self._set_column(stage, [view.id, *self._column(stage)])

    def card_removed(self, card_id: int) -> None:
        for stage in BOARD_ORDER:
            ids = self._column(stage)
            if card_id in ids:
                self._set_column(stage, [i for i in ids if i != card_id])
        self._versions.pop(card_id, None)

    def version_of(self, card_id: int) -> int | None:
        return self._versions.get(card_id)

    @property
    def candidate_id(self) -> int:
        return self._candidate_id


class RejectDialogState(rx.State):
    """The reason dialog shown before a job moves to Rejected."""

    open: bool = False
    card_id: int = 0
    heading: str = ""
    reason: str = RejectionReason.REJECTED_BY_COMPANY.value

    @rx.event
    async def ask(self, card_id: int) -> None:
        board = await self.get_state(BoardState)
        card = board.fresh.get(card_id) or board.cards.get(card_id)
        self.card_id = card_id
        self.heading = f"{card.company} — {card.title}" if card else "this job"
        self.reason = RejectionReason.REJECTED_BY_COMPANY.value
        self.open = True

    @rx.event
    def set_reason(self, reason: str) -> None:
        self.reason = reason

    @rx.event
    def set_open(self, is_open: bool) -> None:
        self.open = is_open

    @rx.event
    def confirm(self) -> Any:
        self.open = False
        return BoardState.reject(self.card_id, self.reason)


class DeleteDialogState(rx.State):
    """Confirmation before a job and its history are deleted."""

    open: bool = False
    card_id: int = 0
    heading: str = ""

    @rx.event
    async def ask(self, card_id: int) -> None:
        board = await self.get_state(BoardState)
        card = board.fresh.get(card_id) or board.cards.get(card_id)
        self.card_id = card_id
        self.heading = f"{card.company} — {card.title}" if card else "this job"
        self.open = True

    @rx.event
    def set_open(self, is_open: bool) -> None:
        self.open = is_open

    @rx.event
    async def confirm(self) -> Any:
        self.open = False
        board = await self.get_state(BoardState)
        try:
            with db.session_scope() as session:
                job_service.delete_job(session, self.card_id, expected_version=board.version_of(self.card_id))
        except StaleVersion as exc:
            board.load()
            return rx.toast.warning(str(exc))
        except ServiceError as exc:
            return rx.toast.error(str(exc))
        board.card_removed(self.card_id)
        return rx.toast.success(f"Deleted {self.heading}.")


# ---- the page ------------------------------------------------------------------

CARD_ACTIONS = CardActions(
    advance=BoardState.advance,
    survey=BoardState.to_survey,
    reject=RejectDialogState.ask,
    restore=BoardState.restore,
    edit=JobFormState.open_edit,
    delete=DeleteDialogState.ask,
)


def _column(stage: Stage) -> rx.Component:
    ids: rx.Var[list[int]] = getattr(BoardState, f"col_{stage.value}")
    return kanban_column(
        rx.hstack(
            rx.heading(stage.label, size="3", as_="h2"),
            rx.badge(ids.length(), variant="soft", radius="full", aria_label="cards"),
            align="center",
            justify="between",
            class_name="column-header",
        ),
        rx.box(
            rx.foreach(
                ids,
                lambda card_id: job_card(
                    card_id, BoardState.fresh[card_id] | BoardState.cards[card_id], stage, CARD_ACTIONS
                ),
            ),
            class_name="column-cards",
        ),
        column_id=stage.value,
        label=stage.label,
        items=ids,
        custom_attrs={"role": "region"},
        aria_label=stage.label,
        class_name=f"kanban-column column-{stage.value}",
    )


def _toolbar() -> rx.Component:
    return rx.hstack(
        rx.heading("Interviews", size="6", as_="h1"),
        rx.spacer(),
        rx.input(
            rx.input.slot(rx.icon("search", size=16, aria_hidden="true")),
            placeholder="Filter by company or title",
            value=BoardState.filter_text,
            on_change=BoardState.set_filter_text.debounce(250),
            aria_label="Filter by company or title",
            width="260px",
        ),
        rx.select.root(
            rx.select.trigger(placeholder="All sources", aria_label="Filter by source"),
            rx.select.content(
                rx.select.item("All sources", value="all"),
                rx.foreach(BoardState.sources, lambda source: rx.select.item(source, value=source)),
            ),
            value=rx.cond(BoardState.filter_source == "", "all", BoardState.filter_source),
            on_change=BoardState.set_filter_source,
        ),
        rx.cond(
            (BoardState.filter_text != "") | (BoardState.filter_source != ""),
            rx.button("Clear filters", variant="ghost", on_click=BoardState.clear_filters),
        ),
        rx.button(rx.icon("plus", size=16, aria_hidden="true"), "Add job", on_click=JobFormState.open_new),
        align="center",
        spacing="3",
        width="100%",
        wrap="wrap",
    )


def _reject_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("Move to Rejected"),
            rx.alert_dialog.description(
                "Why did ", RejectDialogState.heading, " end? The stage it ended in is kept for your analytics."
            ),
            rx.radio_group.root(
                rx.vstack(
                    *[
                        rx.el.label(rx.hstack(rx.radio_group.item(value=reason.value), rx.text(reason.label)))
                        for reason in RejectionReason
                    ],
                    spacing="2",
                ),
                value=RejectDialogState.reason,
                on_change=RejectDialogState.set_reason,
                aria_label="Reason",
                padding_y="3",
            ),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Cancel", variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(rx.button("Reject", color_scheme="red", on_click=RejectDialogState.confirm)),
                justify="end",
                spacing="3",
            ),
        ),
        open=RejectDialogState.open,
        on_open_change=RejectDialogState.set_open,
    )


def _delete_dialog() -> rx.Component:
    return rx.alert_dialog.root(
        rx.alert_dialog.content(
            rx.alert_dialog.title("Delete this job?"),
            rx.alert_dialog.description(
                DeleteDialogState.heading, " and its stage history will be deleted. This cannot be undone."
            ),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Cancel", variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(rx.button("Delete", color_scheme="red", on_click=DeleteDialogState.confirm)),
                justify="end",
                spacing="3",
                padding_top="3",
            ),
        ),
        open=DeleteDialogState.open,
        on_open_change=DeleteDialogState.set_open,
    )


def board_page() -> rx.Component:
    return page_layout(
        _toolbar(),
        rx.cond(
            BoardState.loaded,
            kanban_board(
                *[_column(stage) for stage in BOARD_ORDER],
                on_move=BoardState.handle_move,
                class_name="kanban-board",
            ),
            rx.center(rx.spinner(size="3"), padding="6"),
        ),
        job_dialog(),
        _reject_dialog(),
        _delete_dialog(),
    )
