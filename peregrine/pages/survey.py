"""The survey assistant, `/applications/{id}/survey`: paste or upload a survey, get suggested answers.

The page keeps what the user types in its state and saves it through `services.survey` before
anything slow starts; reading screenshots and asking the model run in background events that
hold the state's lock only to write their results. An upload is screened by `services.uploads`
in the (ordinary) upload handler, from the files' headers; decoding its pixels and storing it run
in the background event `check_screenshots`, off the event loop, while the tab stays usable. Each
refused file is listed with its reason. Database and file work in the async handlers runs in
worker threads (`asyncio.to_thread`), so one person's slow upload never stalls anyone's page.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, replace
from typing import Any

import reflex as rx

from peregrine import db
from peregrine.components.forms import labelled
from peregrine.components.layout import page_layout, paid_only, record_or_missing
from peregrine.components.needs_llm import when_llm_missing
from peregrine.config import user_profile
from peregrine.domain import limits
from peregrine.domain.stages import Stage
from peregrine.llm.client import LLMUnavailable, get_llm_client
from peregrine.llm.settings import llm_configured
from peregrine.models import SurveyResponse
from peregrine.pages.errors import UNEXPECTED
from peregrine.pages.routed_job import job_of_route
from peregrine.pages.state import AppState
from peregrine.services import jobs as job_service
from peregrine.services import survey, task_runner, uploads
from peregrine.services.errors import ServiceError

log = logging.getLogger(__name__)
UPLOAD_ID = "survey_screenshots"
#: Uploads screened by a handler, waiting for `check_screenshots` to decode them (process memory).
_HELD = uploads.HeldUploads()
_STILL_CHECKING = "the screenshots added just before are still being checked; add it again in a moment"


@dataclass(frozen=True)
class SurveyOption:
    value: str
    label: str


@dataclass(frozen=True)
class ImageView:
    stored_as: str
    name: str
    text: str
    read_by: str
    note: str
    error: str
    pending: bool


@dataclass(frozen=True)
class AnswerView:
    index: int
    number: str
    question: str
    answer: str
    rationale: str


def _image_view(image: dict[str, Any]) -> ImageView:
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


def _answer_views(questions: list[dict[str, Any]]) -> list[AnswerView]:
    return [
        AnswerView(index, str(index + 1), str(q["question"]), str(q.get("answer", "")), str(q.get("rationale", "")))
        for index, q in enumerate(questions)
    ]


def _survey_options(session: Any, job_id: int) -> list[SurveyOption]:
    return [SurveyOption(str(s.id), survey.survey_label(s)) for s in survey.surveys_of(session, job_id)]


# The database work of the page, as plain functions of plain values: the async handlers run them in
# a worker thread (`asyncio.to_thread`), the ordinary handlers call them directly.
@dataclass(frozen=True)
class _Edits:
    """What the page holds that `_save_edits` writes."""

    job_id: int
    survey_id: int  # 0: not saved yet
    pasted: str
    image_texts: dict[str, str]
    answers: list[str] | None


@dataclass(frozen=True)
class _Saved:
    survey_id: int
    status: str
    options: list[SurveyOption]


def _save_edits(edits: _Edits) -> _Saved:
    """Save the page's edits (creating the survey on first use); raises ServiceError."""
    with db.session_scope() as session:
        survey_id = edits.survey_id
        if not survey_id:
            survey_id = survey.start_survey(session, edits.job_id, pasted_text=edits.pasted).id or 0
        stored = survey.save_survey(
            session, survey_id, pasted_text=edits.pasted, image_texts=edits.image_texts, answers=edits.answers
        )
        return _Saved(survey_id, stored.status, _survey_options(session, edits.job_id))


@dataclass(frozen=True)
class _Stored:
    """Screenshots stored with a survey: how many, the ones it had no room for, the survey after."""

    added: int
    refused: list[uploads.Refusal]
    survey: SurveyResponse
    options: list[SurveyOption]


def _store_screenshots(survey_id: int, images: list[uploads.CheckedImage]) -> _Stored:
    with db.session_scope() as session:
        added, refused = survey.add_images(session, survey_id, images)
        stored = survey.get_survey(session, survey_id)
        return _Stored(added, refused, stored, _survey_options(session, stored.job_id))


