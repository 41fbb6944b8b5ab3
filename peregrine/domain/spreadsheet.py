"""The rules of a spreadsheet import: what a column means, what a status means, how a date reads,
which rows repeat a job, and the stage history a row stands for. Pure: the file is read in
`services.spreadsheet_import`, and the jobs are written by `services.jobs.import_jobs`.

- A column's meaning is guessed from its header, as trackers (Huntr, Teal) and people write them;
  each meaning is taken once, by the first column that has it. The user edits the guess.
- A status is guessed from its words ("Onsite" is Interviewing, "No response" is Rejected because
  the company ghosted); a wishlist entry is not an application, so it is skipped unless the user
  picks Applied. The user edits every guess.
- A date that reads both ways (03/01/2026) is never guessed: when no date of the file settles the
  order (13/01/2026 does), the user is asked "day first or month first".
- A row's history is a forward path of moves checked by `domain.stages` like any other move:
  Applied on the date applied, then each later stage the file dates, then the row's status.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from peregrine.domain import limits
from peregrine.domain.stages import (
    OPEN_STAGES,
    PROGRESS,
    MoveNotAllowed,
    RejectionReason,
    Stage,
    check_move,
    check_reason,
)
from peregrine.domain.text import clean_name

#: Rows a file may hold: a few years of applications is hundreds; past this it is not a job search.
MAX_ROWS = 10_000
#: Columns a file may hold (a tracker's export has a few dozen).
MAX_COLUMNS = 200


class ImportField(StrEnum):
    """What a column of the file holds; IGNORE leaves it out."""

    IGNORE = "ignore"
    COMPANY = "company"
    TITLE = "title"
    STATUS = "status"
    APPLIED_ON = "applied_on"
    URL = "url"
    LOCATION = "location"
    SALARY = "salary"
    SALARY_MIN = "salary_min"
    SALARY_MAX = "salary_max"
    SOURCE = "source"
    RECRUITER = "recruiter"
    NOTES = "notes"
    DESCRIPTION = "description"
    TAGS = "tags"
    PHONE_SCREEN_ON = "phone_screen_on"
    INTERVIEWING_ON = "interviewing_on"
    OFFER_ON = "offer_on"
    HIRED_ON = "hired_on"
    REJECTED_ON = "rejected_on"

    @property
    def label(self) -> str:
        return FIELD_LABELS[self]


FIELD_LABELS: dict[ImportField, str] = {
    ImportField.IGNORE: "Leave out",
    ImportField.COMPANY: "Company",
    ImportField.TITLE: "Job title",
    ImportField.STATUS: "Status",
    ImportField.APPLIED_ON: "Date applied",
    ImportField.URL: "URL",
    ImportField.LOCATION: "Location",
    ImportField.SALARY: "Salary",
    ImportField.SALARY_MIN: "Lowest salary",
    ImportField.SALARY_MAX: "Highest salary",
    ImportField.SOURCE: "Source",
    ImportField.RECRUITER: "Contact / recruiter",
    ImportField.NOTES: "Notes",
    ImportField.DESCRIPTION: "Job description",
    ImportField.TAGS: "Tags",
    ImportField.PHONE_SCREEN_ON: "Phone screen date",
    ImportField.INTERVIEWING_ON: "Interview date",
    ImportField.OFFER_ON: "Offer date",
    ImportField.HIRED_ON: "Hired date",
    ImportField.REJECTED_ON: "Rejected date",
}

#: The date columns of later stages, and the stage each dates.
STAGE_DATE_FIELDS: dict[ImportField, Stage] = {
    ImportField.PHONE_SCREEN_ON: Stage.PHONE_SCREEN,
    ImportField.INTERVIEWING_ON: Stage.INTERVIEWING,
    ImportField.OFFER_ON: Stage.OFFER,
    ImportField.HIRED_ON: Stage.HIRED,
    ImportField.REJECTED_ON: Stage.REJECTED,
}
DATE_FIELDS = frozenset({ImportField.APPLIED_ON, *STAGE_DATE_FIELDS})

#: Headers as trackers and people write them (normalised by `normalise_header`).
_HEADERS: dict[ImportField, tuple[str, ...]] = {
    ImportField.COMPANY: ("company", "company name", "employer", "organization", "organisation", "business"),
    ImportField.TITLE: (
        "job title",
        "title",
        "position",
        "job position",
        "role",
        "job",
        "job role",
        "position title",
        "job name",
    ),
    ImportField.STATUS: ("status", "stage", "application status", "job status", "list", "state", "progress"),
    ImportField.APPLIED_ON: (
        "date applied",
        "applied on",
        "applied date",
        "applied",
        "application date",
        "date of application",
        "applied at",
        "date",
    ),
    ImportField.URL: (
        "url",
        "link",
        "job url",
        "job link",
        "posting url",
        "job posting",
        "posting",
        "application link",
    ),
    ImportField.LOCATION: ("location", "city", "job location", "place"),
    ImportField.SALARY: ("salary", "compensation", "pay", "salary range", "expected salary", "comp"),
    ImportField.SALARY_MIN: ("min salary", "salary min", "minimum salary", "salary from"),
    ImportField.SALARY_MAX: ("max salary", "salary max", "maximum salary", "salary to"),
    ImportField.SOURCE: ("source", "job board", "found on", "found via", "platform", "where found", "channel"),
    ImportField.RECRUITER: (
        "contact",
        "recruiter",
        "contact name",
        "recruiter name",
        "hiring manager",
        "contact person",
        "referral",
    ),
    ImportField.NOTES: ("notes", "note", "comments", "comment", "remarks"),
    ImportField.DESCRIPTION: ("job description", "description", "jd", "posting text"),
    ImportField.TAGS: ("tags", "labels", "tag"),
    ImportField.PHONE_SCREEN_ON: ("phone screen date", "date phone screen", "screening date", "date screened"),
    ImportField.INTERVIEWING_ON: ("interview date", "date interviewed", "first interview", "date interview"),
    ImportField.OFFER_ON: ("offer date", "date offered", "date offer"),
    ImportField.HIRED_ON: ("hired date", "date hired", "accepted date", "date accepted", "start date"),
    ImportField.REJECTED_ON: ("rejected date", "date rejected", "rejection date", "closed date", "date closed"),
}
_FIELD_OF_HEADER = {header: meaning for meaning, headers in _HEADERS.items() for header in headers}


def normalise_header(header: str) -> str:
    """A header as compared: lower case, words only ("Date Applied:" and "date_applied" are one)."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", clean_name(header).lower()).split())


