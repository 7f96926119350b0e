"""Numbers and the few domain phrases in the interface languages: one home for each.

The page's own text goes through the Babel catalogue (``survey/web/translations``); what the
domain core says itself (evidence sentences, rule and role names, default practices) and how it
writes numbers lives here, so that the CLI, the PDFs and the web pages word things alike.
"""

from __future__ import annotations

# Evidence sentences in the interface languages. The instrument supplies the practices.
EVIDENCE: dict[str, dict[str, str]] = {
    "en": {
        "silent-partner": "No one from {partner} has responded yet ({invited} invited).",
        "power-imbalance-low": "The partnership scores {score} on {dimension}, below {below}.",
        "power-imbalance-gap": "{partner} scores {score} on {dimension}, {gap} below the lead "
        "({lead}: {lead_score}).",
        "perception-gap": "On {dimension}, the lead ({lead}) scores {lead_score}; the other "
        "partners average {others} ({gap} lower).",
        # The reported role is the most common answer, not always a majority: say "most often".
        "role-mismatch": "{partner} is listed as {listed}, but its respondents most often "
        "describe its role as {reported} ({count} of {total}).",
        "divergent-views": "Partners disagree on {dimension}: scores range from {min} to {max} "
        "(standard deviation {sd} across {n} partners).",
        "dominant-voice": "{partner} gives {count} of {total} responses ({share}), with "
        "{n} partners responding.",
        "low-score": "The partnership scores {score} on {dimension}, in the concern band "
        "(below {borderline}).",
    },
    "fr": {
        "silent-partner": "Personne de {partner} n’a encore répondu ({invited} personnes "
        "invitées).",
        "power-imbalance-low": "Le partenariat obtient {score} pour « {dimension} », sous {below}.",
        "power-imbalance-gap": "{partner} obtient {score} pour « {dimension} », soit {gap} "
        "de moins que l’organisme responsable ({lead} : {lead_score}).",
        "perception-gap": "Pour « {dimension} », l’organisme responsable ({lead}) obtient "
        "{lead_score}; les autres partenaires ont une moyenne de {others} ({gap} de moins).",
        "role-mismatch": "{partner} est inscrit comme partenaire de {listed}, mais ses "
        "répondants décrivent le plus souvent son rôle comme de la {reported} ({count} sur "
        "{total}).",
        "divergent-views": "Les partenaires divergent sur « {dimension} » : les scores vont "
        "de {min} à {max} (écart-type de {sd} entre {n} partenaires).",
        "dominant-voice": "{partner} fournit {count} des {total} réponses ({share}), "
        "avec {n} partenaires qui répondent.",
        "low-score": "Le partenariat obtient {score} pour « {dimension} », dans la zone de "
        "préoccupation (sous {borderline}).",
    },
}

RULE_NAMES: dict[str, dict[str, str]] = {
    "en": {
        "silent-partner": "Silent partner",
        "power-imbalance": "Power imbalance",
        "perception-gap": "Perception gap",
        "role-mismatch": "Role mismatch",
        "divergent-views": "Divergent views",
        "dominant-voice": "Dominant voice",
        "low-score": "Low score",
    },
    "fr": {
        "silent-partner": "Partenaire silencieux",
        "power-imbalance": "Déséquilibre des pouvoirs",
        "perception-gap": "Écart de perception",
        "role-mismatch": "Discordance de rôle",
        "divergent-views": "Points de vue divergents",
        "dominant-voice": "Voix dominante",
        "low-score": "Score faible",
    },
}

ROLE_NAMES: dict[str, dict[str, str]] = {
    "en": {
        "communication": "communication",
        "cooperation": "cooperation",
        "coordination": "coordination",
        "collaboration": "collaboration",
    },
    "fr": {
        "communication": "communication",
        "cooperation": "coopération",
        "coordination": "coordination",
        "collaboration": "collaboration",
    },
}

# Practices for rules that are not about one dimension, when the instrument gives none.
DEFAULT_PRACTICE: dict[str, dict[str, str]] = {
    "en": {
        "silent-partner": "Ask the partner, in person, what would make it easier to take part; "
        "agree on a named representative and a back-up.",
        "role-mismatch": "Review together the role each partner actually plays, and either "
        "give the partner a real share of planning and decisions or list its role honestly.",
        "dominant-voice": "Read the results one organisation at a time, and invite the "
        "quieter partners to speak first when they are discussed.",
    },
    "fr": {
        "silent-partner": "Demandez au partenaire, en personne, ce qui faciliterait sa "
        "participation; convenez d’une personne représentante et d’une suppléante.",
        "role-mismatch": "Revoyez ensemble le rôle que chaque partenaire joue réellement, et "
        "donnez-lui une vraie part de la planification et des décisions, ou inscrivez son rôle "
        "tel qu’il est.",
        "dominant-voice": "Lisez les résultats un organisme à la fois, et invitez les "
        "partenaires plus discrets à s'exprimer en premier.",
    },
}


def format_number(value: float, language: str, decimals: int = 2) -> str:
    """A number as people write it in ``language`` (French uses a decimal comma)."""
    text = f"{value:.{decimals}f}"
    return text.replace(".", ",") if language == "fr" else text


def format_score(value: float | None, language: str) -> str:
    """A score to two decimals, or a dash where there is none."""
    return "—" if value is None else format_number(value, language)


def format_share(value: float, language: str) -> str:
    """A share as a whole percentage (French puts a space before the sign)."""
    pct = f"{value * 100:.0f}"
    return f"{pct} %" if language == "fr" else f"{pct}%"


def role_name(role: str, language: str) -> str:
    return ROLE_NAMES.get(language, ROLE_NAMES["en"]).get(role, role)


