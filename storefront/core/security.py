"""Security helpers: response headers, safe redirects, one-time tokens, password hashing."""
from __future__ import annotations

import hashlib
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, Response, current_app, request, session

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'self'; "
       "object-src 'none'; frame-ancestors 'none'")


_SECURITY_HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "strict-origin-when-cross-origin"),
    ("X-Frame-Options", "DENY"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
)
_HSTS = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")


def set_security_headers(response: Response) -> Response:
    """Every answer's security headers, unless the view set its own (one pass over the headers:
    werkzeug's `setdefault` scans them once per name)."""
    headers = response.headers
    present = {name.lower() for name in headers.keys()}
    wanted = (*_SECURITY_HEADERS, _HSTS) if current_app.config.get("HSTS") else _SECURITY_HEADERS
    for name, value in wanted:
        if name.lower() not in present:
            headers.add(name, value)
    return response


# Names under which an address carries a bearer secret: a manage token, an order's key.
SECRET_PARAMETERS = frozenset({"token", "key"})
PRIVATE = "private, no-store"


def is_private_answer() -> bool:
    """An answer depends on who asks when the request read the session (the signed-in customer,
    the cart, a CSRF token bound to the session) or its address carries a secret."""
    if request.endpoint == "static":
        return False
    return (session.accessed or bool(SECRET_PARAMETERS & set(request.view_args or ()))
            or bool(SECRET_PARAMETERS & set(request.args)))


# Static files are addressed with a digest of their content (`static_url_versions`), so a
# browser may keep them for a year and a changed file gets a new address.
STATIC_FOREVER = "public, max-age=31536000, immutable"
STATIC_UNVERSIONED = "public, max-age=300"
# A page that is the same for everyone: stored, but checked each time (ETag, 304).
SHARED = "public, no-cache"


def set_cache_policy(response: Response) -> Response:
    """Personal answers (they read the session: who is signed in, the cart, a CSRF token) and
    answers whose address carries a secret are never stored by a browser or a shared cache (a
    library computer's back button, a proxy). Static files are kept long. A GET answer that is
    the same for everyone gets an ETag and answers a matching If-None-Match with 304. Decided
    here for every route, so a new page is covered too."""
    if request.endpoint == "static":
        response.headers["Cache-Control"] = STATIC_FOREVER if request.args.get("v") else STATIC_UNVERSIONED
        return response
    if is_private_answer():
        response.headers["Cache-Control"] = PRIVATE
        return response
    if (request.method in ("GET", "HEAD") and response.status_code == 200 and not response.is_streamed
            and "Cache-Control" not in response.headers and "Set-Cookie" not in response.headers):
        response.headers["Cache-Control"] = SHARED
        response.add_etag()
        response.make_conditional(request)
    return response


def static_url_versions(app: Flask) -> None:
    """`url_for("static", filename=…)` adds `v=<digest of the file>`: a changed file gets a new
    address, so its far-future cache header is safe."""
    digests: dict[str, tuple[float, str]] = {}

    @app.url_defaults
    def add_version(endpoint: str, values: dict) -> None:
        if endpoint != "static" or "v" in values or not values.get("filename"):
            return
        known = digests.get(values["filename"])
        if known is not None and not app.debug:  # files change under a running server only in development
            values["v"] = known[1]
            return
        path = Path(app.static_folder, values["filename"])
        try:
            mtime = path.stat().st_mtime
        except OSError:
            return
        if known is None or known[0] != mtime:
            known = (mtime, hashlib.sha256(path.read_bytes()).hexdigest()[:12])
            digests[values["filename"]] = known
        values["v"] = known[1]


def init_security(app: Flask) -> None:
    app.after_request(set_security_headers)
    app.after_request(set_cache_policy)
    static_url_versions(app)


def safe_next(target: str | None) -> str | None:
    """Return `target` when it is a path on this site, else None. Refuses absolute and
    scheme-relative URLs (`//evil.example`), backslash tricks and control characters."""
    if not target or len(target) > 2000:
        return None
    if any(ord(ch) < 32 for ch in target) or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def new_token() -> str:
    """A random URL-safe token with 256 bits of entropy."""
    return secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """What we store for a token: its SHA-256. The token is random, so no salt or stretching is
    needed, and lookup by digest stays an index scan."""
    return hashlib.sha256(token.encode()).hexdigest()


def _hasher() -> PasswordHasher:
    config = current_app.config
    return PasswordHasher(time_cost=config["PASSWORD_HASH_TIME_COST"],
                          memory_cost=config["PASSWORD_HASH_MEMORY_COST"], parallelism=1)


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def password_needs_rehash(stored_hash: str) -> bool:
    return _hasher().check_needs_rehash(stored_hash)


# A real argon2id hash of a random password, verified against when an email is unknown so that a
# login attempt takes the same time whether or not the account exists.
_DUMMY = {}


def burn_password_check(password: str) -> None:
    key = (current_app.config["PASSWORD_HASH_TIME_COST"], current_app.config["PASSWORD_HASH_MEMORY_COST"])
    if key not in _DUMMY:
        _DUMMY[key] = hash_password(new_token())
    verify_password(_DUMMY[key], password)