def headers_key(headers: Sequence[str]) -> str:
    """The key a remembered mapping is kept under: the normalised headers, in order."""
    return hashlib.sha256("\x1f".join(normalise_header(h) for h in headers).encode()).hexdigest()


def guess_mapping(headers: Sequence[str]) -> list[ImportField]:
    """Each column's guessed meaning; a meaning already taken by a column to its left is left out."""
    taken: set[ImportField] = set()
    guessed = []
    for header in headers:
        meaning = _FIELD_OF_HEADER.get(normalise_header(header), ImportField.IGNORE)
        if meaning in taken:
            meaning = ImportField.IGNORE
        taken.add(meaning)
        guessed.append(meaning)
    return guessed


# ----------------------------------------------------------------------------- statuses
class StatusChoice(StrEnum):
    """What a status of the file becomes: a stage, a rejection with its reason, or not imported."""

    SKIP = "skip"
    APPLIED = "applied"
    SURVEY = "survey"
    PHONE_SCREEN = "phone_screen"
    INTERVIEWING = "interviewing"
    OFFER = "offer"
    HIRED = "hired"
    REJECTED = "rejected"
    GHOSTED = "ghosted"
    WITHDREW = "withdrew"
    DECLINED_OFFER = "declined_offer"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @property
    def stage(self) -> Stage | None:
        if self is StatusChoice.SKIP:
            return None
        return Stage.REJECTED if self in _REASONS else Stage(self.value)

    @property
    def reason(self) -> RejectionReason | None:
        return _REASONS.get(self)


