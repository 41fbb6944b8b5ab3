"""What Settings says about the configuration files: problems stand out, missing files do not."""

from __future__ import annotations

from pathlib import Path

import pytest

from peregrine.services.health import config_overview


@pytest.fixture
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PEREGRINE_CONFIG_DIR", str(tmp_path))
    monkeypatch.setenv("PEREGRINE_DATA_DIR", str(tmp_path / "data"))
    return tmp_path


def test_a_first_start_has_no_problems_only_files_not_there_yet(config_dir: Path) -> None:
    overview = config_overview()
    assert overview.notices == []
    # services.yaml is read for web search and for email: named once.
    assert overview.missing_files == [str(config_dir / name) for name in ("user.yaml", "llm.yaml", "services.yaml")]


def test_a_broken_file_is_a_problem_named_once(config_dir: Path) -> None:
    (config_dir / "services.yaml").write_text("searxng: [unclosed\n", encoding="utf-8")
    overview = config_overview()
    problems = [line for line in overview.notices if "services.yaml" in line]
    assert len(problems) == 1
    assert "could not be read" in problems[0]
    assert str(config_dir / "services.yaml") not in overview.missing_files
