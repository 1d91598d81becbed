"""The back office's upkeep screens in tests: a signed-in staff client, form posts with the
page's own CSRF token, and images made in memory."""
from __future__ import annotations

from io import BytesIO

from PIL import Image

from storefront.accounts.models import Role
from tests.support.builders import PASSWORD, make_user
from tests.support.html import csrf_from

STAFF_EMAIL = "keeper@example.com"


def staff_client(app, name: str = "Kim Keeper"):
    """A test client signed in as a staff member; returns (client, user id)."""
    with app.app_context():
        user_id = make_user(STAFF_EMAIL, name=name, role=Role.STAFF).id
    client = app.test_client()
    token = csrf_from(client.get("/account/login").data)
    answer = client.post("/account/login", data={"csrf_token": token, "email": STAFF_EMAIL, "password": PASSWORD})
    assert answer.status_code == 303
    return client, user_id


def post_form(client, url: str, data: dict, **kwargs):
    """GET the page, then POST `data` to it with the page's CSRF token."""
    token = csrf_from(client.get(url).data)
    return client.post(url, data={"csrf_token": token, **data}, **kwargs)


def image_bytes(size=(1200, 900), fmt: str = "JPEG", colour=(200, 120, 60)) -> BytesIO:
    buffer = BytesIO()
    Image.new("RGB", size, colour).save(buffer, fmt)
    buffer.seek(0)
    return buffer


def product_data(category_id: int, /, **overrides) -> dict:
    data = {"name": "Cardamom knot", "slug": "cardamom-knot", "description": "Soft, spiced, twisted.",
            "price": "3.40", "category_id": str(category_id), "image_alt": "A glazed cardamom knot",
            "stock_quantity": "0", "is_available": "y", "position": "0", "diets": ["vegetarian"],
            "allergens": ["gluten", "milk"]}
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def promo_data(**overrides) -> dict:
    data = {"code": "spring15", "description": "Spring", "kind": "percent", "value": "15", "min_subtotal": "",
            "max_discount": "", "starts_at": "", "ends_at": "", "usage_limit": "", "per_customer_limit": "",
            "order_type": "any", "is_active": "y"}
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}
