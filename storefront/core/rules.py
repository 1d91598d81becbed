"""How services say no: a RuleViolation names the field each reason belongs to, so the view can
put every message beside its field (and in the summary at the top of the form)."""
from __future__ import annotations

from collections.abc import Iterable

FORM = "__form__"  # a reason that belongs to the whole form rather than one field


class RuleViolation(Exception):
    def __init__(self, reasons: Iterable[tuple[str, str]]):
        self.reasons = list(reasons)
        super().__init__("; ".join(message for _, message in self.reasons))

    @classmethod
    def on(cls, field: str, message: str) -> RuleViolation:
        return cls([(field, message)])


def populate_errors(form, violation: RuleViolation) -> None:
    """Attach each reason to its WTForms field; reasons for unknown fields go to form_errors."""
    for field_name, message in violation.reasons:
        field = getattr(form, field_name, None) if field_name != FORM else None
        if field is not None and hasattr(field, "errors"):
            field.errors = list(field.errors) + [message]
        else:
            form.form_errors.append(message)
