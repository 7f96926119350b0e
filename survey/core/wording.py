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
