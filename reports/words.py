"""The printed reports' own words, in English and French, and dates as each language writes them.

The instrument supplies its titles, descriptions and practices in the report's language; the
rules' names and evidence come from ``survey.core.risks``. These are the rest: headings, labels and
the method page. No Flask here (the web app's catalog is Flask-Babel's; a PDF is made without it).
"""

from __future__ import annotations

from datetime import date

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "language_name": "English",
        "colon": ":",
        "report": "Partnership report",
        "partner_copy": "Partner report",
        "copy_for": "Copy for {partner}",
        "pack": "Symposium pack",
        "round": "Round",
        "dates": "Dates",
        "opens": "from {date}",
        "closes": "to {date}",
        "no_dates": "not set",
        "response_rate": "Response rate",
        "respondents": "Respondents",
        "invited": "invited",
        "language": "Language",
        "generated": "Generated",
        "prepared_by": "Prepared by",
        "instrument": "Instrument",
        "page": "Page",
        "of": "of",
        "summary": "Summary",
        "risk_heading": "Partnership in name only?",
        "split_on": "Its respondents disagree strongly on",
        "split_hint": "its mean hides a split",
        "interval": "95% interval",
        "top_flags": "What to talk about first",
        "no_flags": "No rule fired: nothing here suggests a partnership in name only.",
        "strengths": "Strengths",
        "concerns": "Concerns",
        "none_yet": "None.",
        "radar_caption": "Scores on each dimension, from 1 at the centre to 5; the partnership "
        "is the thick black line. Dotted rings mark the band cut-offs.",
        "radar_more": "With more than six partners, only the lead organisation is drawn here; "
        "each partner's page has its own chart.",
        "radar_more_compact": "With more than six partners, only the lead organisation is drawn "
        "here; a partner gets a chart of its own where its score differs from the "
        "partnership's by half a point or more on some dimension.",
        "dimensions": "Dimensions",
        "dimension": "Dimension",
        "score": "Score",
        "band": "Band",
        "spread": "Spread (SD)",
        "range": "Lowest–highest partner",
        "na": "Don't know",
        "scores_by_partner": "Scores by partner",
        "partner": "Partner",
        "lead": "lead",
        "sector": "Sector",
        "partnership": "Partnership",
        "difference": "Difference",
        "role": "Role",
        "listed_role": "Role the partnership lists",
        "reported_role": "Role its respondents report",
        "role_counts": "Answers",
        "role_match": "The reported role matches the listed one.",
        "role_lower": "Its respondents describe a lesser role than the one listed.",
        "role_higher": "Its respondents describe a fuller role than the one listed.",
        "role_unknown": "Not enough information to compare.",
        "no_responses": "No responses from this partner yet.",
        "flags": "Flags and practices to try",
        "severity": "Severity",
        "concerns_partners": "Partners",
        "evidence": "Evidence",
        "try": "Try",
        "hidden_evidence": "The evidence names other partners, so it is not printed in this "
        "copy; your facilitator can go through it with the whole partnership.",
        "other_flags_one": "One other flag concerns other partners only: it is discussed with "
        "the whole partnership, not in this copy.",
        "other_flags_many": "{count} other flags concern other partners only: they are "
        "discussed with the whole partnership, not in this copy.",
        "evidence_continues": "More under “{flags}”.",
        "comments": "Comments",
        "comments_intro": "Answers to the open questions, in alphabetical order and without "
        "names, so that no comment can be traced to a person or an organisation.",
        "withheld": "Fewer than {n} answers: not shown, to protect anonymity.",
        "no_comments": "No answers.",
        "method": "How to read this report",
        "method_scores": "A respondent's score on a dimension is the mean of their answers to "
        "its statements, on a scale of 1 to 5, after reversing the negatively worded ones "
        "(“don't know” is not an answer). A respondent needs to have answered at least half "
        "of a dimension's statements to be scored. A partner's score is the mean of its "
        "respondents' scores, and the partnership's score is the mean of its partners' "
        "scores: one voice per organisation, however many people it sends.",
        "method_spread": "Spread is the standard deviation of the partner scores; “don't know” "
        "is the share of answers that were “don't know / not applicable”.",
        "method_pooling": "Partners with fewer than {n} respondents are shown together as "
        "“{other}” so that small groups cannot be singled out.",
        "bands": "Bands",
        "band_strength": "{score} and above",
        "band_borderline": "from {low} to below {high}",
        "band_concern": "below {score}",
        "rules": "Rules and thresholds",
        "rule": "Rule",
        "fires_when": "Fires when",
        "disabled": "off",
        "instrument_details": "Instrument: {title}. Identifier {id}, version {version}.",
        "sha256": "SHA-256 of the instrument text",
        "strength": "Strength",
        "borderline": "Borderline",
        "concern": "Concern",
        "no_score": "No score",
        "none": "none",
        "low": "low",
        "medium": "medium",
        "high": "high",
        "risk_empty": "No submitted responses yet: there is nothing to read yet.",
        "risk_none": "No signs of a partnership in name only.",
        "risk_low": "Few signs of a partnership in name only.",
        "risk_medium": "Some signs of a partnership in name only: worth a conversation.",
        "risk_high": "Strong signs of a partnership in name only: make time to discuss them.",
        "risk_explained": "This reading comes from the rules on the method page. It is a "
        "prompt for a conversation at the table, not a verdict on any organisation.",
        "index_title": "Symposium pack",
        "index_intro": "One report per partnership, in the order chosen.",
        "index_generated": "Generated on {date}.",
        "file": "File",
        "risk": "Signs of a partnership in name only",
        "flags_count": "Flags",
        "partners_count": "Partners",
        # The paper questionnaire (reports/paper.py)
        "form_heading": "Paper questionnaire",
        "form_organisation": "Organisation",
        "form_respondent_id": "Respondent id",
        "form_respondent_note": "filled in by the facilitator",
        "form_running_partner_blank": "Organisation: ______________________",
        "form_running_respondent": "Respondent id: __________",
        "form_how": "How to fill in this form",
        "form_tick": "Use a pen, and tick one box for each statement, like this:",
        "form_change": "To change an answer, fill in the wrong box completely and tick the "
        "right one:",
        "form_na": "If you don't know, or a statement does not apply to you, tick “{label}”.",
        "form_multiple": "Where a question says “tick all that apply”, tick as many boxes as "
        "you need.",
        "form_text": "Write your answers to the open questions on the lines.",
        "form_skip": "You may leave out any question you prefer not to answer.",
        "form_answer_all": "Please answer every question.",
        "form_answer_all_but": "Please answer every question, except those marked "
        "“{mark}”, which you may leave out.",
        "form_answer_marked": "Questions marked “{mark}” need an answer; you may leave out "
        "the others.",
        "form_mark_required": "required",
        "form_mark_optional": "optional",
        "form_return_to": "When you have finished, please return this form to {person}.",
        "form_return_anyone": "When you have finished, please return this form to the person "
        "who gave it to you.",
        "form_return_by": "Please return it by {date}.",
        "form_counted": "Your answers are typed in exactly as you give them and count like "
        "answers given online. Results are reported for each organisation, never for an "
        "individual person.",
        "form_one_per_row": "Tick one box per row",
        "form_tick_one": "Tick one box.",
        "form_tick_all": "Tick all that apply.",
        "form_thanks": "Thank you for your answers.",
        "form_typing": "For the person typing in the answers",
        "form_typing_rows": "Type each form as one row of the import file (“Import paper "
        "answers” on the round's page, or survey import). Its columns are respondent, partner, "
        "then one column per question.",
        "form_typing_respondent": "respondent: the id written on the first page; give each "
        "form its own.",
        "form_typing_partner": "partner: {partner}",
        "form_typing_partner_blank": "partner: the organisation written on the first page, "
        "spelled exactly as the partnership lists it.",
        "form_typing_columns": "Each question's column is the grey code beside its number. The "
        "value to type for a ticked box is printed in grey above its column or beside it.",
        "form_typing_multiple": "For “tick all that apply”, type the values of the ticked boxes "
        "separated by ; (for example {example}).",
        "form_typing_blank": "Leave the cell empty when no box is ticked, when two boxes are "
        "ticked where one was asked for, or when the answer cannot be read.",
        "form_instrument": "{title} ({id}, version {version})",
    },
    "fr": {
        "language_name": "français",
        "colon": "\u00a0:",  # French puts a non-breaking space before a colon
        "report": "Rapport du partenariat",
        "partner_copy": "Rapport du partenaire",
        "copy_for": "Exemplaire de {partner}",
        "pack": "Dossier du symposium",
        "round": "Cycle",
        "dates": "Dates",
        "opens": "du {date}",
        "closes": "au {date}",
        "no_dates": "non fixées",
        "response_rate": "Taux de réponse",
        "respondents": "Répondants",
        "invited": "invités",
        "language": "Langue",
        "generated": "Produit le",
        "prepared_by": "Préparé par",
        "instrument": "Questionnaire",
        "page": "Page",
        "of": "de",
        "summary": "Synthèse",
        "risk_heading": "Partenariat de façade?",
        "split_on": "Ses répondants sont en fort désaccord sur",
        "split_hint": "sa moyenne cache un partage",
        "interval": "intervalle à 95\u00a0%",
        "top_flags": "Ce dont parler d’abord",
        "no_flags": "Aucune règle ne s’est déclenchée : rien n’indique un partenariat de façade.",
        "strengths": "Forces",
        "concerns": "Préoccupations",
        "none_yet": "Aucune.",
        "radar_caption": "Les scores pour chaque dimension, de 1 au centre à 5; le partenariat "
        "est la ligne noire épaisse. Les anneaux pointillés marquent les seuils des zones.",
        "radar_more": "Avec plus de six partenaires, seul l’organisme responsable est tracé ici; "
        "la page de chaque partenaire a son propre graphique.",
        "radar_more_compact": "Avec plus de six partenaires, seul l’organisme responsable est "
        "tracé ici\u00a0; un partenaire a son propre graphique lorsque son score s’écarte "
        "de celui du partenariat d’un demi-point ou plus dans une dimension.",
        "dimensions": "Dimensions",
        "dimension": "Dimension",
        "score": "Score",
        "band": "Zone",
        "spread": "Dispersion (É.-T.)",
        "range": "Partenaire le plus bas–le plus haut",
        "na": "Ne sait pas",
        "scores_by_partner": "Scores par partenaire",
        "partner": "Partenaire",
        "lead": "responsable",
        "sector": "Secteur",
        "partnership": "Partenariat",
        "difference": "Écart",
        "role": "Rôle",
        "listed_role": "Rôle inscrit par le partenariat",
        "reported_role": "Rôle déclaré par ses répondants",
        "role_counts": "Réponses",
        "role_match": "Le rôle déclaré correspond au rôle inscrit.",
        "role_lower": "Ses répondants décrivent un rôle moindre que le rôle inscrit.",
        "role_higher": "Ses répondants décrivent un rôle plus large que le rôle inscrit.",
        "role_unknown": "Pas assez d’information pour comparer.",
        "no_responses": "Aucune réponse de ce partenaire pour l’instant.",
        "flags": "Signaux et pratiques à essayer",
        "severity": "Gravité",
        "concerns_partners": "Partenaires",
        "evidence": "Constat",
        "try": "À essayer",
        "hidden_evidence": "Le constat nomme d’autres partenaires\u00a0: il n’est donc pas "
        "reproduit dans cette copie; la personne qui anime peut le présenter à l’ensemble du "
        "partenariat.",
        "other_flags_one": "Un autre signal ne concerne que d’autres partenaires\u00a0: il est "
        "abordé avec l’ensemble du partenariat, pas dans cette copie.",
        "other_flags_many": "{count} autres signaux ne concernent que d’autres partenaires\u00a0: "
        "ils sont abordés avec l’ensemble du partenariat, pas dans cette copie.",
        "evidence_continues": "Suite sous «\u00a0{flags}\u00a0».",
        "comments": "Commentaires",
        "comments_intro": "Les réponses aux questions ouvertes, par ordre alphabétique et sans "
        "nom, pour qu’aucun commentaire ne puisse être associé à une personne ou à un organisme.",
        "withheld": "Moins de {n} réponses : non présentées, pour protéger l’anonymat.",
        "no_comments": "Aucune réponse.",
        "method": "Comment lire ce rapport",
        "method_scores": "Le score d’un répondant pour une dimension est la moyenne de ses "
        "réponses à ses énoncés, sur une échelle de 1 à 5, après inversion des énoncés formulés "
        "négativement (« je ne sais pas » n’est pas une réponse). Il faut avoir répondu à au "
        "moins la moitié des énoncés d’une dimension pour obtenir un score. Le score d’un "
        "partenaire est la moyenne des scores de ses répondants, et celui du partenariat est la "
        "moyenne des scores de ses partenaires : une voix par organisme, quel que soit le nombre "
        "de personnes qui répondent.",
        "method_spread": "La dispersion est l’écart-type des scores des partenaires; « ne sait "
        "pas » est la part des réponses « je ne sais pas / sans objet ».",
        "method_pooling": "Les partenaires qui comptent moins de {n} répondants sont regroupés "
        "sous « {other} » pour qu’aucun petit groupe ne puisse être isolé.",
        "bands": "Zones",
        "band_strength": "{score} et plus",
        "band_borderline": "de {low} à moins de {high}",
        "band_concern": "moins de {score}",
        "rules": "Règles et seuils",
        "rule": "Règle",
        "fires_when": "Se déclenche quand",
        "disabled": "désactivée",
        "instrument_details": "Questionnaire : {title}. Identifiant {id}, version {version}.",
        "sha256": "SHA-256 du texte du questionnaire",
        "strength": "Force",
        "borderline": "Zone limite",
        "concern": "Préoccupation",
        "no_score": "Aucun score",
        "none": "aucun",
        "low": "faible",
        "medium": "moyen",
        "high": "élevé",
        "risk_empty": "Aucune réponse soumise pour l’instant : il n’y a encore rien à lire.",
        "risk_none": "Aucun signe d’un partenariat de façade.",
        "risk_low": "Peu de signes d’un partenariat de façade.",
        "risk_medium": "Quelques signes d’un partenariat de façade : à aborder ensemble.",
        "risk_high": "Signes marqués d’un partenariat de façade : prenez le temps d’en discuter.",
        "risk_explained": "Cette lecture découle des règles décrites à la page de méthode. C’est "
        "une invitation à en parler autour de la table, pas un verdict sur un organisme.",
        "index_title": "Dossier du symposium",
        "index_intro": "Un rapport par partenariat, dans l’ordre choisi.",
        "index_generated": "Produit le {date}.",
        "file": "Fichier",
        "risk": "Signes d’un partenariat de façade",
        "flags_count": "Signaux",
        "partners_count": "Partenaires",
        # Le questionnaire sur papier (reports/paper.py)
        "form_heading": "Questionnaire sur papier",
        "form_organisation": "Organisme",
        "form_respondent_id": "Numéro de répondant",
        "form_respondent_note": "rempli par l’animateur ou l’animatrice",
        "form_running_partner_blank": "Organisme\u00a0: ______________________",
        "form_running_respondent": "Numéro de répondant\u00a0: __________",
        "form_how": "Comment remplir ce formulaire",
        "form_tick": "Utilisez un stylo et cochez une case pour chaque énoncé, comme ceci\u00a0:",
        "form_change": "Pour changer une réponse, noircissez entièrement la mauvaise case et "
        "cochez la bonne\u00a0:",
        "form_na": "Si vous ne savez pas, ou si un énoncé ne s’applique pas à vous, cochez "
        "«\u00a0{label}\u00a0».",
        "form_multiple": "Là où une question indique «\u00a0cochez toutes les réponses qui "
        "s’appliquent\u00a0», cochez autant de cases que nécessaire.",
        "form_text": "Écrivez vos réponses aux questions ouvertes sur les lignes.",
        "form_skip": "Vous pouvez laisser de côté toute question à laquelle vous préférez ne pas "
        "répondre.",
        "form_answer_all": "Veuillez répondre à toutes les questions.",
        "form_answer_all_but": "Veuillez répondre à toutes les questions, sauf celles marquées "
        "«\u00a0{mark}\u00a0», que vous pouvez laisser de côté.",
        "form_answer_marked": "Les questions marquées «\u00a0{mark}\u00a0» demandent une "
        "réponse; vous pouvez laisser de côté les autres.",
        "form_mark_required": "obligatoire",
        "form_mark_optional": "facultative",
        "form_return_to": "Lorsque vous avez terminé, veuillez remettre ce formulaire à {person}.",
        "form_return_anyone": "Lorsque vous avez terminé, veuillez remettre ce formulaire à la "
        "personne qui vous l’a remis.",
        "form_return_by": "Veuillez le remettre au plus tard le {date}.",
        "form_counted": "Vos réponses sont saisies telles que vous les donnez et comptent comme "
        "les réponses données en ligne. Les résultats sont présentés par organisme, jamais par "
        "personne.",
        "form_one_per_row": "Cochez une case par ligne",
        "form_tick_one": "Cochez une case.",
        "form_tick_all": "Cochez toutes les réponses qui s’appliquent.",
        "form_thanks": "Merci de vos réponses.",
        "form_typing": "Pour la personne qui saisit les réponses",
        "form_typing_rows": "Saisissez chaque formulaire sur une ligne du fichier d’importation "
        "(«\u00a0Importer des réponses sur papier\u00a0» sur la page du cycle, ou survey "
        "import). Ses colonnes sont respondent, partner, puis une colonne par question.",
        "form_typing_respondent": "respondent\u00a0: le numéro inscrit sur la première page; "
        "un numéro différent pour chaque formulaire.",
        "form_typing_partner": "partner\u00a0: {partner}",
        "form_typing_partner_blank": "partner\u00a0: l’organisme inscrit sur la première page, "
        "écrit exactement comme le partenariat l’inscrit.",
        "form_typing_columns": "La colonne de chaque question est le code gris à côté de son "
        "numéro. La valeur à saisir pour une case cochée est imprimée en gris au-dessus de sa "
        "colonne ou à côté d’elle.",
        "form_typing_multiple": "Pour «\u00a0cochez toutes les réponses qui s’appliquent\u00a0», "
        "saisissez les valeurs des cases cochées séparées par ; (par exemple {example}).",
        "form_typing_blank": "Laissez la cellule vide quand aucune case n’est cochée, quand deux "
        "cases sont cochées là où une seule était demandée, ou quand la réponse est illisible.",
        "form_instrument": "{title} ({id}, version {version})",
    },
}

