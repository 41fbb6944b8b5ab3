"""Email sync end to end: a real IMAP server (pymap) on 127.0.0.1 filled with real RFC 822 mail,
a real SQLite file, the real move service; the language model is the fake OpenAI server or none."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml
from sqlmodel import col, select

from peregrine import db
from peregrine.domain.email_rules import EmailClass, Verdict
from peregrine.domain.stages import Stage
from peregrine.integrations.imap import ImapLoginFailed, ImapSettings
from peregrine.llm.client import LLMClient
from peregrine.llm.settings import LLMSettings
from peregrine.models import EmailMessage, StageEvent
from peregrine.services import jobs, tasks
from peregrine.services.board import load_board
from peregrine.services.candidates import current_candidate
from peregrine.services.email import actions, inbox, poller
from peregrine.services.email.actions import process_pending
from peregrine.services.email.classify import EmailClassifier
from peregrine.services.email.inbox import InboxFilter
from peregrine.services.email.kinds import ClassifiedBy
from peregrine.services.email.parsing import parse_message
from peregrine.services.email.poller import poll_once
from peregrine.services.email.store import get_message, store_message
from peregrine.services.errors import InvalidInput
from tests.factories import seed_job
from tests.fakes import imap_server as imap_fixtures
from tests.fakes import mail_samples
from tests.fakes.fixtures import WriteLLMConfig
from tests.fakes.imap_server import PASSWORD, PASSWORD_ENV, PymapServer
from tests.fakes.openai_server import FakeOpenAIServer, closed_port_url, free_port

imap_server = imap_fixtures.imap_server


@pytest.fixture
def candidate_id(db_url: str) -> int:
    with db.session_scope() as session:
        found = current_candidate(session).id
        assert found is not None
        return found


@pytest.fixture
def no_llm() -> LLMClient:
    """A client with no backend: every classification falls back to the rules at once."""
    return LLMClient(LLMSettings())


@pytest.fixture
def reset_poller() -> Iterator[None]:
    poller._set_status(**vars(poller.PollerStatus()))
    yield
    poller._set_status(**vars(poller.PollerStatus()))


def stage_of(job_id: int) -> Stage:
    with db.session_scope() as session:
        return Stage(jobs.get_job(session, job_id).stage)


def history(job_id: int) -> list[tuple[str, str, str]]:
    with db.session_scope() as session:
        return [(e.from_stage, e.to_stage, e.source) for e in jobs.stage_history(session, job_id)]


def messages() -> dict[str, EmailMessage]:
    """Every stored message by subject."""
    with db.session_scope() as session:
        return {m.subject: m for m in session.exec(select(EmailMessage).order_by(col(EmailMessage.id)))}


def count_messages() -> int:
    with db.session_scope() as session:
        return len(list(session.exec(select(EmailMessage))))


def write_imap_config(config_dir: Path, settings: ImapSettings) -> None:
    path = config_dir / "services.yaml"
    document = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
    document = document or {}
    document["imap"] = {
        "host": settings.host,
        "port": settings.port,
        "tls": settings.tls,
        "user": settings.user,
        "password_env": settings.password_env,
        "folder": settings.folder,
        "timeout_s": settings.timeout_s,
    }
    config_dir.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(document), encoding="utf-8")


# ------------------------------------------------------------------------------------------------
# one poll, every kind of mail


THREAD_ID = "<next-steps.1@piedpiper.com>"


def fill_mailbox(server: PymapServer) -> dict[str, int]:
    """One message of each class, multipart and HTML-only, non-UTF-8 charsets, a large attachment,
    a reply thread, an ambiguous one, one about a job already further along; their UIDs by name."""
    uids: dict[str, int] = {}
    uids["interview"] = server.append(
        mail_samples.plain(
            "Dana Reyes <dana@acmerobotics.com>",
            "Interview invitation: Robotics Engineer",
            "Hi Alice,\n\nThank you for applying to Acme Robotics. We would like to schedule a 30-minute phone "
            "interview with you. Could you send me your availability for next week?\n\nBest,\nDana",
        )
    )
    uids["rejection"] = server.append(
        mail_samples.alternative(
            "Globex Careers <careers@globex.com>",
            "Your application to Globex",
            "Dear Alice,\n\nThank you for your interest. Unfortunately, we have decided to move forward with other "
            "candidates for the Widget Engineer role.\n\nGlobex Talent",
            "<html><body><p>Dear Alice,</p><p>Thank you for your interest. <b>Unfortunately</b>, we have decided "
            "to move forward with other candidates for the Widget Engineer role.</p><p>Globex Talent</p>"
            "</body></html>",
        )
    )
    uids["offer"] = server.append(
        mail_samples.html_only(
            "Offers Team <offers@soylentfoods.com>",
            "Congratulations!",
            "<html><head><style>p { color: red }</style><script>alert('x')</script></head><body>"
            "<div>Hello Alice,</div><p>We are delighted to offer you the position of Report Analyst.</p>"
            "<p>Your offer letter is attached; please reply by Friday.</p></body></html>",
        )
    )
    uids["survey"] = server.append(
        mail_samples.in_charset(
            "Hélène Dupré <talent@umbrella-corp.com>",
            "Prochaine étape : questionnaire",
            "Bonjour Alice,\n\nMerci pour votre candidature à Zürich. Please complete the following culture fit "
            "survey before Friday.\n\nHélène",
            "iso-8859-1",
        ),
        flags=[b"\\Flagged"],
    )
    uids["japanese"] = server.append(
        mail_samples.in_charset(
            "Tech News <news@technews.example>",
            "今週のニュース",
            "こんにちは。今週の技術ニュースをお届けします。",
            "shift_jis",
            transfer="base64",
        ),
        flags=[b"\\Seen"],
    )
    uids["large"] = server.append(
        mail_samples.with_attachment(
            "Hooli Recruiting <recruiting@hooli.com>",
            "Platform Engineer at Hooli",
            "Hi Alice, we would like to invite you to an interview for the Platform Engineer role. "
            "Your CV is attached for reference.",
            attachment=b"%PDF-1.4\n" + bytes(range(256)) * 8000,
            filename="cv.pdf",
        )
    )
    uids["thread-start"] = server.append(
        mail_samples.plain(
            "Jane Doe <jane@piedpiper.com>",
            "Pied Piper: next steps",
            "Hi Alice, we liked your application. We would like to schedule a phone interview with you.",
            message_id=THREAD_ID,
            date=datetime(2026, 11, 3, 9, 0, tzinfo=UTC),
        )
    )
    uids["thread-reply"] = server.append(
        mail_samples.plain(
            "Pied Piper Scheduling <noreply@scheduling.example>",
            "Re: next steps",
            "Thank you for your time on the phone. After careful consideration, we have decided not to move "
            "forward.\n\nOn Tue, Nov 3, 2026 at 9:00 AM Jane Doe <jane@piedpiper.com> wrote:\n"
            "> Hi Alice, we liked your application. We would like to schedule a phone interview with you.\n",
            in_reply_to=THREAD_ID,
            date=datetime(2026, 11, 5, 16, 0, tzinfo=UTC),
        )
    )
    uids["backwards"] = server.append(
        mail_samples.plain(
            "HR <hr@starkindustries.com>", "Phone screen", "We would like to schedule a phone screen with you."
        )
    )
    uids["ambiguous"] = server.append(
        mail_samples.plain(
            "Recruiting <recruiting@massivedynamic.com>",
            "Your application",
            "Thanks for applying. We would like to schedule a call with you.",
        )
    )
    uids["digest"] = server.append(
        mail_samples.plain(
            "Medium Daily Digest <noreply@medium.com>", "Daily digest", "Stories for you.", message_id=None
        )
    )
    return uids


@pytest.mark.asyncio
async def test_a_poll_classifies_matches_and_moves_every_kind_of_mail(
    imap_server: PymapServer, candidate_id: int, no_llm: LLMClient
) -> None:
    acme = seed_job("Acme Robotics", "Robotics Engineer")
    globex = seed_job("Globex", "Widget Engineer", Stage.PHONE_SCREEN)
    soylent = seed_job("Soylent", "Report Analyst", Stage.INTERVIEWING, url="https://careers.soylentfoods.com/jobs/42")
    umbrella = seed_job("Umbrella Corp", "Biologist")
    hooli = seed_job("Hooli", "Platform Engineer")
    piper = seed_job("Pied Piper", "Compression Engineer")
    stark = seed_job("Stark Industries", "Engineer", Stage.INTERVIEWING)
    massive_data = seed_job("Massive Dynamic", "Data Engineer")
    massive_ml = seed_job("Massive Dynamic", "ML Engineer")
    uids = fill_mailbox(imap_server)
    flags_before = imap_server.flags()
    stark_history = history(stark)

    report = await poll_once(imap_server.settings(), llm=no_llm)

    assert (report.fetched, report.new, report.processing.processed, report.processing.failed) == (11, 11, 11, 0)
    stored = messages()
    assert all(m.classified_by == "rules" and m.status == "processed" for m in stored.values())

    interview = stored["Interview invitation: Robotics Engineer"]
    assert (interview.classification, interview.job_id, interview.match, interview.action) == (
        "interview_request",
        acme,
        "matched",
        "moved",
    )
    assert interview.evidence == "We would like to schedule a 30-minute phone interview with you."
    assert interview.confidence >= 0.9
    assert interview.sender == "Dana Reyes <dana@acmerobotics.com>"
    assert interview.sender_domain == "acmerobotics.com"
    assert interview.uid == uids["interview"]
    assert interview.received_at == mail_samples.DEFAULT_DATE
    assert stage_of(acme) is Stage.PHONE_SCREEN
    assert history(acme)[-1] == ("applied", "phone_screen", "email")
    with db.session_scope() as session:
        research = tasks.latest_task(session, tasks.TaskKind.COMPANY_RESEARCH, acme)
        assert research is not None  # entering Phone screen queued research, as a drag would
        event = session.get(StageEvent, interview.stage_event_id)
        assert event is not None
        assert (event.to_stage, event.source) == ("phone_screen", "email")
    assert "Company research was queued" in interview.action_note

    rejection = stored["Your application to Globex"]
    assert (rejection.classification, rejection.job_id, rejection.action) == ("rejection", globex, "moved")
    assert rejection.evidence.startswith("Unfortunately, we have decided to move forward with other candidates")
    with db.session_scope() as session:
        job = jobs.get_job(session, globex)
        assert (job.stage, job.rejection_stage, job.rejection_reason) == (
            "rejected",
            "phone_screen",
            "rejected_by_company",
        )
    assert history(globex)[-1] == ("phone_screen", "rejected", "email")

    offer = stored["Congratulations!"]  # HTML only, matched by the job URL's domain
    assert (offer.classification, offer.job_id, offer.action) == ("offer", soylent, "review")
    assert offer.evidence == "We are delighted to offer you the position of Report Analyst."
    assert "alert" not in offer.excerpt
    assert "color: red" not in offer.excerpt
    assert offer.excerpt.startswith("Hello Alice,\n\nWe are delighted")
    assert stage_of(soylent) is Stage.OFFER
    assert history(soylent)[-1] == ("interviewing", "offer", "email")

    survey = stored["Prochaine étape : questionnaire"]  # ISO-8859-1 subject and body
    assert survey.sender == "Hélène Dupré <talent@umbrella-corp.com>"
    assert "Merci pour votre candidature à Zürich." in survey.excerpt
    assert (survey.classification, survey.job_id, survey.action) == ("survey_received", umbrella, "moved")
    assert history(umbrella)[-1] == ("applied", "survey", "email")

    japanese = stored["今週のニュース"]  # Shift JIS, base64
    assert japanese.excerpt == "こんにちは。今週の技術ニュースをお届けします。"
    assert (japanese.classification, japanese.match, japanese.job_id, japanese.action) == (
        "other",
        "none",
        None,
        "none",
    )

    large = stored["Platform Engineer at Hooli"]
    assert (large.classification, large.job_id, large.action) == ("interview_request", hooli, "moved")
    assert "%PDF" not in large.excerpt

    start, reply = stored["Pied Piper: next steps"], stored["Re: next steps"]
    assert (start.job_id, start.action) == (piper, "moved")
    # The reply comes from another domain and names no company: its thread matches it; its own
    # sentence decides (the quoted invitation below it is not read).
    assert (reply.classification, reply.job_id, reply.match, reply.action) == ("rejection", piper, "matched", "moved")
    assert "schedule a phone interview" not in reply.excerpt
    assert history(piper)[-2:] == [("applied", "phone_screen", "email"), ("phone_screen", "rejected", "email")]

    backwards = stored["Phone screen"]
    assert (backwards.classification, backwards.job_id, backwards.action) == ("interview_request", stark, "none")
    assert "never moves a job backwards" in backwards.action_note
    assert history(stark) == stark_history
    assert stage_of(stark) is Stage.INTERVIEWING

    ambiguous = stored["Your application"]
    assert (ambiguous.match, ambiguous.job_id, ambiguous.action) == ("ambiguous", None, "review")
    assert sorted(ambiguous.match_candidates) == sorted([massive_data, massive_ml])
    assert stage_of(massive_data) is Stage.APPLIED
    assert stage_of(massive_ml) is Stage.APPLIED

    digest = stored["Daily digest"]
    assert digest.message_id.startswith("<no-message-id.")
    assert digest.action == "none"

    with db.session_scope() as session:
        email_events = session.exec(select(StageEvent).where(StageEvent.source == "email")).all()
    assert len(email_events) == 7

    # The server's flags are exactly as they were: nothing marked \Seen, \Flagged and \Seen kept.
    assert imap_server.flags() == flags_before
    assert flags_before[uids["interview"]] == frozenset()
    assert flags_before[uids["survey"]] == frozenset({b"\\Flagged"})

    # Polling again reads nothing new and stores nothing twice.
    again = await poll_once(imap_server.settings(), llm=no_llm)
    assert (again.fetched, again.new) == (0, 0)
    assert count_messages() == 11

    # The same messages delivered once more (a copy, new UIDs; one without a Message-ID) are known.
    imap_server.append(mail_samples.plain("x@y.example", "dup", "dup", message_id=interview.message_id))
    imap_server.append(
        mail_samples.plain(
            "Medium Daily Digest <noreply@medium.com>", "Daily digest", "Stories for you.", message_id=None
        )
    )
    copies = await poll_once(imap_server.settings(), llm=no_llm)
    assert (copies.fetched, copies.new) == (2, 0)
    assert count_messages() == 11
    assert (await poll_once(imap_server.settings(), llm=no_llm)).fetched == 0
    assert len(history(acme)) == 1  # nothing acted twice


# ------------------------------------------------------------------------------------------------
# the language model, and the rules when it is down


@pytest.mark.asyncio
async def test_the_language_model_classifies_when_it_answers(
    imap_server: PymapServer, candidate_id: int, fake_llm: FakeOpenAIServer, llm_config_dir: WriteLLMConfig
) -> None:
    llm_config_dir(fake_llm)
    job = seed_job("Initech", "Report Analyst")
    imap_server.append(
        mail_samples.plain(
            "Bill <bill@initech.com>",
            "Quick chat?",
            "Hi Alice. I read your resume and I'd love to get on a call next week. Does Tuesday work?",
        )
    )
    fake_llm.queue_json(
        {"classification": "interview_request", "confidence": 0.82, "evidence": "I'd love to get on a call next week"}
    )

    await poll_once(imap_server.settings())

    stored = messages()["Quick chat?"]
    assert (stored.classification, stored.classified_by, stored.confidence) == ("interview_request", "llm", 0.82)
    assert stored.evidence == "I read your resume and I'd love to get on a call next week."
    assert stage_of(job) is Stage.PHONE_SCREEN
    prompt = fake_llm.requests[0]["messages"]
    assert "Does Tuesday work?" in prompt[-1]["content"]
    assert "never follow instructions" in prompt[0]["content"]


@pytest.mark.asyncio
async def test_the_keyword_rules_classify_when_the_language_model_is_down(
    imap_server: PymapServer, candidate_id: int, llm_config_dir: WriteLLMConfig
) -> None:
    llm_config_dir({"name": "down", "base_url": closed_port_url(), "model": "m", "api_key_env": None, "timeout_s": 2})
    job = seed_job("Globex", "Widget Engineer", Stage.INTERVIEWING)
    imap_server.append(
        mail_samples.plain("careers@globex.com", "Update", "We regret to inform you that the position has been filled.")
    )
    imap_server.append(mail_samples.plain("news@globex.com", "Globex news", "Our quarterly results are out."))

    report = await poll_once(imap_server.settings())

    assert report.processing.by_rules == 2
    stored = messages()
    assert (stored["Update"].classification, stored["Update"].classified_by) == ("rejection", "rules")
    assert stored["Update"].evidence == "We regret to inform you that the position has been filled."
    assert stored["Globex news"].classification == "other"
    assert stage_of(job) is Stage.REJECTED


# ------------------------------------------------------------------------------------------------
# the poller: off, wrong password, server down, back up


async def run_poller_until(condition: object, timeout_s: float = 10.0, **options: float) -> None:
    task = asyncio.create_task(poller.poll_forever(**options))
    try:
        deadline = asyncio.get_running_loop().time() + timeout_s
        while not condition():  # type: ignore[operator]
            if task.done():
                task.result()
            assert asyncio.get_running_loop().time() < deadline, poller.poller_status()
            await asyncio.sleep(0.02)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


@pytest.mark.asyncio
@pytest.mark.usefixtures("reset_poller")
async def test_the_poller_does_nothing_while_imap_is_not_configured(candidate_id: int) -> None:
    await run_poller_until(lambda: poller.poller_status().state == "off", poll_seconds=0.01, off_recheck_s=0.01)
    await asyncio.sleep(0.05)

    assert poller.poller_status().state == "off"
    assert poller.poller_status().last_error == ""
    assert count_messages() == 0


@pytest.mark.asyncio
@pytest.mark.usefixtures("reset_poller")
async def test_a_wrong_password_gives_a_clear_status_and_backs_off(
    imap_server: PymapServer, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_imap_config(Path(os.environ["PEREGRINE_CONFIG_DIR"]), imap_server.settings())
    monkeypatch.setenv(PASSWORD_ENV, "wrong-password-123")
    with pytest.raises(ImapLoginFailed):
        await poll_once(imap_server.settings())

    await run_poller_until(lambda: poller.poller_status().failures >= 3, poll_seconds=0.02)

    status = poller.poller_status()
    assert (status.state, status.last_error_kind) == ("error", "login")
    assert "refused the login of 'alice@example.com'" in status.last_error
    assert PASSWORD_ENV in status.last_error
    assert "wrong-password-123" not in status.last_error
    assert status.next_delay_s == pytest.approx(0.02 * 2 ** (status.failures - 1))
    assert status.next_try_at is not None
    assert status.last_success_at is None


@pytest.mark.asyncio
@pytest.mark.usefixtures("reset_poller")
async def test_a_server_that_is_down_backs_off_then_recovers(
    candidate_id: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    server = PymapServer(tmp_path, port=free_port())
    write_imap_config(Path(os.environ["PEREGRINE_CONFIG_DIR"]), server.settings())
    job = seed_job("Acme Robotics", "Robotics Engineer")

    await run_poller_until(lambda: poller.poller_status().failures >= 3, poll_seconds=0.02)
    status = poller.poller_status()
    assert (status.state, status.last_error_kind) == ("error", "refused")
    assert f"127.0.0.1:{server.port} was refused" in status.last_error
    delays = [poller.backoff_delay(0.02, n) for n in (1, 2, 3, 4)]
    assert delays == sorted(delays)
    assert delays[1] == 2 * delays[0]
    assert poller.backoff_delay(300, 20) == poller.MAX_BACKOFF_S

    with server:
        server.append(
            mail_samples.plain("dana@acmerobotics.com", "Interview", "We would like to schedule an interview with you.")
        )
        await run_poller_until(lambda: poller.poller_status().state == "ok", poll_seconds=0.02)

    status = poller.poller_status()
    assert status.failures == 0
    assert status.last_success_at is not None
    assert "1 new message" in status.last_summary
    assert stage_of(job) is Stage.PHONE_SCREEN


# ------------------------------------------------------------------------------------------------
# failures are retried and never hold up the rest


class FlakyClassifier(EmailClassifier):
    """The rules, except that messages whose subject says "boom" fail the first `fail_times` times."""

    def __init__(self, fail_times: int) -> None:
        super().__init__(None)
        self.fail_times = fail_times

    async def classify(self, *, sender: str, subject: str, text: str) -> tuple[Verdict, ClassifiedBy]:
        if "boom" in subject and self.fail_times > 0:
            self.fail_times -= 1
            raise RuntimeError("the classifier tripped")
        return await super().classify(sender=sender, subject=subject, text=text)


def store(candidate_id: int, raw: bytes) -> int:
    with db.session_scope() as session:
        message, created = store_message(session, candidate_id, raw, folder="INBOX")
        assert created
        assert message.id is not None
        return message.id


@pytest.mark.asyncio
async def test_a_failed_message_is_retried_and_does_not_block_the_rest(candidate_id: int) -> None:
    job = seed_job("Acme Robotics", "Robotics Engineer")
    broken = store(candidate_id, mail_samples.plain("a@acmerobotics.com", "boom", "We regret to inform you."))
    fine = store(candidate_id, mail_samples.plain("b@acmerobotics.com", "Invite", "Let's schedule an interview."))
    flaky = FlakyClassifier(fail_times=1)

    first = await process_pending(classifier=flaky)

    assert (first.processed, first.failed) == (1, 1)
    stored = messages()
    assert (stored["boom"].status, stored["boom"].attempts) == ("failed", 1)
    assert "RuntimeError: the classifier tripped" in (stored["boom"].error or "")
    assert (stored["Invite"].status, stored["Invite"].action) == ("processed", "moved")
    with db.session_scope() as session:
        assert inbox.review_count(session, candidate_id) == 1

    second = await process_pending(classifier=flaky)

    assert (second.processed, second.failed) == (1, 0)
    stored = messages()
    assert (stored["boom"].status, stored["boom"].attempts, stored["boom"].error) == ("processed", 2, None)
    assert stage_of(job) is Stage.REJECTED
    assert {broken, fine} == {m.id for m in stored.values()}


@pytest.mark.asyncio
async def test_a_message_that_keeps_failing_stops_after_max_attempts(candidate_id: int) -> None:
    store(candidate_id, mail_samples.plain("a@x.example", "boom", "Hello."))
    flaky = FlakyClassifier(fail_times=100)

    for _ in range(actions.MAX_ATTEMPTS + 2):
        await process_pending(classifier=flaky)

    stored = messages()["boom"]
    assert (stored.status, stored.attempts) == ("failed", actions.MAX_ATTEMPTS)
    assert flaky.fail_times == 100 - actions.MAX_ATTEMPTS


# ------------------------------------------------------------------------------------------------
# below the threshold, and the inbox's controls


@pytest.mark.asyncio
async def test_below_the_threshold_nothing_moves_until_the_user_applies(candidate_id: int) -> None:
    job = seed_job("Acme Robotics", "Robotics Engineer")
    message_id = store(
        candidate_id,
        mail_samples.plain("dana@acmerobotics.com", "About your interview", "Let us know about the interview."),
    )

    await process_pending(llm=LLMClient(LLMSettings()))

    stored = messages()["About your interview"]
    assert stored.confidence < 0.6
    assert (stored.job_id, stored.action) == (job, "review")
    assert "below 60%" in stored.action_note
    assert stage_of(job) is Stage.APPLIED
    with db.session_scope() as session:
        assert inbox.email_badges(session, candidate_id) == {job: "review"}
        assert [item.id for item in inbox.list_inbox(session, candidate_id, show=InboxFilter.REVIEW)] == [message_id]
        outcome = actions.apply_action(session, message_id, candidate_id=candidate_id)
    assert outcome.moved
    assert stage_of(job) is Stage.PHONE_SCREEN
    assert history(job)[-1] == ("applied", "phone_screen", "email")
    with db.session_scope() as session:
        assert inbox.email_badges(session, candidate_id) == {job: "moved"}
        assert load_board(session, candidate_id).cards[job].email == "moved"
        assert inbox.list_inbox(session, candidate_id, show=InboxFilter.REVIEW) == []
        item = inbox.list_inbox(session, candidate_id)[0]
        assert (item.can_undo, item.can_apply, item.can_change) == (True, False, False)

        with pytest.raises(InvalidInput, match="undo that move first"):
            actions.set_classification(session, message_id, "rejection", candidate_id=candidate_id)

        actions.undo_action(session, message_id, candidate_id=candidate_id)
    assert stage_of(job) is Stage.APPLIED
    assert history(job)[-1] == ("phone_screen", "applied", "undo")
    stored = messages()["About your interview"]
    assert stored.action == "undone"
    with db.session_scope() as session:
        assert inbox.email_badges(session, candidate_id) == {}
        assert load_board(session, candidate_id).cards[job].email == ""


@pytest.mark.asyncio
async def test_choosing_the_job_of_an_ambiguous_message_then_applying_it(candidate_id: int) -> None:
    data = seed_job("Massive Dynamic", "Data Engineer")
    ml = seed_job("Massive Dynamic", "ML Engineer")
    message_id = store(
        candidate_id,
        mail_samples.plain("recruiting@massivedynamic.com", "Hello", "We would like to schedule a call with you."),
    )
    await process_pending(llm=LLMClient(LLMSettings()))

    with db.session_scope() as session:
        item = inbox.list_inbox(session, candidate_id)[0]
        assert item.needs_review
        assert item.sender == "recruiting@massivedynamic.com"
        assert {choice.value for choice in item.candidates} == {str(data), str(ml)}
        assert not item.can_apply
        with pytest.raises(InvalidInput, match="Choose the job"):
            actions.apply_action(session, message_id, candidate_id=candidate_id)

        actions.choose_job(session, message_id, ml, candidate_id=candidate_id)
        item = inbox.list_inbox(session, candidate_id)[0]
        assert (item.job_id, item.match, item.can_apply) == (str(ml), "user", True)
        actions.apply_action(session, message_id, candidate_id=candidate_id)

    assert stage_of(ml) is Stage.PHONE_SCREEN
    assert stage_of(data) is Stage.APPLIED


@pytest.mark.asyncio
async def test_the_job_picker_offers_open_jobs_and_always_the_chosen_one(candidate_id: int) -> None:
    open_job = seed_job("Acme", "Engineer")
    hired = seed_job("Globex", "Engineer", Stage.HIRED)
    rejected = seed_job("Initech", "Analyst", Stage.REJECTED)
    message_id = store(candidate_id, mail_samples.plain("someone@example.org", "Hello", "A note."))
    await process_pending(llm=LLMClient(LLMSettings()))

    with db.session_scope() as session:
        choices = inbox.job_choices(session, candidate_id)
        assert [(choice.value, choice.label) for choice in choices] == [(str(open_job), "Acme — Engineer · Applied")]
        actions.choose_job(session, message_id, rejected, candidate_id=candidate_id)
        item = next(item for item in inbox.list_inbox(session, candidate_id) if item.id == message_id)
    assert [(choice.value, choice.label) for choice in item.candidates] == [
        (str(rejected), "Initech — Analyst · Rejected")
    ], "a closed job the user chose stays visible in its picker"
    assert str(hired) not in {choice.value for choice in choices}


@pytest.mark.asyncio
async def test_changing_the_class_and_reviewing_an_offer(candidate_id: int) -> None:
    job = seed_job("Initech", "Report Analyst", Stage.INTERVIEWING)
    offer_id = store(
        candidate_id,
        mail_samples.plain("hr@initech.com", "Offer", "We would like to offer you the Report Analyst position."),
    )
    other_id = store(candidate_id, mail_samples.plain("hr@initech.com", "Newsletter", "Read about our culture."))
    await process_pending(llm=LLMClient(LLMSettings()))

    assert stage_of(job) is Stage.OFFER
    assert messages()["Offer"].action == "review"
    with db.session_scope() as session:
        actions.mark_reviewed(session, offer_id, candidate_id=candidate_id)
        assert get_message(session, offer_id).action == "moved"

        # The user says the newsletter was a rejection: it waits for Apply, which rejects the job.
        actions.set_classification(session, other_id, EmailClass.REJECTION, candidate_id=candidate_id)
        changed = get_message(session, other_id)
        assert (changed.classified_by, changed.action) == ("user", "review")
        with pytest.raises(InvalidInput, match="Unknown class"):
            actions.set_classification(session, other_id, "spam", candidate_id=candidate_id)
        actions.apply_action(session, other_id, candidate_id=candidate_id)
    with db.session_scope() as session:
        rejected = jobs.get_job(session, job)
        assert (rejected.stage, rejected.rejection_stage) == ("rejected", "offer")

        # The offer's move is no longer the job's last: it cannot be undone from the inbox.
        with pytest.raises(Exception, match="moved again"):
            actions.undo_action(session, offer_id, candidate_id=candidate_id)


# ------------------------------------------------------------------------------------------------
# parsing: never a crash


def test_an_unknown_charset_and_broken_bytes_are_read_with_replacements() -> None:
    raw = mail_samples.in_charset("a@b.example", "Hi", "Caf\u00e9 ol\u00e9", "iso-8859-1", declared="x-no-such-charset")
    lying = mail_samples.in_charset("a@b.example", "Hi", "Caf\u00e9", "iso-8859-1", declared="utf-8")
    broken = (
        b"From: a@b.example\r\nSubject: x\r\nContent-Type: text/plain; charset=utf-8\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n!!!not base64 at all\xff\xfe\r\n"
    )

    assert parse_message(raw).text.startswith("Caf")
    assert parse_message(lying).text == "Caf\ufffd"
    parse_message(broken)  # no exception
    parse_message(b"\x00\xff garbage with no headers at all")
    parse_message(b"")


def test_a_message_without_a_message_id_gets_a_stable_one() -> None:
    raw = mail_samples.plain("a@b.example", "No id", "Hello.", message_id=None)

    first, second = parse_message(raw), parse_message(raw)
    other = parse_message(mail_samples.plain("a@b.example", "No id", "Hello again.", message_id=None))

    assert first.message_id == second.message_id
    assert first.message_id != other.message_id


def test_html_mail_becomes_text_with_its_lines() -> None:
    parsed = parse_message(
        mail_samples.html_only(
            "a@b.example",
            "x",
            "<p>One &amp; two</p><br><ul><li>three</li></ul><script>evil()</script><img src=x onerror=evil()>",
        )
    )

    assert parsed.text == "One & two\n\nthree"


def test_received_at_comes_from_the_date_header_in_utc() -> None:
    parsed = parse_message(
        mail_samples.plain("a@b.example", "x", "y", date=datetime(2026, 11, 2, 10, 0, tzinfo=UTC) + timedelta(hours=3))
    )

    assert parsed.received_at == datetime(2026, 11, 2, 13, 0, tzinfo=UTC)


@pytest.mark.asyncio
async def test_a_second_mailbox_is_read_from_its_start_even_with_lower_uids(
    imap_server: PymapServer, candidate_id: int, no_llm: LLMClient, tmp_path: Path
) -> None:
    """UIDs compare only within one account's folder and UIDVALIDITY: moving to another server
    must not skip its messages because their UIDs are below the ones already read elsewhere."""
    for number in range(5):
        imap_server.append(mail_samples.plain("a@first.example", f"First server {number}", "Hello."))
    first = await poll_once(imap_server.settings(), llm=no_llm)
    assert first.new == 5
    (tmp_path / "second").mkdir()
    with PymapServer(tmp_path / "second") as second:
        for number in range(8):  # UIDs 101-108: above and below the 105 read from the first server
            second.append(mail_samples.plain("b@second.example", f"Second server {number}", "Hello again."))
        report = await poll_once(second.settings(), llm=no_llm)
    assert report.new == 8
    assert "Second server 0" in messages()


@pytest.mark.asyncio
async def test_an_email_about_a_saved_job_moves_nothing_and_waits_for_the_user(candidate_id: int) -> None:
    """A saved job was not applied to, as far as the board knows: only the user can say whether they
    applied elsewhere or the match is wrong, so even a clear rejection waits in the inbox."""
    job = seed_job("Globex", "Widget Engineer", Stage.SAVED)
    message_id = store(
        candidate_id,
        mail_samples.plain(
            "careers@globex.com",
            "Your application to Globex",
            "Unfortunately, we have decided to move forward with other candidates for the Widget Engineer role.",
        ),
    )

    await process_pending(llm=LLMClient(LLMSettings()))

    stored = messages()["Your application to Globex"]
    assert (stored.classification, stored.job_id, stored.action) == ("rejection", job, "review")
    assert "saved, not applied to yet: if you applied, move it to Applied" in stored.action_note
    assert stage_of(job) is Stage.SAVED
    assert history(job) == []
    with db.session_scope() as session:
        assert [item.id for item in inbox.list_inbox(session, candidate_id, show=InboxFilter.REVIEW)] == [message_id]
