"""From a posting's page (its URL, HTML and the user's selection) to a job's fields.

In order, the first that finds a title wins:

1. schema.org `JobPosting` in JSON-LD — in an `@graph`, a list, or nested anywhere — which most
   career sites and ATSs publish for search engines;
2. the same in microdata (`itemscope itemtype=…/JobPosting`);
3. an adapter for a big ATS or board whose page lacks it (`capture.adapters`), by its stable markup;
4. the page's readable text: the title from og:title, `<title>` or the first `<h1>`, the
   description from `<main>`/`<article>` or the body without its navigation.

A selection, when the user made one, is the description whatever found the rest: they chose it.
Fields are cut to what a job holds (`domain.limits`): they are a proposal the user reviews, and a
description of a page's whole text is better cut than refused here.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from peregrine.domain import limits, posting
from peregrine.domain.text import clean_name
from peregrine.integrations import page_fetch
from peregrine.services import sanitize
from peregrine.services.capture import adapters
from peregrine.services.capture.fields import CapturedFields
from peregrine.services.capture.html_tree import Element, Page, parse, parse_fragment
from peregrine.services.capture.markdown import to_markdown
from peregrine.services.errors import InvalidInput

#: The most HTML one capture reads (a posting is rarely 1 MB; 5 MB leaves room for heavy pages).
MAX_HTML_BYTES = 5 * 1024 * 1024
#: JSON-LD blocks bigger than this are not read (a page's whole data dump, never a posting).
MAX_JSON_LD_CHARS = 1_000_000
#: How much of a page's text is read for the work mode, when nothing structured says it.
TOP_OF_TEXT = 400
#: How deep into JSON-LD the search for a JobPosting goes.
MAX_JSON_DEPTH = 32


@dataclass(frozen=True)
class Extraction:
    fields: CapturedFields
    #: What found the fields: "json-ld", "microdata", an adapter's name ("greenhouse"…), or "text".
    extracted_by: str


def check_size(html_text: str) -> None:
    size = len(html_text.encode("utf-8", errors="replace"))
    if size > MAX_HTML_BYTES:
        raise InvalidInput(
            f"This page is {size / 1024 / 1024:.1f} MB of HTML; at most {MAX_HTML_BYTES // 1024 // 1024} MB is read. "
            "Select the job's text on the page and capture again, or paste it into the form."
        )


def extract(url: str, html_text: str, *, selection: str = "", page_title: str = "") -> Extraction:
    """The job's fields found in the page; refuses (InvalidInput) a page over `MAX_HTML_BYTES`."""
    check_size(html_text)
    page = parse(html_text)
    page_url = sanitize.safe_url(url) or ""
    fields, by = (
        _from_json_ld(page) or _from_microdata(page) or adapters.read(page, page_url) or _from_text(page, page_title)
    )
    fields = replace(
        fields,
        url=sanitize.safe_url(fields.url) or page_url,
        source=fields.source or posting.guess_source(page_url),
    )
    if selection.strip():
        fields = replace(fields, description=sanitize.clean_markdown(selection.strip()))
    return Extraction(_fitted(fields), by)


def _fitted(fields: CapturedFields) -> CapturedFields:
    """Names as plain text (a page's `<b>` in a company's name is not part of it) in their one stored
    form, and every text within its limit."""

    def plain(text: str, limit: int) -> str:
        return clean_name(sanitize.clean_text(text, max_chars=limit))[:limit]

    return replace(
        fields,
        company=plain(fields.company, limits.COMPANY),
        title=plain(fields.title, limits.JOB_TITLE),
        location=plain(fields.location, limits.LOCATION),
        description=fields.description[: limits.JOB_DESCRIPTION],
        url=fields.url if len(fields.url) <= limits.JOB_URL else "",
        source=fields.source[: limits.SOURCE],
    )


# ----------------------------------------------------------------------------- schema.org JobPosting


