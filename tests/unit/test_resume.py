"""The resume on a real SQLite file: projects and bullets in order, and the all-or-nothing YAML import."""

from __future__ import annotations

import pytest
import yaml
from sqlmodel import Session, select

from peregrine import db
from peregrine.config import PROJECT_ROOT
from peregrine.models import Candidate, ExperienceProject, ResumeBullet
from peregrine.services import resume
from peregrine.services.errors import InvalidInput, NotFound
from peregrine.services.resume import ProjectFields

TWO_PROJECTS = """\
projects:
  - name: Ledger rewrite
    company: Northwind
    role: Tech lead
    period: 2022
    situation: |
      Nightly batches.
      Slow month-end close.
    metrics:
      - 3 days → 4 hours
      - zero downtime
    stack: Python, PostgreSQL , python
    decisions: Event sourcing over updates.
    bullets:
      - Cut month-end close from 3 days to 4 hours
      - Migrated 1,200 merchants with zero downtime
  - name: Analytics platform
    stack: [dbt, Snowflake]
    bullets:
      - Built self-serve analytics
"""


def candidate_id(candidate: Candidate) -> int:
    assert candidate.id is not None
    return candidate.id


def outline(cid: int) -> list[tuple[int, str, list[tuple[int, str]]]]:
    """The resume as the page shows it: (position, name, [(position, bullet)]) in order."""
    with db.session_scope() as session:
        return [
            (item.project.position, item.project.name, [(b.position, b.text) for b in item.bullets])
            for item in resume.resume_of(session, cid)
        ]


def row_counts() -> tuple[int, int]:
    with db.session_scope() as session:
        return (
            len(session.exec(select(ExperienceProject)).all()),
            len(session.exec(select(ResumeBullet)).all()),
        )


def test_projects_are_created_edited_reordered_and_deleted_in_sequence(session: Session, candidate: Candidate) -> None:
    cid = candidate_id(candidate)
    ledger = resume.create_project(
        session, cid, ProjectFields("  Ledger  ", company="Northwind", stack="Python, Kafka,, python")
    )
    analytics = resume.create_project(session, cid, ProjectFields("Analytics"))
    resume.create_project(session, cid, ProjectFields("First"), position=1)
    session.commit()
    assert [(p, name) for p, name, _ in outline(cid)] == [(1, "First"), (2, "Ledger"), (3, "Analytics")]
    assert ledger.stack == ["Python", "Kafka"]

    assert ledger.id is not None
    assert analytics.id is not None
    resume.update_project(
        session, ledger.id, ProjectFields("Ledger rewrite", role="Lead", stack=["Go", " ", "Go"]), candidate_id=cid
    )
    resume.move_project(session, analytics.id, 1, candidate_id=cid)
    session.commit()
    assert [name for _, name, _ in outline(cid)] == ["Analytics", "First", "Ledger rewrite"]
    stored = resume.get_project(session, ledger.id)
    assert (stored.role, stored.company, stored.stack) == ("Lead", "", ["Go"])

    resume.add_bullet(session, ledger.id, "Shipped it")
    resume.delete_project(session, ledger.id, candidate_id=cid)
    session.commit()
    assert outline(cid) == [(1, "Analytics", []), (2, "First", [])]
    assert row_counts() == (2, 0)


def test_a_project_needs_a_name(session: Session, candidate: Candidate) -> None:
    with pytest.raises(InvalidInput, match="Give the project a name"):
        resume.create_project(session, candidate_id(candidate), ProjectFields("   ", company="Acme"))
    session.rollback()
    assert row_counts() == (0, 0)


def test_bullets_are_added_edited_moved_and_deleted_under_their_project(session: Session, candidate: Candidate) -> None:
    cid = candidate_id(candidate)
    project = resume.create_project(session, cid, ProjectFields("Ledger"))
    other = resume.create_project(session, cid, ProjectFields("Other"))
    assert project.id is not None
    assert other.id is not None
    first = resume.add_bullet(session, project.id, "One")
    second = resume.add_bullet(session, project.id, "  Two\n  lines  ")
    third = resume.add_bullet(session, project.id, "Three")
    resume.add_bullet(session, other.id, "Elsewhere")
    resume.add_bullet(session, project.id, "Zero", position=1)
    session.commit()
    assert outline(cid)[0][2] == [(1, "Zero"), (2, "One"), (3, "Two lines"), (4, "Three")]

    assert third.id is not None
    assert first.id is not None
    assert second.id is not None
    resume.move_bullet(session, third.id, 3, candidate_id=cid)  # up one
    resume.move_bullet(session, first.id, 99)  # past the end: last
    resume.update_bullet(session, second.id, "Two, edited", candidate_id=cid)
    session.commit()
    assert outline(cid)[0][2] == [(1, "Zero"), (2, "Three"), (3, "Two, edited"), (4, "One")]

    resume.delete_bullet(session, second.id, candidate_id=cid)
    session.commit()
    assert outline(cid) == [
        (1, "Ledger", [(1, "Zero"), (2, "Three"), (3, "One")]),
        (2, "Other", [(1, "Elsewhere")]),
    ]


