"""Form fields shared by features, and the parsing rules behind them (usable without a form)."""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from wtforms import DateField, EmailField, IntegerField, StringField, TelField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp

from .time import is_sane_date

# ASCII digits only: str.isdigit() also takes "²" and "①", which int() then refuses, and
# int() itself takes "٣" and "３", which nobody types for a party size.
_WHOLE_NUMBER = re.compile(r"-?[0-9]{1,12}")


def whole_number(raw) -> int | None:
    """The integer written in `raw` (surrounding spaces allowed), or None if it is not one."""
    text = str(raw if raw is not None else "").strip()
    return int(text) if _WHOLE_NUMBER.fullmatch(text) else None


class WholeNumberField(IntegerField):
    """An integer field whose parse error is the same plain message as its range check, so
    "two", "1.5", "1e3" or "²" get the sentence a person can act on."""

    def __init__(self, label=None, validators=None, *, message: str, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.message = message

    def process_formdata(self, valuelist):
        if not valuelist or valuelist[0] in ("", None):
            return
        self.data = whole_number(valuelist[0])
        if self.data is None:
            raise ValueError(self.message)


class SaneDateField(DateField):
    """A YYYY-MM-DD date, refused with `message` when it isn't one and with `range_message` when
    it is too far from today for any rule of the shop (core.time.is_sane_date), so no date
    arithmetic ever sees year 1 or 9999."""

    def __init__(self, label=None, validators=None, *, message: str,
                 range_message: str = "Enter a date within ten years of today", **kwargs):
        super().__init__(label, validators, **kwargs)
        self.message = message
        self.range_message = range_message

    def process_formdata(self, valuelist):
        if valuelist and valuelist[0] and len(valuelist[0]) > 10:
            self.data = None
            raise ValueError(self.message)
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(self.message) from None
        if isinstance(self.data, date) and not is_sane_date(self.data):
            self.data = None
            raise ValueError(self.range_message)


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


_AMOUNT = re.compile(r"[0-9]{1,7}(?:\.[0-9]{1,2})?")


class AmountField(StringField):
    """An amount such as 2.50 or 20: ASCII digits with at most two decimals, read as a Decimal.
    "-1", "1e3", "NaN", "Infinity", "2,50" and "١" get `message`; the range is the caller's."""

    def __init__(self, label=None, validators=None, *, message: str, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.message = message

    def process_formdata(self, valuelist):
        if not valuelist or valuelist[0] in ("", None):
            self.data = None
            return
        text = str(valuelist[0]).strip().removeprefix("£")
        if not _AMOUNT.fullmatch(text):
            self.data = None
            raise ValueError(self.message)
        self.data = Decimal(text).quantize(Decimal("0.01"))

    def _value(self):
        if self.raw_data and isinstance(self.raw_data[0], str):
            return self.raw_data[0]
        return "" if self.data is None else str(self.data)
