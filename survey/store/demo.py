"""Demo data: a partnership of six organisations with a closed round and an open one.

The closed round is built to show what the tool is for: the lead police service sees a
healthier partnership than the others do (a perception gap), power and information are
unequal, the friendship centre is listed as a collaborator but its people say they are only
kept informed, and one partner never answered. Answers are drawn from a seeded generator,
so the demo is the same on every machine.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from survey.core.instruments import available
from survey.core.questionnaire import NA, Questionnaire
from survey.store.database import db
from survey.store.models import (
    Answer,
    Facilitator,
    Invitation,
    Partner,
    Partnership,
    Response,
    Round,
    utcnow,
)

DEMO_EMAIL = "demo@example.org"
DEMO_PASSWORD = "partnership-demo"  # a local demo only; printed by `make run`
DEMO_PARTNERSHIP = "Riverside Community Safety Partnership"
INSTRUMENT = "partnership-health.yaml"


@dataclass(frozen=True)
class DemoPartner:
    name: str
    sector: str
    lead: bool
    role: str
    invited: int
    # How this organisation's people see each dimension (1-5), and the role they report.
    view: dict[str, float]
    reported_role: str
    closed_round_respondents: int


_HIGH = {
    "trust": 4.5,
    "shared_vision": 4.6,
    "leadership": 4.6,
    "continuity": 4.2,
    "power_balance": 4.5,
    "communication": 4.4,
    "decision_making": 4.6,
}


def _view(**overrides: float) -> dict[str, float]:
    base = {
        "trust": 3.4,
        "shared_vision": 3.8,
        "leadership": 3.5,
        "continuity": 3.0,
        "power_balance": 2.6,
        "communication": 3.1,
        "decision_making": 2.8,
    }
    base.update(overrides)
    return base


PARTNERS = [
    DemoPartner(
        "Riverside Police Service", "police", True, "collaboration", 4, _HIGH, "collaboration", 4
    ),
    DemoPartner(
        "Public Health Unit",
        "public health",
        False,
        "collaboration",
        3,
        _view(trust=3.6, power_balance=2.9),
        "coordination",
        3,
    ),
    DemoPartner(
        "Riverside Housing",
        "housing",
        False,
        "coordination",
        3,
        _view(shared_vision=3.3, power_balance=2.4),
        "coordination",
        2,
    ),
    DemoPartner(
        "Riverside District School Board",
        "school board",
        False,
        "collaboration",
        3,
        _view(),
        "collaboration",
        0,
    ),
    DemoPartner(
        "Youth Services Network",
        "youth services",
        False,
        "coordination",
        2,
        _view(trust=3.9, communication=3.5),
        "coordination",
        2,
    ),
    DemoPartner(
        "Native Friendship Centre",
        "Indigenous organisation",
        False,
        "collaboration",
        2,
        _view(trust=2.4, power_balance=1.8, decision_making=1.9, communication=2.4),
        "communication",
        2,
    ),
]

COMMENTS = {
    "what_works": [
        "The monthly situation table works well when everyone comes prepared.",
        "Les rencontres en personne ont bâti de la confiance entre les intervenants.",
        "Shared training days with the youth workers.",
    ],
    "what_to_change": [
        "Agendas are set by the police before we meet; we would like to add items too.",
        "We rarely see the data that decisions are based on.",
        "Rotate the chair and keep minutes that everyone receives.",
    ],
}


def _answers(q: Questionnaire, partner: DemoPartner, rng: random.Random) -> dict[str, str]:
    answers: dict[str, str] = {}
    for question in q.questions():
        if question.dimension is not None:
            if rng.random() < 0.06:
                answers[question.id] = NA
                continue
            scale = q.scales[question.scale or ""]
            level = partner.view.get(question.dimension, 3.0) + rng.gauss(0, 0.6)
            value = min(scale.maximum, max(scale.minimum, round(level)))
            if question.reverse:
                value = scale.minimum + scale.maximum - value
            answers[question.id] = str(int(value))
        elif question.id == "partner_role":
            roles = ["communication", "cooperation", "coordination", "collaboration"]
            answers[question.id] = (
                partner.reported_role if rng.random() < 0.8 else rng.choice(roles)
            )
        elif question.type == "text" and rng.random() < 0.35:
            answers[question.id] = rng.choice(COMMENTS.get(question.id, ["—"]))
    return answers


def add_response(
    round_: Round,
    partner: Partner,
    invitation: Invitation,
    answers: dict[str, str],
    submitted: bool,
    language: str,
) -> Response:
    """A web response with ``answers`` stored (submitted or still in progress)."""
    response = Response(
        round_id=round_.id,
        partner_id=partner.id,
        invitation_id=invitation.id,
        language=language,
        submitted_at=utcnow() if submitted else None,
    )
    db.session.add(response)
    db.session.flush()
    db.session.add_all(
        Answer(response_id=response.id, question_id=qid, value=value)
        for qid, value in answers.items()
    )
    return response


def load_demo(questionnaires_dir: str | Path) -> tuple[bool, str]:
    """Create the demo data unless it exists; returns (created, message)."""
    user = db.session.scalar(select(Facilitator).where(Facilitator.email == DEMO_EMAIL))
    if user is not None and any(p.name == DEMO_PARTNERSHIP for p in user.partnerships):
        return False, "The demo data is already there."
    found = {f.filename: f for f in available(questionnaires_dir)}.get(INSTRUMENT)
    if found is None or found.questionnaire is None:
        return False, f"The demo needs {INSTRUMENT} in {questionnaires_dir}."
    q = found.questionnaire
    if user is None:
        # The only account of a fresh install: an administrator, so Accounts can be tried too.
        user = Facilitator(email=DEMO_EMAIL, name="Demo Facilitator", is_admin=True)
        user.set_password(DEMO_PASSWORD)
        db.session.add(user)
        db.session.flush()

    partnership = Partnership(
        owner_id=user.id,
        name=DEMO_PARTNERSHIP,
        description="Police, health, housing, schools, youth services and the friendship "
        "centre, working together on youth safety downtown.",
        min_group_size=3,  # the promise to respondents: never fewer than 3 behind a number
    )
    db.session.add(partnership)
    db.session.flush()
    partners = []
    for position, spec in enumerate(PARTNERS, start=1):
        partner = Partner(
            partnership_id=partnership.id,
            name=spec.name,
            sector=spec.sector,
            lead=spec.lead,
            role=spec.role,
            invited=spec.invited,
            position=position,
        )
        db.session.add(partner)
        partners.append(partner)
    db.session.flush()

    today = date.today()
    rng = random.Random(2026)
    rounds = [
        ("Autumn 2026 check-in", "closed", today - timedelta(days=60), today - timedelta(days=30)),
        ("Spring 2027 check-in", "open", today - timedelta(days=3), today + timedelta(days=25)),
    ]
    for name, status, opens, closes in rounds:
        round_ = Round(
            partnership_id=partnership.id,
            name=name,
            status=status,
            opens_on=opens,
            closes_on=closes,
            **Round.pinned_instrument(found.filename, q),
        )
        db.session.add(round_)
        db.session.flush()
        for partner, spec in zip(partners, PARTNERS, strict=True):
            invitation = Invitation(round_id=round_.id, partner_id=partner.id)
            db.session.add(invitation)
            db.session.flush()
            if status == "closed":
                count, submitted = spec.closed_round_respondents, spec.closed_round_respondents
            else:
                count, submitted = (
                    spec.closed_round_respondents // 2,
                    spec.closed_round_respondents // 3,
                )
            for i in range(count):
                language = "fr" if spec.sector == "Indigenous organisation" and i % 2 else "en"
                add_response(
                    round_, partner, invitation, _answers(q, spec, rng), i < submitted, language
                )
    db.session.commit()
    return True, "Demo data created."
