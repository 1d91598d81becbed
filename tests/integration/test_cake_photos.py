"""Reference photo uploads: only real JPEG/PNG/WebP within the limits are kept, re-encoded
without metadata, under a random name outside static/, shown only to their uploader and staff."""
from __future__ import annotations

from io import BytesIO
from pathlib import Path

import pytest
import sqlalchemy as sa
from bs4 import BeautifulSoup
from PIL import Image

from storefront.cakes.models import CakeConfiguration, CakePhoto
from storefront.extensions import db
from storefront.orders.models import Order
from tests.support.builders import PASSWORD, make_user
from tests.support.cakes import CakeClient, cake_shop, frozen_clock
from tests.support.checkout import CheckoutClient

GPS = 0x8825


@pytest.fixture(autouse=True)
def clock():
    with frozen_clock():
        yield


@pytest.fixture
def ids(app_ctx):
    return cake_shop()


def photo_bytes(fmt: str = "JPEG", size=(640, 480), gps: bool = False) -> bytes:
    image = Image.new("RGB", size, (200, 120, 150))
    out = BytesIO()
    if gps:
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"                                  # Make
        exif.get_ifd(GPS).update({1: "N", 2: (51.0, 27.0, 0.0), 3: "W", 4: (2.0, 35.0, 0.0)})
        image.save(out, fmt, exif=exif)
    else:
        image.save(out, fmt)
    return out.getvalue()


def upload(client, ids, content: bytes, filename: str = "cake.jpg"):
    cakes = CakeClient(client)
    data = cakes.form(ids)
    data["shown_total"] = cakes.shown_total(data)
    data["photo"] = (BytesIO(content), filename)
    return client.post("/cakes", data=data, content_type="multipart/form-data")


def photo_error(response) -> str:
    error = BeautifulSoup(response.get_data(as_text=True), "html.parser").select_one("#photo-error")
    return error.get_text(" ", strip=True) if error else ""


def stored_files(app) -> list[Path]:
    folder = Path(app.instance_path) / "cake-photos"
    return sorted(folder.glob("*")) if folder.exists() else []


def test_a_photo_with_gps_is_re_encoded_without_metadata_and_follows_the_cake_to_the_order(app, client, ids):
    before = set(stored_files(app))
    response = upload(client, ids, photo_bytes(gps=True), "holiday.png")
    assert response.status_code == 303
    photo = db.session.scalars(sa.select(CakePhoto)).one()
    (path,) = set(stored_files(app)) - before
    assert path.name == f"{photo.name}.jpg" and "holiday" not in path.name and "static" not in path.parts
    kept = Image.open(path)
    assert kept.format == "JPEG" and kept.size == (640, 480)
    assert not kept.getexif() and "exif" not in kept.info
    placed = CheckoutClient(client).place()  # the page offers the cake's day and its first time
    assert placed.status_code == 303
    assert db.session.scalars(sa.select(CakeConfiguration)).one().photo_id == photo.id
    page = BeautifulSoup(client.get(placed.headers["Location"]).get_data(as_text=True), "html.parser")
    thumbnail = page.select_one("img.cake-photo")
    assert thumbnail["src"] == f"/cakes/photos/{photo.name}"
    served = client.get(thumbnail["src"])
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert "no-store" in served.headers["Cache-Control"]


@pytest.mark.parametrize("content, filename, words", [
    (b"MZ\x90\x00 this is a program, not a photo" * 10, "cake.jpg", "not a photo we can read"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "cake.svg", "not a photo we can read"),
    (None, "bomb.png", "too large in pixels"),
    (None, "big.png", "too large in pixels"),
    (b"\xff\xd8\xff" + b"\0" * (5 * 1024 * 1024), "huge.jpg", "larger than 5 MB"),
    (None, "cake.gif", "not a JPEG, PNG or WebP"),
])
def test_bad_uploads_are_refused_beside_the_field_and_nothing_is_kept(app, client, ids, content, filename, words):
    if filename == "bomb.png":
        content = photo_bytes("PNG", size=(10_000, 10_000))   # ~100 megapixels in a few hundred KB
    if filename == "big.png":
        content = photo_bytes("PNG", size=(6000, 5000))       # 30 megapixels: under Pillow's own limit, over ours
    if filename == "cake.gif":
        content = photo_bytes("GIF")
    before = stored_files(app)
    response = upload(client, ids, content, filename)
    assert response.status_code == 422
    assert words in photo_error(response)
    assert stored_files(app) == before
    assert db.session.scalar(sa.select(sa.func.count(CakePhoto.id))) == 0
    assert "cake-line" not in client.get("/cart").get_data(as_text=True)


def test_a_good_photo_is_not_kept_while_the_rest_of_the_form_is_wrong(app, client, ids):
    cakes = CakeClient(client)
    data = cakes.form(ids, message="x" * 80)
    data["photo"] = (BytesIO(photo_bytes()), "cake.jpg")
    response = client.post("/cakes", data=data, content_type="multipart/form-data")
    assert response.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count(CakePhoto.id))) == 0


def test_another_customers_photo_is_a_404_staff_may_see_it(app, client, ids):
    assert upload(client, ids, photo_bytes()).status_code == 303
    name = db.session.scalar(sa.select(CakePhoto.name))
    other = app.test_client()
    assert other.get(f"/cakes/photos/{name}").status_code == 404
    make_user("other@example.com")
    from tests.support.html import csrf_from
    token = csrf_from(other.get("/account/login").data)
    other.post("/account/login", data={"csrf_token": token, "email": "other@example.com", "password": PASSWORD})
    assert other.get(f"/cakes/photos/{name}").status_code == 404
    assert other.get("/cakes/photos/not-a-photo").status_code == 404
    from storefront.accounts.models import Role
    make_user("baker@example.com", role=Role.STAFF)
    staff = app.test_client()
    token = csrf_from(staff.get("/account/login").data)
    staff.post("/account/login", data={"csrf_token": token, "email": "baker@example.com", "password": PASSWORD})
    assert staff.get(f"/cakes/photos/{name}").status_code == 200
    assert db.session.scalar(sa.select(sa.func.count(Order.id))) == 0


def test_a_guests_photo_follows_the_cart_to_sign_in_and_the_order(app, client, ids):
    make_user("robin@example.com", name="Robin Rye", phone="0117 496 0000")
    assert upload(client, ids, photo_bytes()).status_code == 303
    from tests.support.html import csrf_from
    token = csrf_from(client.get("/account/login").data)
    client.post("/account/login", data={"csrf_token": token, "email": "robin@example.com", "password": PASSWORD})
    placed = CheckoutClient(client).place(email="robin@example.com")
    assert placed.status_code == 303
    photo = db.session.scalars(sa.select(CakePhoto)).one()
    assert db.session.scalars(sa.select(CakeConfiguration)).one().photo_id == photo.id
    assert client.get(f"/cakes/photos/{photo.name}").status_code == 200
    assert app.test_client().get(f"/cakes/photos/{photo.name}").status_code == 404
