"""The survey assistant, `/applications/{id}/survey`: paste or upload a survey, get suggested answers.

`state.py` holds `SurveyState` (its handlers and background events), `view.py` the page, and
`data.py` what both show and the database work the state runs off the event loop.
"""

from peregrine.pages.survey.state import SurveyState
from peregrine.pages.survey.view import survey_page

__all__ = ["SurveyState", "survey_page"]
