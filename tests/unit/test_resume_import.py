"""A resume document's text split into proposed projects by the model (the fake OpenAI-compatible
server), or by hand, then reviewed: a proposal is saved only when accepted, and never merged into a
project the candidate already has."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from peregrine.llm.client import LLMClient, LLMUnavailable
from peregrine.llm.prompts.resume_split import MAX_PART_CHARS, ResumeSplit, render_messages
from peregrine.llm.settings import LLMBackend, LLMSettings
from peregrine.models import Candidate
from peregrine.services import resume
from peregrine.services.errors import InvalidInput
from peregrine.services.resume import ProjectFields
from peregrine.services.resume_import import (
    Proposal,
    accept_proposal,
    cut_into_parts,
    mark_similar,
    proposal_from_passage,
    split_resume,
)
from tests.fakes.openai_server import FakeOpenAIServer, closed_port_url

TEXT = """Ada Lovelace — Backend engineer

Northwind · Tech lead · 2022 - 2023
Payments ledger rewrite
• Cut month-end close from 3 days to 4 hours
• Migrated 1,200 merchants with zero downtime"""

LEDGER = {
    "name": "Payments ledger rewrite",
    "company": "Northwind",
    "role": "Tech lead",
    "period": "2022 - 2023",
    "summary": "Nightly batches made month-end close take three days.",
    "stack": ["Python", "PostgreSQL", "python"],
    "bullets": ["• Cut month-end close from 3 days to 4 hours", "Migrated 1,200 merchants with  zero downtime"],
}


def llm_for(server: FakeOpenAIServer, **backend: object) -> LLMClient:
    settings = {"timeout_s": 5, **backend}
    return LLMClient(
        LLMSettings(backends=(LLMBackend(name="fake", base_url=server.url, model="fake-model", **settings),))  # type: ignore[arg-type]
    )


def user_text(request: dict[str, object]) -> str:
    messages = request["messages"]
    assert isinstance(messages, list)
    return str(messages[-1]["content"])


# ----------------------------------------------------------------------------- the model's split
@pytest.mark.asyncio
async def test_the_model_splits_the_text_into_proposals_with_clean_bullets(fake_llm: FakeOpenAIServer) -> None:
    fake_llm.queue_json({"projects": [LEDGER, {"name": "Analytics platform", "bullets": ["Built dashboards"]}]})

    proposals = await split_resume(TEXT, llm=llm_for(fake_llm))

    assert proposals == [
        Proposal(
            name="Payments ledger rewrite",
            company="Northwind",
            role="Tech lead",
            period="2022 - 2023",
            situation="Nightly batches made month-end close take three days.",
            stack="Python, PostgreSQL",
            bullets="Cut month-end close from 3 days to 4 hours\nMigrated 1,200 merchants with zero downtime",
        ),
        Proposal(name="Analytics platform", bullets="Built dashboards"),
    ]
    (request,) = fake_llm.requests
    assert TEXT in user_text(request)
    assert request["max_tokens"] == ResumeSplit.output_tokens


@pytest.mark.asyncio
async def test_a_long_resume_goes_in_parts_that_fit_the_window(fake_llm: FakeOpenAIServer) -> None:
    lines = [f"• Shipped feature number {number} for the payments team" for number in range(400)]
    text = "Payments platform\n" + "\n".join(lines)
    window = ResumeSplit.output_tokens + 1500
    llm = llm_for(fake_llm, context_tokens=window)
    parts = cut_into_parts(text, lambda part: llm.fits(ResumeSplit, render_messages(part, part=99, parts=99)))
    assert len(parts) > 2
    for _ in parts:
        fake_llm.queue_json({"projects": []})
    fake_llm.queue_json({"projects": []})

    await split_resume(text, llm=llm)

    assert len(fake_llm.requests) == len(parts)  # every part was sent: none refused as too long
    sent = [user_text(request) for request in fake_llm.requests]
    assert "(part 1 of" in sent[0]
    assert all(line in "\n".join(sent) for line in lines)


def test_parts_hold_whole_lines_cut_at_blank_lines_and_lose_nothing() -> None:
    projects = (f"Project {n}\n" + "\n".join(f"• bullet {n}.{b} " + "x" * 40 for b in range(5)) for n in range(30))
    text = "\n\n".join(projects)
    parts = cut_into_parts(text, lambda part: len(part) <= 1000)

    assert all(len(part) <= 1000 for part in parts)
    assert all(part.startswith("Project ") for part in parts)  # each cut at a project's border
    assert "\n\n".join(parts).split() == text.split()


def test_a_line_longer_than_a_part_is_cut_inside() -> None:
    text = "word " * 1000
    parts = cut_into_parts(text, lambda part: True, max_chars=MAX_PART_CHARS)
    assert len(parts) == 2
    assert " ".join(parts).split() == text.split()


@pytest.mark.asyncio
async def test_a_project_cut_across_two_parts_comes_back_as_one(fake_llm: FakeOpenAIServer) -> None:
    text = "Ledger\n" + "\n".join(f"• line {number} " + "y" * 60 for number in range(70))
    fake_llm.queue_json({"projects": [{"name": "Engineer", "company": "A"}, {"name": "Ledger", "bullets": ["first"]}]})
    fake_llm.queue_json({"projects": [{"name": "ledger", "bullets": ["second"]}, {"name": "Other"}]})

    proposals = await split_resume(text, llm=llm_for(fake_llm))

    assert len(fake_llm.requests) == 2
    assert [(p.name, p.bullets) for p in proposals] == [("Engineer", ""), ("Ledger", "first\nsecond"), ("Other", "")]


@pytest.mark.asyncio
async def test_two_jobs_of_the_same_title_stay_two_projects(fake_llm: FakeOpenAIServer) -> None:
    text = "Engineer\n" + "\n".join(f"• line {number} " + "y" * 60 for number in range(70))
    fake_llm.queue_json({"projects": [{"name": "Engineer", "company": "Acme"}, {"name": "Engineer", "company": "NW"}]})
    fake_llm.queue_json({"projects": [{"name": "Engineer", "company": "Contoso", "bullets": ["other job"]}]})

    proposals = await split_resume(text, llm=llm_for(fake_llm))

    assert [(p.name, p.company, p.bullets) for p in proposals] == [
        ("Engineer", "Acme", ""),
        ("Engineer", "NW", ""),
        ("Engineer", "Contoso", "other job"),
    ]


@pytest.mark.asyncio
async def test_no_model_answering_is_said_with_the_backend_tried() -> None:
    down = LLMBackend(name="down", base_url=closed_port_url(), model="m", timeout_s=2)
    llm = LLMClient(LLMSettings(backends=(down,)))
    with pytest.raises(LLMUnavailable, match="down"):
        await split_resume(TEXT, llm=llm)


@pytest.mark.asyncio
async def test_junk_answers_are_a_failure_not_proposals(fake_llm: FakeOpenAIServer) -> None:
    for junk in ("I could not find any projects, sorry!", '{"projects": [{"bullets": 7}]}', "{not json"):
        fake_llm.queue_json(junk)
    with pytest.raises(LLMUnavailable, match="invalid answer"):
        await split_resume(TEXT, llm=llm_for(fake_llm))


# ----------------------------------------------------------------------------- by hand
def test_a_selected_passage_becomes_a_proposal_named_by_its_first_line() -> None:
    assert proposal_from_passage("\n • Payments ledger rewrite\n• Cut close to 4 hours\n\n- Zero downtime\n") == (
        Proposal(name="Payments ledger rewrite", bullets="• Cut close to 4 hours\n- Zero downtime")
    )
    assert proposal_from_passage("  \n") == Proposal(name="")
    assert Proposal(name="x", bullets="• Cut close\n- Zero downtime\n  \n* Kept").bullet_lines == [
        "Cut close",
        "Zero downtime",
        "Kept",
    ]


# ----------------------------------------------------------------------------- review
def existing_project(session: Session, candidate: Candidate, **fields: str) -> int:
    assert candidate.id is not None
    project = resume.create_project(session, candidate.id, ProjectFields(**fields))
    resume.add_bullet(session, project.id or 0, "Kept as it was", candidate_id=candidate.id)
    session.commit()
    return project.id or 0


def test_a_proposal_like_an_existing_project_says_so(session: Session, candidate: Candidate) -> None:
    assert candidate.id is not None
    existing_project(session, candidate, name="Payments Ledger Rewrite!", company="Northwind", role="Tech lead")

    marked = mark_similar(
        session,
        candidate.id,
        [
            Proposal(name="payments ledger rewrite"),
            Proposal(name="Ledger v2", company="northwind", role="Tech Lead"),
            Proposal(name="Ledger v3", company="Northwind"),
            Proposal(name="Analytics"),
        ],
    )
    assert [p.similar_to for p in marked] == ["Payments Ledger Rewrite!", "Payments Ledger Rewrite!", "", ""]


def test_accepting_adds_a_new_project_and_never_merges(session: Session, candidate: Candidate) -> None:
    assert candidate.id is not None
    existing_project(session, candidate, name="Payments ledger rewrite")
    proposal = Proposal(
        name=" Payments ledger rewrite ",
        company="Northwind",
        stack="Python, Kafka",
        situation="<script>alert(1)</script>",
        bullets="• Cut close to 4 hours\n\nZero downtime",
        similar_to="Payments ledger rewrite",
    )

    accept_proposal(session, candidate.id, proposal)
    session.commit()

    stored = resume.resume_of(session, candidate.id)
    assert [(item.project.name, [b.text for b in item.bullets]) for item in stored] == [
        ("Payments ledger rewrite", ["Kept as it was"]),
        ("Payments ledger rewrite", ["Cut close to 4 hours", "Zero downtime"]),
    ]
    added = stored[1].project
    assert (added.company, added.stack, added.position) == ("Northwind", ["Python", "Kafka"], 2)
    assert added.situation == "<script>alert(1)</script>"  # kept as text; pages show it as text


@pytest.mark.parametrize(
    ("proposal", "reason"),
    [
        (Proposal(name="  ", bullets="A bullet"), "Give the project a name"),
        (Proposal(name="Ledger", bullets="x" * 1001), "The bullet is 1,001 characters"),
        (Proposal(name="Ledger", period="p" * 101), "101 characters"),
    ],
)
def test_a_refused_proposal_writes_nothing(
    session: Session, candidate: Candidate, proposal: Proposal, reason: str
) -> None:
    assert candidate.id is not None
    with pytest.raises(InvalidInput, match=reason):
        accept_proposal(session, candidate.id, proposal)
    session.flush()
    assert resume.resume_of(session, candidate.id) == []
