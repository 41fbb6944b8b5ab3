"""How an interview round reads on the job page, and how its dialog's text becomes a round's fields.

No Reflex here: `RoundLine` is what the list shows, display-ready; the parsers turn what was typed
(interviewers one a line, a datetime-local value, a rating select) into what the service takes,
or an `InvalidInput` that the dialog shows under its fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from peregrine.domain.dates import datetime_local_value, local_moment
from peregrine.domain.interviews import RATING_FIELDS, InterviewKind, RoundOutcome
from peregrine.models import Interview
from peregrine.services.errors import InvalidInput


@dataclass(frozen=True)
class RoundLine:
    id: int
    order: int
    name: str
    kind: str
    when: str
    people: str
    outcome: str
    focus: str
    #: What was written after the round, shown read-only in the list (Edit changes it).
    notes: str = ""
    ratings: str = ""
    feedback: str = ""
    next_steps: str = ""


def round_line(interview: Interview) -> RoundLine:
    assert interview.id is not None
    people = ", ".join(
        f"{person['name']} ({person['role']})" if person.get("role") else person["name"]
        for person in interview.interviewers
    )
    return RoundLine(
        id=interview.id,
        order=interview.order,
        name=interview.name,
        kind=InterviewKind(interview.kind).label,
        when=local_moment(interview.scheduled_at) if interview.scheduled_at else "",
        people=people,
        outcome=interview.outcome,
        focus=interview.focus,
        **after_round_record(interview),
    )


def after_round_record(interview: Interview) -> dict[str, str]:
    """The notes, ratings, feedback and next steps of a round, display-ready ("" when not written)."""
    ratings = [
        f"{name.removesuffix('_rating').replace('_', ' ').capitalize()} {value}/5"
        for name in RATING_FIELDS
        if (value := getattr(interview, name)) is not None
    ]
    return {
        "notes": interview.notes or "",
        "ratings": " · ".join(ratings),
        "feedback": interview.feedback or "",
        "next_steps": interview.next_steps or "",
    }


def round_draft(interview: Interview | None) -> dict[str, str]:
    """What the round dialog's fields show when it opens (by their names): the round's values as
    text, or a new round's (a recruiter call, its outcome pending)."""
    if interview is None:
        return {"kind": InterviewKind.RECRUITER.value, "outcome": RoundOutcome.PENDING.value}
    ratings = {name: str(value) if (value := getattr(interview, name)) else "" for name in RATING_FIELDS}
    return ratings | {
        "name": interview.name,
        "kind": interview.kind,
        "format": interview.format,
        "focus": interview.focus,
        "people": interviewer_lines(interview),
        "scheduled": datetime_local_value(interview.scheduled_at) if interview.scheduled_at else "",
        "notes": interview.notes or "",
        "outcome": interview.outcome,
        "feedback": interview.feedback or "",
        "next_steps": interview.next_steps or "",
    }


def parse_people(text: str) -> list[dict[str, str]]:
    """One interviewer a line: "Ana Diaz — Staff engineer" (or "Ana Diaz, Staff engineer")."""
    people = []
    for line in text.splitlines():
        for separator in (" — ", " - ", ","):
            if separator in line:
                name, role = line.split(separator, 1)
                break
        else:
            name, role = line, ""
        if name.strip():
            people.append({"name": name.strip(), "role": role.strip()})
    return people


def rating(text: str) -> int | None:
    """A rating select's value: "" (not rated) or 1 to 5; the service refuses anything else by name."""
    return int(text) if text.strip().isdigit() else None


def parse_when(text: str) -> datetime | None:
    """The browser's datetime-local value, read as this machine's local time."""
    if not text.strip():
        return None
    try:
        return datetime.fromisoformat(text).astimezone().astimezone(UTC)
    except ValueError:
        raise InvalidInput(f"“{text}” is not a date and time.") from None


def past_notice(text: str) -> str:
    """What the dialog says when a new round's time has already gone: fine for a round being
    recorded after the fact, and a hint to check the year otherwise."""
    try:
        when = parse_when(text)
    except InvalidInput:
        return ""
    if when is None or when >= datetime.now(UTC):
        return ""
    return f"{local_moment(when)} is in the past: fine for a round already held; otherwise check the date."


def interviewer_lines(interview: Interview) -> str:
    """The round's interviewers as the dialog shows them: one a line, "name — role"."""
    return "\n".join(f"{p['name']} — {p['role']}" if p.get("role") else p["name"] for p in interview.interviewers)
