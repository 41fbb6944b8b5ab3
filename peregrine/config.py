"""Where Peregrine keeps its files, and what the user told it in `config/`.

Paths come from environment variables first, so tests and second instances never
touch a user's data. What Peregrine writes under the data folder is its owner's only
(0700 folders, 0600 files: `private_dir`, `write_private`). The YAML files are optional:
a missing file falls back to safe defaults and a malformed one is reported (path and
line), never a crash.
"""

from __future__ import annotations

import logging
import os
import stat
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO, Literal

import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent
logger = logging.getLogger(__name__)


def config_dir() -> Path:
    return Path(os.environ.get("PEREGRINE_CONFIG_DIR", PROJECT_ROOT / "config"))


def data_location() -> Path:
    """Where the data folder is, touching no disk (`data_dir` makes it)."""
    return Path(os.environ.get("PEREGRINE_DATA_DIR", PROJECT_ROOT / "data"))


def data_dir() -> Path:
    """The data folder (the SQLite file, uploads), made and kept readable by its owner only."""
    path = data_location()
    private_dir(path, tighten=True)
    return path


# ----------------------------------------------------------------------------- private files
# Everything under the data folder is someone's job search: the database, screenshots of their
# surveys, a first-start API token. Folders are 0700 and files 0600, set explicitly where they are
# made rather than by os.umask(0o077) at the entry points: the modes then hold whichever way the
# code runs (make run, the container, `python -m peregrine`, a test, a script importing it), and a
# process-wide umask would also change what Reflex, Bun and every library write elsewhere (.web/).
# SQLite gives its -wal and -shm files the mode of the database file, so those follow `db.py`.
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def private_dir(path: Path, *, tighten: bool = False) -> Path:
    """Make `path` and any missing parents, each 0700. With `tighten`, an existing `path` that is
    ours is narrowed to 0700 too (never a shared folder such as /tmp: sticky, or someone else's)."""
    missing: list[Path] = []
    for folder in (path, *path.parents):
        if folder.exists():
            break
        missing.append(folder)
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=PRIVATE_DIR_MODE)
        except FileExistsError:
            continue  # made meanwhile by another worker: it is checked below like any existing one
        os.chmod(folder, PRIVATE_DIR_MODE)  # mkdir's mode passes through the umask; this does not
    if tighten and path not in missing:
        tighten_mode(path, PRIVATE_DIR_MODE)
    return path


def tighten_mode(path: Path, mode: int) -> None:
    """Narrow an existing file or folder of ours to `mode`; leave anything shared or foreign alone."""
    try:
        found = path.stat()
    except FileNotFoundError:
        return
    shared = found.st_mode & stat.S_ISVTX or found.st_uid != os.getuid()
    if shared or stat.S_IMODE(found.st_mode) & ~mode == 0:
        return
    try:
        os.chmod(path, stat.S_IMODE(found.st_mode) & mode)
    except OSError as exc:  # a read-only mount, say: the data stays usable, the owner is told
        logger.warning("Could not make %s private (mode %o): %s", path, mode, exc)


def write_private(path: Path, data: bytes) -> None:
    """Write `data` to a new or replaced file that only its owner can read (0600 from the start)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE_MODE)
    with os.fdopen(descriptor, "wb") as file:
        os.fchmod(file.fileno(), PRIVATE_FILE_MODE)  # an existing file keeps its old mode otherwise
        file.write(data)


def open_private(path: Path) -> BinaryIO:
    """A new or replaced file opened for writing that only its owner can read (an export, an archive)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE_MODE)
    os.fchmod(descriptor, PRIVATE_FILE_MODE)
    return os.fdopen(descriptor, "wb")


def database_url() -> str:
    """Read on every `db.engine()` call, so it touches no disk: the engine makes the folder once."""
    return os.environ.get("PEREGRINE_DB_URL") or f"sqlite:///{data_location() / 'peregrine.db'}"


def public_url() -> str | None:
    """`PEREGRINE_PUBLIC_URL`: the address people reach the app at beyond this machine, if any."""
    return os.environ.get("PEREGRINE_PUBLIC_URL", "").strip() or None


def app_port() -> int:
    return int(os.environ.get("PEREGRINE_PORT", "3000"))


@dataclass(frozen=True)
class ConfigNotice:
    """Something about a config file the user should see in Settings. A `missing` file is not a
    problem (the defaults hold, and a first start has none), so Settings shows it apart, calmly."""

    path: str
    message: str
    missing: bool = False


DEFAULT_BACKUPS_KEPT = 14


@dataclass(frozen=True)
class UserProfile:
    name: str = "Job Seeker"
    email: str = ""
    headline: str = ""
    candidate_accessibility_focus: bool = False
    candidate_lgbtq_focus: bool = False
    tier: Literal["free", "paid"] = "paid"
    #: How many database backups `data/backups/` keeps (the newest; older ones are deleted).
    backups_kept: int = DEFAULT_BACKUPS_KEPT
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


def read_section(name: str, key: str, *, not_a_mapping: str) -> tuple[dict[str, Any] | None, list[ConfigNotice], str]:
    """The mapping under `key` in `config/<name>`, the notices about the file, and its path.

    The mapping is None when the section is missing, or when it is not a mapping (then a notice
    says `not_a_mapping`); the caller then uses its defaults."""
    raw, notices = read_yaml(name)
    path = str(config_dir() / name)
    section = raw.get(key)
    if section is not None and not isinstance(section, dict):
        notices.append(ConfigNotice(path, not_a_mapping))
        section = None
    return section, notices, path


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
    backups_kept = raw.get("backups_kept", DEFAULT_BACKUPS_KEPT)
    if isinstance(backups_kept, bool) or not isinstance(backups_kept, int) or backups_kept < 1:
        message = f"backups_kept {backups_kept!r} is not a whole number of at least 1; using {DEFAULT_BACKUPS_KEPT}"
        notices.append(ConfigNotice("user.yaml", message))
        backups_kept = DEFAULT_BACKUPS_KEPT
    return UserProfile(
        name=str(raw.get("name") or UserProfile.name),
        email=str(raw.get("email") or ""),
        headline=str(raw.get("headline") or ""),
        candidate_accessibility_focus=bool(raw.get("candidate_accessibility_focus", False)),
        candidate_lgbtq_focus=bool(raw.get("candidate_lgbtq_focus", False)),
        tier=tier,
        backups_kept=backups_kept,
        notices=tuple(notices),
    )
