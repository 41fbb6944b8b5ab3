"""The REST API over real HTTP, against the backend the browser tests share (same SQLite file).

Also a schemathesis run over the served OpenAPI document: no 5xx, no answer that breaks the
documented schema.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from peregrine import db
from peregrine.domain.stages import Stage
from peregrine.models import Candidate, StageEvent
from peregrine.services import api_tokens
from peregrine.services.candidates import current_candidate
from tests.browser.conftest import open_board
from tests.browser.helpers import card, column

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("clean_db")]


@pytest.fixture
def token(app_data: object) -> str:
    with db.session_scope() as session:
        candidate = current_candidate(session)
        _, plaintext = api_tokens.create_token(session, candidate.id or 0, "tests")
    return plaintext


@pytest.fixture
def client(api_url: str, token: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=f"{api_url}/api/v1", headers={"Authorization": f"Bearer {token}"}, timeout=10) as http:
        yield http


def test_a_token_is_required_and_a_revoked_one_stops_working(api_url: str, token: str) -> None:
    assert httpx.get(f"{api_url}/api/v1/jobs").status_code == 401
    assert httpx.get(f"{api_url}/api/v1/jobs", headers={"Authorization": "Bearer pgr_wrong"}).status_code == 401
    headers = {"Authorization": f"Bearer {token}"}
    assert httpx.get(f"{api_url}/api/v1/jobs", headers=headers).status_code == 200
    with db.session_scope() as session:
        found = api_tokens.authenticate(session.connection(), token)
        assert found is not None
        api_tokens.revoke_token(session, found.token_id, candidate_id=found.candidate_id)
    assert httpx.get(f"{api_url}/api/v1/jobs", headers=headers).status_code == 401


def test_jobs_rounds_outcomes_and_offers(client: httpx.Client) -> None:
    created = client.post("/jobs", json={"company": "Acme", "title": "Engineer", "source": "Referral"})
    assert created.status_code == 201
    job = created.json()
    assert (job["stage"], job["final_outcome"], job["version"]) == ("applied", "in_progress", 1)
    assert client.post("/jobs", json={"company": "", "title": "x"}).status_code == 422

    first = client.post(f"/jobs/{job['id']}/rounds", json={"name": "Recruiter call", "kind": "recruiter"})
    assert first.status_code == 201
    assert client.get(f"/jobs/{job['id']}").json()["stage"] == "phone_screen", "the first round moved the job"
    round_id = first.json()["id"]
    bad = client.put(f"/rounds/{round_id}/outcome", json={"outcome": "passed", "overall_rating": 6})
    assert bad.status_code == 422
    outcome = client.put(f"/rounds/{round_id}/outcome", json={"outcome": "passed", "overall_rating": 4})
    assert outcome.status_code == 200
    assert (outcome.json()["outcome"], outcome.json()["overall_rating"]) == ("passed", 4)
    assert [r["name"] for r in client.get(f"/jobs/{job['id']}/rounds").json()] == ["Recruiter call"]

    offer = client.put(f"/jobs/{job['id']}/offer", json={"base_salary": 150000, "currency": "eur"})
    assert offer.status_code == 200
    assert offer.json()["currency"] == "EUR"
    assert client.get(f"/jobs/{job['id']}").json()["stage"] == "offer"

    rates = {row["source"]: row for row in client.get("/analytics/conversion-rates").json()}
    assert (rates["Referral"]["jobs"], rates["Referral"]["offers"]) == (1, 1)
    kinds = client.get("/analytics/stage-success-rates").json()
    assert [(k["kind"], k["passed"], k["success_rate"]) for k in kinds] == [("recruiter", 1, 1.0)]
    company = client.get("/analytics/company-stats/acme").json()
    assert (company["company"], company["total_applications"], company["offer_rate"]) == ("Acme", 1, 1.0)
    assert client.get("/analytics/company-stats/Nobody").status_code == 404

    assert client.delete(f"/jobs/{job['id']}").status_code == 204
    assert client.get(f"/jobs/{job['id']}").status_code == 404


def test_the_move_endpoint_goes_through_the_move_service(client: httpx.Client) -> None:
    job = client.post("/jobs", json={"company": "Globex", "title": "Engineer"}).json()
    moved = client.post(f"/jobs/{job['id']}/move", json={"to_stage": "interviewing", "expected_version": 1})
    assert moved.status_code == 200
    assert moved.json()["stage"] == "interviewing"
    with db.session_scope() as session:
        event = session.exec(select(StageEvent).where(StageEvent.job_id == job["id"])).first()
        assert event is not None
        assert event.source == "api"

    stale = client.post(f"/jobs/{job['id']}/move", json={"to_stage": "offer", "expected_version": 1})
    assert stale.status_code == 409
    assert "changed since you read it" in stale.json()["detail"]
    backwards = client.post(f"/jobs/{job['id']}/move", json={"to_stage": "applied"})
    assert backwards.status_code == 409
    assert backwards.json()["allowed"] == ["offer", "hired", "rejected"]
    no_reason = client.post(f"/jobs/{job['id']}/move", json={"to_stage": "rejected"})
    assert no_reason.status_code in (409, 422)


def test_another_candidates_data_is_not_found(client: httpx.Client) -> None:
    with db.session_scope() as session:
        other = Candidate(name="Someone Else")
        session.add(other)
        session.flush()
        from peregrine.services.jobs import JobFields, create_job

        theirs = create_job(session, other.id or 0, JobFields(company="Secret", title="Hidden"))
        theirs_id = theirs.id
    assert client.get(f"/jobs/{theirs_id}").status_code == 404
    assert client.post(f"/jobs/{theirs_id}/move", json={"to_stage": "hired"}).status_code == 404
    assert client.get(f"/jobs/{theirs_id}/rounds").status_code == 404
    assert all(job["company"] != "Secret" for job in client.get("/jobs").json())


def test_the_openapi_document_is_served(api_url: str) -> None:
    document = httpx.get(f"{api_url}/api/openapi.json").json()
    assert "/api/v1/jobs/{job_id}/move" in document["paths"]
    assert httpx.get(f"{api_url}/api/docs").status_code == 200


def test_settings_shows_a_new_token_once_and_revokes_it(page: Page, app_url: str, api_url: str) -> None:
    page.goto(f"{app_url}/settings")
    section = page.get_by_role("region", name="REST API")
    section.get_by_label("New token name").fill("browser test")
    section.get_by_role("button", name="Create a token").click()
    # The new token's row and its clear text arrive together (the first-start token may be shown before).
    expect(section.get_by_role("button", name="Revoke browser test")).to_be_visible(timeout=30_000)
    shown = section.get_by_role("status").filter(has_text="shown only once")
    plaintext = shown.locator("code.api-token").inner_text()
    headers = {"Authorization": f"Bearer {plaintext}"}
    assert httpx.get(f"{api_url}/api/v1/jobs", headers=headers).status_code == 200

    page.reload()
    expect(section.get_by_role("button", name="Revoke browser test")).to_be_visible(timeout=30_000)
    expect(section.get_by_role("status").filter(has_text="shown only once")).to_have_count(0)
    section.get_by_role("button", name="Revoke browser test").click()
    expect(section.get_by_role("row").filter(has_text="browser test")).to_contain_text("revoked")
    assert httpx.get(f"{api_url}/api/v1/jobs", headers=headers).status_code == 401


def test_an_open_board_follows_jobs_changed_through_the_api(page: Page, app_url: str, client: httpx.Client) -> None:
    """Another writer (here the API; an email works the same way) changes jobs while the board is
    open: each change shows up without a reload, and the board's own moves still work after."""
    open_board(page, app_url)

    created = client.post("/jobs", json={"company": "Hooli", "title": "Platform Engineer"}).json()
    hooli = column(page, Stage.APPLIED).get_by_role("article", name="Hooli — Platform Engineer")
    expect(hooli).to_be_visible()

    moved = client.post(f"/jobs/{created['id']}/move", json={"to_stage": "phone_screen"})
    assert moved.status_code == 200
    expect(column(page, Stage.PHONE_SCREEN).get_by_role("article", name="Hooli — Platform Engineer")).to_be_visible()
    expect(hooli).to_have_count(0)

    renamed = client.put(f"/jobs/{created['id']}", json={"company": "Hooli", "title": "Staff Engineer"})
    assert renamed.status_code == 200
    staff = card(page, "Hooli", "Staff Engineer")
    expect(staff).to_be_visible()

    staff.get_by_role("button", name="Advance to Interviewing").click()
    expect(column(page, Stage.INTERVIEWING).get_by_role("article", name="Hooli — Staff Engineer")).to_be_visible()

    assert client.delete(f"/jobs/{created['id']}").status_code == 204
    expect(staff).to_have_count(0)


def test_an_open_job_page_shows_a_move_made_through_the_api(page: Page, app_url: str, client: httpx.Client) -> None:
    created = client.post("/jobs", json={"company": "Pied Piper", "title": "Compression Engineer"}).json()
    page.goto(f"{app_url}/applications/{created['id']}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Pied Piper — Compression Engineer", timeout=30_000)
    history = page.locator(".stage-history li")
    expect(history).to_have_count(1)  # when it was added
    expect(history.first).to_contain_text("Added to Applied")

    assert client.post(f"/jobs/{created['id']}/move", json={"to_stage": "survey"}).status_code == 200

    expect(history).to_have_count(2)
    expect(history.first).to_contain_text("Applied → Survey")
