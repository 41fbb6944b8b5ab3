"""The calendar feed: its secret, and the .ics parsed back by icalendar and read event by event."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from icalendar import Calendar, Event
from sqlmodel import Session, select
from starlette.types import Receive, Scope, Send

from peregrine.api.app import mount_api
from peregrine.domain.stages import MoveSource, Stage
from peregrine.models import CalendarFeed, Candidate
from peregrine.routes import calendar_feed_url, job_url, prep_url
from peregrine.services import calendar_feed, interviews, jobs, offers
from peregrine.services.calendar_ics import CalendarEntry, render_calendar
from peregrine.services.interviews import RoundFields
from peregrine.web import site
from tests.factories import new_job, new_round

BASE = "https://jobs.example.org"
PARIS = ZoneInfo("Europe/Paris")


def _events(session: Session, candidate_id: int) -> dict[str, Event]:
    ics = calendar_feed.feed_ics(session, candidate_id, base_url=BASE + "/")
    calendar = Calendar.from_ical(ics)
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"]
    return {str(event["UID"]): event for event in calendar.walk("VEVENT") if isinstance(event, Event)}


def _round_uid(interview_id: int) -> str:
    return f"interview-round-{interview_id}@peregrine"


def test_a_secret_opens_its_feed_until_it_is_replaced_or_revoked(session: Session, candidate: Candidate) -> None:
    owner = candidate.id or 0
    first = calendar_feed.new_feed(session, owner)[1]
    assert calendar_feed.owner_of_secret(session, first) == owner
    assert first not in {feed.secret_hash for feed in session.exec(select(CalendarFeed))}  # only its hash is kept

    second = calendar_feed.new_feed(session, owner)[1]
    assert calendar_feed.owner_of_secret(session, first) is None
    assert calendar_feed.owner_of_secret(session, second) == owner

    assert calendar_feed.revoke_feed(session, owner)
    assert calendar_feed.owner_of_secret(session, second) is None
    assert calendar_feed.live_feed(session, owner) is None
    assert not calendar_feed.revoke_feed(session, owner)
    for guess in ("", "cal_", second[:-1], second.removeprefix("cal_"), second + ".ics"):
        assert calendar_feed.owner_of_secret(session, guess) is None


def test_a_scheduled_round_is_an_event_at_its_moment_in_utc(session: Session, candidate: Candidate) -> None:
    job_id = new_job(session, company="Acme, Inc; \\ Labs", title="Backend engineer")
    at_nine_in_paris = datetime(2026, 12, 10, 9, 30, tzinfo=PARIS)
    round_id = new_round(
        session,
        job_id,
        name="System design, part 1",
        kind="system_design",
        format="Video call",
        focus="Queues <script>alert(1)</script>\nand <b>caching</b>",
        interviewers=[{"name": "Grace Hopper", "role": "Staff engineer"}, {"name": "Alan", "role": ""}],
        scheduled_at=at_nine_in_paris,
    )
    new_round(session, job_id, name="Not scheduled yet")

    events = _events(session, candidate.id or 0)

    assert list(events) == [_round_uid(round_id)]
    event = events[_round_uid(round_id)]
    start = event.decoded("DTSTART")
    assert start == at_nine_in_paris
    assert start.utcoffset() == timedelta(0)
    assert event.decoded("DURATION") == timedelta(hours=1)
    assert str(event["SUMMARY"]) == "System design, part 1: Acme, Inc; \\ Labs"  # escaped and read back whole
    description = str(event["DESCRIPTION"])
    assert "System design round 1 for Backend engineer" in description
    assert "Format: Video call" in description
    assert "Interviewers: Grace Hopper (Staff engineer), Alan" in description
    assert "<" not in description
    assert "caching" in description
    assert "alert(1)" not in description
    assert str(event["URL"]) == BASE + prep_url(job_id, round_id)
    assert f"Prepare: {BASE + prep_url(job_id, round_id)}" in description
    assert str(event["STATUS"]) == "CONFIRMED"


def test_an_edited_round_keeps_its_uid_and_a_deleted_one_disappears(session: Session, candidate: Candidate) -> None:
    job_id = new_job(session, company="Globex")
    first = new_round(session, job_id, name="Recruiter call", scheduled_at=datetime(2026, 12, 1, 15, 0, tzinfo=UTC))
    second = new_round(session, job_id, name="Onsite", scheduled_at=datetime(2026, 12, 8, 15, 0, tzinfo=UTC))
    before = _events(session, candidate.id or 0)

    later = datetime(2026, 12, 2, 16, 0, tzinfo=UTC)
    interviews.update_round(session, first, RoundFields(name="Recruiter call (moved)", scheduled_at=later))
    interviews.delete_round(session, second)
    session.commit()
    after = _events(session, candidate.id or 0)

    assert list(before) == [_round_uid(first), _round_uid(second)]
    assert list(after) == [_round_uid(first)]
    moved = after[_round_uid(first)]
    assert moved.decoded("DTSTART") == later
    assert str(moved["SUMMARY"]) == "Recruiter call (moved): Globex"


def test_a_cancelled_round_stays_marked_cancelled(session: Session, candidate: Candidate) -> None:
    job_id = new_job(session)
    round_id = new_round(session, job_id, scheduled_at=datetime(2026, 12, 1, 15, 0, tzinfo=UTC))
    interviews.record_outcome(session, round_id, outcome="cancelled")
    session.commit()
    assert str(_events(session, candidate.id or 0)[_round_uid(round_id)]["STATUS"]) == "CANCELLED"


def test_an_offer_waiting_for_an_answer_has_an_all_day_deadline(session: Session, candidate: Candidate) -> None:
    job_id = new_job(session, company="Initech", stage=Stage.INTERVIEWING)
    recorded = offers.record_offer(session, job_id, offers.OfferFields(decision_deadline=date(2026, 12, 15)))
    no_deadline = new_job(session, company="Umbrella", stage=Stage.INTERVIEWING)
    offers.record_offer(session, no_deadline, offers.OfferFields())
    session.commit()
    uid = f"offer-deadline-{recorded.offer.id}@peregrine"

    event = _events(session, candidate.id or 0)[uid]

    assert list(_events(session, candidate.id or 0)) == [uid]
    assert event.decoded("DTSTART") == date(2026, 12, 15)
    assert event.decoded("DTEND") == date(2026, 12, 16)
    assert "Initech" in str(event["SUMMARY"])
    assert str(event["URL"]) == BASE + job_url(job_id)

    jobs.move_job(session, job_id, Stage.HIRED, source=MoveSource.BUTTON)
    session.commit()
    assert _events(session, candidate.id or 0) == {}  # decided: no deadline left


def test_another_candidates_rounds_are_not_in_the_feed(session: Session, candidate: Candidate) -> None:
    stranger = Candidate(name="Someone else")
    session.add(stranger)
    session.flush()
    theirs = new_job(session, stranger.id, company="Theirs")
    new_round(session, theirs, scheduled_at=datetime(2026, 12, 1, 15, 0, tzinfo=UTC))
    assert _events(session, candidate.id or 0) == {}
    assert len(_events(session, stranger.id or 0)) == 1


def test_the_same_data_gives_the_same_bytes(session: Session, candidate: Candidate) -> None:
    job_id = new_job(session)
    new_round(session, job_id, scheduled_at=datetime(2026, 12, 1, 15, 0, tzinfo=UTC))
    first = calendar_feed.feed_ics(session, candidate.id or 0, base_url=BASE)
    assert calendar_feed.feed_ics(session, candidate.id or 0, base_url=BASE) == first


class NotReflex:
    """Stands where Reflex's app sits behind the edge: the feed must never reach it."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 418, "headers": []})
        await send({"type": "http.response.body", "body": b"reached Reflex"})