def test_an_empty_bullet_is_refused(session: Session, candidate: Candidate) -> None:
    project = resume.create_project(session, candidate_id(candidate), ProjectFields("Ledger"))
    assert project.id is not None
    bullet = resume.add_bullet(session, project.id, "Kept")
    assert bullet.id is not None
    with pytest.raises(InvalidInput, match="A bullet needs some text"):
        resume.add_bullet(session, project.id, " \n ")
    with pytest.raises(InvalidInput, match="A bullet needs some text"):
        resume.update_bullet(session, bullet.id, "")
    assert resume.get_bullet(session, bullet.id).text == "Kept"


def test_another_candidates_project_looks_missing(session: Session, candidate: Candidate) -> None:
    stranger = Candidate(name="Someone else")
    session.add(stranger)
    session.flush()
    assert stranger.id is not None
    theirs = resume.create_project(session, stranger.id, ProjectFields("Theirs"))
    assert theirs.id is not None
    bullet = resume.add_bullet(session, theirs.id, "Their line")
    assert bullet.id is not None
    cid = candidate_id(candidate)
    with pytest.raises(NotFound):
        resume.delete_project(session, theirs.id, candidate_id=cid)
    with pytest.raises(NotFound):
        resume.update_bullet(session, bullet.id, "Mine now", candidate_id=cid)
    with pytest.raises(NotFound):
        resume.add_bullet(session, theirs.id, "Mine too", candidate_id=cid)
    with pytest.raises(NotFound, match="Project 999 was not found"):
        resume.get_project(session, 999)


def test_import_writes_projects_and_bullets_in_the_files_order(session: Session, candidate: Candidate) -> None:
    cid = candidate_id(candidate)
    result = resume.import_resume_yaml(session, cid, TWO_PROJECTS, replace=False)
    session.commit()
    assert (result.projects, result.bullets, result.replaced) == (2, 3, False)
    assert result.summary == "Imported 2 projects and 3 bullets."
    assert outline(cid) == [
        (
            1,
            "Ledger rewrite",
            [(1, "Cut month-end close from 3 days to 4 hours"), (2, "Migrated 1,200 merchants with zero downtime")],
        ),
        (2, "Analytics platform", [(1, "Built self-serve analytics")]),
    ]
    ledger = resume.resume_of(session, cid)[0].project
    assert ledger.period == "2022"  # YAML read a number; the user meant text
    assert ledger.situation == "Nightly batches.\nSlow month-end close."
    assert ledger.metrics == "3 days → 4 hours\nzero downtime"
    assert ledger.stack == ["Python", "PostgreSQL"]
    assert ledger.decisions == "Event sourcing over updates."


def test_import_adds_after_the_existing_resume_or_replaces_it(session: Session, candidate: Candidate) -> None:
    cid = candidate_id(candidate)
    kept = resume.create_project(session, cid, ProjectFields("Typed by hand"))
    assert kept.id is not None
    resume.add_bullet(session, kept.id, "A hand-written line")
    session.commit()

    added = resume.import_resume_yaml(session, cid, "- name: Side project\n  bullets: [Wrote a CLI]\n", replace=False)
    session.commit()
    assert added.summary == "Imported 1 project and 1 bullet."
    assert [(p, name) for p, name, _ in outline(cid)] == [(1, "Typed by hand"), (2, "Side project")]

    replaced = resume.import_resume_yaml(session, cid, TWO_PROJECTS, replace=True)
    session.commit()
    assert replaced.summary == "Imported 2 projects and 3 bullets, replacing your previous resume."
    assert [(p, name) for p, name, _ in outline(cid)] == [(1, "Ledger rewrite"), (2, "Analytics platform")]
    assert row_counts() == (2, 3)


