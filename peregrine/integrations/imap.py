"""The mailbox, read over IMAP and never changed: the folder is opened read-only (EXAMINE) and
messages are fetched with ``BODY.PEEK[]``, so no ``\\Seen`` flag is set, nothing is moved or deleted.

Settings come from the ``imap:`` section of ``config/services.yaml``; the password is read from
the environment variable that ``password_env`` names, at the moment of logging in, and is never
logged, stored or shown. Without an ``imap:`` section (or without its ``host`` and ``user``) email
sync is off.

Every way a connection can fail becomes one `ImapError` whose message can be shown as it is and
names the failure exactly: `ImapDnsError` (the host name does not resolve), `ImapRefused` (nothing
listens on that port), `ImapTimeout`, `ImapTlsError` (TLS handshake or certificate), `ImapUnreachable`
(any other network error), `ImapPasswordMissing` (the environment variable is not set),
`ImapLoginFailed` (the server refused the user or password), `ImapFolderMissing` (no such folder)
and `ImapProtocolError` (the server broke off or answered something unexpected). The first five are
`ImapUnavailable`: the server could not be reached at all.

The client is IMAPClient (a thin, well-kept layer over the standard library's imaplib that parses
FETCH answers); it blocks, so async callers run it in a thread.
"""

from __future__ import annotations

import imaplib
import logging
import math
import os
import socket
import ssl
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Self

from imapclient import IMAPClient
from imapclient.exceptions import LoginError

from peregrine.config import ConfigNotice, config_dir, read_section
from peregrine.domain.email_rules import DEFAULT_MIN_CONFIDENCE

logger = logging.getLogger("peregrine.imap")

DEFAULT_PORT_TLS = 993
DEFAULT_PORT_PLAIN = 143
DEFAULT_PASSWORD_ENV = "PEREGRINE_IMAP_PASSWORD"
DEFAULT_FOLDER = "INBOX"
DEFAULT_POLL_SECONDS = 300
MIN_POLL_SECONDS = 60
DEFAULT_TIMEOUT_S = 20.0
DEFAULT_FIRST_SYNC_DAYS = 30

#: Messages up to this size are fetched whole; a larger one only its first `PARTIAL_BYTES` (the text
#: parts come first in practice; a big attachment after them is never downloaded).
WHOLE_MESSAGE_BYTES = 1_000_000
PARTIAL_BYTES = 256 * 1024
#: UIDs per FETCH command.
FETCH_CHUNK = 25

_KEYS = frozenset(
    {
        "host",
        "port",
        "tls",
        "user",
        "password_env",
        "folder",
        "poll_seconds",
        "min_confidence",
        "first_sync_days",
        "timeout_s",
        "ca_file",
    }
)


# --------------------------------------------------------------------------------------------------
# Settings


@dataclass(frozen=True)
class ImapSettings:
    """The ``imap:`` section of ``config/services.yaml`` (see config/services.yaml.example)."""

    host: str = ""
    port: int = DEFAULT_PORT_TLS
    #: TLS from the first byte (IMAPS).
    tls: bool = True
    #: A plain connection upgraded with STARTTLS before the login (never logged in without it).
    starttls: bool = False
    #: PEM certificates to trust besides the system's, e.g. a local mail bridge's self-signed one.
    ca_file: str = ""
    user: str = ""
    password_env: str = DEFAULT_PASSWORD_ENV
    folder: str = DEFAULT_FOLDER
    poll_seconds: int = DEFAULT_POLL_SECONDS
    min_confidence: float = DEFAULT_MIN_CONFIDENCE
    first_sync_days: int = DEFAULT_FIRST_SYNC_DAYS
    timeout_s: float = DEFAULT_TIMEOUT_S
    notices: tuple[ConfigNotice, ...] = field(default=(), compare=False)

    @property
    def configured(self) -> bool:
        """Email sync is on: there is a host and a user to log in as."""
        return bool(self.host and self.user)

    @property
    def address(self) -> str:
        if not self.host:
            return ""
        scheme = "imaps" if self.tls else "imap"
        return f"{scheme}://{self.host}:{self.port}" + (" (STARTTLS)" if self.starttls else "")

    @property
    def encrypted(self) -> bool:
        return self.tls or self.starttls

    def tls_context(self) -> ssl.SSLContext:
        """The system's trusted certificates, plus `ca_file`'s; host names are always checked."""
        context = ssl.create_default_context()
        if self.ca_file:
            context.load_verify_locations(cafile=self.ca_file)
        return context

    def password(self) -> str:
        """The password from the environment (read now, never kept); `ImapPasswordMissing` if unset."""
        value = os.environ.get(self.password_env)
        if not value:
            raise ImapPasswordMissing(self)
        return value

    @property
    def password_set(self) -> bool:
        return bool(os.environ.get(self.password_env))