async def _check_and_store(screened: uploads.Screened, survey_id: int) -> tuple[list[uploads.Refusal], _Stored | None]:
    """Decode a screened upload and store its good files with the survey, all off the event loop;
    the files refused (in upload order, then those the survey had no room for) and what was stored."""
    report = await uploads.decode_off_loop(screened)
    if not report.accepted:
        return report.refused, None
    stored = await asyncio.to_thread(_store_screenshots, survey_id, report.accepted)
    return [*report.refused, *stored.refused], stored


def _survey_of(survey_id: int) -> SurveyResponse | None:
    if not survey_id:
        return None
    with db.session_scope() as session:
        return survey.get_survey(session, survey_id)


def _answered(survey_id: int) -> tuple[SurveyResponse, list[SurveyOption]]:
    with db.session_scope() as session:
        stored = survey.get_survey(session, survey_id)
        return stored, _survey_options(session, stored.job_id)


class SurveyState(AppState):
    found: bool = False
    missing_message: str = ""
    paid: bool = True
    job_label: str = ""
    job_link: str = ""
    stage: str = ""
    reader_plan: str = ""
    #: A language model is configured: answers can be suggested (else the user writes them).
    llm_ready: bool = True
    surveys: list[SurveyOption] = []
    current: str = ""  # the open survey's id; "" for a new one not saved yet
    status: str = ""
    pasted: str = ""
    images: list[ImageView] = []
    refusals: list[str] = []
    answers: list[AnswerView] = []
    error: str = ""
    notice: str = ""
    # Shown while slow work runs: set by the handler that starts it (so the page knows at once),
    # cleared by the background event when it ends; `_reader`/`_answerer` say one is really running.
    reading: bool = False
    answering: bool = False
    checking: bool = False  # an upload's screenshots are being decoded and stored
    _job: int = 0
    _survey: int = 0
    _reader: bool = False
    _answerer: bool = False
    _check: str = ""  # the key of the upload held for `check_screenshots`
    _check_survey: int = 0  # the survey that upload goes to (the page may show another meanwhile)

    @rx.var
    def all_answers(self) -> str:
        """Every question with its answer, ready to paste into the survey form."""
        return "\n\n".join(f"{a.number}. {a.question}\n{a.answer}" for a in self.answers)

    # ------------------------------------------------------------------ loading
    @rx.event
    def load(self) -> Any:
        self.found, self.refusals, self.notice = False, [], ""
        self.paid = user_profile().paid
        try:
            routed = job_of_route(str(self.job_id))  # the route argument of /applications/[job_id]/survey
        except ServiceError as exc:
            self.missing_message = str(exc)
            return None
        with db.session_scope() as session:
            saved = survey.surveys_of(session, routed.id)
        self._job, self.job_label, self.job_link = routed.id, routed.label, routed.link
        self.stage = routed.job.stage
        self.checking = bool(self._check) and _HELD.active(self._check)  # False after a restart
        self.reader_plan = survey.reader_plan(get_llm_client())
        self.llm_ready = llm_configured()
        self._show(saved[0].id or 0 if saved else 0)
        self.found = True
        return self._resume_reading()

    @rx.var
    def stage_label(self) -> str:
        return Stage(self.stage).label if self.stage else ""

    @rx.var
    def in_survey(self) -> bool:
        return self.stage == Stage.SURVEY

    def _list_surveys(self, session: Any) -> None:
        self.surveys = _survey_options(session, self._job)

    def _show(self, survey_id: int) -> None:
        """Open a saved survey (or a blank one for 0), dropping unsaved edits of the one shown before."""
        self._survey, self.current = survey_id, str(survey_id) if survey_id else ""
        self.pasted, self.images, self.answers, self.status, self.error = "", [], [], "", ""
        with db.session_scope() as session:
            self._list_surveys(session)
            if survey_id:
                self._fill(survey.get_survey(session, survey_id))

    def _fill(self, stored: SurveyResponse) -> None:
        self.pasted = stored.pasted_text
        self.images = [_image_view(image) for image in stored.images]
        self.answers = _answer_views(stored.questions)
        self.status, self.error = stored.status, stored.error

    def _merge_images(self, stored: SurveyResponse, fresh: set[str]) -> None:
        """The stored images, keeping the page's (maybe unsaved) text of those not just read."""
        mine = {image.stored_as: image for image in self.images}
        self.images = [
            mine[image["stored_as"]]
            if image["stored_as"] in mine and image["stored_as"] not in fresh
            else _image_view(image)
            for image in stored.images
        ]

    def _busy(self) -> Any:
        """A toast when slow work is running (the page keeps its buttons usable, and says why not now)."""
        if self.reading:
            return rx.toast.info("Wait a moment: the screenshots are being read.")
        if self.answering:
            return rx.toast.info("Wait a moment: the language model is writing the answers.")
        if self.checking:
            return rx.toast.info("Wait a moment: the screenshots just added are being checked.")
        return None

    @rx.event
    def reopen(self, value: str) -> Any:
        if busy := self._busy():
            return busy
        if value.isdigit():
            self._show(int(value))
            self.refusals, self.notice = [], ""
            return self._resume_reading()
        return None

    def _resume_reading(self) -> Any:
        """Screenshots stored but never read (the backend stopped mid-way, say) are read on opening;
        one whose read failed waits for its Retry."""
        if self.paid and any(image.pending for image in self.images):
            return self._start_reading()
        return None

    @rx.event
    def new_survey(self) -> Any:
        if busy := self._busy():
            return busy
        self._show(0)
        self.refusals, self.notice = [], ""
        return None

    # ------------------------------------------------------------------ typing
    @rx.event
    def set_pasted(self, text: str) -> None:
        self.pasted = text

    @rx.event
    def set_image_text(self, stored_as: str, text: str) -> None:
        self.images = [replace(i, text=text) if i.stored_as == stored_as else i for i in self.images]

    @rx.event
    def set_answer(self, index: int, text: str) -> None:
        self.answers = [replace(a, answer=text) if a.index == index else a for a in self.answers]

    def _persist(self) -> None:
        """Save what the page holds (creating the survey on first use); raises ServiceError."""
        self._show_saved(_save_edits(self._edits()))

    async def _persist_off_loop(self) -> None:
        """`_persist`, with the database work in a worker thread."""
        self._show_saved(await asyncio.to_thread(_save_edits, self._edits()))

    def _edits(self) -> _Edits:
        return _Edits(
            job_id=self._job,
            survey_id=self._survey,
            pasted=self.pasted,
            image_texts={image.stored_as: image.text for image in self.images if image.read_by},
            # While new answers are being written, the ones on the page are about to be replaced.
            answers=None if self.answering else [answer.answer for answer in self.answers],
        )

    def _show_saved(self, saved: _Saved) -> None:
        if saved.survey_id != self._survey:
            self._survey, self.current = saved.survey_id, str(saved.survey_id)
        self.status, self.surveys = saved.status, saved.options

    @rx.event
    def save(self) -> Any:
        if not self.paid:
            return None
        try:
            self._persist()
        except ServiceError as exc:
            self.notice = ""
            return rx.toast.error(str(exc))
        self.notice = "Saved."
        return rx.toast.success("Survey saved.")

    # ------------------------------------------------------------------ screenshots
    @rx.event
    async def handle_upload(self, files: list[rx.UploadFile]) -> Any:
        """Screen every file from its header and hand the ones that pass to `check_screenshots`.

        An upload handler holds the tab's state lock from start to end (and may not be a background
        event), so it does only the cheap part, in a worker thread: decoding the pixels waits its
        turn among everyone's uploads, which must not keep this tab's other events waiting.
        """
        if not self.found or not self.paid:
            return None
        self.notice = ""
        if self.checking:
            self.refusals = [f"{uploads.display_name(upload.name)}: {_STILL_CHECKING}" for upload in files]
            return None
        screened = await uploads.screen_off_loop((upload.name, upload.file) for upload in files)
        if not screened.waiting:
            self.refusals = [refusal.message for _, refusal in screened.refused]
            return None
        try:
            await self._persist_off_loop()  # the screenshots' survey exists before they are stored
        except ServiceError as exc:
            self.refusals = [str(exc)]
            return None
        self._check, self._check_survey = _HELD.hold(screened), self._survey
        self.refusals, self.checking = [], True
        return SurveyState.check_screenshots

    @rx.event(background=True)
    async def check_screenshots(self) -> Any:
        """Decode the screenshots `handle_upload` screened (on the process's one decoder thread, in
        turn with other uploads), store the good ones with their survey, list the refused, read them."""
        async with self:
            key, survey_id = self._check, self._check_survey
        screened = _HELD.claim(key) if key else None
        if screened is None:  # already being checked (the event came twice), or lost to a restart
            return None
        try:
            refused, stored = await _check_and_store(screened, survey_id)
        except Exception as exc:  # never leave the page saying "Checking…" forever
            async with self:
                self._check, self.checking = "", False
                self.refusals = [str(exc) if isinstance(exc, ServiceError) else f"Adding the screenshots failed: {exc}"]
            if not isinstance(exc, ServiceError):
                raise
            return None
        finally:
            _HELD.release(key)
        async with self:
            self._check, self.checking = "", False
            self.refusals = [refusal.message for refusal in refused]
            if stored is None or not stored.added or self._survey != survey_id:
                return None  # stored with a survey not shown now: read when it is opened again
            self._merge_images(stored.survey, set())
            self.surveys = stored.options
            return self._start_reading()

    def _start_reading(self) -> Any:
        self.reading = True
        return SurveyState.read_images

    @rx.event
    def read_again(self) -> Any:
        return self._start_reading() if self._survey else None

    @rx.event
    def remove_image(self, stored_as: str) -> Any:
        if busy := self._busy():
            return busy
        try:
            self._persist()
            with db.session_scope() as session:
                stored = survey.remove_image(session, self._survey, stored_as)
            self._merge_images(stored, set())
        except ServiceError as exc:
            return rx.toast.error(str(exc))
        return None

    @rx.event(background=True)
    async def read_images(self) -> None:
        """Read the waiting screenshots one by one, showing each text as soon as it is read.

        Whether anything is left to read is decided under the state's lock, as is every upload: a
        screenshot added while this runs is either picked up here or starts a reader of its own.
        """
        async with self:
            if self._reader:
                return
            self._reader, self.reading = True, True
            survey_id = self._survey
        attempted: set[str] = set()
        try:
            while True:
                async with self:
                    # Read under the lock (in a worker thread: the loop serves others meanwhile).
                    stored = await asyncio.to_thread(_survey_of, survey_id)
                    waiting = [i["stored_as"] for i in stored.images if survey.needs_reading(i)] if stored else []
                    todo = [stored_as for stored_as in waiting if stored_as not in attempted]
                    if not todo:
                        self._reader, self.reading = False, False
                        return
                attempted.add(todo[0])
                await survey.read_images(survey_id, llm=get_llm_client(), only={todo[0]})
                stored = await asyncio.to_thread(_survey_of, survey_id)
                async with self:
                    if self._survey == survey_id and stored is not None:
                        self._merge_images(stored, {todo[0]})
        except Exception as exc:  # never leave the page saying "Reading…" forever
            async with self:
                self._reader, self.reading = False, False
                self.error = str(exc) if isinstance(exc, ServiceError) else f"Reading the screenshots failed: {exc}"
            if not isinstance(exc, ServiceError):
                raise

    # ------------------------------------------------------------------ answers
    @rx.event
    def ask(self) -> Any:
        """Save the text as corrected, then ask the model (in the background) for the answers."""
        if not self.paid:
            return None
        if busy := self._busy():
            return busy
        try:
            self._persist()
            with db.session_scope() as session:
                has_questions = bool(survey.survey_questions(survey.get_survey(session, self._survey)))
        except ServiceError as exc:
            self.error = str(exc)
            return None
        if not has_questions:
            self.error = "There is no survey text yet: paste the questions or add a screenshot first."
            return None
        self.llm_ready = llm_configured()
        if not self.llm_ready:
            return self._list_questions()
        self.error, self.notice, self.answering = "", "", True
        return SurveyState.answer_questions

    @rx.event
    def list_questions(self) -> Any:
        """No language model: save the text as corrected, then show its questions with empty answers."""
        if not self.paid:
            return None
        if busy := self._busy():
            return busy
        try:
            self._persist()
        except ServiceError as exc:
            self.error = str(exc)
            return None
        return self._list_questions()

    def _list_questions(self) -> Any:
        try:
            with db.session_scope() as session:
                listed = survey.list_questions(session, self._survey)
                self.answers, self.status = _answer_views(list(listed.questions)), listed.status
                self._list_surveys(session)
        except ServiceError as exc:
            self.error = str(exc)
            return None
        self.error, self.notice = "", ""
        count = len(self.answers)
        return rx.toast.info(f"{count} question{'s' if count != 1 else ''} to answer below; Save keeps your answers.")

    @rx.event(background=True)
    async def answer_questions(self) -> None:
        async with self:
            if self._answerer:
                return
            self._answerer, self.answering, self.error = True, True, ""
            survey_id = self._survey
        error = ""
        try:
            await survey.suggest_answers(survey_id, llm=get_llm_client())
        except (ServiceError, LLMUnavailable) as exc:
            error = str(exc)
        except Exception:  # a bug must still end the spinner: logged, and said calmly
            log.exception("Writing the survey's answers failed")
            error = UNEXPECTED
        stored, options = await asyncio.to_thread(_answered, survey_id)
        async with self:
            self._answerer, self.answering = False, False
            if self._survey == survey_id:
                self.error = error
                if not error:
                    self.answers, self.status = _answer_views(list(stored.questions)), stored.status
                    self.surveys = options

    # ------------------------------------------------------------------ done
    @rx.event
    def finish(self) -> Any:
        if not self.paid:
            return None
        if busy := self._busy():
            return busy
        try:
            self._persist()
            with db.session_scope() as session:
                result = survey.finish_survey(session, self._survey)
                self.stage = job_service.get_job(session, self._job).stage
                self.status = survey.DONE
                self._list_surveys(session)
        except (ServiceError, ValueError) as exc:
            self.notice = ""
            return rx.toast.error(str(exc))
        if result.queued_task_id is not None:
            task_runner.wake()
        self.notice = result.message
        return rx.toast.success(result.message) if result.moved else rx.toast.info(result.message)


