"""Analytics on a constructed pipeline: every figure asserted exactly.

Five jobs, their moves backdated to known days, four rounds with ratings:
- Acme/LinkedIn (J1): still Applied.
- Acme/Referral (J2): Applied d0 → Phone screen d2 → Interviewing d5 → Offer d12 → Hired d15.
- Globex/LinkedIn (J3): Applied d0 → Phone screen d1 → Rejected by the company d4.
- Globex/Referral (J4): Applied d0 → Survey d1 → Phone screen d3 → Interviewing d6 → withdrew d10.
- Initech/LinkedIn (J5, added a month later): Applied d0 → ghosted d7.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import update
from sqlmodel import Session, col, select

from peregrine.domain.interviews import InterviewKind
from peregrine.domain.stages import MoveSource, RejectionReason, Stage
from peregrine.models import Candidate, Job, StageEvent
from peregrine.services import analytics, interviews, offers
from peregrine.services.analytics import Filters
from peregrine.services.jobs import JobFields, create_job, get_job, move_job, undo_last_move

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
LATER = datetime(2026, 2, 2, 9, 0, tzinfo=UTC)


def _job(
    session: Session,
    candidate_id: int,
    company: str,
    source: str,
    created: datetime,
    path: list[tuple[Stage, int, RejectionReason | None]],
) -> int:
    job = create_job(session, candidate_id, JobFields(company=company, title="Engineer", source=source))
    assert job.id is not None
    entered = created
    for stage, day, reason in path:
        moved = move_job(session, job.id, stage, source=MoveSource.BUTTON, reason=reason, research=False)
        at = created + timedelta(days=day)
        session.execute(
            update(StageEvent).where(col(StageEvent.id) == moved.event.id).values(at=at, from_entered_at=entered)
        )
        entered = at
    session.execute(update(Job).where(col(Job.id) == job.id).values(created_at=created))
    return job.id


def _round(session: Session, job_id: int, kind: InterviewKind, outcome: str, **ratings: int) -> None:
    interview = interviews.add_round(session, job_id, interviews.RoundFields(kind.label, kind=kind), follow_stage=False)
    interviews.record_outcome(
        session, interview.id or 0, outcome=outcome, ratings={f"{k}_rating": v for k, v in ratings.items()}
    )


@pytest.fixture
def pipeline(session: Session, candidate: Candidate) -> dict[str, int]:
    cid = candidate.id or 0
    jobs = {
        "J1": _job(session, cid, "Acme", "LinkedIn", T0, []),
        "J2": _job(
            session,
            cid,
            "Acme",
            "Referral",
            T0,
            [
                (Stage.PHONE_SCREEN, 2, None),
                (Stage.INTERVIEWING, 5, None),
                (Stage.OFFER, 12, None),
                (Stage.HIRED, 15, None),
            ],
        ),
        "J3": _job(
            session,
            cid,
            "Globex",
            "LinkedIn",
            T0,
            [(Stage.PHONE_SCREEN, 1, None), (Stage.REJECTED, 4, RejectionReason.REJECTED_BY_COMPANY)],
        ),
        "J4": _job(
            session,
            cid,
            "Globex",
            "Referral",
            T0,
            [
                (Stage.SURVEY, 1, None),
                (Stage.PHONE_SCREEN, 3, None),
                (Stage.INTERVIEWING, 6, None),
                (Stage.REJECTED, 10, RejectionReason.WITHDREW),
            ],
        ),
        "J5": _job(session, cid, "Initech", "LinkedIn", LATER, [(Stage.REJECTED, 7, RejectionReason.GHOSTED)]),
    }
    _round(session, jobs["J2"], InterviewKind.RECRUITER, "passed", overall=4)
    _round(session, jobs["J2"], InterviewKind.TECHNICAL, "passed", overall=5, technical=4)
    _round(session, jobs["J3"], InterviewKind.RECRUITER, "failed", overall=2)
    _round(session, jobs["J4"], InterviewKind.TECHNICAL, "failed", overall=3, technical=2)
    offers.record_offer(session, jobs["J2"], offers.OfferFields(base_salary=150_000))
    session.commit()
    return jobs


def test_the_funnel(session: Session, candidate: Candidate, pipeline: dict[str, int]) -> None:
    steps = analytics.conversion_funnel(session, candidate.id or 0)
    assert [(s.stage, s.reached, s.share, s.pass_rate) for s in steps] == [
        (Stage.APPLIED, 5, 1.0, None),
        (Stage.PHONE_SCREEN, 3, 0.6, 0.6),
        (Stage.INTERVIEWING, 2, 0.4, pytest.approx(2 / 3)),
        (Stage.OFFER, 1, 0.2, 0.5),
        (Stage.HIRED, 1, 0.2, 1.0),
    ]


def test_filters_by_source_company_and_date(session: Session, candidate: Candidate, pipeline: dict[str, int]) -> None:
    cid = candidate.id or 0
    referral = analytics.conversion_funnel(session, cid, Filters(source="Referral"))
    assert [s.reached for s in referral] == [2, 2, 2, 1, 1]
    globex = analytics.conversion_funnel(session, cid, Filters(company="globex"))
    assert [s.reached for s in globex] == [2, 2, 1, 0, 0]
    january = analytics.conversion_funnel(session, cid, Filters(date_from=date(2026, 1, 1), date_to=date(2026, 1, 31)))
    assert january[0].reached == 4, "Initech was added in February"
    empty = analytics.conversion_funnel(session, cid, Filters(source="Nowhere"))
    assert [(s.reached, s.share, s.pass_rate) for s in empty[:2]] == [(0, None, None), (0, None, None)]


def test_rounds_by_kind(session: Session, candidate: Candidate, pipeline: dict[str, int]) -> None:
    stats = analytics.round_kind_stats(session, candidate.id or 0)
    assert [(s.kind, s.rounds, s.passed, s.failed, s.success_rate) for s in stats] == [
        (InterviewKind.RECRUITER, 2, 1, 1, 0.5),
        (InterviewKind.TECHNICAL, 2, 1, 1, 0.5),
    ]
    assert stats[0].average_ratings == {
        "overall_rating": 3.0,
        "technical_rating": None,
        "culture_fit_rating": None,
        "communication_rating": None,
    }
    assert stats[1].average_ratings["overall_rating"] == 4.0
    assert stats[1].average_ratings["technical_rating"] == 3.0


def test_rounds_by_kind_follow_the_filters_and_stay_with_their_candidate(
    session: Session, candidate: Candidate, pipeline: dict[str, int]
) -> None:
    cid = candidate.id or 0
    other = Candidate(name="Someone else")
    session.add(other)
    session.flush()
    theirs = create_job(session, other.id or 0, JobFields(company="Acme", title="Engineer", source="Referral"))
    _round(session, theirs.id or 0, InterviewKind.RECRUITER, "failed", overall=1)

    def summary(filters: Filters) -> list[tuple[InterviewKind, int, int, int, float | None]]:
        return [
            (s.kind, s.rounds, s.passed, s.failed, s.average_ratings["overall_rating"])
            for s in analytics.round_kind_stats(session, cid, filters)
        ]

    assert summary(Filters()) == [(InterviewKind.RECRUITER, 2, 1, 1, 3.0), (InterviewKind.TECHNICAL, 2, 1, 1, 4.0)]
    assert summary(Filters(source="Referral")) == [
        (InterviewKind.RECRUITER, 1, 1, 0, 4.0),
        (InterviewKind.TECHNICAL, 2, 1, 1, 4.0),
    ]
    assert summary(Filters(company="GLOBEX")) == [
        (InterviewKind.RECRUITER, 1, 0, 1, 2.0),
        (InterviewKind.TECHNICAL, 1, 0, 1, 3.0),
    ]
    assert summary(Filters(date_from=date(2026, 2, 1))) == [], "Initech, added in February, had no rounds"


def test_time_in_stages_follows_the_filters(session: Session, candidate: Candidate, pipeline: dict[str, int]) -> None:
    times = {
        t.stage: (t.average_days, t.stays)
        for t in analytics.time_in_stages(session, candidate.id or 0, Filters(source="Referral"))
    }
    assert times[Stage.APPLIED] == (pytest.approx(1.5), 2)
    assert times[Stage.PHONE_SCREEN] == (pytest.approx(3.0), 2)
    assert times[Stage.INTERVIEWING] == (pytest.approx(5.5), 2)


def test_an_undone_move_measures_nothing(session: Session, candidate: Candidate) -> None:
    """Added three days ago, dragged to Phone screen by mistake two days ago and undone just now,
    then moved for real: one Applied stay of three days, and no Phone screen stay at all."""
    cid = candidate.id or 0
    now = datetime.now(UTC)
    job = create_job(session, cid, JobFields(company="Acme", title="Engineer"))
    job_id = job.id or 0
    session.execute(
        update(Job)
        .where(col(Job.id) == job_id)
        .values(created_at=now - timedelta(days=3), stage_entered_at=now - timedelta(days=3))
    )
    session.expire_all()
    mistake = move_job(session, job_id, Stage.PHONE_SCREEN, source=MoveSource.DRAG, research=False)
    session.execute(update(StageEvent).where(col(StageEvent.id) == mistake.event.id).values(at=now - timedelta(days=2)))
    session.execute(update(Job).where(col(Job.id) == job_id).values(stage_entered_at=now - timedelta(days=2)))
    session.expire_all()
    undo_last_move(session, job_id)
    assert get_job(session, job_id).stage_entered_at == now - timedelta(days=3), "its days in Applied come back"
    move_job(session, job_id, Stage.PHONE_SCREEN, source=MoveSource.BUTTON, research=False)

    times = {t.stage: (t.average_days, t.stays) for t in analytics.time_in_stages(session, cid)}
    assert times[Stage.APPLIED] == (pytest.approx(3.0, abs=0.001), 1)
    assert times[Stage.PHONE_SCREEN] == (None, 0)


def test_time_in_each_stage_and_to_a_decision(session: Session, candidate: Candidate, pipeline: dict[str, int]) -> None:
    cid = candidate.id or 0
    times = {t.stage: (t.average_days, t.stays) for t in analytics.time_in_stages(session, cid)}
    assert times[Stage.APPLIED] == (pytest.approx(2.75), 4)
    assert times[Stage.SURVEY] == (pytest.approx(2.0), 1)
    assert times[Stage.PHONE_SCREEN] == (pytest.approx(3.0), 3)
    assert times[Stage.INTERVIEWING] == (pytest.approx(5.5), 2)
    assert times[Stage.OFFER] == (pytest.approx(3.0), 1)
    days, decided = analytics.time_to_decision(session, cid)
    assert (days, decided) == (pytest.approx(9.0), 4)


def test_where_rejections_happen(session: Session, candidate: Candidate, pipeline: dict[str, int]) -> None:
    found = [(r.stage, r.reason, r.label, r.count) for r in analytics.rejections(session, candidate.id or 0)]
    assert sorted(found) == sorted(
        [
            (Stage.PHONE_SCREEN, "rejected_by_company", "Rejected by the company", 1),
            (Stage.INTERVIEWING, "withdrew", "I withdrew", 1),
            (Stage.APPLIED, "ghosted", "Ghosted", 1),
        ]
    )
    assert analytics.rejections_by_stage(analytics.rejections(session, candidate.id or 0)) == [
        (Stage.APPLIED, 1),
        (Stage.PHONE_SCREEN, 1),
        (Stage.INTERVIEWING, 1),
    ]


def test_conversion_per_source(session: Session, candidate: Candidate, pipeline: dict[str, int]) -> None:
    by_source = {c.name: c for c in analytics.source_conversion(session, candidate.id or 0)}
    linkedin, referral = by_source["LinkedIn"], by_source["Referral"]
    assert (linkedin.jobs, linkedin.interviews, linkedin.offers, linkedin.hired, linkedin.rejected_by_company) == (
        3,
        1,
        0,
        0,
        1,
    )
    assert (linkedin.interview_rate, linkedin.conversion_rate) == (pytest.approx(1 / 3), 0.0)
    assert (referral.jobs, referral.interviews, referral.offers, referral.hired, referral.withdrew) == (2, 2, 1, 1, 1)
    assert (referral.offer_rate, referral.conversion_rate) == (0.5, 0.5)


def test_company_insights_and_placements(session: Session, candidate: Candidate, pipeline: dict[str, int]) -> None:
    cid = candidate.id or 0
    globex = analytics.company_insights(session, cid, "GLOBEX")
    assert globex is not None
    assert globex.company == "Globex"
    assert (globex.conversion.jobs, globex.conversion.interviews, globex.conversion.offers) == (2, 2, 0)
    assert globex.conversion.interview_rate == 1.0
    assert globex.average_days_to_decision == pytest.approx(7.0)
    assert globex.sources_with_interviews == ["LinkedIn", "Referral"]
    assert globex.rejection_reasons == {"Rejected by the company": 1, "I withdrew": 1}
    assert analytics.company_insights(session, cid, "Nobody") is None
    placements = analytics.placement_history(session, cid)
    assert [(p.company, p.offer.base_salary if p.offer else None) for p in placements] == [("Acme", 150_000)]
    assert session.exec(select(Job).where(Job.id == pipeline["J2"])).one().stage == Stage.HIRED.value


def test_placements_follow_the_filters(session: Session, candidate: Candidate) -> None:
    cid = candidate.id or 0
    for company, source in (("Acme", "Referral"), ("Globex", "LinkedIn")):
        job = create_job(session, cid, JobFields(company=company, title="Engineer", source=source))
        assert job.id is not None
        for stage in (Stage.PHONE_SCREEN, Stage.INTERVIEWING, Stage.OFFER, Stage.HIRED):
            move_job(session, job.id, stage, source=MoveSource.BUTTON, research=False)
    session.commit()

    def companies(filters: Filters) -> list[str]:
        return sorted(p.company for p in analytics.placement_history(session, cid, filters))

    assert companies(Filters()) == ["Acme", "Globex"]
    assert companies(Filters(company="globex")) == ["Globex"]
    assert companies(Filters(source="Referral")) == ["Acme"]
    assert companies(Filters(date_to=date(2000, 1, 1))) == []
