"""The checkout form: one form, whose buttons say what to do (apply a code, refresh, place)."""
from __future__ import annotations

from wtforms import BooleanField, HiddenField, RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..accounts import consent
from ..core.fields import STRIP, WholeNumberField, contact_fields
from ..core.forms import PostForm
from ..orders.models import Fulfilment
from .zones import POSTCODE_FORMAT, parse_postcode

MAX_POINTS = 1_000_000


class CheckoutForm(PostForm):
    fulfilment = RadioField("How would you like it?", default=Fulfilment.PICKUP.value,
                            choices=[SelectChoice(Fulfilment.PICKUP.value, "Pickup from the shop"),
                                     SelectChoice(Fulfilment.DELIVERY.value, "Delivery")],
                            validators=[DataRequired("Choose pickup or delivery")])
    # A day, then a time on it: both selects are drawn from the live slot list in the template.
    day = StringField("Day", filters=STRIP, validators=[Length(max=10, message="Choose a day from the list")])
    when = StringField("Time", filters=STRIP, validators=[Length(max=40, message="Choose a time from the list")])
    name, email, phone = contact_fields(phone_required="Enter a phone number, so we can reach you about the order",
                                        phone_example="0117 496 0000")
    # Required only for delivery: the checks are the validate_* methods below (an Optional()
    # here would stop them from running on an empty field).
    address_line = StringField("Street address", filters=STRIP,
                               validators=[Length(max=200, message="Use at most 200 characters")])
    city = StringField("Town or city", filters=STRIP,
                       validators=[Length(max=100, message="Use at most 100 characters")])
    postcode = StringField("Postcode", filters=STRIP,
                           validators=[Length(max=10, message=POSTCODE_FORMAT)])
    note = TextAreaField("Note for the kitchen (optional)", filters=STRIP,
                         validators=[Optional(), Length(max=500, message="Use at most 500 characters")])
    promo_code = StringField("Promo code", filters=STRIP,
                             validators=[Optional(), Length(max=40, message="Use at most 40 characters")])
    # Loyalty points to spend (shown to signed-in customers who hold some; rules in loyalty.service).
    points = WholeNumberField("Points to use", message="Enter a whole number of points, like 200",
                              validators=[Optional()])
    marketing = BooleanField(consent.LABEL)  # opt-in, recorded once the order is placed
    key = HiddenField()  # the one-time key (core.formkeys), checked by the view
    shown_total = HiddenField()
    promo_seen = HiddenField()  # the code whose answer the page shows (see service.CheckoutDetails)

    def validate_postcode(self, field):
        if self.fulfilment.data != Fulfilment.DELIVERY.value:
            return
        if not field.data:
            raise ValidationError("Enter the delivery postcode")
        if parse_postcode(field.data) is None:
            raise ValidationError(POSTCODE_FORMAT)

    def validate_points(self, field):
        if field.data is not None and not 0 <= field.data <= MAX_POINTS:
            raise ValidationError(f"Enter a number of points from 0 to {MAX_POINTS}")

    def validate_address_line(self, field):
        if self.fulfilment.data == Fulfilment.DELIVERY.value and not field.data:
            raise ValidationError("Enter the street address for delivery")

    def validate_city(self, field):
        if self.fulfilment.data == Fulfilment.DELIVERY.value and not field.data:
            raise ValidationError("Enter the town or city for delivery")
