"""With no language model configured: work waits instead of failing, and nothing empty is kept.

Also the offers comparison's rules (a hired job is left out, a passed deadline is flagged).
"""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

import pytest
import yaml
from sqlmodel import Session

from peregrine import db
from peregrine.domain.stages import MoveSource, Stage
from peregrine.llm import client as llm_client
from peregrine.llm import settings as llm_settings
from peregrine.models import Candidate, Interview, PracticeMessage, PracticeSession, Task
from peregrine.services import board, offers, practice, research, survey, task_runner, tasks
from peregrine.services.errors import InvalidInput
from peregrine.services.jobs import JobFields, create_job, move_job
from peregrine.services.offers import OfferFields
from tests.factories import new_job, new_round
from tests.fakes.openai_server import FakeOpenAIServer
from tests.fakes.searxng_server import FakeSearxng
from tests.unit.test_research import BRIEF, NEWS, WEB


def write_config(config_dir: Path, *, llm_url: str | None, searxng_url: str = "http://127.0.0.1:9") -> None:
    config_dir.mkdir(exist_ok=True)
    backends = [{"name": "fake", "base_url": llm_url, "model": "fake-model", "api_key_env": None}] if llm_url else []
    (config_dir / "llm.yaml").write_text(yaml.safe_dump({"backends": backends}))
    (config_dir / "services.yaml").write_text(yaml.safe_dump({"searxng": {"url": searxng_url}}))


