"""What an email means for a job: its class by keyword rules, and the stage move the class asks for.

Classes (see the README, "Email sync"):

=====================  ===========================================================================
class                  what it moves (`email_move`)
=====================  ===========================================================================
``interview_request``  an Applied or Survey job to Phone screen (which queues company research)
``rejection``          any open job to Rejected (reason: rejected by the company; the stage is kept)
``offer``              a job not yet at Offer to Offer, and the message is flagged for review
``survey_received``    an Applied job to Survey
``other``              nothing
=====================  ===========================================================================

An email never moves a job backwards, never moves a Hired or Rejected job, and never restores one.

The keyword rules (`classify`) are what Peregrine uses when no language model answers. The text is
cut into sentences (the subject line is one of them) and every sentence is tried against the
patterns in `RULES`; each pattern has a weight, which is the confidence it gives its class:

- 0.85-0.92: a phrase that says it outright ("we regret to inform you", "pleased to offer you the
  position", "schedule a phone interview", "complete the following survey");
- 0.6-0.75: a strong hint ("your availability", "phone screen", "questionnaire", "offer letter");
- 0.4-0.55: a lone word ("unfortunately", "interview", "assessment") — below the default threshold
  of 0.6, so such a message waits for the user instead of moving anything.

A class's confidence is its best sentence's weight, plus 0.05 when a second, different sentence
agrees (at most 0.95); the best sentence is the evidence shown to the user. The class with the
highest confidence wins; a tie goes to the first of rejection, offer, interview_request,
survey_received. A sentence that matches a rejection pattern counts for nothing else, so "we are not
able to offer you the role" or "we will not schedule further interviews" stay rejections. Nothing
matched at all: ``other``.

A language model's reading is never acted on by its word alone (`corroborate`): the sentence it
quotes as evidence must really be in the message (compared with whitespace, case and quote marks
normalised; a paraphrase or the model's own words do not count), and it must support the class:
either the keyword rules read the whole message as the same class, or the quoted sentence carries
the class's signal by itself (a pattern of that class of weight 0.6 or more matches it — a strong
hint or an outright phrase, not a lone word). Otherwise the message waits for the user, who sees
both readings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from peregrine.domain.labelled import LabelledEnum
from peregrine.domain.stages import Stage, rank


class EmailClass(LabelledEnum):
    INTERVIEW_REQUEST = "interview_request", "Interview request"
    REJECTION = "rejection", "Rejection"
    OFFER = "offer", "Offer"
    SURVEY_RECEIVED = "survey_received", "Survey received"
    OTHER = "other", "Other"


#: The classes that can move a job.
ACTIONABLE: frozenset[EmailClass] = frozenset(EmailClass) - {EmailClass.OTHER}

#: Below this confidence nothing moves: the message waits for the user (services.yaml can change it).
DEFAULT_MIN_CONFIDENCE = 0.6

#: Tie-break order when two classes are equally sure.
PRIORITY: tuple[EmailClass, ...] = (
    EmailClass.REJECTION,
    EmailClass.OFFER,
    EmailClass.INTERVIEW_REQUEST,
    EmailClass.SURVEY_RECEIVED,
)

_ADJ = r"(?:[\w-]+ ){0,2}"  # up to two words between a verb and its noun ("a quick 30-minute call")

_R, _O, _I, _S = EmailClass.REJECTION, EmailClass.OFFER, EmailClass.INTERVIEW_REQUEST, EmailClass.SURVEY_RECEIVED

#: (class, weight, pattern): see the module's docstring for what the weights mean.
RULES: tuple[tuple[EmailClass, float, str], ...] = (
    # -- rejection
    (_R, 0.92, r"\bregret to (?:inform|tell|let) you\b"),
    (_R, 0.9, r"\b(?:not|won't|will not|n't) (?:be )?(?:moving|move|going|proceed(?:ing)?) forward\b"),
    (
        _R,
        0.9,
        r"\bdecided (?:not to (?:move|proceed|progress|continue)"
        r"|to (?:move|go) forward with (?:other|another)|to pursue other)",
    ),
    (_R, 0.9, r"\b(?:unable|not able) to (?:offer|extend|move forward|proceed|progress)\b"),
    (_R, 0.88, r"\bwill not be (?:progressing|proceeding|continuing|pursuing|offering)\b"),
    (_R, 0.88, r"\b(?:position|role) has (?:now )?been filled\b"),
    (_R, 0.85, r"\b(?:have|has) not been selected\b|\bwere not selected\b|\bnot (?:been )?shortlisted\b"),
    (_R, 0.8, r"\b(?:other|another) candidates? (?:whose|who|that) (?:more closely|better)\b"),
    (_R, 0.55, r"\bafter careful consideration\b"),
    (_R, 0.4, r"\bunfortunately\b"),
    # -- offer
    (
        _O,
        0.92,
        r"\b(?:pleased|happy|delighted|excited|thrilled|glad) to (?:extend|offer|make) (?:you )?"
        + _ADJ
        + r"(?:offer|position|role)\b",
    ),
    (_O, 0.9, r"\b(?:would like|want|wish) to (?:extend (?:you )?an offer|offer you)\b"),
    (_O, 0.88, r"\boffer of employment\b|\bemployment offer\b"),
    (_O, 0.85, r"\b(?:formal|verbal|written|official) offer\b|\bextend(?:ing)? (?:you )?an offer\b"),
    (_O, 0.75, r"\boffer letter\b"),
    (_O, 0.6, r"\bcompensation package\b|\bsigning bonus\b"),
    # -- interview request
    (
        _I,
        0.9,
        r"\b(?:schedule|arrange|set up|book) (?:a |an |your |the |some )?"
        + _ADJ
        + r"(?:interview|call|phone screen|screening|chat|conversation|meeting)\b",
    ),
    (
        _I,
        0.9,
        r"\binvite you (?:to|for) (?:a |an |the )?"
        + _ADJ
        + r"(?:interview|call|conversation|chat|phone screen|screening)\b",
    ),
    (_I, 0.85, r"\b(?:like|love|want) to (?:speak|talk|chat|meet) with you\b"),
    (_I, 0.8, r"\b(?:like|love|want) to (?:get|hop|jump) on (?:a |an )?" + _ADJ + r"(?:call|chat|video call)\b"),
    (
        _I,
        0.8,
        r"\b(?:are|would) you (?:be )?(?:available|free) (?:for|to) (?:a |an )?"
        + _ADJ
        + r"(?:call|chat|talk|interview|conversation|meeting)\b",
    ),
    (_I, 0.75, r"\b(?:your|of) availability\b|\bwhen (?:are|would) you (?:be )?(?:free|available)\b"),
    (_I, 0.75, r"\b(?:book|pick|choose|select) a (?:time|slot)\b|\bcalendly\.com\b|\btime slots?\b"),
    (_I, 0.7, r"\b(?:phone|video|technical|initial|first|onsite|on-site) (?:screen|interview)\b"),
    (_I, 0.45, r"\binterview\b"),
    # -- survey
    (_S, 0.9, r"\bculture[- ]fit (?:survey|questionnaire|assessment)\b"),
    (
        _S,
        0.85,
        r"\b(?:complete|fill (?:out|in)|take|answer) (?:a |an |our |the |this |these |following )?"
        + _ADJ
        + r"(?:survey|questionnaire|assessment|questions)\b",
    ),
    (_S, 0.6, r"\b(?:survey|questionnaire)\b"),
    (_S, 0.45, r"\bassessment\b"),
)

_COMPILED = tuple((cls, weight, re.compile(pattern, re.IGNORECASE)) for cls, weight, pattern in RULES)
_REJECTION_PATTERNS = tuple(
    pattern for cls, weight, pattern in _COMPILED if cls is EmailClass.REJECTION and weight >= 0.8
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z0-9])")
CORROBORATION_BONUS = 0.05
MAX_RULE_CONFIDENCE = 0.95
EVIDENCE_CHARS = 300


@dataclass(frozen=True)
class Verdict:
    """A class, how sure the classifier is (0 to 1), and the sentence that decided it.

    `unconfirmed` says why a language model's verdict must not be acted on by itself (see
    `corroborate`); it is "" for the keyword rules' own verdicts and for a corroborated model.
    """

    classification: EmailClass
    confidence: float
    evidence: str
    unconfirmed: str = ""


def sentences(text: str) -> list[str]:
    """The text cut into sentences: at line breaks, and after . ! ? followed by a capital or digit."""
    found: list[str] = []
    for line in text.splitlines():
        for piece in _SENTENCE_END.split(line):
            piece = " ".join(piece.split())
            if piece:
                found.append(piece)
    return found


def classify(subject: str, body: str) -> Verdict:
    """The keyword rules' verdict on a message (its subject and plain-text body)."""
    best: dict[EmailClass, tuple[float, str]] = {}
    supporting: dict[EmailClass, set[str]] = {}
    for sentence in [*sentences(subject), *sentences(body)]:
        rejection_sentence = any(pattern.search(sentence) for pattern in _REJECTION_PATTERNS)
        for cls, weight, pattern in _COMPILED:
            if rejection_sentence and cls is not EmailClass.REJECTION:
                continue
            if not pattern.search(sentence):
                continue
            supporting.setdefault(cls, set()).add(sentence)
            if weight > best.get(cls, (0.0, ""))[0]:
                best[cls] = (weight, sentence)
    if not best:
        return Verdict(EmailClass.OTHER, 0.5, "")
    scored = []
    for cls, (weight, sentence) in best.items():
        bonus = CORROBORATION_BONUS if len(supporting[cls]) > 1 else 0.0
        scored.append((min(MAX_RULE_CONFIDENCE, weight + bonus), -PRIORITY.index(cls), cls, sentence))
    confidence, _, winner, evidence = max(scored)
    return Verdict(winner, round(confidence, 2), _shorten(evidence))