_REASONS: dict[StatusChoice, RejectionReason] = {
    StatusChoice.REJECTED: RejectionReason.REJECTED_BY_COMPANY,
    StatusChoice.GHOSTED: RejectionReason.GHOSTED,
    StatusChoice.WITHDREW: RejectionReason.WITHDREW,
    StatusChoice.DECLINED_OFFER: RejectionReason.DECLINED_OFFER,
}
STATUS_LABELS: dict[StatusChoice, str] = {
    StatusChoice.SKIP: "Not imported",
    StatusChoice.APPLIED: "Applied",
    StatusChoice.SURVEY: "Survey",
    StatusChoice.PHONE_SCREEN: "Phone screen",
    StatusChoice.INTERVIEWING: "Interviewing",
    StatusChoice.OFFER: "Offer",
    StatusChoice.HIRED: "Hired",
    StatusChoice.REJECTED: "Rejected by the company",
    StatusChoice.GHOSTED: "Rejected: ghosted",
    StatusChoice.WITHDREW: "Rejected: I withdrew",
    StatusChoice.DECLINED_OFFER: "Rejected: I declined the offer",
}

#: Words of a status and what they mean, checked in this order: "offer declined" is a declined
#: offer before it is an offer, "rejected after interview" a rejection before an interview.
_STATUS_WORDS: tuple[tuple[StatusChoice, tuple[str, ...]], ...] = (
    (StatusChoice.SKIP, ("wishlist", "wish list", "saved", "bookmark", "interested", "to apply", "not applied")),
    (StatusChoice.GHOSTED, ("ghost", "no response", "no reply", "no answer", "never heard", "unresponsive")),
    (StatusChoice.WITHDREW, ("withdr", "not interested", "pulled out")),
    (StatusChoice.DECLINED_OFFER, ("offer declined", "declined offer", "declined the offer", "turned down offer")),
    (StatusChoice.HIRED, ("hired", "accepted", "signed", "started", "got the job")),
    (StatusChoice.REJECTED, ("reject", "declin", "not selected", "no offer", "closed", "unsuccessful", "turned down")),
    (StatusChoice.OFFER, ("offer",)),
    (StatusChoice.INTERVIEWING, ("interview", "onsite", "on site", "final round", "technical", "panel")),
    (StatusChoice.PHONE_SCREEN, ("phone", "screen", "recruiter call", "hr call", "intro call")),
    (StatusChoice.SURVEY, ("survey", "assessment", "take home", "questionnaire", "coding challenge")),
)


def normalise_status(value: str) -> str:
    return " ".join(clean_name(value).lower().replace("-", " ").replace("_", " ").split())


def guess_status(value: str) -> StatusChoice:
    """The stage a status of the file stands for; an empty or unknown one is Applied (shown, editable)."""
    text = normalise_status(value)
    for choice, words in _STATUS_WORDS:
        if any(word in text for word in words):
            return choice
    return StatusChoice.APPLIED


# ----------------------------------------------------------------------------- dates
class DateOrder(StrEnum):
    """How a date like 03/01/2026 reads: 3 January (day first) or March 1 (month first)."""

    DAY_FIRST = "day_first"
    MONTH_FIRST = "month_first"


class BadValue(ValueError):
    """A cell that cannot mean what its column says; `str()` is the reason."""


_ISO = re.compile(
    r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:Z|[+-]\d{2}:?\d{2})?)?$"
)
_NUMERIC = re.compile(r"^(\d{1,2})([/\-.])(\d{1,2})\2(\d{2}|\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp][Mm])?)?$")
_SERIAL = re.compile(r"^\d{5}(?:\.\d+)?$")
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_WORDS = re.compile(r"[a-z]+|\d+")
#: Excel's day 0 (serial numbers count days from it; 1900's false leap day is before any real date here).
_EXCEL_EPOCH = date(1899, 12, 30)
#: Serial numbers read as dates: 1954-2119, so an amount or an id in a date column is not one.
_SERIALS = range(20_000, 80_000)


