"""Form fields shared by features."""
from __future__ import annotations

from wtforms import EmailField, IntegerField, StringField, TelField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp


class WholeNumberField(IntegerField):
    """An integer field whose parse error is the same plain message as its range check, so
    "two", "1.5" or "1e3" get the sentence a person can act on."""

    def __init__(self, label=None, validators=None, *, message: str, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.message = message

    def process_formdata(self, valuelist):
        if not valuelist or valuelist[0] in ("", None):
            return
        raw = valuelist[0].strip()
        if not raw.lstrip("-").isdigit() or len(raw) > 12:
            self.data = None
            raise ValueError(self.message)
        self.data = int(raw)


def strip(value):
    """People paste names and addresses with stray spaces; passwords are never stripped."""
    return value.strip() if isinstance(value, str) else value


STRIP = [strip]

NAME_VALIDATORS = [DataRequired("Enter your name"), Length(max=120, message="Use at most 120 characters")]
EMAIL_VALIDATORS = [DataRequired("Enter your email address"), Length(max=254, message="Use at most 254 characters"),
                    Email("Enter an email address like name@example.com", check_deliverability=False)]


def phone_validators(required: str | None, example: str = "020 7946 0000") -> list:
    """`required` is the message for an empty field; None makes the number optional."""
    return [DataRequired(required) if required else Optional(), Length(max=32, message="Use at most 32 characters"),
            Regexp(r"^\+?[0-9 ()-]{6,31}$", message=f"Enter a phone number, like {example}")]


def contact_fields(*, phone_required: str | None, phone_label: str = "Phone number",
                   phone_example: str = "020 7946 0000") -> tuple[StringField, EmailField, TelField]:
    """Name, email and phone, as every form that asks who someone is has them. Fresh fields per
    call, so each form keeps them where it declares them (the error summary follows that order):

        name, email, phone = contact_fields(phone_required="Enter a phone number")"""
    return (StringField("Full name", validators=NAME_VALIDATORS, filters=STRIP),
            EmailField("Email address", validators=EMAIL_VALIDATORS, filters=STRIP),
            TelField(phone_label, validators=phone_validators(phone_required, phone_example), filters=STRIP))