@pytest.fixture
def config_dir(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "no-llm-config"
    write_config(folder, llm_url=None)
    monkeypatch.setenv("PEREGRINE_CONFIG_DIR", str(folder))
    return folder


def job_at_phone_screen(session: Session, candidate: Candidate, company: str = "Acme") -> tuple[int, int]:
    assert candidate.id is not None
    job = create_job(session, candidate.id, JobFields(company=company, title="Platform Engineer"))
    assert job.id is not None
    result = move_job(session, job.id, Stage.PHONE_SCREEN, source=MoveSource.DRAG)
    session.commit()
    assert result.queued_task_id is not None
    return job.id, result.queued_task_id


def status_of(task_id: int) -> str:
    with db.session_scope() as session:
        task = session.get(Task, task_id)
        assert task is not None
        return task.status


# ----------------------------------------------------------------------------- research waits for a backend
@pytest.mark.asyncio
async def test_queued_research_waits_while_no_backend_is_configured_and_runs_once_one_is(
    session: Session,
    candidate: Candidate,
    config_dir: Path,
    fake_searxng: FakeSearxng,
    fake_llm: FakeOpenAIServer,
) -> None:
    fake_searxng.set_results("general", WEB)
    fake_searxng.set_results("news", NEWS)
    write_config(config_dir, llm_url=None, searxng_url=fake_searxng.url)
    job_id, task_id = job_at_phone_screen(session, candidate)
    assert not llm_settings.llm_configured()

    runner = asyncio.create_task(task_runner.run_forever(poll_seconds=0.05))
    try:
        await asyncio.sleep(0.6)  # several looks at the queue
        assert status_of(task_id) == "queued"  # never claimed, so never failed
        assert fake_searxng.requests == []
        with db.session_scope() as check:
            states = board.research_states(check, candidate.id or 0)
        assert states[job_id].state == research.NOT_SET_UP

        fake_llm.queue_json(BRIEF)
        write_config(config_dir, llm_url=fake_llm.url, searxng_url=fake_searxng.url)
        for _ in range(100):
            await asyncio.sleep(0.1)
            if status_of(task_id) == "succeeded":
                break
    finally:
        runner.cancel()
    assert status_of(task_id) == "succeeded"
    with db.session_scope() as check:
        assert board.research_states(check, candidate.id or 0)[job_id].state == "ready"


def test_a_queued_run_reads_not_set_up_only_while_no_backend_is_configured() -> None:
    assert research.shown_status("queued", llm_ready=False) == research.NOT_SET_UP
    assert research.shown_status("queued", llm_ready=True) == "queued"
    assert research.shown_status("failed", llm_ready=False) == "failed"
    assert research.shown_status("running", llm_ready=False) == "running"


def test_the_shared_client_follows_an_edited_llm_yaml(config_dir: Path, fake_llm: FakeOpenAIServer) -> None:
    assert not llm_client.get_llm_client().configured
    write_config(config_dir, llm_url=fake_llm.url)
    assert llm_client.get_llm_client().configured
    shared = llm_client.get_llm_client()
    assert llm_client.get_llm_client() is shared  # unchanged file: the same client (and its call limit)


def test_a_task_queued_meanwhile_is_not_claimed_without_a_backend(
    session: Session, candidate: Candidate, config_dir: Path
) -> None:
    _job_id, task_id = job_at_phone_screen(session, candidate)
    assert task_runner._next_tasks(2, exclude=set()) == []
    assert tasks.active_task(session, tasks.TaskKind.COMPANY_RESEARCH, _job_id) is not None
    assert status_of(task_id) == "queued"


# ----------------------------------------------------------------------------- practice keeps nothing empty
@pytest.fixture
def interview_id(session: Session, candidate: Candidate) -> int:
    job_id = new_job(session, candidate.id, title="Data Engineer")
    return new_round(session, job_id, "Technical screen", kind="technical")


def test_answers_without_the_interviewers_questions_never_reach_the_notes(session: Session, interview_id: int) -> None:
    started = practice.start_session(session, interview_id)
    practice.add_answer(session, started.id or 0, "I would partition by account.")
    session.commit()
    with pytest.raises(InvalidInput, match="interviewer has not asked anything"):
        practice.append_to_notes(session, started.id or 0)
    interview = session.get(Interview, interview_id)
    assert interview is not None
    assert interview.notes == ""


def test_a_session_nothing_was_said_in_is_dropped(session: Session, interview_id: int) -> None:
    empty = practice.start_session(session, interview_id)
    kept = practice.start_session(session, interview_id)
    session.add(PracticeMessage(session_id=kept.id or 0, role=practice.INTERVIEWER, text="Tell me about a design."))
    session.commit()
    assert practice.discard_if_empty(session, empty.id or 0)
    assert not practice.discard_if_empty(session, kept.id or 0)
    session.commit()
    assert [s.id for s in practice.sessions_of(session, interview_id)] == [kept.id]
    assert session.get(PracticeSession, empty.id or 0) is None


# ----------------------------------------------------------------------------- survey questions without a model
def test_the_questions_are_listed_with_empty_answers_and_answers_given_stay(
    session: Session, candidate: Candidate
) -> None:
    assert candidate.id is not None
    job = create_job(session, candidate.id, JobFields(company="Acme", title="Engineer"))
    started = survey.start_survey(
        session, job.id or 0, pasted_text="1. Why do you want to work here?\n2. How do you like feedback?"
    )
    listed = survey.list_questions(session, started.id or 0)
    assert [(q["question"], q["answer"]) for q in listed.questions] == [
        ("Why do you want to work here?", ""),
        ("How do you like feedback?", ""),
    ]
    survey.save_survey(session, started.id or 0, answers=["The mission.", ""])
    survey.save_survey(
        session,
        started.id or 0,
        pasted_text="1. Why do you want to work here?\n2. How do you like feedback?\n3. When can you start?",
    )
    again = survey.list_questions(session, started.id or 0)
    assert [q["answer"] for q in again.questions] == ["The mission.", "", ""]


def test_listing_an_empty_survey_says_what_is_missing(session: Session, candidate: Candidate) -> None:
    assert candidate.id is not None
    job = create_job(session, candidate.id, JobFields(company="Acme", title="Engineer"))
    started = survey.start_survey(session, job.id or 0)
    with pytest.raises(InvalidInput, match="no survey text yet"):
        survey.list_questions(session, started.id or 0)


# ----------------------------------------------------------------------------- offers compared
def test_the_comparison_leaves_out_the_job_already_hired(session: Session, candidate: Candidate) -> None:
    assert candidate.id is not None
    ids = {}
    for company, stage in (("Hired Co", Stage.HIRED), ("Open Co", Stage.INTERVIEWING)):
        job = create_job(session, candidate.id, JobFields(company=company, title="Engineer"))
        ids[company] = job.id or 0
        offers.record_offer(session, ids[company], OfferFields(base_salary=100_000))
        if stage is Stage.HIRED:
            move_job(session, ids[company], Stage.HIRED, source=MoveSource.BUTTON)
    session.commit()
    assert {line.company for line in offers.offers_to_compare(session, candidate.id)} == {"Hired Co", "Open Co"}
    assert [line.company for line in offers.offers_to_compare(session, candidate.id, undecided_only=True)] == [
        "Open Co"
    ]


def test_a_decision_deadline_before_today_has_passed() -> None:
    def line(deadline: date | None) -> offers.OfferLine:
        return offers.OfferLine(1, "Acme", "Engineer", "offer", offers.Offer(job_id=1, decision_deadline=deadline))

    today = date(2026, 12, 4)
    assert line(date(2026, 12, 3)).deadline_passed(today)
    assert not line(today).deadline_passed(today)
    assert not line(None).deadline_passed(today)
