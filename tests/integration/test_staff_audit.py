"""The audit page lists staff actions newest first, filters them, pages through them, and
answers bad filters with a message."""
from __future__ import annotations

import pytest

from storefront.accounts.models import Role
from storefront.core import audit
from storefront.extensions import db
from tests.support.builders import PASSWORD, make_user
from tests.support.html import csrf_from, soup
from tests.support.orders import make_order


@pytest.fixture
def staff(app_ctx, client, auth):
    user = make_user("staff@example.com", name="Sam Staff", role=Role.STAFF)
    auth.login("staff@example.com", PASSWORD)
    return user.id


def test_a_status_change_on_the_board_is_found_in_the_log(client, staff):
    order = make_order()
    token = csrf_from(client.get("/staff/orders").data)
    client.post(f"/staff/orders/{order.number}/move", data={"csrf_token": token, "to": "confirmed", "seen": "placed"})
    client.post("/staff/orders/pause", data={"csrf_token": token, "paused": "on"})
    html = client.get(f"/staff/audit?target_type=order&target_id={order.number}").get_data(as_text=True)
    assert "Sam Staff" in html and "order.status" in html and "placed → confirmed" in html
    assert "orders.pause" not in html.split('id="audit-results"')[1]
    everything = client.get("/staff/audit").get_data(as_text=True).split('id="audit-results"')[1]
    assert everything.index("orders.pause") < everything.index("order.status")  # newest first


def test_filter_by_action_and_day_and_page_through(client, staff):
    for n in range(55):
        audit.record(db.session, actor_id=staff, action="orders.lead_time", target_type="ordering_rules",
                     target_id=1, before=n, after=n + 1)
    audit.record(db.session, actor_id=None, action="orders.pause", target_type="ordering_rules", target_id=1,
                 before=False, after=True)
    db.session.commit()
    first = client.get("/staff/audit?action=orders.lead_time").get_data(as_text=True)
    results = first.split('id="audit-results"')[1]
    assert results.count("<tr>") == 51 and "54 → 55" in results and "orders.pause" not in results
    older = [a["href"] for a in soup(first).find_all("a") if "Older entries" in a.get_text()]
    assert len(older) == 1 and "before=" in older[0]
    rest = client.get(older[0])
    assert rest.get_data(as_text=True).split('id="audit-results"')[1].count("<tr>") == 6
    assert "system" in client.get("/staff/audit?action=orders.pause").get_data(as_text=True)
    assert "No entries match" in client.get("/staff/audit?since=2020-01-01&until=2020-01-02").get_data(as_text=True)


@pytest.mark.parametrize("query", ["since=yesterday", "until=2026-13-01", "before=abc", "target_id=" + "x" * 80])
def test_bad_filters_get_a_message_never_a_500(client, staff, query):
    response = client.get("/staff/audit?" + query)
    assert response.status_code == 422
    assert 'class="field-error"' in response.get_data(as_text=True)
