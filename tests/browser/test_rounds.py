"""Interview rounds on the job page: schedule, edit with notes, reorder, delete, bad input."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from peregrine import db
from peregrine.domain.stages import Stage
from peregrine.models import Job
from peregrine.services import interviews
from tests.browser.helpers import seed_job

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("clean_db")]


def stored_rounds(job_id: int) -> list[tuple[int, str, str, str]]:
    with db.session_scope() as session:
        return [(r.order, r.name, r.kind, r.notes) for r in interviews.rounds_of(session, job_id)]


def schedule(page: Page, name: str, kind: str, when: str, people: str = "") -> None:
    page.get_by_role("button", name="Schedule a round").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Name", exact=True).fill(name)
    dialog.get_by_label("Kind").select_option(label=kind)
    dialog.get_by_label("When").fill(when)
    if people:
        dialog.get_by_label("Interviewers (one a line: name — role)").fill(people)
    dialog.get_by_role("button", name="Save round").click()
    expect(dialog).to_be_hidden()


def test_schedule_edit_reorder_and_delete_rounds(page: Page, app_url: str) -> None:
    job_id = seed_job("Umbrella", "Platform Engineer", Stage.PHONE_SCREEN)
    page.goto(f"{app_url}/applications/{job_id}")
    rounds = page.get_by_role("region", name="Interview rounds")
    expect(rounds).to_contain_text("No rounds yet.")

    schedule(page, "Recruiter call", "Recruiter", "2030-03-04T10:30", "Ana Diaz — Talent partner")
    schedule(page, "Tech screen", "Technical", "2030-03-11T15:00")
    items = rounds.get_by_role("listitem")
    expect(items).to_have_count(2)
    expect(items.first).to_contain_text("1. Recruiter call")
    expect(items.first).to_contain_text("Mon Mar 04, 2030, 10:30")  # another year's date says its year
    expect(items.first).to_contain_text("with Ana Diaz (Talent partner)")

    rounds.get_by_role("button", name="Edit Recruiter call").click()
    page.get_by_role("dialog").get_by_label("Notes after the round: questions asked, self-reflection").fill(
        "Asked why I am leaving; I rambled."
    )
    page.get_by_role("dialog").get_by_role("button", name="Save round").click()
    expect(page.get_by_role("dialog")).to_be_hidden()

    rounds.get_by_role("button", name="Move Tech screen earlier").click()
    expect(items.first).to_contain_text("1. Tech screen")
    assert stored_rounds(job_id) == [
        (1, "Tech screen", "technical", ""),
        (2, "Recruiter call", "recruiter", "Asked why I am leaving; I rambled."),
    ]
    page.reload()
    expect(page.get_by_role("region", name="Interview rounds").get_by_role("listitem").first).to_contain_text(
        "1. Tech screen"
    )

    page.get_by_role("region", name="Interview rounds").get_by_role("button", name="Delete Tech screen").click()
    expect(page.get_by_role("region", name="Interview rounds").get_by_role("listitem")).to_have_count(1)
    assert stored_rounds(job_id) == [(1, "Recruiter call", "recruiter", "Asked why I am leaving; I rambled.")]


def test_a_round_without_a_name_is_refused_and_nothing_is_saved(page: Page, app_url: str) -> None:
    job_id = seed_job("Soylent", "Food Scientist")
    page.goto(f"{app_url}/applications/{job_id}")
    page.get_by_role("button", name="Schedule a round").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("button", name="Save round").click()
    expect(dialog.get_by_role("alert")).to_contain_text("Give the round a name")
    assert stored_rounds(job_id) == []


def test_the_first_round_of_an_applied_job_moves_it_to_interviewing(page: Page, app_url: str) -> None:
    job_id = seed_job("Vandelay", "Importer")
    page.goto(f"{app_url}/applications/{job_id}")
    expect(page.get_by_text("Applied", exact=True)).to_be_visible(timeout=30_000)
    schedule(page, "Tech screen", "Technical", "2030-03-11T15:00")
    expect(page.get_by_text("Interviewing", exact=True)).to_be_visible()
    expect(page.get_by_text("Applied → Interviewing")).to_be_visible()
    with db.session_scope() as session:
        assert session.get(Job, job_id).stage == Stage.INTERVIEWING.value  # type: ignore[union-attr]


def test_a_failed_round_with_ratings_offers_to_reject_the_job_in_one_click(page: Page, app_url: str) -> None:
    job_id = seed_job("Initech", "Printer Whisperer", Stage.INTERVIEWING)
    with db.session_scope() as session:
        interviews.add_round(session, job_id, interviews.RoundFields("Panel", kind="panel"))
    page.goto(f"{app_url}/applications/{job_id}")
    rounds = page.get_by_role("region", name="Interview rounds")
    rounds.get_by_role("button", name="Edit Panel").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("combobox", name="Outcome").select_option("failed")
    dialog.get_by_role("combobox", name="Overall rating").select_option("2")
    dialog.get_by_role("combobox", name="Technical rating").select_option("3")
    dialog.get_by_label("Feedback you received").fill("Wanted more depth on caching.")
    dialog.get_by_role("button", name="Save round").click()
    expect(dialog).to_be_hidden()
    offer = rounds.get_by_role("status").filter(has_text="Panel did not go well")
    expect(offer).to_contain_text("Reject this job at Interviewing?")
    with db.session_scope() as session:
        stored = interviews.rounds_of(session, job_id)[0]
        assert (stored.outcome, stored.overall_rating, stored.technical_rating) == ("failed", 2, 3)
        assert stored.feedback == "Wanted more depth on caching."
        assert session.get(Job, job_id).stage == Stage.INTERVIEWING.value  # type: ignore[union-attr]
    offer.get_by_role("button", name="Reject the job").click()
    expect(page.get_by_text("Interviewing → Rejected")).to_be_visible()
    with db.session_scope() as session:
        job = session.get(Job, job_id)
        assert job is not None
        assert (job.stage, job.rejection_stage, job.rejection_reason) == (
            "rejected",
            "interviewing",
            "rejected_by_company",
        )
