"""The Interviews board: its page and its state.

The state is thin: each handler calls a service and tells the browser what changed
as an *op* ("card X is now at column[index]", with the card's fresh data). Card data
is sent once per page load and the column id lists once per load or filter change,
so a move costs a few hundred bytes at any board size (DESIGN.md, "The board's state").
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from dataclasses import asdict, replace
from typing import Any

import reflex as rx

from peregrine import db, routes
from peregrine.components.kanban import COLUMNS, kanban_board
from peregrine.components.layout import page_layout
from peregrine.domain import limits
from peregrine.domain.job_details import WorkMode
from peregrine.domain.stages import (
    BOARD_ORDER,
    MoveNotAllowed,
    MoveSource,
    RejectionReason,
    Stage,
    next_stage,
    reasons_for,
)
from peregrine.llm.settings import llm_configured
from peregrine.pages.job_form import JobFormState, job_dialog
from peregrine.pages.state import AppState
from peregrine.pages.task_watch import job_changes, one_follower
from peregrine.services import board as board_service
from peregrine.services import job_events, research, task_runner
from peregrine.services import jobs as job_service
from peregrine.services.board import CardView
from peregrine.services.errors import ServiceError, StaleVersion
from peregrine.services.task_events import wait_for_change

MoveAction = Callable[[Any], job_service.MoveResult]
#: Research progress arrives at once from this process; other processes' changes within this time.
RESEARCH_POLL_SECONDS = 2.0
ACTIVE_RESEARCH = frozenset({"queued", "running"})
#: How long a move's toast (and its Undo) stays; sonner also keeps it while hovered. The job
#: page's Move back takes the last move back after that.
UNDO_TOAST_MS = 12_000


#: Cards per column sent first on a page load: more than a tall screen shows (a long column draws
#: about 14 at first, see kanban_board.jsx); the rest follow a moment later. Half the bytes of 60
#: before the first card shows.
FIRST_CARDS_PER_COLUMN = 24


class BoardState(AppState):
    card_batch: dict[str, Any] = {"seq": 0, "reset": True, "rows": []}
    snapshot: dict[str, Any] = {"seq": 0, "columns": {}, "filtered": False}
    #: Per stage, the jobs the filters hide; sent when it changes, never with a move of a shown card.
    hidden: dict[str, int] = {}
    ops: list[dict[str, Any]] = []
    loaded: bool = False
    filter_text: str = ""
    filter_source: str = ""
    filter_work_mode: str = ""
    filter_tag: str = ""
    sources: list[str] = []
    tags: list[str] = []

    _candidate_id: int = 0
    # What this tab's browser shows, kept small: every session holds its state for an hour after
    # its tab closes, so the card data itself is not kept (at 10,000 jobs it was ~5 MB a session).
    # Column id lists and versions, the research badge of cards that have one, and the cards this
    # tab changed since it loaded; any other card is read again when a handler needs it.
    _columns: dict[str, list[int]] = {}
    _versions: dict[int, int] = {}
    _research: dict[int, tuple[str, str]] = {}
    _patched: dict[int, CardView] = {}
    _seq: int = 0
    _card_seq: int = 0
    _watching_research: bool = False
    _told_research_needs_llm: bool = False
    _following_changes: bool = False
    _change_seq: int = 0

    # ---- loading and filtering ---------------------------------------------------------

    @rx.event
    def load(self) -> Iterator[Any]:
        """The page load: the cards in view first (a long column draws only its top), the rest right after."""
        self._change_seq = job_events.latest()  # before the read: a change made during it is shown again, not lost
        snapshot = self._snapshot()
        self._show(snapshot)
        top = [i for ids in snapshot.columns.values() for i in ids[:FIRST_CARDS_PER_COLUMN]]
        self._send_cards(snapshot, top, reset=True)
        yield
        rest = set(snapshot.cards).difference(top)
        if rest:
            self._send_cards(snapshot, list(rest), reset=False)
            yield
        # The browser keeps the cards; an empty batch keeps this state small for the next reload.
        self._send_cards(snapshot, [], reset=False)
        if any(card.research in ACTIVE_RESEARCH for card in snapshot.cards.values()):
            yield BoardState.watch_research
        yield BoardState.follow_changes

    def _reload(self) -> Any:
        """Everything again, in one go (after a change made elsewhere). Returns the event that
        empties the sent batch once the browser has it, as `load` does."""
        snapshot = self._snapshot()
        self._show(snapshot)
        self._send_cards(snapshot, list(snapshot.cards), reset=True)
        return BoardState.forget_sent_cards

    @rx.event
    def forget_sent_cards(self) -> None:
        """The browser keeps the cards it was sent; the state need not."""
        if self.card_batch["rows"]:
            self._send_cards_rows([], reset=False)

    def _snapshot(self) -> board_service.BoardSnapshot:
        with db.session_scope() as session:
            self._candidate_id = self.candidate_id(session)
            return self._read(session)

    def _show(self, snapshot: board_service.BoardSnapshot) -> None:
        self._research = {i: (c.research, c.research_error) for i, c in snapshot.cards.items() if c.research}
        self._patched = {}
        self._versions = snapshot.versions
        self.sources = snapshot.sources
        self.tags = snapshot.tags
        self._send_columns(snapshot)
        self.loaded = True

    def _send_cards(self, snapshot: board_service.BoardSnapshot, ids: list[int], *, reset: bool) -> None:
        self._send_cards_rows([board_service.card_row(snapshot.cards[i]) for i in ids], reset=reset)

    def _send_cards_rows(self, rows: list[list[Any]], *, reset: bool) -> None:
        self._card_seq += 1
        self.card_batch = {"seq": self._card_seq, "reset": reset, "rows": rows}

    @rx.event
    def set_filter_text(self, text: str) -> None:
        self.filter_text = text
        self._refilter()

    @rx.event
    def set_filter_source(self, source: str) -> None:
        self.filter_source = "" if source == "all" else source
        self._refilter()

    @rx.event
    def set_filter_work_mode(self, mode: str) -> None:
        self.filter_work_mode = "" if mode == "all" else mode
        self._refilter()

    @rx.event
    def set_filter_tag(self, tag: str) -> None:
        self.filter_tag = "" if tag == "all" else tag
        self._refilter()

    @rx.event
    def clear_filters(self) -> None:
        self.filter_text = ""
        self.filter_source = ""
        self.filter_work_mode = ""
        self.filter_tag = ""
        self._refilter()

    def _filters(self) -> board_service.BoardFilters:
        return board_service.BoardFilters(self.filter_text, self.filter_source, self.filter_work_mode, self.filter_tag)

    def _refilter(self) -> None:
        with db.session_scope() as session:
            self._send_columns(self._read(session))

    def _read(self, session: Any) -> board_service.BoardSnapshot:
        return board_service.load_board(session, self._candidate_id, filters=self._filters())

    def _send_columns(self, snapshot: board_service.BoardSnapshot) -> None:
        self._columns = {stage.value: ids for stage, ids in snapshot.columns.items()}
        self._seq += 1
        self.snapshot = {
            "seq": self._seq,
            "columns": {stage: list(ids) for stage, ids in self._columns.items()},
            "filtered": self._is_filtered(),
        }
        self._show_hidden(snapshot)
        self.ops = []

    def _is_filtered(self) -> bool:
        return bool(self.filter_text.strip() or self.filter_source)

    def _show_hidden(self, snapshot: board_service.BoardSnapshot) -> None:
        hidden = {stage.value: count for stage, count in snapshot.hidden.items()}
        if hidden != self.hidden:
            self.hidden = hidden

    # ---- what the cards ask for -----------------------------------------------------------

    @rx.event
    def handle_move(self, move: dict[str, Any]) -> Any:
        """A drop: the browser already shows it; confirm it or put the card back."""
        card_id = int(move["cardId"])
        target = Stage(move["toColumn"])
        index = int(move.get("index", 0))
        origin = self._where(card_id)
        if origin is None:
            return [
                rx.toast.warning("That card is no longer on the board; the board was reloaded."),
                self._reload(),
            ]
        if target is Stage.REJECTED and origin[0] is not Stage.REJECTED:
            self._emit(card_id, *origin)  # back in place until a reason is given
            return RejectDialogState.ask(card_id, MoveSource.DRAG.value)  # the history says it was dragged
        placement = self._place(card_id, target, index)
        if origin[0] is target:
            return self._reorder(card_id, placement, origin)
        return self._move(
            card_id,
            lambda session: job_service.move_job(
                session,
                card_id,
                target,
                source=MoveSource.DRAG,
                expected_version=self._versions.get(card_id),
                placement=placement,
                candidate_id=self._candidate_id,
            ),
            origin=origin,
        )

    @rx.event
    def handle_card_action(self, request: dict[str, Any]) -> Any:
        card_id = int(request["cardId"])
        action = request.get("action")
        if action == "open":
            return rx.redirect(routes.job_url(card_id))
        if action == "open_survey":
            return rx.redirect(routes.survey_url(card_id))
        if action == "edit":
            return JobFormState.open_edit(card_id)
        if action == "reject":
            return RejectDialogState.ask(card_id, MoveSource.BUTTON.value)
        if action == "advance":
            return self._advance(card_id)
        if action == "survey":
            return self._button_move(card_id, Stage.SURVEY)
        if action == "retry_research":
            return self._retry_research(card_id)
        if action == "restore":
            return self._move(
                card_id,
                lambda session: job_service.restore_job(
                    session, card_id, source=MoveSource.BUTTON, expected_version=self._versions.get(card_id)
                ),
            )
        return rx.toast.error(f"Unknown card action {action!r}.")

    def _retry_research(self, card_id: int) -> Any:
        with db.session_scope() as session:
            research.queue_research_again(session, card_id)
        task_runner.wake()
        card = self._card(card_id)
        where = self._where(card_id)
        if card is not None and where is not None:
            shown = research.shown_status("queued", llm_ready=llm_configured())
            fresh = replace(card, research=shown, research_error="")
            self._patched[card_id] = fresh
            self._emit(card_id, where[0], where[1], fresh)
        return BoardState.watch_research

    def _advance(self, card_id: int) -> Any:
        origin = self._where(card_id)
        target = next_stage(origin[0]) if origin else None
        if target is None:
            return rx.toast.info("This job is at the end of the pipeline.")
        return self._button_move(card_id, target)

    def _button_move(
        self,
        card_id: int,
        target: Stage,
        reason: RejectionReason | None = None,
        source: MoveSource = MoveSource.BUTTON,
    ) -> Any:
        return self._move(
            card_id,
            lambda session: job_service.move_job(
                session,
                card_id,
                target,
                source=source,
                reason=reason,
                expected_version=self._versions.get(card_id),
            ),
        )

    @rx.event
    def reject(self, card_id: int, reason: str, source: str = MoveSource.BUTTON.value) -> Any:
        """The reject dialog's answer; `source` says what opened it (a drop on Rejected, or the button)."""
        moved_by = MoveSource.DRAG if source == MoveSource.DRAG.value else MoveSource.BUTTON
        return self._button_move(card_id, Stage.REJECTED, RejectionReason(reason), moved_by)

    @rx.event
    def undo(self, card_id: int) -> Any:
        return self._move(
            card_id,
            lambda session: job_service.undo_last_move(session, card_id, expected_version=self._versions.get(card_id)),
            offer_undo=False,
        )

    def _move(
        self,
        card_id: int,
        action: MoveAction,
        *,
        origin: tuple[Stage, int] | None = None,
        offer_undo: bool = True,
    ) -> Any:
        """Call the move service; show the card where it went, or put it back with the reason."""
        try:
            with db.session_scope() as session:
                result = action(session)
                view = board_service.card_view(session, result.job)
        except StaleVersion as exc:
            return [rx.toast.warning(str(exc)), self._reload()]
        except (MoveNotAllowed, ServiceError) as exc:
            if origin is not None:
                self._emit(card_id, *origin)
            return rx.toast.error(str(exc), duration=8000)
        job = result.job
        self._versions[card_id] = job.version
        self._patched[card_id] = view
        target = Stage(job.stage)
        # A drop keeps the place it was dropped at; a button puts the card on top.
        index = 0 if origin is None else self._index_of(card_id, target)
        shown = board_service.matches_filter(job, filters=self._filters())
        self._emit(card_id, target if shown else None, index, view)
        if not offer_undo:
            return rx.toast.info(f"Undone: {job.company} is back in {target.label}.")
        message = f"{job.company} moved to {target.label}."
        if result.queued_task_id is None:
            return rx.toast.success(
                message, action={"label": "Undo", "on_click": BoardState.undo(card_id)}, duration=UNDO_TOAST_MS
            )
        if not llm_configured():
            return self._research_waits(message, card_id)
        task_runner.wake()
        return [
            rx.toast.success(
                f"{message} Company research has started.",
                action={"label": "Undo", "on_click": BoardState.undo(card_id)},
                duration=UNDO_TOAST_MS,
            ),
            BoardState.watch_research,
        ]

    def _research_waits(self, message: str, card_id: int) -> Any:
        """Research was queued but no language model is configured: it waits (the card says "Research
        not set up"), and the tab says why once, with the way to Settings, rather than on every move."""
        moved = rx.toast.success(
            message, action={"label": "Undo", "on_click": BoardState.undo(card_id)}, duration=UNDO_TOAST_MS
        )
        if self._told_research_needs_llm:
            return moved
        self._told_research_needs_llm = True
        return [
            moved,
            rx.toast.info(
                "Company research needs a language model, and none is set up. It is queued and starts "
                "by itself once you add one in Settings.",
                action={"label": "Open Settings", "on_click": rx.redirect(routes.SETTINGS)},
                duration=15000,
            ),
        ]

    def _reorder(self, card_id: int, placement: job_service.Placement, origin: tuple[Stage, int]) -> Any:
        try:
            with db.session_scope() as session:
                job = job_service.reorder_job(session, card_id, placement, expected_version=self._versions.get(card_id))
        except StaleVersion as exc:
            return [rx.toast.warning(str(exc)), self._reload()]
        except ServiceError as exc:
            self._emit(card_id, *origin)
            return rx.toast.error(str(exc))
        self._versions[card_id] = job.version
        self._emit(card_id, origin[0], self._index_of(card_id, origin[0]))
        return None

    # ---- the board's columns, as the browser sees them ----------------------------------

    def _where(self, card_id: int) -> tuple[Stage, int] | None:
        for stage, ids in self._columns.items():
            if card_id in ids:
                return Stage(stage), ids.index(card_id)
        return None

    def _index_of(self, card_id: int, stage: Stage) -> int:
        ids = self._columns.get(stage.value, [])
        return ids.index(card_id) if card_id in ids else 0

    def _place(self, card_id: int, target: Stage, index: int) -> job_service.Placement:
        """Put `card_id` at `index` of `target`; return its new neighbours for the service."""
        for stage, ids in self._columns.items():
            if card_id in ids:
                self._columns[stage] = [i for i in ids if i != card_id]
        ids = self._columns.setdefault(target.value, [])
        index = max(0, min(index, len(ids)))
        ids.insert(index, card_id)
        return job_service.Placement(
            after_id=ids[index - 1] if index > 0 else None,
            before_id=ids[index + 1] if index + 1 < len(ids) else None,
        )

    def _emit(self, card_id: int, stage: Stage | None, index: int, card: CardView | None = None) -> None:
        """Tell the browser where a card now is (None: off the board) and, if changed, its data."""
        self.ops = [self._op(card_id, stage, index, card)]

    def _op(self, card_id: int, stage: Stage | None, index: int, card: CardView | None = None) -> dict[str, Any]:
        if stage is None:
            for column, ids in self._columns.items():
                self._columns[column] = [i for i in ids if i != card_id]
        else:
            self._place(card_id, stage, index)
        self._seq += 1
        op: dict[str, Any] = {
            "seq": self._seq,
            "cardId": card_id,
            "column": stage.value if stage else None,
            "index": index,
        }
        if card is not None:
            op["card"] = asdict(card)
            if card.research:
                self._research[card_id] = (card.research, card.research_error)
            else:
                self._research.pop(card_id, None)
        return op

    # ---- jobs changed elsewhere: an email, the API, another tab ------------------------------

    @rx.event(background=True)
    async def follow_changes(self) -> None:
        """While this tab is open, show what other writers do to its jobs, as they commit."""
        async for seq, changes in job_changes(self, "_following_changes"):
            if changes is None:  # fell behind the announcements: read everything again
                async with self:
                    self._change_seq = seq
                    self._reload()
                async with self:  # a second delta: the browser has the cards, the state lets them go
                    self._send_cards_rows([], reset=False)
                continue
            async with self:
                view = (self._candidate_id, self._filters())
                known = {job_id: self._versions.get(job_id) for job_id in changes.ids}
            # The reads run in a worker thread: the tab's own events go on meanwhile. This tab's
            # own moves come back here too; their versions match, so they cost one small query.
            unchanged = not changes.unversioned and (
                await asyncio.to_thread(_read_versions, changes.ids) == _existing(known)
            )
            if unchanged:
                async with self:
                    self._change_seq = seq
                continue
            snapshot = await asyncio.to_thread(_read_board, *view)
            async with self:
                self._change_seq = seq
                if view == (self._candidate_id, self._filters()):
                    self._show_changes(changes.ids, snapshot)

    def _show_changes(self, changed: frozenset[int], snapshot: board_service.BoardSnapshot) -> None:
        """Put each changed card where the database has it, with its fresh data. A card this tab
        moved itself already looks like that (or is newer than the read), so it costs nothing."""
        ops = []
        for stage, ids in snapshot.columns.items():
            for index, card_id in enumerate(ids):
                if card_id not in changed or snapshot.versions[card_id] < self._versions.get(card_id, 0):
                    continue
                card = snapshot.cards[card_id]
                # A card this tab did not change may differ from the browser's in anything: send it.
                if self._where(card_id) != (stage, index) or self._patched.get(card_id) != card:
                    self._versions[card_id] = snapshot.versions[card_id]
                    self._patched[card_id] = card
                    ops.append(self._op(card_id, stage, index, card))
        shown = {card_id for ids in snapshot.columns.values() for card_id in ids}
        for card_id in changed - shown:
            if self._where(card_id) is not None:  # deleted, or no longer matching the filters
                self._versions.pop(card_id, None)
                ops.append(self._op(card_id, None, 0))
        if snapshot.sources != self.sources:
            self.sources = snapshot.sources
        self._show_hidden(snapshot)  # another writer moved a job the filters hide
        if snapshot.tags != self.tags:
            self.tags = snapshot.tags
        if ops:
            self.ops = ops

    # ---- research progress, pushed while any research is queued or running -------------------

    @rx.event(background=True)
    async def watch_research(self) -> None:
        async with one_follower(self, "_watching_research") as mine:
            if not mine:
                return
            async with self:
                candidate_id = self._candidate_id
            while True:
                await wait_for_change(timeout_s=RESEARCH_POLL_SECONDS)
                with db.session_scope() as session:
                    states = board_service.research_states(session, candidate_id)
                async with self:
                    self._show_research(states)
                if not any(latest.state in ACTIVE_RESEARCH for latest in states.values()):
                    return

    def _show_research(self, states: dict[int, board_service.ResearchState]) -> None:
        ops = []
        for card_id, latest in states.items():
            where = self._where(card_id)
            if where is None or self._research.get(card_id, ("", "")) == (latest.state, latest.error):
                continue
            card = self._card(card_id)
            if card is None:
                continue
            fresh = replace(card, research=latest.state, research_error=latest.error)
            self._patched[card_id] = fresh
            ops.append(self._op(card_id, where[0], where[1], fresh))
        if ops:
            self.ops = ops

    # ---- used by the dialogs ----------------------------------------------------------------

    def _card(self, card_id: int) -> CardView | None:
        return self._patched.get(card_id) or _read_card(card_id, self._candidate_id)

    def _card_changed(self, view: CardView, version: int, *, added: bool) -> None:
        with db.session_scope() as session:  # a new source or tag is offered by the filters at once
            self.sources, self.tags = board_service.filter_choices(session, self._candidate_id)
        self._versions[view.id] = version
        self._patched[view.id] = view
        where = (Stage.APPLIED, 0) if added else self._where(view.id)
        if where is not None:
            self._emit(view.id, where[0], where[1], view)

    def _card_removed(self, card_id: int) -> None:
        self._versions.pop(card_id, None)
        self._emit(card_id, None, 0)

    def _version_of(self, card_id: int) -> int | None:
        return self._versions.get(card_id)