# ---------------------------------------------------------------------------------------------- view
def _alert(*children: Any) -> rx.Component:
    return rx.callout.root(
        rx.callout.icon(rx.icon("circle-alert")),
        rx.callout.text(*children),
        color_scheme="red",
        role="alert",
    )


def _survey_picker() -> rx.Component:
    return rx.hstack(
        rx.cond(
            SurveyState.surveys.length() > 0,
            labelled(
                "Saved surveys",
                rx.el.select(
                    rx.el.option("New survey (not saved yet)", value="", disabled=True),
                    rx.foreach(SurveyState.surveys, lambda s: rx.el.option(s.label, value=s.value)),
                    value=SurveyState.current,
                    on_change=SurveyState.reopen,
                    class_name="native-select",
                ),
            ),
        ),
        rx.button(
            rx.icon("file-plus", size=14, aria_hidden="true"),
            "New survey",
            on_click=SurveyState.new_survey,
            variant="soft",
            size="2",
            disabled=SurveyState.reading | SurveyState.answering,
        ),
        align="end",
        spacing="3",
        wrap="wrap",
    )


def _drop_zone() -> rx.Component:
    # As on the resume page: the dropzone itself is not focusable (no_keyboard); a real button inside
    # it opens the file chooser, so keyboard and screen-reader users get a named button.
    return rx.upload(
        rx.vstack(
            rx.button(
                rx.icon("image-up", size=14, aria_hidden="true"),
                "Choose screenshots",
                type="button",
                variant="outline",
                size="2",
            ),
            rx.text(
                "or drop them here: PNG, JPEG or WebP, up to 10 MB each, 10 at a time.",
                size="2",
                color_scheme="gray",
            ),
            align="center",
            spacing="2",
        ),
        id=UPLOAD_ID,
        multiple=True,
        no_keyboard=True,
        disabled=SurveyState.checking,  # one upload at a time per tab (the handler refuses a second)
        on_drop=SurveyState.handle_upload(rx.upload_files(upload_id=UPLOAD_ID)),
        border="1px dashed var(--gray-a8)",
        border_radius="8px",
        padding="1rem",
        width="100%",
    )


