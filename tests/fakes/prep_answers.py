"""Valid model answers for the prep schemas, as an OpenAI-compatible server would send them."""

from __future__ import annotations

from typing import Any


def base_prep_answer(driver: str = "Kafka at scale") -> dict[str, Any]:
    return {
        "primary_drivers": [
            {"name": driver, "evidence": "“You have run Kafka at 1M msg/s”", "how_you_meet_it": "Ledger pipeline"},
            {"name": "Python services", "evidence": "“Python 3 in production”", "how_you_meet_it": "Billing API"},
        ],
        "formatted_jd": f"## The role\n- Own the **{driver}** platform\n- Ship **Python services**",
        "company_context": "Acme builds reusable rockets for small satellites.",
        "background_narrative": {
            "opening": "I build data platforms that do not page anyone at night.",
            "core": "At Ledgerly I moved billing onto Kafka.",
            "forward_hook": "Acme's launch cadence needs exactly that.",
        },
    }


def interview_prep_answer(
    *, questions: int = 3, asks: int = 5, tag: str = "v1", weak_areas: list[str] | None = None
) -> dict[str, Any]:
    phase = {"tasks": ["Re-read the Ledger pipeline project", "Say the STAR answers out loud"]}
    return {
        "weak_areas_targeted": weak_areas or [],
        "roadmap": {
            "foundation_review": phase,
            "active_practice": phase,
            "polish_and_integration": phase,
            "final_confidence_check": phase,
        },
        "predicted_questions": [
            {
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
            for number in range(1, questions + 1)
        ],
        "interviewer_questions": [
            {"question": f"Question to ask number {number}?", "rationale": "Shows you think about operations."}
            for number in range(1, asks + 1)
        ],
        "resume_defense": [
            {
                "bullet": "Cut billing lag from 3 h to 4 s",
                "risk": "high-signal: a big number",
                "likely_probe": "How did you measure it?",
                "defense": "Consumer lag metrics in Grafana, before and after.",
            }
        ],
        "deep_dives": [
            {"topic": "Kafka partitioning", "why": "Named in the job", "explanation": "Keys by account id."}
        ],
    }
