"""Schemathesis against the served OpenAPI document: generated requests to every operation must
never get a 5xx, and every answer must match the documented schema and status codes."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance, status_code_conformance
from schemathesis.core.result import Ok

from peregrine import db
from peregrine.services import api_tokens
from peregrine.services.candidates import current_candidate

pytestmark = [pytest.mark.browser]


@pytest.fixture(scope="session")
def api_token(app_data: object) -> str:
    with db.session_scope() as session:
        _, plaintext = api_tokens.create_token(session, current_candidate(session).id or 0, "schemathesis")
    return plaintext


def test_no_server_error_and_no_schema_violation(api_url: str, api_token: str) -> None:
    schema = schemathesis.openapi.from_url(f"{api_url}/api/openapi.json")
    headers = {"Authorization": f"Bearer {api_token}"}
    checks = [not_a_server_error, response_schema_conformance, status_code_conformance]
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), f"the OpenAPI document has an operation schemathesis cannot read: {result}"
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def call(case: Any) -> None:
            case.call_and_validate(base_url=api_url, headers=headers, checks=checks)

        try:
            call()
        except Exception as exc:  # collect every operation's failure, then report them all
            failures.append(f"{operation.label}: {str(exc)[:600]}")
    assert operations >= 15
    assert not failures, "\n\n".join(failures)
