"""Prep made section by section, against the fake OpenAI-compatible server on a real SQLite file.

A 4,096-token backend gets only requests that fit, with the inputs trimmed in their order (the most
relevant projects, the latest rounds) and the left-out notice stored for the page; a section that
fails (invalid, cut off, refused for the window, empty) keeps the others and its Retry writes it
alone; regenerating one section leaves the others' text and history.
"""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlmodel import Session, col, select

from peregrine import db
from peregrine.config import UserProfile
from peregrine.llm.budget import estimate_tokens
from peregrine.llm.client import LLMClient
from peregrine.llm.settings import LLMBackend, LLMSettings
from peregrine.models import Candidate, Interview, InterviewPrep, PrepRevision, Task
from peregrine.services import prep, prep_sections, resume
from peregrine.services.errors import InvalidInput
from tests.factories import new_job, new_round
from tests.fakes.openai_server import FakeOpenAIServer, requested_schema
from tests.fakes.prep_answers import interview_prep_answers, queue_base_prep, queue_interview_prep

PROFILE = UserProfile(name="Ada Lovelace", headline="Backend engineer")
JD_LINE = "You will run Kafka streaming pipelines and Python consumers over a Postgres ledger."


def llm_for(server: FakeOpenAIServer, context_tokens: int | None = None) -> LLMClient:
    backend = LLMBackend(
        name="local", base_url=server.url, model="fake-model", timeout_s=5, context_tokens=context_tokens
    )
    return LLMClient(LLMSettings(backends=(backend,)))


def run_round(session: Session, interview_id: int, llm: LLMClient, **queue: Any) -> Task:
    task = prep.queue_interview_prep(session, interview_id, **queue)
    session.commit()
    asyncio.run(prep.run_interview_prep(task.id or 0, llm=llm, profile=PROFILE))
    with db.session_scope() as check:
        finished = check.get(Task, task.id)
        assert finished is not None
        check.expunge(finished)
        return finished


def stored_round(interview_id: int) -> InterviewPrep:
    with db.session_scope() as check:
        stored = prep.prep_of(check, interview_id)
        assert stored is not None
        check.expunge(stored)
        return stored


def sent_for(server: FakeOpenAIServer, schema: str) -> str:
    bodies = [request for request in server.requests if requested_schema(request) == schema]
    return "\n".join(str(m["content"]) for m in bodies[-1]["messages"] if m["role"] == "user")


@pytest.fixture
def one_round(session: Session, candidate: Candidate) -> int:
    job_id = new_job(session, candidate.id, title="Data Engineer", raw_jd_text=JD_LINE)
    return new_round(session, job_id, "Streaming deep dive", kind="technical")


def write_base(session: Session, interview_id: int, server: FakeOpenAIServer) -> int:
    """The base prep of the round's job, written whole; the job's id."""
    interview = session.get(Interview, interview_id)
    assert interview is not None
    queue_base_prep(server)
    task = prep.queue_base_prep(session, interview.job_id)
    session.commit()
    asyncio.run(prep.run_base_prep(task.id or 0, llm=llm_for(server), profile=PROFILE))
    return interview.job_id


# ---------------------------------------------------------------------------------- the window
def seed_many(session: Session, candidate: Candidate) -> tuple[int, int]:
    """A long description, nine projects (one about the job's own stack) and four earlier rounds."""
    assert candidate.id is not None
    filler = "Built and ran a mobile checkout flow in Swift with offline sync and careful UI testing. " * 9
    for number in range(1, 9):
        resume.create_project(session, candidate.id, resume.ProjectFields(name=f"Swift app {number}", actions=filler))
    resume.create_project(
        session,
        candidate.id,
        resume.ProjectFields(
            name="Ledger on Kafka", actions="Kafka streaming pipelines, Python consumers, Postgres ledger"
        ),
    )
    session.commit()
    job_id = new_job(session, candidate.id, title="Data Engineer", raw_jd_text="\n".join([JD_LINE] * 250))
    for number in range(1, 5):
        earlier = new_round(session, job_id, f"Round {number}", kind="technical")
        interview = session.get(Interview, earlier)
        assert interview is not None
        interview.notes = f"NOTES-OF-ROUND-{number} " + "They probed consumer lag and rebalancing at length. " * 16
        session.add(interview)
    session.commit()
    return job_id, new_round(session, job_id, "Final round", kind="technical")


