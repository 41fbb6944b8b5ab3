"""Offers: the job page's Offer section (record, edit) and `/offers`, offers side by side."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import reflex as rx

from peregrine import db, routes
from peregrine.components.dialogs import form_dialog
from peregrine.components.facts import Fact, fact_list
from peregrine.components.forms import draft_input, draft_text_area
from peregrine.components.layout import or_empty, page_layout, titled_section
from peregrine.domain import limits
from peregrine.domain.dates import calendar_date, date_input_value
from peregrine.domain.errors import UserFacingError
from peregrine.domain.stages import Stage
from peregrine.models import Offer
from peregrine.pages.state import AppState, DialogMixin
from peregrine.services import offers
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


def _draft(offer: Offer) -> dict[str, str]:
    """The offer as its dialog's fields show it: amounts as digits, days as ISO dates, "" for none."""
    return {
        "base_salary": str(offer.base_salary or ""),
        "currency": offer.currency,
        "bonus": str(offer.bonus or ""),
        "equity": offer.equity,
        "signing_bonus": str(offer.signing_bonus or ""),
        "start_date": date_input_value(offer.start_date),
        "decision_deadline": date_input_value(offer.decision_deadline),
        "notes": offer.notes,
    }


class OfferState(DialogMixin, AppState):
    """The job page's Offer section."""

    facts: list[Fact] = []
    error: str = ""
    #: What the dialog's fields show when it opens, by their names (`FIELDS`).
    draft: dict[str, str] = {}
    _job: int = 0

    def _load_offer(self, job_id: int) -> None:
        self._job = job_id
        with db.session_scope() as session:
            offer = offers.offer_of(session, job_id)
            self.facts = [Fact(label, value) for label, value in _summary(offer)] if offer else []

    @rx.event
    def open_dialog(self) -> None:
        with db.session_scope() as session:
            self.draft = _draft(offers.offer_of(session, self._job) or Offer(job_id=self._job))
        self.error, self.dialog_open = "", True

    @rx.event
    def save(self, form: dict[str, Any]) -> Any:
        """The dialog's form data (its fields are named after `FIELDS`); the dialog shows what
        it opened with (`open_dialog`) and keeps what was typed when a save is refused."""
        typed = {name: str(form.get(name) or "") for name in FIELDS}
        try:
            fields = OfferFields(
                base_salary=offers.parse_amount(typed["base_salary"], "base salary"),
                currency=typed["currency"],
                bonus=offers.parse_amount(typed["bonus"], "bonus"),
                equity=typed["equity"],
                signing_bonus=offers.parse_amount(typed["signing_bonus"], "signing bonus"),
                start_date=offers.parse_day(typed["start_date"], "start date"),
                decision_deadline=offers.parse_day(typed["decision_deadline"], "decision deadline"),
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


def offer_section() -> rx.Component:
    return titled_section(
        "Offer",
        or_empty(
            OfferState.facts,
            fact_list(OfferState.facts),
            "No offer recorded. Recording one moves the job to Offer.",
        ),
        _offer_dialog(),
        actions=(
            rx.button(
                rx.cond(OfferState.facts.length() > 0, "Edit offer", "Record an offer"),
                on_click=OfferState.open_dialog,
                variant="soft",
                size="2",
                class_name="no-print",
            ),
            rx.link("Compare offers", href=routes.OFFERS, size="2", class_name="no-print"),
        ),
    )


def _offer_dialog() -> rx.Component:
    draft = OfferState.draft
    return form_dialog(
        rx.hstack(
            draft_input(
                "Base salary (a year)", "base_salary", draft, inputmode="numeric", max_length=limits.AMOUNT_TEXT
            ),
            draft_input("Currency", "currency", draft, max_length=limits.CURRENCY),
            width="100%",
        ),
        rx.hstack(
            draft_input("Bonus", "bonus", draft, inputmode="numeric", max_length=limits.AMOUNT_TEXT),
            draft_input("Signing bonus", "signing_bonus", draft, inputmode="numeric", max_length=limits.AMOUNT_TEXT),
            width="100%",
        ),
        draft_input(
            "Equity", "equity", draft, max_length=limits.OFFER_EQUITY, placeholder="0.1% over 4 years, 1-year cliff"
        ),
        rx.hstack(
            draft_input("Start date", "start_date", draft, type="date"),
            draft_input("Decision deadline", "decision_deadline", draft, type="date"),
            width="100%",
        ),
        draft_text_area("Notes", "notes", draft, max_length=limits.OFFER_NOTES, noun="notes", rows="3"),
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
