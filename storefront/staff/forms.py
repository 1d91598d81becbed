"""Forms of the back office. Each action form carries what the page showed (`seen`), so a
change made meanwhile by someone else is noticed instead of overwritten."""
from __future__ import annotations

from wtforms import HiddenField, IntegerField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from ..core.fields import STRIP
from ..core.forms import PostForm
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
