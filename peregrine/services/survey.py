"""The survey assistant: pasted text or screenshots in, suggested answers out.

A survey belongs to a job and is saved as it goes: the pasted text, each screenshot (checked by
`services.uploads`, stored under `<data dir>/uploads/surveys/<job id>/` with a generated name,
with the text read from it), and the questions with their answers. Screenshots are read by the
configured vision model when one is marked `vision: true`, else by Tesseract on this machine;
each image records which reader read it. A failure (OCR or model) is written beside what it
concerns and never removes an image, the pasted text or earlier answers, so a retry can follow.
Each question is answered by a call of its own and saved as it comes, so one failed or empty answer
costs that question alone, which keeps its earlier answer, shows why, and can be retried by itself.
"Done" finishes the survey and moves the job from Survey to Phone screen through `move_job`.
Without a language model, `list_questions` puts the split questions on the survey with empty
answers, for the user to write them there.

The async functions here run on the event loop of the pages: their database and file work goes to
worker threads, and local OCR to one thread for the whole process (it decodes the full image).
"""

from __future__ import annotations

import asyncio
import logging
import re
import uuid
from collections.abc import Awaitable, Callable, Collection
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from peregrine import config, db
from peregrine.config import UserProfile, user_profile
from peregrine.domain import limits
from peregrine.domain.dates import local_moment
from peregrine.domain.stages import MoveSource, Stage
from peregrine.domain.survey_questions import MAX_QUESTIONS, answer_problem, split_questions
from peregrine.integrations import ocr
from peregrine.llm.client import LLMClient, LLMUnavailable, get_llm_client
from peregrine.llm.prompts import survey as prompts
from peregrine.models import SurveyResponse, utcnow
from peregrine.services import jobs
from peregrine.services.errors import InvalidInput, NotFound, check_length
from peregrine.services.prep import projects_json
from peregrine.services.uploads import ACCEPTED, CheckedImage, Refusal

log = logging.getLogger("peregrine.survey")

NO_SURVEY_TEXT = "There is no survey text yet: paste the questions or add a screenshot first."

DRAFT, ANSWERED, DONE = "draft", "answered", "done"
READER_VISION, READER_OCR = "vision", "ocr"
READER_LABELS = {READER_VISION: "the vision model", READER_OCR: "Tesseract OCR on this machine"}
MAX_IMAGES_PER_SURVEY = 20
MAX_PASTED_CHARS = limits.SURVEY_PASTED
MAX_IMAGE_TEXT_CHARS = limits.SURVEY_IMAGE_TEXT
MAX_ANSWER_CHARS = limits.SURVEY_ANSWER
MAX_RATIONALE_CHARS = 300

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MIME_BY_EXTENSION = {extension: mime for mime, extension in ACCEPTED.values()}
#: Local OCR reads one screenshot at a time in the process: it decodes the whole image (up to
#: 40 MP, ~160 MB, more while it is flattened and turned gray) and Tesseract is single-threaded,
#: so more at once would only share the two cores and multiply the memory.
_ocr_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="peregrine-ocr")


# ----------------------------------------------------------------------------- files
def upload_dir(job_id: int) -> Path:
    return config.data_dir() / "uploads" / "surveys" / str(job_id)


def image_path(job_id: int, stored_as: str) -> Path:
    """Where a stored screenshot lives; `stored_as` is a generated name, never a path from a user."""
    return upload_dir(job_id) / Path(stored_as).name


def _store(job_id: int, image: CheckedImage) -> str:
    folder = config.private_dir(upload_dir(job_id))  # 0700 folders, a 0600 file: the owner's only
    stored_as = f"{uuid.uuid4().hex}.{image.extension}"
    config.write_private(folder / stored_as, image.data)
    return stored_as


# ----------------------------------------------------------------------------- reading and saving
def surveys_of(session: Session, job_id: int) -> list[SurveyResponse]:
    """A job's saved surveys, newest first."""
    return list(
        session.exec(
            select(SurveyResponse).where(SurveyResponse.job_id == job_id).order_by(col(SurveyResponse.id).desc())
        )
    )


def get_survey(session: Session, survey_id: int) -> SurveyResponse:
    found = session.get(SurveyResponse, survey_id)
    if found is None:
        raise NotFound(f"Survey {survey_id} was not found.")
    return found


def start_survey(session: Session, job_id: int, *, pasted_text: str = "") -> SurveyResponse:
    jobs.get_job(session, job_id)
    check_length("The pasted text is", pasted_text, MAX_PASTED_CHARS)
    survey = SurveyResponse(job_id=job_id, pasted_text=_plain(pasted_text, MAX_PASTED_CHARS))
    session.add(survey)
    session.flush()
    return survey


