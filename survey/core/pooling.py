"""Small partners pooled so that no row of any output rests on fewer than N respondents.

The promise to respondents is "results per organisation, never per person". With a minimum
group size N (``docs/scoring.md``, decision 0022):

* a partner with some respondents but fewer than N joins the pool ("Other partners");
* a pool below N respondents, or holding a single organisation, absorbs the next-smallest
  named partner until it holds N respondents from at least 2 organisations;
* a round below N respondents altogether shows counts only (``score(min_group=N)``).

Partners with no respondents keep their names: no answers to protect, and the silent-partner
rule needs them. No Flask here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from survey.core.scoring import AnswerSet, PartnerInfo

OTHER_PARTNERS = {"en": "Other partners", "fr": "Autres partenaires"}


def pooled_members(names: Sequence[str], counts: Sequence[int], minimum: int) -> list[str]:
    """The names of the partners that go into the pool, in listing order (empty: no pool)."""
    if minimum <= 1:
        return []
    pool = [n for n, c in zip(names, counts, strict=True) if 0 < c < minimum]
    if not pool:
        return []
    size = dict(zip(names, counts, strict=True))
    # Next-smallest first; on a tie, the one listed last (the listing puts the lead first).
    candidates = sorted(
        (n for n, c in zip(names, counts, strict=True) if c >= minimum),
        key=lambda n: (size[n], -names.index(n)),
    )
    while (sum(size[n] for n in pool) < minimum or len(pool) < 2) and candidates:
        pool.append(candidates.pop(0))
    return [n for n in names if n in pool]


def pool_partners(
    partners: Sequence[PartnerInfo], answers: AnswerSet, minimum: int, language: str = "en"
) -> tuple[list[PartnerInfo], AnswerSet]:
    """The partners and answers with the pool as one partner (never the lead), for callers that
    hold an AnswerSet (the CLI); the web pools stored rows by name the same way."""
    counts = np.bincount(answers.partner_index, minlength=len(partners))
    names = [p.name for p in partners]
    members = set(pooled_members(names, [int(c) for c in counts], minimum))
    if not members:
        return list(partners), answers
    label = OTHER_PARTNERS.get(language, OTHER_PARTNERS["en"])
    kept = [p for p in partners if p.name not in members]
    pooled = [p for p in partners if p.name in members]
    invited = [p.invited for p in pooled]
    pool = PartnerInfo(
        label,
        "",
        False,
        None,
        sum(i or 0 for i in invited) if all(i is not None for i in invited) else None,
        members=len(pooled),
    )
    infos = [*kept, pool]
    position = {p.name: i for i, p in enumerate(kept)}
    remap = np.array([position.get(p.name, len(kept)) for p in partners], dtype=np.intp)
    return infos, replace(answers, partner_index=remap[answers.partner_index])
