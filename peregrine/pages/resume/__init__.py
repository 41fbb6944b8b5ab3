"""The Resume page, `/resume`: experience projects with the bullets each one backs.

`state.py` holds `ResumeState`, `view.py` the page and its project cards, `dialogs.py` the dialogs.
"""

from peregrine.pages.resume.state import ResumeState
from peregrine.pages.resume.view import resume_page

__all__ = ["ResumeState", "resume_page"]
