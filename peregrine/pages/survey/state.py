"""`SurveyState`: the survey assistant's state and handlers (the page itself is in `view.py`).

The page keeps what the user types in its state and saves it through `services.survey` before
anything slow starts; reading screenshots and asking the model run in background events that
hold the state's lock only to write their results. An upload is screened by `services.uploads`
in the (ordinary) upload handler, from the files' headers; decoding its pixels and storing it run
in the background event `check_screenshots`, off the event loop, while the tab stays usable. Each
refused file is listed with its reason. Database and file work in the async handlers runs in
worker threads (`asyncio.to_thread`, through the functions of `data.py`), so one person's slow
upload never stalls anyone's page.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from typing import Any

import reflex as rx
from sqlmodel import Session

from peregrine import db
from peregrine.config import user_profile
from peregrine.domain.errors import UserFacingError
from peregrine.domain.stages import Stage
from peregrine.llm.client import get_llm_client
from peregrine.llm.settings import llm_configured
from peregrine.models import SurveyResponse
from peregrine.pages.errors import UNEXPECTED
from peregrine.pages.routed_job import job_of_route
from peregrine.pages.state import AppState
from peregrine.pages.survey.data import (
    AnswerView,
    Edits,
    ImageView,
    Saved,
    SurveyOption,
    answer_views,
    check_and_store,
    image_view,
    merged_images,
    save_edits,
    survey_and_options,
    survey_of,
    survey_options,
    with_answer,
)
from peregrine.services import jobs as job_service
from peregrine.services import survey, task_runner, uploads
from peregrine.services.errors import ServiceError

log = logging.getLogger(__name__)
UPLOAD_ID = "survey_screenshots"  # the dropzone of view.py
#: Uploads screened by a handler, waiting for `check_screenshots` to decode them (process memory).
_HELD: uploads.HeldUploads[uploads.Screened] = uploads.HeldUploads()
_STILL_CHECKING = "the screenshots added just before are still being checked; add it again in a moment"


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
    _only: int | None = None  # the one question to answer (its Retry), or None for all
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
            routed = job_of_route(str(self.job_id), self)  # the route argument of /applications/[job_id]/survey
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

    def _list_surveys(self, session: Session) -> None:
        self.surveys = survey_options(session, self._job)

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
        self.images = [image_view(image) for image in stored.images]
        self.answers = answer_views(stored.questions)
        self.status, self.error = stored.status, stored.error

    def _merge_images(self, stored: SurveyResponse, fresh: set[str]) -> None:
        self.images = merged_images(self.images, stored.images, fresh)

    def _busy(self) -> Any:
        """A toast when slow work is running (the page keeps its buttons usable, and says why not now)."""
        if self.reading:
            return rx.toast.info("Wait a moment: the screenshots are being read.")
        if self.answering:
            return rx.toast.info("Wait a moment: the language model is writing the answers.")
        if self.checking:
            return rx.toast.info("Wait a moment: the screenshots just added are being checked.")
        return None

    def _refused(self) -> Any:
        """What an action of the paid plan answers instead of starting (nothing without the plan, whose
        page hides it; `_busy`'s toast while slow work runs), or None when it may start."""
        return rx.noop() if not self.paid else self._busy()

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
        self._show_saved(save_edits(self._edits()))

    async def _persist_off_loop(self) -> None:
        """`_persist`, with the database work in a worker thread."""
        self._show_saved(await asyncio.to_thread(save_edits, self._edits()))

    def _edits(self) -> Edits:
        return Edits(
            job_id=self._job,
            survey_id=self._survey,
            pasted=self.pasted,
            image_texts={image.stored_as: image.text for image in self.images if image.read_by},
            # While new answers are being written, the ones on the page are about to be replaced.
            answers=None if self.answering else [answer.answer for answer in self.answers],
        )

    def _show_saved(self, saved: Saved) -> None:
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
            refused, stored = await check_and_store(screened, survey_id)
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
                    stored = await asyncio.to_thread(survey_of, survey_id)
                    waiting = [i["stored_as"] for i in stored.images if survey.needs_reading(i)] if stored else []
                    todo = [stored_as for stored_as in waiting if stored_as not in attempted]
                    if not todo:
                        self._reader, self.reading = False, False
                        return
                attempted.add(todo[0])
                await survey.read_images(survey_id, llm=get_llm_client(), only={todo[0]})
                stored = await asyncio.to_thread(survey_of, survey_id)
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
        if refused := self._refused():
            return refused
        try:
            self._persist()
            with db.session_scope() as session:
                has_questions = bool(survey.survey_questions(survey.get_survey(session, self._survey)))
        except ServiceError as exc:
            self.error = str(exc)
            return None
        if not has_questions:
            self.error = survey.NO_SURVEY_TEXT
            return None
        self.llm_ready = llm_configured()
        if not self.llm_ready:
            return self._list_questions()
        return self._start_answering(None)

    @rx.event
    def retry_question(self, index: int) -> Any:
        """Save the page's answers, then ask again for question `index` alone."""
        if refused := self._refused():
            return refused
        self._persist()  # a refusal (a too-long answer) is shown by pages.errors.show_error
        return self._start_answering(index)

    def _start_answering(self, only: int | None) -> Any:
        self._only, self.error, self.notice, self.answering = only, "", "", True
        return SurveyState.answer_questions

    @rx.event
    def list_questions(self) -> Any:
        """No language model: save the text as corrected, then show its questions with empty answers."""
        if refused := self._refused():
            return refused
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
                self.answers, self.status = answer_views(list(listed.questions)), listed.status
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
            survey_id, only = self._survey, self._only

        async def show(index: int) -> None:  # each answer as soon as it is saved
            stored = await asyncio.to_thread(survey_of, survey_id)
            async with self:
                if self._survey == survey_id and stored is not None:
                    self.answers = with_answer(self.answers, list(stored.questions), index)

        error = ""
        try:
            await survey.suggest_answers(survey_id, llm=get_llm_client(), only=only, on_answer=show)
        except UserFacingError as exc:  # the service refused, or no model is configured
            error = str(exc)
        except Exception:  # a bug must still end the spinner: logged, and said calmly
            log.exception("Writing the survey's answers failed")
            error = UNEXPECTED
        stored, options = await asyncio.to_thread(survey_and_options, survey_id)
        async with self:
            self._answerer, self.answering = False, False
            if self._survey == survey_id:
                questions = list(stored.questions)
                self.answers = answer_views(questions) if only is None else with_answer(self.answers, questions, only)
                self.error, self.status, self.surveys = error or stored.error, stored.status, options

    # ------------------------------------------------------------------ done
    @rx.event
    def finish(self) -> Any:
        if refused := self._refused():
            return refused
        try:
            self._persist()
            with db.session_scope() as session:
                result = survey.finish_survey(session, self._survey)
                self.stage = job_service.get_job(session, self._job).stage
                self.status = survey.DONE
                self._list_surveys(session)
        except UserFacingError as exc:  # a refused move too (MoveNotAllowed)
            self.notice = ""
            return rx.toast.error(str(exc))
        if result.queued_task_id is not None:
            task_runner.wake()
        self.notice = result.message
        return rx.toast.success(result.message) if result.moved else rx.toast.info(result.message)
