"""The export endpoints: the token's candidate's files, as attachments; and a prepared download,
fetched once with its ticket."""

from __future__ import annotations

import csv
import io
import time
import zipfile
from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
from openpyxl import load_workbook
from sqlmodel import Session

from peregrine.api.app import build_api
from peregrine.models import Candidate
from peregrine.services import api_tokens, downloads
from peregrine.services.export import LOG_COLUMNS
from tests.factories import new_job


@pytest_asyncio.fixture
async def client(session: Session, candidate: Candidate) -> AsyncIterator[httpx.AsyncClient]:
    new_job(session, company="=Acme", title="Engineer")
    _, token = api_tokens.create_token(session, candidate.id or 0, "test")
    session.commit()
    transport = httpx.ASGITransport(app=build_api())
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(transport=transport, base_url="http://peregrine", headers=headers) as opened:
        yield opened


@pytest.mark.asyncio
async def test_jobs_as_csv_and_xlsx(client: httpx.AsyncClient) -> None:
    answer = await client.get("/api/v1/export/jobs.csv")
    assert answer.status_code == 200
    assert answer.headers["content-disposition"] == 'attachment; filename="peregrine-jobs.csv"'
    (row,) = csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig")))
    assert row["Company"] == "'=Acme"

    answer = await client.get("/api/v1/export/jobs.xlsx")
    sheet = load_workbook(io.BytesIO(answer.content)).active
    assert sheet is not None
    assert sheet["B2"].value == "'=Acme"


@pytest.mark.asyncio
async def test_the_archive_and_the_log(client: httpx.AsyncClient) -> None:
    answer = await client.get("/api/v1/export/archive")
    assert answer.headers["content-type"] == "application/zip"
    assert "archive.json" in zipfile.ZipFile(io.BytesIO(answer.content)).namelist()

    answer = await client.get("/api/v1/export/log.csv", params={"from": "2000-01-01", "to": "2002-01-01"})
    assert answer.status_code == 200
    assert answer.content.decode("utf-8-sig").splitlines() == [",".join(LOG_COLUMNS)]
    answer = await client.get("/api/v1/export/log.csv", params={"from": "2002-01-01", "to": "2000-01-01"})
    assert answer.status_code == 422
    assert "before it starts" in answer.text


@pytest.mark.asyncio
async def test_exports_need_a_token(db_url: str) -> None:
    transport = httpx.ASGITransport(app=build_api())
    async with httpx.AsyncClient(transport=transport, base_url="http://peregrine") as anonymous:
        for path in ("/api/v1/export/jobs.csv", "/api/v1/export/jobs.xlsx", "/api/v1/export/archive"):
            assert (await anonymous.get(path)).status_code == 401


@pytest.mark.asyncio
async def test_a_prepared_download_is_served_once(db_url: str) -> None:
    prepared = downloads.prepare("peregrine-jobs.csv", lambda file: file.write(b"Company\nAcme\n"))
    transport = httpx.ASGITransport(app=build_api())
    async with httpx.AsyncClient(transport=transport, base_url="http://peregrine") as browser:
        first = await browser.get(f"/api/v1/export/download/{prepared.ticket}")
        assert first.status_code == 200
        assert first.content == b"Company\nAcme\n"
        assert first.headers["content-disposition"] == 'attachment; filename="peregrine-jobs.csv"'
        again = await browser.get(f"/api/v1/export/download/{prepared.ticket}")
        assert again.status_code == 404
        assert "expired or was already fetched" in again.text
        assert (await browser.get("/api/v1/export/download/..%2F..%2Fpasswd")).status_code == 404


def test_a_download_nobody_fetched_is_swept_away(db_url: str) -> None:
    prepared = downloads.prepare("archive.zip", lambda file: file.write(b"zip"))
    assert downloads.find(prepared.ticket) is not None
    downloads.sweep(now=time.time() + downloads.TICKET_TTL_S + 1)
    assert downloads.find(prepared.ticket) is None


def test_a_ticket_holding_two_dashes_keeps_the_name_it_is_saved_under(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One ticket in ~40 holds "--" (token_urlsafe's alphabet has "-"): the name must still be the file's.
    monkeypatch.setattr(downloads.secrets, "token_urlsafe", lambda _: "a" * 20 + "--" + "b" * 21)
    prepared = downloads.prepare("peregrine-jobs.csv", lambda file: file.write(b"Company\n"))
    found = downloads.find(prepared.ticket)
    assert found is not None
    assert downloads.filename_of(found) == "peregrine-jobs.csv"
