"""Fixtures shared by every test folder."""

pytest_plugins = ["tests.fakes.fixtures", "tests.fakes.searxng_fixtures"]
