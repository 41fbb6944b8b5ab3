"""Extraction from postings' pages, one fixture each (tests/fakes/posting_pages/: built from real
postings' structure), in the order the extractor tries: JSON-LD, microdata, the ATS adapters,
then the readable text; and hostile markup that must stay inert."""

from __future__ import annotations

import pytest

from peregrine.domain import posting
from peregrine.services.capture.extract import MAX_HTML_BYTES, CapturedFields, extract
from peregrine.services.capture.html_tree import MAX_DEPTH, parse
from peregrine.services.errors import InvalidInput
from tests.fakes.postings import names, page


def _read(name: str, url: str = "https://careers.example.org/jobs/1") -> tuple[CapturedFields, str]:
    found = extract(url, page(name))
    return found.fields, found.extracted_by


def test_json_ld_in_a_graph() -> None:
    fields, by = _read("schema_org_json_ld")
    assert by == "json-ld"
    assert (fields.company, fields.title, fields.location) == ("Google", "Software Engineer", "Mountain View, CA, US")
    assert (fields.salary_min, fields.salary_max, fields.salary_currency) == (40 * 2080, 40 * 2080, "USD")
    assert fields.description.startswith("Google aspires")
    assert "- Review code" in fields.description


def test_a_remote_posting_with_a_salary_as_text() -> None:
    fields, by = _read("remote_json_ld")
    assert by == "json-ld"
    assert (fields.company, fields.title) == ("Simple", "Generator")
    assert (fields.location, fields.work_mode) == ("Remote (USA)", "remote")
    assert (fields.salary_min, fields.salary_max, fields.salary_currency) == (100_000, 100_000, "USD")
    assert "perfect position for you!\n\n- Copy\n- Paste" in fields.description


def test_microdata() -> None:
    fields, by = _read("schema_org_microdata")
    assert by == "microdata"
    assert (fields.company, fields.title, fields.location) == ("ABC Company Inc.", "Software Engineer", "Kirkland, WA")
    assert (fields.salary_min, fields.salary_max, fields.salary_currency) == (100_000, 120_000, "USD")
    assert "develop in-house tools" in fields.description


def test_a_german_posting() -> None:
    fields, by = _read("german_json_ld", "https://www.stepstone.de/stellenangebote--123.html")
    assert by == "json-ld"
    assert fields.company == "Müller & Söhne GmbH"
    assert fields.title == "Softwareentwickler (m/w/d) Java \u2013 Hybrid"
    assert (fields.location, fields.work_mode) == ("München, DE", "hybrid")
    assert (fields.salary_min, fields.salary_max, fields.salary_currency) == (54_000, 66_000, "EUR")  # 12 months
    assert fields.description.startswith("## Ihre Aufgaben\n\n- Weiterentwicklung")
    assert fields.source == "StepStone"


def test_a_french_page_without_structured_data() -> None:
    fields, by = _read("french_text")
    assert by == "text"
    assert (fields.company, fields.title) == ("Rivière Numérique", "Développeur·se Full-Stack")
    assert fields.work_mode == "hybrid"  # "Télétravail partiel"
    assert "- Concevoir l'API de réservation" in fields.description
    assert "Accueil" not in fields.description
    assert "mentions légales" not in fields.description


def test_a_page_without_structured_data() -> None:
    fields, by = _read("no_structured_data")
    assert by == "text"
    assert (fields.company, fields.title, fields.work_mode) == ("Fernwood Labs", "Backend Developer (Python)", "hybrid")
    assert "- Own our *data import* pipeline" in fields.description
    assert "[our form](https://fernwood.example/apply/backend)" in fields.description
    assert "Accept cookies" not in fields.description
    assert "Privacy" not in fields.description


@pytest.mark.parametrize(
    ("name", "url", "by", "expected"),
    [
        (
            "greenhouse",
            "https://boards.greenhouse.io/tessellate/jobs/4012",
            "greenhouse",
            ("Tessellate", "Senior Frontend Engineer", "Remote - Europe", "remote", "Greenhouse"),
        ),
        (
            "lever",
            "https://jobs.lever.co/quarry/5f1c",
            "lever",
            ("Quarry Labs", "Site Reliability Engineer", "Toronto, Ontario", "hybrid", "Lever"),
        ),
        (
            "ashby",
            "https://jobs.ashbyhq.com/lumen/6b1e2c",
            "ashby",
            ("Lumen Robotics", "Product Designer", "Copenhagen (Hybrid)", "hybrid", "Ashby"),
        ),
        (
            "workday",
            "https://globex.wd5.myworkdayjobs.com/en-US/careers/job/Chicago/Senior-Payroll-Analyst_R1",
            "workday",
            ("Globex", "Senior Payroll Analyst", "Chicago, IL", "hybrid", "Workday"),
        ),
        (
            "linkedin_guest",
            "https://www.linkedin.com/jobs/view/staff-data-engineer-at-northwind-4012345678",
            "linkedin",
            ("Northwind Health", "Staff Data Engineer", "Austin, TX", "", "LinkedIn"),
        ),
        (
            "linkedin_signed_in",
            "https://www.linkedin.com/jobs/view/4012345678/",
            "linkedin",
            ("Northwind Health", "Staff Data Engineer", "Austin, Texas, United States", "remote", "LinkedIn"),
        ),
    ],
)
def test_ats_and_board_pages(name: str, url: str, by: str, expected: tuple[str, ...]) -> None:
    fields, found_by = _read(name, url)
    assert found_by == by
    assert (fields.company, fields.title, fields.location, fields.work_mode, fields.source) == expected
    assert fields.url == url
    assert len(fields.description) > 40


