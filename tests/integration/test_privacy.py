"""Privacy over HTTP: "download my data", "delete my account", the retention purge and marketing
consent — with another customer's data beside the customer's, and the bad input each refuses."""
from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from storefront.accounts.models import MarketingConsent, User
from storefront.cart.store import CartStore
from storefront.core import outbox
from storefront.core.outbox import OutboxMessage
from storefront.core.time import utcnow
from storefront.extensions import db
from storefront.orders.models import Order
from storefront.privacy import export as export_module
from storefront.privacy.erasure import ERASED_EMAIL, ERASED_NAME
from storefront.privacy.models import OutboxErasure
from storefront.reservations.models import Reservation, ReservationStatus, WaitlistEntry
from storefront.reviews.models import Review
from tests.support.builders import PASSWORD, make_product, make_user
from tests.support.html import csrf_from, field_errors
from tests.support.privacy import make_footprint, scan, text_columns, user_row
from tests.support.reservations import make_room
from tests.support.reviews import make_order

ME = ("quillon.marchetti@example.com", "Quillon Marchetti", "07700 900417")
OTHER = ("zebedee.okonkwo@example.com", "Zebedee Okonkwo", "07700 900982")


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def people(app_ctx):
    tables = make_room()
    product = make_product("Rye loaf", stock_quantity=20)
    me = make_footprint(*ME, tables=tables, product=product)
    other = make_footprint(*OTHER, tables=tables, product=product)
    return me, other


def counts() -> dict[str, int]:
    db.session.expire_all()
    return {t.name: db.session.scalar(sa.select(sa.func.count()).select_from(t)) for t in db.metadata.sorted_tables}


# --- export ---------------------------------------------------------------------------------

