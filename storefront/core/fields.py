"""Form fields shared by features."""
from __future__ import annotations

from wtforms import IntegerField


class WholeNumberField(IntegerField):
    """An integer field whose parse error is the same plain message as its range check, so
    "two", "1.5" or "1e3" get the sentence a person can act on."""

    def __init__(self, label=None, validators=None, *, message: str, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.message = message

    def process_formdata(self, valuelist):
        if not valuelist or valuelist[0] in ("", None):
            return
        raw = valuelist[0].strip()
        if not raw.lstrip("-").isdigit() or len(raw) > 12:
            self.data = None
            raise ValueError(self.message)
        self.data = int(raw)
