"""The survey assistant in a real browser: screenshots through the file chooser, text read by Tesseract,
answers from the fake language model, edits saved and reopened, bad files refused one by one."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from peregrine import db
from peregrine.config import config_dir
from peregrine.domain.stages import Stage
from peregrine.services import survey, uploads
from tests.browser.conftest import open_board
from tests.browser.helpers import card, seed_job, wait_for_stage
from tests.fakes.openai_server import FakeOpenAIServer
from tests.fakes.survey_images import NOT_AN_IMAGE, bomb_png, gif_image, oversized_png, survey_png, truncated_png

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("clean_db")]


@pytest.fixture(autouse=True)
def fresh_llm(session_llm: FakeOpenAIServer) -> Iterator[FakeOpenAIServer]:
    session_llm.reset()
    yield session_llm
    session_llm.reset()


def suggested(n: int) -> str:
    """An answer long enough to count as one, whatever its question."""
    return f"Suggested answer {n}: I would say so, because it fits how I work."


def queue_answers(server: FakeOpenAIServer, count: int) -> None:
    """The model's answers to the next `count` questions, one call each."""
    for n in range(1, count + 1):
        server.queue_json({"answer": suggested(n), "rationale": f"Why answer {n} fits."})


def survey_url(app_url: str, job_id: int) -> str:
    return f"{app_url}/applications/{job_id}/survey"


def choose_files(page: Page, *paths: Path) -> None:
    choose = page.get_by_role("button", name="Choose screenshots")
    with page.expect_file_chooser() as chooser:
        choose.press("Enter")  # the keyboard's way in
    chooser.value.set_files(list(paths))


