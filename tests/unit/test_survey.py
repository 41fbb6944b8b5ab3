"""The survey assistant end to end: real screenshots read by Tesseract or by a vision model (the fake
OpenAI-compatible server), answers from the fake server, a real SQLite file, the move through move_job."""

from __future__ import annotations

import asyncio
import base64
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytesseract
import pytest
from sqlmodel import Session, select

from peregrine import config, db
from peregrine.config import UserProfile
from peregrine.domain.stages import Stage
from peregrine.integrations import ocr
from peregrine.llm.client import LLMClient
from peregrine.models import Candidate, ExperienceProject, StageEvent
from peregrine.services import jobs, survey, tasks, uploads
from peregrine.services.errors import InvalidInput
from tests.factories import new_job
from tests.fakes.openai_server import FakeOpenAIServer
from tests.fakes.survey_images import survey_png

PROFILE = UserProfile(name="Ada Lovelace", headline="Backend engineer who likes calm on-call rotations")
JD = "Acme builds rockets. You will own the telemetry pipeline."
QUESTIONS = (
    "Why do you want to work at Acme?",
    "How do you handle disagreement with a teammate?",
    "What motivates you at work?",
)


def answer_text(n: int, tag: str = "") -> str:
    """An answer long enough to count as one, whatever its question (see `answer_problem`)."""
    return f"Answer {n}{tag}: I would say so, because it fits the way I like to work."


def queue_answers(server: FakeOpenAIServer, count: int, tag: str = "") -> None:
    """The model's answers to the next `count` questions, one call each."""
    for n in range(1, count + 1):
        server.queue_json({"answer": answer_text(n, tag), "rationale": f"Fits the role ({n})."})


def job_in_survey(session: Session, candidate: Candidate, *, stage: Stage = Stage.SURVEY) -> int:
    return new_job(session, candidate.id, title="Data Engineer", raw_jd_text=JD, stage=stage, walk=False)


def survey_with_screenshot(session: Session, job_id: int, png: bytes | None = None, pasted: str = "") -> int:
    started = survey.start_survey(session, job_id, pasted_text=pasted)
    checked = uploads.check_uploads([("survey.png", io.BytesIO(png or survey_png()))])
    assert not checked.refused
    added, refused = survey.add_images(session, started.id or 0, checked.accepted)
    assert (added, refused) == (1, [])
    session.commit()
    return started.id or 0


def stored(survey_id: int) -> Any:
    with db.session_scope() as session:
        return survey.get_survey(session, survey_id)


def run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)


def user_text(request: dict[str, Any]) -> str:
    return "\n".join(str(m["content"]) for m in request["messages"] if m["role"] == "user")


def test_ocr_reads_a_rendered_screenshot_and_the_model_answers_each_question(
    session: Session, candidate: Candidate, fake_llm: FakeOpenAIServer, llm_config_dir: Callable[..., Path]
) -> None:
    llm_config_dir(fake_llm, timeout_s=10)  # no vision backend: Tesseract reads the screenshot
    assert candidate.id is not None
    session.add(ExperienceProject(candidate_id=candidate.id, name="Telemetry rewrite", results="Alerts cut by 80%"))
    job_id = job_in_survey(session, candidate)
    survey_id = survey_with_screenshot(session, job_id)

    assert run(survey.read_images(survey_id, llm=LLMClient())) == 1

    image = stored(survey_id).images[0]
    assert image["reader"] == survey.READER_OCR
    assert image["error"] == ""
    for question in QUESTIONS:
        assert question in image["text"]
    assert fake_llm.requests == []  # OCR needs no model

    queue_answers(fake_llm, 3)
    answered = run(survey.suggest_answers(survey_id, llm=LLMClient(), profile=PROFILE))

    assert [item["question"] for item in answered] == list(QUESTIONS)
    assert [item["answer"] for item in answered] == [answer_text(n) for n in (1, 2, 3)]
    assert answered[0]["rationale"] == "Fits the role (1)."
    assert [item["error"] for item in answered] == ["", "", ""]
    assert len(fake_llm.requests) == 3, "one call per question"
    for number, (request, question) in enumerate(zip(fake_llm.requests, QUESTIONS, strict=True), start=1):
        sent = user_text(request)
        assert question in sent
        assert f"Question {number} of the survey's 3" in sent
        assert all(other not in sent for other in QUESTIONS if other != question)
        for expected in ("Ada Lovelace", PROFILE.headline, "Data Engineer at Acme", JD, "Telemetry rewrite"):
            assert expected in sent
        assert request["max_tokens"] == 300
    saved = stored(survey_id)
    assert saved.status == survey.ANSWERED
    assert saved.questions == answered


