"""Company research end to end against fake SearXNG and OpenAI-compatible servers.

The production clients talk real HTTP to the fakes; the database is a real SQLite file.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlmodel import Session

from peregrine import db
from peregrine.config import UserProfile
from peregrine.domain.stages import MoveSource, Stage
from peregrine.integrations.searxng import SearxngClient, SearxngSettings
from peregrine.llm.client import LLMClient
from peregrine.llm.settings import LLMBackend, LLMSettings
from peregrine.models import Candidate, CompanyResearch
from peregrine.services import research, task_runner, tasks
from peregrine.services.jobs import JobFields, create_job, move_job
from tests.fakes.openai_server import FakeOpenAIServer, closed_port_url
from tests.fakes.searxng_server import FakeSearxng

WEB = [
    {
        "title": "Acme Rockets — About",
        "url": "https://acme.example/about",
        "content": "Acme builds reusable rockets.",
        "publishedDate": None,
        "engine": "duckduckgo",
        "category": "general",
    },
    {
        "title": "Jane Doe, CEO",
        "url": "https://acme.example/team",
        "content": "Jane Doe has led Acme since 2019.",
        "publishedDate": None,
        "engine": "bing",
        "category": "general",
    },
    {
        "title": "<script>alert('x')</script>Evil",
        "url": "javascript:alert(1)",
        "content": "nope",
        "publishedDate": None,
        "engine": "bing",
        "category": "general",
    },
]
NEWS = [
    {
        "title": "Acme raises Series C",
        "url": "https://news.example/acme-c",
        "content": "Acme raised $200M <img src=x onerror=alert(1)> in a Series C.",
        "publishedDate": "2026-10-01T09:00:00",
        "engine": "bing news",
        "category": "news",
    },
]
BRIEF: dict[str, Any] = {
    "overview": [
        {"text": "Acme builds reusable rockets.", "sources": [1]},
        {"text": "It raised a $200M Series C. <script>alert(1)</script>", "sources": [3]},
    ],
    "leadership": [{"text": "Jane Doe has been CEO since 2019.", "sources": [2]}],
    "talking_points": [
        {"text": "Ask how the Series C changes the platform roadmap.", "sources": [3, 99]},
        {"text": "An invented claim citing nothing real.", "sources": [42]},
    ],
    "accessibility": [{"text": "Acme publishes a WCAG 2.2 AA statement.", "sources": [1]}],
    "lgbtq_inclusion": [{"text": "Acme sponsors a Pride ERG.", "sources": [2]}],
}


def llm_for(*servers: FakeOpenAIServer | str) -> LLMClient:
    backends = tuple(
        LLMBackend(
            name=f"backend{i}",
            base_url=server if isinstance(server, str) else server.url,
            model="fake-model",
            timeout_s=5,
        )
        for i, server in enumerate(servers)
    )
    return LLMClient(LLMSettings(backends=backends))


def searxng_for(server: FakeSearxng | str) -> SearxngClient:
    return SearxngClient(SearxngSettings(url=server if isinstance(server, str) else server.url, timeout_s=3))


@pytest.fixture
def searxng(fake_searxng: FakeSearxng) -> FakeSearxng:
    fake_searxng.set_results("general", WEB)
    fake_searxng.set_results("news", NEWS)
    return fake_searxng


@pytest.fixture
def queued(session: Session, candidate: Candidate) -> tuple[int, int]:
    """A job that just entered Phone screen, and the research task that move queued."""
    assert candidate.id is not None
    job = create_job(
        session,
        candidate.id,
        JobFields(company="Acme", title="Platform Engineer", raw_jd_text="Build our launch platform in Python."),
    )
    assert job.id is not None
    result = move_job(session, job.id, Stage.PHONE_SCREEN, source=MoveSource.DRAG)
    session.commit()
    assert result.queued_task_id is not None
    return job.id, result.queued_task_id


def stored_brief(job_id: int) -> dict[str, Any] | None:
    with db.session_scope() as session:
        row = research.latest_brief(session, job_id)
        return dict(row.brief) if row else None


def task_row(job_id: int) -> Any:
    with db.session_scope() as session:
        return tasks.latest_task(session, tasks.TaskKind.COMPANY_RESEARCH, job_id)


def claims(brief: dict[str, Any], key: str) -> list[tuple[str, list[int]]]:
    (section,) = [s for s in brief["sections"] if s["key"] == key]
    return [(claim["text"], claim["sources"]) for claim in section["claims"]]


@pytest.mark.asyncio
async def test_the_three_phases_produce_a_sourced_brief(
    queued: tuple[int, int], searxng: FakeSearxng, fake_llm: FakeOpenAIServer
) -> None:
    job_id, task_id = queued
    fake_llm.queue_json(BRIEF)

    assert (
        await research.run_company_research(
            task_id, llm=llm_for(fake_llm), search=searxng_for(searxng), profile=UserProfile()
        )
        is True
    )

    assert task_row(job_id).status == "succeeded"
    brief = stored_brief(job_id)
    assert brief is not None
    assert [s["key"] for s in brief["sections"]] == ["overview", "leadership", "talking_points"]
    assert claims(brief, "leadership") == [("Jane Doe has been CEO since 2019.", [2])]
    # A claim citing no real source is dropped; a citation of a missing source is removed.
    assert claims(brief, "talking_points") == [("Ask how the Series C changes the platform roadmap.", [3])]
    assert [(s["number"], s["title"], s["url"], s["kind"]) for s in brief["sources"]] == [
        (1, "Acme Rockets — About", "https://acme.example/about", "web"),
        (2, "Jane Doe, CEO", "https://acme.example/team", "web"),
        (3, "Acme raises Series C", "https://news.example/acme-c", "news"),
    ]
    # Phase 1 is web search, phase 2 asks SearXNG for news.
    assert [request.get("categories") for request in searxng.requests] == [None, None, "news"]
    # Phase 3: the model saw the company, the role, the job description and the numbered snippets.
    prompt = json.dumps(fake_llm.requests[-1]["messages"])
    for expected in ("Acme", "Platform Engineer", "launch platform", "[3] Acme raises Series C", "reusable rockets"):
        assert expected in prompt
    assert "accessibility" not in prompt.lower()


@pytest.mark.asyncio
async def test_private_sections_appear_only_with_their_flags(
    queued: tuple[int, int], searxng: FakeSearxng, fake_llm: FakeOpenAIServer
) -> None:
    job_id, task_id = queued
    fake_llm.queue_json(BRIEF)
    profile = UserProfile(candidate_accessibility_focus=True, candidate_lgbtq_focus=False)

    await research.run_company_research(task_id, llm=llm_for(fake_llm), search=searxng_for(searxng), profile=profile)

    brief = stored_brief(job_id)
    assert brief is not None
    private = [(s["key"], s["private"]) for s in brief["sections"] if s["private"]]
    assert private == [("accessibility", True)]
    assert claims(brief, "accessibility") == [("Acme publishes a WCAG 2.2 AA statement.", [1])]
    prompt = json.dumps(fake_llm.requests[-1]["messages"]).lower()
    assert "wcag" in prompt
    assert "lgbtqia" not in prompt


@pytest.mark.asyncio
async def test_markup_from_search_results_and_the_model_is_stored_inert(
    queued: tuple[int, int], searxng: FakeSearxng, fake_llm: FakeOpenAIServer
) -> None:
    job_id, task_id = queued
    fake_llm.queue_json(BRIEF)
    await research.run_company_research(
        task_id, llm=llm_for(fake_llm), search=searxng_for(searxng), profile=UserProfile()
    )

    stored = json.dumps(stored_brief(job_id))
    assert "<script" not in stored
    assert "onerror" not in stored
    assert "javascript:" not in stored
    prompt = json.dumps(fake_llm.requests[-1]["messages"])
    assert "onerror" not in prompt


@pytest.mark.asyncio
async def test_first_backend_down_uses_the_second(
    queued: tuple[int, int], searxng: FakeSearxng, fake_llm: FakeOpenAIServer
) -> None:
    job_id, task_id = queued
    fake_llm.queue_json(BRIEF)
    await research.run_company_research(
        task_id, llm=llm_for(closed_port_url(), fake_llm), search=searxng_for(searxng), profile=UserProfile()
    )
    assert task_row(job_id).status == "succeeded"


@pytest.mark.asyncio
async def test_invalid_json_is_retried_by_instructor(
    queued: tuple[int, int], searxng: FakeSearxng, fake_llm: FakeOpenAIServer
) -> None:
    job_id, task_id = queued
    fake_llm.queue_json("{not json")
    fake_llm.queue_json(BRIEF)
    await research.run_company_research(
        task_id, llm=llm_for(fake_llm), search=searxng_for(searxng), profile=UserProfile()
    )
    assert task_row(job_id).status == "succeeded"
    assert len(fake_llm.requests) == 2


@pytest.mark.asyncio
async def test_every_backend_down_fails_clearly_keeps_the_old_brief_and_retry_works(
    session: Session, queued: tuple[int, int], searxng: FakeSearxng, fake_llm: FakeOpenAIServer
) -> None:
    job_id, task_id = queued
    session.add(CompanyResearch(job_id=job_id, brief={"sections": [], "sources": [], "note": "the earlier brief"}))
    session.commit()
    fake_llm.stop()

    await research.run_company_research(
        task_id, llm=llm_for(fake_llm), search=searxng_for(searxng), profile=UserProfile()
    )

    failed = task_row(job_id)
    assert failed.status == "failed"
    assert "No language model answered" in failed.error
    assert "backend0" in failed.error
    assert stored_brief(job_id) == {"sections": [], "sources": [], "note": "the earlier brief"}

    fake_llm.start()
    fake_llm.queue_json(BRIEF)
    with db.session_scope() as retry_session:
        retry = research.queue_research_again(retry_session, job_id)
    assert retry.id is not None
    assert retry.id != task_id
    await research.run_company_research(
        retry.id, llm=llm_for(fake_llm), search=searxng_for(searxng), profile=UserProfile()
    )
    assert task_row(job_id).status == "succeeded"
    brief = stored_brief(job_id)
    assert brief is not None
    assert "note" not in brief


@pytest.mark.asyncio
async def test_searxng_down_fails_with_its_address(queued: tuple[int, int], fake_llm: FakeOpenAIServer) -> None:
    job_id, task_id = queued
    down = closed_port_url().removesuffix("/v1")
    await research.run_company_research(task_id, llm=llm_for(fake_llm), search=searxng_for(down), profile=UserProfile())
    failed = task_row(job_id)
    assert failed.status == "failed"
    assert down.split("//")[1] in failed.error
    assert fake_llm.requests == []


@pytest.mark.asyncio
async def test_a_task_claimed_elsewhere_is_left_alone(
    session: Session, queued: tuple[int, int], searxng: FakeSearxng, fake_llm: FakeOpenAIServer
) -> None:
    _job_id, task_id = queued
    assert tasks.claim_task(session, task_id)
    session.commit()
    assert (
        await research.run_company_research(
            task_id, llm=llm_for(fake_llm), search=searxng_for(searxng), profile=UserProfile()
        )
        is False
    )
    assert searxng.requests == []


@pytest.mark.asyncio
async def test_the_runner_resumes_a_task_left_running_by_a_restart(
    session: Session,
    queued: tuple[int, int],
    searxng: FakeSearxng,
    fake_llm: FakeOpenAIServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    job_id, task_id = queued
    assert tasks.claim_task(session, task_id)  # the process that ran it stopped here
    tasks.set_phase(session, task_id, research.PHASE_NEWS)
    session.commit()
    config_dir = tmp_path / "runner-config"
    config_dir.mkdir()
    (config_dir / "llm.yaml").write_text(
        yaml.safe_dump(
            {"backends": [{"name": "fake", "base_url": fake_llm.url, "model": "fake-model", "api_key_env": None}]}
        )
    )
    (config_dir / "services.yaml").write_text(yaml.safe_dump({"searxng": {"url": searxng.url}}))
    monkeypatch.setenv("PEREGRINE_CONFIG_DIR", str(config_dir))
    fake_llm.queue_json(BRIEF)

    runner = asyncio.create_task(task_runner.run_forever(poll_seconds=0.1))
    try:
        for _ in range(100):
            await asyncio.sleep(0.1)
            if task_row(job_id).status == "succeeded":
                break
    finally:
        runner.cancel()
    finished = task_row(job_id)
    assert (finished.id, finished.status, finished.attempts) == (task_id, "succeeded", 2)
    assert stored_brief(job_id) is not None
