"""Classifying (`EmailClassifier`): the language model (`llm/prompts/email_classify.py`) when one
answers, the documented keyword rules of `domain/email_rules.py` otherwise.

Either way the class comes with a confidence and the sentence that decided it (the evidence).
A model's verdict is checked against the message (`email_rules.corroborate`): the sentence it quotes
must be in the email and support the class, or the verdict carries `unconfirmed` (why not) and the
message waits for the user instead of moving a job.
"""

from __future__ import annotations

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
                return model_verdict(answer, subject, text), ClassifiedBy.LLM
        return email_rules.classify(subject, text), ClassifiedBy.RULES


def model_verdict(answer: EmailClassification, subject: str, text: str) -> Verdict:
    """The model's answer as a verdict: its evidence as the email's own sentence when the email holds
    it (the model's words otherwise, to show what it said), and why it may not be acted on, if so."""
    cls = EmailClass(answer.classification)
    check = email_rules.corroborate(cls, answer.evidence, subject, text)
    evidence = check.quoted or answer.evidence
    if check.reason:
        log.info("email classified %s by the language model, not acted on: %s", cls.value, check.reason)
    return Verdict(
        cls,
        round(answer.confidence, 2),
        clean_text(evidence, max_chars=email_rules.EVIDENCE_CHARS),
        unconfirmed=check.reason,
    )
