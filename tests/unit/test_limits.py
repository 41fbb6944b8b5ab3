"""Every field's limit (domain.limits) holds in every service, the same in the API: a value over
its limit is refused with a message naming the field, its length and the limit, and nothing is
written; nothing is ever cut to fit."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sqlmodel import Session, SQLModel, func, select

from peregrine import db
from peregrine.api.app import build_api
from peregrine.domain import limits
from peregrine.models import (
    ApiToken,
    Candidate,
    ExperienceProject,
    ExperienceProjectBase,
    Interview,
    Job,
    JobBase,
    Offer,
    OfferBase,
    PracticeMessage,
    PrepBase,
    ResumeBullet,
    SurveyResponse,
)
from peregrine.services import api_tokens, interviews, offers, practice, prep_sections, resume, survey
from peregrine.services import jobs as job_service
from peregrine.services.errors import InvalidInput
from peregrine.services.interviews import RoundFields
from peregrine.services.jobs import JobFields
from peregrine.services.offers import OfferFields
from peregrine.services.resume import ProjectFields


def refusal(action: Callable[[Session], object]) -> str:
    """Run `action` in its own transaction; the message it was refused with."""
    with pytest.raises(InvalidInput) as refused, db.session_scope() as session:
        action(session)
    return str(refused.value)


def count(model: type[Any]) -> int:
    with db.session_scope() as session:
        return session.exec(select(func.count()).select_from(model)).one()


@pytest.fixture
def job_id(session: Session, candidate: Candidate) -> int:
    job = job_service.create_job(session, candidate.id or 0, JobFields(company="Acme", title="Engineer"))
    session.commit()
    assert job.id is not None
    return job.id


@pytest.fixture
def round_id(session: Session, job_id: int) -> int:
    interview = interviews.add_round(session, job_id, RoundFields(name="Technical screen"), follow_stage=False)
    session.commit()
    assert interview.id is not None
    return interview.id


def test_the_job_dialog_s_whole_form_fits_in_one_websocket_message() -> None:
    """The dialog sends its fields once, in the Save event: even with every character escaped to six
    bytes (\\u0001), the longest form stays under Reflex's websocket message cap."""
    from reflex_base.environment import environment

    cap = environment.REFLEX_SOCKET_MAX_HTTP_BUFFER_SIZE.get()
    assert cap >= 1_000_000
    longest_form = sum(limit for _what, limit in limits.JOB_FIELDS.values())
    assert 6 * longest_form + 2_000 < cap  # + the event's name, token and router data


def test_too_long_names_the_field_its_length_and_the_limit() -> None:
    assert limits.too_long("The job description is", "x" * 100_000, limits.JOB_DESCRIPTION) is None
    assert (
        limits.too_long("The job description is", "x" * 123_456, limits.JOB_DESCRIPTION)
        == "The job description is 123,456 characters; the limit is 100,000."
    )


# ----------------------------------------------------------------------------- jobs
@pytest.mark.parametrize("key", list(limits.JOB_FIELDS))
def test_a_job_field_over_its_limit_is_refused_and_no_job_is_added(candidate: Candidate, key: str) -> None:
    subject, limit = limits.JOB_FIELDS[key]
    over = ("https://example.com/" if key == "url" else "").ljust(limit + 1, "x")
    fields = JobFields(company="Acme", title="Engineer")
    setattr(fields, key, over)
    message = refusal(lambda session: job_service.create_job(session, candidate.id or 0, fields))
    assert message == f"{subject} {len(over):,} characters; the limit is {limit:,}. Nothing was saved."
    assert count(Job) == 0


def test_a_description_of_exactly_the_limit_is_kept_whole(session: Session, candidate: Candidate) -> None:
    description = ("A line of the posting.\n" * 5_000)[: limits.JOB_DESCRIPTION - 1] + "."
    job = job_service.create_job(
        session, candidate.id or 0, JobFields(company="Acme", title="Engineer", raw_jd_text=description)
    )
    assert len(job.raw_jd_text) == limits.JOB_DESCRIPTION


