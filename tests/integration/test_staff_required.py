"""`staff_required` guards the back office: guests are sent to sign in, customers get the
friendly 403 page, staff and admins get through."""
from __future__ import annotations

import pytest

from storefront.accounts.auth import staff_required
from storefront.accounts.models import Role
from storefront.extensions import db
from tests.conftest import Auth, FormClient
from tests.support.builders import PASSWORD, make_user


@pytest.fixture
def guarded_client(make_app):
    app = make_app()
    app.add_url_rule("/staff-only", "staff_only", staff_required(lambda: "the order board"))
    with app.app_context():
        for email, role in (("cust@example.com", Role.CUSTOMER), ("staff@example.com", Role.STAFF),
                            ("admin@example.com", Role.ADMIN)):
            make_user(email, role=role)
        db.session.remove()
    return app.test_client()


def test_a_guest_is_sent_to_sign_in_and_back(guarded_client):
    response = guarded_client.get("/staff-only")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/account/login?next=")
    assert "staff-only" in response.headers["Location"]


def test_a_customer_gets_the_friendly_403_page(guarded_client):
    Auth(FormClient(guarded_client)).login("cust@example.com", PASSWORD)
    response = guarded_client.get("/staff-only")
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert "see this page" in page and "the order board" not in page


@pytest.mark.parametrize("email", ["staff@example.com", "admin@example.com"])
def test_staff_and_admins_get_through(guarded_client, email):
    Auth(FormClient(guarded_client)).login(email, PASSWORD)
    response = guarded_client.get("/staff-only")
    assert response.status_code == 200 and response.get_data(as_text=True) == "the order board"
