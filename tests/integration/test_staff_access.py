"""Who may use the back office. The URL-map test visits every `/staff` route of the real app, so
a route added later is covered without anyone remembering to add it here."""
from __future__ import annotations

import re
import time

import pytest
import sqlalchemy as sa

from storefront.accounts.models import Role
from storefront.core.audit import AuditEntry
from storefront.extensions import db
from storefront.orders.models import Order, Status
from storefront.reservations.models import ReservationStatus
from storefront.staff.access import LAST_SEEN
from tests.support.builders import PASSWORD, make_user
from tests.support.html import csrf_from
from tests.support.orders import make_order
from tests.support.reservations import future_day, local, make_reservation


def staff_urls(app, number: str, reference: str = "NOPE") -> list[tuple[str, str]]:
    """Every (method, path) under /staff, with <number> and <reference> filled with a real
    order's number and a real booking's reference."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/staff"):
            continue
        path = re.sub(r"<(?:[^:>]+:)?number>", number, rule.rule)
        path = re.sub(r"<(?:[^:>]+:)?reference>", reference, path)
        path = re.sub(r"<(?:int:)?[^>]+>", "1", path)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((method, path))
    return found


@pytest.fixture
def placed(app_ctx):
    make_user("cust@example.com")
    make_user("staff@example.com", role=Role.STAFF)
    return make_order().number


@pytest.fixture
def requested(app_ctx):
    return make_reservation(local(future_day(2), "19:00"), 10, [], status=ReservationStatus.REQUESTED)[0].reference


def test_the_blueprint_has_routes_to_check(app, placed):
    # Guard against the walk below passing because it found nothing.
    assert len(staff_urls(app, placed)) >= 6
    assert all(rule.endpoint.startswith("staff.") for rule in app.url_map.iter_rules()
               if rule.rule.startswith("/staff"))


def test_every_staff_route_sends_a_guest_to_sign_in(app, client, placed):
    token = csrf_from(client.get("/").data)
    for method, path in staff_urls(app, placed):
        response = client.open(path, method=method, data={"csrf_token": token})
        assert response.status_code == 302, (method, path)
        assert response.headers["Location"].startswith("/account/login?next="), (method, path)


def test_every_staff_route_refuses_a_customer_and_nothing_changes(app, client, auth, placed):
    auth.login("cust@example.com", PASSWORD)
    token = csrf_from(client.get("/").data)  # a valid token of the customer's own session
    for method, path in staff_urls(app, placed):
        response = client.open(path, method=method,
                               data={"csrf_token": token, "to": "confirmed", "seen": "placed", "paused": "on",
                                     "minutes": "5", "reason": "forged"})
        assert response.status_code == 403, (method, path)
        assert "see this page" in response.get_data(as_text=True)
    order = db.session.scalars(sa.select(Order)).one()
    assert order.status == Status.PLACED
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 0


@pytest.fixture
def upkeep_rows(app_ctx):
    """Row 1 of each table the upkeep screens edit (the order's product and category are row 1)."""
    from storefront.cakes.models import CakeOption, CakeRule, OptionKind, RuleKind
    from tests.support.checkout import make_promo

    make_promo("ONE")
    db.session.add(CakeOption(kind=OptionKind.SPONGE, name="Plain"))
    db.session.add(CakeRule(kind=RuleKind.MAX_CHOICES, option_kind=OptionKind.SPONGE, limit=1, message="One"))
    db.session.commit()


def test_every_staff_get_route_opens_for_staff(app, client, auth, placed, requested, upkeep_rows):
    make_user("admin@example.com", role=Role.ADMIN)  # an admin: People is theirs alone
    auth.login("admin@example.com", PASSWORD)
    for method, path in staff_urls(app, placed, requested):
        if method == "GET":
            assert client.get(path).status_code == 200, path


def test_a_staff_post_without_its_csrf_token_is_refused_and_changes_nothing(client, auth, placed):
    auth.login("staff@example.com", PASSWORD)
    response = client.post(f"/staff/orders/{placed}/move", data={"to": "confirmed", "seen": "placed"})
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)
    assert db.session.scalars(sa.select(Order)).one().status == Status.PLACED


def test_a_staff_session_ends_after_the_idle_time(client, auth, placed):
    auth.login("staff@example.com", PASSWORD)
    assert client.get("/staff/orders").status_code == 200
    with client.session_transaction() as session:
        session[LAST_SEEN] = time.time() - 31 * 60
    response = client.get("/staff/orders")
    assert response.status_code == 302 and response.headers["Location"].startswith("/account/login")
    # Signed out everywhere, not only in the back office.
    assert "Sign in" in client.get("/").get_data(as_text=True)


def test_a_customer_session_has_no_staff_idle_limit(client, auth, placed):
    auth.login("cust@example.com", PASSWORD)
    with client.session_transaction() as session:
        session[LAST_SEEN] = time.time() - 31 * 60
    page = client.get("/account/").get_data(as_text=True)
    assert "Sign out" in page


def test_the_header_shows_staff_the_way_in_and_customers_nothing(client, auth, placed):
    auth.login("staff@example.com", PASSWORD)
    assert 'href="/staff/"' in client.get("/").get_data(as_text=True)
    auth.logout()
    auth.login("cust@example.com", PASSWORD)
    assert "/staff" not in client.get("/").get_data(as_text=True)
