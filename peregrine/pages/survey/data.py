"""What the survey page shows and stores, as plain values and plain functions of them.

The view records (`SurveyOption`, `ImageView`, `AnswerView`) are what the state sends to the
browser. The database work is here as functions of plain values, so the page's async handlers can
run it in a worker thread (`asyncio.to_thread`) and one person's slow upload never stalls anyone's
page; the ordinary handlers call the same functions directly.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from peregrine import db
from peregrine.models import SurveyResponse
from peregrine.services import survey, uploads


@dataclass(frozen=True)
class SurveyOption:
    """A saved survey in the picker."""

    value: str
    label: str


@dataclass(frozen=True)
class ImageView:
    """A screenshot of the survey, with the text read from it (or why it was not)."""

    stored_as: str
    name: str
    text: str
    read_by: str
    note: str
    error: str
    pending: bool


@dataclass(frozen=True)
class AnswerView:
    """A question of the survey and its (suggested or typed) answer."""

    index: int
    number: str
    question: str
    answer: str
    rationale: str
    error: str  # why the model's last answer to it was not kept ("" when it was)


def image_view(image: dict[str, Any]) -> ImageView:
    reader = str(image.get("reader") or "")
    return ImageView(
        stored_as=str(image["stored_as"]),
        name=str(image.get("name") or "screenshot"),
        text=str(image.get("text") or ""),
        read_by=f"Read by {survey.READER_LABELS[reader]}." if reader in survey.READER_LABELS else "",
        note=str(image.get("note") or ""),
        error=str(image.get("error") or ""),
        pending=not reader and not image.get("error"),
    )


def merged_images(shown: list[ImageView], stored: list[dict[str, Any]], fresh: set[str]) -> list[ImageView]:
    """The stored images, keeping the page's (maybe unsaved) text of those not just read (`fresh`)."""
    mine = {image.stored_as: image for image in shown}
    return [
        mine[image["stored_as"]]
        if image["stored_as"] in mine and image["stored_as"] not in fresh
        else image_view(image)
        for image in stored
    ]


def answer_views(questions: list[dict[str, Any]]) -> list[AnswerView]:
    return [
        AnswerView(
            index,
            str(index + 1),
            str(q["question"]),
            str(q.get("answer", "")),
            str(q.get("rationale", "")),
            str(q.get("error", "")),
        )
        for index, q in enumerate(questions)
    ]


def with_answer(shown: list[AnswerView], questions: list[dict[str, Any]], index: int) -> list[AnswerView]:
    """The answers shown, with question `index` as stored now: the others keep what the page holds
    (maybe typed and not saved yet), unless the questions themselves changed."""
    stored = answer_views(questions)
    if [answer.question for answer in stored] != [answer.question for answer in shown]:
        return stored
    return [stored[index] if answer.index == index else answer for answer in shown]


def survey_options(session: Session, job_id: int) -> list[SurveyOption]:
    return [SurveyOption(str(s.id), survey.survey_label(s)) for s in survey.surveys_of(session, job_id)]


@dataclass(frozen=True)
class Edits:
    """What the page holds that `save_edits` writes."""

    job_id: int
    survey_id: int  # 0: not saved yet
    pasted: str
    image_texts: dict[str, str]
    answers: list[str] | None


@dataclass(frozen=True)
class Saved:
    """What `save_edits` stored: the survey's id (new on first save), its status, the picker's list."""

    survey_id: int
    status: str
    options: list[SurveyOption]


def save_edits(edits: Edits) -> Saved:
    """Save the page's edits (creating the survey on first use); raises ServiceError."""
    with db.session_scope() as session:
        survey_id = edits.survey_id
        if not survey_id:
            survey_id = survey.start_survey(session, edits.job_id, pasted_text=edits.pasted).id or 0
        stored = survey.save_survey(
            session, survey_id, pasted_text=edits.pasted, image_texts=edits.image_texts, answers=edits.answers
        )
        return Saved(survey_id, stored.status, survey_options(session, edits.job_id))


@dataclass(frozen=True)
class Stored:
    """Screenshots stored with a survey: how many, the ones it had no room for, the survey after."""

    added: int
    refused: list[uploads.Refusal]
    survey: SurveyResponse
    options: list[SurveyOption]


def store_screenshots(survey_id: int, images: list[uploads.CheckedImage]) -> Stored:
    with db.session_scope() as session:
        added, refused = survey.add_images(session, survey_id, images)
        stored = survey.get_survey(session, survey_id)
        return Stored(added, refused, stored, survey_options(session, stored.job_id))


async def check_and_store(screened: uploads.Screened, survey_id: int) -> tuple[list[uploads.Refusal], Stored | None]:
    """Decode a screened upload and store its good files with the survey, all off the event loop;
    the files refused (in upload order, then those the survey had no room for) and what was stored."""
    report = await uploads.decode_off_loop(screened)
    if not report.accepted:
        return report.refused, None
    stored = await asyncio.to_thread(store_screenshots, survey_id, report.accepted)
    return [*report.refused, *stored.refused], stored


def survey_of(survey_id: int) -> SurveyResponse | None:
    if not survey_id:
        return None
    with db.session_scope() as session:
        return survey.get_survey(session, survey_id)


def survey_and_options(survey_id: int) -> tuple[SurveyResponse, list[SurveyOption]]:
    with db.session_scope() as session:
        stored = survey.get_survey(session, survey_id)
        return stored, survey_options(session, stored.job_id)
