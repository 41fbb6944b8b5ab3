"""Valid model answers for the prep sections' schemas, as an OpenAI-compatible server would send them.

Prep is made section by section, one request per section; `queue_base_prep` and
`queue_interview_prep` queue each section's answer for its own schema (`queue_json(schema=…)`), so
the order the sections are asked in does not matter to a test.
"""

from __future__ import annotations

from typing import Any

from tests.fakes.openai_server import FakeOpenAIServer


def base_prep_answers(driver: str = "Kafka at scale") -> dict[str, dict[str, Any]]:
    """Schema name → answer, for the four base sections."""
    return {
        "CallbackDrivers": {
            "drivers": [
                {"name": driver, "evidence": "“You have run Kafka at 1M msg/s”", "how_you_meet_it": "Ledger pipeline"},
                {"name": "Python services", "evidence": "“Python 3 in production”", "how_you_meet_it": "Billing API"},
            ]
        },
        "FormattedDescription": {
            "markdown": f"## The role\n- Own the **{driver}** platform\n- Ship **Python services** every week"
        },
        "CompanyContext": {"markdown": "Acme builds reusable rockets for small satellites, launched every month."},
        "BackgroundNarrative": {
            "opening": "I build data platforms that do not page anyone at night.",
            "core": "At Ledgerly I moved billing onto Kafka.",
            "forward_hook": "Acme's launch cadence needs exactly that.",
        },
    }


def interview_prep_answers(
    *, questions: int = 3, asks: int = 5, tag: str = "v1", weak_areas: list[str] | None = None
) -> dict[str, dict[str, Any]]:
    """Schema name → answer, for the five round sections."""
    phase = {"tasks": ["Re-read the Ledger pipeline project", "Say the STAR answers out loud"]}
    return {
        "RoadmapAnswer": {
            "weak_areas_targeted": weak_areas or [],
            "roadmap": {
                "foundation_review": phase,
                "active_practice": phase,
                "polish_and_integration": phase,
                "final_confidence_check": phase,
            },
        },
        "PredictedQuestions": {"questions": [predicted_question(number, tag) for number in range(1, questions + 1)]},
        "QuestionsToAsk": {
            "questions": [
                {"question": f"Question to ask number {number}?", "rationale": "Shows you think about operations."}
                for number in range(1, asks + 1)
            ]
        },
        "ResumeDefense": {
            "bullets": [
                {
                    "bullet": "Cut billing lag from 3 h to 4 s",
                    "risk": "high-signal: a big number",
                    "likely_probe": "How did you measure it?",
                    "defense": f"Consumer lag metrics in Grafana, before and after ({tag}).",
                }
            ]
        },
        "DeepDives": {
            "dives": [
                {
                    "topic": "Kafka partitioning",
                    "why": "Named in the job",
                    "explanation": f"Keys by account id ({tag}).",
                }
            ]
        },
    }


def predicted_question(number: int, tag: str) -> dict[str, Any]:
    return {
        "question": f"Predicted question {number} ({tag}): how did you scale the ledger pipeline?",
        "why_likely": "The role is about throughput.",
        "project": "Ledger pipeline",
        "star": {
            "situation": "Billing lagged hours behind.",
            "task": "Cut the lag to seconds.",
            "action": "Moved to Kafka with idempotent consumers.",
            "result": "Lag fell from 3 h to 4 s.",
        },
    }


def queue_answers(server: FakeOpenAIServer, answers: dict[str, dict[str, Any]]) -> None:
    for schema, answer in answers.items():
        server.queue_json(answer, schema=schema)


def queue_base_prep(server: FakeOpenAIServer, driver: str = "Kafka at scale") -> None:
    queue_answers(server, base_prep_answers(driver))


def queue_interview_prep(server: FakeOpenAIServer, **options: Any) -> None:
    queue_answers(server, interview_prep_answers(**options))