def _numeric_parts(text: str) -> tuple[int, int, int, str] | None:
    match = _NUMERIC.match(text)
    if match is None:
        return None
    first, separator, second, year = match.group(1, 2, 3, 4)
    full_year = int(year) + 2000 if len(year) == 2 else int(year)
    return int(first), int(second), full_year, separator


def date_order_evidence(values: Iterable[str]) -> tuple[set[DateOrder], bool]:
    """The orders the file's numeric dates prove (13/01 is day first, 01/13 month first), and
    whether any date reads both ways. A dotted date (01.03.2026) is day first, as where it is written."""
    proven: set[DateOrder] = set()
    ambiguous = False
    for value in values:
        parts = _numeric_parts(value.strip())
        if parts is None or parts[3] == ".":
            continue
        first, second, _, _ = parts
        if first > 12 >= second:
            proven.add(DateOrder.DAY_FIRST)
        elif second > 12 >= first:
            proven.add(DateOrder.MONTH_FIRST)
        elif first != second and first <= 12 and second <= 12:
            ambiguous = True
    return proven, ambiguous


def settled_date_order(values: Iterable[str]) -> DateOrder | None:
    """The order the file's dates prove when they prove exactly one, else None (ask the user when
    `needs_date_order`)."""
    proven, _ = date_order_evidence(values)
    return next(iter(proven)) if len(proven) == 1 else None


def needs_date_order(values: Iterable[str]) -> bool:
    """True when some date reads both ways and the file does not settle which (or settles both)."""
    proven, ambiguous = date_order_evidence(values)
    return len(proven) > 1 or (ambiguous and not proven)


def parse_date(text: str, order: DateOrder | None) -> date:
    """A date as spreadsheets write it: 2026-03-01, 03/01/2026 (by `order`), 01.03.2026, 1 Mar 2026,
    March 1, 2026, an Excel serial number (46082). Raises `BadValue` saying why not."""
    value = text.strip()
    try:
        if match := _ISO.match(value):
            return _sane(date(int(match.group(1)), int(match.group(2)), int(match.group(3))))
        if parts := _numeric_parts(value):
            first, second, year, separator = parts
            day_first = separator == "." or first > 12 or order is DateOrder.DAY_FIRST
            if not day_first and order is None and second <= 12 and first != second:
                raise BadValue(f"“{value}” could be day/month or month/day; say which the file uses")
            day, month = (first, second) if day_first else (second, first)
            return _sane(date(year, month, day))
        if _SERIAL.match(value):
            days = int(float(value))
            if days not in _SERIALS:
                raise BadValue(f"“{value}” is not a date")
            return _EXCEL_EPOCH + timedelta(days=days)
        return _sane(_worded_date(value))
    except ValueError as exc:
        if isinstance(exc, BadValue):
            raise
        raise BadValue(f"“{value}” is not a date ({exc})") from None


def _worded_date(value: str) -> date:
    """1 Mar 2026, March 1, 2026, 01-Mar-26, Sunday, March 1 2026."""
    words = _WORDS.findall(value.lower())
    months = [_MONTHS[word] for word in words if word in _MONTHS]
    numbers = [int(word) for word in words if word.isdigit()]
    if len(months) != 1 or len(numbers) != 2:
        raise BadValue(f"“{value}” is not a date; write it like 2026-03-01")
    day, year = (numbers[1], numbers[0]) if numbers[0] > 31 else (numbers[0], numbers[1])  # 2026 March 1
    if year < 100:
        year += 2000
    return date(year, months[0], day)


def _sane(day: date) -> date:
    if not 1900 <= day.year <= 2200:
        raise BadValue(f"{day.isoformat()} is not between the years 1900 and 2200")
    return day


