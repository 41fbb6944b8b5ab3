"""Interview rounds on a real SQLite file: sequence without gaps, validation, the card's next round."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session, select

from peregrine import db
from peregrine.domain.dates import day_label
from peregrine.domain.interviews import RoundOutcome
from peregrine.domain.stages import Stage
from peregrine.models import Candidate, Job, StageEvent, utcnow
from peregrine.services import interviews, tasks
from peregrine.services.board import load_board
from peregrine.services.demo import load_demo
from peregrine.services.errors import InvalidInput, NotFound
from peregrine.services.interviews import RoundFields
from peregrine.services.jobs import delete_job
from tests.factories import new_job


def names_in_order(job_id: int) -> list[tuple[int, str]]:
    with db.session_scope() as session:
        return [(r.order, r.name) for r in interviews.rounds_of(session, job_id)]


def test_rounds_are_numbered_in_sequence_through_insert_move_and_delete(session: Session, candidate: Candidate) -> None:
    job_id = new_job(session, candidate.id)
    recruiter = interviews.add_round(session, job_id, RoundFields("Recruiter call", kind="recruiter"))
    onsite = interviews.add_round(session, job_id, RoundFields("Onsite", kind="panel"))
    interviews.add_round(session, job_id, RoundFields("Tech screen", kind="technical"), position=2)
    session.commit()
    assert names_in_order(job_id) == [(1, "Recruiter call"), (2, "Tech screen"), (3, "Onsite")]

    assert onsite.id is not None
    interviews.move_round(session, onsite.id, 1)
    session.commit()
    assert names_in_order(job_id) == [(1, "Onsite"), (2, "Recruiter call"), (3, "Tech screen")]

    assert recruiter.id is not None
    interviews.delete_round(session, recruiter.id)
    session.commit()
    assert names_in_order(job_id) == [(1, "Onsite"), (2, "Tech screen")]


def test_each_job_has_its_own_sequence(session: Session, candidate: Candidate) -> None:
    first, second = new_job(session, candidate.id), new_job(session, candidate.id, company="Globex")
    interviews.add_round(session, first, RoundFields("A"))
    interviews.add_round(session, second, RoundFields("B"))
    interviews.add_round(session, first, RoundFields("C"))
    session.commit()
    assert names_in_order(first) == [(1, "A"), (2, "C")]
    assert names_in_order(second) == [(1, "B")]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (RoundFields("   "), "Give the round a name"),
        (RoundFields("Chat", kind="coffee"), "Unknown interview kind 'coffee'"),
    ],
)
def test_bad_round_details_are_refused_with_a_reason(
    session: Session, candidate: Candidate, fields: RoundFields, message: str
) -> None:
    job_id = new_job(session, candidate.id)
    with pytest.raises(InvalidInput, match=message):
        interviews.add_round(session, job_id, fields)
    assert names_in_order(job_id) == []


def test_a_round_for_a_missing_job_is_refused(session: Session, candidate: Candidate) -> None:
    with pytest.raises(NotFound):
        interviews.add_round(session, 12345, RoundFields("Ghost round"))


def test_outcome_and_ratings_are_recorded(session: Session, candidate: Candidate) -> None:
    job_id = new_job(session, candidate.id)
    tech = interviews.add_round(
        session, job_id, RoundFields("Tech", kind="technical", interviewers=[{"name": " Ana ", "role": "Staff SWE"}])
    )
    assert tech.id is not None
    interviews.record_outcome(
        session,
        tech.id,
        outcome=RoundOutcome.PASSED,
        ratings={"overall_rating": 4, "technical_rating": 5},
        notes="Asked about caching; I fumbled eviction policies.",
    )
    session.commit()
    with db.session_scope() as fresh:
        stored = interviews.get_round(fresh, tech.id)
        assert (stored.outcome, stored.overall_rating, stored.technical_rating) == ("passed", 4, 5)
        assert stored.interviewers == [{"name": "Ana", "role": "Staff SWE"}]
        assert stored.completed_at is not None
        assert "eviction" in stored.notes


@pytest.mark.parametrize("bad", [0, 6, 3.5, "4", True])
def test_a_rating_outside_one_to_five_is_refused_and_nothing_changes(
    session: Session, candidate: Candidate, bad: object
) -> None:
    job_id = new_job(session, candidate.id)
    tech = interviews.add_round(session, job_id, RoundFields("Tech"))
    session.commit()
    assert tech.id is not None
    with pytest.raises(InvalidInput, match="culture fit rating must be a whole number from 1 to 5"):
        interviews.record_outcome(session, tech.id, outcome="passed", ratings={"culture_fit_rating": bad})  # type: ignore[dict-item]
    session.rollback()
    with db.session_scope() as fresh:
        stored = interviews.get_round(fresh, tech.id)
        assert (stored.outcome, stored.culture_fit_rating) == ("pending", None)


def test_the_card_shows_the_next_upcoming_round(session: Session, candidate: Candidate) -> None:
    assert candidate.id is not None
    job_id = new_job(session, candidate.id)
    now = utcnow()
    interviews.add_round(session, job_id, RoundFields("Past", kind="recruiter", scheduled_at=now - timedelta(days=3)))
    interviews.add_round(session, job_id, RoundFields("Later", kind="panel", scheduled_at=now + timedelta(days=9)))
    soon = now + timedelta(days=2)
    interviews.add_round(session, job_id, RoundFields("Soon", kind="technical", scheduled_at=soon))
    session.commit()

    card = load_board(session, candidate.id).cards[job_id]
    assert card.next_interview == f"Technical · {day_label(soon, today=now.date())}"


def test_a_round_label_names_the_year_of_a_round_in_another_year() -> None:
    today = date(2026, 12, 4)
    assert interviews.round_label("panel", datetime(2027, 1, 5, 10), today=today) == "Panel · Tue Jan 05, 2027"
    assert interviews.round_label("panel", datetime(2026, 12, 7, 10), today=today) == "Panel · Mon Dec 07"


def test_a_new_dated_round_takes_its_place_in_date_order(session: Session, candidate: Candidate) -> None:
    job_id = new_job(session, candidate.id)
    day = datetime(2030, 3, 10, 9, tzinfo=UTC)

    def add(name: str, when: datetime | None) -> None:
        rounds = interviews.rounds_of(session, job_id)
        interviews.add_round(
            session, job_id, RoundFields(name, scheduled_at=when), position=interviews.date_position(rounds, when)
        )

    add("Onsite", day + timedelta(days=10))
    add("Take-home", None)
    add("Recruiter call", day)
    add("Tech screen", day + timedelta(days=3))
    add("References", None)
    session.commit()
    assert [(r.order, r.name) for r in interviews.rounds_of(session, job_id)] == [
        (1, "Recruiter call"),
        (2, "Tech screen"),
        (3, "Onsite"),
        (4, "Take-home"),
        (5, "References"),
    ]


def test_deleting_a_job_deletes_its_rounds(session: Session, candidate: Candidate) -> None:
    job_id = new_job(session, candidate.id)
    interviews.add_round(session, job_id, RoundFields("Tech"))
    session.commit()
    delete_job(session, job_id)
    session.commit()
    assert names_in_order(job_id) == []


def test_the_demo_schedules_rounds_for_phone_screens_and_loops(session: Session, candidate: Candidate) -> None:
    assert candidate.id is not None
    load_demo(session, jobs=40)
    session.commit()
    board = load_board(session, candidate.id)
    for stage, kind in ((Stage.PHONE_SCREEN, "Recruiter"), (Stage.INTERVIEWING, "")):
        labels = [board.cards[job_id].next_interview for job_id in board.columns[stage]]
        assert labels
        assert all(label.startswith(kind) and " · " in label for label in labels)
    assert all(board.cards[job_id].next_interview == "" for job_id in board.columns[Stage.APPLIED])


@pytest.mark.parametrize(("kind", "expected"), [("recruiter", Stage.PHONE_SCREEN), ("technical", Stage.INTERVIEWING)])
def test_the_first_round_of_an_applied_job_moves_it_through_the_move_service(
    session: Session, candidate: Candidate, kind: str, expected: Stage
) -> None:
    job_id = new_job(session, candidate.id)
    interviews.add_round(session, job_id, RoundFields("First call", kind=kind))
    session.commit()
    with db.session_scope() as check:
        job = check.get(Job, job_id)
        assert job is not None
        assert job.stage == expected.value
        events = check.exec(select(StageEvent).where(StageEvent.job_id == job_id)).all()
        assert [(e.from_stage, e.to_stage, e.source) for e in events] == [("applied", expected.value, "interview")]
        queued = tasks.latest_task(check, tasks.TaskKind.COMPANY_RESEARCH, job_id)
        assert (queued is not None) == (expected is Stage.PHONE_SCREEN), "phone screen queues research"


def test_later_rounds_and_later_stages_leave_the_stage_alone(session: Session, candidate: Candidate) -> None:
    job_id = new_job(session, candidate.id)
    interviews.add_round(session, job_id, RoundFields("Recruiter call", kind="recruiter"))
    interviews.add_round(session, job_id, RoundFields("Onsite", kind="panel"))
    session.commit()
    with db.session_scope() as check:
        assert check.get(Job, job_id).stage == Stage.PHONE_SCREEN.value  # type: ignore[union-attr]
    history_only = new_job(session, candidate.id, company="Globex")
    interviews.add_round(session, history_only, RoundFields("Old call", kind="recruiter"), follow_stage=False)
    session.commit()
    with db.session_scope() as check:
        assert check.get(Job, history_only).stage == Stage.APPLIED.value  # type: ignore[union-attr]