def _image(image: ImageView) -> rx.Component:
    return rx.el.li(
        rx.hstack(
            rx.icon("image", size=14, aria_hidden="true"),
            rx.text(image.name, weight="medium", size="2"),
            rx.spacer(),
            rx.button(
                "Remove",
                on_click=SurveyState.remove_image(image.stored_as),
                variant="ghost",
                color_scheme="gray",
                size="1",
                aria_label="Remove " + image.name,
            ),
            align="center",
            width="100%",
        ),
        rx.cond(
            image.error != "",
            _alert(
                image.name,
                ": ",
                image.error,
                " ",
                rx.button(
                    "Read again",
                    on_click=SurveyState.read_again,
                    size="1",
                    variant="soft",
                    disabled=SurveyState.reading,
                    aria_label="Read " + image.name + " again",
                ),
            ),
        ),
        rx.cond(
            image.pending,
            rx.cond(
                SurveyState.reading,
                rx.text("Reading…", size="2", role="status"),
                rx.hstack(
                    rx.text("Not read yet.", size="2"),
                    rx.button(
                        "Read it now",
                        on_click=SurveyState.read_again,
                        size="1",
                        variant="soft",
                        aria_label="Read " + image.name + " now",
                    ),
                    align="center",
                ),
            ),
            rx.text(image.read_by, " ", image.note, size="1", color_scheme="gray"),
        ),
        labelled(
            "Text read from " + image.name + " (correct it if needed)",
            rx.text_area(
                value=image.text,
                on_change=lambda text: SurveyState.set_image_text(image.stored_as, text),
                max_length=limits.SURVEY_IMAGE_TEXT,
                rows="6",
                width="100%",
            ),
        ),
        class_name="survey-image",
        style={"list_style": "none", "padding": "0.75rem 0", "border_top": "1px solid var(--gray-a4)"},
    )