def load_imap_settings() -> ImapSettings:
    """Read the ``imap`` section of ``config/services.yaml``; never raises.

    A missing section means email sync is off. Anything malformed becomes a `ConfigNotice` (shown in
    Settings) and its default is used instead.
    """
    section, notices, path = read_section(
        "services.yaml", "imap", not_a_mapping="`imap` must be a mapping of host, port, user…; email sync is off"
    )
    if section is None:
        return ImapSettings(notices=tuple(notices))

    def notice(message: str) -> None:
        notices.append(ConfigNotice(path, message))

    def text(key: str, default: str) -> str:
        value = section.get(key)
        if value is None:
            return default
        if not isinstance(value, str | int) or isinstance(value, bool) or not str(value).strip():
            notice(f"imap.{key} {value!r} is not a text value; using {default!r}")
            return default
        return str(value).strip()

    def number(key: str, default: float, low: float, high: float, *, integer: bool = False) -> float:
        value = section.get(key)
        if value is None:
            return default
        if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
            notice(f"imap.{key} {value!r} is not a number; using {default:g}")
            return default
        if integer and value != int(value):
            notice(f"imap.{key} {value!r} is not a whole number; using {default:g}")
            return default
        if not low <= value <= high:
            clamped = min(max(value, low), high)
            notice(f"imap.{key} {value!r} is outside {low:g} to {high:g}; using {clamped:g}")
            return clamped
        return value

    tls_value = section.get("tls", True)
    starttls = isinstance(tls_value, str) and tls_value.strip().lower() == "starttls"
    if starttls:
        tls_value = False
    elif not isinstance(tls_value, bool):
        notice(f"imap.tls {tls_value!r} is not true, false or starttls; using true")
        tls_value = True
    ca_file = text("ca_file", "")
    if ca_file:
        ca_path = Path(ca_file).expanduser()
        ca_path = ca_path if ca_path.is_absolute() else config_dir() / ca_path
        if not ca_path.is_file():
            notice(f"imap.ca_file {ca_file!r} is not a file; only the system's certificates are trusted")
            ca_file = ""
        else:
            ca_file = str(ca_path)
    host = text("host", "")
    user = text("user", "")
    if not host or not user:
        missing = " and ".join(key for key, value in (("host", host), ("user", user)) if not value)
        notice(f"imap.{missing} {'is' if ' and ' not in missing else 'are'} required; email sync is off")
    unknown = sorted(str(key) for key in section if key not in _KEYS)
    if unknown:
        notice(f"unknown key(s) under imap ignored: {', '.join(unknown)}")
    default_port = DEFAULT_PORT_TLS if tls_value else DEFAULT_PORT_PLAIN
    return ImapSettings(
        host=host,
        port=int(number("port", default_port, 1, 65535, integer=True)),
        tls=tls_value,
        starttls=starttls,
        ca_file=ca_file,
        user=user,
        password_env=text("password_env", DEFAULT_PASSWORD_ENV),
        folder=text("folder", DEFAULT_FOLDER),
        poll_seconds=int(number("poll_seconds", DEFAULT_POLL_SECONDS, MIN_POLL_SECONDS, 86_400, integer=True)),
        min_confidence=float(number("min_confidence", DEFAULT_MIN_CONFIDENCE, 0.0, 1.0)),
        first_sync_days=int(number("first_sync_days", DEFAULT_FIRST_SYNC_DAYS, 1, 3650, integer=True)),
        timeout_s=float(number("timeout_s", DEFAULT_TIMEOUT_S, 1, 300)),
        notices=tuple(notices),
    )


