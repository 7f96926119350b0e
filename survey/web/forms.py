"""Facilitator forms. (Respondent pages are built from the instrument in page_forms.py.)"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from survey.core.passwords import MIN_PASSWORD, TOO_WEAK, password_problem
from survey.core.questionnaire import ROLE_CONTINUUM
from survey.store.models import ROUND_STATUSES


class CountField(IntegerField):
    """A whole number of a dozen digits at most. WTForms' NumberRange calls math.isnan, which
    overflows on a number past 10**308: typed into a form, that was a 500, not an error."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if valuelist and isinstance(valuelist[0], str) and len(valuelist[0].strip()) > 12:
            self.data = None
            raise ValueError(self.gettext("Not a valid integer value."))
        super().process_formdata(valuelist)


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[InputRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[InputRequired(), Length(max=200)])
    remember = BooleanField(_l("Keep me signed in on this device"))


class PasswordForm(FlaskForm):
    """A facilitator's new password, given with the current one (a borrowed, signed-in
    browser must not be enough to take the account over)."""

    current = PasswordField(
        _l("Current password"),
        validators=[InputRequired(), Length(max=200)],
        render_kw={"autocomplete": "current-password"},
    )
    new = PasswordField(
        _l("New password"),
        validators=[
            InputRequired(),
            Length(
                min=MIN_PASSWORD,
                max=200,
                message=_l("Use at least %(min)d characters (and at most %(max)d)."),
            ),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[InputRequired(), EqualTo("new", message=_l("The two new passwords differ."))],
        render_kw={"autocomplete": "new-password"},
    )

    #: Words an attacker would try first for this account (its email and name), set by the view.
    user_inputs: tuple[str, ...] = ()

    def validate_new(self, field: PasswordField) -> None:
        # A new password equal to a temporary one would end the forced change at once.
        if field.data and field.data == self.current.data:
            raise ValidationError(_l("Choose a new password, different from the current one."))
        if field.data and password_problem(field.data, self.user_inputs) == TOO_WEAK:
            raise ValidationError(
                _l(
                    "That password is too easy to guess (a common password, a word, a name, "
                    "a pattern or a sequence). Try a longer phrase of several unrelated words."
                )
            )


class PartnershipForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)])
    min_group_size = CountField(
        _l("Minimum respondents before a partner is shown on its own"),
        default=3,
        validators=[InputRequired(), NumberRange(min=1, max=50)],
    )


ROLE_LABELS = {
    "communication": _l("Communication: supports the idea and shares experiences"),
    "cooperation": _l("Cooperation: offers advice, space or resources, not involved in planning"),
    "coordination": _l("Coordination: plans and contributes its part; another organisation leads"),
    "collaboration": _l("Collaboration: an equal partner, equally responsible for decisions"),
}


class PartnerForm(FlaskForm):
    name = StringField(_l("Organisation"), validators=[DataRequired(), Length(max=200)])
    sector = StringField(_l("Sector"), validators=[Optional(), Length(max=100)])
    lead = BooleanField(_l("Lead organisation"))
    role = SelectField(
        _l("Role the partnership lists for it"),
        choices=[SelectChoice("", _l("Not set"))]
        + [SelectChoice(r, ROLE_LABELS[r]) for r in ROLE_CONTINUUM],
        default="",
    )
    invited = CountField(
        _l("People invited"), validators=[Optional(), NumberRange(min=0, max=10000)]
    )


class RosterForm(FlaskForm):
    """People to add to a partner's representatives: typed or pasted, or a CSV file."""

    people = TextAreaField(_l("People to add"), validators=[Optional(), Length(max=100_000)])
    file = FileField(
        _l("Or a CSV file"),
        validators=[FileAllowed(["csv", "txt"], _l("Choose a file ending in .csv."))],
    )


class RoundForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    # Radio buttons, not a list box: a questionnaire's full title wraps instead of being cut.
    instrument = RadioField(_l("Questionnaire"), validators=[InputRequired()])
    opens_on = DateField(_l("Opens on"), validators=[Optional()])
    closes_on = DateField(_l("Closes on"), validators=[Optional()])

    def validate_closes_on(self, field: DateField) -> None:
        if field.data and self.opens_on.data and field.data < self.opens_on.data:
            raise ValidationError(_l("The closing date must be on or after the opening date."))


class RoundEditForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    status = SelectField(
        _l("Status"),
        choices=[
            SelectChoice("draft", _l("Draft: links do not work yet")),
            SelectChoice("open", _l("Open: partners can answer")),
            SelectChoice("closed", _l("Closed: answers are read-only")),
        ],
        validators=[InputRequired()],
    )
    opens_on = DateField(_l("Opens on"), validators=[Optional()])
    closes_on = DateField(_l("Closes on"), validators=[Optional()])

    def validate_status(self, field: SelectField) -> None:
        if field.data not in ROUND_STATUSES:
            raise ValidationError(_l("Choose a status from the list."))

    def validate_closes_on(self, field: DateField) -> None:
        if field.data and self.opens_on.data and field.data < self.opens_on.data:
            raise ValidationError(_l("The closing date must be on or after the opening date."))


class ConfirmForm(FlaskForm):
    """A form with nothing but its CSRF token, for buttons that change things."""


class PaperImportForm(FlaskForm):
    """A CSV file of answers typed in from paper forms (see survey.store.paper_import)."""

    file = FileField(
        _l("CSV file of paper answers"),
        validators=[
            FileRequired(_l("Choose a CSV file to import.")),
            FileAllowed(["csv"], _l("Choose a file ending in .csv (save the sheet as CSV UTF-8).")),
        ],
        render_kw={"accept": ".csv,text/csv"},
    )


# -- symposium sessions -------------------------------------------------------------------


class SessionForm(FlaskForm):
    name = StringField(_l("Name of the session"), validators=[DataRequired(), Length(max=200)])


class AddRoundForm(FlaskForm):
    round = SelectField(_l("Round to add"), validators=[InputRequired()])


class ShareForm(FlaskForm):
    email = EmailField(
        _l("Email of the other facilitator"),
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[
            InputRequired(),
            Length(max=254),
            Regexp(r"^[^@\s\x00]+@[^@\s\x00]+$", message=_l("Enter an email address.")),
        ],
    )


class JoinForm(FlaskForm):
    code = StringField(
        _l("Session code"),
        validators=[InputRequired(), Length(max=40)],
        render_kw={
            "autocapitalize": "characters",
            "autocomplete": "off",
            "spellcheck": "false",
            "class": "code-input",
        },
    )


class JoinPartnerForm(FlaskForm):
    partner = RadioField(_l("Your organisation"), validators=[InputRequired()])


# -- facilitator accounts (admins only) ---------------------------------------------------


class FacilitatorForm(FlaskForm):
    """A new facilitator account; the app makes its temporary password."""

    email = EmailField(
        _l("Email"),
        filters=[lambda value: value.strip().lower() if isinstance(value, str) else value],
        validators=[
            InputRequired(),
            Length(max=254),
            Regexp(r"^[^@\s\x00]+@[^@\s\x00]+$", message=_l("Enter an email address.")),
        ],
    )
    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])
    is_admin = BooleanField(_l("Administrator: can manage facilitator accounts"))