def test_a_4096_token_backend_gets_requests_that_fit_and_the_page_is_told_what_was_left_out(
    session: Session, candidate: Candidate, fake_llm: FakeOpenAIServer
) -> None:
    job_id, interview_id = seed_many(session, candidate)
    queue_base_prep(fake_llm)
    fake_llm.queue_json({"questions": []}, schema="PredictedQuestions")  # invalid: asked again, within the window
    queue_interview_prep(fake_llm)

    task = run_round(session, interview_id, llm_for(fake_llm, context_tokens=4096))

    assert task.status == "succeeded"
    assert len(fake_llm.requests) == 10, "nine sections, one of them asked twice"
    assert "could not be used" in fake_llm.requests[6]["messages"][-1]["content"], "the retry was sent"
    for request in fake_llm.requests:
        assert estimate_tokens(request["messages"]) + request["max_tokens"] <= 4096, requested_schema(request)
    drivers = sent_for(fake_llm, "CallbackDrivers")
    assert drivers.index("Project: Ledger on Kafka") < drivers.index("Project: Swift app 1"), "the most relevant first"
    assert "Project: Swift app 8" not in drivers
    predicted = sent_for(fake_llm, "PredictedQuestions")
    assert "NOTES-OF-ROUND-4" in predicted, "the latest round is sent"
    assert "NOTES-OF-ROUND-1" not in predicted, "the oldest is the first left out"
    dives = sent_for(fake_llm, "DeepDives")  # a smaller answer: room for more rounds
    assert dives.index("NOTES-OF-ROUND-4") < dives.index("NOTES-OF-ROUND-3"), "the latest first"
    with db.session_scope() as check:
        base = prep.base_of(check, job_id)
        assert base is not None
        said = base.left_out["primary_drivers"]
        assert said.startswith("the job description cut to ") or " of 9 projects sent (the most relevant" in said
        assert " of 9 projects sent (the most relevant to the job first)" in said
        assert said.endswith("the window of this model is 4,096 tokens.")
    notice = stored_round(interview_id).left_out["predicted_questions"]
    assert " of 4 earlier rounds sent (the latest first)" in notice


def test_without_a_window_nothing_is_trimmed_and_nothing_said(
    session: Session, candidate: Candidate, fake_llm: FakeOpenAIServer, one_round: int
) -> None:
    queue_base_prep(fake_llm)
    queue_interview_prep(fake_llm)
    run_round(session, one_round, llm_for(fake_llm))
    assert stored_round(one_round).left_out == {}


def test_a_window_too_small_for_any_detail_is_not_sent_and_says_which_backend(
    session: Session, candidate: Candidate, fake_llm: FakeOpenAIServer, one_round: int
) -> None:
    queue_base_prep(fake_llm)
    queue_interview_prep(fake_llm)

    task = run_round(session, one_round, llm_for(fake_llm, context_tokens=1000))

    assert task.status == "failed"
    asked = {requested_schema(request) for request in fake_llm.requests}
    assert "PredictedQuestions" not in asked, "never sent"
    assert "FormattedDescription" not in asked
    why = stored_round(one_round).section_errors["predicted_questions"]
    assert why.startswith("Not sent: the window of backend “local” is 1,000 tokens (context_tokens)")
    assert "its answer (1,500 tokens)" in why


def test_the_progress_line_names_each_section_and_each_is_saved_before_the_next(
    session: Session, candidate: Candidate, fake_llm: FakeOpenAIServer, one_round: int
) -> None:
    write_base(session, one_round, fake_llm)
    queue_interview_prep(fake_llm)
    fake_llm.delay_s = 0.3  # each answer takes a moment: the page sees every step
    task = prep.queue_interview_prep(session, one_round)
    session.commit()
    seen: list[tuple[str, list[str]]] = []
    with ThreadPoolExecutor(max_workers=1) as pool:
        running = pool.submit(
            asyncio.run, prep.run_interview_prep(task.id or 0, llm=llm_for(fake_llm), profile=PROFILE)
        )
        while not running.done():
            with db.session_scope() as check:
                phase = check.get(Task, task.id).phase  # type: ignore[union-attr]
                stored = prep.prep_of(check, one_round)
                written = [key for key, _ in prep.INTERVIEW_SECTIONS if stored is not None and getattr(stored, key)]
            if phase and (not seen or seen[-1][0] != phase):
                seen.append((phase, written))
            time.sleep(0.05)
    assert [phase for phase, _ in seen] == [
        "Writing the interview preparation: preparation roadmap (1 of 5)",
        "Writing the interview preparation: predicted questions (2 of 5)",
        "Writing the interview preparation: questions to ask (3 of 5)",
        "Writing the interview preparation: resume defense (4 of 5)",
        "Writing the interview preparation: technical deep dives (5 of 5)",
    ]
    keys = [key for key, _ in prep.INTERVIEW_SECTIONS]
    assert [written for _, written in seen] == [keys[:number] for number in range(5)], "saved one by one"


