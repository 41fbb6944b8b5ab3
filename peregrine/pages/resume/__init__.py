"""The Resume page, `/resume`: experience projects with the bullets each one backs.

`state.py` holds `ResumeState`, `view.py` the page and its project cards, `dialogs.py` the dialogs;
`document_state.py` and `document_view.py` the import of a PDF or DOCX and the review of its projects.
"""

from peregrine.pages.resume.state import ResumeState
from peregrine.pages.resume.view import resume_page

__all__ = ["ResumeState", "resume_page"]
