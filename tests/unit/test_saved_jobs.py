"""Saved jobs ("not applied yet"): created outside the pipeline, left only by a move to Applied
(dated that day), undone back to Saved, and counted by nothing that counts the pipeline."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
from sqlalchemy import update
from sqlmodel import Session, col, select

from peregrine.api.app import build_api
from peregrine.domain.stages import MoveNotAllowed, MoveSource, RejectionReason, Stage
from peregrine.models import Candidate, Job, StageEvent
from peregrine.services import analytics, api_tokens, export
from peregrine.services import jobs as job_service
from peregrine.services.board import load_board
from tests.factories import new_job


def _saved(session: Session, candidate: Candidate, company: str = "Acme", **fields: object) -> Job:
    job = job_service.create_job(
        session,
        candidate.id or 0,
        job_service.JobFields(company=company, title="Engineer", **fields),  # type: ignore[arg-type]
        stage=Stage.SAVED,
    )
    session.commit()
    return job


def _events(session: Session, job_id: int) -> list[tuple[str, str, str]]:
    return [(e.from_stage, e.to_stage, e.source) for e in job_service.stage_history(session, job_id)]


def test_a_saved_job_sits_on_top_of_saved_without_a_date_applied_or_history(
    session: Session, candidate: Candidate
) -> None:
    older = _saved(session, candidate, "Older")
    job = _saved(session, candidate, applied_on=date(2026, 1, 5))  # a date typed anyway is not kept
    assert (job.stage, job.applied_on) == ("saved", None)
    assert load_board(session, candidate.id or 0).columns[Stage.SAVED] == [job.id, older.id]
    assert load_board(session, candidate.id or 0).columns[Stage.APPLIED] == []
    assert _events(session, job.id or 0) == []


def test_a_new_job_cannot_start_further_along(session: Session, candidate: Candidate) -> None:
    fields = job_service.JobFields(company="Acme", title="Engineer")
    with pytest.raises(MoveNotAllowed, match="A new job starts in Applied or Saved, not Offer"):
        job_service.create_job(session, candidate.id or 0, fields, stage=Stage.OFFER)
    assert session.exec(select(Job)).all() == []


def test_applying_moves_it_to_applied_dated_today_then_undo_takes_it_back(
    session: Session, candidate: Candidate
) -> None:
    job = _saved(session, candidate)
    moved = job_service.move_job(session, job.id or 0, Stage.APPLIED, source=MoveSource.BUTTON)
    session.commit()
    assert (moved.from_stage, moved.job.stage, moved.job.applied_on) == (
        Stage.SAVED,
        "applied",
        datetime.now(UTC).date(),
    )
    assert _events(session, job.id or 0) == [("saved", "applied", "button")]
    assert moved.queued_task_id is None  # research waits for Phone screen, as for any application

    job_service.undo_last_move(session, job.id or 0)
    session.commit()
    back = job_service.get_job(session, job.id or 0)
    assert (back.stage, back.applied_on) == ("saved", None)
    assert load_board(session, candidate.id or 0).columns[Stage.SAVED] == [job.id]


@pytest.mark.parametrize("target", [Stage.REJECTED, Stage.PHONE_SCREEN, Stage.HIRED])
def test_a_saved_job_moves_only_to_applied(session: Session, candidate: Candidate, target: Stage) -> None:
    job = _saved(session, candidate)
    with pytest.raises(MoveNotAllowed, match="A saved job has not been applied to yet") as refused:
        job_service.move_job(session, job.id or 0, target, source=MoveSource.DRAG, reason=RejectionReason.WITHDREW)
    assert refused.value.allowed == [Stage.APPLIED]
    session.rollback()
    assert (job_service.get_job(session, job.id or 0).stage, _events(session, job.id or 0)) == ("saved", [])


def test_no_job_moves_back_into_saved(session: Session, candidate: Candidate) -> None:
    applied = new_job(session, candidate.id, company="Acme")
    with pytest.raises(MoveNotAllowed, match="Only a new job is saved for later"):
        job_service.move_job(session, applied, Stage.SAVED, source=MoveSource.API)


def test_a_saved_job_with_the_same_company_and_title_is_a_possible_duplicate(
    session: Session, candidate: Candidate
) -> None:
    job = _saved(session, candidate, "Acme")
    found = job_service.possible_duplicates(session, candidate.id or 0, company="acme", title="engineer")
    assert [duplicate.id for duplicate in found] == [job.id]


def test_the_analytics_leave_saved_jobs_out(session: Session, candidate: Candidate) -> None:
    owner = candidate.id or 0
    new_job(session, owner, company="Applied Co")
    _saved(session, candidate, "Wishlist Co")
    _saved(session, candidate, "Another Wish")
    funnel = analytics.conversion_funnel(session, owner)
    assert (funnel[0].stage, funnel[0].reached) == (Stage.APPLIED, 1)
    assert analytics.furthest_counts(session, owner) == {Stage.APPLIED: 1}
    assert [stats.jobs for stats in analytics.source_conversion(session, owner)] == [1]
    assert analytics.saved_count(session, owner) == 2  # the page says they are left out


def test_time_to_a_decision_counts_from_applying_not_from_saving(session: Session, candidate: Candidate) -> None:
    job = _saved(session, candidate)
    job_service.move_job(session, job.id or 0, Stage.APPLIED, source=MoveSource.BUTTON)
    job_service.move_job(
        session, job.id or 0, Stage.REJECTED, source=MoveSource.BUTTON, reason=RejectionReason.REJECTED_BY_COMPANY
    )
    start = datetime(2026, 1, 1, 12, tzinfo=UTC)
    # Saved on 1 January, applied on the 11th, rejected on the 15th: four days to the decision.
    session.execute(update(Job).where(col(Job.id) == job.id).values(created_at=start))
    for to_stage, day in (("applied", 10), ("rejected", 14)):
        session.execute(
            update(StageEvent)
            .where(col(StageEvent.job_id) == job.id, col(StageEvent.to_stage) == to_stage)
            .values(at=start + timedelta(days=day), from_entered_at=start + timedelta(days=day - 4 if day == 14 else 0))
        )
    session.commit()
    days, decided = analytics.time_to_decision(session, candidate.id or 0)
    assert decided == 1
    assert days == pytest.approx(4.0)
    applied_stay = next(
        item for item in analytics.time_in_stages(session, candidate.id or 0) if item.stage is Stage.APPLIED
    )
    assert (applied_stay.stays, applied_stay.average_days) == (1, pytest.approx(4.0))  # the saved days are not a stay


def test_exports_say_not_applied_yet_and_the_log_leaves_it_out(session: Session, candidate: Candidate) -> None:
    owner = candidate.id or 0
    _saved(session, candidate, "Wishlist Co")
    new_job(session, owner, company="Applied Co")
    header, *rows = list(export.job_rows(session, owner))
    saved_row = next(row for row in rows if row[1] == "Wishlist Co")
    assert (saved_row[3], saved_row[4]) == ("Saved", "Not applied yet")
    assert saved_row[header.index("Applied on")] is None
    today = datetime.now(UTC).date()
    log = export.search_log(session, owner, start=today - timedelta(days=1), end=today + timedelta(days=1))
    assert [entry.company for entry in log] == ["Applied Co"]


@pytest.mark.asyncio
async def test_the_api_creates_filters_and_applies_a_saved_job(session: Session, candidate: Candidate) -> None:
    _, token = api_tokens.create_token(session, candidate.id or 0, "test")
    session.commit()
    headers = {"Authorization": f"Bearer {token}"}
    transport = httpx.ASGITransport(app=build_api())
    async with httpx.AsyncClient(transport=transport, base_url="http://peregrine", headers=headers) as client:
        created = await client.post("/api/v1/jobs", json={"company": "Acme", "title": "Engineer", "stage": "saved"})
        assert created.status_code == 201, created.text
        body = created.json()
        assert (body["stage"], body["applied_on"], body["final_outcome"]) == ("saved", None, "saved")
        plain = await client.post("/api/v1/jobs", json={"company": "Globex", "title": "Designer"})
        assert plain.json()["stage"] == "applied"

        listed = await client.get("/api/v1/jobs", params={"stage": "saved"})
        assert [job["company"] for job in listed.json()] == ["Acme"]

        refused = await client.post("/api/v1/jobs", json={"company": "Initech", "title": "Analyst", "stage": "offer"})
        assert refused.status_code == 422
        assert "stage" in refused.text

        rejected = await client.post(
            f"/api/v1/jobs/{body['id']}/move", json={"to_stage": "rejected", "reason": "withdrew"}
        )
        assert rejected.status_code == 409
        assert rejected.json()["allowed"] == ["applied"]

        applied = await client.post(f"/api/v1/jobs/{body['id']}/move", json={"to_stage": "applied"})
        assert applied.status_code == 200, applied.text
        assert (applied.json()["stage"], applied.json()["applied_on"]) == (
            "applied",
            datetime.now(UTC).date().isoformat(),
        )

        funnel = await client.get("/api/v1/analytics/funnel")
        assert funnel.json()[0]["reached"] == 2  # both applied now; a saved job would not count

        schema = (await client.get("/api/openapi.json")).json()
    stage = schema["components"]["schemas"]["JobCreate"]["properties"]["stage"]
    assert set(stage["enum"]) == {"applied", "saved"}


def test_the_saved_column_comes_first_folds_and_offers_i_applied() -> None:
    from peregrine.components.kanban import COLUMNS

    saved, applied = COLUMNS[0], COLUMNS[1]
    assert (saved["id"], applied["id"]) == ("saved", "applied")
    assert (saved["collapsible"], saved["advanceText"], saved["advanceLabel"]) == (True, "I applied", "Applied")
    assert (saved["canReject"], saved["canSurvey"], saved["canEnter"]) == (False, False, False)
    assert [column["id"] for column in COLUMNS if column["collapsible"]] == ["saved"]
    assert all(column["canEnter"] for column in COLUMNS[1:])  # the Move to… sheet offers every other