def _input_part() -> rx.Component:
    return rx.el.section(
        rx.heading("The survey", size="5", as_="h2"),
        labelled(
            "Paste the survey's questions",
            rx.text_area(
                value=SurveyState.pasted,
                on_change=SurveyState.set_pasted,
                max_length=limits.SURVEY_PASTED,
                rows="8",
                width="100%",
                placeholder="1. Why do you want to work here?\n2. How do you prefer to receive feedback?",
            ),
        ),
        rx.text("Or add screenshots of it. ", SurveyState.reader_plan, size="2", color_scheme="gray"),
        _drop_zone(),
        rx.cond(SurveyState.checking, rx.text("Checking the screenshots…", size="2", role="status")),
        rx.cond(
            SurveyState.refusals.length() > 0,
            rx.callout.root(
                rx.callout.icon(rx.icon("circle-alert")),
                rx.callout.text("Not added:"),
                rx.el.ul(rx.foreach(SurveyState.refusals, lambda line: rx.el.li(line))),
                color_scheme="red",
                role="alert",
            ),
        ),
        rx.cond(
            SurveyState.images.length() > 0,
            rx.el.ul(rx.foreach(SurveyState.images, _image), aria_label="Screenshots", style={"padding": "0"}),
        ),
        aria_label="The survey",
        class_name="prep-part",
    )


