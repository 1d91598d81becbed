"""What each kept part of the checkout page shows (`core.fragments`): its key holds every value
the part's markup is made from, so the same key always means the same HTML, and any change —
an order filling a slot, new hours or a closure, a rule, the clock moving the first time on, the
customer's choice — is a different key, seen at once. Parts showing an error, or anything the
customer typed, get no key and are rendered afresh."""
from __future__ import annotations

from flask import request

from ..orders.models import Fulfilment
from ..store.current import current_store
from ..store.service import store_zone
from .service import Picked, Quote

CONTACT_FIELDS = ("name", "email", "phone", "note", "marketing")


def when_key(form, quote: Quote, picked: Picked) -> tuple | None:
    """The "When" fieldset (checkout/_when.html): the week's days and their reasons, the shown
    day's times (full or not, in the shop's zone), "as soon as possible" and its minutes, what
    is selected, the wording for pickup or delivery, the shop's locale and the form's address."""
    if form.day.errors or form.when.errors:
        return None
    day, store = picked.day, current_store()
    return (form.fulfilment.data == Fulfilment.DELIVERY.value, quote.cake_day, form.day.data, form.when.data,
            quote.today, quote.asap is not None, quote.asap_minutes,
            tuple((d.day, d.reason) for d in quote.days),
            None if day is None else (day.day, day.reason, tuple((s.start, s.is_full) for s in day.slots)),
            store_zone(store).key, store.locale, request.script_root)


def fulfilment_key(form) -> tuple | None:
    """Pickup or delivery: the two radio buttons, one of them checked."""
    choice = form.fulfilment
    if choice.errors or choice.data not in (Fulfilment.PICKUP.value, Fulfilment.DELIVERY.value):
        return None
    return (choice.data,)


def details_key(form) -> tuple | None:
    """The contact fields, kept only while blank (a guest's first sight): what someone typed or
    their account filled in is theirs, and is never kept."""
    fields = [getattr(form, name) for name in CONTACT_FIELDS]
    if any(field.data or field.errors for field in fields):
        return None
    return (request.script_root,)


def keys(form, quote: Quote, picked: Picked) -> dict[str, tuple | None]:
    return {"when": when_key(form, quote, picked), "fulfilment": fulfilment_key(form),
            "details": details_key(form)}
