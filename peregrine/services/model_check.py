"""Settings → Test this model: one short structured request to one backend, and what its answer and
its context window mean for each feature.

`check_model` asks the backend once through its configured dialect (`LLMClient.try_backend`) and
reports whether it answered, whether the answer is JSON, whether it fits the schema, how fast it
came and the window (with where that figure came from). `feature_verdicts` is a pure function from
the window to one plain sentence per feature.

What a feature needs of the window is the window check's own arithmetic (`estimate_tokens`, the
client's deliberately high estimate) applied to: the feature's prompt text and schema as sent
(computed from its templates in `llm/prompts`), the inputs a typical run fills in (sized below, most
from the limits the prompts and services apply), and the answer's `max_tokens` (declared beside
each schema). The least it needs is the same without the inputs: everything trimming could leave out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from string import Template
from typing import ClassVar, Literal

from pydantic import BaseModel, Field, ValidationError

from peregrine.llm.budget import CHARS_PER_TOKEN, estimate_tokens
from peregrine.llm.client import LLMClient, compact_schema
from peregrine.llm.prompts import base_prep, company_research, email_classify, interview_prep, practice, survey
from peregrine.llm.prompts import output_tokens as answer_budget
from peregrine.llm.prompts.sections import SectionPrompt
from peregrine.llm.settings import LLMBackend
from peregrine.services.research import MAX_SOURCES

# ------------------------------------------------------------------------- the test request


class ModelCheckAnswer(BaseModel):
    """A small answer with the shapes the features' schemas use: text, a bounded number, a list."""

    output_tokens: ClassVar[int] = 120

    city: str = Field(min_length=2, description="the city")
    year: int = Field(ge=1000, le=2100, description="the year, as a number")
    languages: list[str] = Field(min_length=2, max_length=4, description="programming languages")


CHECK_MESSAGES = [
    {"role": "system", "content": "You answer questions with facts, as JSON."},
    {
        "role": "user",
        "content": "Ada Lovelace was born in London in 1815. Give the city, the year, and two programming "
        "languages named after people.",
    },
]

# ------------------------------------------------------------------------- what each feature needs

#: A job posting of about 650 words: the research prompt sends up to 6,000 characters of it, prep 12,000.
TYPICAL_JOB_DESCRIPTION_CHARS = 4_000
#: One search result's snippet as SearXNG returns it (its `content`: two or three sentences).
TYPICAL_SOURCE_CHARS = 300
#: The resume bullets and projects a prompt carries: about 15 bullets, or 3 projects' stories.
TYPICAL_RESUME_CHARS = 2_000
#: One email as the classifier reads it (the prompt sends at most `email_classify.BODY_CHARS`).
TYPICAL_EMAIL_CHARS = 1_500
#: One survey question (each is asked on its own).
TYPICAL_QUESTION_CHARS = 150
#: The notes of earlier rounds a round's prep reads: two rounds of about this much.
TYPICAL_ROUND_NOTES_CHARS = 1_500
#: A practice interview of this many answers, each question and answer about this long.
TYPICAL_PRACTICE_ANSWERS = 5
TYPICAL_EXCHANGE_CHARS = 800


def _chars_of(tokens: int) -> int:
    """The text an answer of `tokens` makes, when it is fed to the next prompt (a brief, a prep)."""
    return int(tokens * CHARS_PER_TOKEN)


@dataclass(frozen=True)
class FeatureNeed:
    """A feature's request: the prompt's own text, the inputs a typical run adds, the answer's budget."""

    name: str
    fixed_tokens: int
    input_tokens: int
    answer_tokens: int

    @property
    def typical(self) -> int:
        return self.fixed_tokens + self.input_tokens + self.answer_tokens

    @property
    def least(self) -> int:
        return self.fixed_tokens + self.answer_tokens


def _need(
    name: str, templates: list[Template], schema: type[BaseModel] | None, inputs: int, answer: int
) -> FeatureNeed:
    text = "\n".join(template.template for template in templates)
    messages = [{"role": "system", "content": text}, {"role": "user", "content": ""}]
    schema_text = compact_schema(schema) if schema is not None else ""
    return FeatureNeed(name, estimate_tokens(messages, schema_text), int(inputs / CHARS_PER_TOKEN), answer)


def _largest_section(
    name: str, templates: list[Template], sections: tuple[SectionPrompt, ...], input_chars: dict[str, int]
) -> FeatureNeed:
    """Prep is asked for section by section: the feature needs what its most demanding section needs."""
    needs = [
        _need(
            name,
            [*templates, Template(section.instruction)],
            section.schema,
            sum(input_chars[read] for read in section.inputs),
            answer_budget(section.schema),
        )
        for section in sections
    ]
    return max(needs, key=lambda need: need.typical)