def save_survey(
    session: Session,
    survey_id: int,
    *,
    pasted_text: str | None = None,
    image_texts: dict[str, str] | None = None,
    answers: list[str] | None = None,
) -> SurveyResponse:
    """Keep what the user typed: the pasted text, corrected screenshot texts (by `stored_as`) and edited
    answers (by position). A text for a screenshot not read yet is ignored: its reader writes it."""
    survey = get_survey(session, survey_id)
    # What the user typed is refused when too long, never cut (what a reader or the model wrote is cut).
    if pasted_text is not None:
        check_length("The pasted text is", pasted_text, MAX_PASTED_CHARS)
    for text in (image_texts or {}).values():
        check_length("The text of a screenshot is", text, MAX_IMAGE_TEXT_CHARS)
    for number, answer in enumerate(answers or [], start=1):
        check_length(f"The answer to question {number} is", answer, MAX_ANSWER_CHARS)
    if pasted_text is not None:
        survey.pasted_text = _plain(pasted_text, MAX_PASTED_CHARS)
    if image_texts:
        survey.images = [
            {**image, "text": _plain(image_texts[image["stored_as"]], MAX_IMAGE_TEXT_CHARS)}
            if image["stored_as"] in image_texts and not needs_reading(image)
            else image
            for image in survey.images
        ]
    if answers is not None:
        if len(answers) != len(survey.questions):
            raise InvalidInput("The questions changed meanwhile; reload the page and edit the answers again.")
        survey.questions = [
            {**question, "answer": _plain(answer, MAX_ANSWER_CHARS)}
            for question, answer in zip(survey.questions, answers, strict=True)
        ]
    _touch(session, survey)
    return survey


def add_images(session: Session, survey_id: int, images: list[CheckedImage]) -> tuple[int, list[Refusal]]:
    """Store checked screenshots with the survey (text to be read); how many were added, and which were not."""
    survey = get_survey(session, survey_id)
    room = MAX_IMAGES_PER_SURVEY - len(survey.images)
    refused = [
        Refusal(image.name, f"a survey holds at most {MAX_IMAGES_PER_SURVEY} screenshots; start a new survey for more")
        for image in images[max(room, 0) :]
    ]
    added = [
        {"name": image.name, "stored_as": _store(survey.job_id, image), **_read_result()}
        for image in images[: max(room, 0)]
    ]
    if added:
        survey.images = [*survey.images, *added]
        _touch(session, survey)
    return len(added), refused


def remove_image(session: Session, survey_id: int, stored_as: str) -> SurveyResponse:
    survey = get_survey(session, survey_id)
    kept = [image for image in survey.images if image["stored_as"] != stored_as]
    if len(kept) == len(survey.images):
        raise NotFound("That screenshot is no longer in this survey.")
    survey.images = kept
    _touch(session, survey)
    image_path(survey.job_id, stored_as).unlink(missing_ok=True)
    return survey


def survey_questions(survey: SurveyResponse) -> list[str]:
    """The questions of the pasted text, then of each screenshot (each source split on its own, so a
    screenshot's title line is never taken for an answer option of the question before it)."""
    sources = [survey.pasted_text, *(str(image.get("text", "")) for image in survey.images)]
    return [question for source in sources for question in split_questions(source)][:MAX_QUESTIONS]


def list_questions(session: Session, survey_id: int) -> SurveyResponse:
    """The survey's questions with answer boxes for the user to fill, no model asked: an answer
    already given to the same question stays, one no question has any more goes."""
    survey = get_survey(session, survey_id)
    _relist(survey)
    _touch(session, survey)
    return survey


def _relist(survey: SurveyResponse) -> int:
    """Put the survey's questions, as its text has them now, on it (each with the answer it already had,
    by its text); how many there are."""
    questions = survey_questions(survey)
    if not questions:
        raise InvalidInput(NO_SURVEY_TEXT)
    earlier = {str(item["question"]): item for item in survey.questions}
    survey.questions = [
        {
            "question": question,
            "answer": str(earlier.get(question, {}).get("answer", "")),
            "rationale": str(earlier.get(question, {}).get("rationale", "")),
            "error": "",
        }
        for question in questions
    ]
    survey.error = ""
    return len(questions)


def needs_reading(image: dict[str, Any]) -> bool:
    """Not read yet, or the last read failed."""
    return not image.get("reader") or bool(image.get("error"))


def reader_plan(client: LLMClient | None = None) -> str:
    """Which reader will read the next screenshots, in a sentence for the page."""
    vision = (client or get_llm_client()).settings.vision_backends
    if vision:
        names = ", ".join(backend.name for backend in vision)
        return f"Screenshots are read by your vision model ({names}); Tesseract OCR steps in if it does not answer."
    return "Screenshots are read by Tesseract OCR on this machine (no vision model is set up in config/llm.yaml)."


