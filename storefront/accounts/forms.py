"""Account forms. Limits match the columns, so nothing valid here can fail in the database."""
from __future__ import annotations

from wtforms import BooleanField, EmailField, HiddenField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from ..core.fields import EMAIL_VALIDATORS, STRIP, contact_fields
from ..core.forms import PostForm, QueryForm
from . import consent

_password = [DataRequired("Enter a password"),
             Length(min=10, max=128, message="Use between 10 and 128 characters")]
_email = EMAIL_VALIDATORS


class RegisterForm(PostForm):
    name, email, phone = contact_fields(phone_required=None, phone_label="Phone number (optional)")
    password = PasswordField("Create a password", validators=_password)
    confirm = PasswordField("Confirm password", validators=[
        DataRequired("Confirm your password"), EqualTo("password", "The passwords do not match")])
    marketing = BooleanField(consent.LABEL)


class LoginForm(PostForm):
    email = EmailField("Email address", validators=_email, filters=STRIP)
    password = PasswordField("Password", validators=[DataRequired("Enter your password"),
                                                     Length(max=128, message="Use at most 128 characters")])
    remember = BooleanField("Keep me signed in on this device")
    next = HiddenField()


class ProfileForm(PostForm):
    name, email, phone = contact_fields(phone_required=None, phone_label="Phone number (optional)")
    current_password = PasswordField("Current password (only to change your email)",
                                     validators=[Optional(), Length(max=128)])


class ChangePasswordForm(PostForm):
    current_password = PasswordField("Current password", validators=[
        DataRequired("Enter your current password"), Length(max=128)])
    password = PasswordField("New password", validators=_password)
    confirm = PasswordField("Confirm new password", validators=[
        DataRequired("Confirm your new password"), EqualTo("password", "The passwords do not match")])


class ResetRequestForm(PostForm):
    email = EmailField("Email address", validators=_email, filters=STRIP)


class ResetPasswordForm(PostForm):
    password = PasswordField("New password", validators=_password)
    confirm = PasswordField("Confirm new password", validators=[
        DataRequired("Confirm your new password"), EqualTo("password", "The passwords do not match")])


class VerifyForm(PostForm):
    """The button on a verification link's page: opening a link never changes anything by itself."""


class EmailEchoForm(QueryForm):
    email = StringField(validators=EMAIL_VALIDATORS, filters=STRIP)
