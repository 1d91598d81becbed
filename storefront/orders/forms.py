"""Forms of the order pages."""
from __future__ import annotations

from wtforms import HiddenField

from ..core.forms import PostForm


class CancelForm(PostForm):
    key = HiddenField()
