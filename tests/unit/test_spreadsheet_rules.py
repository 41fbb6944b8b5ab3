"""`domain.spreadsheet`: the guesses, the dates, the salaries, the histories and the duplicate rule."""

from __future__ import annotations

from datetime import date

import pytest

from peregrine.domain.spreadsheet import (
    BadValue,
    DateOrder,
    DuplicateIndex,
    ImportField,
    ImportRow,
    KnownJob,
    PlannedMove,
    RowError,
    StatusChoice,
    build_row,
    guess_mapping,
    guess_status,
    headers_key,
    link_of,
    needs_date_order,
    parse_date,
    parse_salary,
    plan_history,
    settled_date_order,
)
from peregrine.domain.stages import RejectionReason, Stage

F = ImportField


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (
            ["Company", "Job Title", "Status", "Date Applied", "URL", "Location", "Salary", "Source", "Contact"],
            [F.COMPANY, F.TITLE, F.STATUS, F.APPLIED_ON, F.URL, F.LOCATION, F.SALARY, F.SOURCE, F.RECRUITER],
        ),
        (
            ["Employer", "Position", "Stage", "Applied On", "Link", "Notes"],
            [F.COMPANY, F.TITLE, F.STATUS, F.APPLIED_ON, F.URL, F.NOTES],
        ),
        (["company_name", "Role", "Job Description", "Recruiter"], [F.COMPANY, F.TITLE, F.DESCRIPTION, F.RECRUITER]),
        # Teal's export: a salary range in two columns.
        (
            ["Company Name", "Job Position", "Min Salary", "Max Salary", "Date Saved"],
            [F.COMPANY, F.TITLE, F.SALARY_MIN, F.SALARY_MAX, F.IGNORE],
        ),
    ],
)
def test_the_mapping_is_guessed_from_the_headers_trackers_use(headers: list[str], expected: list[ImportField]) -> None:
    assert guess_mapping(headers) == expected


def test_a_meaning_goes_to_the_first_column_that_has_it() -> None:
    assert guess_mapping(["Company", "Employer", "Favourite colour"]) == [F.COMPANY, F.IGNORE, F.IGNORE]


def test_the_headers_key_ignores_case_and_punctuation_but_not_order() -> None:
    assert headers_key(["Company", "Date Applied"]) == headers_key(["company", "date_applied:"])
    assert headers_key(["Company", "Date Applied"]) != headers_key(["Date Applied", "Company"])


@pytest.mark.parametrize(
    ("status", "choice"),
    [
        ("Wishlist", StatusChoice.SKIP),
        ("Saved", StatusChoice.SKIP),
        ("Bookmarked", StatusChoice.SKIP),
        ("Applied", StatusChoice.APPLIED),
        ("", StatusChoice.APPLIED),
        ("Phone screen", StatusChoice.PHONE_SCREEN),
        ("Screening", StatusChoice.PHONE_SCREEN),
        ("Interview", StatusChoice.INTERVIEWING),
        ("Onsite", StatusChoice.INTERVIEWING),
        ("Offer", StatusChoice.OFFER),
        ("Offer accepted", StatusChoice.HIRED),
        ("Hired", StatusChoice.HIRED),
        ("Rejected", StatusChoice.REJECTED),
        ("Declined", StatusChoice.REJECTED),
        ("Rejected after interview", StatusChoice.REJECTED),
        ("Offer declined", StatusChoice.DECLINED_OFFER),
        ("Ghosted", StatusChoice.GHOSTED),
        ("No response", StatusChoice.GHOSTED),
        ("Withdrawn", StatusChoice.WITHDREW),
        ("Take-home assessment", StatusChoice.SURVEY),
        ("Something else", StatusChoice.APPLIED),
    ],
)
def test_statuses_are_guessed_from_their_words(status: str, choice: StatusChoice) -> None:
    assert guess_status(status) is choice


def test_a_ghosted_status_is_a_rejection_because_of_ghosting() -> None:
    assert StatusChoice.GHOSTED.stage is Stage.REJECTED
    assert StatusChoice.GHOSTED.reason is RejectionReason.GHOSTED


@pytest.mark.parametrize(
    "text",
    ["2026-03-01", "2026/03/01", "2026-03-01 09:30:00", "2026-03-01T09:30:00Z", "1 Mar 2026", "March 1, 2026",
     "Sunday, March 1, 2026", "01-Mar-26", "01.03.2026", "46082", "46082.5", "03/01/2026"],
)  # fmt: skip
def test_dates_in_the_formats_spreadsheets_write(text: str) -> None:
    assert parse_date(text, DateOrder.MONTH_FIRST) == date(2026, 3, 1)