def test_export_holds_exactly_the_customers_rows(client, auth, people):
    me, other = people
    assert auth.login(me.email, PASSWORD).status_code == 303
    response = client.get("/account/privacy/export.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="my-data-')
    assert "no-store" in response.headers["Cache-Control"]
    data = json.loads(response.data)
    assert set(data) >= {"profile", "orders", "reservations", "reviews", "consents"}
    assert data["profile"]["email"] == me.email and data["profile"]["name"] == me.name
    assert data["profile"]["phone"] == me.phone and data["profile"]["email_verified"] is False
    mine = db.session.scalars(sa.select(Order.number).where(Order.user_id == me.user_id)).all()
    assert sorted(o["number"] for o in data["orders"]) == sorted(mine) and len(mine) == 1
    assert data["orders"][0]["lines"][0]["name"] == "Rye loaf" and data["orders"][0]["total"] == "3.50"
    my_refs = db.session.scalars(sa.select(Reservation.reference).where(Reservation.user_id == me.user_id)).all()
    assert sorted(b["reference"] for b in data["reservations"]["bookings"]) == sorted(my_refs) and len(my_refs) == 2
    assert [w["email"] for w in data["reservations"]["waitlist"]] == [me.email]
    assert [r["body"] for r in data["reviews"]] == ["The rye loaf is the best in town, honestly."]
    assert [(c["marketing_email"], c["source"]) for c in data["consents"]] == [(True, "registration")]
    whole = response.get_data(as_text=True).lower()
    for value in other.values:  # nothing of the other customer, anywhere in the file
        assert value.lower() not in whole


def test_export_sections_are_registered_with_one_line(client, auth, people):
    me, _ = people
    export_module.add_section("stamps", lambda session, user: {"stamps_for": user.email, "count": 3})
    try:
        auth.login(me.email, PASSWORD)
        data = json.loads(client.get("/account/privacy/export.json").data)
    finally:
        del export_module.SECTIONS["stamps"]
    assert data["stamps"] == {"stamps_for": me.email, "count": 3}


def test_export_needs_sign_in_and_its_statements_do_not_grow(client, auth, people, count_queries):
    me, _ = people
    assert client.get("/account/privacy/export.json").status_code in (302, 303)
    auth.login(me.email, PASSWORD)
    with count_queries() as few:
        assert client.get("/account/privacy/export.json").status_code == 200
    user = db.session.get(User, me.user_id)
    product = make_product("Seeded loaf")
    for _ in range(4):
        make_order(user, [product, product])
    with count_queries() as many:
        assert client.get("/account/privacy/export.json").status_code == 200
    assert many.count == few.count


# --- deletion -------------------------------------------------------------------------------

def _delete(forms, password=PASSWORD, confirm="y", **kwargs):
    data = {"password": password}
    if confirm:
        data["confirm"] = confirm
    return forms.post("/account/privacy/delete", data, **kwargs)


def test_deletion_leaves_no_personal_field_anywhere(app, client, forms, auth, people, tmp_path):
    me, other = people
    assert text_columns() > 40  # the scan reads the whole schema, not a list of known columns
    assert {h.table for h in scan(me.values)} >= {"users", "orders", "reservations", "outbox", "audit_log"}
    auth.login(me.email, PASSWORD)
    redis = app.extensions["redis"]
    CartStore(redis, f"u:{me.user_id}").add("p:1", 2, 99)
    second = app.test_client()  # the same account signed in on another device
    assert Auth2(second).login(me.email).status_code == 303
    upcoming = db.session.scalars(sa.select(Reservation).where(Reservation.user_id == me.user_id,
                                                               Reservation.starts_at > utcnow())).one()

    response = _delete(forms)
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert "Your account is deleted" in text(client.get("/"))

    db.session.expire_all()
    # Until the last emails to the old address have gone, they are the only place it remains.
    hits = scan(me.values)
    erasable = set(db.session.scalars(sa.select(OutboxErasure.outbox_id)))
    assert hits and {h.table for h in hits} == {"outbox"} and {h.row[0] for h in hits} <= erasable
    waiting = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.id.in_(erasable))).all()
    subjects = sorted(m.subject for m in waiting)
    assert any("account is deleted" in s for s in subjects) and any("cancel" in s.lower() for s in subjects)
    confirmation = next(m for m in waiting if "account is deleted" in m.subject)
    assert confirmation.to_address == me.email and confirmation.body_html and "Former customer" in confirmation.body_text
    # Deliver them, run the purge: nothing of the customer is left in any table.
    settings = outbox.MailSettings.from_config({**app.config, "MAIL_SERVER": None, "MAIL_FILE_DIR": str(tmp_path)})
    outbox.send_due(db.session, settings)
    result = app.test_cli_runner().invoke(args=["privacy", "purge"])
    assert result.exit_code == 0, result.output
    assert scan(me.values) == []
    assert len(list(Path(tmp_path).glob("*.eml"))) >= 3

    # The other customer is untouched.
    assert {h.table for h in scan(other.values)} >= {"users", "orders", "reservations", "reservation_waitlist",
                                                     "marketing_consents", "outbox", "audit_log"}
    # Orders stay for the books; the booking is cancelled; the review shows "Former customer".
    db.session.expire_all()
    kept = db.session.scalars(sa.select(Order).where(Order.customer_email == ERASED_EMAIL)).all()
    assert len(kept) == 2 and {o.customer_name for o in kept} == {ERASED_NAME}
    assert db.session.get(Reservation, upcoming.id).status == ReservationStatus.CANCELLED
    review = db.session.scalars(sa.select(Review).where(Review.user_id == me.user_id)).one()
    assert review.author_name == "Former customer"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(WaitlistEntry)) == 1  # the other's
    assert redis.exists(f"cart:u:{me.user_id}") == 0
    # The login is gone: this browser and the other device are signed out, the password opens nothing.
    assert client.get("/account/").status_code in (302, 303)
    assert second.get("/account/").status_code in (302, 303)
    assert auth.login(me.email, PASSWORD).status_code == 422
    assert user_row(me.user_id).is_active_account is False


class Auth2:
    def __init__(self, client):
        self.client = client

    def login(self, email):
        token = csrf_from(self.client.get("/account/login").data)
        return self.client.post("/account/login", data={"csrf_token": token, "email": email, "password": PASSWORD})