def test_a_signed_in_linkedin_page_keeps_its_data_out() -> None:
    fields, _ = _read("linkedin_signed_in", "https://www.linkedin.com/jobs/view/4012345678/")
    assert "- Mentor four data engineers" in fields.description
    for leaked in ("memberId", "urn:li", "Easy Apply", "People also viewed", "My Network"):
        assert leaked not in fields.description


def test_hostile_markup_stays_inert() -> None:
    fields, by = _read("hostile")
    assert by == "json-ld"
    assert fields.company == "Evil Corp"
    assert "<" not in fields.title
    assert "Security Engineer" in fields.title
    assert fields.url == "https://careers.example.org/jobs/1"  # not the posting's javascript: url
    assert "Find our bugs." in fields.description
    assert "[apply](https://evil.example/apply)" in fields.description
    for dangerous in ("<script", "onclick", "onerror", "javascript:", "<iframe", "<img", "alert("):
        assert dangerous not in fields.description


def test_the_selection_is_the_description() -> None:
    found = extract("https://careers.example.org/jobs/1", page("schema_org_json_ld"), selection="  Just *this* part. ")
    assert found.fields.description == "Just *this* part."
    assert found.fields.title == "Software Engineer"


def test_a_page_too_big_is_refused_with_its_size() -> None:
    with pytest.raises(InvalidInput, match="at most 5 MB"):
        extract("https://example.org/", "<p>" + "é" * (MAX_HTML_BYTES // 2 + 10) + "</p>")


def test_deep_nesting_and_broken_markup_are_read() -> None:
    deep = "<div>" * 50_000 + "<h1>Deep title</h1>" + "</div>" * 50_000
    found = extract("https://example.org/", deep)
    assert found.fields.title == "Deep title"
    assert max(_depth(element) for element in parse(deep).root.iter()) <= MAX_DEPTH
    assert extract("https://example.org/", "<h1>Broken <b>title</h1></i></table>").fields.title == "Broken title"
    assert extract("https://example.org/", "").fields == CapturedFields(
        url="https://example.org/", source="Company site"
    )


def _depth(element: object) -> int:
    depth = 0
    parent = getattr(element, "parent", None)
    while parent is not None:
        depth, parent = depth + 1, parent.parent
    return depth


def test_every_fixture_gives_a_title() -> None:
    for name in names():
        assert extract("https://example.org/", page(name)).fields.title, name


@pytest.mark.parametrize(
    ("url", "source"),
    [
        ("https://www.linkedin.com/jobs/view/1", "LinkedIn"),
        ("https://de.indeed.com/viewjob?jk=1", "Indeed"),
        ("https://job-boards.greenhouse.io/acme/jobs/1", "Greenhouse"),
        ("https://jobs.ashbyhq.com/acme/1", "Ashby"),
        ("https://acme.wd1.myworkdayjobs.com/x", "Workday"),
        ("https://notlinkedin.com/jobs", "Company site"),
        ("", ""),
    ],
)
def test_the_source_is_guessed_from_the_domain(url: str, source: str) -> None:
    assert posting.guess_source(url) == source


def test_salaries_per_period_become_yearly() -> None:
    assert posting.yearly_range(4500, 5500, "MONTH") == (54_000, 66_000)
    assert posting.yearly_range(30, None, "hour") == (62_400, None)
    assert posting.yearly_range(90_000, 80_000, "") == (80_000, 90_000)
    assert posting.yearly_range(-5, 10**12, "YEAR") == (None, None)
    assert posting.amount_of("$100,000") == 100_000
    assert posting.amount_of("100.000 €") == 100_000
    assert posting.amount_of("1.200,50") == 1200.5
    assert posting.amount_of(True) is None
    assert posting.yearly_range(float("nan"), 1e308, "HOUR") == (None, None)


@pytest.mark.parametrize(
    "html",
    [
        "<![if !IE]><h1>Old IE title</h1><![endif]>",
        "<rb<a<![i&< cb-/]]",
        "<script type=application/ld+json>" + "[" * 5000 + "]" * 5000 + "</script><h1>Old IE title</h1>",
        "<p <p <p",
    ],
)
def test_markup_the_parser_trips_on_is_still_read(html: str) -> None:
    found = extract("https://example.org/", html)
    assert found.extracted_by == "text"
    if "Old IE" in html:
        assert found.fields.title == "Old IE title"


def test_json_ld_nested_deep_in_its_fields_is_read() -> None:
    nested = "[" * 900 + '"Berlin"' + "]" * 900
    name = '[{"name": ' * 450 + '"Acme"' + "}]" * 450
    block = (
        '{"@type": "JobPosting", "title": "Engineer", "jobLocation": ' + nested + ', "hiringOrganization": '
        + name + ', "jobLocationType": ' + nested + ', "baseSalary": ' + nested + "}"
    )  # fmt: skip
    found = extract("https://example.org/", f'<script type="application/ld+json">{block}</script>')
    assert (found.extracted_by, found.fields.title) == ("json-ld", "Engineer")