def _read_card(card_id: int, candidate_id: int) -> CardView | None:
    with db.session_scope() as session:
        try:
            job = job_service.get_job(session, card_id, candidate_id=candidate_id)
        except ServiceError:
            return None
        return board_service.card_view(session, job)


def _read_versions(job_ids: frozenset[int]) -> dict[int, int]:
    with db.session_scope() as session:
        return board_service.job_versions(session, job_ids)


def _existing(versions: dict[int, int | None]) -> dict[int, int]:
    return {job_id: version for job_id, version in versions.items() if version is not None}


def _read_board(candidate_id: int, filters: board_service.BoardFilters) -> board_service.BoardSnapshot:
    with db.session_scope() as session:
        return board_service.load_board(session, candidate_id, filters=filters)


def _card_heading(card: CardView | None) -> str:
    return f"{card.company} — {card.title}" if card else "this job"


class RejectDialogState(AppState):
    """The reason asked before a job moves to Rejected."""

    open: bool = False
    card_id: int = 0
    heading: str = ""
    reason: str = RejectionReason.REJECTED_BY_COMPANY.value
    #: The reasons that fit the job's stage (value, label): only a job at Offer can decline one.
    reasons: list[tuple[str, str]] = [(reason.value, reason.label) for reason in RejectionReason]
    _source: str = MoveSource.BUTTON.value

    @rx.event
    async def ask(self, card_id: int, source: str = MoveSource.BUTTON.value) -> None:
        board = await self.get_state(BoardState)
        self.card_id = card_id
        self._source = source
        self.heading = _card_heading(board._card(card_id))
        self.reasons = [(reason.value, reason.label) for reason in reasons_for(_stage_of(card_id))]
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
        return BoardState.reject(self.card_id, self.reason, self._source)