def test_an_edit_over_the_limit_leaves_the_job_as_it_was(job_id: int) -> None:
    fields = JobFields(company="Acme", title="Engineer", raw_jd_text="x" * 123_456)
    message = refusal(lambda session: job_service.update_job(session, job_id, fields, expected_version=1))
    assert message == "The job description is 123,456 characters; the limit is 100,000. Nothing was saved."
    with db.session_scope() as session:
        job = job_service.get_job(session, job_id)
        assert (job.raw_jd_text, job.version) == ("", 1)


# ----------------------------------------------------------------------------- rounds
def test_a_round_over_its_limits_is_refused_and_not_added(job_id: int) -> None:
    message = refusal(lambda session: interviews.add_round(session, job_id, RoundFields(name="R" * 301)))
    assert message == "The round's name is 301 characters; the limit is 300. Nothing was saved."

    people = [{"name": f"Person {n}"} for n in range(limits.INTERVIEWERS + 1)]
    crowded = RoundFields(name="Panel", interviewers=people)
    message = refusal(lambda session: interviews.add_round(session, job_id, crowded))
    assert message == "That is 31 interviewers; a round holds at most 30. Nothing was saved."

    long_role = [{"name": "Ana", "role": "Staff engineer"}, {"name": "Bo", "role": "r" * 301}]
    fields = RoundFields(name="Panel", interviewers=long_role)
    message = refusal(lambda session: interviews.add_round(session, job_id, fields))
    assert message == "Interviewer 2's role is 301 characters; the limit is 300. Nothing was saved."
    assert count(Interview) == 0


def test_notes_over_their_limit_are_refused_and_the_outcome_is_not_recorded(round_id: int) -> None:
    notes = "n" * (limits.ROUND_NOTES + 1)
    message = refusal(lambda session: interviews.record_outcome(session, round_id, outcome="passed", notes=notes))
    assert message == "The notes are 20,001 characters; the limit is 20,000. Nothing was saved."
    message = refusal(
        lambda session: interviews.record_outcome(session, round_id, outcome="passed", feedback="f" * 20_001)
    )
    assert "The feedback is 20,001 characters; the limit is 20,000." in message
    with db.session_scope() as session:
        interview = interviews.get_round(session, round_id)
        assert (interview.outcome, interview.notes, interview.feedback) == ("pending", "", "")


# ----------------------------------------------------------------------------- offers
def test_offer_notes_over_their_limit_are_refused_and_no_offer_is_recorded(job_id: int) -> None:
    fields = OfferFields(base_salary=100_000, notes="n" * (limits.OFFER_NOTES + 1))
    message = refusal(lambda session: offers.record_offer(session, job_id, fields))
    assert message == "The offer's notes are 20,001 characters; the limit is 20,000. Nothing was saved."
    assert count(Offer) == 0
    with db.session_scope() as session:
        assert job_service.get_job(session, job_id).stage == "applied", "no move to Offer either"


# ----------------------------------------------------------------------------- resume
def test_a_project_or_bullet_over_its_limit_is_refused_and_not_added(candidate: Candidate) -> None:
    candidate_id = candidate.id or 0
    fields = ProjectFields(name="Ledger", situation="s" * (limits.PROJECT_STORY + 1))
    message = refusal(lambda session: resume.create_project(session, candidate_id, fields))
    assert message == "The situation is 10,001 characters; the limit is 10,000. Nothing was saved."
    stack = ", ".join(f"tool{n}" for n in range(400))
    wide = ProjectFields("Ledger", stack=stack)
    message = refusal(lambda session: resume.create_project(session, candidate_id, wide))
    assert message == f"The stack is {len(stack):,} characters; the limit is 2,000. Nothing was saved."
    assert count(ExperienceProject) == 0

    with db.session_scope() as session:
        project_id = resume.create_project(session, candidate_id, ProjectFields(name="Ledger")).id or 0
    message = refusal(lambda session: resume.add_bullet(session, project_id, "b" * 1_001))
    assert message == "The bullet is 1,001 characters; the limit is 1,000. Nothing was saved."
    assert count(ResumeBullet) == 0


