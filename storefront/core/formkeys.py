"""One-time form keys: the idempotency key a checkout, booking or request form carries, so a
double submit places one order or books one table and a replay finds the first result.

A key is only ever issued by the server into a page (never read from the address), and it is
bound to the browser session it was issued to: a random part plus an HMAC of it under a secret
kept in that session. `is_mine` refuses a key another session was given, so a key seen on
someone else's screen, in a log or planted through a link finds nothing and reveals nothing.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets

from flask import session

SECRET_KEY = "form_key_secret"
_RANDOM_HEX = 16  # 64 random bits, then 64 bits of HMAC: 32 hex characters in all


def _secret() -> str:
    secret = session.get(SECRET_KEY)
    if not isinstance(secret, str):
        secret = secrets.token_hex(16)
        session[SECRET_KEY] = secret
    return secret


def _mac(secret: str, random_part: str) -> str:
    return hmac.new(secret.encode(), random_part.encode(), hashlib.sha256).hexdigest()[:_RANDOM_HEX]


def issue() -> str:
    """A new key for a form about to be shown to this session."""
    random_part = secrets.token_hex(_RANDOM_HEX // 2)
    return random_part + _mac(_secret(), random_part)


def is_mine(key: str | None) -> bool:
    """Whether this session was given `key`."""
    secret = session.get(SECRET_KEY)
    if not isinstance(key, str) or len(key) != 2 * _RANDOM_HEX or not isinstance(secret, str):
        return False
    random_part, mac = key[:_RANDOM_HEX], key[_RANDOM_HEX:]
    return hmac.compare_digest(mac, _mac(secret, random_part))


EXPIRED = "This form has expired. Please check the details and send it again."


def claim(form, message: str = EXPIRED) -> bool:
    """True when the posted form's key was issued to this session. Otherwise the form gets a
    fresh key and `message` at the top, so the visitor can check it and send it again."""
    if is_mine(form.key.data):
        return True
    form.key.data = issue()
    form.form_errors.append(message)
    return False