# ----------------------------------------------------------------------------- other cells
_HYPERLINK = re.compile(r'^=\s*HYPERLINK\(\s*"(https?://[^"]+)"', re.IGNORECASE)
_CURRENCY_SIGNS = {"$": "USD", "€": "EUR", "£": "GBP", "₹": "INR", "¥": "JPY", "₩": "KRW", "₽": "RUB", "₺": "TRY"}
_AMOUNT = re.compile(r"(\d[\d,.\s]*)(?:\s*([km]))?(?![a-z])", re.IGNORECASE)
_CODE = re.compile(r"\b([A-Z]{3})\b")


def link_of(text: str) -> str:
    """A URL cell: `=HYPERLINK("https://…", "Apply")` gives its address; any other formula stays
    text (and so is refused as a URL)."""
    value = text.strip()
    match = _HYPERLINK.match(value)
    return match.group(1) if match else value


def parse_salary(text: str) -> tuple[int | None, int | None, str]:
    """A salary cell such as "$120k", "120,000 - 150,000 USD" or "€90.000-110.000": (lowest, highest, currency)."""
    value = text.strip()
    if not value:
        return None, None, ""
    currency = next((code for sign, code in _CURRENCY_SIGNS.items() if sign in value), "")
    if code := _CODE.search(value.upper()):
        currency = code.group(1)
    found = _AMOUNT.findall(value)
    if not 1 <= len(found) <= 2:
        raise BadValue(f"“{value}” is not a salary such as 90000 or 90k-110k")
    if len(found) == 2 and not found[0][1]:  # "90-110k": the last suffix counts for both
        found[0] = (found[0][0], found[1][1])
    amounts = [_amount(number, suffix) for number, suffix in found]
    return amounts[0], (amounts[1] if len(amounts) == 2 else None), currency


def _amount(number: str, suffix: str) -> int:
    digits = number.replace(" ", "").rstrip(",.")
    if "," in digits and "." in digits:  # 120,000.50 or 120.000,50: the last one marks the decimals
        decimal = max(digits.rfind(","), digits.rfind("."))
        digits = re.sub(r"[,.]", "", digits[:decimal]) + "." + digits[decimal + 1 :]
    elif re.fullmatch(r"\d{1,3}([,.]\d{3})+", digits):
        digits = re.sub(r"[,.]", "", digits)
    else:
        digits = digits.replace(",", ".")
    whole = float(digits) * {"k": 1000, "m": 1_000_000}.get(suffix.lower(), 1)
    return round(whole)


# ----------------------------------------------------------------------------- rows
@dataclass(frozen=True)
class RowError:
    """Why a row cannot be imported: its row number as the spreadsheet shows it, the column, the reason."""

    row: int
    column: str
    reason: str

    @property
    def message(self) -> str:
        where = f"row {self.row}" + (f", {self.column}" if self.column else "")
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class PlannedMove:
    """One move of a reconstructed history: into `stage` on `on`."""

    stage: Stage
    on: date
    reason: RejectionReason | None = None


@dataclass
class ImportRow:
    """A row ready to become a job: its job fields, notes and history (oldest first)."""

    row: int
    values: dict[str, object]
    notes: str
    applied_on: date
    moves: list[PlannedMove] = field(default_factory=list)

    @property
    def stage(self) -> Stage:
        return self.moves[-1].stage if self.moves else Stage.APPLIED