def test_an_import_with_a_key_over_its_limit_names_its_line_and_imports_nothing(candidate: Candidate) -> None:
    text = "projects:\n  - name: Ledger\n    results: " + "r" * 10_001 + "\n"
    message = refusal(lambda session: resume.import_resume_yaml(session, candidate.id or 0, text, replace=True))
    assert message == (
        "Line 3: project 1 (“Ledger”), key “results”: is 10,001 characters; the limit is 10,000. Nothing was imported."
    )
    huge = "projects:\n" + "#" * limits.RESUME_IMPORT
    message = refusal(lambda session: resume.import_resume_yaml(session, candidate.id or 0, huge, replace=True))
    assert message.startswith(f"The resume file is {len(huge):,} characters; the limit is 200,000.")
    assert count(ExperienceProject) == 0


# ----------------------------------------------------------------------------- prep, practice, survey
def test_a_prep_section_or_questions_over_their_limits_are_refused(
    session: Session, job_id: int, round_id: int
) -> None:
    base = PrepBase(job_id=job_id, formatted_jd="The posting.")
    session.add(base)
    session.commit()
    text = "m" * (limits.PREP_SECTION + 1)
    message = refusal(lambda s: prep_sections.save_section(s, "base", base.id or 0, "formatted_jd", text))
    assert message == "That section is 40,001 characters; the limit is 40,000. Nothing was saved."

    too_many = [f"Question {n}?" for n in range(limits.QUESTIONS_ASKED + 1)]
    message = refusal(lambda s: prep_sections.record_questions_asked(s, round_id, too_many))
    assert message == "That is 51 questions; a round records at most 50. Nothing was saved."
    message = refusal(lambda s: prep_sections.record_questions_asked(s, round_id, ["Why us?", "q" * 501]))
    assert message == "Question 2 is 501 characters; the limit is 500. Nothing was saved."
    with db.session_scope() as fresh:
        assert fresh.get(PrepBase, base.id).formatted_jd == "The posting."  # type: ignore[union-attr]
        assert interviews.get_round(fresh, round_id).questions_asked == []


def test_a_practice_answer_over_its_limit_is_refused(session: Session, round_id: int) -> None:
    practice_id = practice.start_session(session, round_id).id or 0
    session.commit()
    message = refusal(lambda s: practice.add_answer(s, practice_id, "a" * (limits.PRACTICE_ANSWER + 1)))
    assert message == "That answer is 8,001 characters; the limit is 8,000. Nothing was saved."
    assert count(PracticeMessage) == 0


def test_survey_texts_over_their_limits_are_refused_never_cut(session: Session, job_id: int) -> None:
    pasted = "p" * (limits.SURVEY_PASTED + 1)
    message = refusal(lambda s: survey.start_survey(s, job_id, pasted_text=pasted))
    assert message == "The pasted text is 50,001 characters; the limit is 50,000. Nothing was saved."
    assert count(SurveyResponse) == 0

    started = survey.start_survey(session, job_id, pasted_text="1. Why us?")
    started.questions = [{"question": "Why us?", "answer": "Because.", "rationale": ""}]
    session.add(started)
    session.commit()
    survey_id = started.id or 0
    message = refusal(lambda s: survey.save_survey(s, survey_id, pasted_text=pasted))
    assert "The pasted text is 50,001 characters" in message
    message = refusal(lambda s: survey.save_survey(s, survey_id, answers=["a" * (limits.SURVEY_ANSWER + 1)]))
    assert message == "The answer to question 1 is 5,001 characters; the limit is 5,000. Nothing was saved."
    with db.session_scope() as fresh:
        stored = survey.get_survey(fresh, survey_id)
        assert (stored.pasted_text, stored.questions[0]["answer"]) == ("1. Why us?", "Because.")


