"""Interview prep for one job: the prep page and its reference sheet, over one state.

`state` reads and changes the prep, `page` lays out the page (with `sections` for one section and
its dialogs), `sheet` the condensed sheet kept open beside a call.
"""

from peregrine.pages.prep.page import prep_page
from peregrine.pages.prep.sheet import sheet_page
from peregrine.pages.prep.state import PrepState

__all__ = ["PrepState", "prep_page", "sheet_page"]
