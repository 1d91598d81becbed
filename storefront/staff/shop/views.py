"""Shop upkeep pages: one list page, one edit page and one delete action serve every simple table
(a `Screen` says which kind, form and columns), and one page serves each settings row. HTTP only:
read the form, call the service, answer with the page, the form block (htmx) or a redirect."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import abort, current_app, flash, request, url_for
from sqlalchemy.orm import selectinload
from wtforms import SelectChoice

from ...core.confirm import ask_first, confirmed
from ...core.fields import whole_number
from ...core.htmx import redirect_to, render
from ...core.rules import RuleViolation, populate_errors
from ...core.settings import load_settings
from ...extensions import db
from ...reservations.models import DiningTable, TableCombination
from ...store.current import money, request_context, store_defaults
from . import bp, forms, service
from .service import Kind


@dataclass(frozen=True)
class Screen:
    """How one kind of row is kept on screen: where, under what names, with which form, and the
    columns its list shows (label, value of a row)."""

    key: str  # endpoint and address: "turn_times" → /staff/shop/turn-times
    title: str
    noun: str  # "opening period": "Add an opening period", "Delete …"
    kind: Kind
    form: type
    columns: tuple[tuple[str, Callable[[Any], str]], ...] = ()
    intro: str = ""
    hints: dict[str, str] = field(default_factory=dict)
    options: tuple = ()  # loader options for the list (one query for related rows)
    article: str = "a"

    @property
    def path(self) -> str:
        return "/" + self.key.replace("_", "-")


def _yes(value: bool) -> str:
    return "Yes" if value else "No"


def _hhmm(value) -> str:
    return value.strftime("%H:%M")


SCREENS = (
    Screen("hours", "Opening hours", "opening period", service.PERIODS, forms.OpeningPeriodForm,
           columns=(("Day", lambda r: service.WEEKDAY_NAMES[r.weekday]), ("Opens", lambda r: _hhmm(r.opens_at)),
                    ("Closes", lambda r: _hhmm(r.closes_at))),
           intro="Periods per weekday. A split day has two periods (08:00–12:00 and 13:00–17:00); periods of "
                 "one day may not overlap. Order slots and table times follow at once.",
           hints={"opens_at": "24-hour clock, like 08:00", "closes_at": "Before midnight, like 17:30"}, article="an"),
    Screen("closures", "Closures", "closure", service.CLOSURES, forms.ClosureForm,
           columns=(("From", lambda r: r.starts_on.isoformat()), ("Until", lambda r: r.ends_on.isoformat()),
                    ("Reason", lambda r: r.reason)),
           intro="Whole days the shop is shut. From the moment you save, customers cannot order for or book "
                 "those days; orders and bookings already made are not cancelled.",
           hints={"starts_on": "Today or later", "reason": "Shown on the hours page, like “Bank holiday”"}),
    Screen("zones", "Delivery zones", "delivery zone", service.ZONES, forms.DeliveryZoneForm,
           columns=(("Zone", lambda r: r.name), ("Postcodes", lambda r: r.postcode_prefixes),
                    ("Fee", lambda r: money(r.fee)), ("Minimum order", lambda r: money(r.minimum_order)),
                    ("Delivering", lambda r: _yes(r.is_active))),
           intro="Which postcodes get delivery, for what fee and minimum. The most specific match wins: "
                 "a district (BS1) before its area (BS).",
           hints={"postcode_prefixes": "UK postcode areas (BS) or districts (BS1, SW1A), separated by spaces "
                                       "or commas"}),
    Screen("tables", "Tables", "table", service.TABLES, forms.TableForm,
           columns=(("Table", lambda r: r.name), ("Area", lambda r: r.area),
                    ("Seats", lambda r: f"{r.min_seats}–{r.max_seats}"), ("Online", lambda r: _yes(r.online_bookable))),
           intro="The dining tables, by area. A table not bookable online is still given out by staff.",
           hints={"position": "Lower numbers come first in the reservation book"}),
    Screen("combinations", "Table combinations", "combination", service.COMBINATIONS, forms.CombinationForm,
           columns=(("Combination", lambda r: r.name), ("Tables", lambda r: " + ".join(t.name for t in r.tables)),
                    ("Seats", lambda r: f"{r.min_seats}–{r.max_seats}"), ("Online", lambda r: _yes(r.online_bookable))),
           intro="Tables staff push together for a larger party. They must be in the same area.",
           options=(selectinload(TableCombination.tables),)),
    Screen("turn_times", "Turn times", "turn time", service.TURN_TIMES, forms.TurnTimeForm,
           columns=(("From party size", lambda r: str(r.party_from)), ("Minutes at the table", lambda r: str(r.minutes))),
           intro="How long a party keeps its table: each band runs from its party size to the next band's. "
                 "With none saved, the shop's defaults apply (75 minutes for 1–2 up to 150 for 7 or more)."),
)
BY_KEY = {screen.key: screen for screen in SCREENS}


@dataclass(frozen=True)
class SettingsScreen:
    key: str
    title: str
    kind: Kind
    form: type
    intro: str
    defaults: Callable[[], dict] = dict  # values the model cannot know (the shop's name…)


SETTINGS = (
    SettingsScreen("store", "Store details", service.STORE, forms.StoreForm,
                   "How the shop is named and reached, on every page and in every email.",
                   defaults=lambda: store_defaults(current_app)),
    SettingsScreen("ordering", "Ordering rules", service.ORDERING, forms.OrderingRulesForm,
                   "How orders are timed and taxed. Checkout follows at once."),
    SettingsScreen("booking_rules", "Booking rules", service.BOOKING_RULES, forms.BookingRulesForm,
                   "Pacing, buffer, horizon and cutoff for table bookings. The booking page follows at once."),
)


# --- the index ---------------------------------------------------------------------------------

@bp.get("/")
def index():
    shop = [SETTINGS[0], BY_KEY["hours"], BY_KEY["closures"], SETTINGS[1], BY_KEY["zones"]]
    room = [BY_KEY["tables"], BY_KEY["combinations"], BY_KEY["turn_times"], SETTINGS[2]]
    return render("staff/shop/index.html", groups=(("The shop", shop), ("The dining room", room)))


# --- one list, edit and delete for every simple table --------------------------------------

def _row_or_404(screen: Screen, raw, *, lock: bool = False):
    row_id = whole_number(raw)
    row = service.find(db.session, screen.kind, row_id, lock=lock) if row_id and 0 < row_id < 2**31 else None
    if row is None:
        abort(404)
    return row


def _list_page(screen: Screen, *, status: int = 200, error: str | None = None):
    return render("staff/shop/list.html", status=status, screen=screen, error=error,
                  rows=service.rows(db.session, screen.kind, *screen.options), delete_form=forms.DeleteForm())


def _prepare(screen: Screen, form) -> None:
    """Choices a form reads from the database (the tables a combination may join)."""
    if screen.kind is service.COMBINATIONS:
        tables = db.session.execute(db.select(DiningTable.id, DiningTable.name, DiningTable.area)
                                    .order_by(DiningTable.area, DiningTable.position, DiningTable.name)).all()
        form.tables.choices = [SelectChoice(t.id, f"{t.name} ({t.area})") for t in tables]


def _row_data(screen: Screen, row) -> dict:
    data = {name: getattr(row, name) for name in screen.kind.fields}
    if "tables" in data:
        data["tables"] = [t.id for t in data["tables"]]
    return data


def list_rows(screen: Screen):
    return _list_page(screen)


def edit_row(screen: Screen):
    raw_id = request.args.get("id")
    row = _row_or_404(screen, raw_id, lock=request.method == "POST") if raw_id is not None else None
    data = _row_data(screen, row) if row is not None else _new_data(screen)
    form = screen.form(data=data | {"seen": service.fingerprint(screen.kind, row) if row is not None else ""})
    _prepare(screen, form)
    if form.validate_on_submit():
        try:
            saved = service.save(db.session, screen.kind, row, form.data, request_context(),
                                 seen=form.seen.data if row is not None else None)
        except RuleViolation as violation:
            populate_errors(form, violation)
        else:
            flash(f"Saved {screen.noun} {screen.kind.label(saved)}.", "success")
            notice = _after_saving(screen, saved)
            if notice:
                flash(notice, "info")
            return redirect_to(url_for(f".{screen.key}"))
    heading = (f"Edit {screen.noun} {screen.kind.label(row)}" if row is not None
               else f"Add {screen.article} {screen.noun}")
    return _form_page(form, heading=heading, button="Save changes" if row is not None else f"Add {screen.noun}",
                      action=url_for(f".{screen.key}_edit", id=row.id if row is not None else None),
                      back=url_for(f".{screen.key}"), hints=screen.hints)


def _form_page(form, *, heading: str, button: str, action: str, back: str, hints: dict, intro: str = ""):
    """The one edit page: every field of the form on the site's form macros; 422 when refused."""
    return render("staff/shop/edit.html", "form", status=422 if form.is_submitted() else 200, form=form,
                  heading=heading, button=button, action=action, back=back, hints=hints, intro=intro)


