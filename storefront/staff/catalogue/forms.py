"""Forms of the catalogue, cake and promo screens. Money is read as Decimal to the cent, never
negative; whole numbers as ASCII digits in a sane range; every text field has a length limit."""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from flask_wtf.file import FileField
from wtforms import BooleanField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.fields import DateTimeLocalField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp, ValidationError

from ...cakes.models import OptionKind, RuleKind
from ...checkout.models import OrderType, PromoKind
from ...core.fields import STRIP, WholeNumberField
from ...core.forms import PostForm
from ...menu.forms import CheckboxesField, choices
from ...menu.models import ALLERGENS, DIETS

MONEY_MAX = Decimal("10000.00")
_PLAIN_AMOUNT = re.compile(r"[0-9]*\.?[0-9]+", re.ASCII)
SLUG = Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
              message="Use lower-case letters, digits and single hyphens, like “cinnamon-bun”")


class MoneyField(StringField):
    """An amount like 3.50 in ASCII digits: at most two decimals, from 0 to 10,000; Decimal, never float."""

    def __init__(self, label=None, validators=None, *, required: bool = True, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.required = required

    def process_formdata(self, valuelist):
        raw = (valuelist[0] if valuelist else "") or ""
        raw = raw.strip().lstrip("£").replace(",", "")
        self.raw_text = raw
        if not raw:
            self.data = None
            return
        try:
            amount = Decimal(raw)
        except InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite() or len(raw) > 12:
            self.data = None
            raise ValueError("Enter an amount like 3.50")
        if amount < 0:
            self.data = None
            raise ValueError("Enter an amount of 0 or more")
        if not _PLAIN_AMOUNT.fullmatch(raw):      # "1e3", "٣": Decimal reads them, people don't write them
            self.data = None
            raise ValueError("Enter an amount like 3.50")
        if amount != amount.quantize(Decimal("0.01")):
            self.data = None
            raise ValueError("Use at most two decimal places, like 3.50")
        if amount > MONEY_MAX:
            self.data = None
            raise ValueError("Enter an amount of at most 10000.00")
        self.data = amount.quantize(Decimal("0.01"))

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else f"{self.data:.2f}"

    def pre_validate(self, form):
        if self.required and self.data is None and not self.errors:
            raise ValidationError("Enter an amount like 3.50")


def count_field(label: str, *, low: int = 0, high: int = 100_000, required: bool = True):
    message = f"Enter a whole number from {low} to {high}"
    return WholeNumberField(label, message=message, default=low if required else None, validators=[
        InputRequired(message) if required else Optional(), NumberRange(low, high, message=message)])


def _text(label: str, max_length: int, required: str | None = None, **kwargs):
    validators = [DataRequired(required)] if required else [Optional()]
    return StringField(label, filters=STRIP, validators=[
        *validators, Length(max=max_length, message=f"Use at most {max_length} characters")], **kwargs)


def _long_text(label: str, max_length: int):
    return TextAreaField(label, filters=STRIP, validators=[
        Optional(), Length(max=max_length, message=f"Use at most {max_length} characters")])


class IdChoices(SelectField):
    """A choice of row by id; `choices` are (id, label) pairs filled by the view from the rows that
    exist, so a forged id is refused beside the field."""

    def __init__(self, label, *, message: str, **kwargs):
        super().__init__(label, coerce=_int_or_none, choices=[], **kwargs)
        self.refusal = message

    def pre_validate(self, form):
        if self.data not in {None if value == "" else value for value, _ in self.choices}:
            raise ValidationError(self.refusal)


class IdCheckboxes(CheckboxesField):
    def __init__(self, label, **kwargs):
        super().__init__(label, coerce=_int_or_none, choices=[], validate_choice=False, **kwargs)

    def pre_validate(self, form):
        known = {value for value, _ in self.choices}
        if any(value not in known for value in self.data or []):
            raise ValidationError("Choose from the list")


def _int_or_none(value):
    if value in (None, ""):
        return None
    text = str(value).strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else -1


class CategoryForm(PostForm):
    name = _text("Name", 80, "Enter the category’s name")
    slug = _text("Address name (slug)", 80, "Enter the address name, like “pastries”")
    description = _long_text("Description (optional)", 1000)
    position = count_field("Order on the menu (smaller first)", high=10_000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.slug.validators = [*self.slug.validators, SLUG]


class ProductForm(PostForm):
    name = _text("Name", 120, "Enter the product’s name")
    slug = _text("Address name (slug)", 140, "Enter the address name, like “cinnamon-bun”")
    description = _long_text("Description (optional)", 2000)
    price = MoneyField("Price (£, tax included)")
    category_id = IdChoices("Category", message="Choose a category from the list")
    image = FileField("Photo (optional: JPEG, PNG or WebP, at most 5 MB)")
    image_alt = _text("Photo description for screen readers", 255)
    diets = CheckboxesField("Dietary tags", choices=choices(DIETS))
    allergens = CheckboxesField("Allergens it contains", choices=choices(ALLERGENS))
    track_stock = BooleanField("Track stock (sell only what is in stock)")
    stock_quantity = count_field("In stock", high=100_000)
    is_available = BooleanField("On sale")
    is_featured = BooleanField("Featured on the home page")
    customizable = BooleanField("A custom cake (the menu leads to the cake builder)")
    position = count_field("Order within its category (smaller first)", high=10_000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.slug.validators = [*self.slug.validators, SLUG]


def _upper_code(value):
    return "".join(value.split()).upper() if isinstance(value, str) else value


CODE = Regexp(r"^[A-Z0-9][A-Z0-9_-]{2,39}$", message="Use 3 to 40 letters, digits, hyphens or underscores")


class PromoForm(PostForm):
    code = StringField("Code", filters=[_upper_code], validators=[DataRequired("Enter the code customers type"),
                                                                 Length(max=40, message="Use at most 40 characters"),
                                                                 CODE])
    description = _text("Description (staff only)", 200)
    kind = SelectField("Kind", choices=[SelectChoice(PromoKind.PERCENT.value, "Percentage off"),
                                        SelectChoice(PromoKind.FIXED.value, "Amount off"),
                                        SelectChoice(PromoKind.FREE_DELIVERY.value, "Free delivery")],
                       validate_choice=True)
    value = MoneyField("Value (percent, or £ off)", required=False)
    min_subtotal = MoneyField("Minimum spend (£, optional)", required=False)
    max_discount = MoneyField("Largest discount (£, optional)", required=False)
    starts_at = DateTimeLocalField("Starts (optional)", validators=[Optional()],
                                   format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"])
    ends_at = DateTimeLocalField("Ends (optional)", validators=[Optional()],
                                 format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"])
    usage_limit = count_field("Uses in total (optional)", low=1, high=1_000_000, required=False)
    per_customer_limit = count_field("Uses per customer (optional)", low=1, high=1000, required=False)
    order_type = SelectField("Orders", choices=[SelectChoice(OrderType.ANY.value, "Pickup and delivery"),
                                                SelectChoice(OrderType.PICKUP.value, "Pickup only"),
                                                SelectChoice(OrderType.DELIVERY.value, "Delivery only")],
                             validate_choice=True)
    category_ids = IdCheckboxes("Only these categories (none ticked: the whole order)")
    product_ids = IdCheckboxes("Only these products")
    is_active = BooleanField("Active (customers can use it)")


class GenerateForm(PostForm):
    count = count_field("How many codes", low=1, high=500)
    prefix = StringField("Start each code with", filters=[_upper_code], validators=[
        DataRequired("Enter a few letters to start each code, like “GIFT”"),
        Regexp(r"^[A-Z0-9]{2,12}$", message="Use 2 to 12 letters or digits")])


class CakeOptionForm(PostForm):
    kind = SelectField("Kind", choices=[SelectChoice(k.value, k.value.capitalize()) for k in OptionKind],
                       validate_choice=True)
    name = _text("Name", 80, "Enter the option’s name")
    description = _text("Description (optional)", 200)
    price = MoneyField("Price (£; for a size, the cake’s base price)")
    servings = count_field("Servings (sizes)", low=1, high=500, required=False)
    inches = count_field("Diameter in inches (sizes)", low=1, high=40, required=False)
    colour = StringField("Colour for the preview (frostings, like #f4c2c2)", filters=STRIP, validators=[
        Optional(), Regexp(r"^#[0-9a-fA-F]{6}$", message="Enter a colour like #f4c2c2")])
    is_active = BooleanField("Offered in the builder")
    position = count_field("Order (smaller first)", high=10_000)

    size_fields: tuple[str, ...] = ()
    _stray_sizes: tuple[str, ...] = ()

    def process(self, formdata=None, obj=None, data=None, extra_filters=None, **kwargs):
        super().process(formdata, obj, data, extra_filters, **kwargs)
        sent = self.meta.wrap_formdata(self, formdata) or {}
        self._stray_sizes = tuple(name for name in sent if name.startswith(SIZE_PRICE) and name not in self._fields)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self._stray_sizes:
            self.form_errors.append("A price was sent for a size that is not offered. Nothing was saved: "
                                    "reload the page and try again.")
            return False
        return valid


SIZE_PRICE = "size_price_"


def cake_option_form(sizes, *args, **kwargs) -> CakeOptionForm:
    """The option form with one optional price per size offered (`sizes`: (id, name) pairs), named
    `size_price_<id>`; blank means the option's own price with that size."""
    form_class = type("CakeOptionSizedForm", (CakeOptionForm,), {
        f"{SIZE_PRICE}{size_id}": MoneyField(f"With the {name} size (£)", required=False) for size_id, name in sizes})
    form_class.size_fields = tuple(f"{SIZE_PRICE}{size_id}" for size_id, _ in sizes)
    return form_class(*args, **kwargs)


class CakeRuleForm(PostForm):
    kind = SelectField("Rule", choices=[SelectChoice(RuleKind.MAX_CHOICES.value, "At most N of a kind"),
                                        SelectChoice(RuleKind.ONLY_SIZES.value, "An option only with some sizes")],
                       validate_choice=True)
    option_kind = SelectField("Kind limited (for “at most N”)", choices=[SelectChoice("", "—")] + [
        SelectChoice(k.value, k.value.capitalize()) for k in OptionKind], validate_choice=True)
    limit = count_field("N (for “at most N”)", low=1, high=50, required=False)
    option_id = IdChoices("Option (for “only with sizes”)", message="Choose an option from the list")
    size_ids = IdCheckboxes("Sizes it may go with")
    message = _text("What the customer is told", 200, "Enter what the customer is told")
    is_active = BooleanField("In force")


class CakeSettingsForm(PostForm):
    notice_days = count_field("Notice (whole days before the cake’s day)", high=60)
    daily_cutoff = TimeField("Orders for a day’s notice close at", validators=[InputRequired("Enter a time like 14:00")])
    days_ahead = count_field("Days ahead a cake can be ordered", low=1, high=365)
    daily_capacity = count_field("Cakes a day", high=500)
    change_cutoff_hours = count_field("Changes allowed until (hours before)", high=720)
    message_max = count_field("Longest message (characters)", high=200)
    message_price_per_char = MoneyField("Message price per character (£)")