# ---------------------------------------------------------------------------------- one section fails
def cut_off_answer() -> dict[str, Any]:
    rationale = " ".join(["because"] * 120)
    return {"questions": [{"question": f"Question {n}?", "rationale": rationale} for n in range(5)]}


@pytest.mark.parametrize(
    ("failing", "key", "queue", "window", "reason"),
    [
        ("QuestionsToAsk", "interviewer_questions", "invalid", None, "invalid answer after 3 attempts"),
        ("QuestionsToAsk", "interviewer_questions", "cut", None, "cut off at its limit of 400 tokens"),
        ("PredictedQuestions", "predicted_questions", "", 2300, "Not sent: the window of backend “local”"),
    ],
    ids=["invalid", "cut-off", "refused-for-the-window"],
)
def test_a_section_that_fails_keeps_the_others_and_says_why(
    session: Session,
    candidate: Candidate,
    fake_llm: FakeOpenAIServer,
    one_round: int,
    failing: str,
    key: str,
    queue: str,
    window: int | None,
    reason: str,
) -> None:
    queue_base_prep(fake_llm)
    answers = interview_prep_answers(tag="kept")
    for schema, answer in answers.items():
        if schema == failing and queue == "invalid":
            for _ in range(3):
                fake_llm.queue_json(interview_prep_answers(asks=4)[schema], schema=schema)
        elif schema == failing and queue == "cut":
            fake_llm.queue_json(cut_off_answer(), schema=schema)
        elif schema != failing:
            fake_llm.queue_json(answer, schema=schema)

    task = run_round(session, one_round, llm_for(fake_llm, context_tokens=window))

    stored = stored_round(one_round)
    title = dict(prep.INTERVIEW_SECTIONS)[key]
    assert task.status == "failed"
    assert task.error == f"Not every section could be written ({title}): each says why, with Retry this section."
    assert reason in stored.section_errors[key]
    assert getattr(stored, key) == ""
    others = [name for name, _ in prep.INTERVIEW_SECTIONS if name != key]
    assert all(getattr(stored, name) for name in others), "the sections that succeeded are kept"
    assert set(stored.section_errors) == {key}


def test_empty_answers_are_failures_not_successes(
    session: Session, candidate: Candidate, fake_llm: FakeOpenAIServer, one_round: int
) -> None:
    job_id = write_base(session, one_round, fake_llm)
    for _ in range(3):  # an empty list of drivers, asked three times
        fake_llm.queue_json({"drivers": []}, schema="CallbackDrivers")
    for _ in range(3):  # only spaces
        fake_llm.queue_json({"markdown": " " * 60}, schema="CompanyContext")
    # valid for the schema, but nothing is left once the markup is made inert
    fake_llm.queue_json(
        {"markdown": "<script>alert('and nothing else at all')</script>"}, schema="FormattedDescription"
    )
    fake_llm.queue_json({"opening": "Hi.", "core": "Me.", "forward_hook": "You."}, schema="BackgroundNarrative")
    task = prep.queue_base_prep(session, job_id)
    session.commit()
    asyncio.run(prep.run_base_prep(task.id or 0, llm=llm_for(fake_llm), profile=PROFILE))

    with db.session_scope() as check:
        base = prep.base_of(check, job_id)
        assert base is not None
        assert "drivers: List should have at least 1 item" in base.section_errors["primary_drivers"]
        assert "at least 40 characters" in base.section_errors["company_context"]
        assert base.section_errors["formatted_jd"].startswith("The answer was next to empty")
        assert "Kafka at scale" in base.formatted_jd, "the previous text stays"
        assert "Acme builds reusable rockets" in base.company_context
        assert "**Opening.** Hi." in base.background_narrative, "short but not empty: kept"