def _new_data(screen: Screen) -> dict:
    return {"is_active": True, "online_bookable": True} if screen.kind in (service.ZONES, service.TABLES,
                                                                          service.COMBINATIONS) else {}


def _after_saving(screen: Screen, row) -> str | None:
    """A closure names what it leaves for staff to sort out: orders and bookings already made."""
    if screen.kind is not service.CLOSURES:
        return None
    orders, bookings = service.closure_effect(db.session, row, request_context())
    if not orders and not bookings:
        return None
    return (f"{orders} order(s) and {bookings} booking(s) are already on those days and have not been cancelled: "
            "contact those customers.")


def delete_row(screen: Screen):
    form = forms.DeleteForm()
    if not form.validate_on_submit():
        return _list_page(screen, status=422, error="That form was incomplete. Nothing was deleted.")
    row_id = whole_number(form.id.data)
    sure = confirmed()
    row = service.find(db.session, screen.kind, row_id, lock=sure) if row_id and 0 < row_id < 2**31 else None
    if row is None:
        return _list_page(screen, status=422, error=f"That {screen.noun} no longer exists. Nothing was deleted.")
    if not sure:
        name = f"{screen.noun} {screen.kind.label(row)}"
        return ask_first(heading=f"Delete {name}?", question="It is removed for good; the audit log keeps what it was.",
                         yes=f"Yes, delete {name}", no="Keep it", back=url_for(f".{screen.key}"),
                         fields={"id": str(row.id)})
    try:
        label = service.delete(db.session, screen.kind, row, request_context())
    except RuleViolation as violation:
        return _list_page(screen, status=422, error=" ".join(m for _, m in violation.reasons))
    flash(f"Deleted {screen.noun} {label}.", "success")
    return redirect_to(url_for(f".{screen.key}"))


