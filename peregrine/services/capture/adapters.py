"""Readers for the big ATSs' and boards' pages that publish no schema.org JobPosting (or whose
rendered page, as the extension sends it, lost it): Greenhouse, Lever, Ashby, Workday and
LinkedIn's job view, guest and signed in. Each reads the markup those sites keep stable — their
documented embed classes, `data-qa` and `data-automation-id` hooks — never hashed class names.

`read` tries the adapter of the page's host first, then any adapter whose markup is there (a
company site embedding a Greenhouse or Lever board).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from peregrine.domain import posting
from peregrine.services.capture.fields import CapturedFields
from peregrine.services.capture.html_tree import Element, Page
from peregrine.services.capture.markdown import to_markdown


@dataclass(frozen=True)
class Found:
    """What an adapter read: texts, and the description's element (turned into markdown once)."""

    title: str
    company: str = ""
    location: str = ""
    work_mode_hint: str = ""
    description: Element | None = None


def _text(element: Element | None) -> str:
    return element.text() if element is not None else ""


def _first(page: Page, *finders: Callable[[Element], Element | None]) -> Element | None:
    for finder in finders:
        found = finder(page.root)
        if found is not None:
            return found
    return None


def _title_part(page: Page, pattern: str) -> str:
    """A part of `<title>` or og:title, by a regex with one group ("Job Application for X at (Acme)")."""
    title_tag = page.root.find("title")
    for text in (page.meta("og:title"), _text(title_tag)):
        match = re.search(pattern, text)
        if match:
            return match.group(1).strip()
    return ""


def _greenhouse(page: Page, url: str) -> Found | None:
    # The classic board (boards.greenhouse.io: #app_body, .app-title) and the new one (job-boards…: .job__*).
    title = _first(page, lambda r: r.find(cls="app-title"), lambda r: r.find(cls="job__title"))
    if title is None:
        return None
    heading = title.find("h1") or title
    company = _text(page.root.find(cls="company-name")).removeprefix("at ").strip()
    return Found(
        title=heading.text(),
        company=company or _title_part(page, r"\bat (.+?)(?:\s*[-|\u2013]|$)"),
        location=_text(_first(page, lambda r: r.find(cls="location"), lambda r: r.find(cls="job__location"))),
        description=_first(page, lambda r: r.find(id="content"), lambda r: r.find(cls="job__description")),
    )


def _lever(page: Page, url: str) -> Found | None:
    headline = page.root.find(cls="posting-headline")
    if headline is None:
        return None
    company = _title_part(page, r"^(.+?) - ") or _lever_account(url)
    description = page.root.find(attr=("data-qa", "job-description")) or page.root.find(cls="content")
    return Found(
        title=_text(headline.find("h2") or headline),
        company=company,
        location=_text(page.root.find(cls="location")),
        work_mode_hint=_text(page.root.find(cls="workplaceTypes")),
        description=description,
    )


def _lever_account(url: str) -> str:
    parts = urlsplit(url)
    return parts.path.strip("/").split("/")[0] if (parts.hostname or "").endswith("lever.co") else ""


def _ashby(page: Page, url: str) -> Found | None:
    heading = page.root.find(cls="ashby-job-posting-heading")
    if heading is None:
        return None
    return Found(
        title=heading.text(),
        company=_title_part(page, r"@ (.+)$"),
        location=_text(page.root.find(cls="ashby-job-posting-brief-location")),
        description=page.root.find(cls="ashby-job-posting-description") or page.root.find(id="overview"),
    )


def _workday(page: Page, url: str) -> Found | None:
    header = page.root.find(attr=("data-automation-id", "jobPostingHeader"))
    if header is None:
        return None
    host = urlsplit(url).hostname or ""
    return Found(
        title=header.text(),
        company=page.meta("og:site_name") or (host.split(".")[0].title() if "myworkdayjobs" in host else ""),
        location=_text(page.root.find(attr=("data-automation-id", "locations"))).removeprefix("locations").strip(),
        work_mode_hint=_text(page.root.find(attr=("data-automation-id", "remoteType"))),
        description=page.root.find(attr=("data-automation-id", "jobPostingDescription")),
    )


def _linkedin(page: Page, url: str) -> Found | None:
    signed_in = page.root.find(cls="job-details-jobs-unified-top-card__job-title")
    if signed_in is not None:
        tertiary = page.root.find(cls="job-details-jobs-unified-top-card__tertiary-description-container")
        first_part = tertiary.find("span") if tertiary is not None else None
        return Found(
            title=signed_in.text(),
            company=_text(page.root.find(cls="job-details-jobs-unified-top-card__company-name")),
            location=_text(first_part),
            work_mode_hint=_text(page.root.find(cls="job-details-fit-level-preferences"))
            or _text(page.root.find(cls="job-details-preferences-and-skills")),
            description=page.root.find(id="job-details") or page.root.find(cls="jobs-description__content"),
        )
    guest = page.root.find(cls="top-card-layout__title")
    if guest is None:
        return None
    return Found(
        title=guest.text(),
        company=_text(page.root.find(cls="topcard__org-name-link")),
        location=_text(page.root.find(cls="topcard__flavor--bullet")),
        description=page.root.find(cls="show-more-less-html__markup"),
    )


#: Each adapter, under the source `domain.posting.guess_source` names its host with.
ADAPTERS: dict[str, Callable[[Page, str], Found | None]] = {
    "Greenhouse": _greenhouse,
    "Lever": _lever,
    "Ashby": _ashby,
    "Workday": _workday,
    "LinkedIn": _linkedin,
}


def read(page: Page, url: str) -> tuple[CapturedFields, str] | None:
    """The fields an adapter found, and its name ("greenhouse"…); None when none fits the page."""
    source = posting.guess_source(url)
    ordered = sorted(ADAPTERS.items(), key=lambda entry: entry[0] != source)
    for name, adapter in ordered:
        found = adapter(page, url)
        if found is None or not found.title:
            continue
        fields = CapturedFields(
            company=found.company,
            title=found.title,
            location=found.location,
            work_mode=posting.work_mode_of(found.work_mode_hint, found.location, found.title),
            description=to_markdown(found.description) if found.description is not None else "",
        )
        return fields, name.lower()
    return None
