"""The demo pipeline (`python -m peregrine demo`) on a real SQLite file."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import Session, col, select

from peregrine import db
from peregrine.config import PROJECT_ROOT
from peregrine.domain.stages import MoveSource, Stage
from peregrine.models import Candidate, Job, StageEvent, Task, utcnow
from peregrine.services import offers
from peregrine.services.board import load_board
from peregrine.services.candidates import current_candidate
from peregrine.services.demo import DatabaseNotEmpty, load_demo
from peregrine.services.jobs import JobFields, create_job, recent_rejections_at, stage_history, undo_last_move

SOURCES = {"LinkedIn", "Referral", "Recruiter", "Company site", "Job board"}


def all_jobs(session: Session) -> list[Job]:
    return list(session.exec(select(Job).order_by(col(Job.id))))


def history_problems(session: Session) -> list[str]:
    """Every way a job's stored stage disagrees with its stage history; empty when consistent."""
    now = utcnow()
    problems: list[str] = []
    for job in all_jobs(session):
        events = stage_history(session, job.id or 0)
        name = f"job {job.id} ({job.company}, {job.stage})"
        stages = [Stage.APPLIED.value] + [event.to_stage for event in events]
        if any(event.from_stage != stages[index] for index, event in enumerate(events)):
            problems.append(f"{name}: history is not a chain starting in Applied: {stages}")
        if stages[-1] != job.stage:
            problems.append(f"{name}: history ends in {stages[-1]}")
        times = [job.created_at] + [event.at for event in events]
        if times != sorted(times) or len(set(times)) != len(times) or times[-1] > now:
            problems.append(f"{name}: events are not in chronological order: {times}")
        if job.stage_entered_at != times[-1]:
            problems.append(f"{name}: entered its stage at {job.stage_entered_at}, history says {times[-1]}")
        if job.version != 1 + len(events):
            problems.append(f"{name}: version {job.version} after {len(events)} moves")
        if any(event.source not in (MoveSource.DRAG, MoveSource.BUTTON) for event in events):
            problems.append(f"{name}: unexpected move source in {[event.source for event in events]}")
        if job.stage == Stage.REJECTED:
            last = events[-1]
            if (job.rejection_stage, job.rejection_reason) != (last.from_stage, last.rejection_reason):
                problems.append(f"{name}: rejection {job.rejection_stage}/{job.rejection_reason} vs history")
            if not job.rejection_reason:
                problems.append(f"{name}: rejected without a reason")
        elif job.rejection_stage or job.rejection_reason:
            problems.append(f"{name}: open job still carries rejection fields")
    return problems


def test_demo_loads_a_realistic_pipeline(session: Session) -> None:
    assert load_demo(session) == 40
    session.commit()

    jobs = all_jobs(session)
    assert len(jobs) == 40
    assert len({job.candidate_id for job in jobs}) == 1
    stages = Counter(job.stage for job in jobs)
    # The demo is a pipeline of applications: every stage of it, and no job saved for later.
    assert set(stages) == {stage.value for stage in Stage if stage is not Stage.SAVED}
    assert stages["applied"] >= 10
    assert stages["rejected"] >= 8
    assert stages["hired"] == 1
    assert 1 <= stages["offer"] <= 3
    assert min(stages["survey"], stages["phone_screen"], stages["interviewing"]) >= 1

    rejected = [job for job in jobs if job.stage == Stage.REJECTED]
    assert {job.rejection_reason for job in rejected} == {
        "rejected_by_company",
        "withdrew",
        "ghosted",
        "declined_offer",
    }
    assert len({job.rejection_stage for job in rejected}) >= 4

    assert {job.source for job in jobs} == SOURCES
    assert all(job.location and job.raw_jd_text and job.title for job in jobs)
    assert len({job.title for job in jobs}) >= 15
    assert all(job.url == "" or job.url.startswith("https://") for job in jobs)


def test_offers_wait_to_be_compared_and_the_hire_has_its_own(session: Session) -> None:
    load_demo(session)
    session.commit()
    with_offer = {job.id for job in all_jobs(session) if job.stage in (Stage.OFFER.value, Stage.HIRED.value)}
    compared = offers.offers_to_compare(session, current_candidate(session).id or 0)
    assert {line.job_id for line in compared} == with_offer
    assert all(line.offer.base_salary and line.offer.base_salary >= 120_000 for line in compared)
    undecided = [offers.offer_of(session, job.id or 0) for job in all_jobs(session) if job.stage == Stage.OFFER.value]
    assert all(offer is not None and offer.decision_deadline is not None for offer in undecided)


@pytest.mark.parametrize("jobs", [3, 40])
def test_every_demo_job_has_a_stage_history_that_matches_its_stage(session: Session, jobs: int) -> None:
    assert load_demo(session, jobs=jobs) == jobs
    session.commit()

    assert history_problems(session) == []
    assert session.execute(select(func.count()).select_from(StageEvent)).scalar_one() > 0


