"""Offers: the job page's Offer section (record, edit) and `/offers`, offers side by side."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import reflex as rx

from peregrine import db, routes
from peregrine.components.dialogs import form_dialog
from peregrine.components.forms import labelled, length_notice
from peregrine.components.layout import page_layout
from peregrine.domain import limits
from peregrine.domain.dates import calendar_date
from peregrine.domain.errors import UserFacingError
from peregrine.domain.stages import Stage
from peregrine.models import Offer
from peregrine.pages.state import AppState
from peregrine.services import offers
from peregrine.services.errors import InvalidInput
from peregrine.services.offers import OfferFields

FIELDS = ("base_salary", "currency", "bonus", "equity", "signing_bonus", "start_date", "decision_deadline", "notes")


def _money(amount: int | None, currency: str) -> str:
    return f"{amount:,} {currency}" if amount is not None else "—"


def _summary(offer: Offer) -> list[tuple[str, str]]:
    return [
        ("Base salary", _money(offer.base_salary, offer.currency)),
        ("Bonus", _money(offer.bonus, offer.currency)),
        ("Signing bonus", _money(offer.signing_bonus, offer.currency)),
        ("Equity", offer.equity or "—"),
        ("Start date", calendar_date(offer.start_date) if offer.start_date else "—"),
        ("Decision deadline", calendar_date(offer.decision_deadline) if offer.decision_deadline else "—"),
        ("Notes", offer.notes or "—"),
    ]


@dataclass(frozen=True)
class Fact:
    label: str
    value: str


def _amount(text: str, label: str) -> int | None:
    return offers.parse_amount(text, label)


def _day(text: str, label: str) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"The {label} “{text}” is not a date.") from None


class OfferState(AppState):
    """The job page's Offer section."""

    facts: list[Fact] = []
    dialog_open: bool = False
    error: str = ""
    base_salary: str = ""
    currency: str = "USD"
    bonus: str = ""
    equity: str = ""
    signing_bonus: str = ""
    start_date: str = ""
    decision_deadline: str = ""
    notes: str = ""
    _job: int = 0

    def _load_offer(self, job_id: int) -> None:
        self._job = job_id
        with db.session_scope() as session:
            offer = offers.offer_of(session, job_id)
            self.facts = [Fact(label, value) for label, value in _summary(offer)] if offer else []

    @rx.event
    def open_dialog(self) -> None:
        with db.session_scope() as session:
            offer = offers.offer_of(session, self._job)
            if offer is None:
                offer = Offer(job_id=self._job)
            self.base_salary = str(offer.base_salary or "")
            self.currency = offer.currency
            self.bonus = str(offer.bonus or "")
            self.equity = offer.equity
            self.signing_bonus = str(offer.signing_bonus or "")
            self.start_date = offer.start_date.isoformat() if offer.start_date else ""
            self.decision_deadline = offer.decision_deadline.isoformat() if offer.decision_deadline else ""
            self.notes = offer.notes
        self.error, self.dialog_open = "", True

    @rx.event
    def set_open(self, is_open: bool) -> None:
        self.dialog_open = is_open

    @rx.event
    def save(self, form: dict[str, Any]) -> Any:
        """The dialog's form data (its fields are named after `FIELDS`); the dialog shows what
        it opened with (`open_dialog`) and keeps what was typed when a save is refused."""
        typed = {name: str(form.get(name) or "") for name in FIELDS}
        try:
            fields = OfferFields(
                base_salary=_amount(typed["base_salary"], "base salary"),
                currency=typed["currency"],
                bonus=_amount(typed["bonus"], "bonus"),
                equity=typed["equity"],
                signing_bonus=_amount(typed["signing_bonus"], "signing bonus"),
                start_date=_day(typed["start_date"], "start date"),
                decision_deadline=_day(typed["decision_deadline"], "decision deadline"),
                notes=typed["notes"],
            )
            with db.session_scope() as session:
                recorded = offers.record_offer(session, self._job, fields)
                moved = recorded.moved is not None
        except UserFacingError as exc:  # any refusal is said in the dialog, beside what was typed
            self.error = str(exc)
            return None
        self.dialog_open = False
        self._load_offer(self._job)
        if moved:
            from peregrine.pages.job import JobPageState  # the job page holds this section

            return [rx.toast.success(f"Offer saved; moved to {Stage.OFFER.label}."), JobPageState.load]
        return rx.toast.success("Offer saved.")


def _input(label: str, name: str, value: rx.Var[str], **props: Any) -> rx.Component:
    return labelled(label, rx.input(name=name, default_value=value, **props))


def offer_section() -> rx.Component:
    return rx.el.section(
        rx.hstack(
            rx.heading("Offer", size="4", as_="h2"),
            rx.spacer(),
            rx.button(
                rx.cond(OfferState.facts.length() > 0, "Edit offer", "Record an offer"),
                on_click=OfferState.open_dialog,
                variant="soft",
                size="2",
                class_name="no-print",
            ),
            rx.link("Compare offers", href=routes.OFFERS, size="2", class_name="no-print"),
            align="center",
            width="100%",
            spacing="3",
        ),
        rx.cond(
            OfferState.facts.length() > 0,
            rx.data_list.root(
                rx.foreach(
                    OfferState.facts,
                    lambda fact: rx.data_list.item(rx.data_list.label(fact.label), rx.data_list.value(fact.value)),
                )
            ),
            rx.text("No offer recorded. Recording one moves the job to Offer.", size="2", color_scheme="gray"),
        ),
        _offer_dialog(),
        aria_label="Offer",
        class_name="rounds",
        width="100%",
    )


