"""A brief that says nothing is a failed run, and research keeps revisions (issue 21).

A small model's `{}` passes the schema (every section defaults to empty), and used to replace the
brief the user had with "The sources said nothing about this." under every heading. Now such a run
fails with its reason and the earlier brief stays; every brief shown is kept in the History, from
which an earlier one can be restored (the restore recorded in its turn).
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import Session

from peregrine import db
from peregrine.config import UserProfile
from peregrine.models import Candidate
from peregrine.services import research
from peregrine.services.errors import NotFound
from tests.fakes.openai_server import FakeOpenAIServer
from tests.fakes.searxng_server import FakeSearxng
from tests.unit.test_research import BRIEF, llm_for, queued, searxng, searxng_for, stored_brief, task_row

__all__ = ["queued", "searxng"]  # the fixtures, used by name below

SECOND_BRIEF: dict[str, Any] = {
    "overview": [{"text": "Acme launched its second rocket in 2026.", "sources": [3]}],
    "leadership": [],
    "talking_points": [],
}


async def run(job_id: int, fake_llm: FakeOpenAIServer, searxng: FakeSearxng, answer: dict[str, Any]) -> None:
    """One research run of `job_id` whose model answers `answer`."""
    with db.session_scope() as session:
        task = research.queue_research_again(session, job_id)
    fake_llm.queue_json(answer)
    assert task.id is not None
    await research.run_company_research(
        task.id, llm=llm_for(fake_llm), search=searxng_for(searxng), profile=UserProfile()
    )


def overview(brief: dict[str, Any] | None) -> list[str]:
    assert brief is not None
    return [claim["text"] for claim in brief["sections"][0]["claims"]]


def history(job_id: int) -> list[tuple[str, list[str]]]:
    with db.session_scope() as session:
        candidate_id = research.get_job(session, job_id).candidate_id
        return [
            (revision.made_by, overview(revision.brief))
            for revision in research.revisions_of(session, job_id, candidate_id=candidate_id)
        ]


@pytest.mark.asyncio
@pytest.mark.parametrize(
    "empty_answer",
    [
        {},
        {"overview": [], "leadership": [], "talking_points": []},
        {"overview": [{"text": "A claim citing a source that does not exist.", "sources": [42]}]},
    ],
    ids=["nothing", "empty lists", "only invented sources"],
)
async def test_a_brief_with_no_kept_claim_fails_and_the_earlier_brief_stays(
    queued: tuple[int, int], searxng: FakeSearxng, fake_llm: FakeOpenAIServer, empty_answer: dict[str, Any]
) -> None:
    job_id, task_id = queued
    fake_llm.queue_json(BRIEF)
    await research.run_company_research(
        task_id, llm=llm_for(fake_llm), search=searxng_for(searxng), profile=UserProfile()
    )
    before = stored_brief(job_id)

    await run(job_id, fake_llm, searxng, empty_answer)

    failed = task_row(job_id)
    assert failed.status == "failed"
    assert "none of its claims cited the 3 sources found" in failed.error
    assert "earlier brief is kept" in failed.error
    assert stored_brief(job_id) == before
    assert history(job_id) == [("research", overview(before))]


@pytest.mark.asyncio
async def test_an_empty_brief_on_a_first_run_saves_nothing(
    queued: tuple[int, int], searxng: FakeSearxng, fake_llm: FakeOpenAIServer
) -> None:
    job_id, task_id = queued
    fake_llm.queue_json({})

    await research.run_company_research(
        task_id, llm=llm_for(fake_llm), search=searxng_for(searxng), profile=UserProfile()
    )

    assert task_row(job_id).status == "failed"
    assert stored_brief(job_id) is None
    assert history(job_id) == []


@pytest.mark.asyncio
async def test_each_brief_is_a_revision_and_restoring_one_is_recorded(
    queued: tuple[int, int], searxng: FakeSearxng, fake_llm: FakeOpenAIServer
) -> None:
    job_id, task_id = queued
    fake_llm.queue_json(BRIEF)
    await research.run_company_research(
        task_id, llm=llm_for(fake_llm), search=searxng_for(searxng), profile=UserProfile()
    )
    first = overview(stored_brief(job_id))
    await run(job_id, fake_llm, searxng, SECOND_BRIEF)
    assert overview(stored_brief(job_id)) == ["Acme launched its second rocket in 2026."]
    assert history(job_id) == [("research", ["Acme launched its second rocket in 2026."]), ("research", first)]

    with db.session_scope() as session:
        candidate_id = research.get_job(session, job_id).candidate_id
        oldest = research.revisions_of(session, job_id, candidate_id=candidate_id)[-1]
        assert oldest.id is not None
        research.restore_revision(session, oldest.id, candidate_id=candidate_id)

    assert overview(stored_brief(job_id)) == first
    assert [made_by for made_by, _ in history(job_id)] == ["restore", "research", "research"]
    assert history(job_id)[0][1] == first


@pytest.mark.asyncio
async def test_another_candidates_research_history_is_not_found(
    session: Session, candidate: Candidate, queued: tuple[int, int], searxng: FakeSearxng, fake_llm: FakeOpenAIServer
) -> None:
    job_id, task_id = queued
    fake_llm.queue_json(BRIEF)
    await research.run_company_research(
        task_id, llm=llm_for(fake_llm), search=searxng_for(searxng), profile=UserProfile()
    )
    other = Candidate(name="Someone else")
    session.add(other)
    session.flush()
    assert other.id is not None
    session.commit()

    with db.session_scope() as check:
        (revision,) = research.revisions_of(check, job_id, candidate_id=candidate.id or 0)
        assert revision.id is not None
        with pytest.raises(NotFound):
            research.revisions_of(check, job_id, candidate_id=other.id)
        with pytest.raises(NotFound):
            research.restore_revision(check, revision.id, candidate_id=other.id)
        with pytest.raises(NotFound):
            research.restore_revision(check, revision.id + 100, candidate_id=candidate.id or 0)
