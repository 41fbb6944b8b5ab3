"""Interview prep end to end against the fake OpenAI-compatible server, on a real SQLite file.

The assertions read what the server received: the prompts must carry the resume projects,
the bullets and the notes of earlier rounds, as the README's Interview prep section describes.
Prep is made section by section (one request each); `tests/unit/test_prep_by_section.py` tests
the sections' failures, their Retry and the trimming to a model's window.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import Session, select

from peregrine import db
from peregrine.config import UserProfile
from peregrine.llm.client import LLMClient
from peregrine.llm.settings import LLMBackend, LLMSettings
from peregrine.models import (
    Candidate,
    CompanyResearch,
    ExperienceProject,
    Interview,
    PrepRevision,
    ResumeBullet,
    Task,
)
from peregrine.services import prep, prep_sections, tasks
from peregrine.services.errors import InvalidInput
from peregrine.services.interviews import RoundFields, add_round
from tests.factories import new_job, new_round
from tests.fakes.openai_server import FakeOpenAIServer, requested_schema
from tests.fakes.prep_answers import interview_prep_answers, queue_answers, queue_base_prep, queue_interview_prep

PROFILE = UserProfile(name="Ada Lovelace", headline="Backend engineer")
JD = "We need someone who has run Kafka at 1M msg/s and ships Python services."
#: The job and the round these tests prepare for, unless a test says otherwise.
PREP_JOB: dict[str, Any] = {"title": "Data Engineer", "raw_jd_text": JD}
PREP_ROUND: dict[str, Any] = {
    "kind": "technical",
    "focus": "streaming systems",
    "scheduled_at": datetime(2030, 1, 5, tzinfo=UTC),
}


def llm_for(server: FakeOpenAIServer) -> LLMClient:
    backend = LLMBackend(name="fake", base_url=server.url, model="fake-model", timeout_s=5)
    return LLMClient(LLMSettings(backends=(backend,)))


def seed_resume(session: Session, candidate: Candidate) -> None:
    assert candidate.id is not None
    project = ExperienceProject(
        candidate_id=candidate.id,
        name="Ledger pipeline",
        company="Ledgerly",
        role="Staff engineer",
        period="2021-2024",
        situation="Billing ran hours behind",
        actions="Moved billing onto Kafka with idempotent consumers",
        results="Lag from 3 h to 4 s",
        metrics="1.2M msg/s peak",
        stack=["Kafka", "Python", "Postgres"],
        decisions="Chose at-least-once delivery plus idempotency keys over exactly-once",
    )
    session.add(project)
    session.flush()
    assert project.id is not None
    session.add(ResumeBullet(project_id=project.id, position=0, text="Cut billing lag from 3 h to 4 s with Kafka"))
    session.commit()


def run(coroutine: object) -> object:
    return asyncio.run(coroutine)  # type: ignore[arg-type]


def user_message(request: dict[str, object]) -> str:
    messages = request["messages"]
    assert isinstance(messages, list)
    return "\n".join(str(m.get("content")) for m in messages if m.get("role") == "user")


def sent_for(server: FakeOpenAIServer, schema: str) -> str:
    """The user message of the last request for `schema` (one prep section)."""
    return user_message([request for request in server.requests if requested_schema(request) == schema][-1])


BASE_SCHEMAS = ["CallbackDrivers", "FormattedDescription", "CompanyContext", "BackgroundNarrative"]
ROUND_SCHEMAS = ["RoadmapAnswer", "PredictedQuestions", "QuestionsToAsk", "ResumeDefense", "DeepDives"]


def test_base_prep_carries_the_description_research_and_bullets(
    session: Session, candidate: Candidate, fake_llm: FakeOpenAIServer
) -> None:
    seed_resume(session, candidate)
    job_id = new_job(session, candidate.id, **PREP_JOB)
    session.add(
        CompanyResearch(
            job_id=job_id,
            brief={
                "sections": [
                    {
                        "title": "Company overview",
                        "private": False,
                        "claims": [{"text": "Acme builds rockets.", "sources": [1]}],
                    }
                ]
            },
        )
    )
    session.commit()
    queue_base_prep(fake_llm)
    task = prep.queue_base_prep(session, job_id)
    session.commit()
    assert task.id is not None

    assert run(prep.run_base_prep(task.id, llm=llm_for(fake_llm), profile=PROFILE)) is True

    assert [requested_schema(request) for request in fake_llm.requests] == BASE_SCHEMAS, "one call per section"
    assert [request["max_tokens"] for request in fake_llm.requests] == [600, 1500, 500, 450]
    assert JD in sent_for(fake_llm, "CallbackDrivers")
    assert "Project: Ledger pipeline" in sent_for(fake_llm, "CallbackDrivers")
    assert "- Cut billing lag from 3 h to 4 s with Kafka" in sent_for(fake_llm, "CallbackDrivers")
    assert "Acme builds rockets." in sent_for(fake_llm, "CompanyContext")
    assert "1. **Kafka at scale**" in sent_for(fake_llm, "FormattedDescription"), "written after the drivers"
    with db.session_scope() as check:
        base = prep.base_of(check, job_id)
        assert base is not None
        assert "**Kafka at scale**" in base.formatted_jd
        assert "1. **Kafka at scale**" in base.primary_drivers
        assert "**Forward hook.** Acme's launch cadence" in base.background_narrative
        assert tasks.latest_task(check, tasks.TaskKind.BASE_PREP, job_id).status == "succeeded"  # type: ignore[union-attr]


def test_base_prep_without_a_description_is_refused_with_a_message(session: Session, candidate: Candidate) -> None:
    job_id = new_job(session, candidate.id, **PREP_JOB | {"raw_jd_text": "  "})
    with pytest.raises(InvalidInput, match="has no job description yet"):
        prep.queue_base_prep(session, job_id)


def test_interview_prep_builds_the_base_first_and_sends_projects_and_earlier_notes(
    session: Session, candidate: Candidate, fake_llm: FakeOpenAIServer
) -> None:
    seed_resume(session, candidate)
    job_id = new_job(session, candidate.id, **PREP_JOB)
    first = new_round(session, job_id, "Recruiter call", **PREP_ROUND | {"kind": "recruiter"})
    second = new_round(session, job_id, "Streaming deep dive", **PREP_ROUND)
    # Round one happened: its prep predicted questions, the candidate recorded what was asked and how it went.
    queue_base_prep(fake_llm)
    queue_interview_prep(fake_llm, tag="round1")
    task = prep.queue_interview_prep(session, first)
    session.commit()
    run(prep.run_interview_prep(task.id or 0, llm=llm_for(fake_llm), profile=PROFILE))
    asked = [requested_schema(request) for request in fake_llm.requests]
    assert asked == BASE_SCHEMAS + ROUND_SCHEMAS, "the base first, then the round"
    interview = session.get(Interview, first)
    assert interview is not None
    session.refresh(interview)
    interview.notes = "Fumbled Kafka partition rebalancing; weak on consumer lag math."
    session.add(interview)
    prep_sections.record_questions_asked(
        session, first, ["How did you scale the ledger pipeline?", "What is your notice period?"]
    )
    session.commit()

    queue_interview_prep(fake_llm, tag="round2", weak_areas=["Kafka partition rebalancing"])
    task = prep.queue_interview_prep(session, second)
    session.commit()
    run(prep.run_interview_prep(task.id or 0, llm=llm_for(fake_llm), profile=PROFILE))

    assert len(fake_llm.requests) == 9 + 5, "the base prep exists now: one call per round section"
    sent = sent_for(fake_llm, "PredictedQuestions")
    assert "Project: Ledger pipeline (Staff engineer, Ledgerly, 2021-2024)" in sent
    assert "Metrics: 1.2M msg/s peak" in sent
    assert "Decisions and trade-offs: Chose at-least-once" in sent
    assert "- Cut billing lag from 3 h to 4 s with Kafka" in sent
    assert "Notes: Fumbled Kafka partition rebalancing; weak on consumer lag math." in sent
    assert "Questions asked: How did you scale the ledger pipeline? | What is your notice period?" in sent
    assert "Predicted that came up: Predicted question" in sent
    assert '"name": "Streaming deep dive"' in sent
    assert "## Callback drivers" in sent, "the base prep is part of the prompt"
    assert "Notes: Fumbled" in sent_for(fake_llm, "RoadmapAnswer"), "the roadmap aims at the earlier rounds"
    with db.session_scope() as check:
        stored = prep.prep_of(check, second)
        assert stored is not None
        assert stored.prep_plan.startswith("**Targets from earlier rounds:** Kafka partition rebalancing")
        for phase in ("Foundation Review", "Active Practice", "Polish & Integration", "Final Confidence Check"):
            assert phase in stored.prep_plan
        assert stored.interviewer_questions.count("**Question to ask number") == 5
        assert len(stored.predicted) == 3


def test_too_few_items_are_asked_again_with_the_validation_error_and_too_many_are_cut(
    session: Session, candidate: Candidate, fake_llm: FakeOpenAIServer
) -> None:
    job_id = new_job(session, candidate.id, **PREP_JOB)
    interview_id = new_round(session, job_id, "Panel", **PREP_ROUND)
    answers = interview_prep_answers(tag="fixed")
    queue_base_prep(fake_llm)
    fake_llm.queue_json(interview_prep_answers(asks=4)["QuestionsToAsk"], schema="QuestionsToAsk")  # four, not five
    fake_llm.queue_json(interview_prep_answers(questions=2)["PredictedQuestions"], schema="PredictedQuestions")
    queue_answers(fake_llm, answers)
    task = prep.queue_interview_prep(session, interview_id)
    session.commit()
    run(prep.run_interview_prep(task.id or 0, llm=llm_for(fake_llm), profile=PROFILE))

    asked = [requested_schema(request) for request in fake_llm.requests]
    assert asked.count("PredictedQuestions") == asked.count("QuestionsToAsk") == 2, "each bad section asked again"
    assert not any(request.get("stream") for request in fake_llm.requests), "no partial answer feeds the progress"
    retry = [request for request in fake_llm.requests if requested_schema(request) == "QuestionsToAsk"][-1]
    assert "questions" in retry["messages"][-1]["content"], "the retry names what was wrong"
    with db.session_scope() as check:
        stored = prep.prep_of(check, interview_id)
        assert stored is not None
        assert "(fixed)" in stored.predicted_questions
        assert stored.interviewer_questions.count("**Question to ask number") == 5


def test_one_item_too_many_is_cut_without_asking_again(
    session: Session, candidate: Candidate, fake_llm: FakeOpenAIServer
) -> None:
    job_id = new_job(session, candidate.id, **PREP_JOB)
    interview_id = new_round(session, job_id, "Panel", **PREP_ROUND)
    queue_base_prep(fake_llm)
    fake_llm.queue_json(interview_prep_answers(asks=6)["QuestionsToAsk"], schema="QuestionsToAsk")  # six, not five
    queue_answers(fake_llm, interview_prep_answers())
    task = prep.queue_interview_prep(session, interview_id)
    session.commit()
    run(prep.run_interview_prep(task.id or 0, llm=llm_for(fake_llm), profile=PROFILE))

    asked = [requested_schema(request) for request in fake_llm.requests]
    assert asked.count("QuestionsToAsk") == 1
    with db.session_scope() as check:
        stored = prep.prep_of(check, interview_id)
        assert stored is not None
        assert stored.interviewer_questions.count("**Question to ask number") == 5


def test_a_failed_generation_keeps_the_previous_prep_and_says_why(
    session: Session, candidate: Candidate, fake_llm: FakeOpenAIServer
) -> None:
    job_id = new_job(session, candidate.id, **PREP_JOB)
    queue_base_prep(fake_llm)
    run(prep.run_base_prep(prep.queue_base_prep(session, job_id).id or 0, llm=llm_for(fake_llm), profile=PROFILE))
    session.commit()
    fake_llm.fail_next(status=500, times=4)
    task = prep.queue_base_prep(session, job_id)
    session.commit()
    run(prep.run_base_prep(task.id or 0, llm=llm_for(fake_llm), profile=PROFILE))
    with db.session_scope() as check:
        failed = check.get(Task, task.id)
        assert failed is not None
        assert failed.status == "failed"
        assert "Not every section could be written" in (failed.error or "")
        base = prep.base_of(check, job_id)
        assert base is not None
        assert "Kafka at scale" in base.formatted_jd
        assert set(base.section_errors) == {key for key, _ in prep.BASE_SECTIONS}
        assert "HTTP 500" in base.section_errors["formatted_jd"]


def test_bulk_generation_reports_each_item_and_a_failure_stops_nothing(
    session: Session, candidate: Candidate, fake_llm: FakeOpenAIServer
) -> None:
    with_jd = [new_job(session, candidate.id, **PREP_JOB | {"company": name}) for name in ("Acme", "Globex")]
    without_jd = new_job(session, candidate.id, **PREP_JOB | {"company": "Initech", "raw_jd_text": ""})
    report = prep.queue_many(session, job_ids=[with_jd[0], without_jd, with_jd[1]])
    session.commit()
    assert [item.label for item in report] == [
        "Acme — Data Engineer",
        "Initech — Data Engineer",
        "Globex — Data Engineer",
    ]
    assert report[1].task_id is None
    assert "has no job description yet" in report[1].error
    assert report[0].task_id
    assert report[2].task_id

    fake_llm.fail_next(status=500, times=4)  # the only backend answers HTTP 500 to the first item's sections
    queue_base_prep(fake_llm)
    for item in (report[0], report[2]):
        run(prep.run_base_prep(item.task_id or 0, llm=llm_for(fake_llm), profile=PROFILE))
    with db.session_scope() as check:
        statuses = [check.get(Task, item.task_id).status for item in (report[0], report[2])]  # type: ignore[union-attr]
        assert statuses == ["failed", "succeeded"]
        assert prep.base_of(check, with_jd[1]) is not None


def test_regenerate_keeps_edited_sections_unless_told_to_replace_them(
    session: Session, candidate: Candidate, fake_llm: FakeOpenAIServer
) -> None:
    job_id = new_job(session, candidate.id, **PREP_JOB)
    interview_id = new_round(session, job_id, "Tech screen", **PREP_ROUND)
    queue_base_prep(fake_llm)
    queue_interview_prep(fake_llm, tag="v1")
    run(
        prep.run_interview_prep(
            prep.queue_interview_prep(session, interview_id).id or 0, llm=llm_for(fake_llm), profile=PROFILE
        )
    )
    session.expire_all()
    stored = prep.prep_of(session, interview_id)
    assert stored is not None
    assert stored.id is not None
    prep_sections.save_section(
        session, "interview", stored.id, "predicted_questions", "My own **answers** <script>alert(1)</script>"
    )
    session.commit()

    v2 = interview_prep_answers(tag="v2")
    queue_answers(fake_llm, {schema: answer for schema, answer in v2.items() if schema != "PredictedQuestions"})
    run(
        prep.run_interview_prep(
            prep.queue_interview_prep(session, interview_id).id or 0, llm=llm_for(fake_llm), profile=PROFILE
        )
    )
    session.expire_all()
    stored = prep.prep_of(session, interview_id)
    assert stored is not None
    assert stored.id is not None
    assert stored.predicted_questions == "My own **answers**", "the edit survives, sanitized"
    assert "(v2)" in stored.technical_deep_dives
    assert "PredictedQuestions" not in [requested_schema(r) for r in fake_llm.requests[-4:]], "an edit is not asked for"
    assert stored.edited == ["predicted_questions"]
    assert len(stored.predicted) == 3

    queue_interview_prep(fake_llm, tag="v3")
    task = prep.queue_interview_prep(session, interview_id, replace_edits=True)
    session.commit()
    run(prep.run_interview_prep(task.id or 0, llm=llm_for(fake_llm), profile=PROFILE))
    session.expire_all()
    stored = prep.prep_of(session, interview_id)
    assert stored is not None
    assert stored.id is not None
    assert "(v3)" in stored.predicted_questions
    revisions = prep_sections.revisions_of(session, "interview", stored.id, "predicted_questions")
    assert [(r.text, r.was_edited, r.replaced_by) for r in revisions] == [
        ("My own **answers**", True, "regenerate"),
        (prep_sections_v1 := revisions[1].text, False, "edit"),
    ]
    assert "(v1)" in prep_sections_v1

    prep_sections.restore_revision(session, revisions[0].id or 0)
    session.commit()
    session.expire_all()
    stored = prep.prep_of(session, interview_id)
    assert stored is not None
    assert stored.predicted_questions == "My own **answers**"
    assert session.exec(select(PrepRevision).where(PrepRevision.replaced_by == "restore")).first() is not None


def test_hit_rate_follows_the_questions_recorded_after_a_round(
    session: Session, candidate: Candidate, fake_llm: FakeOpenAIServer
) -> None:
    job_id = new_job(session, candidate.id, **PREP_JOB)
    interview_id = new_round(session, job_id, "Tech screen", **PREP_ROUND)
    queue_base_prep(fake_llm)
    queue_interview_prep(fake_llm, questions=4)
    run(
        prep.run_interview_prep(
            prep.queue_interview_prep(session, interview_id).id or 0, llm=llm_for(fake_llm), profile=PROFILE
        )
    )
    session.expire_all()
    prep_sections.record_questions_asked(session, interview_id, ["How did you scale the ledger pipeline?", "Why us?"])
    session.commit()
    interview = session.get(Interview, interview_id)
    assert interview is not None
    hits = prep_sections.round_hits(session, interview, prep.prep_of(session, interview_id))
    assert hits.rate == 0.25, "one asked question matches one of four predicted"
    history = prep_sections.hit_history(session, candidate.id or 0)
    assert [h.label for h in history] == ["Acme: Tech screen"]


def test_bulk_targets_put_the_coming_interviews_first(session: Session, candidate: Candidate) -> None:
    now = datetime(2030, 1, 10, 12, tzinfo=UTC)
    acme, zeta = (
        new_job(session, candidate.id, **PREP_JOB | {"company": "Acme"}),
        new_job(session, candidate.id, **PREP_JOB | {"company": "Zeta"}),
    )

    def scheduled(job_id: int, name: str, days: int | None, outcome: str = "pending") -> None:
        when = now + timedelta(days=days) if days is not None else None
        interview = add_round(session, job_id, RoundFields(name=name, kind="technical", scheduled_at=when))
        interview.outcome = outcome
        session.commit()

    scheduled(acme, "Held last week", -7)
    scheduled(acme, "Passed yesterday", -1, outcome="passed")
    scheduled(acme, "Next month", 30)
    scheduled(zeta, "Tomorrow", 1)
    scheduled(zeta, "No date yet", None)

    jobs, rounds = prep.bulk_targets(session, candidate.id or 0, now=now)
    assert [target.label for target in rounds] == [
        "Zeta: 1. Tomorrow",
        "Acme: 3. Next month",
        "Zeta: 2. No date yet",
        "Acme: 2. Passed yesterday",
        "Acme: 1. Held last week",
    ]
    assert [target.detail.endswith("· past") for target in rounds] == [False, False, False, True, True]
    assert [target.job_id for target in jobs] == [zeta, acme]  # the job with the soonest interview first


def test_bulk_targets_name_the_year_of_a_round_in_another_year(session: Session, candidate: Candidate) -> None:
    now = datetime(2030, 12, 20, 12, tzinfo=UTC)
    acme = new_job(session, candidate.id, **PREP_JOB | {"company": "Acme"})
    add_round(
        session, acme, RoundFields(name="After the holidays", kind="technical", scheduled_at=now + timedelta(days=20))
    )
    add_round(session, acme, RoundFields(name="Before them", kind="technical", scheduled_at=now + timedelta(days=1)))
    session.commit()

    _, rounds = prep.bulk_targets(session, candidate.id or 0, now=now)
    details = {target.label: target.detail for target in rounds}
    assert ", 2031," in details["Acme: 1. After the holidays"]
    assert "2030" not in details["Acme: 2. Before them"]
