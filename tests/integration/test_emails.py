"""HTML email: every email is a plain-text part with an HTML alternative, both from its template
pair under templates/emails/, in the shop's look (styles inlined, a dark-mode block, no images),
with one button to the page it is about; booking emails carry the .ics. The development
previews (`/dev/emails`, `flask emails preview`) show every one with demo data."""
from __future__ import annotations

import email as email_lib
from datetime import timedelta
from email import policy
from pathlib import Path

from icalendar import Calendar

from storefront.config import production_settings
from storefront.core import outbox
from storefront.demo.emails import SAMPLES, demo, render_samples
from storefront.reservations import emails as booking_emails
from storefront.reservations.models import Reservation, ReservationStatus
from tests.support.html import elements

EMAIL_TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "emails"
SENDER = "Test Bakery <hello@bakery.example>"

# name → (heading, button label and link, or None; whether a calendar file is attached)
EXPECTED = {
    "order_confirmation": ("Order confirmed", ("See your order", "/orders/CK-7Q4M2X?key=demo-token"), False),
    "order_confirmation_pickup": ("Order confirmed",
                                  ("See your order", "/orders/CK-7Q4M2X?key=demo-token"), False),
    "order_cancelled": ("Your order is cancelled", None, False),
    "order_status": ("Your order CK-7Q4M2X is ready to collect.", None, False),
    "password_reset": ("Reset your password", ("Choose a new password", "/account/reset/demo-token"), False),
    "staff_invite": ("Your back-office account", ("Choose your password", "/account/reset/demo-token"), False),
    "booking_confirmed": ("Your table is booked",
                          ("Change or cancel your booking", "/reservations/demo-token"), True),
    "booking_requested": ("We have your request",
                          ("See or cancel your request", "/reservations/demo-token"), False),
    "booking_changed": ("Your booking is changed",
                        ("Change or cancel your booking", "/reservations/demo-token"), True),
    "booking_cancelled": ("Your booking is cancelled", ("Book another table", None), True),
    "booking_request_accepted": ("Your table is booked", None, True),
    "booking_request_declined": ("We cannot seat your party", None, False),
    "waitlist_offer": ("A table is free", ("Book this table", None), False),
    "booking_reminder": ("See you soon", None, False),
    "review_visit_invite": ("How was your visit?", ("Review your visit", "/reviews?invite=demo-token#write-review"), False),
    "review_order_invite": ("How was your order?", ("Review your order", "/reviews?invite=demo-token#write-review"), False),
    "password_changed": ("Your password was changed", None, False),
    "email_changed": ("Your email address was changed", None, False),
    "verify_email": ("Confirm your email address", ("Confirm my email address", "/account/verify/demo-token"), False),
    "account_deleted": ("Your account is deleted", None, False),
}


def parsed(email) -> email_lib.message.EmailMessage:
    """The message as the outbox sends it, read back by a mail parser."""
    message = outbox.build_email(outbox.draft_email(to="robin@example.com", email=email), SENDER)
    return email_lib.message_from_bytes(bytes(message), policy=policy.default)


def one(items, what):
    assert len(items) == 1, f"expected one {what}, found {len(items)}"
    return items[0]