# ---------------------------------------------------------------------------------- retry, regenerate
def test_retry_this_section_writes_only_it_and_leaves_the_others(
    session: Session, candidate: Candidate, fake_llm: FakeOpenAIServer, one_round: int
) -> None:
    write_base(session, one_round, fake_llm)
    fake_llm.fail_next(status=500, times=5)  # every round section fails
    run_round(session, one_round, llm_for(fake_llm))
    assert set(stored_round(one_round).section_errors) == {key for key, _ in prep.INTERVIEW_SECTIONS}
    fake_llm.reset()
    queue_interview_prep(fake_llm, tag="retried")

    task = run_round(session, one_round, llm_for(fake_llm), sections=["technical_deep_dives"])

    assert [requested_schema(request) for request in fake_llm.requests] == ["DeepDives"]
    assert task.status == "succeeded"
    stored = stored_round(one_round)
    assert "(retried)" in stored.technical_deep_dives
    assert "technical_deep_dives" not in stored.section_errors
    assert len(stored.section_errors) == 4, "the others still say why, each with its own Retry"


def test_regenerating_one_section_leaves_the_others_text_and_revisions(
    session: Session, candidate: Candidate, fake_llm: FakeOpenAIServer, one_round: int
) -> None:
    llm = llm_for(fake_llm)
    queue_base_prep(fake_llm)
    queue_interview_prep(fake_llm, tag="v1")
    run_round(session, one_round, llm)
    queue_interview_prep(fake_llm, tag="v2")
    run_round(session, one_round, llm)
    before = stored_round(one_round)
    assert before.id is not None

    def revisions() -> dict[str, int]:
        with db.session_scope() as check:
            rows = check.exec(select(PrepRevision).where(col(PrepRevision.owner_id) == before.id)).all()
            return {key: sum(1 for row in rows if row.section == key) for key, _ in prep.INTERVIEW_SECTIONS}

    counted = revisions()
    assert counted["resume_defense_prep"] == 1, "v1 kept when v2 replaced it"
    fake_llm.queue_json(interview_prep_answers(tag="v3")["ResumeDefense"], schema="ResumeDefense")

    run_round(session, one_round, llm, sections=["resume_defense_prep"])

    after = stored_round(one_round)
    assert "(v3)" in after.resume_defense_prep
    for key, _ in prep.INTERVIEW_SECTIONS:
        if key != "resume_defense_prep":
            assert getattr(after, key) == getattr(before, key)
    assert revisions() == counted | {"resume_defense_prep": 2}


def test_an_edit_ends_the_section_failure_and_a_retry_of_an_unknown_section_is_refused(
    session: Session, candidate: Candidate, fake_llm: FakeOpenAIServer, one_round: int
) -> None:
    queue_base_prep(fake_llm)
    for schema, answer in interview_prep_answers().items():
        for _ in range(3 if schema == "QuestionsToAsk" else 1):
            fake_llm.queue_json({"questions": []} if schema == "QuestionsToAsk" else answer, schema=schema)
    run_round(session, one_round, llm_for(fake_llm))
    stored = stored_round(one_round)
    assert "interviewer_questions" in stored.section_errors

    prep_sections.save_section(session, "interview", stored.id or 0, "interviewer_questions", "1. **Why this team?**")
    session.commit()
    assert stored_round(one_round).section_errors == {}

    with pytest.raises(InvalidInput, match="Unknown section 'nonsense'"):
        prep.queue_interview_prep(session, one_round, sections=["nonsense"])


def test_with_no_model_configured_the_run_fails_whole_and_no_section_is_marked(
    session: Session, candidate: Candidate, one_round: int
) -> None:
    interview = session.get(Interview, one_round)
    assert interview is not None
    task = prep.queue_base_prep(session, interview.job_id)
    session.commit()
    asyncio.run(prep.run_base_prep(task.id or 0, llm=LLMClient(LLMSettings()), profile=PROFILE))
    with db.session_scope() as check:
        failed = check.get(Task, task.id)
        assert failed is not None
        assert (failed.error or "").startswith("No language model is configured.")
        assert prep.base_of(check, interview.job_id) is None
