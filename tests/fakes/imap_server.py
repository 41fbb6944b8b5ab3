"""A real IMAP server on 127.0.0.1 for the email tests: PyPI's pymap, in-memory ("dict" backend).

It runs as a child process on a free port with one user; tests fill its INBOX with real RFC 822
messages through IMAP APPEND and read flags back through a second, independent connection, so the
production client is tested against a server it does not share any code with.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Self

import pytest
from imapclient import IMAPClient

from peregrine.integrations.imap import ImapSettings
from tests.fakes.openai_server import free_port

USER = "alice@example.com"
PASSWORD = "correct horse battery staple"
PASSWORD_ENV = "PEREGRINE_TEST_IMAP_PASSWORD"

_RUN_PYMAP = "import sys; from pymap.main import main; sys.exit(main())"


class PymapServer:
    """``with PymapServer() as server: server.append(raw)``; `stop()`/`start()` keep the port."""

    def __init__(
        self,
        workdir: Path | None = None,
        *,
        port: int | None = None,
        tls_files: tuple[Path, Path] | None = None,
        starttls: bool = True,
    ) -> None:
        """`tls_files` (certificate, key) let it complete STARTTLS; `starttls=False` stops it offering it."""
        self.port = port or free_port()
        self.workdir = workdir
        self.tls_files = tls_files
        self.starttls = starttls
        self._process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 15.0) -> Self:
        if self._process is not None:
            return self
        command = [
            sys.executable,
            "-c",
            _RUN_PYMAP,
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            *(["--cert", str(self.tls_files[0]), "--key", str(self.tls_files[1])] if self.tls_files else []),
            *([] if self.starttls else ["--no-tls"]),
            "dict",
            "--demo-user",
            USER,
            "--demo-password",
            PASSWORD,
        ]
        self._process = subprocess.Popen(
            command, cwd=self.workdir, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL
        )
        deadline = time.monotonic() + timeout
        while True:
            if self._process.poll() is not None:
                error = self._process.stderr.read().decode(errors="replace") if self._process.stderr else ""
                self._process = None
                raise RuntimeError(f"pymap exited at start: {error}")
            # Not listening yet is an OSError: try again until the deadline.
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                if sock.recv(100).startswith(b"* OK"):
                    return self
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"pymap did not accept connections on port {self.port}")
            time.sleep(0.05)

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        if process.stderr is not None:
            process.stderr.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---- a second, independent connection, for filling the mailbox and checking it

    def client(self) -> IMAPClient:
        client = IMAPClient("127.0.0.1", port=self.port, ssl=False, timeout=10)
        client.login(USER, PASSWORD)
        return client

    def append(
        self, raw: bytes, *, flags: Iterable[bytes] = (), folder: str = "INBOX", when: datetime | None = None
    ) -> int:
        """APPEND one message; returns its UID."""
        client = self.client()
        try:
            answer = client.append(folder, raw, flags=tuple(flags), msg_time=when)
        finally:
            client.logout()
        # b"[APPENDUID <validity> <uid>] APPEND completed."
        return int(answer.split(b"]")[0].split()[-1])

    def create_folder(self, name: str) -> None:
        client = self.client()
        try:
            client.create_folder(name)
        finally:
            client.logout()

    def flags(self, folder: str = "INBOX") -> dict[int, frozenset[bytes]]:
        """Every message's flags, read without changing them (EXAMINE)."""
        client = self.client()
        try:
            client.select_folder(folder, readonly=True)
            found = client.fetch(client.search(["ALL"]), ["FLAGS"])
        finally:
            client.logout()
        return {uid: frozenset(data[b"FLAGS"]) - {b"\\Recent"} for uid, data in found.items()}

    def settings(self, **overrides: object) -> ImapSettings:
        """Settings for Peregrine's client: plain IMAP on 127.0.0.1 (set PASSWORD_ENV too)."""
        values: dict[str, object] = {
            "host": "127.0.0.1",
            "port": self.port,
            "tls": False,
            "user": USER,
            "password_env": PASSWORD_ENV,
            "folder": "INBOX",
            "timeout_s": 5.0,
            **overrides,
        }
        return ImapSettings(**values)  # type: ignore[arg-type]


@pytest.fixture
def imap_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[PymapServer]:
    """A running pymap with an empty INBOX; the password is in PASSWORD_ENV."""
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    server = PymapServer(tmp_path).start()
    try:
        yield server
    finally:
        server.stop()