def calendar_of(message) -> Calendar:
    part = one([p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"], "calendar file")
    assert part.get_filename().endswith(".ics") and part.get_param("method") == "PUBLISH"
    return Calendar.from_ical(part.get_payload(decode=True))


def test_every_template_pair_is_complete_and_has_a_demo_sample():
    html = {p.stem for p in EMAIL_TEMPLATES.glob("*.html") if not p.name.startswith("_")}
    text = {p.stem for p in EMAIL_TEMPLATES.glob("*.txt") if not p.name.startswith("_")}
    assert html == text and len(html) == 19
    assert html <= set(SAMPLES) and set(SAMPLES) == set(EXPECTED)


def test_every_email_is_multipart_valid_html_in_the_shops_look(app_ctx, nu_checker):
    public = demo().public_url
    for name, email in render_samples().items():
        heading, button, has_calendar = EXPECTED[name]
        message = parsed(email)
        assert message.get_content_type() == ("multipart/mixed" if has_calendar else "multipart/alternative"), name
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        assert text.strip() == email.text.strip() and "Hello Robin Rye" in text, name
        nu_checker.assert_valid(html, where=name)

        found = elements(html)
        assert one([e for e in found if e.tag == "h1"], "heading").text == heading
        # No images: nothing is lost when a reader blocks them.
        assert not [e for e in found if e.tag == "img"], name
        # The look is inlined: mail programs that drop <style> still show it.
        body = one([e for e in found if e.tag == "body"], "body")
        assert "background-color: #fbf6ef" in body.attrs["style"], name
        assert all("style" in e.attrs for e in found if e.tag in ("h1", "p", "table", "td")), name
        # Only what cannot be inlined stays in a <style> block: the dark theme and small screens.
        style = one([e for e in found if e.tag == "style"], "style block")
        assert "prefers-color-scheme: dark" in style.text and "max-width: 480px" in style.text
        assert {"name": "color-scheme", "content": "light dark"} in [e.attrs for e in found if e.tag == "meta"]

        links = [e for e in found if "button-link" in e.classes]
        if button is None:
            assert not links, name
        else:
            link = one(links, f"button in {name}")
            assert link.text == button[0]
            if button[1]:
                assert link.attrs["href"] == public + button[1], name
            assert link.attrs["href"] in text, name  # the text part offers the same link
        assert bool(list(message.iter_attachments())) == has_calendar, name


def test_the_order_confirmation_shows_the_time_and_the_order_as_a_table(app_ctx):
    found = elements(render_samples()["order_confirmation"].html)
    fact = one([e for e in found if "key-fact" in e.classes], "key fact")
    assert fact.text.startswith("Delivery ") and "at 12:30" in fact.text
    one([e for e in found if e.tag == "table" and "summary" in e.classes], "summary table")
    cells = [e.text.strip() for e in found if e.tag in ("th", "td")]
    for row in (["Sourdough loaf", "1", "£4.50"], ["Cardamom knot", "3", "£9.60"], ["Flat white", "2", "£6.20"]):
        start = cells.index(row[0])
        assert cells[start:start + 3] == row
    for label, amount in (("Subtotal", "£20.30"), ("Discount (WELCOME10)", "−£2.03"), ("Delivery", "£2.50"),
                          ("Total", "£20.77")):
        assert cells[cells.index(label) + 1] == amount

    pickup = elements(render_samples()["order_confirmation_pickup"].html)
    fact = one([e for e in pickup if "key-fact" in e.classes], "key fact")
    assert fact.text.startswith("Ready for pickup ") and "Today, about " in fact.text
    assert "Delivery" not in [e.text for e in pickup if e.tag == "th"]


def test_booking_emails_attach_a_calendar_file_for_the_booking(app_ctx):
    d = demo()
    samples = render_samples()
    for name in ("booking_confirmed", "booking_changed", "booking_request_accepted", "booking_cancelled"):
        calendar = calendar_of(parsed(samples[name]))
        event = one(calendar.walk("VEVENT"), "event")
        assert str(calendar["METHOD"]) == "PUBLISH"
        assert str(event["UID"]) == "reservation-K7M2QX9P@demo.example"
        assert event.decoded("DTSTART") == d.at("19:30")
        assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=90)
        assert str(event["STATUS"]) == ("CANCELLED" if name == "booking_cancelled" else "CONFIRMED"), name
    manage = one(calendar_of(parsed(samples["booking_confirmed"])).walk("VEVENT"), "event")
    assert str(manage["URL"]) == f"{d.public_url}/reservations/demo-token"


def test_a_reminder_for_a_signed_in_diner_links_to_their_booking(app_ctx):
    d = demo()
    reservation = Reservation(reference="K7M2QX9P", status=ReservationStatus.CONFIRMED, party_size=2,
                              starts_at=d.at("19:30"), ends_at=d.at("20:45"), local_date=d.day, name="Robin Rye",
                              email="robin@example.com", special_requests="", user_id=7)
    email = booking_emails.reminder(reservation, d.shop, d.links, timedelta(hours=2))
    link = one([e for e in elements(email.html) if "button-link" in e.classes], "button")
    assert link.attrs["href"] == f"{d.public_url}/reservations/mine/K7M2QX9P"
    assert f"Change or cancel your booking: {d.public_url}/reservations/mine/K7M2QX9P" in email.text


def test_what_a_customer_typed_is_escaped_in_html_and_kept_in_text(app_ctx):
    d = demo()
    reservation = Reservation(reference="K7M2QX9P", status=ReservationStatus.CONFIRMED, party_size=2,
                              starts_at=d.at("19:30"), ends_at=d.at("20:45"), local_date=d.day,
                              name="<b>Robin</b> & Co", email="robin@example.com",
                              special_requests='<a href="https://evil.example">win</a>')
    email = booking_emails.booked(reservation, d.shop, d.links, "demo-token", timedelta(hours=2))
    found = elements(email.html)
    assert not [e for e in found if e.tag == "b"]
    assert [e.attrs["href"] for e in found if e.tag == "a" and "evil" in e.attrs.get("href", "")] == []
    assert "Hello <b>Robin</b> & Co" in email.text and '<a href="https://evil.example">win</a>' in email.text
    assert "&lt;b&gt;Robin&lt;/b&gt; &amp; Co" in email.html


# --- the previews ---------------------------------------------------------------------------

def test_the_dev_page_lists_every_email_and_shows_each_part(client, app_ctx, nu_checker):
    page = client.get("/dev/emails")
    assert page.status_code == 200
    nu_checker.assert_valid(page.data, where="/dev/emails")
    hrefs = {e.attrs.get("href") for e in elements(page.get_data(as_text=True)) if e.tag == "a"}
    for name in SAMPLES:
        assert {f"/dev/emails/{name}.html", f"/dev/emails/{name}.txt", f"/dev/emails/{name}.eml"} <= hrefs

    html = client.get("/dev/emails/booking_confirmed.html")
    assert html.mimetype == "text/html" and b"Your table is booked" in html.data
    # The email's inline styles need their own policy; scripts stay forbidden.
    assert "style-src 'unsafe-inline'" in html.headers["Content-Security-Policy"]
    assert "script-src" not in html.headers["Content-Security-Policy"]
    text = client.get("/dev/emails/booking_confirmed.txt")
    assert text.mimetype == "text/plain" and "Reference: K7M2QX9P" in text.get_data(as_text=True)
    eml = client.get("/dev/emails/booking_confirmed.eml")
    message = email_lib.message_from_bytes(eml.data, policy=policy.default)
    assert message.get_body(("html",)) is not None and calendar_of(message)
    assert client.get("/dev/emails/no_such_email.html").status_code == 404


def test_the_previews_are_off_in_production(make_app):
    assert production_settings()["EMAIL_PREVIEWS"] is False
    quiet = make_app({"EMAIL_PREVIEWS": False})
    assert quiet.test_client().get("/dev/emails").status_code == 404


def test_flask_emails_preview_writes_every_email(app, app_ctx, tmp_path):
    result = app.test_cli_runner().invoke(args=["emails", "preview", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    for name in SAMPLES:
        assert (tmp_path / f"{name}.html").read_text().startswith("<!DOCTYPE html>")
        assert "Hello Robin Rye" in (tmp_path / f"{name}.txt").read_text()
        message = email_lib.message_from_bytes((tmp_path / f"{name}.eml").read_bytes(), policy=policy.default)
        assert message.get_body(("plain",)) is not None and message.get_body(("html",)) is not None
