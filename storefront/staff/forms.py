"""Forms of the back office. Each action form carries what the page showed (`seen`), so a
change made meanwhile by someone else is noticed instead of overwritten."""
from __future__ import annotations

from wtforms import (
    EmailField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from ..core.fields import NAME_VALIDATORS, STRIP, SaneDateField
from ..core.forms import PostForm, QueryForm
from ..core.security import new_token
from ..reservations.forms import DATE_MESSAGE, LenientTimeField, _party_field
from .service import LEAD_TIME_RANGE


class MoveForm(PostForm):
    to = HiddenField()
    seen = HiddenField()


class CancelOrderForm(PostForm):
    seen = HiddenField()
    reason = TextAreaField("Reason (the customer sees this)", filters=STRIP, validators=[
        DataRequired("Say why the order is cancelled"), Length(max=200, message="Use at most 200 characters")])


class PauseForm(PostForm):
    paused = HiddenField()


class LeadTimeForm(PostForm):
    minutes = IntegerField("Preparation time (minutes)", validators=[
        InputRequired("Enter the preparation time in minutes"),
        NumberRange(*LEAD_TIME_RANGE, message="Enter a preparation time from %(min)s to %(max)s minutes")])


class MarkForm(PostForm):
    to = HiddenField()
    seen = HiddenField()


class DecideForm(PostForm):
    decision = HiddenField()
    seen = HiddenField()


class AcceptForm(PostForm):
    seen = HiddenField()
    tables = RadioField("Tables", choices=[], validate_choice=False,
                        validators=[InputRequired("Choose the tables for this party")])


class OfferForm(PostForm):
    pass


class WalkInForm(PostForm):
    """A booking taken by phone or at the door, for the day the book shows."""

    channel = SelectField("Taken", choices=[SelectChoice("walk-in", "At the door (walk-in)"),
                                            SelectChoice("by phone", "By phone")],
                          default="walk-in", validate_choice=True)
    time = LenientTimeField("Time", message="Enter a time like 19:30",
                            validators=[InputRequired("Enter the time the table is for")])
    party = _party_field()
    name = StringField("Name", filters=STRIP, validators=NAME_VALIDATORS)
    phone = TelField("Phone number (optional)", filters=STRIP,
                     validators=[Optional(), Length(max=32, message="Use at most 32 characters")])
    email = EmailField("Email address (optional: for a confirmation)", filters=STRIP,
                       validators=[Optional(), Length(max=254, message="Use at most 254 characters"),
                                   Email("Enter an email address like name@example.com", check_deliverability=False)])
    key = HiddenField(validators=[DataRequired("This form is missing its key. Please reload the page."),
                                  Length(min=16, max=64, message="Please reload the page and try again.")])

    def fill_key(self) -> None:
        if not self.key.data:
            self.key.data = new_token()


class DayForm(QueryForm):
    date = SaneDateField("Day", message=DATE_MESSAGE, validators=[Optional()])


class AuditFilterForm(QueryForm):
    action = SelectField("Action", choices=[], validate_choice=False)
    target_type = SelectField("Kind of record", choices=[], validate_choice=False)
    target_id = StringField("Record (order number, booking id…)", filters=STRIP,
                            validators=[Optional(), Length(max=64, message="Use at most 64 characters")])
    since = SaneDateField("From", message=DATE_MESSAGE, validators=[Optional()])
    until = SaneDateField("Until", message=DATE_MESSAGE, validators=[Optional()])
    before = IntegerField(validators=[Optional()])


class ReviewDecisionForm(PostForm):
    to = HiddenField()
    seen = HiddenField()


class ReplyForm(PostForm):
    reply = TextAreaField("The shop’s public reply", filters=STRIP, validators=[
        Length(max=2000, message="Keep the reply to 2000 characters or fewer")])

    def for_review(self, review_id: int) -> ReplyForm:
        """One form per review on a page: its own id, so each label finds its box."""
        self.reply.id = f"reply-{review_id}"
        return self


class BlocklistForm(PostForm):
    words = TextAreaField("Blocked words", filters=STRIP, validators=[
        Length(max=5000, message="Keep the list to 5000 characters or fewer")])


ROLE_CHOICES = [SelectChoice("customer", "Customer"), SelectChoice("staff", "Staff"), SelectChoice("admin", "Admin")]


class InviteForm(PostForm):
    name = StringField("Name", filters=STRIP, validators=[DataRequired("Enter their name"),
                                                          Length(max=120, message="Use at most 120 characters")])
    email = EmailField("Email address", filters=STRIP, validators=[
        DataRequired("Enter their email address"), Length(max=254, message="Use at most 254 characters"),
        Email("Enter an email address like name@example.com", check_deliverability=False)])
    role = SelectField("Role", choices=ROLE_CHOICES[1:], default="staff", validate_choice=True)


class RoleForm(PostForm):
    role = SelectField("Role", choices=ROLE_CHOICES, validate_choice=True)
    seen = HiddenField()


class ActiveForm(PostForm):
    active = HiddenField()
    seen = HiddenField()


class CustomerSearchForm(QueryForm):
    q = StringField("Name, email or phone", filters=STRIP,
                    validators=[Optional(), Length(max=100, message="Use at most 100 characters")])