def survey_label(survey: SurveyResponse) -> str:
    count = len(survey.questions)
    what = f"{count} question{'s' if count != 1 else ''}" if count else "no answers yet"
    return f"{local_moment(survey.created_at)} · {what} · {survey.status}"


# ----------------------------------------------------------------------------- reading screenshots
async def read_images(survey_id: int, *, llm: LLMClient | None = None, only: Collection[str] | None = None) -> int:
    """Read every screenshot that is not read yet or failed last time (of those stored as `only`, if
    given); how many were read. Each result is saved as soon as it is known, on its image.
    """
    client = llm or get_llm_client()
    job_id, waiting = await asyncio.to_thread(_waiting_images, survey_id, only)
    read = 0
    for image in waiting:
        result = await _read_one(client, image_path(job_id, image["stored_as"]))
        await asyncio.to_thread(_save_read_result, survey_id, image["stored_as"], result)
        read += not result["error"]
    return read


def _waiting_images(survey_id: int, only: Collection[str] | None) -> tuple[int, list[dict[str, Any]]]:
    with db.session_scope() as session:
        survey = get_survey(session, survey_id)
        waiting = [
            dict(image)
            for image in survey.images
            if needs_reading(image) and (only is None or image["stored_as"] in only)
        ]
        return survey.job_id, waiting


def _save_read_result(survey_id: int, stored_as: str, result: dict[str, str]) -> None:
    with db.session_scope() as session:
        survey = get_survey(session, survey_id)
        survey.images = [
            {**stored, **result} if stored["stored_as"] == stored_as else stored for stored in survey.images
        ]
        _touch(session, survey)


async def _read_one(client: LLMClient, path: Path) -> dict[str, str]:
    """{text, reader, error, note} for one stored screenshot; never raises for a reader's failure."""
    if not await asyncio.to_thread(path.is_file):
        return _read_result(error="The stored file is missing; remove it and upload it again.")
    vision_failure = ""
    if client.settings.vision_backends:
        try:
            return _read_result(text=await _read_with_vision(client, path), reader=READER_VISION)
        except LLMUnavailable as exc:
            log.warning("survey: the vision model could not read %s: %s", path.name, exc)
            vision_failure = f"The vision model did not read it ({exc})"
    try:
        text = await asyncio.get_running_loop().run_in_executor(_ocr_thread, ocr.read_text, path)
    except ocr.OCRError as exc:
        return _read_result(error=f"{vision_failure}, and local OCR failed too: {exc}" if vision_failure else str(exc))
    note = f"{vision_failure}; Tesseract read it instead." if vision_failure else ""
    return _read_result(text=_plain(text, MAX_IMAGE_TEXT_CHARS), reader=READER_OCR, note=note)


def _read_result(*, text: str = "", reader: str = "", error: str = "", note: str = "") -> dict[str, str]:
    return {"text": text, "reader": reader, "error": error, "note": note}


async def _read_with_vision(client: LLMClient, path: Path) -> str:
    mime = _MIME_BY_EXTENSION.get(path.suffix.lstrip(".").lower(), "image/png")
    # Up to 10 MB read and base64-encoded: milliseconds the event loop should not spend.
    data_url = await asyncio.to_thread(lambda: prompts.image_data_url(path.read_bytes(), mime))
    answer = await client.structured(prompts.ScreenshotText, prompts.transcription_messages(data_url), vision=True)
    return _plain(answer.text, MAX_IMAGE_TEXT_CHARS)


# ----------------------------------------------------------------------------- answering
#: Called after each answer is saved, with the question's index (the page shows it at once).
OnAnswer = Callable[[int], Awaitable[None]]


