"""Where Peregrine keeps its files, and what the user told it in `config/`.

Paths come from environment variables first, so tests and second instances never
touch a user's data. The YAML files are optional: a missing file falls back to safe
defaults and a malformed one is reported (path and line), never a crash.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def config_dir() -> Path:
    return Path(os.environ.get("PEREGRINE_CONFIG_DIR", PROJECT_ROOT / "config"))


def _data_path() -> Path:
    return Path(os.environ.get("PEREGRINE_DATA_DIR", PROJECT_ROOT / "data"))


def data_dir() -> Path:
    path = _data_path()
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_url() -> str:
    """Read on every `db.engine()` call, so it touches no disk: the engine makes the folder once."""
    return os.environ.get("PEREGRINE_DB_URL") or f"sqlite:///{_data_path() / 'peregrine.db'}"


def app_port() -> int:
    return int(os.environ.get("PEREGRINE_PORT", "3000"))


@dataclass(frozen=True)
class ConfigNotice:
    """Something about a config file the user should see in Settings. A `missing` file is not a
    problem (the defaults hold, and a first start has none), so Settings shows it apart, calmly."""

    path: str
    message: str
    missing: bool = False


@dataclass(frozen=True)
class UserProfile:
    name: str = "Job Seeker"
    email: str = ""
    headline: str = ""
    candidate_accessibility_focus: bool = False
    candidate_lgbtq_focus: bool = False
    tier: Literal["free", "paid"] = "paid"
    notices: tuple[ConfigNotice, ...] = field(default=())

    @property
    def paid(self) -> bool:
        """The paid-tier features (prep, practice, surveys) are on."""
        return self.tier == "paid"


def read_yaml(name: str) -> tuple[dict[str, Any], list[ConfigNotice]]:
    """Read `config/<name>`; return its mapping and any notices about it."""
    path = config_dir() / name
    if not path.exists():
        return {}, [ConfigNotice(str(path), "not found; using defaults", missing=True)]
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        return {}, [ConfigNotice(str(path), f"could not be read{where}: {exc}; using defaults")]
    if loaded is None:
        return {}, []
    if not isinstance(loaded, dict):
        return {}, [ConfigNotice(str(path), "must be a mapping of keys to values; using defaults")]
    return loaded, []


def user_profile() -> UserProfile:
    """The profile of `config/user.yaml`, read again whenever the file changes (no restart needed)."""
    path = config_dir() / "user.yaml"
    try:
        stamp: int | None = path.stat().st_mtime_ns
    except OSError:
        stamp = None
    return _profile_at(str(path), stamp)


@lru_cache(maxsize=4)
def _profile_at(_path: str, _stamp: int | None) -> UserProfile:
    raw, notices = read_yaml("user.yaml")
    tier = raw.get("tier", "paid")
    if tier not in ("free", "paid"):
        notices.append(ConfigNotice("user.yaml", f"tier {tier!r} is not free or paid; using paid"))
        tier = "paid"
    return UserProfile(
        name=str(raw.get("name") or UserProfile.name),
        email=str(raw.get("email") or ""),
        headline=str(raw.get("headline") or ""),
        candidate_accessibility_focus=bool(raw.get("candidate_accessibility_focus", False)),
        candidate_lgbtq_focus=bool(raw.get("candidate_lgbtq_focus", False)),
        tier=tier,
        notices=tuple(notices),
    )
