"""`ResumeDocumentState`: a resume from a PDF or DOCX, from the upload to the proposals accepted.

The file is read in a worker thread (`services.resume_document`); its text stays in this state
until the user closes it, whatever the model does. With a model, a background event splits it into
proposals (`services.resume_import`); without one, or when the model fails, the page says why and
the user picks passages of the text by hand. Nothing is saved before a proposal is accepted, and
accepting one refreshes the projects `ResumeState` shows.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from typing import Any

import reflex as rx

from peregrine import db
from peregrine.domain.errors import UserFacingError
from peregrine.llm.client import get_llm_client
from peregrine.llm.settings import llm_configured
from peregrine.pages.resume.state import ResumeState
from peregrine.pages.state import AppState
from peregrine.services import resume_document, resume_import, uploads
from peregrine.services.resume_import import Proposal

log = logging.getLogger(__name__)

#: Files between their upload and their reading: (the name shown, the bytes).
_HELD: uploads.HeldUploads[tuple[str, bytes]] = uploads.HeldUploads()

DOCUMENT_UPLOAD_ID = "resume_document_upload"
#: The box holding the document's text: the selection script reads it by this id.
TEXT_BOX_ID = "resume-document-text"
#: The part of the box the user selected (a read-only textarea keeps its selection range).
SELECTION_SCRIPT = (
    f"(() => {{ const box = document.getElementById('{TEXT_BOX_ID}');"
    " return box ? box.value.substring(box.selectionStart, box.selectionEnd) : ''; })()"
)
#: The fields of a proposal the review edits.
EDITABLE = ("name", "company", "role", "period", "situation", "stack", "bullets")
BY_HAND = (
    "Select a passage of the text below (its first line names the project, the others become its bullets) "
    "and press “New project from this”; with nothing selected it adds an empty project to fill in."
)


class ResumeDocumentState(AppState):
    panel_open: bool = False
    file_name: str = ""
    summary: str = ""
    text: str = ""
    refusal: str = ""
    reading: bool = False
    splitting: bool = False
    #: Why there are no proposals from the model (none configured, it failed, it found none), or "".
    split_note: str = ""
    proposals: list[Proposal] = []
    _held: str = ""  # the key of the file `read_document` reads
    _run: int = 0  # each split's number: a split the user replaced by another file shows nothing

    @rx.event
    def toggle_panel(self) -> None:
        self.panel_open = not self.panel_open

    @rx.event
    async def handle_document(self, files: list[rx.UploadFile]) -> Any:
        """Hold the chosen file for `read_document`, which reads it in the background: a scanned
        PDF read by OCR takes seconds, and an upload handler holds its tab's state lock."""
        if not files:
            return None
        upload = files[0]
        data = await upload.read(resume_document.MAX_DOCUMENT_BYTES + 1)
        self.reading, self.refusal = True, ""
        self._held = _HELD.hold((uploads.display_name(upload.name), data))
        return ResumeDocumentState.read_document

    @rx.event(background=True)
    async def read_document(self) -> Any:
        """Read the held file's text (in a worker thread), then split it in the background.

        Proposals not yet reviewed stay: a second file adds to them.
        """
        async with self:
            key = self._held
        held = _HELD.claim(key)
        if held is None:  # read already, or the server restarted since the upload
            async with self:
                self.reading = False
            return None
        name, data = held
        try:
            document = await resume_document.read_document_off_loop(data)
        except UserFacingError as exc:  # the text of an earlier file, if any, stays
            async with self:
                self.refusal, self.reading = f"{name}: {exc}", False
            return None
        finally:
            _HELD.release(key)
        async with self:
            self.reading = False
            self.file_name, self.summary, self.text = name, document.summary, document.text
            self._run += 1
            return self._split()

    def _split(self) -> Any:
        if not llm_configured():
            self.splitting = False  # a split of an earlier file still running shows nothing (see `_run`)
            self.split_note = "No language model is configured, so the text was not split for you. " + BY_HAND
            return None
        self.splitting, self.split_note = True, ""
        return ResumeDocumentState.split_text

    @rx.event
    def split_again(self) -> Any:
        return self._split() if self.text and not self.splitting else None

    @rx.event(background=True)
    async def split_text(self) -> None:
        async with self:
            text, run = self.text, self._run
        note, proposals = "", []
        try:
            proposals = await resume_import.split_resume(text, llm=get_llm_client())
            proposals = await asyncio.to_thread(self._marked, proposals)
        except UserFacingError as exc:  # no model answered, or none gave a usable answer
            note = f"{exc} The text is kept below. " + BY_HAND
        except Exception:  # a bug must still end the spinner, and the text stays
            log.exception("Splitting a resume document failed")
            note = "Splitting the text failed unexpectedly. " + BY_HAND
        if not note and not proposals:
            note = "The model found no projects in this text. " + BY_HAND
        async with self:
            if self._run != run:
                return
            self.splitting, self.split_note = False, note
            self.proposals = [*proposals, *self.proposals]  # any made by hand meanwhile stay, after

    def _marked(self, proposals: list[Proposal]) -> list[Proposal]:
        with db.session_scope() as session:
            return resume_import.mark_similar(session, self.candidate_id(session), proposals)

    # ------------------------------------------------------------------ review
    @rx.event
    def add_passage(self, passage: str) -> Any:
        """A proposal from the passage selected in the text (an empty one when nothing is selected)."""
        proposal = resume_import.proposal_from_passage(passage if isinstance(passage, str) else "")
        self.proposals = [*self.proposals, *self._marked([proposal])]
        if not proposal.name:
            return rx.toast.info("Nothing was selected in the text: an empty project was added to fill in.")
        return None

    @rx.event
    def set_proposal_field(self, index: int, name: str, value: str) -> None:
        if name in EDITABLE and 0 <= index < len(self.proposals):
            edited = dataclasses.replace(self.proposals[index], **{name: value})
            self.proposals = [edited if number == index else item for number, item in enumerate(self.proposals)]

    @rx.event
    def drop(self, index: int) -> None:
        self.proposals = [item for number, item in enumerate(self.proposals) if number != index]

    @rx.event
    async def accept(self, index: int) -> Any:
        """Save one proposal as a new project; a refusal is a toast and the proposal stays as edited."""
        if not 0 <= index < len(self.proposals):
            return None
        proposal = self.proposals[index]
        with db.session_scope() as session:
            candidate_id = self.candidate_id(session)
            resume_import.accept_proposal(session, candidate_id, proposal)
        rest = [item for number, item in enumerate(self.proposals) if number != index]
        self.proposals = self._marked(rest)  # another proposal may look like the one just saved
        page = await self.get_state(ResumeState)
        page._load()
        return rx.toast.success(f"Added {proposal.name.strip()} to your projects.")

    @rx.event
    def close_document(self) -> None:
        """Done with the document: its text and the proposals left go (the file itself is the user's)."""
        self.file_name, self.summary, self.text, self.refusal, self.split_note = "", "", "", "", ""
        self.proposals, self.splitting, self.panel_open = [], False, False
        self._run += 1
