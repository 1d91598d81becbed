"""Cart forms. Quantities are whole numbers from 1 to 99 (0 on the update form removes)."""
from __future__ import annotations

from wtforms import HiddenField
from wtforms.validators import InputRequired, NumberRange

from ..core.fields import WholeNumberField
from ..core.forms import PostForm
from .store import MAX_QUANTITY

_QUANTITY_MESSAGE = f"Enter a whole number from 1 to {MAX_QUANTITY}"
_UPDATE_MESSAGE = f"Enter a whole number from 0 to {MAX_QUANTITY}"


class AddToCartForm(PostForm):
    product_id = WholeNumberField("Product", message="Unknown product", validators=[InputRequired("Choose a product"),
                                                     NumberRange(min=1, max=2**31 - 1, message="Unknown product")])
    quantity = WholeNumberField("Quantity", default=1, message=_QUANTITY_MESSAGE, validators=[
        InputRequired(_QUANTITY_MESSAGE), NumberRange(min=1, max=MAX_QUANTITY, message=_QUANTITY_MESSAGE)])
    next = HiddenField()


class UpdateLineForm(PostForm):
    quantity = WholeNumberField("Quantity", message=_UPDATE_MESSAGE, validators=[
        InputRequired(_UPDATE_MESSAGE), NumberRange(min=0, max=MAX_QUANTITY, message=_UPDATE_MESSAGE)])


class EmptyForm(PostForm):
    """Buttons that post nothing but the CSRF token (remove, empty the cart)."""
