"""Forms for accounts and settings (Flask-WTF adds CSRF protection to each)."""

from __future__ import annotations

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
        raise ValidationError("Choose a time zone from the list, such as Europe/London.")


_PASSWORD_LENGTH = Length(
    min=MIN_PASSWORD,
    max=MAX_PASSWORD,
    message=f"Use at least {MIN_PASSWORD} characters (any characters, spaces are fine).",
)


class SignupForm(FlaskForm):
    login = StringField("Username or email", validators=[DataRequired(), Length(min=3, max=254)])
    password = PasswordField(
        "Password",
        validators=[DataRequired(message="Choose a password of at least 8 characters."),
                    _PASSWORD_LENGTH],
    )
    time_zone = StringField("Time zone", default="UTC", validators=[DataRequired(), _zone])


class LoginForm(FlaskForm):
    login = StringField("Username or email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=MAX_PASSWORD)])
    remember = BooleanField("Keep me signed in on this device")


class SettingsForm(FlaskForm):
    time_zone = StringField("Time zone", validators=[DataRequired(), _zone])
    weekly_goal = IntegerField(
        "Weekly goal (active days a week)",
        validators=[NumberRange(min=1, max=7, message="Choose from 1 to 7 days.")],
    )
    cue_speech = BooleanField("Spoken cues")
    cue_beep = BooleanField("Beeps")
    cue_vibrate = BooleanField("Vibration (phones)")


class PasswordForm(FlaskForm):
    current = PasswordField("Current password",
                            validators=[DataRequired(), Length(max=MAX_PASSWORD)])
    new = PasswordField("New password", validators=[DataRequired(), _PASSWORD_LENGTH])


class ConfirmForm(FlaskForm):
    """A form with only its CSRF token: for sign-out buttons."""


class DeleteForm(FlaskForm):
    password = PasswordField("Your password", validators=[DataRequired(),
                                                          Length(max=MAX_PASSWORD)])


# The reminder form's choices, drawn by its template.
REPEAT_CHOICES = (("every", "Every day"), ("weekdays", "Weekdays"),
                  ("custom", "Only these days:"))
DAY_CHOICES = tuple((str(n), name) for n, name in enumerate(
    ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"), start=1))


class ReminderForm(FlaskForm):
    """A reminder's schedule; the reminders' own rules (ReminderIn, save_reminder) check it."""

    # No defaults: an empty post must not become a reminder (the add page fills in its own).
    enabled = BooleanField("On: send this reminder")
    # Works without a script: the radio decides, and the ticks count for "Only these days".
    repeat = StringField("Repeat")
    days = SelectMultipleField("Days", validate_choice=False)
    time = StringField("Time")
    routine = StringField("What to suggest")
