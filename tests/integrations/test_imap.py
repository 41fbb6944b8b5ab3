"""The IMAP client against a real IMAP server (pymap) on 127.0.0.1: settings, errors, read-only reads."""

from __future__ import annotations

import logging
import ssl
from pathlib import Path

import pytest
import trustme
import yaml

from peregrine.integrations.imap import (
    PARTIAL_BYTES,
    ImapDnsError,
    ImapFolderMissing,
    ImapLoginFailed,
    ImapMailbox,
    ImapNotConfigured,
    ImapPasswordMissing,
    ImapRefused,
    ImapSettings,
    ImapTlsError,
    check_connection,
    load_imap_settings,
)
from tests.fakes import imap_server as imap_fixtures
from tests.fakes import mail_samples
from tests.fakes.imap_server import PASSWORD, PASSWORD_ENV, USER, PymapServer
from tests.fakes.openai_server import free_port

imap_server = imap_fixtures.imap_server


def write_services(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, document: object) -> Path:
    directory = tmp_path / "config"
    directory.mkdir(exist_ok=True)
    (directory / "services.yaml").write_text(yaml.safe_dump(document), encoding="utf-8")
    monkeypatch.setenv("PEREGRINE_CONFIG_DIR", str(directory))
    return directory


# ------------------------------------------------------------------------------------------------
# settings


def test_no_imap_section_means_email_sync_is_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_services(tmp_path, monkeypatch, {"searxng": {"url": "http://localhost:8888"}})

    settings = load_imap_settings()

    assert not settings.configured
    assert settings.notices == ()
    with pytest.raises(ImapNotConfigured):
        ImapMailbox(settings)


def test_settings_are_read_with_their_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_services(tmp_path, monkeypatch, {"imap": {"host": "imap.example.com", "user": "me@example.com"}})

    settings = load_imap_settings()

    assert settings.configured
    assert (settings.port, settings.tls, settings.folder, settings.poll_seconds) == (993, True, "INBOX", 300)
    assert settings.password_env == "PEREGRINE_IMAP_PASSWORD"
    assert settings.min_confidence == 0.6
    assert settings.address == "imaps://imap.example.com:993"


def test_bad_values_become_notices_and_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_services(
        tmp_path,
        monkeypatch,
        {
            "imap": {
                "host": "imap.example.com",
                "user": "me@example.com",
                "tls": "yes",
                "port": "lots",
                "poll_seconds": 5,
                "min_confidence": 2,
                "colour": "blue",
            }
        },
    )

    settings = load_imap_settings()
    messages = " | ".join(notice.message for notice in settings.notices)

    assert settings.tls is True
    assert settings.port == 993
    assert settings.poll_seconds == 60
    assert settings.min_confidence == 1.0
    assert "imap.tls" in messages
    assert "imap.port" in messages
    assert "imap.poll_seconds 5 is outside" in messages
    assert "colour" in messages


def test_a_section_without_host_is_off_with_a_notice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_services(tmp_path, monkeypatch, {"imap": {"user": "me@example.com"}})

    settings = load_imap_settings()

    assert not settings.configured
    assert any("imap.host is required" in notice.message for notice in settings.notices)


