"""The import page, `/import`: a spreadsheet of applications onto the board, checked before it is written.

`state.py` holds `ImportState`, `view.py` the page and its steps.
"""

from peregrine.pages.imports.state import ImportState
from peregrine.pages.imports.view import import_page

__all__ = ["ImportState", "import_page"]