def feature_needs() -> list[FeatureNeed]:
    """Each feature's needs, from its prompt templates, its schema and its `max_tokens`."""
    brief = company_research.CompanyBrief
    scores = practice.scores_schema(TYPICAL_PRACTICE_ANSWERS)
    base_prep_chars = sum(_chars_of(answer_budget(section.schema)) for section in base_prep.SECTIONS)
    round_prep_chars = sum(_chars_of(answer_budget(section.schema)) for section in interview_prep.SECTIONS)
    prep_inputs = {
        "job_description": TYPICAL_JOB_DESCRIPTION_CHARS,
        "projects": TYPICAL_RESUME_CHARS,
        "research": _chars_of(answer_budget(brief)),
        "drivers": _chars_of(answer_budget(base_prep.CallbackDrivers)),
        "base_prep": base_prep_chars,
        "earlier_rounds": 2 * TYPICAL_ROUND_NOTES_CHARS,
    }
    return [
        _need(
            "Company research",
            [company_research.SYSTEM, company_research.USER],
            brief,
            TYPICAL_JOB_DESCRIPTION_CHARS + MAX_SOURCES * TYPICAL_SOURCE_CHARS,
            answer_budget(brief),
        ),
        _largest_section("Base prep", [base_prep.SYSTEM, base_prep.INTRO], base_prep.SECTIONS, prep_inputs),
        _largest_section(
            "Round prep", [interview_prep.SYSTEM, interview_prep.INTRO], interview_prep.SECTIONS, prep_inputs
        ),
        _need(
            "Practice interview (a turn)",
            [practice.INTERVIEWER],
            None,
            round_prep_chars + TYPICAL_PRACTICE_ANSWERS * TYPICAL_EXCHANGE_CHARS,
            practice.TURN_MAX_TOKENS,
        ),
        _need(
            "Practice scores",
            [practice.SCORER],
            scores,
            TYPICAL_PRACTICE_ANSWERS * TYPICAL_EXCHANGE_CHARS,
            answer_budget(scores),
        ),
        _need(
            "Survey answers",
            [survey.SYSTEM, survey.USER],
            survey.SuggestedAnswer,
            TYPICAL_JOB_DESCRIPTION_CHARS + TYPICAL_RESUME_CHARS + TYPICAL_QUESTION_CHARS,
            answer_budget(survey.SuggestedAnswer),
        ),
        _need(
            "Email classification",
            [email_classify.SYSTEM, email_classify.USER],
            email_classify.EmailClassification,
            TYPICAL_EMAIL_CHARS,
            answer_budget(email_classify.EmailClassification),
        ),
    ]


Fit = Literal["fits", "trims", "too_small", "unknown"]


@dataclass(frozen=True)
class FeatureVerdict:
    feature: str
    fit: Fit
    text: str


def feature_verdicts(window: int | None, needs: list[FeatureNeed]) -> list[FeatureVerdict]:
    """One plain sentence per feature: does a typical run fit this window, or what happens."""
    verdicts = []
    for need in needs:
        wants = f"{need.name} needs about {need.typical:,} tokens of window"
        if window is None:
            fit: Fit = "unknown"
            text = (
                f"{wants}; this backend's window is unknown, so nothing is checked before it is sent "
                "(set context_tokens in config/llm.yaml)."
            )
        elif window >= need.typical:
            fit, text = "fits", f"{wants}; this backend has {window:,}: it fits."
        elif window >= need.least:
            fit, text = "trims", f"{wants}; this backend has {window:,}: it will trim more than it should."
        else:
            fit = "too_small"
            text = (
                f"{need.name} needs at least {need.least:,} tokens of window even with its inputs left out; "
                f"this backend has {window:,}: it cannot run here."
            )
        verdicts.append(FeatureVerdict(need.name, fit, text))
    return verdicts


# ------------------------------------------------------------------------- the check


@dataclass(frozen=True)
class ModelCheck:
    """What Test this model found for one backend, display-ready."""

    backend: str
    answered: bool
    error: str
    valid_json: bool
    matches_schema: bool
    schema_error: str
    speed: str
    """"42.1 tokens/s (the server's count)", "… (counted)", or "—" when nothing came back."""
    window: str
    window_known: bool
    verdicts: list[FeatureVerdict]


async def check_model(client: LLMClient, backend: LLMBackend) -> ModelCheck:
    """Ask `backend` the test question once, through its dialect; never raises for the backend's sake."""
    trial = await client.try_backend(backend, ModelCheckAnswer, CHECK_MESSAGES)
    window = await client.context_window(backend)
    parsed, valid_json, schema_error = _judge(trial.text) if trial.answered else (None, False, "")
    return ModelCheck(
        backend=backend.name,
        answered=trial.answered,
        error=trial.error,
        valid_json=valid_json,
        matches_schema=parsed is not None,
        schema_error=schema_error,
        speed=_speed(trial.text, trial.completion_tokens, trial.seconds) if trial.answered else "—",
        window=window.describe(),
        window_known=window.tokens is not None,
        verdicts=feature_verdicts(window.tokens, feature_needs()),
    )


def _judge(text: str) -> tuple[ModelCheckAnswer | None, bool, str]:
    """(the answer if it fits the schema, whether it is JSON at all, the first schema problem)."""
    body = _json_text(text)
    try:
        json.loads(body)
    except ValueError as exc:
        return None, False, f"not JSON ({exc})"
    try:
        return ModelCheckAnswer.model_validate_json(body), True, ""
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first.get("loc", ())) or "the answer"
        return None, True, f"{where}: {first.get('msg', '')}"


def _json_text(text: str) -> str:
    """The JSON in an answer: the whole text, or what a ```json block (md_json) holds."""
    stripped = text.strip()
    if "```" in stripped:
        inside = stripped.split("```", 2)[1]
        return inside.removeprefix("json").strip()
    return stripped


def _speed(text: str, counted_by_server: int | None, seconds: float) -> str:
    if seconds <= 0:
        return "—"
    if counted_by_server is not None:
        return f"{counted_by_server / seconds:.1f} tokens/s (the server's count)"
    return f"{int(len(text) / CHARS_PER_TOKEN) / seconds:.1f} tokens/s (counted here, roughly)"
