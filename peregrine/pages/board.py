"""The Interviews board: its page and its state.

The state is thin: each handler calls a service and sends what `BoardMirror` (pages/board_mirror.py,
plain Python) says the browser must change — the column id lists once per load or filter change,
the card data once per load, and for each change a small *op* ("card X is now at column[index]",
with the card's fresh data), so a move costs a few hundred bytes at any board size
(docs/ARCHITECTURE.md, "The board's state"). The reject dialog lives in pages/board_reject.py.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
from collections.abc import Callable, Iterator
from typing import Any

import reflex as rx

from peregrine import db, routes
from peregrine.components.kanban import COLUMNS, kanban_board
from peregrine.components.layout import page_layout
from peregrine.domain.stages import MoveNotAllowed, MoveSource, RejectionReason, Stage, next_stage
from peregrine.llm.settings import llm_configured
from peregrine.pages import board_reads
from peregrine.pages.board_mirror import BoardMirror, CardReader, Message, Where
from peregrine.pages.board_reject import RejectDialogState, reject_dialog
from peregrine.pages.board_toolbar import ALL_CHOICES, board_toolbar
from peregrine.pages.job_form import JobFormState, job_dialog
from peregrine.pages.state import AppState
from peregrine.pages.task_watch import job_changes, one_follower
from peregrine.services import board as board_service
from peregrine.services import job_events, research, task_runner, tasks
from peregrine.services import jobs as job_service
from peregrine.services.board import CardView
from peregrine.services.errors import ServiceError, StaleVersion
from peregrine.services.task_events import wait_for_change

MoveAction = Callable[[Any], job_service.MoveResult]
#: Research progress arrives at once from this process; other processes' changes within this time.
RESEARCH_POLL_SECONDS = 2.0
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
    filters: board_service.BoardFilters = board_service.BoardFilters()
    sources: list[str] = []
    tags: list[str] = []

    _candidate_id: int = 0
    # What this tab's browser shows, kept small: every session holds its state for an hour after
    # its tab closes, so the mirror keeps no card data but the cards this tab changed (at 10,000
    # jobs the whole board was ~5 MB a session). A plain object, not a var Reflex tracks: every
    # change to it goes out with `ops`, `snapshot` or `card_batch`, which mark the state changed.
    _mirror: BoardMirror = BoardMirror()
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
        self.card_batch = self._mirror.cards_of(snapshot, top, reset=True)
        yield
        rest = set(snapshot.cards).difference(top)
        if rest:
            self.card_batch = self._mirror.cards_of(snapshot, list(rest), reset=False)
            yield
        self._forget_sent_cards()  # the browser keeps the cards; the state need not
        if any(card.research in tasks.ACTIVE for card in snapshot.cards.values()):
            yield BoardState.watch_research
        yield BoardState.follow_changes

    @rx.event
    def reload(self) -> Any:
        """Everything again (the job dialog's save met a change made elsewhere)."""
        return self._reload()

    def _reload(self) -> Any:
        """Everything again, in one go. Returns the event that empties the sent batch once the
        browser has it, as `load` does."""
        snapshot = self._snapshot()
        self._show(snapshot)
        self.card_batch = self._mirror.cards_of(snapshot, list(snapshot.cards), reset=True)
        return BoardState.forget_sent_cards

    @rx.event
    def forget_sent_cards(self) -> None:
        """The browser keeps the cards it was sent; the state need not."""
        if self.card_batch["rows"]:
            self._forget_sent_cards()

    def _forget_sent_cards(self) -> None:
        self.card_batch = self._mirror.cards_message([], reset=False)

    def _snapshot(self) -> board_service.BoardSnapshot:
        with db.session_scope() as session:
            self._candidate_id = self.candidate_id(session)
            return self._read(session)

    def _show(self, snapshot: board_service.BoardSnapshot) -> None:
        self._mirror.show(snapshot)
        self._show_choices(snapshot)
        self._send_columns(snapshot)
        self.loaded = True

    @rx.var
    def filtered(self) -> bool:
        return self.filters != board_service.BoardFilters()

    @rx.event
    def set_filter_text(self, text: str) -> None:
        self._refilter(text=text)

    @rx.event
    def choose_filter(self, field: str, choice: str) -> None:
        """A select of the toolbar: `field` of `BoardFilters`, `choice` a value or `ALL_CHOICES`."""
        self._refilter(**{field: "" if choice == ALL_CHOICES else choice})

    @rx.event
    def clear_filters(self) -> None:
        self.filters = board_service.BoardFilters()
        self._refilter()

    def _refilter(self, **change: str) -> None:
        self.filters = dataclasses.replace(self.filters, **change)
        with db.session_scope() as session:
            self._send_columns(self._read(session))

    def _read(self, session: Any) -> board_service.BoardSnapshot:
        return board_service.load_board(session, self._candidate_id, filters=self.filters)

    def _send_columns(self, snapshot: board_service.BoardSnapshot) -> None:
        # Filtered by text or source: the columns' counts say "shown of all".
        filtered = bool(self.filters.text.strip() or self.filters.source)
        self.snapshot = self._mirror.columns_message(snapshot, filtered=filtered)
        self._show_hidden(snapshot)
        self.ops = []

    def _show_hidden(self, snapshot: board_service.BoardSnapshot) -> None:
        hidden = BoardMirror.hidden_counts(snapshot)
        if hidden != self.hidden:
            self.hidden = hidden

    def _send(self, ops: list[Message]) -> None:
        if ops:
            self.ops = ops

    # ---- what the cards ask for -----------------------------------------------------------

    @rx.event
    def handle_move(self, move: dict[str, Any]) -> Any:
        """A drop: the browser already shows it; confirm it or put the card back."""
        card_id, target, index = int(move["cardId"]), Stage(move["toColumn"]), int(move.get("index", 0))
        origin = self._mirror.where(card_id)
        if origin is None:
            return [rx.toast.warning("That card is no longer on the board; the board was reloaded."), self._reload()]
        if target is Stage.REJECTED and origin[0] is not Stage.REJECTED:
            self._send([self._mirror.op(card_id, *origin)])  # back in place until a reason is given
            return self._ask_reason(card_id, MoveSource.DRAG)  # the history says it was dragged
        placement = self._mirror.place(card_id, target, index)
        if origin[0] is target:
            return self._reorder(card_id, placement, origin)
        return self._move_to(card_id, target, source=MoveSource.DRAG, placement=placement, origin=origin)

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
            return self._ask_reason(card_id, MoveSource.BUTTON)
        if action == "advance":
            return self._advance(card_id)
        if action == "survey":
            return self._move_to(card_id, Stage.SURVEY)
        if action == "retry_research":
            return self._retry_research(card_id)
        if action == "restore":
            return self._move(
                card_id,
                lambda session: job_service.restore_job(
                    session, card_id, source=MoveSource.BUTTON, expected_version=self._mirror.version_of(card_id)
                ),
            )
        return rx.toast.error(f"Unknown card action {action!r}.")

    def _ask_reason(self, card_id: int, source: MoveSource) -> Any:
        return RejectDialogState.ask(card_id, _card_heading(self._card(card_id)), source.value)

    def _retry_research(self, card_id: int) -> Any:
        with db.session_scope() as session:
            research.queue_research_again(session, card_id)
        task_runner.wake()
        shown = research.shown_status("queued", llm_ready=llm_configured())
        self._send(self._mirror.research_started(card_id, shown, self._reader()))
        return BoardState.watch_research

    def _advance(self, card_id: int) -> Any:
        origin = self._mirror.where(card_id)
        target = next_stage(origin[0]) if origin else None
        if target is None:
            return rx.toast.info("This job is at the end of the pipeline.")
        return self._move_to(card_id, target)

    def _move_to(
        self,
        card_id: int,
        target: Stage,
        *,
        source: MoveSource = MoveSource.BUTTON,
        reason: RejectionReason | None = None,
        placement: job_service.Placement | None = None,
        origin: Where | None = None,
    ) -> Any:
        """Move the card to `target` through the move service (a drop gives its `placement` and
        the `origin` to put it back at; a button puts it on top)."""
        return self._move(
            card_id,
            lambda session: job_service.move_job(
                session,
                card_id,
                target,
                source=source,
                reason=reason,
                expected_version=self._mirror.version_of(card_id),
                placement=placement,
                candidate_id=self._candidate_id,
            ),
            origin=origin,
        )

    @rx.event
    def reject(self, card_id: int, reason: str, source: str = MoveSource.BUTTON.value) -> Any:
        """The reject dialog's answer; `source` says what opened it (a drop on Rejected, or the button)."""
        moved_by = MoveSource.DRAG if source == MoveSource.DRAG.value else MoveSource.BUTTON
        return self._move_to(card_id, Stage.REJECTED, source=moved_by, reason=RejectionReason(reason))

    @rx.event
    def undo(self, card_id: int) -> Any:
        return self._move(
            card_id,
            lambda session: job_service.undo_last_move(
                session, card_id, expected_version=self._mirror.version_of(card_id)
            ),
            offer_undo=False,
        )

    def _move(self, card_id: int, action: MoveAction, *, origin: Where | None = None, offer_undo: bool = True) -> Any:
        """Call the move service; show the card where it went, or put it back with the reason."""
        try:
            with db.session_scope() as session:
                result = action(session)
                view = board_service.card_view(session, result.job)
        except (MoveNotAllowed, ServiceError) as exc:
            return self._refused(exc, card_id, origin)
        job = result.job
        target = Stage(job.stage)
        # A drop keeps the place it was dropped at; a button puts the card on top.
        index = 0 if origin is None else self._mirror.index_of(card_id, target)
        shown = board_service.matches_filter(job, filters=self.filters)
        self._send([self._mirror.changed(view, job.version, target if shown else None, index)])
        if not offer_undo:
            return rx.toast.info(f"Undone: {job.company} is back in {target.label}.")
        message = f"{job.company} moved to {target.label}."
        if result.queued_task_id is None:
            return _undo_toast(message, card_id)
        if not llm_configured():
            return self._research_waits(message, card_id)
        task_runner.wake()
        return [_undo_toast(f"{message} Company research has started.", card_id), BoardState.watch_research]

    def _research_waits(self, message: str, card_id: int) -> Any:
        """Research was queued but no language model is configured: it waits (the card says "Research
        not set up"), and the tab says why once, with the way to Settings, rather than on every move."""
        moved = _undo_toast(message, card_id)
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

    def _reorder(self, card_id: int, placement: job_service.Placement, origin: Where) -> Any:
        try:
            with db.session_scope() as session:
                version = self._mirror.version_of(card_id)
                job = job_service.reorder_job(session, card_id, placement, expected_version=version)
        except ServiceError as exc:
            return self._refused(exc, card_id, origin)
        self._send([self._mirror.reordered(card_id, job.version, origin[0])])
        return None

    def _refused(self, exc: MoveNotAllowed | ServiceError, card_id: int, origin: Where | None) -> Any:
        """Another writer came first: everything again. Any other refusal puts a dropped card back
        where it was, with why."""
        if isinstance(exc, StaleVersion):
            return [rx.toast.warning(str(exc)), self._reload()]
        if origin is not None:
            self._send([self._mirror.op(card_id, *origin)])
        return rx.toast.error(str(exc), duration=8000)

    # ---- what the job dialog did -------------------------------------------------------------

    @rx.event
    def card_saved(self, job_id: int, added: bool) -> None:
        """The job dialog saved this job: its card shows at once (a new one on top of Applied)."""
        # A new source or tag is offered at once.
        self.sources, self.tags = board_reads.read_filter_choices(self._candidate_id)
        saved = board_reads.read_card_and_version(job_id, self._candidate_id)
        if saved is not None:  # None: deleted meanwhile, and the board follows that change
            self._send(self._mirror.saved(*saved, added=added))

    @rx.event
    def card_deleted(self, job_id: int) -> None:
        """The job dialog deleted this job: its card goes."""
        self._send(self._mirror.removed(job_id))

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
                    self._forget_sent_cards()
                continue
            async with self:
                view = (self._candidate_id, self.filters)
                known = self._mirror.known_versions(changes.ids)
            # The reads run in a worker thread: the tab's own events go on meanwhile. This tab's
            # own moves come back here too; their versions match, so they cost one small query.
            unchanged = not changes.unversioned and (
                await asyncio.to_thread(board_reads.read_versions, changes.ids) == known
            )
            if unchanged:
                async with self:
                    self._change_seq = seq
                continue
            snapshot = await asyncio.to_thread(board_reads.read_board, *view)
            async with self:
                self._change_seq = seq
                if view == (self._candidate_id, self.filters):
                    self._show_changes(changes.ids, snapshot)

    def _show_changes(self, changed: frozenset[int], snapshot: board_service.BoardSnapshot) -> None:
        ops = self._mirror.changes_from_elsewhere(changed, snapshot)
        self._show_choices(snapshot)
        self._show_hidden(snapshot)  # another writer moved a job the filters hide
        self._send(ops)

    def _show_choices(self, snapshot: board_service.BoardSnapshot) -> None:
        """The sources and tags the filters offer, sent only when they changed."""
        if snapshot.sources != self.sources:
            self.sources = snapshot.sources
        if snapshot.tags != self.tags:
            self.tags = snapshot.tags

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
                    self._send(self._mirror.research_progress(states, self._reader()))
                if not any(latest.state in tasks.ACTIVE for latest in states.values()):
                    return

    def _reader(self) -> CardReader:
        """Reads a card this tab did not change, as the candidate may see it."""
        return functools.partial(board_reads.read_card, candidate_id=self._candidate_id)

    def _card(self, card_id: int) -> CardView | None:
        return self._mirror.card(card_id, self._reader())


def _undo_toast(message: str, card_id: int) -> Any:
    return rx.toast.success(
        message, action={"label": "Undo", "on_click": BoardState.undo(card_id)}, duration=UNDO_TOAST_MS
    )


def _card_heading(card: CardView | None) -> str:
    return f"{card.company} — {card.title}" if card else "this job"


def board_page() -> rx.Component:
    return page_layout(
        board_toolbar(BoardState, on_add=JobFormState.open_new),
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
        reject_dialog(),
    )