def test_a_token_name_over_its_limit_creates_no_token(candidate: Candidate) -> None:
    message = refusal(lambda s: api_tokens.create_token(s, candidate.id or 0, "n" * (limits.API_TOKEN_NAME + 1)))
    assert message == "The token's name is 101 characters; the limit is 100. No token was created."
    assert count(ApiToken) == 0


# ----------------------------------------------------------------------------- the API agrees
@pytest.fixture
def api(session: Session, candidate: Candidate) -> tuple[httpx.AsyncClient, dict[str, str]]:
    _, token = api_tokens.create_token(session, candidate.id or 0, "test")
    session.commit()
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=build_api()), base_url="http://peregrine")
    return client, {"Authorization": f"Bearer {token}"}


@pytest.mark.asyncio
async def test_the_api_refuses_a_description_over_the_limit_with_422_and_keeps_one_at_it(
    api: tuple[httpx.AsyncClient, dict[str, str]],
) -> None:
    client, headers = api
    async with client:
        over = {"company": "Acme", "title": "Engineer", "description": "x" * (limits.JOB_DESCRIPTION + 1)}
        answer = await client.post("/api/v1/jobs", json=over, headers=headers)
        assert answer.status_code == 422, answer.text
        [problem] = answer.json()["detail"]
        assert problem["loc"] == ["body", "description"]
        assert "100000" in problem["msg"]
        assert count(Job) == 0

        at_limit = over | {"description": "x" * limits.JOB_DESCRIPTION}
        answer = await client.post("/api/v1/jobs", json=at_limit, headers=headers)
        assert answer.status_code == 201, answer.text
        assert len(answer.json()["description"]) == limits.JOB_DESCRIPTION

        # An edit over the limit is refused the same way and changes nothing.
        job_id = answer.json()["id"]
        answer = await client.put(f"/api/v1/jobs/{job_id}", json=over, headers=headers)
        assert answer.status_code == 422, answer.text
    with db.session_scope() as session:
        assert len(job_service.get_job(session, job_id).raw_jd_text) == limits.JOB_DESCRIPTION


def test_the_api_schemas_use_the_same_limits() -> None:
    schema = build_api().openapi()["components"]["schemas"]
    job = schema["JobCreate"]["properties"]  # the body of a new job (JobIn, with its stage)
    short = ("company", "title", "url", "location", "source", "recruiter")
    assert {name: job[name]["maxLength"] for name in short} == {
        "company": limits.COMPANY,
        "title": limits.JOB_TITLE,
        "url": limits.JOB_URL,
        "location": limits.LOCATION,
        "source": limits.SOURCE,
        "recruiter": limits.RECRUITER,
    }
    assert job["description"]["maxLength"] == limits.JOB_DESCRIPTION
    outcome = json.dumps(schema["OutcomeIn"]["properties"]["notes"])
    assert f'"maxLength": {limits.ROUND_NOTES}' in outcome
    assert schema["OfferIn"]["properties"]["notes"]["maxLength"] == limits.OFFER_NOTES
    assert schema["Interviewer"]["properties"]["name"]["maxLength"] == limits.INTERVIEWER_NAME


@pytest.mark.parametrize(
    ("base", "service_fields", "checked"),
    [
        (JobBase, JobFields, limits.JOB_FIELDS | limits.JOB_DETAIL_FIELDS),
        (OfferBase, OfferFields, limits.OFFER_FIELDS),
        (ExperienceProjectBase, ProjectFields, limits.PROJECT_FIELDS),
    ],
)
def test_a_family_has_one_field_list_and_one_limit_per_field(
    base: type[SQLModel], service_fields: type, checked: dict[str, tuple[str, int]]
) -> None:
    """The service's input takes every field of its base, and checks each text field at the base's limit."""
    assert set(base.model_fields) <= {field.name for field in dataclasses.fields(service_fields)}
    base_limits = {
        name: bound.max_length
        for name, info in base.model_fields.items()
        for bound in info.metadata
        if getattr(bound, "max_length", None) is not None
    }
    assert base_limits
    assert {name: checked[name][1] for name in base_limits} == base_limits
