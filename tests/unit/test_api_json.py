"""JSON that Python parses but no client means (NaN, Infinity, 1e400, unpaired surrogates, NUL) is
a 422 naming where, never a 500; and no 422 echoes the input it refuses."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
from sqlmodel import Session, func, select

from peregrine.api.app import build_api
from peregrine.models import Candidate, Job, Offer
from peregrine.services import api_tokens
from peregrine.services import jobs as job_service

JSON = {"content-type": "application/json"}

#: (raw body, where the problem is) — each one a 500 before.
BAD_JOB_BODIES = [
    (b'{"company": "A", "title": "B", "salary": NaN}', ["body", "salary"]),
    (b'{"company": NaN, "title": "B"}', ["body", "company"]),
    (b'{"company": "A", "title": "B", "x": Infinity}', ["body", "x"]),
    (b'{"company": "A", "title": "B", "x": -Infinity}', ["body", "x"]),
    (b'{"company": "A", "title": "B", "x": 1e400}', ["body", "x"]),
    (b'{"company": "A", "title": "B", "x": [1, {"y": -1e999}]}', ["body", "x", 1, "y"]),
    (b'{"company": "\\ud800", "title": "B"}', ["body", "company"]),
    (b'{"company": "A", "title": "B\\udfff!"}', ["body", "title"]),
    (b'{"company": "A", "title": "B", "\\ud800": 1}', ["body"]),
    (b'{"company": "A\\u0000", "title": "B"}', ["body", "company"]),
]


@pytest_asyncio.fixture
async def client(session: Session, candidate: Candidate) -> AsyncIterator[httpx.AsyncClient]:
    _, token = api_tokens.create_token(session, candidate.id or 0, "test")
    session.commit()
    # raise_app_exceptions=False: a server error is an answer to look at, as a client would see it.
    transport = httpx.ASGITransport(app=build_api(), raise_app_exceptions=False)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(transport=transport, base_url="http://peregrine", headers=headers) as opened:
        yield opened


@pytest.fixture
def job_id(session: Session, candidate: Candidate) -> int:
    job = job_service.create_job(session, candidate.id or 0, job_service.JobFields(company="Acme", title="Engineer"))
    session.commit()
    return job.id or 0


def _refused(answer: httpx.Response, loc: list[str | int] | None = None) -> dict[str, object]:
    assert answer.status_code == 422, answer.text
    detail = answer.json()["detail"]
    assert isinstance(detail, list)
    assert detail
    for error in detail:
        assert set(error) == {"loc", "msg", "type"}, error  # the API's one shape of a 422, no input echoed
        assert error["loc"][0] == "body"
        assert error["msg"]
    if loc is not None:
        assert loc in [error["loc"] for error in detail], detail
    first: dict[str, object] = detail[0]
    return first


def _jobs(session: Session) -> int:
    session.expire_all()
    return session.exec(select(func.count()).select_from(Job)).one()


@pytest.mark.asyncio
@pytest.mark.parametrize(("body", "loc"), BAD_JOB_BODIES)
async def test_a_bad_json_value_in_a_new_job_is_a_422(
    client: httpx.AsyncClient, session: Session, body: bytes, loc: list[str | int]
) -> None:
    before = _jobs(session)
    _refused(await client.post("/api/v1/jobs", content=body, headers=JSON), loc)
    assert _jobs(session) == before


@pytest.mark.asyncio
@pytest.mark.parametrize(("body", "loc"), BAD_JOB_BODIES)
async def test_a_bad_json_value_in_a_job_update_is_a_422(
    client: httpx.AsyncClient, session: Session, job_id: int, body: bytes, loc: list[str | int]
) -> None:
    _refused(await client.put(f"/api/v1/jobs/{job_id}", content=body, headers=JSON), loc)
    job = session.get(Job, job_id)
    assert job is not None
    assert (job.company, job.title, job.version) == ("Acme", "Engineer", 1)


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("body", "loc"),
    [
        (b'{"base_salary": NaN}', ["body", "base_salary"]),
        (b'{"base_salary": 150000, "bonus": 1e400}', ["body", "bonus"]),
        (b'{"signing_bonus": -Infinity}', ["body", "signing_bonus"]),
        (b'{"bonus": 1e308}', ["body", "bonus"]),  # finite but no amount: the model's own bound
        (b'{"base_salary": 150000.5}', ["body", "base_salary"]),
        (b'{"notes": "\\ud800"}', ["body", "notes"]),
        (b'{"currency": "US\\udfff"}', ["body", "currency"]),
        (b'{"start_date": NaN}', ["body", "start_date"]),
    ],
)
async def test_a_non_finite_or_broken_offer_is_a_422(
    client: httpx.AsyncClient, session: Session, job_id: int, body: bytes, loc: list[str | int]
) -> None:
    _refused(await client.put(f"/api/v1/jobs/{job_id}/offer", content=body, headers=JSON), loc)
    assert session.exec(select(Offer).where(Offer.job_id == job_id)).first() is None


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "body",
    [
        b'{"company": "A", "title": "B", "x": ' + b"9" * 5000 + b"}",  # past Python's digit limit
        b"[" * 100_000 + b"]" * 100_000,  # past the parser's nesting limit
        b'{"company": "\xff", "title": "B"}',  # not UTF-8
        b'{"company": "A", "title": ',  # cut short
    ],
)
async def test_a_body_that_is_not_json_is_a_422(client: httpx.AsyncClient, body: bytes) -> None:
    error = _refused(await client.post("/api/v1/jobs", content=body, headers=JSON))
    assert error["type"] == "json_invalid"
    assert str(error["msg"]).startswith("The body is not valid JSON")


@pytest.mark.asyncio
async def test_a_422_does_not_echo_what_it_refuses(client: httpx.AsyncClient) -> None:
    secret = "s3cr3t-" + "x" * 400
    answer = await client.post("/api/v1/jobs", json={"company": secret, "title": "B"})
    error = _refused(answer, ["body", "company"])
    assert "300 characters" in str(error["msg"])
    assert "s3cr3t" not in answer.text
    answer = await client.put("/api/v1/jobs/1/offer", content=b'{"base_salary": "s3cr3t"}', headers=JSON)
    _refused(answer, ["body", "base_salary"])
    assert "s3cr3t" not in answer.text


@pytest.mark.asyncio
async def test_real_characters_beyond_the_bmp_are_kept(client: httpx.AsyncClient) -> None:
    # A surrogate *pair* is how JSON escapes one character past U+FFFF: that is real text.
    body = b'{"company": "Acme \\ud83d\\ude80", "title": "B"}'
    answer = await client.post("/api/v1/jobs", content=body, headers=JSON)
    assert answer.status_code == 201, answer.text
    assert answer.json()["company"] == "Acme \U0001f680"
