"""Turn the model's structured prep answers into the markdown sections that are stored and edited.

The model fills a schema (so counts and shapes are checked); the user reads and edits markdown.
Everything the model wrote passes through `clean_markdown` before it is stored.
"""

from __future__ import annotations

from peregrine.llm.prompts.base_prep import BasePrepAnswer
from peregrine.llm.prompts.interview_prep import InterviewPrepAnswer, RoadmapPhase
from peregrine.services.sanitize import clean_markdown

ROADMAP_PHASES: tuple[tuple[str, str], ...] = (
    ("foundation_review", "Foundation Review"),
    ("active_practice", "Active Practice"),
    ("polish_and_integration", "Polish & Integration"),
    ("final_confidence_check", "Final Confidence Check"),
)


def base_sections(answer: BasePrepAnswer) -> dict[str, str]:
    drivers = "\n".join(
        f"{number}. **{driver.name}** — {driver.evidence}  \n   *You:* {driver.how_you_meet_it}"
        for number, driver in enumerate(answer.primary_drivers, start=1)
    )
    story = answer.background_narrative
    narrative = f"**Opening.** {story.opening}\n\n**Core.** {story.core}\n\n**Forward hook.** {story.forward_hook}"
    return {
        "formatted_jd": clean_markdown(answer.formatted_jd),
        "company_context": clean_markdown(answer.company_context),
        "primary_drivers": clean_markdown(drivers),
        "background_narrative": clean_markdown(narrative),
    }


def interview_sections(answer: InterviewPrepAnswer) -> dict[str, str]:
    plan = []
    if answer.weak_areas_targeted:
        plan.append("**Targets from earlier rounds:** " + "; ".join(answer.weak_areas_targeted))
    for number, (key, label) in enumerate(ROADMAP_PHASES, start=1):
        phase: RoadmapPhase = getattr(answer.roadmap, key)
        plan.append(f"### Phase {number}: {label}\n" + "\n".join(f"- [ ] {task}" for task in phase.tasks))

    predicted = [
        f"### {number}. {item.question}\n"
        f"*Why it is likely:* {item.why_likely}  \n*Draws on:* {item.project}\n\n"
        f"- **Situation:** {item.star.situation}\n- **Task:** {item.star.task}\n"
        f"- **Action:** {item.star.action}\n- **Result:** {item.star.result}"
        for number, item in enumerate(answer.predicted_questions, start=1)
    ]
    asking = [
        f"{number}. **{item.question}**  \n   {item.rationale}"
        for number, item in enumerate(answer.interviewer_questions, start=1)
    ]
    defense = [
        f"### {item.bullet}\n*Risk:* {item.risk}  \n*Expect:* {item.likely_probe}\n\n{item.defense}"
        for item in answer.resume_defense
    ]
    dives = [f"### {item.topic}\n*Why:* {item.why}\n\n{item.explanation}" for item in answer.deep_dives]
    return {
        "prep_plan": clean_markdown("\n\n".join(plan)),
        "predicted_questions": clean_markdown("\n\n".join(predicted)),
        "interviewer_questions": clean_markdown("\n".join(asking)),
        "resume_defense_prep": clean_markdown("\n\n".join(defense)),
        "technical_deep_dives": clean_markdown("\n\n".join(dives)),
    }


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
