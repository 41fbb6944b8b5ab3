"""A realistic sample pipeline for an empty database (`python -m peregrine demo`).

Every job is created with `jobs.create_job` and walked along its path with `jobs.move_job`,
so the demo's stages and stage history are exactly what the app itself would have written.
Only the timestamps are then backdated (deterministically, from `seed`) so the board shows
cards that have sat in their column for anything from today to two months.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import func, update
from sqlmodel import Session, select

from peregrine.config import PROJECT_ROOT
from peregrine.domain.interviews import InterviewKind, RoundOutcome
from peregrine.domain.stages import MoveSource, RejectionReason, Stage
from peregrine.models import Job, StageEvent, utcnow
from peregrine.services import resume
from peregrine.services.candidates import current_candidate
from peregrine.services.interviews import RoundFields, add_round, record_outcome
from peregrine.services.jobs import JobFields, create_job, move_job
from peregrine.services.offers import OfferFields, record_offer

_T = TypeVar("_T")


class DatabaseNotEmpty(Exception):
    """The demo only loads into an empty database; it never mixes with real applications."""


#: Roughly how a real pipeline is spread over the stages.
_STAGE_SHARE: tuple[tuple[Stage, float], ...] = (
    (Stage.APPLIED, 0.34),
    (Stage.SURVEY, 0.07),
    (Stage.PHONE_SCREEN, 0.10),
    (Stage.INTERVIEWING, 0.10),
    (Stage.OFFER, 0.05),
    (Stage.HIRED, 0.025),
    (Stage.REJECTED, 0.315),
)
#: Which stages a very small demo fills first.
_SMALL_DEMO_ORDER = (
    Stage.APPLIED,
    Stage.REJECTED,
    Stage.PHONE_SCREEN,
    Stage.INTERVIEWING,
    Stage.SURVEY,
    Stage.OFFER,
    Stage.HIRED,
)

#: Where rejections happen, and why; the first entries are always used once so every kind shows.
_REJECTION_MIX: tuple[tuple[Stage, RejectionReason], ...] = (
    (Stage.APPLIED, RejectionReason.GHOSTED),
    (Stage.PHONE_SCREEN, RejectionReason.REJECTED_BY_COMPANY),
    (Stage.INTERVIEWING, RejectionReason.WITHDREW),
    (Stage.OFFER, RejectionReason.DECLINED_OFFER),
    (Stage.SURVEY, RejectionReason.REJECTED_BY_COMPANY),
)
_REJECTION_STAGE_WEIGHTS: dict[Stage, float] = {
    Stage.APPLIED: 0.45,
    Stage.SURVEY: 0.10,
    Stage.PHONE_SCREEN: 0.25,
    Stage.INTERVIEWING: 0.15,
    Stage.OFFER: 0.05,
}
_REASON_WEIGHTS: dict[Stage, tuple[tuple[RejectionReason, float], ...]] = {
    Stage.APPLIED: (
        (RejectionReason.REJECTED_BY_COMPANY, 0.55),
        (RejectionReason.GHOSTED, 0.4),
        (RejectionReason.WITHDREW, 0.05),
    ),
    Stage.SURVEY: (
        (RejectionReason.REJECTED_BY_COMPANY, 0.5),
        (RejectionReason.GHOSTED, 0.3),
        (RejectionReason.WITHDREW, 0.2),
    ),
    Stage.PHONE_SCREEN: (
        (RejectionReason.REJECTED_BY_COMPANY, 0.6),
        (RejectionReason.GHOSTED, 0.2),
        (RejectionReason.WITHDREW, 0.2),
    ),
    Stage.INTERVIEWING: (
        (RejectionReason.REJECTED_BY_COMPANY, 0.7),
        (RejectionReason.WITHDREW, 0.2),
        (RejectionReason.GHOSTED, 0.1),
    ),
    Stage.OFFER: ((RejectionReason.DECLINED_OFFER, 0.8), (RejectionReason.WITHDREW, 0.2)),
}

#: Days a card has been in its current column, by stage: (low, high, mode).
_DAYS_IN_STAGE: dict[Stage, tuple[float, float, float]] = {
    Stage.APPLIED: (0, 35, 1),
    Stage.SURVEY: (0, 9, 2),
    Stage.PHONE_SCREEN: (0, 14, 4),
    Stage.INTERVIEWING: (0, 21, 6),
    Stage.OFFER: (0, 8, 2),
    Stage.HIRED: (10, 60, 25),
    Stage.REJECTED: (0, 60, 20),
}
#: Days spent in a stage before leaving it for the next one on the path.
_DAYS_BEFORE_NEXT: dict[Stage, tuple[float, float]] = {
    Stage.APPLIED: (3, 18),
    Stage.SURVEY: (2, 10),
    Stage.PHONE_SCREEN: (3, 12),
    Stage.INTERVIEWING: (7, 25),
    Stage.OFFER: (2, 9),
}
_DAYS_BEFORE_REJECTION: dict[RejectionReason, tuple[float, float]] = {
    RejectionReason.REJECTED_BY_COMPANY: (2, 21),
    RejectionReason.GHOSTED: (20, 45),
    RejectionReason.WITHDREW: (1, 10),
    RejectionReason.DECLINED_OFFER: (2, 7),
}

_SOURCES: tuple[tuple[str, float], ...] = (
    ("LinkedIn", 0.35),
    ("Company site", 0.22),
    ("Job board", 0.18),
    ("Referral", 0.13),
    ("Recruiter", 0.12),
)

_COMPANIES = (
    "Northwind Analytics",
    "Brightpath Health",
    "Lumen Robotics",
    "Cobalt Ridge Software",
    "Harborline Logistics",
    "Quillfeather",
    "Tessellate Labs",
    "Juniper & Vale",
    "Meridian Payments",
    "Fernhill Bio",
    "Pinecrest Games",
    "Atlas Forge",
    "Kestrel Security",
    "Oakmont Insurance Tech",
    "Saltmarsh Media",
    "Vantage Point AI",
    "Bluefin Data",
    "Copperleaf Energy",
    "Driftwood Travel",
    "Evergreen Learning",
    "Foxglove Design Co.",
    "Graniteview Capital",
    "Hollowtree Studios",
    "Ironbark Cloud",
    "Lanternfish",
    "Marigold Commerce",
    "Nimbus Weather Systems",
    "Orchard Grocery",
    "Parallax Mobility",
    "Redwood Civic Tech",
    "Silverline Telecom",
    "Tidewater Maps",
    "Umbra Audio",
    "Wildflower Health",
    "Yarrow Finance",
    "Zephyr Aerospace",
    "Beacon Legal Tech",
    "Halcyon Home",
    "Cinderblock Robotics",
    "Mosaic People Ops",
)

_LOCATIONS = (
    "Remote (US)",
    "Remote (EU)",
    "Remote (Americas)",
    "New York, NY",
    "San Francisco, CA",
    "Seattle, WA",
    "Austin, TX",
    "Denver, CO (hybrid)",
    "Chicago, IL (hybrid)",
    "Boston, MA",
    "Toronto, ON",
    "London, UK",
    "Berlin, Germany",
    "Amsterdam, Netherlands",
    "Lisbon, Portugal (hybrid)",
)

_RECRUITERS = (
    "Dana Whitfield",
    "Priya Raman",
    "Marcus Oyelaran",
    "Sofia Lindqvist",
    "Jamal Carter",
    "Hannah Okafor",
    "Tomás Alvarez",
    "Mei Chen",
    "Greta Novak",
    "Liam Gallagher-Reyes",
)


@dataclass(frozen=True)
class _Family:
    titles: tuple[str, ...]
    teams: tuple[str, ...]
    duties: tuple[str, ...]
    skills: tuple[str, ...]


_FAMILIES: tuple[tuple[_Family, float], ...] = (
    (
        _Family(
            titles=(
                "Senior Software Engineer",
                "Backend Engineer (Python)",
                "Full-Stack Engineer",
                "Staff Software Engineer, Platform",
                "Site Reliability Engineer",
                "Frontend Engineer (React)",
                "Software Engineer II",
                "Engineering Manager, Payments",
            ),
            teams=("Platform", "Payments", "Core API", "Developer Experience", "Mobile", "Infrastructure"),
            duties=(
                "design and ship services that handle millions of requests a day",
                "own features end to end, from the first sketch to production",
                "improve reliability, observability and on-call health",
                "break a monolith into well-bounded services",
                "mentor engineers and raise the bar in code review",
            ),
            skills=("Python", "Go", "TypeScript", "PostgreSQL", "Kubernetes", "AWS", "React", "distributed systems"),
        ),
        0.45,
    ),
    (
        _Family(
            titles=(
                "Data Scientist",
                "Senior Data Engineer",
                "Machine Learning Engineer",
                "Analytics Engineer",
                "Data Analyst, Growth",
                "ML Platform Engineer",
            ),
            teams=("Data Platform", "Growth Analytics", "Forecasting", "Personalisation", "Risk"),
            duties=(
                "build the pipelines the whole company's reporting stands on",
                "turn messy event data into models that move a product metric",
                "run experiments and explain what they mean to non-specialists",
                "take models from a notebook to a monitored production service",
            ),
            skills=("SQL", "dbt", "Spark", "Airflow", "PyTorch", "scikit-learn", "Snowflake", "experiment design"),
        ),
        0.25,
    ),
    (
        _Family(
            titles=(
                "Product Manager",
                "Senior Product Manager, Growth",
                "Technical Product Manager",
                "Product Owner, Mobile",
                "Group Product Manager",
            ),
            teams=("Growth", "Onboarding", "Marketplace", "Billing", "Mobile"),
            duties=(
                "set the roadmap with engineering and design and say no to the right things",
                "talk to customers every week and turn what you hear into bets",
                "define success metrics and hold the team to them",
                "launch features across web and mobile with go-to-market partners",
            ),
            skills=("product discovery", "SQL", "A/B testing", "B2B SaaS", "roadmapping", "stakeholder management"),
        ),
        0.17,
    ),
    (
        _Family(
            titles=(
                "Product Designer",
                "Senior UX Designer",
                "UX Researcher",
                "Design Systems Designer",
                "Content Designer",
            ),
            teams=("Design Systems", "Checkout", "Onboarding", "Accessibility", "Mobile"),
            duties=(
                "shape flows from research to polished, accessible interfaces",
                "run interviews and usability tests and share what they teach",
                "grow a design system that engineers love to use",
                "prototype quickly and iterate with engineers in the loop",
            ),
            skills=("Figma", "user research", "interaction design", "WCAG", "prototyping", "design systems"),
        ),
        0.13,
    ),
)

_PERKS = (
    "The salary range is published in the listing and the team works four-day weeks in summer.",
    "We offer a learning budget, flexible hours and a home-office stipend.",
    "Hybrid: two days a week in the office, the rest wherever you work best.",
    "Fully remote across time zones, with a yearly team offsite.",
    "Equity for every employee, 25 days of holiday and parental leave from day one.",
)


@dataclass
class _Plan:
    """One demo job before it is written: where it ends up and when things happened."""

    stage: Stage
    path: list[Stage]
    reason: RejectionReason | None = None
    company: str = ""
    days_in_stage: float = 0.0
    moments: list[datetime] = field(default_factory=list)  # created, then one per move


def load_demo(session: Session, jobs: int = 40, *, seed: int = 7) -> int:
    """Fill an empty database with `jobs` sample applications; return how many were created.

    Raises `DatabaseNotEmpty` (nothing written) when any job exists.
    """
    existing = session.execute(select(func.count()).select_from(Job)).scalar_one()
    if existing:
        noun = "job" if existing == 1 else "jobs"
        raise DatabaseNotEmpty(
            f"The database already holds {existing} {noun} and was left untouched: the demo loads only into an "
            "empty database. Point PEREGRINE_DATA_DIR (or PEREGRINE_DB_URL) at a new location to try it."
        )
    if jobs < 0:
        raise ValueError("The number of demo jobs must be 0 or more.")
    if jobs == 0:
        return 0

    rng = random.Random(seed)
    candidate = current_candidate(session)
    assert candidate.id is not None
    now = utcnow()
    plans = _plan_pipeline(rng, jobs)
    _assign_companies(rng, plans)
    for plan in plans:
        _plan_times(rng, plan, now)
    _add_reapplications(rng, plans, now)
    # Oldest activity first, so each column ends with its most recent arrival on top.
    plans.sort(key=lambda plan: plan.moments[-1])

    job_rows: list[dict[str, object]] = []
    event_rows: list[dict[str, object]] = []
    for plan in plans:
        job = create_job(session, candidate.id, _fields(rng, plan.company))
        assert job.id is not None
        for step, target in enumerate(plan.path):
            by_button = target is Stage.SURVEY or rng.random() < 0.6
            moved = move_job(
                session,
                job.id,
                target,
                source=MoveSource.BUTTON if by_button else MoveSource.DRAG,
                reason=plan.reason if target is Stage.REJECTED else None,
                candidate_id=candidate.id,
                research=False,  # past moves: nothing to research now
            )
            event_rows.append(
                {"id": moved.event.id, "at": plan.moments[step + 1], "from_entered_at": plan.moments[step]}
            )
        job_rows.append(
            {
                "id": job.id,
                "created_at": plan.moments[0],
                "applied_on": plan.moments[0].date(),  # applied the day it was added
                "stage_entered_at": plan.moments[-1],
                "updated_at": plan.moments[-1],
            }
        )

    # Backdate in two bulk statements: the moves above stamped everything "now".
    session.execute(update(Job), job_rows)
    if event_rows:
        session.execute(update(StageEvent), event_rows)
    session.flush()
    session.expire_all()
    planned = [(row["id"], plan) for row, plan in zip(job_rows, plans, strict=True)]
    _add_rounds(session, rng, planned, now)
    _add_offers(session, rng, planned, now)
    _add_sample_resume(session, candidate.id)
    return len(plans)


def _add_sample_resume(session: Session, candidate_id: int) -> None:
    """The documented example resume, so interview prep has projects to draw on in the demo."""
    if resume.projects_of(session, candidate_id):
        return
    example = PROJECT_ROOT / "config" / "resume.yaml.example"
    resume.import_resume_yaml(session, candidate_id, example.read_text(encoding="utf-8"), replace=False)


def _add_rounds(session: Session, rng: random.Random, jobs: list[tuple[object, _Plan]], now: datetime) -> None:
    """Interview rounds where the stage implies them: a recruiter call coming up for a phone
    screen; for an active loop, the rounds already done and the next one scheduled."""
    for job_id, plan in jobs:
        assert isinstance(job_id, int)
        soon = now + timedelta(days=rng.randint(1, 9), hours=rng.randint(0, 8))
        if plan.stage is Stage.PHONE_SCREEN:
            add_round(session, job_id, RoundFields("Recruiter call", kind=InterviewKind.RECRUITER, scheduled_at=soon))
        elif plan.stage is Stage.INTERVIEWING:
            done = add_round(
                session,
                job_id,
                RoundFields("Recruiter call", kind=InterviewKind.RECRUITER, scheduled_at=soon - timedelta(days=12)),
            )
            assert done.id is not None
            record_outcome(session, done.id, outcome=RoundOutcome.PASSED, ratings={"overall_rating": rng.randint(3, 5)})
            kind = rng.choice([InterviewKind.TECHNICAL, InterviewKind.SYSTEM_DESIGN, InterviewKind.HIRING_MANAGER])
            add_round(session, job_id, RoundFields(f"{kind.label} interview", kind=kind, scheduled_at=soon))


def _add_offers(session: Session, rng: random.Random, jobs: list[tuple[object, _Plan]], now: datetime) -> None:
    """An offer for each job at Offer (a decision due soon) or Hired (a start date), so the
    comparison page and the placements have something to show."""
    for job_id, plan in jobs:
        assert isinstance(job_id, int)
        if plan.stage not in (Stage.OFFER, Stage.HIRED):
            continue
        base = rng.randrange(120_000, 215_000, 5_000)
        fields = OfferFields(
            base_salary=base,
            bonus=base * rng.choice([0, 5, 10, 15]) // 100 or None,
            signing_bonus=rng.choice([None, 10_000, 15_000, 25_000]),
            equity=rng.choice(["", "0.05% over 4 years", "8,000 RSUs over 4 years", "$60k in RSUs a year"]),
            start_date=(now + timedelta(days=rng.randint(14, 45))).date(),
            decision_deadline=(now + timedelta(days=rng.randint(2, 10))).date() if plan.stage is Stage.OFFER else None,
        )
        record_offer(session, job_id, fields)


def _plan_pipeline(rng: random.Random, jobs: int) -> list[_Plan]:
    plans: list[_Plan] = []
    rejection_mix = list(_REJECTION_MIX)
    for stage, count in _stage_counts(jobs).items():
        for _ in range(count):
            if stage is Stage.REJECTED:
                if rejection_mix:
                    from_stage, reason = rejection_mix.pop(0)
                else:
                    from_stage = _weighted(rng, tuple(_REJECTION_STAGE_WEIGHTS.items()))
                    reason = _weighted(rng, _REASON_WEIGHTS[from_stage])
                plans.append(_Plan(stage, [*_path_to(rng, from_stage), Stage.REJECTED], reason))
            else:
                plans.append(_Plan(stage, _path_to(rng, stage)))
    return plans


def _stage_counts(jobs: int) -> dict[Stage, int]:
    """How many jobs end in each stage: proportional, with every stage present from 7 jobs up."""
    if jobs < len(_STAGE_SHARE):
        chosen = _SMALL_DEMO_ORDER[:jobs]
        return dict.fromkeys(chosen, 1)
    wanted = {stage: share * jobs for stage, share in _STAGE_SHARE}
    counts = {stage: max(1, int(value)) for stage, value in wanted.items()}
    while sum(counts.values()) < jobs:
        stage = max(counts, key=lambda s: wanted[s] - counts[s])
        counts[stage] += 1
    while sum(counts.values()) > jobs:
        stage = max(counts, key=lambda s: counts[s] - wanted[s])
        counts[stage] -= 1
    return counts


def _path_to(rng: random.Random, stage: Stage) -> list[Stage]:
    """The moves that take a new application (in Applied) to `stage`."""
    if stage is Stage.APPLIED:
        return []
    if stage is Stage.SURVEY:
        return [Stage.SURVEY]
    main = [Stage.PHONE_SCREEN, Stage.INTERVIEWING, Stage.OFFER, Stage.HIRED]
    path = main[: main.index(stage) + 1]
    if rng.random() < 0.25:  # some companies send a questionnaire before the first call
        path.insert(0, Stage.SURVEY)
    return path


def _assign_companies(rng: random.Random, plans: list[_Plan]) -> None:
    pool = list(_COMPANIES)
    rng.shuffle(pool)
    used: list[str] = []
    for index, plan in enumerate(plans):
        if used and rng.random() < 0.15:
            plan.company = rng.choice(used)
        else:
            plan.company = pool[index % len(pool)]
        used.append(plan.company)
    rng.shuffle(plans)


def _add_reapplications(rng: random.Random, plans: list[_Plan], now: datetime) -> None:
    """A few fresh applications at companies that turned the candidate down weeks ago.

    The board's "this company rejected you before" warning needs them; the newest
    application is also made today, so the board shows the whole range of ages.
    """
    applied = sorted((plan for plan in plans if plan.stage is Stage.APPLIED), key=lambda plan: plan.days_in_stage)
    if not applied:
        return
    _plan_times(rng, applied[0], now, days=rng.uniform(0.02, 0.5))
    rejected = sorted((plan for plan in plans if plan.stage is Stage.REJECTED), key=lambda plan: -plan.days_in_stage)
    companies: set[str] = set()
    pairs = 0
    for earlier in rejected:
        if pairs == min(3, len(applied)):
            break
        if earlier.company in companies:
            continue
        later = applied[pairs]
        if later.days_in_stage >= earlier.days_in_stage:
            break
        later.company = earlier.company
        companies.add(earlier.company)
        pairs += 1


def _plan_times(rng: random.Random, plan: _Plan, now: datetime, *, days: float | None = None) -> None:
    """Backwards from now: the days in the current stage, then the time spent in each earlier one."""
    low, high, mode = _DAYS_IN_STAGE[plan.stage]
    plan.days_in_stage = rng.triangular(low, high, mode) if days is None else days
    moment = now - timedelta(days=plan.days_in_stage)
    moments = [moment]
    stages = [Stage.APPLIED, *plan.path]
    for left, entered in zip(reversed(stages[:-1]), reversed(stages[1:]), strict=True):
        if entered is Stage.REJECTED:
            assert plan.reason is not None
            low, high = _DAYS_BEFORE_REJECTION[plan.reason]
        else:
            low, high = _DAYS_BEFORE_NEXT[left]
        moment -= timedelta(days=rng.uniform(low, high), minutes=rng.randint(5, 600))
        moments.append(moment)
    plan.moments = moments[::-1]


def _fields(rng: random.Random, company: str) -> JobFields:
    family = _weighted(rng, _FAMILIES)
    title = rng.choice(family.titles)
    source = _weighted(rng, _SOURCES)
    slug = "".join(ch for ch in company.lower() if ch.isalnum())
    posting = rng.randint(1000, 99999)
    if source == "LinkedIn":
        url = f"https://www.linkedin.com/jobs/view/{rng.randint(3_000_000_000, 3_999_999_999)}"
    elif source == "Job board":
        url = f"https://jobs.example.net/listing/{slug}-{posting}"
    elif source == "Recruiter" and rng.random() < 0.5:
        url = ""  # the recruiter sent the description by email
    else:
        url = f"https://careers.{slug}.example.com/jobs/{posting}"
    recruiter = rng.choice(_RECRUITERS) if source in ("Recruiter", "LinkedIn") and rng.random() < 0.7 else ""
    skill_a, skill_b, nice = rng.sample(family.skills, 3)
    jd = (
        f"{company} is hiring a {title} for its {rng.choice(family.teams)} team. "
        f"You will {rng.choice(family.duties)}, working closely with product, design and engineering. "
        f"We'd love to see {rng.randint(2, 8)}+ years of experience with {skill_a} and {skill_b}; "
        f"{nice} is a plus. {rng.choice(_PERKS)}"
    )
    return JobFields(
        company=company,
        title=title,
        url=url,
        location=rng.choice(_LOCATIONS),
        source=source,
        recruiter=recruiter,
        raw_jd_text=jd,
    )


def _weighted(rng: random.Random, options: tuple[tuple[_T, float], ...]) -> _T:
    values = [value for value, _ in options]
    weights = [weight for _, weight in options]
    return rng.choices(values, weights=weights, k=1)[0]
