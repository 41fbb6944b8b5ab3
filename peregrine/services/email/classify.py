"""Classifying (`EmailClassifier`): the language model (`llm/prompts/email_classify.py`) when one
answers, the documented keyword rules of `domain/email_rules.py` otherwise.

Either way the class comes with a confidence and the sentence that decided it (the evidence,
`decisive_sentence`).
"""

from __future__ import annotations

import difflib
import logging

from peregrine.domain import email_rules
from peregrine.domain.email_rules import EmailClass, Verdict
from peregrine.llm.client import LLMClient, LLMUnavailable
from peregrine.llm.prompts.email_classify import EmailClassification, render_messages
from peregrine.services.email.kinds import ClassifiedBy
from peregrine.services.sanitize import clean_text

log = logging.getLogger("peregrine.email")


class EmailClassifier:
    """The language model when one answers, the keyword rules otherwise.

    Once no model answered, the rest of the batch goes straight to the rules rather than waiting
    for every backend again for each message.
    """

    def __init__(self, llm: LLMClient | None = None) -> None:
        self.llm = llm
        self.llm_down = llm is None

    async def classify(self, *, sender: str, subject: str, text: str) -> tuple[Verdict, ClassifiedBy]:
        if self.llm is not None and not self.llm_down:
            try:
                answer = await self.llm.structured(
                    EmailClassification, render_messages(sender=sender, subject=subject, body=text), max_retries=1
                )
            except LLMUnavailable as exc:
                self.llm_down = True
                log.info("classifying email by the keyword rules: %s", exc)
            else:
                verdict = Verdict(
                    EmailClass(answer.classification),
                    round(answer.confidence, 2),
                    decisive_sentence(answer.evidence, subject, text),
                )
                return verdict, ClassifiedBy.LLM
        return email_rules.classify(subject, text), ClassifiedBy.RULES


def decisive_sentence(evidence: str, subject: str, text: str) -> str:
    """The model's evidence as the email's own sentence: the closest sentence of the email, if any is close."""
    evidence = clean_text(evidence, max_chars=600)
    if not evidence:
        return ""
    candidates = email_rules.sentences(subject) + email_rules.sentences(text)
    wanted = evidence.lower()
    for sentence in candidates:
        if wanted in sentence.lower():
            return clean_text(sentence, max_chars=email_rules.EVIDENCE_CHARS)
    best, best_ratio = "", 0.0
    for sentence in candidates:
        ratio = difflib.SequenceMatcher(None, wanted, sentence.lower()).ratio()
        if ratio > best_ratio:
            best, best_ratio = sentence, ratio
    chosen = best if best_ratio >= 0.6 else evidence
    return clean_text(chosen, max_chars=email_rules.EVIDENCE_CHARS)
