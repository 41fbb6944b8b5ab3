"""The candidate whose pipeline the app shows."""

from __future__ import annotations

from sqlmodel import Session, col, select

from peregrine.config import UserProfile, user_profile
from peregrine.models import Candidate


def current_candidate(session: Session, profile: UserProfile | None = None) -> Candidate:
    """The first candidate, created from `config/user.yaml` on first use."""
    candidate = session.exec(select(Candidate).order_by(col(Candidate.id)).limit(1)).first()
    if candidate is None:
        profile = profile or user_profile()
        candidate = Candidate(name=profile.name, email=profile.email, headline=profile.headline)
        session.add(candidate)
        session.flush()
    return candidate