def test_malformed_yaml_is_reported_with_its_line_and_column(session: Session, candidate: Candidate) -> None:
    text = "projects:\n  - name: Ledger\n    company: Northwind: Payments\n"
    with pytest.raises(InvalidInput) as caught:
        resume.import_resume_yaml(session, candidate_id(candidate), text, replace=True)
    message = str(caught.value)
    assert message.startswith("Line 3, column 23: this is not valid YAML")
    assert "mapping values are not allowed here" in message
    assert message.endswith("Nothing was imported.")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "projects:\n  - name: Ledger\n    stack: {python: 3}\n",
            "Line 3: project 1 (“Ledger”), key “stack”: should be a list of technologies, or one comma-separated line.",
        ),
        ("projects:\n  - name: A\n  - company: Acme\n", "Line 3: project 2: “name” is missing: every project needs"),
        ("projects:\n  - name: '  '\n", "Line 2: project 1, key “name”: must not be empty"),
        (
            "projects:\n  - name: A\n    bullets:\n      - fine\n      -\n",
            "Line 5: project 1 (“A”), key “bullets”, bullet 2: is empty",
        ),
        ("projects:\n  - name: A\n    bullets: One line\n", "key “bullets”: should be a list of bullets"),
        ("projects:\n  - name: A\n    role: [a, b]\n", "Line 3: project 1 (“A”), key “role”: should be text."),
        ("projects:\n  - name: A\n    decision: x\n", "Line 3: project 1 (“A”), key “decision”: unknown key"),
        ("project:\n  - name: A\n", "unknown top-level key “project”"),
        ("projects:\n  - just a line\n", "Line 2: project 1: should be a project"),
        ("Just some text", "The file should start with “projects:”"),
        ("projects: []\n", "The file lists no projects"),
        ("   \n", "Paste your resume in YAML first"),
    ],
)
def test_an_invalid_file_names_the_project_key_and_line(
    session: Session, candidate: Candidate, text: str, message: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        resume.import_resume_yaml(session, candidate_id(candidate), text, replace=False)
    assert message in str(caught.value)


def test_every_problem_is_listed_in_line_order(session: Session, candidate: Candidate) -> None:
    text = "projects:\n  - name: A\n    stak: [x]\n  - company: B\n    bullets: [ok, [no]]\n"
    with pytest.raises(InvalidInput) as caught:
        resume.import_resume_yaml(session, candidate_id(candidate), text, replace=False)
    lines = str(caught.value).splitlines()
    assert lines[0] == "Nothing was imported; fix these and try again:"
    assert [line.split(":")[0] for line in lines[1:]] == ["• Line 3", "• Line 4", "• Line 5"]


def test_an_invalid_file_writes_nothing_even_when_replacing(session: Session, candidate: Candidate) -> None:
    cid = candidate_id(candidate)
    resume.import_resume_yaml(session, cid, TWO_PROJECTS, replace=False)
    session.commit()
    before = outline(cid)
    # The first project is valid; the second is not: nothing at all may change.
    text = "projects:\n  - name: New one\n    bullets: [fine]\n  - name: Broken\n    bullets: [[1, 2]]\n"
    with pytest.raises(InvalidInput, match="project 2"):
        resume.import_resume_yaml(session, cid, text, replace=True)
    session.commit()
    assert outline(cid) == before
    assert row_counts() == (2, 3)


def test_export_round_trips_through_import(session: Session, candidate: Candidate) -> None:
    cid = candidate_id(candidate)
    resume.import_resume_yaml(session, cid, TWO_PROJECTS, replace=False)
    hand = resume.create_project(
        session, cid, ProjectFields("Hand: typed", actions="Line one\nLine two", results="'quoted' # not a comment")
    )
    assert hand.id is not None
    resume.add_bullet(session, hand.id, "- starts with a dash: and has a colon")
    session.commit()
    before = outline(cid)
    fields_before = [
        item.project.model_dump(exclude={"id", "created_at", "updated_at"}) for item in resume.resume_of(session, cid)
    ]

    exported = resume.export_resume_yaml(session, cid)
    assert exported.startswith("# Peregrine resume")
    assert "    actions: |-\n      Line one\n      Line two\n" in exported  # multi-line text reads as a block
    assert yaml.safe_load(exported)["projects"][1] == {
        "name": "Analytics platform",
        "stack": ["dbt", "Snowflake"],
        "bullets": ["Built self-serve analytics"],
    }  # empty keys are left out

    result = resume.import_resume_yaml(session, cid, exported, replace=True)
    session.commit()
    assert (result.projects, result.bullets) == (3, 4)
    assert outline(cid) == before
    fields_after = [
        item.project.model_dump(exclude={"id", "created_at", "updated_at"}) for item in resume.resume_of(session, cid)
    ]
    assert fields_after == fields_before
    assert resume.export_resume_yaml(session, cid) == exported


def test_an_empty_resume_exports_an_empty_list(session: Session, candidate: Candidate) -> None:
    assert yaml.safe_load(resume.export_resume_yaml(session, candidate_id(candidate))) == {"projects": []}


def test_the_example_in_config_imports_cleanly(session: Session, candidate: Candidate) -> None:
    text = (PROJECT_ROOT / "config" / "resume.yaml.example").read_text(encoding="utf-8")
    result = resume.import_resume_yaml(session, candidate_id(candidate), text, replace=True)
    session.commit()
    assert (result.projects, result.bullets) == (2, 5)
    first, second = resume.resume_of(session, candidate_id(candidate))
    assert first.project.stack == ["Python", "PostgreSQL", "Kafka", "Kubernetes"]
    assert second.project.stack == ["dbt", "Snowflake", "Metabase", "Airflow"]
    for item in (first, second):
        for key in resume.TEXT_FIELDS:
            assert getattr(item.project, key), f"the example should show {key} filled in"