def _is_posting(item: dict[str, Any]) -> bool:
    kinds = item.get("@type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return any(isinstance(kind, str) and kind.rsplit("/", 1)[-1] == "JobPosting" for kind in kinds)


def _postings(value: Any) -> Iterator[dict[str, Any]]:
    """Every JobPosting in a JSON-LD value: at its top, in `@graph`, in lists, or nested."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            continue
        if isinstance(item, list):
            stack.extend((child, depth + 1) for child in reversed(item))
        elif isinstance(item, dict):
            if _is_posting(item):
                yield item
            else:
                stack.extend((child, depth + 1) for child in reversed(list(item.values())))


def _from_json_ld(page: Page) -> tuple[CapturedFields, str] | None:
    for block in page.json_ld:
        if len(block) > MAX_JSON_LD_CHARS:
            continue
        try:
            data = json.loads(block, strict=False)  # career sites leave raw newlines in their strings
        except (ValueError, RecursionError):  # not JSON, or nested deeper than the parser goes
            continue
        for item in _postings(data):
            fields = _posting_fields(item)
            if fields.title:
                return fields, "json-ld"
    return None


def _name(value: Any) -> str:
    """A Thing's name: a text, {"name": …}, or the first of a list (one level: a page's JSON may
    nest lists as deep as it likes, this never follows them)."""
    if isinstance(value, list):
        return next((name for name in map(_name, _flat(value)) if name), "")
    if isinstance(value, dict):
        name = value.get("name")
        return _name(name) if isinstance(name, str) else ""
    return " ".join(html.unescape(value).split()) if isinstance(value, str) else ""


def _place(value: Any) -> str:
    """A Place (or its address, or a list of them) as "Berlin, BE, DE"."""
    if isinstance(value, list):
        return " / ".join(dict.fromkeys(place for place in map(_place, _flat(value)[:5]) if place))
    if isinstance(value, str):
        return _name(value)
    if not isinstance(value, dict):
        return ""
    address = value.get("address", value)
    if isinstance(address, str):
        return _name(address)
    if not isinstance(address, dict):
        return _name(value.get("name"))
    parts = [_name(address.get(key)) for key in ("addressLocality", "addressRegion", "addressCountry")]
    return ", ".join(dict.fromkeys(part for part in parts if part)) or _name(value)


def _flat(items: list[Any]) -> list[Any]:
    return [item for item in items if not isinstance(item, list)]


def _salary(value: Any) -> tuple[int | None, int | None, str]:
    """A MonetaryAmount (`baseSalary`, `estimatedSalary`) as a yearly range and its currency."""
    if isinstance(value, list):
        value = value[0] if value else None
    if not isinstance(value, dict):
        return None, None, ""
    currency = posting.currency_of(value.get("currency"))
    amount = value.get("value")
    if isinstance(amount, dict):
        low = posting.amount_of(amount.get("minValue", amount.get("value")))
        high = posting.amount_of(amount.get("maxValue", amount.get("value")))
        unit = str(amount.get("unitText") or value.get("unitText") or "")
    else:
        low = high = posting.amount_of(amount)
        unit = str(value.get("unitText") or "")
    yearly_low, yearly_high = posting.yearly_range(low, high, unit)
    return yearly_low, yearly_high, currency if yearly_low is not None or yearly_high is not None else ""


def _description(value: Any) -> str:
    if isinstance(value, Element):
        return to_markdown(value)
    if not isinstance(value, str) or not value.strip():
        return ""
    # Often sent escaped ("&lt;p&gt;…"); once unescaped it is HTML, read like any page.
    text = html.unescape(value) if "&lt;" in value else value
    return to_markdown(parse_fragment(text))


def _posting_fields(item: dict[str, Any]) -> CapturedFields:
    location = _place(item.get("jobLocation"))
    kinds = item.get("jobLocationType")
    remote_only = any(
        isinstance(kind, str) and kind.strip().upper() == "TELECOMMUTE"
        for kind in (kinds if isinstance(kinds, list) else [kinds])
    )
    if remote_only:
        areas = _name(item.get("applicantLocationRequirements"))
        location = location or (f"Remote ({areas})" if areas else "Remote")
    title = _name(item.get("title")) or _name(item.get("name"))
    low, high, currency = _salary(item.get("baseSalary") or item.get("estimatedSalary"))
    work_mode = posting.work_mode_of(location, title)
    if remote_only and work_mode != "hybrid":
        work_mode = "remote"
    return CapturedFields(
        company=_name(item.get("hiringOrganization")),
        title=title,
        location=location,
        work_mode=work_mode,
        salary_min=low,
        salary_max=high,
        salary_currency=currency,
        description=_description(item.get("description")),
        url=_name(item.get("url")),
    )


# ----------------------------------------------------------------------------- microdata


def _item_of(scope: Element, depth: int = 0) -> dict[str, Any]:
    """A microdata item as JSON-LD would say it; a nested item is a nested dict (at most a few deep)."""
    item: dict[str, Any] = {"@type": scope.get("itemtype")}
    stack = list(reversed([child for child in scope.children if isinstance(child, Element)]))
    while stack:
        element = stack.pop()
        name = element.get("itemprop")
        nested = "itemscope" in element.attrs
        if name and name not in item:
            if nested:
                item[name] = _item_of(element, depth + 1) if depth < 4 else element.text()
            elif name == "description":
                item[name] = element
            else:
                item[name] = element.get("content") or element.get("datetime") or element.get("href") or element.text()
        if not nested:
            stack.extend(reversed([child for child in element.children if isinstance(child, Element)]))
    return item


def _from_microdata(page: Page) -> tuple[CapturedFields, str] | None:
    for scope in page.root.iter():
        if "itemscope" in scope.attrs and scope.get("itemtype").rstrip("/").endswith("JobPosting"):
            fields = _posting_fields(_item_of(scope))
            if fields.title:
                return fields, "microdata"
    return None


# ----------------------------------------------------------------------------- readable text


def _main_content(page: Page) -> Element:
    for tag in ("main", "article"):
        found = page.root.find(tag)
        if found is not None:
            return found
    return page.root.find("body") or page.root


def _from_text(page: Page, page_title: str) -> tuple[CapturedFields, str]:
    heading = page.root.find("h1")
    title_tag = page.root.find("title")
    title = (
        page.meta("og:title")
        or (heading.text() if heading is not None else "")
        or (title_tag.text() if title_tag is not None else "")
        or page_title
    )
    description = to_markdown(_main_content(page), skip_chrome=True)
    return CapturedFields(
        company=page.meta("og:site_name"),
        title=title,
        # Where a posting says how it is worked, it says so near the top, beside the place.
        work_mode=posting.work_mode_of(title, description[:TOP_OF_TEXT]),
        description=description,
    ), "text"


def extract_from_link(url: str, settings: page_fetch.FetchSettings) -> Extraction:
    """Add by URL: the page at `url`, fetched under the SSRF rules of `integrations.page_fetch`
    (FetchRefused says why not), read like a captured one. Blocking: call it off the event loop."""
    fetched = page_fetch.fetch_page(url, settings)
    found = extract(fetched.url, fetched.html)
    # The link the user pasted is the job's address, whatever the page calls itself.
    return replace(found, fields=replace(found.fields, url=sanitize.safe_url(url) or found.fields.url))
