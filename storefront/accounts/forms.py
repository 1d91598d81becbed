"""Account forms. Limits match the columns, so nothing valid here can fail in the database."""
from __future__ import annotations

from wtforms import BooleanField, EmailField, HiddenField, PasswordField, StringField, TelField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, Regexp

from ..core.forms import PostForm


def strip(value):
    """People paste addresses with stray spaces; passwords are never stripped."""
    return value.strip() if isinstance(value, str) else value


STRIP = [strip]
_password = [DataRequired("Enter a password"),
             Length(min=10, max=128, message="Use between 10 and 128 characters")]
_email = [DataRequired("Enter your email address"), Length(max=254, message="Use at most 254 characters"),
          Email("Enter an email address like name@example.com", check_deliverability=False)]
_name = [DataRequired("Enter your name"), Length(max=120, message="Use at most 120 characters")]
_phone = [Optional(), Length(max=32, message="Use at most 32 characters"),
          Regexp(r"^\+?[0-9 ()-]{6,31}$", message="Enter a phone number, like 020 7946 0000")]


class RegisterForm(PostForm):
    name = StringField("Full name", validators=_name, filters=STRIP)
    email = EmailField("Email address", validators=_email, filters=STRIP)
    phone = TelField("Phone number (optional)", validators=_phone, filters=STRIP)
    password = PasswordField("Create a password", validators=_password)
    confirm = PasswordField("Confirm password", validators=[
        DataRequired("Confirm your password"), EqualTo("password", "The passwords do not match")])


class LoginForm(PostForm):
    email = EmailField("Email address", validators=_email, filters=STRIP)
    password = PasswordField("Password", validators=[DataRequired("Enter your password"),
                                                     Length(max=128, message="Use at most 128 characters")])
    remember = BooleanField("Keep me signed in on this device")
    next = HiddenField()


class ProfileForm(PostForm):
    name = StringField("Full name", validators=_name, filters=STRIP)
    email = EmailField("Email address", validators=_email, filters=STRIP)
    phone = TelField("Phone number (optional)", validators=_phone, filters=STRIP)
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