def test_a_dark_mode_screenshot_is_read_too(
    session: Session, candidate: Candidate, fake_llm: FakeOpenAIServer, llm_config_dir: Callable[..., Path]
) -> None:
    llm_config_dir(fake_llm)
    survey_id = survey_with_screenshot(session, job_in_survey(session, candidate), survey_png(dark=True))
    run(survey.read_images(survey_id, llm=LLMClient()))
    assert "How do you handle disagreement with a teammate?" in stored(survey_id).images[0]["text"]


def test_a_vision_backend_gets_the_image_as_a_data_url_and_ocr_is_not_used(
    session: Session,
    candidate: Candidate,
    fake_llm: FakeOpenAIServer,
    llm_config_dir: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    llm_config_dir(fake_llm, vision=True)

    def no_ocr(*_: object, **__: object) -> str:
        raise AssertionError("OCR must not run when a vision model is configured")

    monkeypatch.setattr(ocr, "read_text", no_ocr)
    png = survey_png()
    survey_id = survey_with_screenshot(session, job_in_survey(session, candidate), png)
    fake_llm.queue_json({"text": "1. Where do you see yourself in five years?\n( ) Here\n( ) Elsewhere"})

    assert run(survey.read_images(survey_id, llm=LLMClient())) == 1

    parts = fake_llm.requests[-1]["messages"][-1]["content"]
    image_parts = [part for part in parts if part["type"] == "image_url"]
    assert len(image_parts) == 1
    url = image_parts[0]["image_url"]["url"]
    assert url.startswith("data:image/png;base64,")
    assert base64.b64decode(url.split(",", 1)[1]) == png
    image = stored(survey_id).images[0]
    assert image["reader"] == survey.READER_VISION
    assert image["text"].startswith("1. Where do you see yourself in five years?")


def test_when_the_vision_model_fails_tesseract_reads_it_and_the_page_is_told(
    session: Session, candidate: Candidate, fake_llm: FakeOpenAIServer, llm_config_dir: Callable[..., Path]
) -> None:
    llm_config_dir(fake_llm, vision=True)
    survey_id = survey_with_screenshot(session, job_in_survey(session, candidate))
    fake_llm.fail_next(status=500, message="vision model overloaded")

    run(survey.read_images(survey_id, llm=LLMClient()))

    image = stored(survey_id).images[0]
    assert image["reader"] == survey.READER_OCR
    assert "What motivates you at work?" in image["text"]
    assert "vision model overloaded" in image["note"]


def test_an_ocr_failure_keeps_the_image_and_the_pasted_text_and_a_retry_reads_it(
    session: Session,
    candidate: Candidate,
    fake_llm: FakeOpenAIServer,
    llm_config_dir: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    llm_config_dir(fake_llm)
    job_id = job_in_survey(session, candidate)
    survey_id = survey_with_screenshot(session, job_id, pasted="0. Are you authorised to work in the EU?")
    with monkeypatch.context() as patch:
        patch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
        assert run(survey.read_images(survey_id, llm=LLMClient())) == 0

    failed = stored(survey_id)
    assert "Tesseract (local OCR) is not installed" in failed.images[0]["error"]
    assert survey.needs_reading(failed.images[0])
    assert failed.pasted_text == "0. Are you authorised to work in the EU?"
    assert survey.image_path(job_id, failed.images[0]["stored_as"]).is_file()

    assert run(survey.read_images(survey_id, llm=LLMClient())) == 1
    read = stored(survey_id).images[0]
    assert read["error"] == ""
    assert "Why do you want to work at Acme?" in read["text"]


def test_a_model_failure_keeps_everything_and_says_why(
    session: Session, candidate: Candidate, fake_llm: FakeOpenAIServer, llm_config_dir: Callable[..., Path]
) -> None:
    llm_config_dir(fake_llm)
    survey_id = survey_with_screenshot(session, job_in_survey(session, candidate), pasted="Why now?")
    run(survey.read_images(survey_id, llm=LLMClient()))
    queue_answers(fake_llm, 4, " first")
    run(survey.suggest_answers(survey_id, llm=LLMClient(), profile=PROFILE))
    before = stored(survey_id)

    fake_llm.fail_next(status=500, times=4, message="model overloaded")
    run(survey.suggest_answers(survey_id, llm=LLMClient(), profile=PROFILE))

    after = stored(survey_id)
    assert "No question was answered" in after.error
    assert "model overloaded" in after.error
    assert (after.pasted_text, after.images) == (before.pasted_text, before.images)
    assert [q["answer"] for q in after.questions] == [q["answer"] for q in before.questions], "earlier answers stay"
    assert all("model overloaded" in q["error"] for q in after.questions)

    queue_answers(fake_llm, 4, " second")
    run(survey.suggest_answers(survey_id, llm=LLMClient(), profile=PROFILE))
    retried = stored(survey_id)
    assert retried.error == ""
    assert retried.questions[0]["question"] == "Why now?"
    assert retried.questions[3]["answer"] == answer_text(4, " second")
    assert [q["error"] for q in retried.questions] == ["", "", "", ""]


def test_no_text_no_answers(session: Session, candidate: Candidate, fake_llm: FakeOpenAIServer) -> None:
    started = survey.start_survey(session, job_in_survey(session, candidate))
    session.commit()
    with pytest.raises(InvalidInput, match="no survey text yet"):
        run(survey.suggest_answers(started.id or 0, llm=LLMClient(), profile=PROFILE))
    assert fake_llm.requests == []


def test_corrections_and_edited_answers_are_saved_and_reopened(
    session: Session, candidate: Candidate, fake_llm: FakeOpenAIServer, llm_config_dir: Callable[..., Path]
) -> None:
    llm_config_dir(fake_llm)
    job_id = job_in_survey(session, candidate)
    survey_id = survey_with_screenshot(session, job_id)
    run(survey.read_images(survey_id, llm=LLMClient()))
    stored_as = stored(survey_id).images[0]["stored_as"]
    with db.session_scope() as edit:
        survey.save_survey(edit, survey_id, image_texts={stored_as: "1. Corrected question one?\n2. And two?"})
    queue_answers(fake_llm, 2)
    run(survey.suggest_answers(survey_id, llm=LLMClient(), profile=PROFILE))
    with db.session_scope() as edit:
        survey.save_survey(edit, survey_id, pasted_text="  pasted  ", answers=["My own words.", "Line one\nline two"])

    with db.session_scope() as check:
        (reopened,) = survey.surveys_of(check, job_id)
        assert reopened.pasted_text == "pasted"
        assert reopened.images[0]["text"] == "1. Corrected question one?\n2. And two?"
        assert [q["question"] for q in reopened.questions] == ["Corrected question one?", "And two?"]
        assert [q["answer"] for q in reopened.questions] == ["My own words.", "Line one\nline two"]
        with pytest.raises(InvalidInput, match="questions changed"):
            survey.save_survey(check, survey_id, answers=["only one"])


def test_screenshots_are_stored_under_the_data_folder_with_generated_names(
    session: Session, candidate: Candidate
) -> None:
    job_id = job_in_survey(session, candidate)
    survey_id = survey_with_screenshot(session, job_id)
    image = stored(survey_id).images[0]
    path = survey.image_path(job_id, image["stored_as"])
    assert path.parent == config.data_dir() / "uploads" / "surveys" / str(job_id)
    assert image["name"] == "survey.png"
    assert path.name != "survey.png"
    assert path.read_bytes() == survey_png()

    with db.session_scope() as edit:
        survey.remove_image(edit, survey_id, image["stored_as"])
    assert not path.exists()
    assert stored(survey_id).images == []


def test_done_moves_the_job_from_survey_to_phone_screen_through_move_job(
    session: Session, candidate: Candidate
) -> None:
    job_id = job_in_survey(session, candidate)
    started = survey.start_survey(session, job_id, pasted_text="Why Acme?")
    session.commit()

    with db.session_scope() as finish:
        result = survey.finish_survey(finish, started.id or 0)

    assert result.moved
    assert "moved to Phone screen" in result.message
    with db.session_scope() as check:
        assert jobs.get_job(check, job_id).stage == Stage.PHONE_SCREEN
        last = check.exec(select(StageEvent).where(StageEvent.job_id == job_id)).all()[-1]
        assert (last.from_stage, last.to_stage, last.source) == ("survey", "phone_screen", "survey")
        assert result.queued_task_id is not None  # entering Phone screen queues the company research
        assert tasks.latest_task(check, tasks.TaskKind.COMPANY_RESEARCH, job_id) is not None
        assert survey.get_survey(check, started.id or 0).status == survey.DONE


def test_done_on_a_job_that_left_survey_says_so_and_moves_nothing(session: Session, candidate: Candidate) -> None:
    job_id = job_in_survey(session, candidate, stage=Stage.INTERVIEWING)
    started = survey.start_survey(session, job_id)
    session.commit()

    with db.session_scope() as finish:
        result = survey.finish_survey(finish, started.id or 0)

    assert not result.moved
    assert result.message == ("Survey marked done. The job is in Interviewing, not Survey, so it stays where it is.")
    with db.session_scope() as check:
        assert jobs.get_job(check, job_id).stage == Stage.INTERVIEWING
        assert survey.get_survey(check, started.id or 0).status == survey.DONE


def test_a_correction_never_overwrites_a_screenshot_not_read_yet(session: Session, candidate: Candidate) -> None:
    survey_id = survey_with_screenshot(session, job_in_survey(session, candidate))
    stored_as = stored(survey_id).images[0]["stored_as"]
    with db.session_scope() as edit:  # the page still shows it as "Reading…", with an empty box
        survey.save_survey(edit, survey_id, image_texts={stored_as: "", "gone.png": "removed meanwhile"})
    assert stored(survey_id).images[0]["text"] == ""
    assert survey.needs_reading(stored(survey_id).images[0])
