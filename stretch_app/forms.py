"""Forms for accounts and settings (Flask-WTF adds CSRF protection to each)."""

from __future__ import annotations

from babel.dates import get_day_names
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    PasswordField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, Length, NumberRange, ValidationError

from .auth import MAX_PASSWORD, MIN_PASSWORD
from .timezones import is_valid_zone


def _zone(_form: FlaskForm, field: StringField) -> None:
    if not is_valid_zone(field.data):
        raise ValidationError(_("Choose a time zone from the list, such as Europe/London."))


_PASSWORD_LENGTH = Length(
    min=MIN_PASSWORD,
    max=MAX_PASSWORD,
    message=_l("Use at least %(min)s characters (any characters, spaces are fine).",
               min=MIN_PASSWORD),
)


class SignupForm(FlaskForm):
    login = StringField(_l("Username or email"),
                        validators=[DataRequired(), Length(min=3, max=254)])
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(message=_l("Choose a password of at least %(min)s characters.",
                                             min=MIN_PASSWORD)),
                    _PASSWORD_LENGTH],
    )
    time_zone = StringField(_l("Time zone"), default="UTC", validators=[DataRequired(), _zone])


class LoginForm(FlaskForm):
    login = StringField(_l("Username or email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"),
                             validators=[DataRequired(), Length(max=MAX_PASSWORD)])
    remember = BooleanField(_l("Keep me signed in on this device"))


class SettingsForm(FlaskForm):
    time_zone = StringField(_l("Time zone"), validators=[DataRequired(), _zone])
    weekly_goal = IntegerField(
        _l("Weekly goal (active days a week)"),
        validators=[NumberRange(min=1, max=7, message=_l("Choose from 1 to 7 days."))],
    )
    cue_speech = BooleanField(_l("Spoken cues"))
    cue_beep = BooleanField(_l("Beeps"))
    cue_vibrate = BooleanField(_l("Vibration (phones)"))


class PasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"),
                            validators=[DataRequired(), Length(max=MAX_PASSWORD)])
    new = PasswordField(_l("New password"), validators=[DataRequired(), _PASSWORD_LENGTH])


class ConfirmForm(FlaskForm):
    """A form with only its CSRF token: for sign-out buttons."""


class DeleteForm(FlaskForm):
    password = PasswordField(_l("Your password"), validators=[DataRequired(),
                                                              Length(max=MAX_PASSWORD)])


def _day_name(weekday: int) -> str:
    """Return a weekday's short name (0 is Monday) in the request's language."""
    return str(get_day_names("abbreviated", locale=get_locale() or "en")[weekday])


# The reminder form's choices, drawn by its template.
REPEAT_CHOICES = (("every", _l("Every day")), ("weekdays", _l("Weekdays")),
                  ("custom", _l("Only these days:")))
DAY_CHOICES = tuple((str(n + 1), LazyString(_day_name, n)) for n in range(7))


class ReminderForm(FlaskForm):
    """A reminder's schedule; the reminders' own rules (ReminderIn, save_reminder) check it."""

    # No defaults: an empty post must not become a reminder (the add page fills in its own).
    enabled = BooleanField(_l("On: send this reminder"))
    # Works without a script: the radio decides, and the ticks count for "Only these days".
    repeat = StringField(_l("Repeat"))
    days = SelectMultipleField(_l("Days"), validate_choice=False)
    time = StringField(_l("Time"))
    routine = StringField(_l("What to suggest"))
