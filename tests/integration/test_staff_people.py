"""People (admins only): invitations with a set-password link, roles, deactivation, customers —
and the rules: staff cannot reach any of it, the last admin stays, and a deactivated account
cannot sign in and loses its sessions."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from storefront.accounts.models import Role, User
from storefront.core.audit import AuditEntry
from storefront.core.outbox import OutboxMessage
from storefront.extensions import db
from tests.integration.test_staff_access import staff_urls
from tests.support.builders import PASSWORD, make_store, make_user
from tests.support.html import csrf_from
from tests.support.orders import make_order


@pytest.fixture
def admin(app_ctx, client, auth):
    make_store()
    user = make_user("admin@example.com", role=Role.ADMIN, name="Ada Admin")
    auth.login("admin@example.com", PASSWORD)
    return user


def token(client) -> str:
    return csrf_from(client.get("/staff/people").data)


def state(user_id: int) -> tuple[str, bool]:
    db.session.expire_all()
    user = db.session.get(User, user_id)
    return user.role.value, user.is_active_account


def audits() -> list[tuple[str, dict]]:
    return [(e.action, e.details) for e in db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id))]


def test_staff_and_customers_cannot_reach_people_and_forged_posts_change_nothing(app, app_ctx, client, auth):
    make_user("staff@example.com", role=Role.STAFF)
    make_user("cust@example.com")
    target = make_user("admin@example.com", role=Role.ADMIN).id
    number = make_order().number
    routes = [(m, p) for m, p in staff_urls(app, number) if p.startswith("/staff/people")]
    assert len(routes) >= 5
    for email in ("staff@example.com", "cust@example.com"):
        auth.login(email, PASSWORD)
        csrf = csrf_from(client.get("/").data)
        for method, path in routes:
            response = client.open(path.replace("/1", f"/{target}"), method=method,
                                   data={"csrf_token": csrf, "role": "admin", "seen": "staff:active", "active": "off",
                                         "name": "Evil", "email": "evil@example.com"})
            assert response.status_code == 403, (email, method, path)
        auth.logout()
    # Staff cannot raise themselves either.
    auth.login("staff@example.com", PASSWORD)
    me = db.session.scalars(sa.select(User.id).where(User.email == "staff@example.com")).one()
    response = client.post(f"/staff/people/{me}/role", data={"csrf_token": csrf_from(client.get("/").data),
                                                              "role": "admin", "seen": "staff:active"})
    assert response.status_code == 403
    assert state(me) == ("staff", True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 3
    assert audits() == []
    assert "People" not in client.get("/staff/").get_data(as_text=True).split("Back office")[1].split("</nav>")[0]


def test_invite_creates_a_staff_account_whose_emailed_link_sets_the_password(admin, client, auth):
    response = client.post("/staff/people/invite", data={"csrf_token": token(client), "name": "Sam Baker",
                                                         "email": "Sam@Example.com", "role": "staff"})
    assert response.status_code == 303
    sam = db.session.scalars(sa.select(User).where(User.email == "sam@example.com")).one()
    assert sam.role == Role.STAFF
    mail = db.session.scalars(sa.select(OutboxMessage)).one()
    assert mail.to_address == "sam@example.com" and mail.subject.startswith("Your back-office account")
    link = re.search(r"/account/reset/([\w-]+)", mail.body_text)
    assert link, "the invitation carries a set-password link"
    assert audits()[0][0] == "people.invite"
    auth.logout()
    # The link sets the password once.
    page = client.get(f"/account/reset/{link.group(1)}")
    assert page.status_code == 200
    done = client.post(f"/account/reset/{link.group(1)}", data={"csrf_token": csrf_from(page.data),
                                                                 "password": "a-long-new-password-1",
                                                                 "confirm": "a-long-new-password-1"})
    assert done.status_code == 303, done.get_data(as_text=True)
    assert client.get("/staff/").status_code == 200  # signed in, as staff
    assert client.get(f"/account/reset/{link.group(1)}").status_code == 404  # once


@pytest.mark.parametrize("data, field, message", [
    ({"name": "", "email": "x@example.com", "role": "staff"}, "name", "Enter their name"),
    ({"name": "X", "email": "not-an-email", "role": "staff"}, "email", "Enter an email address like"),
    ({"name": "X", "email": "admin@example.com", "role": "staff"}, "email", "already exists"),
    ({"name": "X", "email": "x@example.com", "role": "customer"}, "role", "Not a valid choice"),
    ({"name": "X\u202e", "email": "x@example.com", "role": "staff"}, "name", ""),
])
def test_a_bad_invitation_is_refused_beside_the_field_and_nothing_is_written(admin, client, data, field, message):
    response = client.post("/staff/people/invite", data={"csrf_token": token(client), **data})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html and message in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0


def test_raise_to_admin_and_back_is_audited(admin, client):
    sam = make_user("sam@example.com", role=Role.STAFF).id
    csrf = token(client)
    assert client.post(f"/staff/people/{sam}/role", data={"csrf_token": csrf, "role": "admin",
                                                           "seen": "staff:active"}).status_code == 303
    assert state(sam) == ("admin", True)
    client.post(f"/staff/people/{sam}/role", data={"csrf_token": csrf, "role": "staff", "seen": "admin:active"})
    assert state(sam) == ("staff", True)
    assert [(a, d["before"], d["after"]) for a, d in audits()] == [("people.role", "staff", "admin"),
                                                                  ("people.role", "admin", "staff")]


def test_the_last_admin_cannot_be_demoted_or_deactivated(admin, client):
    csrf = token(client)
    response = client.post(f"/staff/people/{admin.id}/role", data={"csrf_token": csrf, "role": "staff",
                                                                    "seen": "admin:active"})
    assert response.status_code == 422 and "at least one active admin" in response.get_data(as_text=True)
    other = make_user("two@example.com", role=Role.ADMIN).id
    client.post(f"/staff/people/{other}/active", data={"csrf_token": csrf, "active": "off", "seen": "admin:active"})
    assert state(other) == ("admin", False)
    # With the other admin deactivated, this one is the last again.
    response = client.post(f"/staff/people/{admin.id}/role", data={"csrf_token": csrf, "role": "customer",
                                                                    "seen": "admin:active"})
    assert response.status_code == 422
    assert state(admin.id) == ("admin", True)


def test_a_stale_form_changes_nothing(admin, client):
    sam = make_user("sam@example.com", role=Role.STAFF).id
    response = client.post(f"/staff/people/{sam}/role", data={"csrf_token": token(client), "role": "admin",
                                                               "seen": "customer:active"})
    assert response.status_code == 422 and "has changed since the page was loaded" in response.get_data(as_text=True)
    assert state(sam) == ("staff", True) and audits() == []


def test_a_deactivated_account_is_signed_out_and_cannot_sign_in(admin, app, client, auth):
    victim = make_user("cust@example.com", name="Casey Customer").id
    other = app.test_client()
    csrf = csrf_from(other.get("/account/login").data)
    other.post("/account/login", data={"csrf_token": csrf, "email": "cust@example.com", "password": PASSWORD})
    assert other.get("/account/").status_code == 200
    response = client.post(f"/staff/people/{victim}/active", data={"csrf_token": token(client), "active": "off",
                                                                    "seen": "customer:active"})
    assert response.status_code == 303
    assert state(victim) == ("customer", False)
    assert other.get("/account/").status_code == 302  # their session is over
    csrf = csrf_from(other.get("/account/login").data)
    refused = other.post("/account/login", data={"csrf_token": csrf, "email": "cust@example.com", "password": PASSWORD})
    assert refused.status_code != 303
    assert audits()[-1] == ("people.deactivate", {"before": True, "after": False})
    client.post(f"/staff/people/{victim}/active", data={"csrf_token": token(client), "active": "on",
                                                         "seen": "customer:inactive"})
    assert state(victim) == ("customer", True)


def test_customers_search_and_an_account_shows_orders_and_bookings(admin, client, count_queries):
    ann = make_user("ann@example.com", name="Ann Oat", phone="0117 555 0101")
    make_user("bob@example.com", name="Bob Rye")
    order = make_order(user_id=ann.id).number
    html = client.get("/staff/people?q=OAT").get_data(as_text=True)
    assert "ann@example.com" in html and "bob@example.com" not in html
    by_phone = client.get("/staff/people?q=555 0101").get_data(as_text=True)
    assert "ann@example.com" in by_phone and "bob@example.com" not in by_phone
    # LIKE's wildcards are typed text, not patterns: "%_" alone matches everyone, never an error.
    assert client.get("/staff/people?q=%25_").status_code == 200
    assert "No customers match “zzz”" in client.get("/staff/people?q=zzz").get_data(as_text=True)
    with count_queries() as few:
        page = client.get(f"/staff/people/{ann.id}").get_data(as_text=True)
    assert order in page and "No bookings." in page
    for _ in range(5):
        make_order(user_id=ann.id)
    with count_queries() as many:
        client.get(f"/staff/people/{ann.id}")
    assert many.count == few.count
    assert client.get("/staff/people/999999").status_code == 404
    assert client.get("/staff/people?q=" + "x" * 200).status_code == 422
