"""The shop upkeep forms. Ranges here are what a form can check alone; rules that need the
database (overlapping periods, a closure in the past, tables from different areas, a prefix
another zone has) are the service's, and land beside the same fields."""
from __future__ import annotations

from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ...core.fields import STRIP, AmountField, SaneDateField, WholeNumberField, phone_validators
from ...core.forms import PostForm
from ...reservations.forms import DATE_MESSAGE, LenientTimeField


class InRange(NumberRange):
    """A range check that leaves an empty or unreadable value to the field's own message, so a
    person sees one sentence, not the same one twice."""

    def __call__(self, form, field):
        if field.data is not None:
            super().__call__(form, field)


WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def whole(label: str, low: int, high: int, unit: str = "") -> WholeNumberField:
    """A whole number from `low` to `high`; one sentence for empty, unreadable and out of range."""
    words = f"Enter a whole number from {low} to {high}{' ' + unit if unit else ''}"
    return WholeNumberField(label, message=words,
                            validators=[InputRequired(words), InRange(low, high, message=words)])


def amount(label: str, high: str = "1000") -> AmountField:
    words = f"Enter an amount from 0 to {high}, like 2.50"
    return AmountField(label, message=words, validators=[InputRequired(words), InRange(0, int(high), message=words)])


def text(label: str, required: str | None, most: int) -> StringField:
    first = DataRequired(required) if required else Optional()
    return StringField(label, filters=STRIP, validators=[first, Length(max=most, message=f"Use at most {most} characters")])


class DeleteForm(PostForm):
    id = HiddenField()


class UpkeepForm(PostForm):
    """Every upkeep form carries a fingerprint of the values its page showed (`seen`), so a save
    over someone else's newer change is refused instead of quietly undoing it."""

    seen = HiddenField()


# --- the shop --------------------------------------------------------------------------------

class StoreForm(UpkeepForm):
    name = text("Shop name", "Enter the shop's name", 120)
    address = TextAreaField("Address", filters=STRIP,
                            validators=[Optional(), Length(max=255, message="Use at most 255 characters")])
    phone = StringField("Phone number", filters=STRIP, validators=phone_validators(None))
    email = EmailField("Email address", filters=STRIP, validators=[
        Optional(), Length(max=254, message="Use at most 254 characters"),
        Email("Enter an email address like hello@example.com", check_deliverability=False)])


class OrderingRulesForm(UpkeepForm):
    preparation_minutes = whole("Lead time (minutes from ordering to ready)", 0, 240, "minutes")
    slot_minutes = whole("Slot length (minutes)", 5, 120, "minutes")
    orders_per_slot = whole("Orders per slot", 1, 500)
    last_order_minutes = whole("Last orders (minutes before closing)", 0, 240, "minutes")
    days_ahead = whole("Days ahead customers can order", 0, 60, "days")
    cancel_minutes = whole("Cancellation cutoff (minutes before the order's time)", 0, 10080, "minutes")
    tax_rate = AmountField("Tax rate (%)", message="Enter a rate from 0 to 100, like 20 or 12.5", validators=[
        InputRequired("Enter a rate from 0 to 100, like 20 or 12.5"),
        InRange(0, 100, message="Enter a rate from 0 to 100, like 20 or 12.5")])


class OpeningPeriodForm(UpkeepForm):
    weekday = SelectField("Day", choices=[SelectChoice(str(i), day) for i, day in enumerate(WEEKDAYS)],
                          coerce=int, validate_choice=True)
    opens_at = LenientTimeField("Opens", message="Enter a time like 08:00",
                                validators=[InputRequired("Enter the time it opens, like 08:00")])
    closes_at = LenientTimeField("Closes", message="Enter a time like 17:30",
                                 validators=[InputRequired("Enter the time it closes, like 17:30")])


class ClosureForm(UpkeepForm):
    starts_on = SaneDateField("First day closed", message=DATE_MESSAGE,
                              validators=[InputRequired("Enter the first day the shop is closed")])
    ends_on = SaneDateField("Last day closed (empty for one day)", message=DATE_MESSAGE, validators=[Optional()])
    reason = text("Reason (customers see this)", "Say why the shop is closed, like “Bank holiday”", 200)


class DeliveryZoneForm(UpkeepForm):
    name = text("Zone name", "Enter a name for the zone", 80)
    postcode_prefixes = StringField("Postcode areas and districts", filters=STRIP, validators=[
        DataRequired("Enter at least one postcode area or district, like BS1"),
        Length(max=500, message="Use at most 500 characters")])
    fee = amount("Delivery fee (£)", "100")
    minimum_order = amount("Minimum order (£)")
    is_active = BooleanField("Delivering to this zone now")


# --- the dining room -------------------------------------------------------------------------

class TableForm(UpkeepForm):
    name = text("Table name", "Enter a name for the table, like T4", 40)
    area = text("Area", "Enter the area, like inside or terrace", 40)
    min_seats = whole("Fewest guests", 1, 30)
    max_seats = whole("Most guests", 1, 30)
    online_bookable = BooleanField("Bookable online (untick to keep it for staff)")
    position = whole("Order on the book", 0, 999)


class CombinationForm(UpkeepForm):
    name = text("Combination name", "Enter a name, like T4+T5", 80)
    tables = SelectMultipleField("Tables pushed together", choices=[], coerce=int, validate_choice=False,
                                 widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    min_seats = whole("Fewest guests", 1, 60)
    max_seats = whole("Most guests", 1, 60)
    online_bookable = BooleanField("Bookable online (untick to keep it for staff)")


class TurnTimeForm(UpkeepForm):
    party_from = whole("From party size", 1, 60)
    minutes = whole("Minutes at the table", 15, 480, "minutes")


class BookingRulesForm(UpkeepForm):
    slot_minutes = whole("Booking times every (minutes)", 5, 60, "minutes")
    buffer_minutes = whole("Buffer between bookings at a table (minutes)", 0, 120, "minutes")
    pacing_guests_per_slot = whole("Pacing: most guests arriving per time", 1, 500)
    min_notice_minutes = whole("Notice needed (minutes)", 0, 10080, "minutes")
    horizon_days = whole("Booking horizon (days ahead)", 1, 365, "days")
    cancellation_cutoff_minutes = whole("Cancellation cutoff (minutes before)", 0, 10080, "minutes")
    max_party_online = whole("Largest party booked online", 1, 60)
    max_party_request = whole("Largest party that may ask", 1, 200)
    reminder_hours = whole("Reminder email (hours before)", 1, 168, "hours")