@pytest.mark.parametrize("password, confirm, field, message", [
    ("not my password", "y", "password", "That is not your password. Nothing was deleted."),
    ("", "y", "password", "Enter your password to delete your account"),
    ("p" * 129, "y", "password", "Use at most 128 characters"),
    (PASSWORD, None, "confirm", "Tick the box to confirm that you want your account deleted."),
    (PASSWORD, PASSWORD, "confirm", "Tick the box to confirm that you want your account deleted."),
    (PASSWORD, "x" * 10_000, "confirm", "Tick the box to confirm that you want your account deleted."),
    ("a\x00b", "y", "password", None),
])
def test_deletion_refusals_say_why_and_write_nothing(client, forms, auth, people, password, confirm, field, message):
    me, _ = people
    auth.login(me.email, PASSWORD)
    before = counts()
    response = _delete(forms, password=password, confirm=confirm)
    assert response.status_code == 422
    errors = field_errors(response)
    assert field in errors and (message is None or message in errors[field])
    assert counts() == before
    assert user_row(me.user_id).email == me.email
    assert client.get("/account/").status_code == 200  # still signed in


def test_deletion_over_htmx_redirects_and_refuses_as_a_fragment(client, forms, auth, people):
    me, _ = people
    auth.login(me.email, PASSWORD)
    wrong = _delete(forms, password="not my password", htmx=True)
    assert wrong.status_code == 422 and "<html" not in text(wrong) and 'id="delete-form"' in text(wrong)
    done = _delete(forms, htmx=True)
    assert done.status_code == 200 and done.headers["HX-Redirect"] == "/"


def test_deletion_without_csrf_or_replayed_writes_nothing(client, forms, auth, people):
    me, _ = people
    auth.login(me.email, PASSWORD)
    before = counts()
    missing = client.post("/account/privacy/delete", data={"password": PASSWORD, "confirm": "y"})
    assert missing.status_code == 400 and counts() == before
    token = csrf_from(client.get("/account/privacy/delete").data)
    first = client.post("/account/privacy/delete", data={"csrf_token": token, "password": PASSWORD, "confirm": "y"})
    assert first.status_code == 303
    after = counts()
    replay = client.post("/account/privacy/delete", data={"csrf_token": token, "password": PASSWORD, "confirm": "y"})
    assert replay.status_code in (302, 303, 400) and counts() == after


def test_staff_accounts_are_not_deleted_here(client, forms, auth, app_ctx):
    from storefront.accounts.models import Role

    make_user("baker@example.com", role=Role.STAFF)
    auth.login("baker@example.com", PASSWORD)
    response = _delete(forms)
    assert response.status_code == 422 and "Staff accounts are closed by an admin" in text(response)
    assert user_row(db.session.scalar(sa.select(User.id))).is_active_account


def test_delete_page_needs_sign_in(client, app_ctx):
    assert client.get("/account/privacy/delete").status_code in (302, 303)


# --- retention ------------------------------------------------------------------------------

def test_purge_anonymises_old_guest_details_and_old_sent_mail_once(app, app_ctx):
    tables = make_room()
    product = make_product("Bap")
    customer = make_user("kept.customer@example.com", name="Kept Customer")
    old_guest = make_order(None, [product], email="old.guest@example.com")
    new_guest = make_order(None, [product], email="new.guest@example.com")
    old_customer = make_order(customer, [product])
    long_ago = utcnow() - timedelta(days=400)
    for order in (old_guest, old_customer):
        order.created_at = long_ago
    from tests.support.reservations import make_reservation

    old_booking, _ = make_reservation(long_ago, 2, [tables["T1"]], email="old.diner@example.com", name="Old Diner",
                                      status=ReservationStatus.COMPLETED)
    new_booking, _ = make_reservation(utcnow() + timedelta(days=3), 2, [tables["T1"]], email="new.diner@example.com")
    old_mail = outbox.enqueue(db.session, to="a@example.com", subject="old", body="x")
    new_mail = outbox.enqueue(db.session, to="b@example.com", subject="new", body="x")
    unsent_old = outbox.enqueue(db.session, to="c@example.com", subject="unsent", body="x")
    db.session.flush()
    old_mail.sent_at, new_mail.sent_at = utcnow() - timedelta(days=40), utcnow() - timedelta(days=2)
    unsent_old.created_at = utcnow() - timedelta(days=90)
    db.session.commit()
    ids = (old_guest.id, new_guest.id, old_customer.id, old_booking.id, new_booking.id, old_mail.id, new_mail.id,
           unsent_old.id)

    runner = app.test_cli_runner()
    first = runner.invoke(args=["privacy", "purge"])
    assert first.exit_code == 0
    assert first.output.strip() == ("anonymised 1 guest orders and 1 guest bookings, deleted 0 waitlist entries "
                                    "and 1 sent emails")
    db.session.expire_all()
    og, ng, oc, ob, nb = (db.session.get(Order, ids[0]), db.session.get(Order, ids[1]), db.session.get(Order, ids[2]),
                          db.session.get(Reservation, ids[3]), db.session.get(Reservation, ids[4]))
    assert (og.customer_name, og.customer_email, og.customer_phone) == (ERASED_NAME, ERASED_EMAIL, "")
    assert og.total == ng.total  # the order itself stays
    assert ng.customer_email == "new.guest@example.com" and oc.customer_email == "kept.customer@example.com"
    assert (ob.name, ob.email) == (ERASED_NAME, ERASED_EMAIL) and nb.email == "new.diner@example.com"
    assert db.session.get(OutboxMessage, ids[5]) is None
    assert db.session.get(OutboxMessage, ids[6]) is not None and db.session.get(OutboxMessage, ids[7]) is not None
    second = runner.invoke(args=["privacy", "purge"])
    assert second.output.strip() == ("anonymised 0 guest orders and 0 guest bookings, deleted 0 waitlist entries "
                                     "and 0 sent emails")
    shorter = runner.invoke(args=["privacy", "purge", "--outbox-days", "1"])
    assert "and 1 sent emails" in shorter.output
    assert runner.invoke(args=["privacy", "purge", "--guest-days", "0"]).exit_code != 0


