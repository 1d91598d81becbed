"""The cake builder form. Option ids are read leniently (anything not a number becomes "none")
so that every wrong id gets the service's message beside its field, never WTForms' own."""
from __future__ import annotations

from datetime import date

from flask_wtf.file import FileField
from wtforms import HiddenField, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Length
from wtforms.widgets import CheckboxInput, ListWidget

from ..core.forms import PostForm
from . import pricing


def optional_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def optional_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        return None


# The fields the price depends on: all the price summary asks the server with (htmx's
# `hx-params`), so the same choices make the same address whoever sends them.
PRICE_FIELDS = (*pricing.FIELDS.values(), "message")
# The message box holds more than any message may (staff allow at most 200 characters), so a long
# one is still priced with its length told; but a paste of pages is cut, so the price's address
# stays under a server's request-line limit (gunicorn's is 4 KB) even in three-byte characters.
MESSAGE_INPUT_MAX = 250


class CakeForm(PostForm):
    price_fields = PRICE_FIELDS
    size = RadioField("Size", coerce=optional_int, validate_choice=False)
    sponge = RadioField("Sponge", coerce=optional_int, validate_choice=False)
    filling = RadioField("Filling", coerce=optional_int, validate_choice=False)
    frosting = RadioField("Frosting", coerce=optional_int, validate_choice=False)
    decorations = SelectMultipleField("Decorations", coerce=optional_int, validate_choice=False,
                                      widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    diet = RadioField("Dietary", coerce=optional_int, validate_choice=False)
    message = StringField("Message on the cake", render_kw={"maxlength": MESSAGE_INPUT_MAX})
    notes = TextAreaField("Notes for the baker", validators=[Length(max=500, message="Keep notes to 500 characters.")])
    due_on = StringField("Day you need it")
    photo = FileField("Reference photo (optional)")
    shown_total = HiddenField()

    def fill_choices(self, catalogue: pricing.Catalogue) -> None:
        """The options shown: active ones, in display order ("none" first for the dietary choice)."""
        for kind in pricing.KIND_ORDER:
            field = getattr(self, pricing.FIELDS[kind])
            field.choices = [(o.id, o.name) for o in catalogue.of_kind(kind)]
        self.diet.choices = [("", "None")] + self.diet.choices

    def choice(self) -> pricing.Choice:
        return pricing.Choice(size=self.size.data, sponge=self.sponge.data, filling=self.filling.data,
                              frosting=self.frosting.data, diet=self.diet.data, message=self.message.data or "",
                              decorations=tuple(d if d is not None else -1 for d in (self.decorations.data or ())))
