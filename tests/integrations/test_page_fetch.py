"""Add by URL's fetch against a real HTTP server on 127.0.0.1: refused by default, allowed only by
config, every redirect and DNS answer checked, the connection pinned to the checked address, and
limits on size and time."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from peregrine.integrations.page_fetch import (
    FetchRefused,
    FetchSettings,
    checked_address,
    fetch_page,
    is_public,
    load_fetch_settings,
)
from tests.fakes.posting_server import FakeCareerSite

LOOPBACK_ALLOWED = FetchSettings(allow_addresses=(ipaddress.ip_network("127.0.0.1/32"),), timeout_s=2)


@pytest.fixture(scope="module")
def site() -> Iterator[FakeCareerSite]:
    with FakeCareerSite() as server:
        yield server


def test_loopback_is_refused_by_default(site: FakeCareerSite) -> None:
    with pytest.raises(FetchRefused, match="private network"):
        fetch_page(site.url("/jobs/schema_org_json_ld"), FetchSettings())


def test_an_allowed_address_is_fetched(site: FakeCareerSite) -> None:
    fetched = fetch_page(site.url("/jobs/schema_org_json_ld"), LOOPBACK_ALLOWED)
    assert '"@type": "JobPosting"' in fetched.html


def test_a_redirect_to_loopback_is_refused() -> None:
    # A public name whose page redirects inside: the second hop is checked like the first.
    with FakeCareerSite() as inside:
        settings = FetchSettings(allow_addresses=(ipaddress.ip_network("127.0.0.1/32"),))
        redirect = inside.url(f"/redirect?to=http://[::ffff:127.0.0.1]:{inside.port}/jobs/x")
        with pytest.raises(FetchRefused, match=re.escape("::ffff:127.0.0.1")):
            fetch_page(redirect, settings)
        with pytest.raises(FetchRefused, match=re.escape("10.0.0.7")):
            fetch_page(inside.url("/redirect?to=http://10.0.0.7/admin"), settings)


def test_a_name_resolving_to_a_private_address_is_refused() -> None:
    for private in ("10.0.0.5", "169.254.169.254", "100.100.100.200", "fd00:ec2::254", "::1"):

        def answer(_host: str, _port: int, address: str = private) -> list[str]:
            return [address]

        with pytest.raises(FetchRefused, match="private network"):
            checked_address("https://jobs.example.test/1", FetchSettings(), answer)
    # One bad answer among good ones is enough to refuse.
    with pytest.raises(FetchRefused):
        checked_address("https://jobs.example.test/1", FetchSettings(), lambda _h, _p: ["8.8.8.8", "192.168.1.2"])


def test_the_connection_goes_to_the_checked_address_with_the_name(site: FakeCareerSite) -> None:
    # The resolver's answer is where the request goes; the server still hears the name asked for.
    fetched = fetch_page(
        f"http://postings.example.test:{site.port}/host", LOOPBACK_ALLOWED, resolve=lambda _h, _p: ["127.0.0.1"]
    )
    assert f"<h1>postings.example.test:{site.port}</h1>" in fetched.html


def test_other_schemes_and_credentials_are_refused() -> None:
    for url, reason in (
        ("file:///etc/passwd", "Only http"),
        ("gopher://example.com/", "Only http"),
        ("http://user:pw@example.com/", "user name or password"),
        ("http:///nohost", "no host"),
    ):
        with pytest.raises(FetchRefused, match=reason):
            fetch_page(url, FetchSettings())


def test_too_big_too_slow_and_not_a_page(site: FakeCareerSite) -> None:
    with pytest.raises(FetchRefused, match="over 5 MB"):
        fetch_page(site.url("/big"), LOOPBACK_ALLOWED)
    with pytest.raises(FetchRefused, match="within 2 seconds"):
        fetch_page(site.url("/slow"), LOOPBACK_ALLOWED)
    with pytest.raises(FetchRefused, match="not a web page"):
        fetch_page(site.url("/file"), LOOPBACK_ALLOWED)


def test_addresses_that_are_never_public() -> None:
    for text in (
        "127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.0.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",
        "224.0.0.1", "240.0.0.1", "::1", "fe80::1", "fc00::1", "ff02::1", "::ffff:10.0.0.1",
        "64:ff9b::7f00:1", "2002:7f00:1::",
    ):  # fmt: skip
        assert not is_public(ipaddress.ip_address(text)), text
    assert is_public(ipaddress.ip_address("8.8.8.8"))
    assert is_public(ipaddress.ip_address("2001:4860:4860::8888"))


def test_the_allow_list_comes_from_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PEREGRINE_CONFIG_DIR", str(tmp_path))
    assert load_fetch_settings().allow_addresses == ()
    (tmp_path / "services.yaml").write_text(
        "capture:\n  allow_addresses: [127.0.0.1, 10.0.0.0/8, nonsense]\n  timeout_s: 3\n", encoding="utf-8"
    )
    settings = load_fetch_settings()
    assert settings.allow_addresses == (ipaddress.ip_network("127.0.0.1/32"), ipaddress.ip_network("10.0.0.0/8"))
    assert settings.timeout_s == 3
    assert "nonsense" in settings.notices[0].message
