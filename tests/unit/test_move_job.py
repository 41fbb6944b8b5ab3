"""`services.jobs` on a real SQLite file: moves, undo, concurrency, ordering, validation.

What a test checks is read back through a fresh session, the way the next page load would see it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pytest
from sqlalchemy import update
from sqlmodel import Session, col, select

from peregrine import db
from peregrine.domain.stages import MoveNotAllowed, MoveSource, RejectionReason, Stage
from peregrine.models import Candidate, Job, StageEvent
from peregrine.services.board import load_board
from peregrine.services.errors import InvalidInput, NotFound, StaleVersion
from peregrine.services.jobs import (
    JobFields,
    Placement,
    create_job,
    delete_job,
    move_job,
    recent_rejections_at,
    reorder_job,
    restore_job,
    undo_last_move,
)


@dataclass
class Stored:
    """A job as the database holds it, with its stage history (oldest first)."""

    stage: str
    version: int
    stage_entered_at: datetime
    created_at: datetime
    rejection_stage: str | None
    rejection_reason: str | None
    events: list[tuple[str, str, str, str | None]]  # (from, to, source, rejection reason)
    event_times: list[datetime]


def stored(job_id: int) -> Stored:
    with db.session_scope() as fresh:
        job = fresh.get(Job, job_id)
        assert job is not None, f"job {job_id} is gone"
        events = fresh.exec(
            select(StageEvent).where(StageEvent.job_id == job_id).order_by(col(StageEvent.at), col(StageEvent.id))
        ).all()
        return Stored(
            stage=job.stage,
            version=job.version,
            stage_entered_at=job.stage_entered_at,
            created_at=job.created_at,
            rejection_stage=job.rejection_stage,
            rejection_reason=job.rejection_reason,
            events=[(e.from_stage, e.to_stage, e.source, e.rejection_reason) for e in events],
            event_times=[e.at for e in events],
        )


def add(
    session: Session,
    candidate: Candidate,
    company: str = "Acme Corp",
    title: str = "Engineer",
    *,
    url: str = "",
    source: str = "",
) -> int:
    """Create and commit a job the way the job dialog does; its id."""
    assert candidate.id is not None
    job = create_job(session, candidate.id, JobFields(company=company, title=title, url=url, source=source))
    session.commit()
    assert job.id is not None
    return job.id


def column(session: Session, candidate: Candidate, stage: Stage) -> list[int]:
    assert candidate.id is not None
    return load_board(session, candidate.id).columns[stage]


# --- moving -------------------------------------------------------------------------------------


def test_a_move_writes_the_job_and_exactly_one_stage_event(session: Session, candidate: Candidate) -> None:
    job_id = add(session, candidate)

    result = move_job(session, job_id, Stage.SURVEY, source=MoveSource.EMAIL)
    session.commit()

    after = stored(job_id)
    assert after.stage == "survey"
    assert after.version == 2
    assert after.events == [("applied", "survey", "email", None)]
    assert after.stage_entered_at == after.event_times[0]  # "days in stage" restarts with the move
    assert result.from_stage is Stage.APPLIED
    assert column(session, candidate, Stage.SURVEY) == [job_id]
    assert column(session, candidate, Stage.APPLIED) == []


@pytest.mark.parametrize(
    ("target", "reason", "message"),
    [
        (Stage.APPLIED, None, "backwards"),
        (Stage.PHONE_SCREEN, None, "already in Phone screen"),
        (Stage.REJECTED, None, "Say why"),
    ],
)
def test_a_refused_move_changes_nothing(
    session: Session, candidate: Candidate, target: Stage, reason: RejectionReason | None, message: str
) -> None:
    job_id = add(session, candidate)
    move_job(session, job_id, Stage.PHONE_SCREEN, source=MoveSource.BUTTON)
    session.commit()
    before = stored(job_id)

    with pytest.raises(MoveNotAllowed, match=message):
        move_job(session, job_id, target, source=MoveSource.DRAG, reason=reason)
    session.commit()  # even a caller that carries on with its session has nothing half-written

    after = stored(job_id)
    assert (after.stage, after.version, after.events) == ("phone_screen", before.version, before.events)
    assert len(after.events) == 1


def test_rejection_records_where_and_why(session: Session, candidate: Candidate) -> None:
    job_id = add(session, candidate)
    move_job(session, job_id, Stage.INTERVIEWING, source=MoveSource.DRAG)

    move_job(session, job_id, Stage.REJECTED, source=MoveSource.BUTTON, reason=RejectionReason.WITHDREW)
    session.commit()

    after = stored(job_id)
    assert (after.stage, after.rejection_stage, after.rejection_reason) == ("rejected", "interviewing", "withdrew")
    assert after.events[-1] == ("interviewing", "rejected", "button", "withdrew")
    assert load_board(session, candidate.id or 0).cards[job_id].rejection == "From Interviewing · I withdrew"


def test_rejection_without_a_reason_is_refused(session: Session, candidate: Candidate) -> None:
    job_id = add(session, candidate)

    with pytest.raises(MoveNotAllowed, match="Say why it ended"):
        move_job(session, job_id, Stage.REJECTED, source=MoveSource.DRAG)
    session.commit()

    after = stored(job_id)
    assert (after.stage, after.rejection_stage, after.events) == ("applied", None, [])


def test_restore_goes_back_to_the_rejection_stage_and_clears_the_rejection(
    session: Session, candidate: Candidate
) -> None:
    job_id = add(session, candidate)
    move_job(session, job_id, Stage.PHONE_SCREEN, source=MoveSource.BUTTON)
    move_job(session, job_id, Stage.REJECTED, source=MoveSource.DRAG, reason=RejectionReason.GHOSTED)
    session.commit()

    with pytest.raises(MoveNotAllowed, match="Allowed from Rejected: Phone screen"):
        move_job(session, job_id, Stage.INTERVIEWING, source=MoveSource.DRAG)
    restore_job(session, job_id, source=MoveSource.BUTTON)
    session.commit()

    after = stored(job_id)
    assert (after.stage, after.rejection_stage, after.rejection_reason) == ("phone_screen", None, None)
    assert after.events[-1] == ("rejected", "phone_screen", "button", None)
    assert load_board(session, candidate.id or 0).cards[job_id].rejection == ""


def test_only_a_rejected_job_can_be_restored(session: Session, candidate: Candidate) -> None:
    job_id = add(session, candidate)
    with pytest.raises(MoveNotAllowed, match="Only a rejected job"):
        restore_job(session, job_id, source=MoveSource.BUTTON)


def test_moving_a_missing_job_says_so(session: Session, candidate: Candidate) -> None:
    with pytest.raises(NotFound, match="Job 999 was not found"):
        move_job(session, 999, Stage.SURVEY, source=MoveSource.API)


# --- undo ---------------------------------------------------------------------------------------


def test_undo_puts_the_job_back_with_its_earlier_time_in_stage(session: Session, candidate: Candidate) -> None:
    job_id = add(session, candidate)
    move_job(session, job_id, Stage.SURVEY, source=MoveSource.BUTTON)
    move_job(session, job_id, Stage.PHONE_SCREEN, source=MoveSource.DRAG)
    session.commit()
    entered_survey = stored(job_id).event_times[0]

    result = undo_last_move(session, job_id)
    session.commit()

    after = stored(job_id)
    assert after.stage == "survey"
    assert after.stage_entered_at == entered_survey
    assert after.events[-1][:3] == ("phone_screen", "survey", "undo")
    assert result.from_stage is Stage.PHONE_SCREEN
    assert column(session, candidate, Stage.SURVEY) == [job_id]


def test_undo_of_the_first_move_restores_the_creation_time(session: Session, candidate: Candidate) -> None:
    job_id = add(session, candidate)
    move_job(session, job_id, Stage.OFFER, source=MoveSource.DRAG)
    undo_last_move(session, job_id)
    session.commit()

    after = stored(job_id)
    assert (after.stage, after.stage_entered_at) == ("applied", after.created_at)


def test_undo_of_a_rejection_clears_the_rejection(session: Session, candidate: Candidate) -> None:
    job_id = add(session, candidate)
    move_job(session, job_id, Stage.INTERVIEWING, source=MoveSource.DRAG)
    move_job(session, job_id, Stage.REJECTED, source=MoveSource.DRAG, reason=RejectionReason.REJECTED_BY_COMPANY)
    session.commit()

    undo_last_move(session, job_id)
    session.commit()

    after = stored(job_id)
    assert (after.stage, after.rejection_stage, after.rejection_reason) == ("interviewing", None, None)
    assert load_board(session, candidate.id or 0).cards[job_id].rejection == ""


def test_undo_of_a_restore_brings_the_rejection_back(session: Session, candidate: Candidate) -> None:
    job_id = add(session, candidate)
    move_job(session, job_id, Stage.PHONE_SCREEN, source=MoveSource.DRAG)
    move_job(session, job_id, Stage.REJECTED, source=MoveSource.DRAG, reason=RejectionReason.GHOSTED)
    restore_job(session, job_id, source=MoveSource.BUTTON)
    session.commit()

    undo_last_move(session, job_id)
    session.commit()

    after = stored(job_id)
    assert (after.stage, after.rejection_stage, after.rejection_reason) == ("rejected", "phone_screen", "ghosted")
    assert after.events[-1] == ("phone_screen", "rejected", "undo", "ghosted")
    # ...and it can be restored again, to the same stage.
    restore_job(session, job_id, source=MoveSource.BUTTON)
    session.commit()
    assert stored(job_id).stage == "phone_screen"


def test_an_undo_cannot_be_undone(session: Session, candidate: Candidate) -> None:
    job_id = add(session, candidate)
    move_job(session, job_id, Stage.PHONE_SCREEN, source=MoveSource.DRAG)
    undo_last_move(session, job_id)
    session.commit()
    before = stored(job_id)

    with pytest.raises(MoveNotAllowed, match="no move of this job to undo"):
        undo_last_move(session, job_id)
    session.commit()

    after = stored(job_id)
    assert (after.stage, after.version, after.events) == ("applied", before.version, before.events)


def test_a_job_that_never_moved_has_nothing_to_undo(session: Session, candidate: Candidate) -> None:
    job_id = add(session, candidate)
    with pytest.raises(MoveNotAllowed, match="no move of this job to undo"):
        undo_last_move(session, job_id)


# --- concurrency --------------------------------------------------------------------------------


def test_a_stale_version_is_refused_and_nothing_is_written(session: Session, candidate: Candidate) -> None:
    job_id = add(session, candidate)
    move_job(session, job_id, Stage.SURVEY, source=MoveSource.DRAG, expected_version=1)
    session.commit()

    with pytest.raises(StaleVersion, match="changed elsewhere"):
        move_job(session, job_id, Stage.PHONE_SCREEN, source=MoveSource.DRAG, expected_version=1)
    session.commit()

    after = stored(job_id)
    assert (after.stage, after.version, len(after.events)) == ("survey", 2, 1)


def test_two_sessions_racing_the_later_one_loses(session: Session, candidate: Candidate) -> None:
    job_id = add(session, candidate)
    seen_by_a = session.get(Job, job_id)
    assert seen_by_a is not None
    version_a = seen_by_a.version

    with db.session_scope() as session_b:
        move_job(session_b, job_id, Stage.PHONE_SCREEN, source=MoveSource.EMAIL)

    with pytest.raises(StaleVersion):
        move_job(session, job_id, Stage.SURVEY, source=MoveSource.DRAG, expected_version=version_a)
    session.rollback()

    after = stored(job_id)
    assert after.stage == "phone_screen"
    assert after.events == [("applied", "phone_screen", "email", None)]


def test_a_stale_session_cannot_overwrite_even_without_an_expected_version(
    session: Session, candidate: Candidate
) -> None:
    job_id = add(session, candidate)
    seen_by_a = session.get(Job, job_id)  # session A holds the job as it was
    assert seen_by_a is not None

    with db.session_scope() as session_b:
        move_job(session_b, job_id, Stage.INTERVIEWING, source=MoveSource.API)

    with pytest.raises(StaleVersion):
        move_job(session, job_id, Stage.SURVEY, source=MoveSource.EMAIL)
    session.rollback()
    assert stored(job_id).stage == "interviewing"


def test_a_stale_version_is_refused_even_when_the_column_needs_renumbering(
    session: Session, candidate: Candidate
) -> None:
    upper = add(session, candidate, company="Upper")
    lower = add(session, candidate, company="Lower")
    moving = add(session, candidate, company="Moving")
    for job_id in (upper, lower):
        move_job(session, job_id, Stage.PHONE_SCREEN, source=MoveSource.DRAG)
    # Worn-out gap between the two neighbours: the next drop between them renumbers the column.
    session.execute(update(Job).where(col(Job.id) == upper).values(position=5.0))
    session.execute(update(Job).where(col(Job.id) == lower).values(position=5.0 + 1e-9))
    session.commit()
    seen_by_a = session.get(Job, moving)
    assert seen_by_a is not None
    version_a = seen_by_a.version

    with db.session_scope() as session_b:
        move_job(session_b, moving, Stage.SURVEY, source=MoveSource.EMAIL)

    with pytest.raises(StaleVersion):
        move_job(
            session,
            moving,
            Stage.PHONE_SCREEN,
            source=MoveSource.DRAG,
            expected_version=version_a,
            placement=Placement(after_id=upper, before_id=lower),
        )
    session.rollback()
    after = stored(moving)
    assert (after.stage, len(after.events)) == ("survey", 1)


# --- order within a column ----------------------------------------------------------------------


def test_new_jobs_land_on_top_of_applied(session: Session, candidate: Candidate) -> None:
    first = add(session, candidate, company="First")
    second = add(session, candidate, company="Second")
    assert column(session, candidate, Stage.APPLIED) == [second, first]


def test_reorder_between_two_neighbours(session: Session, candidate: Candidate) -> None:
    a = add(session, candidate, company="A")
    b = add(session, candidate, company="B")
    c = add(session, candidate, company="C")
    assert column(session, candidate, Stage.APPLIED) == [c, b, a]

    reorder_job(session, a, Placement(after_id=c, before_id=b))
    session.commit()

    assert column(session, candidate, Stage.APPLIED) == [c, a, b]
    assert stored(a).stage == "applied"


def test_reorder_to_the_top_and_the_bottom(session: Session, candidate: Candidate) -> None:
    a = add(session, candidate, company="A")
    b = add(session, candidate, company="B")
    c = add(session, candidate, company="C")  # column: c, b, a

    reorder_job(session, c, Placement(after_id=a))
    assert column(session, candidate, Stage.APPLIED) == [b, a, c]
    reorder_job(session, a, Placement(before_id=b))
    assert column(session, candidate, Stage.APPLIED) == [a, b, c]
    reorder_job(session, c, Placement())
    assert column(session, candidate, Stage.APPLIED) == [c, a, b]


def test_a_move_places_the_card_where_it_was_dropped(session: Session, candidate: Candidate) -> None:
    x, y, z, w = (add(session, candidate, company=name) for name in "XYZW")
    move_job(session, x, Stage.PHONE_SCREEN, source=MoveSource.DRAG)
    move_job(session, y, Stage.PHONE_SCREEN, source=MoveSource.DRAG, placement=Placement(after_id=x))
    assert column(session, candidate, Stage.PHONE_SCREEN) == [x, y]

    move_job(session, z, Stage.PHONE_SCREEN, source=MoveSource.DRAG, placement=Placement(after_id=x, before_id=y))
    assert column(session, candidate, Stage.PHONE_SCREEN) == [x, z, y]
    move_job(session, w, Stage.PHONE_SCREEN, source=MoveSource.DRAG, placement=Placement(after_id=y))
    assert column(session, candidate, Stage.PHONE_SCREEN) == [x, z, y, w]


def test_a_drop_below_the_last_visible_card_keeps_hidden_cards_below_it(session: Session, candidate: Candidate) -> None:
    a = add(session, candidate, company="Alpha", source="LinkedIn")
    hidden = add(session, candidate, company="Hidden", source="Referral")
    b = add(session, candidate, company="Beta", source="LinkedIn")
    moving = add(session, candidate, company="Moving", source="LinkedIn")  # column: moving, b, hidden, a
    assert load_board(session, candidate.id or 0, source="LinkedIn").columns[Stage.APPLIED] == [moving, b, a]

    reorder_job(session, moving, Placement(after_id=b))  # dropped under b on the filtered board
    session.commit()

    assert column(session, candidate, Stage.APPLIED) == [b, moving, hidden, a]


def test_many_drops_at_the_same_spot_keep_their_order(session: Session, candidate: Candidate) -> None:
    top = add(session, candidate, company="Top")
    bottom = add(session, candidate, company="Bottom")
    for job_id in (top, bottom):
        move_job(session, job_id, Stage.INTERVIEWING, source=MoveSource.DRAG, placement=Placement(after_id=top))
    assert column(session, candidate, Stage.INTERVIEWING) == [top, bottom]

    dropped: list[int] = []
    for number in range(60):  # halving a gap of 1024 wears it below a millionth after ~30 drops
        job_id = add(session, candidate, company=f"Drop {number}")
        below = dropped[-1] if dropped else bottom
        move_job(
            session,
            job_id,
            Stage.INTERVIEWING,
            source=MoveSource.DRAG,
            placement=Placement(after_id=top, before_id=below),
        )
        session.commit()
        dropped.append(job_id)

    assert column(session, candidate, Stage.INTERVIEWING) == [top, *reversed(dropped), bottom]


def test_neighbours_sent_in_the_wrong_order_still_place_the_card(session: Session, candidate: Candidate) -> None:
    """A stale board (another tab reordered the column) can send 'after' below 'before'."""
    a = add(session, candidate, company="A")
    b = add(session, candidate, company="B")
    moving = add(session, candidate, company="Moving")  # column: moving, b, a

    reorder_job(session, moving, Placement(after_id=a, before_id=b))
    session.commit()

    order = column(session, candidate, Stage.APPLIED)
    assert sorted(order) == sorted([a, b, moving])
    assert order.index(moving) == order.index(a) + 1  # it lands under the card it was dropped after


# --- create, delete, lookups --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("company", "title", "url", "message"),
    [
        ("", "Engineer", "", "Please fill in company."),
        ("Acme", "   ", "", "Please fill in title."),
        (" ", "", "", "Please fill in company and title."),
        ("Acme", "Engineer", "www.acme.example/jobs/1", "should start with http:// or https://"),
        ("Acme", "Engineer", "ftp://acme.example/jobs/1", "should start with http:// or https://"),
    ],
)
def test_create_job_refuses_incomplete_input(
    session: Session, candidate: Candidate, company: str, title: str, url: str, message: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        create_job(session, candidate.id or 0, JobFields(company=company, title=title, url=url))
    assert message in str(refused.value)
    session.commit()
    assert session.exec(select(Job)).all() == []


def test_create_job_trims_what_was_typed(session: Session, candidate: Candidate) -> None:
    job_id = add(session, candidate, company="  Initech ", title=" Data Analyst\n", url=" https://initech.example/1 ")
    with db.session_scope() as fresh:
        job = fresh.get(Job, job_id)
        assert job is not None
        assert (job.company, job.title, job.url, job.stage) == (
            "Initech",
            "Data Analyst",
            "https://initech.example/1",
            "applied",
        )


def test_recent_rejections_at_finds_earlier_rejections_whatever_the_case(
    session: Session, candidate: Candidate
) -> None:
    cid = candidate.id or 0
    rejected = add(session, candidate, company="Globex Corporation")
    move_job(session, rejected, Stage.REJECTED, source=MoveSource.DRAG, reason=RejectionReason.REJECTED_BY_COMPANY)
    add(session, candidate, company="Globex Corporation", title="Still open")
    other = add(session, candidate, company="Umbrella")
    move_job(session, other, Stage.REJECTED, source=MoveSource.DRAG, reason=RejectionReason.GHOSTED)
    session.commit()
    new = add(session, candidate, company="globex corporation")

    warnings = recent_rejections_at(session, cid, "  GLOBEX corporation ", exclude_job_id=new)
    assert [job.id for job in warnings] == [rejected]
    assert recent_rejections_at(session, cid, "Globex", exclude_job_id=new) == []  # whole name, not a prefix
    assert recent_rejections_at(session, cid, "Globex Corporation", exclude_job_id=rejected) == []


@pytest.mark.filterwarnings("error::sqlalchemy.exc.SAWarning")  # e.g. rows deleted in the wrong order
def test_delete_job_removes_its_history_too(session: Session, candidate: Candidate) -> None:
    doomed = add(session, candidate, company="Doomed")
    kept = add(session, candidate, company="Kept")
    for job_id in (doomed, kept):
        move_job(session, job_id, Stage.PHONE_SCREEN, source=MoveSource.DRAG)
        move_job(session, job_id, Stage.INTERVIEWING, source=MoveSource.DRAG)
    session.commit()

    delete_job(session, doomed)
    session.commit()

    with db.session_scope() as fresh:
        assert fresh.get(Job, doomed) is None
        assert fresh.exec(select(StageEvent).where(StageEvent.job_id == doomed)).all() == []
    assert len(stored(kept).events) == 2
    assert column(session, candidate, Stage.INTERVIEWING) == [kept]
    with pytest.raises(NotFound):
        move_job(session, doomed, Stage.OFFER, source=MoveSource.DRAG)


def test_delete_with_a_stale_version_is_refused(session: Session, candidate: Candidate) -> None:
    job_id = add(session, candidate)
    move_job(session, job_id, Stage.SURVEY, source=MoveSource.DRAG)
    session.commit()

    with pytest.raises(StaleVersion):
        delete_job(session, job_id, expected_version=1)
    session.commit()
    assert stored(job_id).stage == "survey"


def test_load_board_filters_the_columns_but_keeps_every_card(session: Session, candidate: Candidate) -> None:
    cid = candidate.id or 0
    data = add(session, candidate, company="Hooli", title="Data Engineer", source="LinkedIn")
    design = add(session, candidate, company="Pied Piper", title="Product Designer", source="Referral")
    platform = add(session, candidate, company="Dataflow Inc", title="Platform Engineer", source="Referral")
    move_job(session, platform, Stage.INTERVIEWING, source=MoveSource.DRAG)
    session.commit()
    everything = {data, design, platform}

    by_text = load_board(session, cid, text="  DATA ")  # title of one, company of another
    assert by_text.columns[Stage.APPLIED] == [data]
    assert by_text.columns[Stage.INTERVIEWING] == [platform]
    assert set(by_text.cards) == everything

    by_source = load_board(session, cid, source="Referral")
    assert by_source.columns[Stage.APPLIED] == [design]
    assert by_source.columns[Stage.INTERVIEWING] == [platform]
    assert set(by_source.cards) == everything
    assert by_source.sources == ["LinkedIn", "Referral"]

    both = load_board(session, cid, text="engineer", source="Referral")
    assert [job for ids in both.columns.values() for job in ids] == [platform]
    assert set(both.versions) == everything
    assert both.versions[platform] == 2


def test_deleting_a_job_removes_its_uploaded_files(session: Session, candidate: Candidate) -> None:
    from peregrine.config import data_dir

    job = create_job(session, candidate.id or 0, JobFields(company="Acme", title="Engineer"))
    session.commit()
    folder = data_dir() / "uploads" / "surveys" / str(job.id)
    folder.mkdir(parents=True)
    (folder / "screenshot.png").write_bytes(b"png")
    kept = data_dir() / "uploads" / "surveys" / "999999"
    kept.mkdir()
    delete_job(session, job.id or 0)
    session.commit()
    assert not folder.exists()
    assert kept.exists()


# --- the stage history and the rejection reasons -------------------------------------------------


def test_declining_an_offer_that_was_never_made_is_refused(session: Session, candidate: Candidate) -> None:
    job_id = add(session, candidate)
    with pytest.raises(MoveNotAllowed, match="only a reason for a job at Offer"):
        move_job(session, job_id, Stage.REJECTED, source=MoveSource.BUTTON, reason=RejectionReason.DECLINED_OFFER)
    move_job(session, job_id, Stage.OFFER, source=MoveSource.BUTTON)
    move_job(session, job_id, Stage.REJECTED, source=MoveSource.BUTTON, reason=RejectionReason.DECLINED_OFFER)
    session.commit()
    assert stored(job_id).rejection_reason == "declined_offer"


def test_restore_gives_back_the_time_already_spent_in_the_stage(session: Session, candidate: Candidate) -> None:
    from peregrine.services.analytics import time_in_stages

    job_id = add(session, candidate)
    move_job(session, job_id, Stage.PHONE_SCREEN, source=MoveSource.BUTTON, research=False)
    session.commit()
    entered = stored(job_id).stage_entered_at
    move_job(session, job_id, Stage.REJECTED, source=MoveSource.BUTTON, reason=RejectionReason.WITHDREW)
    restore_job(session, job_id, source=MoveSource.BUTTON)
    session.commit()

    assert stored(job_id).stage_entered_at == entered
    # The stay goes on: nothing is measured for Phone screen until the job leaves it for real.
    phone = next(row for row in time_in_stages(session, candidate.id or 0) if row.stage is Stage.PHONE_SCREEN)
    assert phone.stays == 0
    move_job(session, job_id, Stage.INTERVIEWING, source=MoveSource.BUTTON)
    session.commit()
    phone = next(row for row in time_in_stages(session, candidate.id or 0) if row.stage is Stage.PHONE_SCREEN)
    assert phone.stays == 1


# --- duplicates -----------------------------------------------------------------------------------


def test_the_same_url_or_an_open_job_with_the_same_company_and_title_is_a_possible_duplicate(
    session: Session, candidate: Candidate
) -> None:
    from peregrine.services.jobs import possible_duplicates

    cid = candidate.id or 0
    open_job = add(session, candidate, "Acme Corp", "Backend Engineer", url="https://acme.example/jobs/1")
    closed = add(session, candidate, "Globex", "Designer", url="https://globex.example/9")
    move_job(session, closed, Stage.REJECTED, source=MoveSource.BUTTON, reason=RejectionReason.GHOSTED)
    session.commit()

    def found(company: str, title: str, url: str = "", exclude: int | None = None) -> list[int]:
        return [
            job.id or 0
            for job in possible_duplicates(session, cid, company=company, title=title, url=url, exclude_job_id=exclude)
        ]

    assert found("ACME corp", "backend engineer") == [open_job]
    assert found("Other", "Other", "https://acme.example/jobs/1") == [open_job]
    assert found("Globex", "Designer") == []  # rejected: applying again is a new application
    assert found("Globex", "Designer", "https://globex.example/9") == [closed]  # the very same posting
    assert found("Acme Corp", "Frontend Engineer") == []
    assert found("Acme Corp", "Backend Engineer", exclude=open_job) == []  # the job being edited