@pytest.mark.asyncio
async def test_the_feed_is_served_behind_the_edge_to_its_secret_only(session: Session, candidate: Candidate) -> None:
    job_id = new_job(session, company="Hooli")
    round_id = new_round(session, job_id, scheduled_at=datetime(2026, 12, 1, 15, 0, tzinfo=UTC))
    _, secret = calendar_feed.new_feed(session, candidate.id or 0)
    session.commit()
    edge = site.guard(mount_api(NotReflex()))
    url = calendar_feed_url(secret)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=edge), base_url="http://127.0.0.1:3000") as http:
        answer = await http.get(url)
        assert answer.status_code == 200
        assert answer.headers["content-type"] == "text/calendar; charset=utf-8"
        assert answer.headers["content-security-policy"].startswith("default-src 'none'")
        events = Calendar.from_ical(answer.content).walk("VEVENT")
        assert [str(event["URL"]) for event in events] == ["http://127.0.0.1:3000" + prep_url(job_id, round_id)]
        assert (await http.head(url)).status_code == 200

        for wrong in (calendar_feed_url("cal_guessed"), url.removesuffix(".ics"), url + "x", "/calendar/"):
            assert (await http.get(wrong)).status_code == 404, wrong
        foreign = await http.get(url, headers={"Origin": "https://evil.example"})
        assert foreign.status_code == 403

        calendar_feed.revoke_feed(session, candidate.id or 0)
        session.commit()
        assert (await http.get(url)).status_code == 404


def test_long_text_is_folded_whole_and_durations_and_days_are_rfc_5545() -> None:
    moment = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
    long_line = "Ünïcödé, ünd; \\ ëmøjï 🦅 " * 20
    ics = render_calendar(
        [
            CalendarEntry(
                uid="a@peregrine",
                summary="Long",
                start=moment,
                changed_at=moment,
                duration=timedelta(days=1, minutes=90),
                description=f"{long_line}\nsecond line",
                url="https://jobs.example.org/" + "x" * 200,
            ),
            CalendarEntry(uid="b@peregrine", summary="Zero", start=moment, changed_at=moment, duration=timedelta()),
            CalendarEntry(uid="c@peregrine", summary="Day", start=date(2026, 2, 28), changed_at=moment),
        ]
    )
    lines = ics.split(b"\r\n")
    assert lines[-1] == b""
    assert all(len(line) <= 75 for line in lines)
    assert b"\n" not in ics.replace(b"\r\n", b"")
    for line in lines:
        line.decode("utf-8")  # never cut inside a character
    events = {str(event["UID"]): event for event in Calendar.from_ical(ics).walk("VEVENT") if isinstance(event, Event)}
    assert str(events["a@peregrine"]["DESCRIPTION"]) == long_line.strip() + "\nsecond line"
    assert str(events["a@peregrine"]["URL"]) == "https://jobs.example.org/" + "x" * 200
    assert events["a@peregrine"].decoded("DURATION") == timedelta(days=1, minutes=90)
    assert events["b@peregrine"].decoded("DURATION") == timedelta()
    assert events["c@peregrine"].decoded("DTSTART") == date(2026, 2, 28)
    assert events["c@peregrine"].decoded("DTEND") == date(2026, 3, 1)