# When each rule fires, in words, with its thresholds filled in from the instrument.
RULE_CONDITIONS: dict[str, dict[str, str]] = {
    "en": {
        "silent-partner": "a partner has people invited and no responses",
        "power-imbalance": "the partnership scores below {below} on {dimension}, or a partner "
        "scores {gap} or more below the lead on it",
        "perception-gap": "on a dimension, the lead scores {gap} or more above the other "
        "partners' mean",
        "role-mismatch": "a partner's respondents most often report a lesser role than the "
        "one listed",
        "divergent-views": "partner scores on a dimension have a standard deviation of {sd} or "
        "more, with at least {min_partners} partners",
        "dominant-voice": "one partner gives more than {share} of all responses, with at least "
        "{min_partners} partners responding",
        "low-score": "a dimension of the partnership is in the concern band",
    },
    "fr": {
        "silent-partner": "un partenaire a des personnes invitées mais aucune réponse",
        "power-imbalance": "le partenariat obtient moins de {below} pour « {dimension} », ou un "
        "partenaire obtient {gap} ou plus de moins que l’organisme responsable",
        "perception-gap": "pour une dimension, l’organisme responsable obtient {gap} ou plus de "
        "plus que la moyenne des autres partenaires",
        "role-mismatch": "les répondants d’un partenaire déclarent le plus souvent un rôle "
        "moindre que le rôle inscrit",
        "divergent-views": "l’écart-type des scores des partenaires pour une dimension atteint "
        "{sd} ou plus, avec au moins {min_partners} partenaires",
        "dominant-voice": "un partenaire fournit plus de {share} des réponses, avec au moins "
        "{min_partners} partenaires qui répondent",
        "low-score": "une dimension du partenariat est dans la zone de préoccupation",
    },
}

MONTHS = {
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
    "fr": [
        "janvier",
        "février",
        "mars",
        "avril",
        "mai",
        "juin",
        "juillet",
        "août",
        "septembre",
        "octobre",
        "novembre",
        "décembre",
    ],
}


def words(language: str) -> dict[str, str]:
    return WORDS.get(language, WORDS["en"])


def format_date(day: date | None, language: str) -> str:
    """``3 March 2026`` / ``1er mars 2026``; an empty string for no date."""
    if day is None:
        return ""
    months = MONTHS.get(language, MONTHS["en"])
    number = "1er" if language == "fr" and day.day == 1 else str(day.day)
    return f"{number} {months[day.month - 1]} {day.year}"