def plan_history(
    choice: StatusChoice, applied_on: date, stage_dates: dict[Stage, date], *, column_of: dict[Stage, str]
) -> list[PlannedMove]:
    """The moves from Applied (on `applied_on`) to the row's status: each later stage the file dates,
    in order, then the status itself. A move without its own date takes the date before it. A
    rejection ends the furthest stage reached (Offer for a declined offer). Every move is checked by
    `domain.stages`; a date earlier than the one before it, or a stage dated past the row's status,
    raises `BadValue` naming the column (via `column_of`)."""
    final = choice.stage
    assert final is not None
    reached = [stage for stage in PROGRESS[1:] if stage in stage_dates and stage is not final]
    if final is not Stage.REJECTED:
        beyond = [stage for stage in reached if PROGRESS.index(stage) > PROGRESS.index(final)]
        if beyond:
            raise BadValue(f"the row is dated at {beyond[0].label} but its status is {final.label}")
        if Stage.REJECTED in stage_dates:
            raise BadValue(f"the row has a rejected date but its status is {final.label}")
    elif choice is StatusChoice.DECLINED_OFFER and Stage.OFFER not in reached:
        reached = sorted([*reached, Stage.OFFER], key=PROGRESS.index)
    path = [*reached, final] if final is not Stage.APPLIED else reached
    moves: list[PlannedMove] = []
    current, on = Stage.APPLIED, applied_on
    for stage in path:
        dated = stage_dates.get(stage)
        if dated is not None and dated < on:
            raise BadValue(f"{dated.isoformat()} is before the step before it ({on.isoformat()})")
        on = dated or on
        reason = choice.reason if stage is Stage.REJECTED else None
        try:
            check_move(current, stage)
            if reason is not None:
                check_reason(current, reason)
        except MoveNotAllowed as exc:
            raise BadValue(f"{column_of.get(stage) or 'the status'}: {exc}") from None
        moves.append(PlannedMove(stage, on, reason))
        current = stage
    return moves


def build_row(
    number: int,
    cells: Sequence[str],
    mapping: Sequence[ImportField],
    headers: Sequence[str],
    statuses: dict[str, StatusChoice],
    order: DateOrder | None,
) -> ImportRow | RowError | None:
    """One row of the file as a job to import, the first problem with it, or None when its status
    is not imported (a wishlist entry). A status missing from `statuses` is as `guess_status` says."""
    by_field = {meaning: (cells[index] if index < len(cells) else "").strip() for index, meaning in enumerate(mapping)}
    column = {meaning: headers[index] for index, meaning in enumerate(mapping)}
    status = normalise_status(by_field.get(ImportField.STATUS, ""))
    choice = statuses.get(status) or guess_status(status)  # a status nobody chose for is as guessed
    if choice is StatusChoice.SKIP:
        return None
    try:
        return _build(number, by_field, column, choice, order)
    except _CellProblem as problem:
        return RowError(number, column.get(problem.meaning, ""), problem.reason)


class _CellProblem(Exception):
    def __init__(self, meaning: ImportField, reason: str) -> None:
        super().__init__(reason)
        self.meaning, self.reason = meaning, reason


def _build(
    number: int,
    cells: dict[ImportField, str],
    column: dict[ImportField, str],
    choice: StatusChoice,
    order: DateOrder | None,
) -> ImportRow:
    for meaning in (ImportField.COMPANY, ImportField.TITLE):
        if not clean_name(cells.get(meaning, "")):
            raise _CellProblem(meaning, f"the {meaning.label.lower()} is empty")
    dates: dict[ImportField, date] = {}
    for meaning in DATE_FIELDS:
        if cells.get(meaning):
            try:
                dates[meaning] = parse_date(cells[meaning], order)
            except BadValue as exc:
                raise _CellProblem(meaning, str(exc)) from None
    if ImportField.APPLIED_ON not in dates:
        raise _CellProblem(ImportField.APPLIED_ON, "the date applied is empty")
    url = link_of(cells.get(ImportField.URL, ""))
    if url and not url.startswith(("http://", "https://")):
        raise _CellProblem(ImportField.URL, "the URL should start with http:// or https://")
    values: dict[str, object] = {
        "company": cells[ImportField.COMPANY],
        "title": cells[ImportField.TITLE],
        "url": url,
        "location": cells.get(ImportField.LOCATION, ""),
        "source": cells.get(ImportField.SOURCE, ""),
        "recruiter": cells.get(ImportField.RECRUITER, ""),
        "raw_jd_text": cells.get(ImportField.DESCRIPTION, ""),
        "tags": cells.get(ImportField.TAGS, ""),
        "applied_on": dates[ImportField.APPLIED_ON],
    }
    for name, meaning in _TEXT_FIELDS.items():
        what, limit = limits.JOB_FIELDS[name]
        if len(str(values[name])) > limit:
            raise _CellProblem(meaning, f"{what.lower()} {len(str(values[name])):,} characters; the limit is {limit:,}")
    values |= _salary(cells)
    notes = cells.get(ImportField.NOTES, "").replace("\r\n", "\n")
    if len(notes) > limits.JOB_NOTES:
        raise _CellProblem(
            ImportField.NOTES, f"the notes are {len(notes):,} characters; the limit is {limits.JOB_NOTES:,}"
        )
    stage_dates = {STAGE_DATE_FIELDS[meaning]: day for meaning, day in dates.items() if meaning in STAGE_DATE_FIELDS}
    column_of = {stage: column.get(meaning, "") for meaning, stage in STAGE_DATE_FIELDS.items()}
    try:
        moves = plan_history(choice, dates[ImportField.APPLIED_ON], stage_dates, column_of=column_of)
    except BadValue as exc:
        raise _CellProblem(ImportField.STATUS, str(exc)) from None
    return ImportRow(number, values, notes, dates[ImportField.APPLIED_ON], moves)