def _bind(view: Callable, screen) -> Callable:
    def bound():
        return view(screen)
    return bound


for _screen in SCREENS:
    bp.add_url_rule(_screen.path, _screen.key, _bind(list_rows, _screen), methods=["GET"])
    bp.add_url_rule(f"{_screen.path}/edit", f"{_screen.key}_edit", _bind(edit_row, _screen), methods=["GET", "POST"])
    bp.add_url_rule(f"{_screen.path}/delete", f"{_screen.key}_delete", _bind(delete_row, _screen), methods=["POST"])


# --- the settings rows -----------------------------------------------------------------------

def edit_settings(screen: SettingsScreen):
    given = screen.defaults()
    row = load_settings(db.session, screen.kind.model, **given)
    form = screen.form(data={name: getattr(row, name) for name in screen.kind.fields}
                       | {"seen": service.fingerprint(screen.kind, row)})
    if form.validate_on_submit():
        try:
            service.save_settings(db.session, screen.kind, form.data, request_context(), seen=form.seen.data,
                                  **given)
        except RuleViolation as violation:
            populate_errors(form, violation)
        else:
            flash(f"Saved the {screen.title.lower()}.", "success")
            return redirect_to(url_for(f".{screen.key}"))
    return _form_page(form, heading=screen.title, button=f"Save {screen.title.lower()}",
                      action=url_for(f".{screen.key}"), back=url_for(".index"), hints={}, intro=screen.intro)


for _settings in SETTINGS:
    bp.add_url_rule("/" + _settings.key.replace("_", "-"), _settings.key, _bind(edit_settings, _settings),
                    methods=["GET", "POST"])