def test_a_screenshot_is_read_answered_edited_saved_and_reopened(
    page: Page, app_url: str, fresh_llm: FakeOpenAIServer, tmp_path: Path
) -> None:
    job_id = seed_job("Acme", "Data Engineer", Stage.SURVEY)
    screenshot = tmp_path / "survey.png"
    screenshot.write_bytes(survey_png())

    page.goto(survey_url(app_url, job_id))
    expect(page.get_by_role("heading", name="Survey: Acme — Data Engineer")).to_be_visible(timeout=30_000)
    expect(page.get_by_text("no vision model is set up")).to_be_visible()
    choose_files(page, screenshot)

    read = page.get_by_label("Text read from survey.png (correct it if needed)")
    expect(read).to_have_value(re.compile(r"What motivates you at work\?"), timeout=20_000)
    expect(read).to_have_value(re.compile(r"How do you handle disagreement with a teammate\?"))
    expect(page.get_by_text("Read by Tesseract OCR on this machine.")).to_be_visible()
    read.fill(read.input_value() + "\n4. Anything else we should know?")

    queue_answers(fresh_llm, 4)
    page.get_by_role("button", name="Get suggested answers").click()
    answers = page.get_by_role("region", name="Suggested answers")
    expect(answers.get_by_label(re.compile(r"^Answer to question \d"))).to_have_count(4, timeout=20_000)
    expect(answers).to_contain_text("Why do you want to work at Acme?")
    expect(answers).to_contain_text("Anything else we should know?")
    expect(answers).to_contain_text("Why answer 3 fits.")
    second = answers.get_by_label("Answer to question 2")
    expect(second).to_have_value(suggested(2))
    assert "Acme" in str(fresh_llm.requests[-1]["messages"])

    second.fill("I listen first, then we try both ideas on a small scale.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="Saved.")).to_be_visible()

    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.get_by_role("button", name="Copy answer 2").click()
    assert page.evaluate("navigator.clipboard.readText()") == "I listen first, then we try both ideas on a small scale."
    page.get_by_role("button", name="Copy all answers").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith(f"1. Why do you want to work at Acme?\n{suggested(1)}\n\n2. ")
    assert "I listen first" in copied

    page.reload()
    second = page.get_by_label("Answer to question 2")
    expect(second).to_have_value("I listen first, then we try both ideas on a small scale.", timeout=30_000)
    expect(page.get_by_label("Text read from survey.png (correct it if needed)")).to_have_value(
        re.compile(r"4\. Anything else we should know\?$")
    )
    with db.session_scope() as session:
        (saved,) = survey.surveys_of(session, job_id)
        assert saved.questions[1]["answer"] == "I listen first, then we try both ideas on a small scale."

    page.get_by_role("button", name="Done — move to Phone screen").click()
    expect(page.get_by_role("status").filter(has_text="the job moved to Phone screen")).to_be_visible()
    wait_for_stage(job_id, Stage.PHONE_SCREEN)
    # Past Survey, Done no longer promises a move.
    expect(page.get_by_role("button", name="Done", exact=True)).to_be_visible()
    expect(page.get_by_text("This job is in Phone screen, not Survey")).to_be_visible()


BAD_FILES: dict[str, tuple[bytes, str]] = {
    "renamed.png": (NOT_AN_IMAGE, "renamed.png: it is not a PNG, JPEG or WebP image"),
    "empty.png": (b"", "empty.png: the file is empty (0 bytes)"),
    "cut.png": (truncated_png(), "cut.png: the image is truncated or damaged"),
    "bomb.png": (bomb_png(), "bomb.png: the image is 8,000 \u00d7 8,000 pixels"),
    "huge.png": (oversized_png(), "huge.png: the file is 10,485,761 bytes, over the limit of 10 MB"),
    "animation.gif": (gif_image(), "animation.gif: it is a GIF image; only PNG, JPEG and WebP images are accepted"),
}


def test_each_bad_file_gets_its_message_and_the_good_one_goes_through(page: Page, app_url: str, tmp_path: Path) -> None:
    job_id = seed_job("Acme", "Data Engineer", Stage.SURVEY)
    paths = []
    for name, (data, _) in BAD_FILES.items():
        paths.append(tmp_path / name)
        paths[-1].write_bytes(data)
    good = tmp_path / "good.png"
    good.write_bytes(survey_png())

    page.goto(survey_url(app_url, job_id))
    expect(page.get_by_role("button", name="Choose screenshots")).to_be_visible(timeout=30_000)
    choose_files(page, *paths[:3], good, *paths[3:])

    refused = page.get_by_role("alert").filter(has_text="Not added")
    for _, message in BAD_FILES.values():
        expect(refused).to_contain_text(message)
    expect(page.get_by_label("Text read from good.png (correct it if needed)")).to_have_value(
        re.compile("Why do you want to work at Acme"), timeout=20_000
    )
    expect(page.get_by_role("list", name="Screenshots").get_by_role("listitem")).to_have_count(1)


def test_the_card_and_the_job_page_link_to_the_survey(page: Page, app_url: str) -> None:
    job_id = seed_job("Globex", "Analyst", Stage.SURVEY)
    open_board(page, app_url)
    card(page, "Globex", "Analyst").get_by_role("link", name="Open survey of Globex — Analyst").click()
    expect(page).to_have_url(survey_url(app_url, job_id))
    expect(page.get_by_role("heading", name="Survey: Globex — Analyst")).to_be_visible(timeout=30_000)

    page.goto(f"{app_url}/applications/{job_id}")
    page.get_by_role("link", name="Survey assistant").click()
    expect(page).to_have_url(survey_url(app_url, job_id))


def test_a_failed_empty_or_off_topic_answer_fails_its_question_alone_and_is_retried_alone(
    page: Page, app_url: str, fresh_llm: FakeOpenAIServer
) -> None:
    job_id = seed_job("Acme", "Data Engineer", Stage.SURVEY)
    page.goto(survey_url(app_url, job_id))
    pasted = page.get_by_label("Paste the survey's questions")
    pasted.fill("1. Why Acme?\n2. Why now?\n3. What motivates you?")
    fresh_llm.fail_next(status=500, message="model overloaded")  # question 1's call...
    fresh_llm.queue_json({})  # ...takes the next queued answer with it, as the fake does
    fresh_llm.queue_json({})  # question 2: an answer that says nothing
    fresh_llm.queue_json({"answer": suggested(3), "rationale": "Fits."})
    page.get_by_role("button", name="Get suggested answers").click()

    answers = page.get_by_role("region", name="Suggested answers")
    questions = answers.get_by_role("listitem")
    expect(page.get_by_label("Answer to question 3")).to_have_value(suggested(3), timeout=20_000)
    expect(questions.nth(0).get_by_role("alert")).to_contain_text("model overloaded")
    expect(questions.nth(1).get_by_role("alert")).to_contain_text("The language model's answer was empty.")
    expect(questions.nth(2).get_by_role("alert")).to_have_count(0)
    expect(pasted).to_have_value("1. Why Acme?\n2. Why now?\n3. What motivates you?")

    fresh_llm.queue_json({"answer": "example", "rationale": "example"})
    page.get_by_role("button", name="Retry question 2").click()
    expect(questions.nth(1).get_by_role("alert")).to_contain_text("not about this question", timeout=20_000)
    fresh_llm.queue_json({"answer": "Now is when my telemetry work fits your roadmap.", "rationale": "Timing."})
    page.get_by_role("button", name="Retry question 2").click()
    expect(page.get_by_label("Answer to question 2")).to_have_value(
        "Now is when my telemetry work fits your roadmap.", timeout=20_000
    )
    fresh_llm.queue_json({"answer": "Acme's telemetry work is what I do best.", "rationale": "Fits."})
    page.get_by_role("button", name="Retry question 1").click()
    expect(page.get_by_label("Answer to question 1")).to_have_value(
        "Acme's telemetry work is what I do best.", timeout=20_000
    )
    expect(answers.get_by_role("alert")).to_have_count(0)
    expect(page.get_by_label("Answer to question 3")).to_have_value(suggested(3))
    page.reload()
    expect(page.get_by_label("Answer to question 2")).to_have_value(
        "Now is when my telemetry work fits your roadmap.", timeout=30_000
    )


def test_the_free_tier_shows_an_upgrade_notice(page: Page, app_url: str) -> None:
    job_id = seed_job("Acme", "Data Engineer", Stage.SURVEY)
    user_file = Path(config_dir()) / "user.yaml"
    user_file.write_text("tier: free\n", encoding="utf-8")
    try:
        page.goto(survey_url(app_url, job_id))
        expect(page.get_by_role("status").filter(has_text="part of the paid tier")).to_be_visible(timeout=30_000)
        expect(page.get_by_role("button", name="Choose screenshots")).to_have_count(0)
    finally:
        user_file.unlink()
    page.reload()
    expect(page.get_by_role("button", name="Choose screenshots")).to_be_visible(timeout=30_000)


def test_a_screenshot_left_unread_by_a_restart_is_read_on_opening(page: Page, app_url: str) -> None:
    """The upload was stored, then the backend stopped before reading it: opening the survey reads it."""
    job_id = seed_job("Initech", "Analyst", Stage.SURVEY)
    with db.session_scope() as session:
        stored = survey.start_survey(session, job_id)
        survey.add_images(session, stored.id or 0, [replace(uploads.check_image(survey_png()), name="left.png")])

    page.goto(survey_url(app_url, job_id))

    read = page.get_by_label("Text read from left.png (correct it if needed)")
    expect(read).to_have_value(re.compile(r"What motivates you at work\?"), timeout=30_000)
    expect(page.get_by_text("Read by Tesseract OCR on this machine.")).to_be_visible()
