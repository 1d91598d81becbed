"""The tests' HTML readers read markup as a browser does: attribute order, quoting and entities
do not matter."""
from __future__ import annotations

import pytest

from tests.support.html import csrf_from, field_errors, form, hidden_value, json_ld, links, page_text, texts

pytestmark = pytest.mark.no_db

PAGE = """<!doctype html><html><head><script type="application/ld+json">{"name": "Bun &amp; jam"}</script></head>
<body data-hx-headers='{"X-CSRFToken": "from-body"}'>
<form id="order" method="post"><input value="t0ken" name="csrf_token" type="hidden">
  <input type=hidden value='a&amp;b' name=key>
  <input name="name" value="Robin">
  <input type="checkbox" name="remember" value="yes" checked><input type="checkbox" name="news">
  <input type="radio" name="when" value="asap"><input type="radio" name="when" value="later" checked>
  <select name="party"><option value="1">1</option><option selected value="2">2</option></select>
  <select name="zone"><option value="BS1">BS1</option></select>
  <textarea name="note">Ring twice</textarea><button name="action" value="place">Place</button>
  <p class="field-error" id="name-error"><span class="visually-hidden">Error: </span>Enter your name</p>
  <p id="email-error" class="field-error">Enter an  email &amp; more</p>
</form>
<a href="/menu?q=a&amp;b=c">Menu</a> <a href="/cart">Cart <span>2 items</span></a></body></html>"""


def test_hidden_fields_in_any_attribute_order_and_quoting():
    assert hidden_value(PAGE, "csrf_token") == "t0ken" and hidden_value(PAGE, "key") == "a&b"
    with pytest.raises(AssertionError, match="no hidden name field"):
        hidden_value(PAGE, "name")


def test_the_csrf_token_comes_from_a_field_or_else_the_body_headers():
    assert csrf_from(PAGE) == "t0ken"
    assert csrf_from(b"<body data-hx-headers='{\"X-CSRFToken\": \"from-body\"}'></body>") == "from-body"


def test_a_form_is_read_as_a_browser_would_send_it():
    assert form(PAGE, "#order") == {"csrf_token": "t0ken", "key": "a&b", "name": "Robin", "remember": "yes",
                                    "when": "later", "party": "2", "zone": "BS1", "note": "Ring twice"}


def test_field_errors_links_and_text():
    assert field_errors(PAGE) == {"name": "Enter your name", "email": "Enter an email & more"}
    assert links(PAGE) == ["/menu?q=a&b=c", "/cart"] and links(PAGE, starting="/cart") == ["/cart"]
    assert texts(PAGE, "a") == ["Menu", "Cart 2 items"]
    assert json_ld(PAGE) == {"name": "Bun &amp; jam"}  # script content is never unescaped
    assert "Enter an email & more" in page_text(PAGE)