async def suggest_answers(
    survey_id: int,
    *,
    llm: LLMClient | None = None,
    profile: UserProfile | None = None,
    only: int | None = None,
    on_answer: OnAnswer | None = None,
) -> list[dict[str, str]]:
    """Answer the survey's questions, each by a call of its own, saving each answer as it comes.

    Without `only`, the survey's questions are listed afresh from its text (an answer already given
    to the same question stays until a new one replaces it) and every one is asked; with `only`, the
    question at that index alone (its *Retry this question*). A question whose call fails, or whose
    answer is empty or not about it (`answer_problem`), keeps its earlier answer and gets the reason,
    and the others go on. When no question got an answer the survey says so too (shown with a Retry).

    Returns the survey's questions as saved. Raises `InvalidInput` when there are no questions (or
    no question `only`), and `LLMUnavailable` when no language model is configured (said on the
    survey too).
    """
    who = profile or user_profile()
    client = llm or get_llm_client()
    indices = await asyncio.to_thread(_start_answering, survey_id, only)
    errors: list[str] = []
    for index in indices:
        question, messages = await asyncio.to_thread(_answer_prompt, survey_id, index, who)
        try:
            answer = await client.structured(prompts.SuggestedAnswer, messages)
        except LLMUnavailable as exc:
            if exc.nothing_configured:
                await asyncio.to_thread(_set_survey_error, survey_id, str(exc))
                raise
            result = {"error": str(exc)}
        else:
            result = _checked_answer(question, answer)
        if result.get("error"):
            errors.append(result["error"])
        await asyncio.to_thread(_save_answer, survey_id, index, question, result)
        if on_answer is not None:
            await on_answer(index)
    failed_all = len(errors) == len(indices) and only is None
    return await asyncio.to_thread(
        _set_survey_error, survey_id, f"No question was answered: {errors[0]}" if failed_all else ""
    )


def _checked_answer(question: str, answer: prompts.SuggestedAnswer) -> dict[str, str]:
    """The model's answer as stored, or only the reason it is no answer to `question`."""
    text = _plain(answer.answer, MAX_ANSWER_CHARS)
    problem = answer_problem(question, text)
    if problem:
        return {"error": problem}
    return {"answer": text, "rationale": " ".join(_plain(answer.rationale, MAX_RATIONALE_CHARS).split()), "error": ""}


def _start_answering(survey_id: int, only: int | None) -> list[int]:
    """The indices of the questions to answer; a full run lists the questions afresh first."""
    with db.session_scope() as session:
        survey = get_survey(session, survey_id)
        if only is not None:
            if not 0 <= only < len(survey.questions):
                raise InvalidInput("That question is no longer in this survey; reload the page.")
            return [only]
        count = _relist(survey)
        _touch(session, survey)
        return list(range(count))


def _answer_prompt(survey_id: int, index: int, who: UserProfile) -> tuple[str, list[dict[str, Any]]]:
    """Question `index` and the messages that ask for its answer (the job, the resume projects)."""
    with db.session_scope() as session:
        survey = get_survey(session, survey_id)
        question = str(survey.questions[index]["question"])
        job = jobs.get_job(session, survey.job_id)
        messages = prompts.render_messages(
            candidate=who.name,
            headline=who.headline,
            company=job.company,
            title=job.title,
            description=job.raw_jd_text,
            projects=projects_json(session, job.candidate_id),
            question=question,
            number=index + 1,
            count=len(survey.questions),
        )
        return question, messages


def _set_survey_error(survey_id: int, error: str) -> list[dict[str, str]]:
    """Write the survey's error (or clear it); its questions."""
    with db.session_scope() as session:
        survey = get_survey(session, survey_id)
        survey.error = error
        _touch(session, survey)
        return list(survey.questions)


def _save_answer(survey_id: int, index: int, question: str, result: dict[str, str]) -> None:
    """Write one question's answer (or its error, keeping the answer it had), if it is still that question."""
    with db.session_scope() as session:
        survey = get_survey(session, survey_id)
        if index >= len(survey.questions) or survey.questions[index]["question"] != question:
            return  # the questions were listed again meanwhile: this answer is to none of them
        survey.questions = [{**item, **result} if n == index else item for n, item in enumerate(survey.questions)]
        if survey.status == DRAFT and not result.get("error"):
            survey.status = ANSWERED
        _touch(session, survey)


# ----------------------------------------------------------------------------- done
@dataclass(frozen=True)
class Finished:
    moved: bool
    message: str
    queued_task_id: int | None = None


def finish_survey(session: Session, survey_id: int) -> Finished:
    """Mark the survey done and, if its job is still in Survey, move it to Phone screen (a button move)."""
    survey = get_survey(session, survey_id)
    job = jobs.get_job(session, survey.job_id)
    survey.status = DONE
    _touch(session, survey)
    if job.stage != Stage.SURVEY:
        return Finished(
            False,
            f"Survey marked done. The job is in {Stage(job.stage).label}, not Survey, so it stays where it is.",
        )
    result = jobs.move_job(session, survey.job_id, Stage.PHONE_SCREEN, source=MoveSource.SURVEY)
    return Finished(True, "Survey done; the job moved to Phone screen.", result.queued_task_id)


# ----------------------------------------------------------------------------- helpers
def _plain(text: str, limit: int) -> str:
    """Text kept as typed or read (shown as plain text, never markup): line breaks stay, control characters go."""
    cleaned = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()
    return cleaned[:limit]


def _touch(session: Session, survey: SurveyResponse) -> None:
    survey.updated_at = utcnow()
    session.add(survey)