def test_a_date_that_reads_both_ways_is_never_guessed() -> None:
    with pytest.raises(BadValue, match="day/month or month/day"):
        parse_date("03/01/2026", None)
    assert parse_date("03/01/2026", DateOrder.DAY_FIRST) == date(2026, 1, 3)
    assert parse_date("03/01/2026", DateOrder.MONTH_FIRST) == date(2026, 3, 1)
    assert parse_date("13/01/2026", None) == date(2026, 1, 13)  # only one reading
    assert parse_date("03/03/2026", None) == date(2026, 3, 3)  # both readings are the same day


def test_the_file_settles_the_date_order_or_the_user_is_asked() -> None:
    assert needs_date_order(["03/01/2026", "04/02/2026"])
    assert not needs_date_order(["03/01/2026", "13/02/2026"])
    assert settled_date_order(["03/01/2026", "13/02/2026"]) is DateOrder.DAY_FIRST
    assert settled_date_order(["03/01/2026", "02/13/2026"]) is DateOrder.MONTH_FIRST
    assert needs_date_order(["13/01/2026", "01/13/2026"])  # it says both: the user says which
    assert not needs_date_order(["2026-03-01", "1 Mar 2026"])


@pytest.mark.parametrize("text", ["soon", "2026-02-30", "31/31/2026", "123", "99999", "1800-01-01", "Mar 2026"])
def test_what_is_not_a_date_says_so(text: str) -> None:
    with pytest.raises(BadValue):
        parse_date(text, DateOrder.DAY_FIRST)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("85000", (85000, None, "")),
        ("$120k", (120000, None, "USD")),
        ("120,000 - 150,000 USD", (120000, 150000, "USD")),
        ("€90.000\u2013110.000", (90000, 110000, "EUR")),  # an en dash, as spreadsheets type it
        ("90-110k GBP", (90000, 110000, "GBP")),
        ("", (None, None, "")),
    ],
)
def test_salaries(text: str, expected: tuple[int | None, int | None, str]) -> None:
    assert parse_salary(text) == expected


def test_a_salary_that_is_words_is_refused() -> None:
    with pytest.raises(BadValue, match="not a salary"):
        parse_salary("competitive")


def test_a_hyperlink_formula_gives_its_address_and_other_formulas_stay_text() -> None:
    assert link_of('=HYPERLINK("https://jobs.example/1","Apply")') == "https://jobs.example/1"
    assert link_of("=cmd|' /C calc'!A0") == "=cmd|' /C calc'!A0"


D1, D2, D3 = date(2026, 1, 5), date(2026, 1, 12), date(2026, 1, 20)


def test_a_history_goes_forward_through_every_dated_stage() -> None:
    moves = plan_history(StatusChoice.OFFER, D1, {Stage.PHONE_SCREEN: D2, Stage.INTERVIEWING: D3}, column_of={})
    assert moves == [
        PlannedMove(Stage.PHONE_SCREEN, D2),
        PlannedMove(Stage.INTERVIEWING, D3),
        PlannedMove(Stage.OFFER, D3),
    ]


def test_a_rejection_ends_the_furthest_stage_reached() -> None:
    moves = plan_history(StatusChoice.GHOSTED, D1, {Stage.PHONE_SCREEN: D2}, column_of={})
    assert moves == [PlannedMove(Stage.PHONE_SCREEN, D2), PlannedMove(Stage.REJECTED, D2, RejectionReason.GHOSTED)]
    assert plan_history(StatusChoice.REJECTED, D1, {}, column_of={}) == [
        PlannedMove(Stage.REJECTED, D1, RejectionReason.REJECTED_BY_COMPANY)
    ]


def test_a_declined_offer_passes_through_offer() -> None:
    moves = plan_history(StatusChoice.DECLINED_OFFER, D1, {Stage.REJECTED: D3}, column_of={})
    assert [move.stage for move in moves] == [Stage.OFFER, Stage.REJECTED]
    assert moves[-1] == PlannedMove(Stage.REJECTED, D3, RejectionReason.DECLINED_OFFER)


def test_an_applied_row_has_no_moves() -> None:
    assert plan_history(StatusChoice.APPLIED, D1, {}, column_of={}) == []


