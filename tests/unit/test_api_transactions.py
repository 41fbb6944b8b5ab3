"""A route's transaction ends in the route's own worker thread, so a write made on the event loop
meanwhile (a page's event, a research task noting its phase) waits a moment instead of deadlocking."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import httpx
import pytest
from sqlmodel import Session

from peregrine import db
from peregrine.api import routes
from peregrine.api.app import build_api
from peregrine.models import Candidate
from peregrine.services import api_tokens
from peregrine.services import jobs as job_service


@pytest.mark.asyncio
async def test_a_write_on_the_event_loop_during_a_route_s_write_does_not_deadlock(
    session: Session, candidate: Candidate, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = job_service.create_job(session, candidate.id or 0, job_service.JobFields(company="Acme", title="Engineer"))
    _, token = api_tokens.create_token(session, candidate.id or 0, "test")
    session.commit()
    loop = asyncio.get_running_loop()
    on_the_loop: list[str] = []

    def write_on_the_loop() -> None:
        with db.engine().begin() as connection:  # blocks the loop until SQLite's write lock is free
            connection.exec_driver_sql("UPDATE candidate SET headline = 'written on the loop'")
        on_the_loop.append("written")  # deadlocked, SQLite gives up after 30 s and this never runs

    real_update = job_service.update_job

    def update_then_let_the_loop_write(*args: Any, **kwargs: Any) -> Any:
        assert threading.current_thread() is not threading.main_thread()
        updated = real_update(*args, **kwargs)  # this worker thread now holds the write lock
        loop.call_soon_threadsafe(write_on_the_loop)
        time.sleep(0.3)  # the loop is inside that write by now, waiting for the lock
        return updated

    monkeypatch.setattr(routes.job_service, "update_job", update_then_let_the_loop_write)
    transport = httpx.ASGITransport(app=build_api())
    async with httpx.AsyncClient(transport=transport, base_url="http://peregrine") as client:
        answer = await client.put(
            f"/api/v1/jobs/{job.id}",
            json={"company": "Acme", "title": "Staff Engineer"},
            headers={"Authorization": f"Bearer {token}"},
        )

    assert answer.status_code == 200, answer.text
    assert answer.json()["title"] == "Staff Engineer"
    assert on_the_loop == ["written"]
