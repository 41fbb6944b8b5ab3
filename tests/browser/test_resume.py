"""The Resume page: import by pasting, edit projects and bullets, a malformed import keeps what was typed;
a resume from a DOCX split by the model and reviewed, or split by hand when the model fails."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from peregrine import db
from peregrine.services import resume
from peregrine.services.candidates import current_candidate
from tests.fakes.openai_server import FakeOpenAIServer
from tests.fakes.resume_documents import resume_docx

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("clean_db")]

RESUME = """\
projects:
  - name: Ledger rewrite
    company: Northwind
    role: Tech lead
    period: 2022 - 2023
    situation: Nightly batches made month-end close take three days.
    metrics: 3 days → 4 hours
    stack: Python, PostgreSQL, Kafka
    decisions: Event sourcing over in-place updates.
    bullets:
      - Cut month-end close from 3 days to 4 hours
      - Migrated 1,200 merchants with zero downtime
  - name: Analytics platform
    stack: [dbt, Snowflake]
    bullets:
      - Built self-serve analytics for 140 managers
"""


def seed_resume(text: str = RESUME) -> None:
    with db.session_scope() as session:
        candidate = current_candidate(session)
        assert candidate.id is not None
        resume.import_resume_yaml(session, candidate.id, text, replace=True)


def stored() -> list[tuple[str, list[str]]]:
    with db.session_scope() as session:
        candidate = current_candidate(session)
        assert candidate.id is not None
        return [(item.project.name, [b.text for b in item.bullets]) for item in resume.resume_of(session, candidate.id)]


def open_resume(page: Page, app_url: str) -> None:
    page.goto(app_url + "/resume")
    expect(page.get_by_role("heading", name="Resume", level=1)).to_be_visible(timeout=30_000)


def test_import_by_pasting_shows_the_projects_and_their_bullets(page: Page, app_url: str) -> None:
    open_resume(page, app_url)
    expect(page.get_by_role("status").filter(has_text="Your resume is empty")).to_contain_text(
        "config/resume.yaml.example"
    )

    page.get_by_role("button", name="Import YAML").click()
    dialog = page.get_by_role("dialog", name="Import YAML")
    dialog.get_by_label("Resume YAML").fill(RESUME)
    dialog.get_by_role("radio", name="Replace my resume").click()
    dialog.get_by_role("button", name="Import", exact=True).click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("status").filter(has_text="Imported")).to_contain_text(
        "Imported 2 projects and 3 bullets, replacing your previous resume."
    )

    ledger = page.get_by_role("article", name="Ledger rewrite")
    expect(ledger).to_contain_text("Northwind · Tech lead · 2022 - 2023")
    expect(ledger).to_contain_text("Nightly batches made month-end close take three days.")
    expect(ledger).to_contain_text("Event sourcing over in-place updates.")
    expect(ledger.get_by_role("list", name="Stack").get_by_role("listitem")).to_have_text(
        ["Python", "PostgreSQL", "Kafka"]
    )
    bullets = ledger.get_by_role("list", name="Bullets of Ledger rewrite").get_by_role("listitem")
    expect(bullets).to_have_count(2)
    expect(bullets.first).to_contain_text("Cut month-end close from 3 days to 4 hours")
    analytics = page.get_by_role("article", name="Analytics platform")
    expect(analytics.get_by_role("listitem").filter(has_text="140 managers")).to_have_count(1)
    assert stored() == [
        (
            "Ledger rewrite",
            ["Cut month-end close from 3 days to 4 hours", "Migrated 1,200 merchants with zero downtime"],
        ),
        ("Analytics platform", ["Built self-serve analytics for 140 managers"]),
    ]

    page.get_by_role("button", name="Export YAML").click()
    exported = page.get_by_role("dialog", name="Export YAML").get_by_label("Your resume as YAML")
    expect(exported).to_have_value(re.compile(r"- name: Ledger rewrite\n"))
    assert "stack: [dbt, Snowflake]" in exported.input_value()
    with db.session_scope() as session:
        candidate = current_candidate(session)
        assert candidate.id is not None
        assert exported.input_value() == resume.export_resume_yaml(session, candidate.id)


def test_an_edited_bullet_survives_a_reload(page: Page, app_url: str) -> None:
    seed_resume()
    open_resume(page, app_url)
    ledger = page.get_by_role("article", name="Ledger rewrite")

    ledger.get_by_role("button", name="Edit bullet 2 of Ledger rewrite").click()
    dialog = page.get_by_role("dialog", name="Edit bullet")
    expect(dialog.get_by_label("Bullet")).to_have_value("Migrated 1,200 merchants with zero downtime")
    dialog.get_by_label("Bullet").fill("Moved 1,200 merchants to the new ledger with zero downtime")
    dialog.get_by_role("button", name="Save bullet").click()
    expect(dialog).to_be_hidden()
    ledger.get_by_role("button", name="Move bullet 2 of Ledger rewrite up").click()
    expect(ledger.get_by_role("listitem").filter(has_text="merchants").first).to_contain_text("Moved 1,200")

    page.reload()
    bullets = page.get_by_role("list", name="Bullets of Ledger rewrite").get_by_role("listitem")
    expect(bullets).to_have_count(2)
    expect(bullets.first).to_contain_text("Moved 1,200 merchants to the new ledger with zero downtime")
    expect(bullets.nth(1)).to_contain_text("Cut month-end close")
    assert stored()[0] == (
        "Ledger rewrite",
        ["Moved 1,200 merchants to the new ledger with zero downtime", "Cut month-end close from 3 days to 4 hours"],
    )


def test_a_malformed_import_shows_the_error_and_keeps_the_text(page: Page, app_url: str) -> None:
    seed_resume()
    open_resume(page, app_url)
    broken = "projects:\n  - name: Side project\n    company: Acme: Labs\n"

    page.get_by_role("button", name="Import YAML").click()
    dialog = page.get_by_role("dialog", name="Import YAML")
    dialog.get_by_label("Resume YAML").fill(broken)
    dialog.get_by_role("radio", name="Replace my resume").click()
    dialog.get_by_role("button", name="Import", exact=True).click()
    expect(dialog.get_by_role("alert")).to_contain_text("Line 3, column 18: this is not valid YAML")
    expect(dialog.get_by_role("alert")).to_contain_text("Nothing was imported.")
    expect(dialog.get_by_label("Resume YAML")).to_have_value(broken)

    # Closing and coming back loses nothing either.
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    page.get_by_role("button", name="Import YAML").click()
    expect(page.get_by_role("dialog", name="Import YAML").get_by_label("Resume YAML")).to_have_value(broken)
    assert [name for name, _ in stored()] == ["Ledger rewrite", "Analytics platform"]


def test_add_a_project_then_delete_it_after_confirming(page: Page, app_url: str) -> None:
    open_resume(page, app_url)
    page.get_by_role("button", name="Add a project").click()
    dialog = page.get_by_role("dialog", name="Add a project")
    dialog.get_by_label("Company").fill("Acme")
    dialog.get_by_role("button", name="Save project").click()
    expect(dialog.get_by_role("alert")).to_contain_text("Give the project a name")

    dialog.get_by_label("Name").fill("Search relevance")
    dialog.get_by_label("Actions: what you did").fill("Rebuilt ranking.\nShipped A/B tests.")
    dialog.get_by_label("Stack (comma-separated)").fill("Python, Elasticsearch")
    dialog.get_by_role("button", name="Save project").click()
    expect(dialog).to_be_hidden()
    project = page.get_by_role("article", name="Search relevance")
    expect(project).to_contain_text("Rebuilt ranking.")
    expect(project.get_by_role("list", name="Stack").get_by_role("listitem")).to_have_text(["Python", "Elasticsearch"])

    project.get_by_role("button", name="Add a bullet to Search relevance").click()
    page.get_by_role("dialog", name="Add a bullet").get_by_label("Bullet").fill("Lifted search conversion by 12%")
    page.get_by_role("dialog", name="Add a bullet").get_by_role("button", name="Save bullet").click()
    expect(project.get_by_role("listitem").filter(has_text="12%")).to_have_count(1)
    assert stored() == [("Search relevance", ["Lifted search conversion by 12%"])]

    project.get_by_role("button", name="Delete project Search relevance").click()
    confirm = page.get_by_role("alertdialog")
    expect(confirm).to_contain_text("Delete “Search relevance” and all its bullets?")
    confirm.get_by_role("button", name="Keep it").click()
    expect(project).to_be_visible()
    project.get_by_role("button", name="Delete project Search relevance").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Delete for good").click()
    expect(page.get_by_role("status").filter(has_text="Your resume is empty")).to_be_visible()
    assert stored() == []


def test_a_chosen_file_fills_the_box_before_importing(page: Page, app_url: str, tmp_path: Path) -> None:
    open_resume(page, app_url)
    page.get_by_role("button", name="Import YAML").click()
    dialog = page.get_by_role("dialog", name="Import YAML")
    upload = tmp_path / "resume.yaml"
    upload.write_text("projects:\n  - name: From a file\n    bullets: [Read from disk]\n", encoding="utf-8")
    choose = dialog.get_by_role("button", name="Choose a .yaml file")
    choose.click(trial=True)  # waits for the dialog's opening animation to settle, clicks nothing
    with page.expect_file_chooser() as chooser:
        choose.press("Enter")  # a keyboard user's way in
    chooser.value.set_files(upload)
    expect(dialog).to_contain_text("Loaded resume.yaml into the box below.")
    expect(dialog.get_by_label("Resume YAML")).to_have_value(upload.read_text(encoding="utf-8"))
    dialog.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_role("article", name="From a file")).to_contain_text("Read from disk")
    assert stored() == [("From a file", ["Read from disk"])]


@pytest.fixture
def fresh_llm(session_llm: FakeOpenAIServer) -> Iterator[FakeOpenAIServer]:
    session_llm.reset()
    yield session_llm
    session_llm.reset()


def choose_document(page: Page, path: Path) -> None:
    page.get_by_role("button", name="Import PDF or DOCX").click()
    choose = page.get_by_role("button", name="Choose a PDF or DOCX")
    with page.expect_file_chooser() as chooser:
        choose.press("Enter")
    chooser.value.set_files(path)


def test_a_docx_is_split_by_the_model_reviewed_and_accepted(
    page: Page, app_url: str, fresh_llm: FakeOpenAIServer, tmp_path: Path
) -> None:
    seed_resume("projects:\n  - name: Analytics platform\n    bullets: [Built dashboards]\n")
    document = tmp_path / "resume.docx"
    document.write_bytes(
        resume_docx(
            projects=(
                ("Payments ledger rewrite", ("Cut month-end close from 3 days to 4 hours", "<b>Zero</b> downtime")),
                ("Analytics platform", ("Built self-serve analytics for 140 managers",)),
            )
        )
    )
    fresh_llm.queue_json(
        {
            "projects": [
                {
                    "name": "Payments ledger rewrite",
                    "company": "Northwind",
                    "stack": ["Python", "Kafka"],
                    "bullets": ["Cut month-end close from 3 days to 4 hours", "<b>Zero</b> downtime"],
                },
                {"name": "Analytics platform", "bullets": ["Built self-serve analytics for 140 managers"]},
            ]
        }
    )
    open_resume(page, app_url)
    choose_document(page, document)

    ledger = page.get_by_role("article", name="Proposed: Payments ledger rewrite")
    expect(ledger.get_by_label("Bullets, one a line")).to_have_value(
        "Cut month-end close from 3 days to 4 hours\n<b>Zero</b> downtime", timeout=20_000
    )
    expect(page.get_by_label("Text of resume.docx")).to_have_value(re.compile(r"• Cut month-end close"))
    assert "Payments ledger rewrite" in str(fresh_llm.requests[-1]["messages"])
    analytics = page.get_by_role("article", name="Proposed: Analytics platform")
    expect(analytics).to_contain_text("Looks like your project “Analytics platform”")
    expect(ledger).not_to_contain_text("Looks like your project")

    ledger.get_by_label("Name").fill("Ledger rewrite")
    page.get_by_role("button", name="Accept Ledger rewrite").click()
    saved = page.get_by_role("article", name="Ledger rewrite", exact=True)
    expect(saved.get_by_role("list", name="Bullets of Ledger rewrite").get_by_role("listitem")).to_have_count(2)
    expect(saved).to_contain_text("<b>Zero</b> downtime")  # markup shown as the text it is
    expect(saved).to_contain_text("Northwind")
    page.get_by_role("button", name="Drop Analytics platform").click()
    expect(page.get_by_role("article", name=re.compile("^Proposed:"))).to_have_count(0)
    assert stored() == [
        ("Analytics platform", ["Built dashboards"]),
        ("Ledger rewrite", ["Cut month-end close from 3 days to 4 hours", "<b>Zero</b> downtime"]),
    ]


def test_when_the_model_fails_the_text_is_kept_and_split_by_hand(
    page: Page, app_url: str, fresh_llm: FakeOpenAIServer, tmp_path: Path
) -> None:
    not_a_resume = tmp_path / "resume.pdf"
    not_a_resume.write_text("Ada Lovelace, backend engineer", encoding="utf-8")
    document = tmp_path / "cv.docx"
    document.write_bytes(resume_docx(skills=()))
    open_resume(page, app_url)
    choose_document(page, not_a_resume)
    panel = page.get_by_role("region", name="Resume from a PDF or DOCX")
    expect(panel.get_by_role("alert")).to_contain_text(
        "resume.pdf: This file is not a PDF or a Word (.docx) document, whatever its name says."
    )

    fresh_llm.fail_next(status=500, message="model overloaded")
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Choose a PDF or DOCX").press("Enter")
    chooser.value.set_files(document)
    expect(panel.get_by_role("status").filter(has_text="No language model answered")).to_contain_text(
        "The text is kept below.", timeout=20_000
    )
    box = page.get_by_label("Text of cv.docx")
    passage = "Analytics platform\n• Built self-serve analytics for 140 managers"
    assert passage in box.input_value()
    box.evaluate(
        "(box, passage) => { const at = box.value.indexOf(passage); box.focus();"
        " box.setSelectionRange(at, at + passage.length); }",
        passage,
    )
    page.get_by_role("button", name="New project from this").click()
    proposal = page.get_by_role("article", name="Proposed: Analytics platform")
    expect(proposal.get_by_label("Bullets, one a line")).to_have_value("• Built self-serve analytics for 140 managers")
    proposal.get_by_role("button", name="Accept Analytics platform").click()
    expect(page.get_by_role("article", name="Analytics platform", exact=True)).to_contain_text("140 managers")
    expect(box).to_have_value(re.compile("Payments ledger rewrite"))  # the rest of the text is still there
    assert stored() == [("Analytics platform", ["Built self-serve analytics for 140 managers"])]
    expect(panel.get_by_role("alert")).to_have_count(0)  # the earlier refusal went with the good file
