"""The privacy forms: marketing consent on the account page, and deleting the account."""
from __future__ import annotations

from wtforms import BooleanField, PasswordField
from wtforms.validators import DataRequired, Length

from ..accounts.consent import LABEL
from ..core.forms import PostForm


class ConsentForm(PostForm):
    marketing = BooleanField(LABEL)


class DeleteAccountForm(PostForm):
    password = PasswordField("Your password", validators=[
        DataRequired("Enter your password to delete your account"),
        Length(max=128, message="Use at most 128 characters")])
    confirm = BooleanField("I understand that my account and its details are deleted for good")

    def validate_confirm(self, field):
        # Only the box itself says yes: its own value, not any text a script puts there.
        if field.raw_data != ["y"]:
            field.data = False