_TEXT_FIELDS: dict[str, ImportField] = {
    "company": ImportField.COMPANY,
    "title": ImportField.TITLE,
    "url": ImportField.URL,
    "location": ImportField.LOCATION,
    "source": ImportField.SOURCE,
    "recruiter": ImportField.RECRUITER,
    "raw_jd_text": ImportField.DESCRIPTION,
}


def _salary(cells: dict[ImportField, str]) -> dict[str, object]:
    try:
        low, high, currency = parse_salary(cells.get(ImportField.SALARY, ""))
        if cells.get(ImportField.SALARY_MIN):
            low, _, currency = parse_salary(cells[ImportField.SALARY_MIN])
        if cells.get(ImportField.SALARY_MAX):
            high, _, other = parse_salary(cells[ImportField.SALARY_MAX])
            currency = currency or other
    except BadValue as exc:
        raise _CellProblem(ImportField.SALARY, str(exc)) from None
    return {"salary_min": low, "salary_max": high, "salary_currency": currency}


# ----------------------------------------------------------------------------- duplicates
@dataclass(frozen=True)
class KnownJob:
    """What the duplicate rule reads of a job already on the board."""

    url: str
    company: str
    title: str
    stage: str
    applied_on: date | None


class DuplicateIndex:
    """`services.jobs.possible_duplicates`'s rule over a whole file at once: the same posting URL, or
    the same company and title while that job is open. One more case for an import: the same
    company, title and date applied (a rejected job of the file imported before), so importing the
    same file twice adds nothing. Rows of the file count too: a row repeating an earlier one is not
    imported twice."""

    def __init__(self, known: Iterable[KnownJob]) -> None:
        self._urls: set[str] = set()
        self._open: set[tuple[str, str]] = set()
        self._applied: set[tuple[str, str, date | None]] = set()
        for job in known:
            self.add(job)

    def add(self, job: KnownJob) -> None:
        if job.url.strip():
            self._urls.add(job.url.strip())
        names = _names(job.company, job.title)
        if job.stage in {stage.value for stage in OPEN_STAGES}:
            self._open.add(names)
        self._applied.add((*names, job.applied_on))

    def repeats(self, job: KnownJob) -> bool:
        names = _names(job.company, job.title)
        return (
            (bool(job.url.strip()) and job.url.strip() in self._urls)
            or names in self._open
            or (*names, job.applied_on) in self._applied
        )


def _names(company: str, title: str) -> tuple[str, str]:
    return clean_name(company).lower(), clean_name(title).lower()


def moment_of(day: date, step: int = 0) -> datetime:
    """When a move dated `day` is stored: noon UTC (the same day in every zone from UTC-11 to UTC+11),
    a second apart per step so a day's moves keep their order."""
    return datetime(day.year, day.month, day.day, 12, 0, step, tzinfo=UTC)