# --------------------------------------------------------------------------------------------------
# A language model's reading, checked against the message itself

#: The weight a pattern needs for a quoted sentence to carry its class's signal on its own.
SIGNAL_WEIGHT = DEFAULT_MIN_CONFIDENCE

_QUOTE_MARKS = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})
_ELLIPSIS = re.compile(r"\s*(?:\u2026|\.\.\.+)\s*")
_EDGES = " \t\n\"'.,;:!?-()[]"
#: A quote shorter than this (after normalising) proves nothing: a word or two is in many emails.
MIN_QUOTE_CHARS = 12


def normalise(text: str) -> str:
    """Text as quotes are compared: case folded, quote marks and dashes made plain, whitespace collapsed."""
    return " ".join(text.translate(_QUOTE_MARKS).casefold().split())


def signals(sentence: str) -> frozenset[EmailClass]:
    """The classes a sentence says by itself: a pattern of weight `SIGNAL_WEIGHT` or more matches it
    (a sentence with a rejection phrase says only rejection, as in `classify`)."""
    rejection_sentence = any(pattern.search(sentence) for pattern in _REJECTION_PATTERNS)
    found = {
        cls
        for cls, weight, pattern in _COMPILED
        if weight >= SIGNAL_WEIGHT
        and not (rejection_sentence and cls is not EmailClass.REJECTION)
        and pattern.search(sentence)
    }
    return frozenset(found)


