"""The base classes every form in the shop inherits, so rules about input (what characters a
text field may hold, for instance) are written once and apply to every field of every form."""
from __future__ import annotations

from flask_wtf import FlaskForm
from werkzeug.datastructures import FileStorage, MultiDict
from wtforms import Form
from wtforms.csrf.core import CSRFTokenField
from wtforms.fields import FileField, HiddenField, PasswordField, TextAreaField

from . import inputs

REFUSED_MESSAGE = ("We can't accept control or text-direction characters here, so we have taken them out. "
                   "Please check it and try again.")
WRONG_TYPE_MESSAGE = "We couldn't read this. Please type it in again."
HIDDEN_REFUSED_MESSAGE = "Part of this form could not be read. Please reload the page and try again."


def _checked(field) -> bool:
    # Passwords are only ever hashed, never stored or shown: refusing characters in them could
    # lock out someone who chose one. The CSRF token has its own check.
    return not isinstance(field, (PasswordField, CSRFTokenField))


def _clean(data, multiline: bool):
    if isinstance(data, str):
        data = inputs.without_refused(data, multiline=multiline)
        return "" if inputs.is_blank(data) else data
    if isinstance(data, list):
        return [_clean(item, multiline) for item in data]
    return data


def _text_only(form, formdata) -> tuple[MultiDict | None, set[str]]:
    """The submitted values that are text (files only for file fields), and the names that came
    as something else: a file where text belongs, or a number or object from a JSON body, which
    fields would otherwise hand on to `len()`, `strip()` or the database as they are."""
    if formdata is None:
        return None, set()
    file_fields = {field.name for field in form if isinstance(field, FileField)}
    text, wrong = MultiDict(), set()
    for name in formdata.keys():
        for value in formdata.getlist(name):
            if isinstance(value, str) or (name in file_fields and isinstance(value, FileStorage)):
                text.add(name, value)
            else:
                wrong.add(name)
    return text, wrong


class InputRules:
    """The input layer's rules (core.inputs) for every field of a form. At processing, values
    that are not text are dropped, each field's value loses any refused characters, and text
    that shows nothing becomes empty, so a view or service that reads `.data` before validating
    never gets them; validation then puts one clear message beside each field that had some
    (or at the top, for hidden fields)."""

    def process(self, formdata=None, *args, **kwargs):
        formdata, wrong = _text_only(self, self.meta.wrap_formdata(self, formdata))
        super().process(formdata, *args, **kwargs)
        self.refused_fields = {}
        for field in self:
            if field.name in wrong:
                self.refused_fields[field] = WRONG_TYPE_MESSAGE
            if not _checked(field):
                continue
            multiline = isinstance(field, TextAreaField)
            raw = [value for value in (field.raw_data or ()) if isinstance(value, str)]
            if any(inputs.has_refused(value, multiline=multiline) for value in raw):
                self.refused_fields[field] = REFUSED_MESSAGE
            field.data = _clean(field.data, multiline)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field, message in self.refused_fields.items():
            if isinstance(field, HiddenField):
                field.errors = []
                if HIDDEN_REFUSED_MESSAGE not in self.form_errors:
                    self.form_errors.append(HIDDEN_REFUSED_MESSAGE)
            else:
                field.errors = [message]
        return valid and not self.refused_fields


class PostForm(InputRules, FlaskForm):
    """A form that changes something: posted with a CSRF token."""


class QueryForm(InputRules, Form):
    """A GET form read from the query string (search, filters): no CSRF token."""
