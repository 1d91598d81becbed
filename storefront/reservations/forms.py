"""Reservation forms. Searches are GET forms (shareable addresses, no CSRF); everything that
writes is a POST form with CSRF. Limits match the columns."""
from __future__ import annotations

from wtforms import BooleanField, HiddenField, SelectChoice, SelectField, TextAreaField, TimeField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from ..core.fields import STRIP, SaneDateField, WholeNumberField, contact_fields
from ..core.forms import PostForm, QueryForm
from .models import OCCASION_LABELS

PARTY_MESSAGE = "Enter the number of guests as a whole number, like 4"




class LenientTimeField(TimeField):
    """A time input that accepts "19:30" and "19:30:00" (what some browsers send with step)."""

    def __init__(self, label=None, validators=None, *, message: str, **kwargs):
        super().__init__(label, validators, format=["%H:%M", "%H:%M:%S"], **kwargs)
        self.message = message

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(self.message) from None


DATE_MESSAGE = "Enter a real date, like 2026-06-12"
DATE_RANGE_MESSAGE = "That date is too far from today. Choose a date in the coming weeks."


def _date_field(label="Date"):
    return SaneDateField(label, message=DATE_MESSAGE, range_message=DATE_RANGE_MESSAGE,
                         validators=[InputRequired("Choose a date")])


def _party_field(label="Number of guests"):
    # Only "is it a whole number" here; the range (1 to the rules' maximum) is the service's call,
    # with a message that names the limits.
    return WholeNumberField(label, message=PARTY_MESSAGE, validators=[InputRequired("Enter the number of guests")])


class SearchForm(QueryForm):
    """`/reservations?date=…&party=…&time=…`: the free times for a day."""

    date = _date_field()
    party = _party_field()
    time = LenientTimeField("Preferred time (optional)", message="Enter a time like 19:30",
                            validators=[Optional()])


class ChangeSearchForm(QueryForm):
    date = _date_field("New date")
    party = _party_field()


PHONE_REQUIRED = "Enter a phone number, so we can reach you if plans change"


def occasion_choices() -> list[SelectChoice]:
    return [SelectChoice("", "None")] + [SelectChoice(o.value, label) for o, label in OCCASION_LABELS.items()]


class GuestDetails(PostForm):
    name, email, phone = contact_fields(phone_required=PHONE_REQUIRED)
    occasion = SelectField("Occasion (optional)", choices=occasion_choices(), default="", validate_choice=True)
    special_requests = TextAreaField("Special requests (optional)", filters=STRIP, validators=[
        Optional(), Length(max=500, message="Use at most 500 characters")])
    # The one-time key (core.formkeys): a double submit of this form books once. Issued by the
    # view into every page it shows, never taken from the address.
    key = HiddenField()


class BookForm(GuestDetails):
    """Guest details for a chosen time; the time and party travel as hidden fields."""

    start = HiddenField()
    party = HiddenField()
    # Shown only when the diner already holds a table close to this time (service.NEARBY_WINDOW).
    also_book = BooleanField("Yes, book this table as well")


class RequestForm(GuestDetails):
    """A request for a party above the online maximum."""

    date = _date_field()
    time = LenientTimeField("Time", message="Enter a time like 19:30", validators=[InputRequired("Choose a time")])
    party = _party_field()


class ChangeForm(PostForm):
    start = HiddenField()
    party = HiddenField()


class CancelForm(PostForm):
    """Only the CSRF token."""


class WaitlistForm(PostForm):
    date = _date_field()
    party = _party_field()
    window_start = LenientTimeField("Earliest time", message="Enter a time like 18:00",
                                    validators=[InputRequired("Enter the earliest time you could come")])
    window_end = LenientTimeField("Latest time", message="Enter a time like 21:00",
                                  validators=[InputRequired("Enter the latest time you could come")])
    name, email, phone = contact_fields(phone_required=PHONE_REQUIRED)

    def validate_window_end(self, field) -> None:
        if field.data and self.window_start.data and field.data <= self.window_start.data:
            raise ValidationError("The latest time must be after the earliest time.")