def _answer(answer: AnswerView) -> rx.Component:
    return rx.el.li(
        rx.text(answer.number, ". ", answer.question, weight="medium", size="2", white_space="pre-wrap"),
        labelled(
            "Answer to question " + answer.number,
            rx.text_area(
                value=answer.answer,
                on_change=lambda text: SurveyState.set_answer(answer.index, text),
                max_length=limits.SURVEY_ANSWER,
                rows="4",
                width="100%",
            ),
        ),
        rx.hstack(
            rx.cond(answer.rationale != "", rx.text("Why: ", answer.rationale, size="1", color_scheme="gray")),
            rx.spacer(),
            rx.button(
                rx.icon("copy", size=12, aria_hidden="true"),
                "Copy",
                on_click=[rx.set_clipboard(answer.answer), rx.toast("Answer " + answer.number + " copied.")],
                variant="ghost",
                size="1",
                aria_label="Copy answer " + answer.number,
            ),
            align="center",
            width="100%",
        ),
        style={"padding": "0.75rem 0", "border_top": "1px solid var(--gray-a4)"},
    )


def _list_button() -> rx.Component:
    return rx.button(
        rx.icon("list-ordered", size=14, aria_hidden="true"),
        rx.cond(SurveyState.answers.length() > 0, "List the questions again", "List the questions"),
        on_click=SurveyState.list_questions,
        disabled=SurveyState.reading,
        size="2",
    )