def _offer_dialog() -> rx.Component:
    return form_dialog(
        rx.hstack(
            _input(
                "Base salary (a year)",
                "base_salary",
                OfferState.base_salary,
                inputmode="numeric",
                max_length=limits.AMOUNT_TEXT,
            ),
            _input("Currency", "currency", OfferState.currency, max_length=limits.CURRENCY),
            width="100%",
        ),
        rx.hstack(
            _input("Bonus", "bonus", OfferState.bonus, inputmode="numeric", max_length=limits.AMOUNT_TEXT),
            _input(
                "Signing bonus",
                "signing_bonus",
                OfferState.signing_bonus,
                inputmode="numeric",
                max_length=limits.AMOUNT_TEXT,
            ),
            width="100%",
        ),
        _input(
            "Equity",
            "equity",
            OfferState.equity,
            max_length=limits.OFFER_EQUITY,
            placeholder="0.1% over 4 years, 1-year cliff",
        ),
        rx.hstack(
            _input("Start date", "start_date", OfferState.start_date, type="date"),
            _input("Decision deadline", "decision_deadline", OfferState.decision_deadline, type="date"),
            width="100%",
        ),
        length_notice(
            labelled(
                "Notes",
                rx.text_area(name="notes", default_value=OfferState.notes, max_length=limits.OFFER_NOTES, rows="3"),
            ),
            "notes",
        ),
        title="Offer",
        open=OfferState.dialog_open,
        on_open_change=OfferState.set_open,
        on_submit=OfferState.save,
        error=OfferState.error,
        save_label="Save offer",
    )


# ---------------------------------------------------------------------------------------------- /offers
#: The rows of the comparison, in the order `_summary` gives them, after the first-year total.
COMPARE_ROWS = ("Base salary", "Bonus", "Signing bonus", "Equity", "Start date", "Decision deadline", "Notes")
DEADLINE_ROW = COMPARE_ROWS.index("Decision deadline")


@dataclass(frozen=True)
class CompareColumn:
    job_link: str
    label: str
    stage: str
    first_year: str
    facts: list[Fact]
    deadline_passed: bool = False


class CompareOffersState(AppState):
    columns: list[CompareColumn] = []

    @rx.event
    def load(self) -> None:
        today = date.today()  # the deadline is a calendar day where the user is (a self-hosted app shares its clock)
        with db.session_scope() as session:
            lines = offers.offers_to_compare(session, self.candidate_id(session), undecided_only=True)
            self.columns = [
                CompareColumn(
                    routes.job_url(line.job_id),
                    f"{line.company} — {line.title}",
                    Stage(line.stage).label,
                    _money(line.first_year_cash, line.offer.currency),
                    [Fact(label, value) for label, value in _summary(line.offer)],
                    line.deadline_passed(today),
                )
                for line in lines
            ]


def _offer_heading(column: CompareColumn) -> rx.Component:
    return rx.table.column_header_cell(
        rx.vstack(
            rx.link(column.label, href=column.job_link, weight="bold"),
            rx.badge(column.stage, variant="soft"),
            spacing="1",
        ),
        scope="col",
    )


def _fact_row(index: int, label: str) -> rx.Component:
    """One field across every offer, so the values line up row by row."""

    def cell(column: CompareColumn) -> rx.Component:
        value = rx.text(column.facts[index].value, size="2", white_space="pre-wrap")
        if index != DEADLINE_ROW:
            return rx.table.cell(value)
        return rx.table.cell(
            rx.hstack(
                value,
                rx.cond(column.deadline_passed, rx.badge("Passed", color_scheme="red", variant="soft")),
                align="center",
                spacing="2",
            )
        )

    return rx.table.row(
        rx.table.row_header_cell(label, scope="row"),
        rx.foreach(CompareOffersState.columns, cell),
    )


def _compare_table() -> rx.Component:
    return rx.box(
        rx.table.root(
            # The caption names the table (an aria-label would land on Radix's wrapper, not the <table>).
            rx.el.caption("Offers side by side", class_name="visually-hidden"),
            rx.table.header(
                rx.table.row(
                    rx.table.column_header_cell(rx.text("Offer", class_name="visually-hidden"), scope="col"),
                    rx.foreach(CompareOffersState.columns, _offer_heading),
                )
            ),
            rx.table.body(
                rx.table.row(
                    rx.table.row_header_cell("First-year cash", scope="row"),
                    rx.foreach(
                        CompareOffersState.columns,
                        lambda column: rx.table.cell(rx.text(column.first_year, weight="bold", size="2")),
                    ),
                ),
                *[_fact_row(index, label) for index, label in enumerate(COMPARE_ROWS)],
            ),
            variant="surface",
            size="2",
        ),
        class_name="offer-compare",
    )


def compare_offers_page() -> rx.Component:
    return page_layout(
        rx.heading("Offers side by side", size="6", as_="h1"),
        rx.text(
            "First-year cash is base + bonus + signing bonus. Offers are sorted by it within each currency; "
            "a job already hired is left out.",
            size="2",
            color_scheme="gray",
        ),
        rx.cond(
            CompareOffersState.columns.length() > 0,
            _compare_table(),
            rx.text("No offers to compare: record one from a job's page.", size="2"),
        ),
    )
