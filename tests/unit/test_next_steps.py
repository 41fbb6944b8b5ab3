"""Next steps and quiet jobs: the rules on a constructed pipeline with a fixed clock, then the
service over a real database (a reply that clears a quiet job, done, snooze, edit, ghosted)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session

from peregrine.config import user_profile
from peregrine.domain.next_steps import (
    QUIET_KEY,
    DueStatus,
    JobFacts,
    RoundFacts,
    StepKind,
    StepOverride,
    StepRules,
    due_status,
    pending_steps,
    quiet_days,
    rule_steps,
    snooze_until,
)
from peregrine.domain.stages import RejectionReason, Stage
from peregrine.models import Candidate, EmailMessage, utcnow
from peregrine.services import interviews, jobs, next_steps
from peregrine.services.errors import InvalidInput, NotFound
from peregrine.services.interviews import RoundFields
from tests.factories import new_job, new_round

BERLIN = ZoneInfo("Europe/Berlin")
TOKYO = ZoneInfo("Asia/Tokyo")
RULES = StepRules()
#: The fixed clock: Wednesday 2026-03-11, 10:00 UTC (11:00 in Berlin, 19:00 in Tokyo).
NOW = datetime(2026, 3, 11, 10, 0, tzinfo=UTC)


def _job(stage: Stage = Stage.APPLIED, *, applied_days_ago: int = 7, **facts: object) -> JobFacts:
    applied = NOW - timedelta(days=applied_days_ago)
    fields: dict[str, object] = {"applied_at": applied, "last_activity": applied, **facts}
    return JobFacts(job_id=1, stage=stage.value, **fields)  # type: ignore[arg-type]


def test_a_follow_up_comes_due_seven_days_after_applying_with_no_reply() -> None:
    [step] = rule_steps(_job(applied_days_ago=7), RULES, now=NOW, zone=BERLIN)
    assert step.kind is StepKind.FOLLOW_UP
    assert due_status(step.due_at, now=NOW, zone=BERLIN) is DueStatus.TODAY
    assert due_status(step.due_at, now=NOW + timedelta(days=1), zone=BERLIN) is DueStatus.OVERDUE
    assert due_status(step.due_at, now=NOW - timedelta(days=1), zone=BERLIN) is DueStatus.LATER
    assert rule_steps(_job(replied=True), RULES, now=NOW, zone=BERLIN) == []
    assert rule_steps(_job(Stage.PHONE_SCREEN), RULES, now=NOW, zone=BERLIN) == []
    later = StepRules(follow_up_after_days=10)
    [step] = rule_steps(_job(), later, now=NOW, zone=BERLIN)
    assert due_status(step.due_at, now=NOW, zone=BERLIN) is DueStatus.LATER


def test_due_today_is_today_in_the_users_zone() -> None:
    # 23:30 in Berlin on the 10th is the 10th there and the 11th in Tokyo.
    due = datetime(2026, 3, 10, 22, 30, tzinfo=UTC)
    late_evening = datetime(2026, 3, 10, 22, 45, tzinfo=UTC)
    assert due_status(due, now=late_evening, zone=BERLIN) is DueStatus.TODAY
    assert due_status(due, now=late_evening, zone=TOKYO) is DueStatus.TODAY
    next_morning_utc = datetime(2026, 3, 11, 0, 30, tzinfo=UTC)  # 01:30 in Berlin: the 11th
    assert due_status(due, now=next_morning_utc, zone=BERLIN) is DueStatus.OVERDUE
    assert due_status(due, now=next_morning_utc, zone=UTC) is DueStatus.OVERDUE
    assert due_status(due, now=datetime(2026, 3, 10, 23, 30, tzinfo=UTC), zone=ZoneInfo("America/New_York")) is (
        DueStatus.TODAY
    )


def test_a_round_sets_prepare_the_day_before_and_a_thank_you_within_a_day() -> None:
    coming = RoundFacts(5, "Panel", NOW + timedelta(days=2), None, "pending")
    held = RoundFacts(6, "Tech screen", NOW - timedelta(hours=3), None, "pending")
    cancelled = RoundFacts(7, "Chat", NOW - timedelta(hours=3), None, "cancelled")
    long_ago = RoundFacts(8, "Recruiter call", NOW - timedelta(days=30), None, "passed")
    steps = rule_steps(
        _job(Stage.INTERVIEWING, rounds=(coming, held, cancelled, long_ago)), RULES, now=NOW, zone=BERLIN
    )
    by_key = {step.key: step for step in steps}
    assert set(by_key) == {"prepare:5", "thank_you:6"}
    assert by_key["prepare:5"].title == "Prepare for Panel"
    assert due_status(by_key["prepare:5"].due_at, now=NOW + timedelta(days=1), zone=BERLIN) is DueStatus.TODAY
    assert by_key["thank_you:6"].due_at == NOW + timedelta(hours=21)


def test_an_offer_deadline_is_due_on_its_day() -> None:
    [step] = rule_steps(_job(Stage.OFFER, offer_deadline=date(2026, 3, 11)), RULES, now=NOW, zone=TOKYO)
    assert step.kind is StepKind.OFFER_DEADLINE
    assert due_status(step.due_at, now=NOW, zone=TOKYO) is DueStatus.TODAY


def test_done_snoozed_and_edited_steps_and_the_users_own() -> None:
    [rule] = rule_steps(_job(), RULES, now=NOW, zone=BERLIN)
    assert pending_steps([rule], [StepOverride(rule.key, done_at=NOW)], job_id=1) == []
    until = snooze_until(3, now=NOW, zone=BERLIN)
    assert until == datetime(2026, 3, 13, 23, 0, tzinfo=UTC)  # midnight of the 14th in Berlin
    [snoozed] = pending_steps([rule], [StepOverride(rule.key, snoozed_until=until)], job_id=1)
    assert snoozed.due_at == until
    assert due_status(snoozed.due_at, now=NOW, zone=BERLIN) is DueStatus.LATER
    edited_due = NOW + timedelta(days=2)
    own = StepOverride("own:ab", title="Ask Sam for a referral", due_at=NOW - timedelta(days=1))
    steps = pending_steps(
        [rule], [StepOverride(rule.key, title="Email the recruiter", due_at=edited_due), own], job_id=1
    )
    assert [(step.title, step.by_hand) for step in steps] == [
        ("Ask Sam for a referral", True),
        ("Email the recruiter", True),
    ]
    assert steps[1].due_at == edited_due


def test_a_job_is_quiet_after_the_stages_silent_days_unless_snoozed() -> None:
    assert quiet_days(_job(applied_days_ago=20), RULES, now=NOW) is None
    assert quiet_days(_job(applied_days_ago=23), RULES, now=NOW) == 23
    assert quiet_days(_job(Stage.OFFER, applied_days_ago=60), RULES, now=NOW) is None
    fresh = _job(Stage.PHONE_SCREEN, applied_days_ago=40, last_activity=NOW - timedelta(days=2))
    assert quiet_days(fresh, RULES, now=NOW) is None
    strict = StepRules(quiet_after_days={"applied": 21, "phone_screen": 10, "interviewing": 21})
    slow = _job(Stage.PHONE_SCREEN, applied_days_ago=12)
    assert quiet_days(slow, RULES, now=NOW) is None
    assert quiet_days(slow, strict, now=NOW) == 12
    quiet = _job(applied_days_ago=30)
    assert quiet_days(quiet, RULES, now=NOW, snoozed_until=NOW + timedelta(days=1)) is None
    assert quiet_days(quiet, RULES, now=NOW, snoozed_until=NOW - timedelta(days=1)) == 30


# ----------------------------------------------------------------------------- the service
def _agenda(session: Session, candidate: Candidate, job_id: int, now: datetime) -> next_steps.JobAgenda:
    return next_steps.agendas(session, candidate.id or 0, rules=RULES, zone=BERLIN, now=now)[job_id]


def test_a_reply_from_the_company_clears_the_quiet_mark_and_the_follow_up(
    session: Session, candidate: Candidate
) -> None:
    job_id = new_job(session, company="Quietly")
    later = utcnow() + timedelta(days=23)
    agenda = _agenda(session, candidate, job_id, later)
    assert agenda.quiet_days == 23
    assert agenda.next_step is not None
    assert agenda.next_step.kind is StepKind.FOLLOW_UP
    session.add(
        EmailMessage(
            candidate_id=candidate.id or 0,
            message_id="<reply@quietly.example>",
            job_id=job_id,
            received_at=later - timedelta(days=1),
            subject="Re: your application",
        )
    )
    session.flush()
    agenda = _agenda(session, candidate, job_id, later)
    assert agenda.quiet_days is None
    assert agenda.steps == []


def test_a_round_ends_the_silence_and_a_closed_job_has_no_agenda(session: Session, candidate: Candidate) -> None:
    quiet = new_job(session, company="Rounds", stage=Stage.PHONE_SCREEN)
    closed = new_job(session, company="Gone", stage=Stage.REJECTED)
    later = utcnow() + timedelta(days=30)
    assert _agenda(session, candidate, quiet, later).quiet_days == 30
    interviews.add_round(session, quiet, RoundFields(name="Onsite", scheduled_at=later - timedelta(days=1)))
    session.flush()
    agenda = _agenda(session, candidate, quiet, later)
    assert agenda.quiet_days is None
    assert [step.kind for step in agenda.steps] == [StepKind.THANK_YOU]
    assert closed not in next_steps.agendas(session, candidate.id or 0, rules=RULES, zone=BERLIN, now=later)


def test_done_snooze_and_edit_are_kept_on_the_rules_step(session: Session, candidate: Candidate) -> None:
    owner = candidate.id or 0
    job_id = new_job(session, company="Steps")
    later = utcnow() + timedelta(days=8)
    [step] = _agenda(session, candidate, job_id, later).steps
    next_steps.snooze(session, candidate_id=owner, job_id=job_id, key=step.key, until=later + timedelta(days=3))
    assert _agenda(session, candidate, job_id, later).steps[0].due_at == later + timedelta(days=3)
    next_steps.edit_step(
        session, candidate_id=owner, job_id=job_id, key=step.key, title="Call Dana", due_at=later + timedelta(days=1)
    )
    [edited] = _agenda(session, candidate, job_id, later).steps
    assert (edited.title, edited.due_at) == ("Call Dana", later + timedelta(days=1))
    next_steps.mark_done(session, candidate_id=owner, job_id=job_id, key=step.key)
    assert _agenda(session, candidate, job_id, later).steps == []
    next_steps.add_step(session, candidate_id=owner, job_id=job_id, title=" Send portfolio ", due_at=later)
    assert [s.title for s in _agenda(session, candidate, job_id, later).steps] == ["Send portfolio"]


def test_bad_step_input_is_refused_and_another_candidates_job_is_not_found(
    session: Session, candidate: Candidate
) -> None:
    owner = candidate.id or 0
    job_id = new_job(session, company="Checks")
    when = utcnow()
    with pytest.raises(InvalidInput, match="Say what the step is"):
        next_steps.add_step(session, candidate_id=owner, job_id=job_id, title="   ", due_at=when)
    with pytest.raises(InvalidInput, match="300"):
        next_steps.add_step(session, candidate_id=owner, job_id=job_id, title="x" * 301, due_at=when)
    with pytest.raises(NotFound):
        next_steps.mark_done(session, candidate_id=owner, job_id=job_id, key="nonsense:1")
    with pytest.raises(NotFound):
        next_steps.mark_done(session, candidate_id=owner, job_id=job_id, key="own:missing")
    other = Candidate(name="Someone else")
    session.add(other)
    session.flush()
    with pytest.raises(NotFound):
        next_steps.mark_done(session, candidate_id=other.id or 0, job_id=job_id, key="follow_up")
    with pytest.raises(NotFound):
        next_steps.reject_as_ghosted(session, candidate_id=other.id or 0, job_id=job_id)


def test_a_quiet_job_rejected_as_ghosted_keeps_its_stage(session: Session, candidate: Candidate) -> None:
    job_id = new_job(session, company="Silent", stage=Stage.INTERVIEWING)
    next_steps.reject_as_ghosted(session, candidate_id=candidate.id or 0, job_id=job_id)
    job = jobs.get_job(session, job_id)
    assert (job.stage, job.rejection_stage, job.rejection_reason) == (
        Stage.REJECTED,
        Stage.INTERVIEWING,
        RejectionReason.GHOSTED,
    )


def test_a_snoozed_quiet_job_comes_back_when_the_snooze_ends(session: Session, candidate: Candidate) -> None:
    job_id = new_job(session, company="Snoozy")
    later = utcnow() + timedelta(days=25)
    next_steps.snooze(
        session, candidate_id=candidate.id or 0, job_id=job_id, key=QUIET_KEY, until=later + timedelta(days=7)
    )
    assert _agenda(session, candidate, job_id, later).quiet_days is None
    assert _agenda(session, candidate, job_id, later + timedelta(days=8)).quiet_days == 33


def test_the_rules_numbers_and_zone_come_from_user_yaml(tmp_path: object, monkeypatch: pytest.MonkeyPatch) -> None:
    from pathlib import Path

    folder = Path(str(tmp_path))
    (folder / "user.yaml").write_text(
        "time_zone: Europe/Berlin\nnext_steps:\n  follow_up_after_days: 5\n  quiet_after_days:\n    phone_screen: 14\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("PEREGRINE_CONFIG_DIR", str(folder))
    profile = user_profile()
    assert profile.zone == BERLIN
    assert profile.step_rules.follow_up_after_days == 5
    assert profile.step_rules.quiet_after_days == {"applied": 21, "phone_screen": 14, "interviewing": 21}
    assert not [notice for notice in profile.notices if not notice.missing]


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("time_zone: Mars/Olympus\n", "time_zone 'Mars/Olympus' is not a known time zone"),
        ("next_steps: 7\n", "next_steps must be a mapping"),
        ("next_steps:\n  follow_up_after_days: -1\n", "follow_up_after_days -1 is not a whole number"),
        ("next_steps:\n  quiet_after_days:\n    offer: 3\n", "'offer' is not one of"),
        ("next_steps:\n  thank_you_within_hours: soon\n", "thank_you_within_hours 'soon'"),
    ],
)
def test_a_wrong_rule_setting_is_said_and_its_default_kept(
    tmp_path: object, monkeypatch: pytest.MonkeyPatch, text: str, said: str
) -> None:
    from pathlib import Path

    folder = Path(str(tmp_path))
    (folder / "user.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("PEREGRINE_CONFIG_DIR", str(folder))
    profile = user_profile()
    assert any(said in notice.message for notice in profile.notices)
    assert profile.step_rules == StepRules()
    assert profile.time_zone == ""


def test_a_round_to_come_sets_its_prep_step(session: Session, candidate: Candidate) -> None:
    job_id = new_job(session, company="Helper", stage=Stage.INTERVIEWING)
    new_round(session, job_id, "Final", scheduled_at=utcnow() + timedelta(days=3))
    later = utcnow() + timedelta(days=2)
    assert [step.kind for step in _agenda(session, candidate, job_id, later).steps] == [StepKind.PREPARE]


def test_the_board_badges_a_due_job_and_its_due_filter_shows_only_those(session: Session, candidate: Candidate) -> None:
    from peregrine.services.board import BoardFilters, load_board

    owner = candidate.id or 0
    due_job = new_job(session, company="Due Co")
    calm_job = new_job(session, company="Calm Co")
    next_steps.add_step(session, candidate_id=owner, job_id=due_job, title="Call back", due_at=utcnow())
    board = load_board(session, owner, filters=BoardFilters(due="due"))
    assert (board.cards[due_job].due, board.cards[due_job].due_step) == ("Due today", "Call back")
    assert board.cards[calm_job].due == ""
    assert board.columns[Stage.APPLIED] == [due_job]
    assert board.hidden[Stage.APPLIED] == 1
    assert set(load_board(session, owner).columns[Stage.APPLIED]) == {due_job, calm_job}


def test_today_lists_due_steps_the_weeks_rounds_deadlines_and_quiet_jobs(
    session: Session, candidate: Candidate
) -> None:
    from peregrine.services import offers
    from peregrine.services.today import today_view

    owner = candidate.id or 0
    applied = new_job(session, company="Applied Co")
    interviewing = new_job(session, company="Round Co", stage=Stage.INTERVIEWING)
    round_id = new_round(session, interviewing, "Panel", scheduled_at=utcnow() + timedelta(days=10))
    offered = new_job(session, company="Offer Co", stage=Stage.OFFER)
    offers.record_offer(session, offered, offers.OfferFields(decision_deadline=date.today() + timedelta(days=12)))
    later = utcnow() + timedelta(days=8)
    view = today_view(session, owner, rules=RULES, zone=UTC, now=later)
    assert [(row.company, row.step, row.status) for row in view.steps] == [
        ("Applied Co", "Follow up on the application", "overdue")
    ]
    assert view.steps[0].due.startswith("Overdue since ")
    assert [(row.interview_id, row.name) for row in view.rounds] == [(round_id, "Panel")]
    assert [row.company for row in view.deadlines] == ["Offer Co"]
    assert view.quiet == []
    much_later = utcnow() + timedelta(days=22)
    quiet = today_view(session, owner, rules=RULES, zone=UTC, now=much_later).quiet
    assert [(row.job_id, row.quiet) for row in quiet] == [(applied, "Quiet 22 days — ghosted?")]  # the round is news
