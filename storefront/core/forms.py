"""The base classes every form in the shop inherits, so rules about input (what characters a
text field may hold, for instance) are written once and apply to every field of every form."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import Form


class PostForm(FlaskForm):
    """A form that changes something: posted with a CSRF token."""


class QueryForm(Form):
    """A GET form read from the query string (search, filters): no CSRF token."""