def test_a_history_that_goes_back_in_time_is_refused() -> None:
    with pytest.raises(BadValue, match="before the step before it"):
        plan_history(StatusChoice.INTERVIEWING, D2, {Stage.PHONE_SCREEN: D1}, column_of={})


def test_a_stage_dated_past_the_status_is_refused() -> None:
    with pytest.raises(BadValue, match="dated at Offer but its status is Phone screen"):
        plan_history(StatusChoice.PHONE_SCREEN, D1, {Stage.OFFER: D2}, column_of={})
    with pytest.raises(BadValue, match="rejected date"):
        plan_history(StatusChoice.OFFER, D1, {Stage.REJECTED: D2}, column_of={})


HEADERS = ["Company", "Title", "Status", "Applied", "URL", "Notes"]
MAPPING = [F.COMPANY, F.TITLE, F.STATUS, F.APPLIED_ON, F.URL, F.NOTES]
STATUSES = {"applied": StatusChoice.APPLIED, "wishlist": StatusChoice.SKIP, "onsite": StatusChoice.INTERVIEWING}


def _row(*cells: str) -> ImportRow | RowError | None:
    return build_row(7, list(cells), MAPPING, HEADERS, STATUSES, DateOrder.DAY_FIRST)


def test_a_row_becomes_a_job_with_its_history() -> None:
    row = _row("Acme", "Engineer", "Onsite", "05/01/2026", "https://acme.example/1", "<b>note</b>")
    assert isinstance(row, ImportRow)
    assert row.values["company"] == "Acme"
    assert row.applied_on == D1
    assert row.notes == "<b>note</b>"  # kept as the text it is; the pages show it escaped
    assert row.stage is Stage.INTERVIEWING


def test_a_wishlist_row_is_not_imported() -> None:
    assert _row("Acme", "Engineer", "Wishlist", "05/01/2026", "", "") is None


@pytest.mark.parametrize(
    ("cells", "column", "reason"),
    [
        (("", "Engineer", "Applied", "05/01/2026", "", ""), "Company", "the company is empty"),
        (("Acme", " ", "Applied", "05/01/2026", "", ""), "Title", "the job title is empty"),
        (("Acme", "Engineer", "Applied", "", "", ""), "Applied", "the date applied is empty"),
        (("Acme", "Engineer", "Applied", "soon", "", ""), "Applied", "“soon” is not a date"),
        (("Acme", "Engineer", "Applied", "05/01/2026", "=cmd|' /C calc'!A0", ""), "URL", "should start with http"),
        (("Acme", "Engineer", "Applied", "05/01/2026", "", "x" * 20_001), "Notes", "the limit is 20,000"),
        (("A" * 301, "Engineer", "Applied", "05/01/2026", "", ""), "Company", "the limit is 300"),
    ],
)
def test_each_row_error_names_its_row_column_and_reason(cells: tuple[str, ...], column: str, reason: str) -> None:
    error = _row(*cells)
    assert isinstance(error, RowError)
    assert (error.row, error.column) == (7, column)
    assert reason in error.reason


def test_duplicates_follow_the_boards_rule_and_the_file_itself() -> None:
    index = DuplicateIndex(
        [
            KnownJob("https://a.example/1", "Acme", "Engineer", "rejected", D1),
            KnownJob("", "Globex", "Designer", "phone_screen", D1),
            KnownJob("", "Initech", "Analyst", "rejected", D1),
        ]
    )
    assert index.repeats(KnownJob("https://a.example/1", "Other", "Other", "applied", D2))  # same URL, any stage
    assert index.repeats(KnownJob("", "GLOBEX", "designer", "applied", D3))  # same names, open
    assert not index.repeats(KnownJob("", "Initech", "Analyst", "applied", D3))  # rejected before: a new try
    assert index.repeats(KnownJob("", "Initech", "Analyst", "rejected", D1))  # the same application again
    new = KnownJob("", "Hooli", "Engineer", "applied", D2)
    assert not index.repeats(new)
    index.add(new)
    assert index.repeats(new)  # a later row of the same file


def test_a_status_nobody_chose_for_is_as_guessed() -> None:
    row = build_row(2, ["Acme", "Engineer", "Phone screen", "2026-01-05", "", ""], MAPPING, HEADERS, {}, None)
    assert isinstance(row, ImportRow)
    assert row.stage is Stage.PHONE_SCREEN
    assert build_row(3, ["Acme", "Engineer", "Saved", "2026-01-05", "", ""], MAPPING, HEADERS, {}, None) is None