def _stage_of(card_id: int) -> Stage:
    with db.session_scope() as session:
        try:
            return Stage(job_service.get_job(session, card_id).stage)
        except ServiceError:
            return Stage.APPLIED  # gone meanwhile: the move will say so


# ---- the page ------------------------------------------------------------------


def _toolbar() -> rx.Component:
    return rx.hstack(
        rx.heading("Interviews", size="6", as_="h1"),
        rx.spacer(),
        rx.input(
            rx.input.slot(rx.icon("search", size=16, aria_hidden="true")),
            placeholder="Filter by company or title",
            value=BoardState.filter_text,
            on_change=BoardState.set_filter_text.debounce(250),
            max_length=limits.BOARD_FILTER,
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
        _work_mode_filter(),
        _tag_filter(),
        rx.cond(
            (BoardState.filter_text != "")
            | (BoardState.filter_source != "")
            | (BoardState.filter_work_mode != "")
            | (BoardState.filter_tag != ""),
            rx.button("Clear filters", variant="ghost", on_click=BoardState.clear_filters),
        ),
        rx.button(rx.icon("plus", size=16, aria_hidden="true"), "Add job", on_click=JobFormState.open_new),
        align="center",
        spacing="3",
        width="100%",
        wrap="wrap",
    )


def _work_mode_filter() -> rx.Component:
    return rx.select.root(
        rx.select.trigger(placeholder="Any work mode", aria_label="Filter by work mode"),
        rx.select.content(
            rx.select.item("Any work mode", value="all"),
            *[rx.select.item(mode.label, value=mode.value) for mode in WorkMode],
        ),
        value=rx.cond(BoardState.filter_work_mode == "", "all", BoardState.filter_work_mode),
        on_change=BoardState.set_filter_work_mode,
    )


def _tag_filter() -> rx.Component:
    return rx.select.root(
        rx.select.trigger(placeholder="All tags", aria_label="Filter by tag"),
        rx.select.content(
            rx.select.item("All tags", value="all"),
            rx.foreach(BoardState.tags, lambda tag: rx.select.item(tag, value=tag)),
        ),
        value=rx.cond(BoardState.filter_tag == "", "all", BoardState.filter_tag),
        on_change=BoardState.set_filter_tag,
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
                    rx.foreach(
                        RejectDialogState.reasons,
                        lambda reason: rx.el.label(rx.hstack(rx.radio_group.item(value=reason[0]), rx.text(reason[1]))),
                    ),
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


def board_page() -> rx.Component:
    return page_layout(
        _toolbar(),
        rx.cond(
            BoardState.loaded,
            kanban_board(
                columns_meta=COLUMNS,
                card_batch=BoardState.card_batch,
                snapshot=BoardState.snapshot,
                hidden=BoardState.hidden,
                ops=BoardState.ops,
                on_move=BoardState.handle_move,
                on_card_action=BoardState.handle_card_action,
                class_name="kanban-board",
            ),
            rx.center(rx.spinner(size="3"), padding="6"),
        ),
        job_dialog(),
        _reject_dialog(),
    )


__all__ = ["BOARD_ORDER", "BoardState", "RejectDialogState", "board_page"]
