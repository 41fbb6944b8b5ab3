"""`pages.board_mirror.BoardMirror`: what one tab's board shows, and the ops that tell the browser.

Plain objects, no database and no browser: a snapshot as `services.board.load_board` returns it.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from peregrine.domain.stages import BOARD_ORDER, Stage
from peregrine.pages.board_mirror import BoardMirror
from peregrine.services.board import BoardSnapshot, CardView, ResearchState, card_row
from peregrine.services.jobs import Placement


def _card(card_id: int, company: str = "", *, research: str = "", research_error: str = "") -> CardView:
    return CardView(
        id=card_id,
        company=company or f"Company {card_id}",
        title="Engineer",
        source="",
        in_stage="1d",
        research=research,
        research_error=research_error,
    )


def _snapshot(
    columns: dict[Stage, list[int]], *, cards: dict[int, CardView] | None = None, **extra: object
) -> BoardSnapshot:
    all_columns = {stage: list(columns.get(stage, [])) for stage in BOARD_ORDER}
    ids = [i for column in all_columns.values() for i in column]
    return BoardSnapshot(
        columns=all_columns,
        cards={i: (cards or {}).get(i) or _card(i) for i in ids},
        versions=dict.fromkeys(ids, 1),
        **extra,  # type: ignore[arg-type]
    )


def _mirror(snapshot: BoardSnapshot) -> BoardMirror:
    mirror = BoardMirror()
    mirror.show(snapshot)
    mirror.columns_message(snapshot, filtered=False)
    return mirror


@pytest.fixture
def mirror() -> BoardMirror:
    return _mirror(_snapshot({Stage.APPLIED: [1, 2, 3], Stage.PHONE_SCREEN: [4]}))


def test_a_load_sends_the_column_lists_and_the_cards_numbered(mirror: BoardMirror) -> None:
    snapshot = _snapshot({Stage.APPLIED: [1, 2]})
    columns = mirror.columns_message(snapshot, filtered=True)
    assert columns["columns"][Stage.APPLIED.value] == [1, 2]
    assert columns["filtered"] is True
    assert mirror.columns_message(snapshot, filtered=False)["seq"] == columns["seq"] + 1

    first = mirror.cards_of(snapshot, [1], reset=True)
    assert first["rows"] == [card_row(snapshot.cards[1])]
    assert first["reset"] is True
    emptied = mirror.cards_message([], reset=False)
    assert emptied == {"seq": first["seq"] + 1, "reset": False, "rows": []}


def test_placing_a_card_moves_it_and_names_its_new_neighbours(mirror: BoardMirror) -> None:
    placement = mirror.place(3, Stage.PHONE_SCREEN, 1)

    assert placement == Placement(after_id=4, before_id=None)
    assert mirror.where(3) == (Stage.PHONE_SCREEN, 1)
    assert mirror.columns[Stage.APPLIED.value] == [1, 2]
    assert mirror.place(1, Stage.APPLIED, 99) == Placement(after_id=2, before_id=None)  # past the end: last
    assert mirror.place(1, Stage.APPLIED, 0) == Placement(after_id=None, before_id=2)


def test_a_move_sends_one_op_with_the_fresh_card_and_keeps_its_version(mirror: BoardMirror) -> None:
    moved = _card(2, research="queued")

    op = mirror.changed(moved, 7, Stage.PHONE_SCREEN, 0)

    assert (op["cardId"], op["column"], op["index"]) == (2, Stage.PHONE_SCREEN.value, 0)
    assert op["card"]["research"] == "queued"
    assert mirror.version_of(2) == 7
    assert mirror.where(2) == (Stage.PHONE_SCREEN, 0)
    assert mirror.card(2, lambda _: None) == moved  # this tab's change is kept, not read again
    assert mirror.research[2] == ("queued", "")


def test_a_refused_move_puts_the_card_back_where_it_was(mirror: BoardMirror) -> None:
    origin = mirror.where(3)
    assert origin is not None
    mirror.place(3, Stage.PHONE_SCREEN, 0)  # the drop, as the browser showed it

    op = mirror.op(3, *origin)

    assert (op["column"], op["index"]) == (Stage.APPLIED.value, 2)
    assert "card" not in op
    assert mirror.columns[Stage.APPLIED.value] == [1, 2, 3]
    assert mirror.columns[Stage.PHONE_SCREEN.value] == [4]


def test_a_move_the_filters_hide_and_a_deletion_take_the_card_off(mirror: BoardMirror) -> None:
    hidden = mirror.changed(_card(1), 2, None, 0)
    assert hidden["column"] is None
    assert mirror.where(1) is None

    (removed,) = mirror.removed(4)
    assert (removed["cardId"], removed["column"]) == (4, None)
    assert mirror.version_of(4) is None
    assert mirror.where(4) is None


def test_every_op_has_the_next_sequence_number_after_the_column_lists(mirror: BoardMirror) -> None:
    columns = mirror.columns_message(_snapshot({Stage.APPLIED: [1, 2, 3]}), filtered=False)
    first = mirror.op(1, Stage.APPLIED, 2)
    second = mirror.reordered(2, 5, Stage.APPLIED)

    assert [columns["seq"], first["seq"], second["seq"]] == [columns["seq"], columns["seq"] + 1, columns["seq"] + 2]
    assert (second["column"], second["index"]) == (Stage.APPLIED.value, 0)
    assert mirror.version_of(2) == 5


def test_the_job_dialog_adds_on_top_of_applied_and_edits_in_place(mirror: BoardMirror) -> None:
    (added,) = mirror.saved(_card(9, "Initech"), 1, added_to=Stage.APPLIED)
    assert (added["column"], added["index"]) == (Stage.APPLIED.value, 0)
    assert mirror.columns[Stage.APPLIED.value] == [9, 1, 2, 3]

    (edited,) = mirror.saved(_card(4, "Renamed"), 2, added_to=None)
    assert (edited["column"], edited["index"]) == (Stage.PHONE_SCREEN.value, 0)
    assert edited["card"]["company"] == "Renamed"

    assert mirror.saved(_card(77), 3, added_to=None) == []  # edited but not shown (filtered out): nothing to send
    assert mirror.version_of(77) == 3

    (saved_for_later,) = mirror.saved(_card(10, "Hooli"), 1, added_to=Stage.SAVED)
    assert (saved_for_later["column"], saved_for_later["index"]) == (Stage.SAVED.value, 0)
    assert mirror.columns[Stage.SAVED.value] == [10]


def test_a_reload_forgets_what_this_tab_changed(mirror: BoardMirror) -> None:
    mirror.changed(_card(1, "Mine"), 5, Stage.APPLIED, 0)

    mirror.show(_snapshot({Stage.APPLIED: [1]}))

    assert mirror.patched == {}
    assert mirror.version_of(1) == 1
    read_again = mirror.card(1, lambda i: _card(i, "Read again"))
    assert read_again is not None
    assert read_again.company == "Read again"


def test_changes_from_another_writer_are_shown_and_this_tabs_own_cost_nothing(mirror: BoardMirror) -> None:
    mine = _card(2)
    mirror.changed(mine, 3, Stage.APPLIED, 1)
    theirs = _card(1, "Renamed elsewhere")
    snapshot = _snapshot({Stage.APPLIED: [2, 3], Stage.PHONE_SCREEN: [1, 4]}, cards={1: theirs, 2: mine})
    snapshot.versions.update({1: 4, 2: 3})

    ops = mirror.changes_from_elsewhere(frozenset({1, 2}), snapshot)

    # Card 2 moved up one by card 1 leaving: it is sent again at its new index.
    assert [(op["cardId"], op["column"], op["index"]) for op in ops] == [
        (2, Stage.APPLIED.value, 0),
        (1, Stage.PHONE_SCREEN.value, 0),
    ]
    assert ops[1]["card"]["company"] == "Renamed elsewhere"
    assert mirror.version_of(1) == 4
    assert mirror.changes_from_elsewhere(frozenset({1, 2}), snapshot) == []  # already shown: nothing again


def test_an_older_read_does_not_undo_a_newer_move_of_this_tab(mirror: BoardMirror) -> None:
    mirror.changed(_card(1), 5, Stage.PHONE_SCREEN, 0)
    stale = _snapshot({Stage.APPLIED: [1, 2, 3], Stage.PHONE_SCREEN: [4]})  # version 1 < 5

    assert mirror.changes_from_elsewhere(frozenset({1}), stale) == []
    assert mirror.where(1) == (Stage.PHONE_SCREEN, 0)


def test_a_card_gone_or_filtered_out_elsewhere_leaves_the_board(mirror: BoardMirror) -> None:
    snapshot = _snapshot({Stage.APPLIED: [1, 2, 3]})

    ops = mirror.changes_from_elsewhere(frozenset({4}), snapshot)

    assert [(op["cardId"], op["column"]) for op in ops] == [(4, None)]
    assert mirror.known_versions(frozenset({1, 4})) == {1: 1}


def test_filters_hide_cards_and_count_them_per_stage() -> None:
    filtered = _snapshot(
        {Stage.APPLIED: [1]}, hidden=dict.fromkeys(BOARD_ORDER, 0) | {Stage.APPLIED: 2, Stage.OFFER: 1}
    )
    mirror = _mirror(_snapshot({Stage.APPLIED: [1, 2, 3], Stage.OFFER: [5]}))

    message = mirror.columns_message(filtered, filtered=True)

    assert message["columns"][Stage.APPLIED.value] == [1]
    assert message["columns"][Stage.OFFER.value] == []
    assert message["filtered"] is True
    assert mirror.where(2) is None
    counts = BoardMirror.hidden_counts(filtered)
    assert (counts[Stage.APPLIED.value], counts[Stage.OFFER.value], counts[Stage.SURVEY.value]) == (2, 1, 0)


def test_research_badges_are_sent_only_when_they_change() -> None:
    snapshot = _snapshot({Stage.PHONE_SCREEN: [1, 2]}, cards={1: _card(1, research="queued")})
    mirror = _mirror(snapshot)
    read = snapshot.cards.get

    ops = mirror.research_progress({1: ResearchState("running"), 2: ResearchState("failed", "timed out")}, read)

    assert [(op["cardId"], op["card"]["research"], op["card"]["research_error"]) for op in ops] == [
        (1, "running", ""),
        (2, "failed", "timed out"),
    ]
    assert mirror.research_progress({1: ResearchState("running")}, read) == []  # unchanged: nothing sent
    assert mirror.research_progress({9: ResearchState("ready")}, read) == []  # not on this board


def test_a_retried_research_shows_queued_at_once_without_its_error() -> None:
    failed = _card(1, research="failed", research_error="timed out")
    mirror = _mirror(_snapshot({Stage.PHONE_SCREEN: [1]}, cards={1: failed}))

    (op,) = mirror.research_started(1, "queued", lambda _: failed)

    assert (op["card"]["research"], op["card"]["research_error"]) == ("queued", "")
    assert mirror.card(1, lambda _: None) == replace(failed, research="queued", research_error="")
    assert mirror.research_started(99, "queued", lambda _: None) == []  # not on the board
