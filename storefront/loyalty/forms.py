"""The staff's points adjustment form (the checkout's points field lives on the checkout form)."""
from __future__ import annotations

from wtforms import EmailField, HiddenField, StringField
from wtforms.validators import DataRequired, Email, InputRequired, Length

from ..core.fields import STRIP, WholeNumberField
from ..core.forms import PostForm


class AdjustForm(PostForm):
    email = EmailField("Customer’s email address", filters=STRIP, validators=[
        DataRequired("Enter the customer’s email address"), Length(max=254, message="Use at most 254 characters"),
        Email("Enter an email address like name@example.com", check_deliverability=False)])
    points = WholeNumberField("Points", message="Enter a whole number of points, like 50 or -50",
                              validators=[InputRequired("Enter the points to add (or, with a minus, to take)")])
    reason = StringField("Reason (the customer sees this)", filters=STRIP, validators=[
        DataRequired("Say why the points change"), Length(max=200, message="Use at most 200 characters")])
    key = HiddenField()  # one-time key (core.formkeys): a double submit adjusts once