def test_days_in_stage_range_from_today_to_two_months(session: Session) -> None:
    load_demo(session)
    session.commit()

    now = utcnow()
    days = [(now - job.stage_entered_at) / timedelta(days=1) for job in all_jobs(session)]
    assert min(days) < 1
    assert max(days) > 30
    assert all(0 <= day <= 60 for day in days)
    labels = {card.in_stage for card in load_board(session, all_jobs(session)[0].candidate_id).cards.values()}
    assert "today" in labels
    assert len(labels) >= 15


def test_columns_show_the_most_recent_arrival_on_top(session: Session) -> None:
    load_demo(session)
    session.commit()
    jobs = {job.id: job for job in all_jobs(session)}

    board = load_board(session, next(iter(jobs.values())).candidate_id)
    for ids in board.columns.values():
        entered = [jobs[job_id].stage_entered_at for job_id in ids]
        assert entered == sorted(entered, reverse=True)


def test_some_companies_rejected_the_candidate_before(session: Session) -> None:
    load_demo(session)
    session.commit()

    jobs = all_jobs(session)
    warned = []
    for job in jobs:
        if job.stage == Stage.REJECTED:
            continue
        earlier = recent_rejections_at(session, job.candidate_id, job.company, exclude_job_id=job.id)
        if any(old.stage_entered_at < job.created_at for old in earlier):
            warned.append(job.company)
    assert len(warned) >= 2
    assert max(Counter(job.company for job in jobs).values()) >= 2


def test_undo_on_a_demo_job_goes_back_to_its_backdated_history(session: Session) -> None:
    load_demo(session)
    session.commit()
    job = next(job for job in all_jobs(session) if job.stage == Stage.INTERVIEWING)
    events = stage_history(session, job.id or 0)

    undo_last_move(session, job.id or 0)
    session.commit()

    with db.session_scope() as fresh:
        after = fresh.get(Job, job.id)
        assert after is not None
        assert after.stage == events[-1].from_stage == Stage.PHONE_SCREEN
        assert after.stage_entered_at == events[-2].at  # its days in Phone screen come back unchanged
        assert after.stage_entered_at < utcnow() - timedelta(days=1)


def test_the_same_seed_gives_the_same_pipeline(session: Session) -> None:
    def snapshot(seed: int) -> list[tuple[str, str, str, str, str | None]]:
        load_demo(session, seed=seed)
        rows = [(job.company, job.title, job.source, job.stage, job.rejection_reason) for job in all_jobs(session)]
        session.rollback()
        return rows

    first = snapshot(7)
    assert snapshot(7) == first
    assert snapshot(8) != first


def test_demo_refuses_a_database_that_holds_jobs(session: Session) -> None:
    candidate = Candidate(name="Real User")
    session.add(candidate)
    session.flush()
    create_job(session, candidate.id or 0, JobFields(company="Real Company", title="Real Job"))
    session.commit()

    with pytest.raises(DatabaseNotEmpty) as refused:
        load_demo(session)
    session.commit()

    message = str(refused.value)
    assert "already holds 1 job " in message
    assert "left untouched" in message
    jobs = all_jobs(session)
    assert [(job.company, job.title, job.stage) for job in jobs] == [("Real Company", "Real Job", "applied")]
    assert session.exec(select(StageEvent)).all() == []
    assert [c.name for c in session.exec(select(Candidate))] == ["Real User"]


def test_demo_scales_to_two_thousand_jobs(session: Session) -> None:
    """How long it takes is `make bench`'s figure (demo_load_ms), never an assertion here."""
    assert load_demo(session, jobs=2000) == 2000
    session.commit()
    board = load_board(session, all_jobs(session)[0].candidate_id)
    assert sum(len(ids) for ids in board.columns.values()) == 2000
    assert all(board.columns[stage] for stage in Stage if stage is not Stage.SAVED)


def run_cli(data_dir: Path, config_dir: Path) -> subprocess.CompletedProcess[str]:
    env = os.environ | {
        "PEREGRINE_DATA_DIR": str(data_dir),
        "PEREGRINE_DB_URL": f"sqlite:///{data_dir / 'peregrine.db'}",
        "PEREGRINE_CONFIG_DIR": str(config_dir),
    }
    return subprocess.run(
        [sys.executable, "-m", "peregrine", "demo"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_cli_demo_loads_once_then_refuses(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()

    first = run_cli(data_dir, tmp_path / "config")
    assert first.returncode == 0, first.stderr
    assert "Loaded 40 demo jobs" in first.stdout

    second = run_cli(data_dir, tmp_path / "config")
    assert second.returncode == 1
    assert "already holds 40 jobs and was left untouched" in second.stderr
    assert "Traceback" not in second.stderr

    engine = db.engine_for(f"sqlite:///{data_dir / 'peregrine.db'}")
    try:
        with Session(engine) as check:
            assert check.execute(select(func.count()).select_from(Job)).scalar_one() == 40
    finally:
        engine.dispose()
        db.engine_for.cache_clear()


def test_the_demo_queues_no_research_for_its_history(session: Session) -> None:
    load_demo(session, jobs=40)
    session.commit()
    assert session.exec(select(Task)).all() == []