def quoted_sentence(evidence: str, subject: str, body: str) -> str | None:
    """The message's own words that `evidence` quotes — the sentence holding it, or the quote itself
    when it spans sentences — or None when the message does not contain it.

    An ellipsis in the quote ("We regret… other candidates") splits it into parts, each of which must
    be in the message; surrounding quote marks and end punctuation do not count.
    """
    parts = [normalise(part).strip(_EDGES) for part in _ELLIPSIS.split(evidence)]
    parts = [part for part in parts if part]
    if not parts or sum(len(part) for part in parts) < MIN_QUOTE_CHARS:
        return None
    whole = normalise(f"{subject}\n{body}")
    if not all(part in whole for part in parts):
        return None
    for sentence in [*sentences(subject), *sentences(body)]:
        if parts[0] in normalise(sentence):
            return sentence
    return " ".join(evidence.split())


@dataclass(frozen=True)
class Corroboration:
    """Whether a language model's reading may be acted on, and the keyword rules' own reading."""

    supported: bool
    reason: str  # why not, for the user ("" when supported)
    quoted: str  # the message's sentence the evidence quotes ("" when it is not in the message)
    rules: Verdict


def corroborate(classification: EmailClass, evidence: str, subject: str, body: str) -> Corroboration:
    """Check a model's class and quoted evidence against the message (see the module's docstring)."""
    rules = classify(subject, body)
    quoted = quoted_sentence(evidence, subject, body) if evidence.strip() else None
    if classification is EmailClass.OTHER:
        return Corroboration(True, "", quoted or "", rules)
    if quoted is None:
        why = "quoted nothing from the email" if not evidence.strip() else "quoted a sentence that is not in the email"
        return Corroboration(False, why, "", rules)
    if rules.classification is classification or classification in signals(quoted):
        return Corroboration(True, "", quoted, rules)
    return Corroboration(
        False, f"neither the sentence it quoted nor the keyword rules say {classification.label.lower()}", quoted, rules
    )


def _shorten(sentence: str) -> str:
    if len(sentence) <= EVIDENCE_CHARS:
        return sentence
    return sentence[: EVIDENCE_CHARS - 1].rstrip() + "…"


# --------------------------------------------------------------------------------------------------
# What a class does to a job


@dataclass(frozen=True)
class EmailMove:
    """Where an email of this class takes a job in this stage, or why it takes it nowhere."""

    target: Stage | None
    note: str


#: The stage each actionable class moves a job to (the README's table, "Email sync").
TARGETS: dict[EmailClass, Stage] = {
    EmailClass.INTERVIEW_REQUEST: Stage.PHONE_SCREEN,
    EmailClass.REJECTION: Stage.REJECTED,
    EmailClass.OFFER: Stage.OFFER,
    EmailClass.SURVEY_RECEIVED: Stage.SURVEY,
}


def email_move(current: Stage, classification: EmailClass) -> EmailMove:
    """The move an email of `classification` asks for a job in `current`: never backwards, never out
    of Hired or Rejected."""
    if classification is EmailClass.OTHER:
        return EmailMove(None, "Not about a stage change.")
    if current in (Stage.HIRED, Stage.REJECTED):
        return EmailMove(None, f"The job is already {current.label}; an email never moves it from there.")
    target = TARGETS[classification]
    if target is current:
        return EmailMove(None, f"The job is already in {current.label}.")
    if target is not Stage.REJECTED and rank(target) < rank(current):
        return EmailMove(
            None, f"The job is already past {target.label} (in {current.label}); an email never moves a job backwards."
        )
    return EmailMove(target, f"{current.label} → {target.label}.")