# --------------------------------------------------------------------------------------------------
# Errors


class ImapError(Exception):
    """The mailbox could not be read; `str()` says exactly why, fit to show the user.

    `kind` names the failure in one word ("dns", "refused", "timeout", "tls", "unreachable",
    "password", "login", "folder", "protocol", "not_configured") for code and tests.
    """

    kind = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ImapNotConfigured(ImapError):
    kind = "not_configured"

    def __init__(self) -> None:
        super().__init__(
            "Email sync is off: add an `imap:` section with host and user to config/services.yaml "
            "(see config/services.yaml.example)."
        )


class ImapUnavailable(ImapError):
    """The server could not be reached at all (the next four and `ImapUnreachable`)."""


class ImapDnsError(ImapUnavailable):
    kind = "dns"


class ImapRefused(ImapUnavailable):
    kind = "refused"


class ImapTimeout(ImapUnavailable):
    kind = "timeout"


class ImapTlsError(ImapUnavailable):
    kind = "tls"


class ImapUnreachable(ImapUnavailable):
    kind = "unreachable"


class ImapPasswordMissing(ImapError):
    kind = "password"

    def __init__(self, settings: ImapSettings) -> None:
        super().__init__(
            f"The environment variable {settings.password_env} (imap.password_env) is not set: "
            "set it to the mailbox password before starting Peregrine."
        )


class ImapLoginFailed(ImapError):
    kind = "login"


class ImapFolderMissing(ImapError):
    kind = "folder"


class ImapProtocolError(ImapError):
    kind = "protocol"


def _connection_error(exc: BaseException, settings: ImapSettings) -> ImapError:
    """The exact failure behind an exception raised while connecting (OS, TLS or imaplib errors)."""
    where = f"{settings.host}:{settings.port}"
    if isinstance(exc, socket.gaierror):
        return ImapDnsError(
            f"The IMAP host name {settings.host!r} could not be resolved ({exc.strerror or exc}): check imap.host."
        )
    if isinstance(exc, ssl.SSLCertVerificationError):
        return ImapTlsError(
            f"The TLS certificate of {where} could not be verified ({exc.verify_message or exc.reason})."
        )
    if isinstance(exc, ssl.SSLError):
        hint = (
            " Is this port plain IMAP? Then set imap.tls: starttls (or use the TLS port, usually 993)."
            if settings.tls
            else ""
        )
        return ImapTlsError(f"The TLS handshake with {where} failed ({exc.reason or exc}).{hint}")
    if isinstance(exc, ConnectionRefusedError):
        return ImapRefused(
            f"The connection to {where} was refused: no IMAP server is listening there (check imap.host and imap.port)."
        )
    if isinstance(exc, TimeoutError):
        return ImapTimeout(f"{where} did not answer within {settings.timeout_s:g} s.")
    if isinstance(exc, OSError):
        return ImapUnreachable(f"{where} could not be reached: {exc.strerror or exc}.")
    if isinstance(exc, imaplib.IMAP4.abort):
        return ImapProtocolError(f"The IMAP server at {where} closed the connection ({_text(exc)}).")
    return ImapProtocolError(f"The IMAP server at {where} answered something unexpected ({_text(exc)}).")


def _text(exc: BaseException) -> str:
    """An imaplib error's message as text (imaplib hands bytes from the server)."""
    arg = exc.args[0] if exc.args else exc
    if isinstance(arg, bytes):
        return arg.decode("utf-8", "replace")
    return str(arg) or type(exc).__name__