def test_plain_imap_defaults_to_port_143(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_services(tmp_path, monkeypatch, {"imap": {"host": "localhost", "user": "me", "tls": False}})

    assert load_imap_settings().port == 143


# ------------------------------------------------------------------------------------------------
# Test connection: success, or exactly what failed


def test_check_connection_succeeds_and_counts_the_folder(imap_server: PymapServer) -> None:
    imap_server.append(mail_samples.plain("hr@acme.example", "Hello", "Hi there."))

    result = check_connection(imap_server.settings())

    assert result.ok, result.message
    assert result.kind == "ok"
    assert result.messages == 1
    assert "INBOX holds 1 message" in result.message
    assert result.latency_ms is not None


def test_a_wrong_password_is_a_login_failure_that_never_shows_the_password(
    imap_server: PymapServer, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv(PASSWORD_ENV, "not the password")
    caplog.set_level(logging.DEBUG)

    result = check_connection(imap_server.settings())

    assert not result.ok
    assert isinstance(result.error, ImapLoginFailed)
    assert result.kind == "login"
    assert USER in result.message
    assert PASSWORD_ENV in result.message
    assert "not the password" not in result.message
    assert "not the password" not in caplog.text
    assert PASSWORD not in caplog.text


def test_a_missing_password_variable_is_named(imap_server: PymapServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(PASSWORD_ENV)

    result = check_connection(imap_server.settings())

    assert isinstance(result.error, ImapPasswordMissing)
    assert f"{PASSWORD_ENV} (imap.password_env) is not set" in result.message


def test_a_missing_folder_names_the_folders_there_are(imap_server: PymapServer) -> None:
    result = check_connection(imap_server.settings(folder="Jobs"))

    assert isinstance(result.error, ImapFolderMissing)
    assert "'Jobs'" in result.message
    assert "'INBOX'" in result.message


def test_nothing_listening_is_a_refused_connection(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    port = free_port()
    settings = ImapSettings(host="127.0.0.1", port=port, tls=False, user=USER, password_env=PASSWORD_ENV)

    result = check_connection(settings)

    assert isinstance(result.error, ImapRefused)
    assert f"127.0.0.1:{port} was refused" in result.message


def test_an_unknown_host_is_a_dns_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    settings = ImapSettings(host="imap.nowhere.invalid", user=USER, password_env=PASSWORD_ENV, timeout_s=5)

    result = check_connection(settings)

    assert isinstance(result.error, ImapDnsError)
    assert "'imap.nowhere.invalid' could not be resolved" in result.message


def test_tls_against_a_plain_server_is_a_tls_failure(imap_server: PymapServer) -> None:
    result = check_connection(imap_server.settings(tls=True))

    assert isinstance(result.error, ImapTlsError)
    assert "TLS handshake" in result.message
    assert "imap.tls: starttls" in result.message


# ------------------------------------------------------------------------------------------------
# STARTTLS: a plain port upgraded before the login, as mail bridges and port 143 servers offer


@pytest.fixture
def tls_files(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A throwaway certificate authority: (its certificate, the server's certificate, its key)."""
    authority = trustme.CA()
    issued = authority.issue_cert("127.0.0.1", "localhost")
    ca_pem, cert_pem, key_pem = tmp_path / "ca.pem", tmp_path / "server.pem", tmp_path / "server.key"
    authority.cert_pem.write_to_path(str(ca_pem))
    for index, blob in enumerate(issued.cert_chain_pems):
        blob.write_to_path(str(cert_pem), append=index > 0)
    issued.private_key_pem.write_to_path(str(key_pem))
    return ca_pem, cert_pem, key_pem


def test_starttls_encrypts_the_connection_before_the_login(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tls_files: tuple[Path, Path, Path]
) -> None:
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    ca_pem, cert_pem, key_pem = tls_files
    with PymapServer(tmp_path, tls_files=(cert_pem, key_pem)) as server:
        uid = server.append(mail_samples.plain("hr@acme.example", "Hello", "Hi there."))
        with ImapMailbox(server.settings(starttls=True, ca_file=str(ca_pem))) as box:
            assert isinstance(box.client.socket(), ssl.SSLSocket)
            assert box.uids_after(0) == [uid]


def test_starttls_with_a_certificate_nobody_vouches_for_is_a_tls_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tls_files: tuple[Path, Path, Path]
) -> None:
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    _, cert_pem, key_pem = tls_files
    with PymapServer(tmp_path, tls_files=(cert_pem, key_pem)) as server:
        result = check_connection(server.settings(starttls=True))

    assert isinstance(result.error, ImapTlsError)
    assert "could not be verified" in result.message


def test_a_server_without_starttls_is_never_sent_the_password(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PASSWORD_ENV, PASSWORD)
    with PymapServer(tmp_path, starttls=False) as server:
        result = check_connection(server.settings(starttls=True))

    assert isinstance(result.error, ImapTlsError)
    assert "does not offer STARTTLS" in result.message
    assert "imap.tls: true" in result.message


def test_starttls_and_a_certificate_file_in_the_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    directory = write_services(
        tmp_path, monkeypatch, {"imap": {"host": "127.0.0.1", "user": "me", "tls": "starttls", "ca_file": "bridge.pem"}}
    )
    (directory / "bridge.pem").write_text("", encoding="utf-8")
    settings = load_imap_settings()
    assert (settings.tls, settings.starttls, settings.port) == (False, True, 143)
    assert settings.ca_file == str(directory / "bridge.pem")
    assert settings.address == "imap://127.0.0.1:143 (STARTTLS)"

    write_services(tmp_path, monkeypatch, {"imap": {"host": "127.0.0.1", "user": "me", "ca_file": "missing.pem"}})
    settings = load_imap_settings()
    assert settings.ca_file == ""
    assert any("imap.ca_file 'missing.pem' is not a file" in notice.message for notice in settings.notices)


# ------------------------------------------------------------------------------------------------
# reading: read-only, no \Seen


def test_reading_sets_no_flag_and_cuts_large_messages(imap_server: PymapServer) -> None:
    small = imap_server.append(mail_samples.plain("hr@acme.example", "Hello", "Hi there."))
    seen = imap_server.append(mail_samples.plain("hr@acme.example", "Old", "Read already."), flags=[b"\\Seen"])
    large = imap_server.append(
        mail_samples.with_attachment(
            "hr@acme.example", "CV", "See attached.", attachment=b"%PDF" + b"x" * 1_500_000, filename="cv.pdf"
        )
    )
    before = imap_server.flags()

    with ImapMailbox(imap_server.settings()) as box:
        uids = box.uids_after(0)
        messages = {message.uid: message for message in box.fetch(uids)}
        assert box.uids_after(large) == []
        assert box.uids_after(small) == [seen, large]

    assert uids == [small, seen, large]
    assert b"Hi there." in messages[small].raw
    assert not messages[small].truncated
    assert messages[large].truncated
    assert len(messages[large].raw) == PARTIAL_BYTES
    assert messages[large].size > 1_500_000
    arrived = messages[small].internal_date
    assert arrived is not None
    assert arrived.tzinfo is not None
    assert imap_server.flags() == before
    assert before[small] == frozenset()
    assert before[seen] == frozenset({b"\\Seen"})