# --- consent --------------------------------------------------------------------------------

def _register(forms, **extra):
    data = {"name": "Robin Rye", "email": "robin@example.com", "phone": "", "password": "long enough pass",
            "confirm": "long enough pass", **extra}
    return forms.post("/account/register", data)


def consents() -> list[tuple[bool, str]]:
    db.session.expire_all()
    return [(c.given, c.source) for c in db.session.scalars(sa.select(MarketingConsent).order_by(MarketingConsent.id))]


def test_registration_consent_is_opt_in_and_recorded_with_its_time(client, forms, app_ctx):
    page = text(client.get("/account/register"))
    assert 'name="marketing"' in page and 'name="marketing" checked' not in page
    assert _register(forms).status_code == 303
    assert consents() == []
    client.post("/account/logout", data={"csrf_token": csrf_from(client.get("/account/").data)})
    assert _register(forms, email="sam@example.com", marketing="y").status_code == 303
    assert consents() == [(True, "registration")]
    row = db.session.scalars(sa.select(MarketingConsent)).one()
    assert row.email == "sam@example.com" and abs(row.created_at - utcnow()) < timedelta(minutes=1)


def test_consent_is_withdrawn_on_the_account_page(client, forms, auth, people):
    me, _ = people
    auth.login(me.email, PASSWORD)
    page = text(client.get("/account/"))
    assert "You said yes on" in page and 'id="marketing"' in page
    response = forms.post("/account/", {}, action="/account/privacy/consent")  # unticked: withdraw
    assert response.status_code == 303
    assert [c for c in consents() if c[1] == "account"] == [(False, "account")]
    assert "You said no on" in text(client.get("/account/"))
    again = forms.post("/account/", {}, action="/account/privacy/consent")
    assert again.status_code == 303 and len([c for c in consents() if c[1] == "account"]) == 1  # no change, no row
    before = consents()
    assert client.post("/account/privacy/consent", data={"marketing": "y"}).status_code == 400  # no CSRF
    assert consents() == before


def test_the_account_pages_statements_do_not_grow_with_consents(client, auth, people, count_queries):
    me, _ = people
    auth.login(me.email, PASSWORD)
    client.get("/account/")  # the shop's settings are cached from the first request on
    with count_queries() as few:
        assert client.get("/account/").status_code == 200
    from storefront.accounts import consent

    for given in (False, True, False, True):
        consent.record(db.session, email=me.email, given=given, source="account", user_id=me.user_id)
    db.session.commit()
    with count_queries() as many:
        page = client.get("/account/")
    assert page.status_code == 200 and "You said yes on" in text(page)
    assert many.count == few.count
    with count_queries() as delete_page:
        assert client.get("/account/privacy/delete").status_code == 200
    assert delete_page.count <= few.count