def rule_name(rule_id: str, language: str) -> str:
    return RULE_NAMES.get(language, RULE_NAMES["en"]).get(rule_id, rule_id)


def evidence_sentence(key: str, language: str, **values: object) -> str:
    """One evidence sentence of a rule, its numbers already worded."""
    return EVIDENCE.get(language, EVIDENCE["en"])[key].format(**values)


def default_practice(rule_id: str, language: str) -> str:
    """The practice for a rule that is not about one dimension, when the instrument has none."""
    return DEFAULT_PRACTICE.get(language, DEFAULT_PRACTICE["en"]).get(rule_id, "")


# Findings: flags grouped by dimension or partner, summarised in one plain sentence.
FINDING_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "dimension": "On “{dimension}”, {parts}.",
        "partner": "{partner} {parts}.",
        "low-score": "the partnership scores in the concern band",
        "power-imbalance": "power is unequal between partners",
        "perception-gap": "the lead sees it far more favourably than the other partners",
        "divergent-views": "partners see it very differently",
        "silent-partner": "has not responded yet",
        "role-mismatch": "plays a smaller role than the partnership lists",
        "dominant-voice": "gives an outsized share of the responses",
        "and": "and",
        "partnership": "Partnership: {score}",
        "interval": " (95% interval {low}–{high}, {n} partners)",
        "lead": "Lead ({lead}): {lead_score}; other partners’ average: {others} ({gap} lower)",
        "lead_only": "Lead ({lead}): {lead_score}",
        "behind": "Partners below {below}, or {gap} or more under the lead: {partners}",
        "range": "Spread across partners: standard deviation {sd} ({n} partners)",
    },
    "fr": {
        "dimension": "Pour « {dimension} », {parts}.",
        "partner": "{partner} {parts}.",
        "low-score": "le partenariat se situe dans la zone de préoccupation",
        "power-imbalance": "le pouvoir est inégalement réparti entre les partenaires",
        "perception-gap": "l’organisme responsable en a une vision bien plus favorable que "
        "les autres partenaires",
        "divergent-views": "les partenaires en ont des visions très différentes",
        "silent-partner": "n’a pas encore répondu",
        "role-mismatch": "joue un rôle moindre que celui que le partenariat lui attribue",
        "dominant-voice": "fournit une part démesurée des réponses",
        "and": "et",
        "partnership": "Partenariat\u00a0: {score}",
        "interval": " (intervalle à 95\u00a0% de {low} à {high}, {n} partenaires)",
        "lead": "Organisme responsable ({lead})\u00a0: {lead_score}; moyenne des autres "
        "partenaires\u00a0: {others} ({gap} de moins)",
        "lead_only": "Organisme responsable ({lead})\u00a0: {lead_score}",
        "behind": "Sous {below}, ou à {gap} ou plus sous l’organisme responsable\u00a0: {partners}",
        "range": "Dispersion entre partenaires\u00a0: écart-type de {sd} ({n} partenaires)",
    },
}

# The confidence of the verdict, and the sentence that leads every headline with it.
CONFIDENCE_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "insufficient": "Too early to judge",
        "indicative": "Indicative",
        "firm": "Firm",
        "responses_one": "{n} response",
        "responses_other": "{n} responses",
        "counts": "{responses} from {scored} of {partners} partners",
        "insufficient_sentence": "Too early to judge: {counts}.",
        "indicative_sentence": "Indicative only ({counts}): some partners rest on few people, "
        "or few of those invited have answered.",
        "firm_sentence": "Firm reading: {counts}.",
    },
    "fr": {
        "insufficient": "Trop tôt pour juger",
        "indicative": "Indicatif",
        "firm": "Solide",
        "responses_one": "{n} réponse",
        "responses_other": "{n} réponses",
        "counts": "{responses} de {scored} partenaires sur {partners}",
        "insufficient_sentence": "Trop tôt pour juger\u00a0: {counts}.",
        "indicative_sentence": "Lecture indicative seulement ({counts})\u00a0: certains "
        "partenaires reposent sur peu de personnes, ou peu de personnes invitées ont répondu.",
        "firm_sentence": "Lecture solide\u00a0: {counts}.",
    },
}


def finding_words(language: str) -> dict[str, str]:
    return FINDING_WORDS.get(language, FINDING_WORDS["en"])


def join_words(parts: list[str], language: str) -> str:
    """``a``, ``a and b``, ``a, b and c`` in ``language``."""
    if len(parts) <= 1:
        return "".join(parts)
    return f"{', '.join(parts[:-1])} {finding_words(language)['and']} {parts[-1]}"


def confidence_name(level: str, language: str) -> str:
    return CONFIDENCE_WORDS.get(language, CONFIDENCE_WORDS["en"])[level]


def counts_phrase(basis: dict[str, int], language: str) -> str:
    """ "2 responses from 2 of 6 partners": what a verdict rests on."""
    w = CONFIDENCE_WORDS.get(language, CONFIDENCE_WORDS["en"])
    n = basis.get("respondents", 0)
    responses = w["responses_one" if n == 1 else "responses_other"].format(n=n)
    return w["counts"].format(
        responses=responses,
        scored=basis.get("scored_partners", 0),
        partners=basis.get("partners", 0),
    )


def confidence_sentence(level: str, basis: dict[str, int], language: str) -> str:
    """The sentence that goes with every headline: how far the verdict can be trusted."""
    w = CONFIDENCE_WORDS.get(language, CONFIDENCE_WORDS["en"])
    return w[f"{level}_sentence"].format(counts=counts_phrase(basis, language))