# --------------------------------------------------------------------------------------------------
# Reading


@dataclass(frozen=True)
class FolderInfo:
    uid_validity: int | None
    uid_next: int | None
    exists: int


@dataclass(frozen=True)
class FetchedMessage:
    """One message as the server holds it: its bytes (cut at `PARTIAL_BYTES` when `truncated`)."""

    uid: int
    raw: bytes
    size: int
    internal_date: datetime | None
    truncated: bool = False


class ImapMailbox:
    """A read-only session on the configured folder: ``with ImapMailbox(settings) as box: …``.

    Connecting logs in and opens the folder with EXAMINE; every error is an `ImapError`.
    """

    def __init__(self, settings: ImapSettings) -> None:
        if not settings.configured:
            raise ImapNotConfigured()
        self.settings = settings
        self._client: IMAPClient | None = None
        self.folder: FolderInfo | None = None

    def __enter__(self) -> Self:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def open(self) -> None:
        settings = self.settings
        password = settings.password()
        try:
            context = settings.tls_context() if settings.encrypted else None
            client = IMAPClient(
                settings.host,
                port=settings.port,
                ssl=settings.tls,
                ssl_context=context if settings.tls else None,
                timeout=settings.timeout_s,
            )
        except (OSError, imaplib.IMAP4.error) as exc:
            raise _connection_error(exc, settings) from None
        client.normalise_times = False  # INTERNALDATE with its time zone, not naive local time
        self._client = client
        try:
            if settings.starttls and context is not None:
                self._start_tls(client, context)
            try:
                client.login(settings.user, password)
            except LoginError as exc:
                raise ImapLoginFailed(
                    f"The IMAP server at {settings.host} refused the login of {settings.user!r} ({_text(exc)}): "
                    f"check imap.user and the password in {settings.password_env}."
                ) from None
            try:
                info = client.select_folder(settings.folder, readonly=True)
            except imaplib.IMAP4.abort as exc:
                raise _connection_error(exc, settings) from None
            except imaplib.IMAP4.error as exc:
                raise ImapFolderMissing(
                    f"The folder {settings.folder!r} could not be opened on {settings.host} ({_text(exc)}): "
                    f"check imap.folder{self._folder_hint(client)}."
                ) from None
        except ImapError:
            self.close()
            raise
        except (OSError, imaplib.IMAP4.error) as exc:
            self.close()
            raise _connection_error(exc, settings) from None
        self.folder = FolderInfo(
            uid_validity=_int(info.get(b"UIDVALIDITY")),
            uid_next=_int(info.get(b"UIDNEXT")),
            exists=_int(info.get(b"EXISTS")) or 0,
        )

    def _start_tls(self, client: IMAPClient, context: ssl.SSLContext) -> None:
        """Upgrade the connection before anything secret is sent; a server without STARTTLS is refused
        rather than given the password in clear."""
        if b"STARTTLS" not in client.capabilities():
            raise ImapTlsError(
                f"{self.settings.host}:{self.settings.port} does not offer STARTTLS, so the password would be "
                "sent unencrypted: use its TLS port instead (imap.tls: true, usually 993)."
            )
        client.starttls(context)

    def close(self) -> None:
        client, self._client = self._client, None
        if client is None:
            return
        try:
            client.logout()
        except Exception:  # a connection that is already gone has nothing left to close
            try:
                client.shutdown()
            except Exception:
                logger.debug("closing an IMAP connection that was already gone", exc_info=True)

    @property
    def client(self) -> IMAPClient:
        if self._client is None:
            raise ImapProtocolError("The IMAP connection is not open.")
        return self._client

    def uids_after(self, last_uid: int, *, since: date | None = None) -> list[int]:
        """The UIDs above `last_uid`, ascending; with `since`, only messages that arrived on or after it."""
        criteria: list[Any] = ["UID", f"{last_uid + 1}:*"]
        if since is not None:
            criteria += ["SINCE", since]
        found = self._call(lambda: self.client.search(criteria))
        # "N:*" always matches the newest message, even when its UID is below N.
        return sorted(uid for uid in found if uid > last_uid)

    def fetch(self, uids: list[int]) -> Iterator[FetchedMessage]:
        """The messages, without setting any flag (``BODY.PEEK``), a few per command."""
        for start in range(0, len(uids), FETCH_CHUNK):
            chunk = uids[start : start + FETCH_CHUNK]
            sizes = self._call(lambda chunk=chunk: self.client.fetch(chunk, ["RFC822.SIZE", "INTERNALDATE"]))
            whole = [uid for uid in chunk if (_int(sizes.get(uid, {}).get(b"RFC822.SIZE")) or 0) <= WHOLE_MESSAGE_BYTES]
            large = [uid for uid in chunk if uid not in whole]
            bodies: dict[int, bytes] = {}
            if whole:
                answer = self._call(lambda whole=whole: self.client.fetch(whole, ["BODY.PEEK[]"]))
                bodies |= {uid: data.get(b"BODY[]") or b"" for uid, data in answer.items()}
            if large:
                answer = self._call(lambda large=large: self.client.fetch(large, [f"BODY.PEEK[]<0.{PARTIAL_BYTES}>"]))
                bodies |= {uid: data.get(b"BODY[]<0>") or b"" for uid, data in answer.items()}
            for uid in chunk:
                if uid not in bodies:
                    continue  # expunged between the search and the fetch
                meta = sizes.get(uid, {})
                yield FetchedMessage(
                    uid=uid,
                    raw=bodies[uid],
                    size=_int(meta.get(b"RFC822.SIZE")) or len(bodies[uid]),
                    internal_date=_aware(meta.get(b"INTERNALDATE")),
                    truncated=uid in large,
                )

    def _call(self, operation: Any) -> Any:
        try:
            return operation()
        except (OSError, imaplib.IMAP4.error) as exc:
            raise _connection_error(exc, self.settings) from None

    @staticmethod
    def _folder_hint(client: IMAPClient) -> str:
        try:
            names = [name for _flags, _sep, name in client.list_folders()]
        except Exception:
            return ""
        shown = ", ".join(repr(name) for name in names[:12]) + (", …" if len(names) > 12 else "")
        return f"; the server has {shown}" if names else ""