def _answers_part() -> rx.Component:
    has = SurveyState.answers.length() > 0
    return rx.el.section(
        rx.hstack(
            rx.heading(rx.cond(SurveyState.llm_ready, "Suggested answers", "Your answers"), size="5", as_="h2"),
            rx.spacer(),
            rx.cond(
                SurveyState.llm_ready,
                rx.button(
                    rx.icon("sparkles", size=14, aria_hidden="true"),
                    rx.cond(has, "Suggest answers again", "Get suggested answers"),
                    on_click=SurveyState.ask,
                    loading=SurveyState.answering,
                    disabled=SurveyState.reading,
                    size="2",
                ),
                _list_button(),
            ),
            align="center",
            width="100%",
            wrap="wrap",
        ),
        rx.cond(
            SurveyState.llm_ready,
            rx.text(
                "One answer per question, fitted to your profile, your resume projects and this job. "
                "Asking again replaces the answers below.",
                size="2",
                color_scheme="gray",
            ),
        ),
        when_llm_missing(
            SurveyState.llm_ready,
            "Suggesting answers",
            "List the questions to write the answers yourself here; Save keeps them.",
        ),
        rx.cond(SurveyState.answering, rx.text("Asking the language model…", size="2", role="status")),
        rx.cond(
            SurveyState.error != "",
            _alert(
                SurveyState.error,
                " ",
                rx.button("Retry", on_click=SurveyState.ask, size="1", variant="soft", disabled=SurveyState.answering),
            ),
        ),
        rx.cond(has, rx.el.ol(rx.foreach(SurveyState.answers, _answer), style={"padding": "0", "list_style": "none"})),
        aria_label="Suggested answers",
        class_name="prep-part",
    )


def _actions() -> rx.Component:
    busy = SurveyState.reading | SurveyState.answering
    return rx.vstack(
        rx.hstack(
            rx.button(rx.icon("save", size=14, aria_hidden="true"), "Save", on_click=SurveyState.save, size="2"),
            rx.cond(
                SurveyState.answers.length() > 0,
                rx.button(
                    rx.icon("clipboard-copy", size=14, aria_hidden="true"),
                    "Copy all answers",
                    on_click=[rx.set_clipboard(SurveyState.all_answers), rx.toast("All answers copied.")],
                    variant="soft",
                    size="2",
                ),
            ),
            rx.button(
                rx.icon("circle-check", size=14, aria_hidden="true"),
                rx.cond(SurveyState.in_survey, "Done — move to Phone screen", "Done"),
                on_click=SurveyState.finish,
                disabled=busy,
                color_scheme="green",
                size="2",
            ),
            spacing="3",
            wrap="wrap",
        ),
        rx.cond(
            ~SurveyState.in_survey,
            rx.text(
                "This job is in ",
                SurveyState.stage_label,
                ", not Survey: Done marks the survey finished and leaves the job where it is.",
                size="2",
                color_scheme="amber",
            ),
        ),
        rx.cond(SurveyState.notice != "", rx.text(SurveyState.notice, size="2", role="status")),
        spacing="2",
    )


def survey_page() -> rx.Component:
    return page_layout(
        record_or_missing(
            SurveyState.found,
            SurveyState.missing_message,
            rx.vstack(
                rx.link("← ", SurveyState.job_label, href=SurveyState.job_link, size="2"),
                rx.heading("Survey: ", SurveyState.job_label, size="6", as_="h1"),
                rx.hstack(
                    rx.badge(SurveyState.stage_label, size="2"),
                    rx.cond(SurveyState.status != "", rx.text("Survey status: ", SurveyState.status, size="2")),
                    align="center",
                    spacing="3",
                ),
                paid_only(
                    SurveyState.paid,
                    "The survey assistant",
                    rx.vstack(
                        _survey_picker(),
                        _input_part(),
                        _answers_part(),
                        _actions(),
                        spacing="4",
                        width="100%",
                    ),
                ),
                spacing="3",
                align="start",
                width="100%",
                max_width="920px",
            ),
        ),
    )
