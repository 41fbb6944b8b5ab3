"""A job's details (date applied, work mode, salary range, tags) and notes: the rules, the service,
the board's filters, the API and the migration that added them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import text
from sqlmodel import Session

from peregrine import db
from peregrine.api.app import build_api
from peregrine.domain import job_details, limits
from peregrine.models import Candidate
from peregrine.services import api_tokens
from peregrine.services import jobs as job_service
from peregrine.services.analytics import time_in_stages
from peregrine.services.board import BoardFilters, filter_choices, load_board
from peregrine.services.errors import InvalidInput, StaleVersion
from peregrine.services.jobs import JobFields


def test_tags_are_trimmed_kept_once_and_never_cut() -> None:
    assert job_details.clean_tags(" python ,  Fin  Tech,PYTHON,, ") == ["python", "Fin Tech"]
    assert job_details.clean_tags(["a,b", "c"]) == ["a", "b", "c"]
    with pytest.raises(job_details.BadDetail, match="the limit is 50"):
        job_details.clean_tags("x" * (limits.JOB_TAG + 1))
    with pytest.raises(job_details.BadDetail, match="at most 20 tags"):
        job_details.clean_tags([f"t{n}" for n in range(limits.JOB_TAGS + 1)])


@pytest.mark.parametrize(
    ("low", "high", "currency", "message"),
    [
        (-1, None, "", "lowest salary cannot be negative"),
        (100, 90, "", "the lowest is above the highest"),
        (None, 10**10, "", "at most 1,000,000,000"),
        (1, 2, "dollars", "not a currency code"),
    ],
)
def test_a_salary_range_says_what_is_wrong(low: int | None, high: int | None, currency: str, message: str) -> None:
    with pytest.raises(job_details.BadDetail, match=message):
        job_details.check_salary(low, high, currency)


def test_the_salary_reads_as_a_range() -> None:
    assert job_details.salary_label(90_000, 120_000, "EUR") == "90,000 to 120,000 EUR"
    assert job_details.salary_label(90_000, None, "") == "from 90,000"
    assert job_details.salary_label(None, None, "USD") == ""


def _add(session: Session, candidate: Candidate, company: str, **details: object) -> int:
    job = job_service.create_job(session, candidate.id or 0, JobFields(company=company, title="Engineer", **details))  # type: ignore[arg-type]
    session.commit()
    return job.id or 0


def test_a_new_job_is_applied_today_and_keeps_its_details(session: Session, candidate: Candidate) -> None:
    plain = _add(session, candidate, "Plain")
    detailed = _add(
        session,
        candidate,
        "Acme",
        applied_on=date(2026, 11, 2),
        work_mode="Remote",
        salary_min=90_000,
        salary_max=120_000,
        salary_currency="eur",
        tags="python, fintech",
    )
    job = job_service.get_job(session, detailed)
    assert (job.applied_on, job.work_mode, job.salary_min, job.salary_max, job.salary_currency, job.tags) == (
        date(2026, 11, 2),
        "remote",
        90_000,
        120_000,
        "EUR",
        "python,fintech",
    )
    assert job_service.get_job(session, plain).applied_on == job_service.get_job(session, plain).created_at.date()
    # An edit that does not say the date keeps it.
    job_service.update_job(session, detailed, JobFields(company="Acme", title="Lead"), expected_version=job.version)
    assert job_service.get_job(session, detailed).applied_on == date(2026, 11, 2)
    with pytest.raises(InvalidInput, match="not a work mode"):
        _add(session, candidate, "Bad", work_mode="mars")


def test_adding_a_job_leaves_the_time_in_stage_figures_alone(session: Session, candidate: Candidate) -> None:
    before = time_in_stages(session, candidate.id or 0)
    _add(session, candidate, "Acme", applied_on=date(2020, 1, 1))
    assert time_in_stages(session, candidate.id or 0) == before


def test_the_board_and_the_list_filter_by_work_mode_and_tag(session: Session, candidate: Candidate) -> None:
    remote = _add(session, candidate, "Acme", work_mode="remote", tags="Python, 100%_remote")
    onsite = _add(session, candidate, "Globex", work_mode="onsite", tags="python")
    other = _add(session, candidate, "Initech", tags="pythonic")
    cid = candidate.id or 0

    def shown(filters: BoardFilters) -> set[int]:
        return {job_id for ids in load_board(session, cid, filters=filters).columns.values() for job_id in ids}

    assert shown(BoardFilters(work_mode="remote")) == {remote}
    assert shown(BoardFilters(tag="python")) == {remote, onsite}
    assert [tag.lower() for tag in load_board(session, cid).tags] == ["100%_remote", "python", "pythonic"]  # each once
    assert [tag.lower() for tag in filter_choices(session, cid)[1]] == ["100%_remote", "python", "pythonic"]

    def listed(**filters: str) -> set[int]:
        return {job.id or 0 for job in job_service.list_jobs(session, cid, **filters)}  # type: ignore[arg-type]

    assert listed(tag="PYTHON") == {remote, onsite}  # a whole tag, any case: not "pythonic"
    assert listed(tag="100%_remote") == {remote}
    assert listed(tag="100") == set()
    assert listed(work_mode="onsite", tag="python") == {onsite}
    assert other not in listed(tag="python")


def test_notes_changed_elsewhere_are_never_overwritten(session: Session, candidate: Candidate) -> None:
    job_id = _add(session, candidate, "Acme")
    job_service.save_notes(session, job_id, "Met Ada.\r\n", previous="")
    session.commit()
    assert job_service.get_job(session, job_id).notes == "Met Ada."
    with pytest.raises(StaleVersion, match="changed elsewhere"):
        job_service.save_notes(session, job_id, "Mine", previous="")
    with pytest.raises(InvalidInput, match="The notes are 20,001 characters"):
        job_service.save_notes(session, job_id, "x" * (limits.JOB_NOTES + 1), previous="Met Ada.")


@pytest_asyncio.fixture
async def client(session: Session, candidate: Candidate) -> AsyncIterator[httpx.AsyncClient]:
    _, token = api_tokens.create_token(session, candidate.id or 0, "test")
    session.commit()
    transport = httpx.ASGITransport(app=build_api(), raise_app_exceptions=False)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(transport=transport, base_url="http://peregrine", headers=headers) as opened:
        yield opened


@pytest.mark.asyncio
async def test_the_api_reads_writes_and_filters_the_details(client: httpx.AsyncClient) -> None:
    body = {
        "company": "Acme",
        "title": "Engineer",
        "applied_on": "2026-11-02",
        "work_mode": "hybrid",
        "salary_min": 90000,
        "salary_max": 120000,
        "salary_currency": "EUR",
        "tags": ["python", "fintech"],
        "notes": "Referred by Ada.",
    }
    created = await client.post("/api/v1/jobs", json=body)
    assert created.status_code == 201, created.text
    job = created.json()
    assert (job["applied_on"], job["work_mode"], job["tags"], job["notes"]) == (
        "2026-11-02",
        "hybrid",
        ["python", "fintech"],
        "Referred by Ada.",
    )
    await client.post("/api/v1/jobs", json={"company": "Globex", "title": "Designer"})
    found = await client.get("/api/v1/jobs", params={"tag": "fintech", "work_mode": "hybrid"})
    assert [item["company"] for item in found.json()] == ["Acme"]
    # A PUT that leaves the notes out keeps them.
    updated = await client.put(f"/api/v1/jobs/{job['id']}", json={"company": "Acme", "title": "Lead"})
    assert updated.json()["notes"] == "Referred by Ada."
    refused = await client.post("/api/v1/jobs", json={"company": "A", "title": "B", "work_mode": "mars"})
    assert refused.status_code == 422


def test_0009_dates_each_older_job_the_day_it_was_added(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PEREGRINE_DB_URL", f"sqlite:///{tmp_path / 'old.db'}")
    monkeypatch.setenv("PEREGRINE_DATA_DIR", str(tmp_path))
    db.engine_for.cache_clear()
    db.migrate("0008")
    with db.engine().begin() as connection:
        connection.execute(
            text("INSERT INTO candidate (id, name, email, headline, created_at) VALUES (7, 'Ada', '', '', :t)"),
            {"t": "2026-03-02 09:00:00.000000"},
        )
        connection.execute(
            text(
                "INSERT INTO job (id, candidate_id, company, title, url, location, source, recruiter, raw_jd_text,"
                " stage, stage_entered_at, position, version, created_at, updated_at)"
                " VALUES (1, 7, 'Acme', 'Engineer', '', '', '', '', '', 'applied', :t, 0, 1, :t, :t)"
            ),
            {"t": "2026-03-02 09:00:00.000000"},
        )
    db.migrate()
    with db.session_scope() as session:
        job = job_service.get_job(session, 1)
        assert (job.applied_on, job.work_mode, job.tags, job.notes) == (date(2026, 3, 2), "", "", "")
    db.engine_for.cache_clear()
