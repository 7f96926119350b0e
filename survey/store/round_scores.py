"""From a round's rows in the database to the score report, the one thing views consume.

The queries here do not grow with the number of partners: one for the partners, one for the
submitted responses with their answers.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from survey.core.answers import stored_answers
from survey.core.instruments import pinned_by_hash
from survey.core.pooling import OTHER_PARTNERS, pooled_members
from survey.core.questionnaire import Questionnaire
from survey.core.report import ScoreReport
from survey.core.scoring import AnswerSetBuilder, PartnerInfo, score
from survey.store.database import db
from survey.store.models import Answer, Partner, Partnership, Response, Round


def questionnaire_of(round_: Round) -> Questionnaire:
    # The text is a deferred column: loaded only the first time this process meets its hash.
    return pinned_by_hash(
        round_.instrument_sha256, lambda: round_.instrument_yaml, round_.instrument_file
    )


def partner_infos(partners: list[Partner]) -> list[PartnerInfo]:
    return [PartnerInfo(p.name, p.sector, p.lead, p.role, p.invited) for p in partners]


def pooled_names(
    partners: list[Partner], respondents: dict[int, int], minimum: int, label: str
) -> dict[int, str]:
    """The name each partner is shown under: its own, or the pool's (``label``), by the core's
    rule (``survey.core.pooling``): small partners pooled, and a pool too small or of a single
    organisation topped up with the next-smallest partner."""
    members = set(
        pooled_members(
            [p.name for p in partners], [respondents.get(p.id, 0) for p in partners], minimum
        )
    )
    return {p.id: label if p.name in members else p.name for p in partners}


def pooled_infos(partners: list[Partner], names: dict[int, str]) -> list[PartnerInfo]:
    """PartnerInfo per shown name; pooled partners become one partner, never the lead."""
    infos: list[PartnerInfo] = []
    pooled = [p for p in partners if names[p.id] != p.name]
    for partner in partners:
        if names[partner.id] == partner.name:
            infos.append(
                PartnerInfo(
                    partner.name, partner.sector, partner.lead, partner.role, partner.invited
                )
            )
    if pooled:
        invited = [p.invited for p in pooled]
        infos.append(
            PartnerInfo(
                names[pooled[0].id],
                "",
                False,
                None,
                sum(i or 0 for i in invited) if all(i is not None for i in invited) else None,
                members=len(pooled),
            )
        )
    return infos


@dataclass
class SubmittedResponse:
    id: int
    partner_id: int
    language: str
    source: str
    label: str | None
    submitted_at: datetime
    values: dict[str, str] = field(default_factory=dict)  # question id -> stored string


@dataclass
class RoundData:
    """A round's submitted responses, with each partner's shown (possibly pooled) name."""

    questionnaire: Questionnaire
    language: str
    partners: list[Partner]
    responses: list[SubmittedResponse]
    names: dict[int, str]
    infos: list[PartnerInfo]


def load_round(round_: Round, language: str | None = None) -> RoundData:
    """Two queries, whatever the number of partners: the partners, then the answers."""
    questionnaire = questionnaire_of(round_)
    lang = language if language in questionnaire.languages else questionnaire.default_language
    partners = list(
        db.session.scalars(
            select(Partner)
            .where(Partner.partnership_id == round_.partnership_id)
            .order_by(Partner.position, Partner.id)
        )
    )
    # Core-level selects of plain columns: no ORM identity work for thousands of answer rows.
    responses = Response.__table__.c
    answers = Answer.__table__.c
    submitted = (responses.round_id == round_.id) & responses.submitted_at.is_not(None)
    by_id: dict[int, SubmittedResponse] = {
        rid: SubmittedResponse(rid, partner_id, language_, source, label, submitted_at)
        for rid, partner_id, language_, source, label, submitted_at in db.session.execute(
            select(
                responses.id,
                responses.partner_id,
                responses.language,
                responses.source,
                responses.label,
                responses.submitted_at,
            )
            .where(submitted)
            .order_by(responses.id)
        )
    }
    for rid, question_id, value in db.session.execute(
        select(answers.response_id, answers.question_id, answers.value)
        .join(Response.__table__, responses.id == answers.response_id)
        .where(submitted)
    ):
        by_id[rid].values[question_id] = value
    counts: dict[int, int] = defaultdict(int)
    for response in by_id.values():
        counts[response.partner_id] += 1
    other = OTHER_PARTNERS.get(lang, OTHER_PARTNERS["en"])
    names = pooled_names(partners, counts, round_.partnership.min_group_size, other)
    return RoundData(
        questionnaire, lang, partners, list(by_id.values()), names, pooled_infos(partners, names)
    )


def round_report(round_: Round, language: str | None = None) -> ScoreReport:
    """The score report of a round's submitted responses (small partners pooled)."""
    data = load_round(round_, language)
    q = data.questionnaire
    builder = AnswerSetBuilder(q, data.infos)
    for response in data.responses:
        builder.add(
            str(response.id),
            data.names[response.partner_id],
            stored_answers(q, response.values),
        )
    return score(
        q,
        data.infos,
        builder.build(),
        data.language,
        phase=round_phase(round_),
        min_group=round_.partnership.min_group_size,
    )


