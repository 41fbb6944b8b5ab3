"""What one tab's board shows, mirrored on the server: plain Python, no Reflex.

`BoardState` keeps one `BoardMirror` per session and sends what it returns: the column id lists
(`columns_message`), the cards (`cards_message`) and the *ops* ("card X is now at column[index]",
with its fresh data when that changed), each numbered so the browser applies them in order.

It is kept small on purpose (docs/ARCHITECTURE.md, "The board's state"): a session's state
outlives its tab by an hour, so the mirror holds the column id lists and versions, the research
badge of each card that has one, and the cards this tab changed since it loaded — never the card
data of the whole board. Any other card is read again when a handler needs it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, replace
from typing import Any

from peregrine.domain.stages import Stage
from peregrine.services.board import BoardSnapshot, CardView, ResearchState, card_row
from peregrine.services.jobs import Placement

#: One message to the browser: an op, the column lists or a batch of cards.
Message = dict[str, Any]
#: Reads a card the mirror does not keep (None: gone, or not this candidate's).
CardReader = Callable[[int], CardView | None]
#: Where a card is: its column and its index there.
Where = tuple[Stage, int]


class BoardMirror:
    """The columns, versions, research badges and changed cards one tab's browser shows."""

    def __init__(self) -> None:
        self.columns: dict[str, list[int]] = {}
        self.versions: dict[int, int] = {}
        #: (state, error) of each card with a research badge, to send only what changed.
        self.research: dict[int, tuple[str, str]] = {}
        #: The cards this tab changed since it loaded: newer than the browser's first batch.
        self.patched: dict[int, CardView] = {}
        #: Numbers the column lists and the ops (one sequence: an op applies to the lists before it).
        self.seq = 0
        #: Numbers the card batches.
        self.card_seq = 0

    # ---- a whole board: on a load, a reload, a filter change ---------------------------------

    def show(self, snapshot: BoardSnapshot) -> None:
        """Take a fresh read of the whole board: what the tab changed before is in it."""
        self.research = {i: (c.research, c.research_error) for i, c in snapshot.cards.items() if c.research}
        self.patched = {}
        self.versions = dict(snapshot.versions)

    def columns_message(self, snapshot: BoardSnapshot, *, filtered: bool) -> Message:
        """The column id lists of `snapshot`, which the browser draws from the cards it has."""
        self.columns = {stage.value: list(ids) for stage, ids in snapshot.columns.items()}
        self.seq += 1
        return {
            "seq": self.seq,
            "columns": {stage: list(ids) for stage, ids in self.columns.items()},
            "filtered": filtered,
        }

    def cards_message(self, rows: list[list[Any]], *, reset: bool) -> Message:
        """A batch of card rows; `reset` makes the browser forget the cards it had."""
        self.card_seq += 1
        return {"seq": self.card_seq, "reset": reset, "rows": rows}

    def cards_of(self, snapshot: BoardSnapshot, ids: list[int], *, reset: bool) -> Message:
        return self.cards_message([card_row(snapshot.cards[i]) for i in ids], reset=reset)

    @staticmethod
    def hidden_counts(snapshot: BoardSnapshot) -> dict[str, int]:
        """Per stage, the jobs the filters hide."""
        return {stage.value: count for stage, count in snapshot.hidden.items()}

    # ---- where the cards are -----------------------------------------------------------------

    def where(self, card_id: int) -> Where | None:
        for stage, ids in self.columns.items():
            if card_id in ids:
                return Stage(stage), ids.index(card_id)
        return None

    def index_of(self, card_id: int, stage: Stage) -> int:
        ids = self.columns.get(stage.value, [])
        return ids.index(card_id) if card_id in ids else 0

    def version_of(self, card_id: int) -> int | None:
        return self.versions.get(card_id)

    def known_versions(self, card_ids: frozenset[int]) -> dict[int, int]:
        """The versions this tab shows of `card_ids`, for the ones it shows."""
        return {i: self.versions[i] for i in card_ids if i in self.versions}

    def card(self, card_id: int, read: CardReader) -> CardView | None:
        """The card as this tab shows it: its own change if it made one, else read again."""
        return self.patched.get(card_id) or read(card_id)

    def place(self, card_id: int, target: Stage, index: int) -> Placement:
        """Put `card_id` at `index` of `target` (as a drop did); return its neighbours for the service."""
        self._take_out(card_id)
        ids = self.columns.setdefault(target.value, [])
        index = max(0, min(index, len(ids)))
        ids.insert(index, card_id)
        return Placement(
            after_id=ids[index - 1] if index > 0 else None,
            before_id=ids[index + 1] if index + 1 < len(ids) else None,
        )

    def _take_out(self, card_id: int) -> None:
        for stage, ids in self.columns.items():
            if card_id in ids:
                self.columns[stage] = [i for i in ids if i != card_id]

    # ---- ops: what the browser is told -------------------------------------------------------

    def op(self, card_id: int, stage: Stage | None, index: int, card: CardView | None = None) -> Message:
        """Card `card_id` is now at `stage`[`index`] (None: off the board), with `card` if it changed."""
        if stage is None:
            self._take_out(card_id)
        else:
            self.place(card_id, stage, index)
        self.seq += 1
        op: Message = {"seq": self.seq, "cardId": card_id, "column": stage.value if stage else None, "index": index}
        if card is not None:
            op["card"] = asdict(card)
            if card.research:
                self.research[card_id] = (card.research, card.research_error)
            else:
                self.research.pop(card_id, None)
        return op

    def changed(self, view: CardView, version: int, stage: Stage | None, index: int) -> Message:
        """This tab changed a card (a move): keep its data and version, show it at `stage`[`index`]."""
        self._keep(view, version)
        return self.op(view.id, stage, index, view)

    def reordered(self, card_id: int, version: int, stage: Stage) -> Message:
        """A drop within a column was saved: the card stays where it was dropped."""
        self.versions[card_id] = version
        return self.op(card_id, stage, self.index_of(card_id, stage))

    def saved(self, view: CardView, version: int, *, added_to: Stage | None) -> list[Message]:
        """The job dialog saved a card: a new one goes on top of its column `added_to` (Applied, or
        Saved), an edited one (`added_to` None) stays put."""
        where = (added_to, 0) if added_to is not None else self.where(view.id)
        self._keep(view, version)
        return [self.op(view.id, *where, view)] if where is not None else []

    def _keep(self, view: CardView, version: int) -> None:
        self.versions[view.id] = version
        self.patched[view.id] = view

    def removed(self, card_id: int) -> list[Message]:
        """A card was deleted: off the board."""
        self.versions.pop(card_id, None)
        return [self.op(card_id, None, 0)]

    def research_started(self, card_id: int, shown: str, read: CardReader) -> list[Message]:
        """Research was queued again: the badge says so at once, its error gone."""
        card, where = self.card(card_id, read), self.where(card_id)
        if card is None or where is None:
            return []
        fresh = replace(card, research=shown, research_error="")
        self.patched[card_id] = fresh
        return [self.op(card_id, *where, fresh)]

    def research_progress(self, states: dict[int, ResearchState], read: CardReader) -> list[Message]:
        """The research badges that changed since they were last sent."""
        ops = []
        for card_id, latest in states.items():
            where = self.where(card_id)
            if where is None or self.research.get(card_id, ("", "")) == (latest.state, latest.error):
                continue
            card = self.card(card_id, read)
            if card is None:
                continue
            fresh = replace(card, research=latest.state, research_error=latest.error)
            self.patched[card_id] = fresh
            ops.append(self.op(card_id, *where, fresh))
        return ops

    def changes_from_elsewhere(self, changed: frozenset[int], snapshot: BoardSnapshot) -> list[Message]:
        """Put each changed card where the database has it, with its fresh data. A card this tab
        moved itself already looks like that (or is newer than the read), so it costs nothing."""
        ops = []
        for stage, ids in snapshot.columns.items():
            for index, card_id in enumerate(ids):
                if card_id not in changed or snapshot.versions[card_id] < self.versions.get(card_id, 0):
                    continue
                card = snapshot.cards[card_id]
                # A card this tab did not change may differ from the browser's in anything: send it.
                if self.where(card_id) != (stage, index) or self.patched.get(card_id) != card:
                    self.versions[card_id] = snapshot.versions[card_id]
                    self.patched[card_id] = card
                    ops.append(self.op(card_id, stage, index, card))
        shown = {card_id for ids in snapshot.columns.values() for card_id in ids}
        for card_id in changed - shown:
            if self.where(card_id) is not None:  # deleted, or no longer matching the filters
                self.versions.pop(card_id, None)
                ops.append(self.op(card_id, None, 0))
        return ops
