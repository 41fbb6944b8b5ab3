"""The add/edit job dialog (used by the board, the job page and the bookmarklet's /capture):
`state` holds `JobFormState`, `view` draws `job_dialog`."""

from peregrine.pages.job_form.state import JobFormState
from peregrine.pages.job_form.view import job_dialog

__all__ = ["JobFormState", "job_dialog"]