def _int(value: object) -> int | None:
    if isinstance(value, int):
        return value
    if isinstance(value, bytes | str):
        try:
            return int(value)
        except ValueError:
            return None
    if isinstance(value, list | tuple) and value:
        return _int(value[0])
    return None


def _aware(value: object) -> datetime | None:
    if not isinstance(value, datetime):
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


# --------------------------------------------------------------------------------------------------
# The Settings page's "Test connection"


@dataclass(frozen=True)
class ConnectionCheck:
    """What "Test connection" found: success with the folder's size, or the exact failure."""

    ok: bool
    message: str
    error: ImapError | None = None
    latency_ms: float | None = None
    messages: int | None = None

    @property
    def kind(self) -> str:
        return "ok" if self.error is None else self.error.kind


def check_connection(settings: ImapSettings | None = None) -> ConnectionCheck:
    """Connect, log in and open the folder read-only, then leave. Never raises (it blocks: run it in a thread)."""
    settings = settings if settings is not None else load_imap_settings()
    started = time.perf_counter()
    try:
        with ImapMailbox(settings) as box:
            exists = box.folder.exists if box.folder else 0
    except ImapError as exc:
        logger.info("IMAP check of %s failed (%s): %s", settings.address or "(not configured)", exc.kind, exc)
        return ConnectionCheck(False, str(exc), error=exc)
    latency = round((time.perf_counter() - started) * 1000, 1)
    plural = "" if exists == 1 else "s"
    return ConnectionCheck(
        True,
        f"Connected to {settings.host} as {settings.user}; {settings.folder} holds {exists} message{plural} "
        "(opened read-only).",
        latency_ms=latency,
        messages=exists,
    )
