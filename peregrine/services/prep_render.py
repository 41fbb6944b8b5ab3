"""Turn the model's structured answer of each prep section into the markdown that is stored and edited.

The model fills a section's schema (so counts and shapes are checked); the user reads and edits markdown.
Everything the model wrote passes through `clean_markdown` before it is stored.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from peregrine.llm.prompts import base_prep, interview_prep
from peregrine.services.sanitize import clean_markdown

ROADMAP_PHASES: tuple[tuple[str, str], ...] = (
    ("foundation_review", "Foundation Review"),
    ("active_practice", "Active Practice"),
    ("polish_and_integration", "Polish & Integration"),
    ("final_confidence_check", "Final Confidence Check"),
)


def _drivers(answer: base_prep.CallbackDrivers) -> str:
    return "\n".join(
        f"{number}. **{driver.name}** — {driver.evidence}  \n   *You:* {driver.how_you_meet_it}"
        for number, driver in enumerate(answer.drivers, start=1)
    )


def _narrative(story: base_prep.BackgroundNarrative) -> str:
    return f"**Opening.** {story.opening}\n\n**Core.** {story.core}\n\n**Forward hook.** {story.forward_hook}"


def _roadmap(answer: interview_prep.RoadmapAnswer) -> str:
    plan = []
    if answer.weak_areas_targeted:
        plan.append("**Targets from earlier rounds:** " + "; ".join(answer.weak_areas_targeted))
    for number, (key, label) in enumerate(ROADMAP_PHASES, start=1):
        phase: interview_prep.RoadmapPhase = getattr(answer.roadmap, key)
        plan.append(f"### Phase {number}: {label}\n" + "\n".join(f"- [ ] {task}" for task in phase.tasks))
    return "\n\n".join(plan)


def _predicted(answer: interview_prep.PredictedQuestions) -> str:
    return "\n\n".join(
        f"### {number}. {item.question}\n"
        f"*Why it is likely:* {item.why_likely}  \n*Draws on:* {item.project}\n\n"
        f"- **Situation:** {item.star.situation}\n- **Task:** {item.star.task}\n"
        f"- **Action:** {item.star.action}\n- **Result:** {item.star.result}"
        for number, item in enumerate(answer.questions, start=1)
    )


def _asking(answer: interview_prep.QuestionsToAsk) -> str:
    return "\n".join(
        f"{number}. **{item.question}**  \n   {item.rationale}" for number, item in enumerate(answer.questions, start=1)
    )


def _defense(answer: interview_prep.ResumeDefense) -> str:
    return "\n\n".join(
        f"### {item.bullet}\n*Risk:* {item.risk}  \n*Expect:* {item.likely_probe}\n\n{item.defense}"
        for item in answer.bullets
    )


def _dives(answer: interview_prep.DeepDives) -> str:
    return "\n\n".join(f"### {item.topic}\n*Why:* {item.why}\n\n{item.explanation}" for item in answer.dives)


#: Section key → the markdown of its answer (before `clean_markdown`).
_RENDERERS: dict[str, Callable[[Any], str]] = {
    "primary_drivers": _drivers,
    "formatted_jd": lambda answer: answer.markdown,
    "company_context": lambda answer: answer.markdown,
    "background_narrative": _narrative,
    "prep_plan": _roadmap,
    "predicted_questions": _predicted,
    "interviewer_questions": _asking,
    "resume_defense_prep": _defense,
    "technical_deep_dives": _dives,
}


def section_markdown(key: str, answer: Any) -> str:
    """The stored markdown of one section's answer, sanitized."""
    return clean_markdown(_RENDERERS[key](answer)).strip()


def reference_lines(markdown: str, *, limit: int = 12) -> list[str]:
    """The condensed reference sheet of a section: its headings and list items, one line each.

    Read from the (possibly edited) markdown rather than the model's answer, so the sheet
    follows the user's edits.
    """
    lines = []
    for raw in markdown.splitlines():
        line = raw.strip()
        for marker in ("### ", "## ", "# ", "- [ ] ", "- ", "* "):
            if line.startswith(marker):
                line = line[len(marker) :]
                break
        else:
            if not (line[:1].isdigit() and ". " in line[:4]):
                continue
            line = line.split(". ", 1)[1]
        line = line.replace("**", "").strip()
        if line:
            lines.append(line if len(line) <= 160 else line[:157] + "…")
        if len(lines) >= limit:
            break
    return lines
