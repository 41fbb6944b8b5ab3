"""The board's reads that open their own session: one card, or what the followers read in a
worker thread (`asyncio.to_thread`) so that the event loop, and the tab's own events, go on."""

from __future__ import annotations

from peregrine import db
from peregrine.services import board as board_service
from peregrine.services import jobs as job_service
from peregrine.services.board import BoardFilters, BoardSnapshot, CardView
from peregrine.services.errors import ServiceError


def read_card(card_id: int, candidate_id: int) -> CardView | None:
    """The card of a job as the candidate may see it; None when it is gone or not theirs."""
    found = read_card_and_version(card_id, candidate_id)
    return found[0] if found else None


def read_card_and_version(card_id: int, candidate_id: int) -> tuple[CardView, int] | None:
    with db.session_scope() as session:
        try:
            job = job_service.get_job(session, card_id, candidate_id=candidate_id)
        except ServiceError:
            return None
        return board_service.card_view(session, job), job.version


def read_filter_choices(candidate_id: int) -> tuple[list[str], list[str]]:
    """The sources and tags the board's filters offer."""
    with db.session_scope() as session:
        return board_service.filter_choices(session, candidate_id)


def read_versions(job_ids: frozenset[int]) -> dict[int, int]:
    with db.session_scope() as session:
        return board_service.job_versions(session, job_ids)


def read_board(candidate_id: int, filters: BoardFilters) -> BoardSnapshot:
    with db.session_scope() as session:
        return board_service.load_board(session, candidate_id, filters=filters)
