"""The capture API the browser extension calls: a page's preview (its fields and the board's
warnings), the save, the larger body limit of the preview alone, and tokens."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
from sqlmodel import Session, select

from peregrine.api.app import build_api
from peregrine.domain.stages import MoveSource, RejectionReason, Stage
from peregrine.models import Candidate, Job
from peregrine.services import api_tokens
from peregrine.services import jobs as job_service
from peregrine.services.capture.review import SAVED_NEEDS_STAGE
from peregrine.web.policy import CAPTURE_PREVIEW_PATH, MB, BodyLimits
from tests.factories import new_job
from tests.fakes.postings import page

POSTING_URL = "https://careers.google.example/jobs/123"


@pytest_asyncio.fixture
async def token(session: Session, candidate: Candidate) -> str:
    _, secret = api_tokens.create_token(session, candidate.id or 0, "extension")
    session.commit()
    return secret


@pytest_asyncio.fixture
async def client(token: str) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=build_api())
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(transport=transport, base_url="http://peregrine", headers=headers) as opened:
        yield opened


def _preview_body(html: str, **more: str) -> dict[str, str]:
    return {"url": POSTING_URL, "title": "Software Engineer | Careers at Google", "html": html, **more}


@pytest.mark.asyncio
async def test_a_preview_reads_the_posting(client: httpx.AsyncClient) -> None:
    answer = await client.post("/api/v1/capture/preview", json=_preview_body(page("schema_org_json_ld")))
    assert answer.status_code == 200
    body = answer.json()
    assert body["extracted_by"] == "json-ld"
    assert body["warnings"] == []
    fields = body["fields"]
    assert (fields["company"], fields["title"]) == ("Google", "Software Engineer")
    assert fields["location"] == "Mountain View, CA, US"
    # 40 USD an hour, as the yearly figure a job stores.
    assert (fields["salary_min"], fields["salary_max"], fields["salary_currency"]) == (83200, 83200, "USD")
    assert fields["url"] == POSTING_URL
    assert fields["source"] == "Company site"
    assert "- Design and build systems" in fields["description"]


@pytest.mark.asyncio
async def test_a_preview_warns_of_a_duplicate_and_of_a_rejection(client: httpx.AsyncClient, session: Session) -> None:
    duplicate = new_job(session, company="Google", title="Software Engineer")
    turned_down = new_job(session, company="Google", title="SRE", stage=Stage.PHONE_SCREEN)
    job_service.move_job(
        session, turned_down, Stage.REJECTED, source=MoveSource.BUTTON, reason=RejectionReason.REJECTED_BY_COMPANY
    )
    ghosting = new_job(session, company="Google", title="Data engineer", stage=Stage.REJECTED)
    session.commit()

    body = (await client.post("/api/v1/capture/preview", json=_preview_body(page("schema_org_json_ld")))).json()
    by_kind = {warning["kind"]: warning for warning in body["warnings"]}
    assert by_kind["duplicate"]["job_id"] == duplicate
    assert by_kind["duplicate"]["job_url"] == f"/applications/{duplicate}"
    assert "Already on your board" in by_kind["duplicate"]["message"]
    assert by_kind["rejected"]["job_id"] == turned_down
    assert "Phone screen" in by_kind["rejected"]["message"]
    assert by_kind["ghosted"]["job_id"] == ghosting
    assert "ghosted you" in by_kind["ghosted"]["message"]


@pytest.mark.asyncio
async def test_another_candidates_jobs_never_warn(client: httpx.AsyncClient, session: Session) -> None:
    other = Candidate(name="Someone else")
    session.add(other)
    session.flush()
    new_job(session, other.id, company="Google", title="Software Engineer")
    new_job(session, other.id, company="Google", title="SRE", stage=Stage.REJECTED)
    session.commit()
    body = (await client.post("/api/v1/capture/preview", json=_preview_body(page("schema_org_json_ld")))).json()
    assert body["warnings"] == []


@pytest.mark.asyncio
async def test_a_capture_lands_in_applied(client: httpx.AsyncClient, session: Session) -> None:
    answer = await client.post(
        "/api/v1/capture",
        json={"company": "Google", "title": "Software Engineer", "url": POSTING_URL, "work_mode": "remote"},
    )
    assert answer.status_code == 201
    job_id = answer.json()["job_id"]
    assert answer.json()["job_url"] == f"/applications/{job_id}"
    job = session.get(Job, job_id)
    assert job is not None
    assert (job.stage, job.company, job.work_mode) == (Stage.APPLIED.value, "Google", "remote")


@pytest.mark.asyncio
async def test_not_applied_yet_waits_for_the_saved_stage(client: httpx.AsyncClient, session: Session) -> None:
    answer = await client.post("/api/v1/capture", json={"company": "Google", "title": "SWE", "saved": True})
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["msg"] == SAVED_NEEDS_STAGE
    assert session.exec(select(Job)).all() == []


@pytest.mark.asyncio
async def test_bad_input_is_refused_with_a_reason(client: httpx.AsyncClient) -> None:
    answer = await client.post("/api/v1/capture", json={"company": "", "title": "SWE"})
    assert answer.status_code == 422
    assert "company" in answer.text
    huge = "<p>" + "x" * (5 * MB) + "</p>"
    answer = await client.post("/api/v1/capture/preview", json=_preview_body(huge))
    assert answer.status_code == 422
    assert "at most 5 MB is read" in answer.text
    answer = await client.post("/api/v1/capture/preview", json={"url": POSTING_URL})
    assert answer.status_code == 422


@pytest.mark.asyncio
async def test_a_wrong_or_revoked_token_is_401(session: Session, candidate: Candidate, token: str) -> None:
    transport = httpx.ASGITransport(app=build_api())
    async with httpx.AsyncClient(transport=transport, base_url="http://peregrine") as anonymous:
        wrong = await anonymous.post(
            "/api/v1/capture/preview", json=_preview_body("<p/>"), headers={"Authorization": "Bearer nope"}
        )
        assert wrong.status_code == 401
        assert "valid bearer token" in wrong.json()["detail"]
        (record,) = api_tokens.tokens_of(session, candidate.id or 0)
        api_tokens.revoke_token(session, record.id or 0, candidate_id=candidate.id or 0)
        session.commit()
        revoked = await anonymous.post(
            "/api/v1/capture", json={"company": "A", "title": "B"}, headers={"Authorization": f"Bearer {token}"}
        )
        assert revoked.status_code == 401


def test_only_the_preview_takes_a_page_sized_body() -> None:
    limits = BodyLimits()
    assert limits.for_path(CAPTURE_PREVIEW_PATH) == 6 * MB
    assert limits.for_path("/api/v1/capture") == limits.api == MB
    assert limits.for_path(CAPTURE_PREVIEW_PATH + "/more") == MB
