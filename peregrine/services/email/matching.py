"""Matching (`match_job`): which job a message is about.

A reply to a message already matched goes to the same job (matched when stored, by
`store.thread_job`); otherwise the sender's domain against the company (its name, or its job URL's
domain), and the company's name in the subject or body. One clear winner is a match; several, or
none, wait in the inbox for the user to choose.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from sqlalchemy import select as select_columns
from sqlmodel import Session, col

from peregrine.domain.stages import Stage
from peregrine.models import Job
from peregrine.services.email.kinds import MatchKind


@dataclass(frozen=True)
class JobMatch:
    kind: MatchKind
    job_id: int | None
    #: Every job that could be meant, the likeliest first.
    candidates: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class JobKeys:
    id: int
    stage: str
    company_patterns: tuple[re.Pattern[str], ...]
    title_pattern: re.Pattern[str] | None
    domain_labels: frozenset[str]
    url_domain: str


#: Addresses anyone can have: the domain says nothing about the company.
PERSONAL_MAIL_DOMAINS = frozenset(
    {
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com", "yahoo.com",
        "icloud.com", "me.com", "aol.com", "proton.me", "protonmail.com", "gmx.com", "gmx.de", "fastmail.com",
        "zoho.com", "yandex.com", "mail.com",
    }
)  # fmt: skip
#: Job boards and applicant-tracking systems: they send for many companies and host many job URLs.
JOB_BOARD_DOMAINS = frozenset(
    {
        "linkedin.com", "indeed.com", "glassdoor.com", "ziprecruiter.com", "monster.com", "greenhouse.io",
        "lever.co", "myworkdayjobs.com", "workday.com", "smartrecruiters.com", "ashbyhq.com", "workable.com",
        "jobvite.com", "icims.com", "bamboohr.com", "breezy.hr", "recruitee.com", "teamtailor.com",
        "personio.de", "successfactors.com", "taleo.net", "wellfound.com", "angel.co", "dice.com",
        "hire.lever.co", "applytojob.com", "jazzhr.com", "rippling.com", "gem.com", "otta.com",
    }
)  # fmt: skip
_LEGAL_SUFFIXES = frozenset(
    {"inc", "llc", "ltd", "limited", "gmbh", "corp", "corporation", "co", "company", "plc", "ag", "sa", "bv", "srl"}
)
_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "ac", "gov", "edu", "ltd", "plc"})


def registrable_domain(host: str) -> str:
    """``mail.jobs.acme.co.uk`` → ``acme.co.uk``: good enough to compare two addresses' organisations."""
    labels = [label for label in host.lower().strip(". ").split(".") if label]
    if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def _company_words(company: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", company.lower())


def _job_keys(job_id: int, company: str, title: str, url: str, stage: str) -> JobKeys:
    words = _company_words(company)
    core = [word for word in words if word not in _LEGAL_SUFFIXES] or words
    labels = {"".join(words), "".join(core)}
    if core and len(core[0]) >= 4:
        labels.add(core[0])
    names = {company.strip(), " ".join(core)}
    patterns = tuple(
        re.compile(rf"(?<![\w]){re.escape(name)}(?![\w])", re.IGNORECASE) for name in names if len(name) >= 2
    )
    title_words = title.strip()
    title_pattern = (
        re.compile(rf"(?<![\w]){re.escape(title_words)}(?![\w])", re.IGNORECASE) if len(title_words) >= 3 else None
    )
    host = ""
    with contextlib.suppress(ValueError):
        host = urlsplit(url.strip()).hostname or ""
    url_domain = registrable_domain(host) if host else ""
    if url_domain in JOB_BOARD_DOMAINS:
        url_domain = ""
    return JobKeys(job_id, stage, patterns, title_pattern, frozenset(label for label in labels if label), url_domain)


def _domain_matches(sender_domain: str, keys: JobKeys) -> bool:
    if not sender_domain:
        return False
    domain = registrable_domain(sender_domain)
    if domain in PERSONAL_MAIL_DOMAINS or domain in JOB_BOARD_DOMAINS:
        return False
    if keys.url_domain and domain == keys.url_domain:
        return True
    label = domain.split(".", 1)[0].replace("-", "")
    return label in keys.domain_labels


def load_job_keys(session: Session, candidate_id: int) -> list[JobKeys]:
    rows = session.execute(
        select_columns(col(Job.id), col(Job.company), col(Job.title), col(Job.url), col(Job.stage)).where(
            col(Job.candidate_id) == candidate_id
        )
    ).all()
    return [_job_keys(job_id, company, title, url, stage) for job_id, company, title, url, stage in rows]


#: Points for each sign that a message is about a job.
SCORE_THREAD, SCORE_DOMAIN, SCORE_NAME_IN_SUBJECT, SCORE_NAME_IN_BODY, SCORE_TITLE = 100, 10, 5, 3, 2
_CLOSED = frozenset({Stage.HIRED.value, Stage.REJECTED.value})


def match_job(
    session: Session,
    candidate_id: int,
    *,
    sender_domain: str,
    subject: str,
    text: str,
    job_keys: list[JobKeys] | None = None,
) -> JobMatch:
    """Which job a message is about: one (matched), several (ambiguous) or none.

    (A reply in a thread already matched is matched when stored, by `thread_job`.)
    """
    keys = job_keys if job_keys is not None else load_job_keys(session, candidate_id)
    scores: dict[int, int] = {}
    stages: dict[int, str] = {}
    for job in keys:
        score = SCORE_DOMAIN if _domain_matches(sender_domain, job) else 0
        if any(pattern.search(subject) for pattern in job.company_patterns):
            score += SCORE_NAME_IN_SUBJECT
        elif any(pattern.search(text) for pattern in job.company_patterns):
            score += SCORE_NAME_IN_BODY
        if (
            score
            and job.title_pattern is not None
            and (job.title_pattern.search(subject) or job.title_pattern.search(text))
        ):
            score += SCORE_TITLE
        if score:
            scores[job.id] = score
            stages[job.id] = job.stage
    if not scores:
        return JobMatch(MatchKind.NONE, None, [])
    ordered = sorted(scores, key=lambda job_id: (-scores[job_id], stages[job_id] in _CLOSED, job_id))
    top = scores[ordered[0]]
    best = [job_id for job_id in ordered if scores[job_id] == top]
    still_open = [job_id for job_id in best if stages[job_id] not in _CLOSED]
    if still_open:
        best = still_open
    if len(best) == 1:
        return JobMatch(MatchKind.MATCHED, best[0], ordered)
    return JobMatch(MatchKind.AMBIGUOUS, None, ordered)