def round_phase(round_: Round) -> str:
    """The round's status for the rules; a round whose opening day is still ahead counts as a
    draft: nobody could have answered it yet, so nobody is silent."""
    if round_.status == "open" and round_.opens_on and round_.opens_on > date.today():
        return "draft"
    return round_.status


def progress(round_: Round) -> list[dict[str, Any]]:
    """Per partner: responses started, submitted, and people invited."""
    counts: dict[int, dict[str, int]] = defaultdict(lambda: {"started": 0, "submitted": 0})
    rows = db.session.execute(
        select(Response.partner_id, Response.submitted_at.is_not(None)).where(
            Response.round_id == round_.id
        )
    ).all()
    for partner_id, submitted in rows:
        counts[partner_id]["started"] += 1
        counts[partner_id]["submitted"] += int(bool(submitted))
    partners = db.session.scalars(
        select(Partner)
        .where(Partner.partnership_id == round_.partnership_id)
        .order_by(Partner.position, Partner.id)
    )
    return [
        {
            "partner": p.name,
            "partner_id": p.id,
            "invited": p.invited,
            "started": counts[p.id]["started"],
            "submitted": counts[p.id]["submitted"],
        }
        for p in partners
    ]


def session_progress(round_ids: list[int]) -> list[dict[str, Any]]:
    """Per round of a symposium session, in the given order: its partnership, and responses
    started and submitted per partner. Counts only, never who; three queries for any number
    of rounds, since a projector asks every few seconds."""
    if not round_ids:
        return []
    rounds = {
        round_id: (name, partnership_id, partnership_name)
        for round_id, name, partnership_id, partnership_name in db.session.execute(
            select(Round.id, Round.name, Round.partnership_id, Partnership.name)
            .join(Partnership, Partnership.id == Round.partnership_id)
            .where(Round.id.in_(round_ids))
        )
    }
    counts: dict[tuple[int, int], dict[str, int]] = defaultdict(
        lambda: {"started": 0, "submitted": 0}
    )
    for round_id, partner_id, submitted in db.session.execute(
        select(Response.round_id, Response.partner_id, Response.submitted_at.is_not(None)).where(
            Response.round_id.in_(round_ids)
        )
    ):
        counts[(round_id, partner_id)]["started"] += 1
        counts[(round_id, partner_id)]["submitted"] += int(bool(submitted))
    partners: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for partner_id, partnership_id, name in db.session.execute(
        select(Partner.id, Partner.partnership_id, Partner.name)
        .where(Partner.partnership_id.in_({p for _, p, _ in rounds.values()}))
        .order_by(Partner.position, Partner.id)
    ):
        partners[partnership_id].append((partner_id, name))
    out = []
    for round_id in round_ids:
        if round_id not in rounds:
            continue
        name, partnership_id, partnership_name = rounds[round_id]
        rows: list[dict[str, Any]] = [
            {"partner_id": partner_id, "partner": partner_name, **counts[(round_id, partner_id)]}
            for partner_id, partner_name in partners[partnership_id]
        ]
        out.append(
            {
                "round_id": round_id,
                "round": name,
                "partnership": partnership_name,
                "started": sum(r["started"] for r in rows),
                "submitted": sum(r["submitted"] for r in rows),
                "partners": rows,
            }
        )
    return out
