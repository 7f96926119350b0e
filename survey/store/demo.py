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

from reports.words import MONTHS
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

# Partners some of whose people answer in French (every second respondent).
FRENCH_SPEAKING = {"Indigenous organisation", "public health"}

# Comments in the language the response was given in. Each is used at most once per round:
# the same sentence from four people reads as made up.
COMMENTS = {
    "what_works": {
        "en": [
            "The monthly situation table works well when everyone comes prepared.",
            "Shared training days with the youth workers.",
            "Having one contact person per agency means calls get returned the same day.",
            "The summer outreach plan was built together and it showed.",
            "Case conferences start on time and end with who does what.",
            "Police now share the call data for the downtown blocks before each meeting.",
            "New staff get a tour of the other agencies in their first month.",
            "The school board opened its gyms for the evening program without a fuss.",
        ],
        "fr": [
            "Les rencontres en personne ont bâti de la confiance entre les intervenants.",
            "Le cercle de partage au début des rencontres donne à chacun la parole.",
            "Les aînés sont invités à la table quand il est question des jeunes autochtones.",
            "Les comptes rendus arrivent maintenant dans la semaine.",
        ],
    },
    "what_to_change": {
        "en": [
            "Agendas are set by the police before we meet; we would like to add items too.",
            "We rarely see the data that decisions are based on.",
            "Rotate the chair and keep minutes that everyone receives.",
            "Small agencies cannot send someone to every meeting; hold some online.",
            "Decisions about funding are announced, not discussed.",
            "Too many acronyms: new members are lost for months.",
            "Follow up on the actions from last spring before adding new ones.",
            "Our clients' privacy needs a written protocol, not a handshake.",
        ],
        "fr": [
            "On nous informe des décisions après coup; nous voulons être consultés avant.",
            "Les documents devraient être disponibles en français aussi.",
            "Prévoir du temps pour les organismes communautaires, pas seulement les services.",
            "Le partage de renseignements se fait dans un seul sens.",
        ],
    },
}


def _answers(
    q: Questionnaire,
    partner: DemoPartner,
    rng: random.Random,
    comments: dict[str, list[str]],
) -> dict[str, str]:
    """One respondent's answers; ``comments`` holds the comments not yet used in this round,
    by question, in this respondent's language (taken from, so that none comes twice)."""
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
        elif question.type == "text" and rng.random() < 0.35 and comments.get(question.id):
            answers[question.id] = comments[question.id].pop()
    return answers


def _unused_comments(rng: random.Random) -> dict[str, dict[str, list[str]]]:
    """A round's supply of comments, by language then question, shuffled."""
    supply: dict[str, dict[str, list[str]]] = {}
    for question_id, by_language in COMMENTS.items():
        for language, texts in by_language.items():
            shuffled = list(texts)
            rng.shuffle(shuffled)
            supply.setdefault(language, {})[question_id] = shuffled
    return supply


def round_dates(today: date) -> list[tuple[str, str, date, date]]:
    """The demo's rounds (name, status, opens, closes), named after the month they opened in,
    so that a name never contradicts its dates whatever day the demo is loaded: a closed
    round four months ago, and one that opened three days ago."""
    rounds = [
        ("closed", today - timedelta(days=120), today - timedelta(days=90)),
        ("open", today - timedelta(days=3), today + timedelta(days=25)),
    ]
    return [
        (f"{MONTHS['en'][opens.month - 1]} {opens.year} check-in", status, opens, closes)
        for status, opens, closes in rounds
    ]


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

    rng = random.Random(2026)
    for name, status, opens, closes in round_dates(date.today()):
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
        comments = _unused_comments(rng)
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
                language = "fr" if spec.sector in FRENCH_SPEAKING and i % 2 else "en"
                answers = _answers(q, spec, rng, comments[language])
                add_response(round_, partner, invitation, answers, i < submitted, language)
    db.session.commit()
    return True, "Demo data created."
