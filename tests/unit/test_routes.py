"""The URL builders: the same address from Python values and, in the browser, from Reflex vars."""

from __future__ import annotations

import reflex as rx

from peregrine import routes


def test_urls_from_python_values() -> None:
    assert routes.job_url(12) == "/applications/12"
    assert routes.prep_url(3) == "/applications/3/interview-prep"
    assert routes.prep_url(3, 9) == "/applications/3/interview-prep?interview_id=9"
    assert routes.prep_sheet_url("3", 9) == "/applications/3/interview-prep/sheet?interview_id=9"
    assert routes.survey_url(5) == "/applications/5/survey"
    assert routes.search_log_url("2026-03-01", "2026-03-31") == "/log?from=2026-03-01&to=2026-03-31"
    assert routes.export_download_path("abc") == "/api/v1/export/download/abc"


def test_urls_from_vars_quote_no_string_and_stringify_numbers() -> None:
    url = str(routes.prep_url(rx.Var.create("4"), rx.Var.create(7)))
    assert '"/applications/4"' in url
    assert "JSON.stringify(7)" in url
    assert 'JSON.stringify("4")' not in url  # a string var is used as it is, never quoted again


def test_every_page_route_is_one_of_the_patterns() -> None:
    from peregrine.peregrine import app

    registered = set(app._unevaluated_pages)
    patterns = {
        value.strip("/") or "index"
        for name, value in vars(routes).items()
        if name.isupper() and isinstance(value, str) and value not in routes.OUTSIDE_REFLEX
    }
    assert patterns <= {route.strip("/") or "index" for route in registered}
