"""Server-side sessions in Redis (Flask-Session): the cookie holds only a random id, so signing
out, a password change or "sign out everywhere" ends a session by deleting it, and a captured
cookie opens nothing afterwards.

Every session lives at most PERMANENT_SESSION_LIFETIME (30 days) after its last request: the
stored copy's expiry is renewed by a request that finds it more than REFRESH_SLACK older than
that (read with the session, in the same round trip), so an unchanged session is not written back
on every request. That round trip also fetches the shared cache's table versions (`core.cache`).
A signed-in user's session ids are listed in a Redis set, so all of them can be deleted at once. When Redis is not answering, a request gets a fresh empty
session that is not stored (the visitor is treated as signed out), never a 500.
"""
from __future__ import annotations

import logging
from datetime import timedelta

import redis as redis_lib
from flask import Flask, current_app, g, request, session
from flask_session.redis import RedisSessionInterface

from .cache import queue_known_versions

log = logging.getLogger(__name__)

KEY_PREFIX = "session:"
# How stale the stored copy's expiry may get before an unchanged session is written back.
REFRESH_SLACK = timedelta(hours=1)


def _user_key(user_id: int) -> str:
    return f"user-sessions:{user_id}"


class ResilientRedisSessionInterface(RedisSessionInterface):
    """Flask-Session's Redis store, with a Redis outage answered as "no session" instead of an
    error page on every request."""

    def _retrieve_session_data(self, store_id: str):
        try:
            with self.client.pipeline(transaction=False) as pipe:
                pipe.get(store_id)
                pipe.ttl(store_id)
                keep_versions = queue_known_versions(pipe)
                data, g.session_ttl, *versions = pipe.execute()
            if keep_versions is not None:
                keep_versions(versions[0])
        except redis_lib.RedisError as exc:
            log.warning("session not loaded (Redis unavailable): %s", exc)
            g.session_store_down = True
            return None
        return self.serializer.decode(data) if data else None

    def should_set_storage(self, app: Flask, session) -> bool:
        """A changed session is always stored; an unchanged one only when its stored expiry has
        fallen REFRESH_SLACK behind a full lifetime (the cookie of a permanent session is renewed
        with it)."""
        if session.modified:
            return True
        if not app.config["SESSION_REFRESH_EACH_REQUEST"]:
            return False
        left = g.get("session_ttl")
        return not isinstance(left, int) or left < (app.permanent_session_lifetime - REFRESH_SLACK).total_seconds()

    def _upsert_session(self, session_lifetime, session, store_id: str) -> None:
        try:
            super()._upsert_session(session_lifetime, session, store_id)
        except redis_lib.RedisError as exc:
            log.warning("session not saved (Redis unavailable): %s", exc)

    def _delete_session(self, store_id: str) -> None:
        try:
            super()._delete_session(store_id)
        except redis_lib.RedisError as exc:
            log.warning("session not deleted (Redis unavailable): %s", exc)


def init_sessions(app: Flask) -> None:
    # Flask-Session stores msgpack bytes: its client must not decode answers as text.
    app.session_interface = ResilientRedisSessionInterface(
        app, client=app.extensions["redis_bytes"], key_prefix=KEY_PREFIX, permanent=False, sid_length=32,
        serialization_format="msgpack")


def store_down() -> bool:
    """Whether this request's session could not be read (so what it points to, such as a guest's
    cart, is unknown rather than empty)."""
    return g.get("session_store_down", False)


def may_be_signed_in() -> bool:
    """Whether this request can have a signed-in user at all (Flask-Login keeps the user's id in
    the session, or restores it from its remember cookie): most visitors are then known to be
    anonymous without loading anyone."""
    return "_user_id" in session or current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies


def _interface() -> ResilientRedisSessionInterface:
    return current_app.session_interface


def renew() -> None:
    """A new id for this session (at sign-in), so an id planted or seen before is worth nothing;
    the old stored copy is deleted."""
    if getattr(session, "sid", None) is not None:
        _interface().regenerate(session)


def track(user_id: int) -> None:
    """Remember that this session belongs to the user, for `end_all`."""
    client = _interface().client
    try:
        client.sadd(_user_key(user_id), session.sid)
        client.expire(_user_key(user_id), int(current_app.permanent_session_lifetime.total_seconds()))
    except redis_lib.RedisError as exc:
        log.warning("session not listed for its user (Redis unavailable): %s", exc)


def end_all(user_id: int) -> None:
    """Delete every stored session of the user (this one too). Sessions not listed (Redis lost
    the list) are still refused: the user's session nonce changes with it, see accounts.auth."""
    interface = _interface()
    try:
        sids = interface.client.smembers(_user_key(user_id))
        keys = [KEY_PREFIX + sid.decode() for sid in sids]
        interface.client.delete(*keys, _user_key(user_id))
    except redis_lib.RedisError as exc:
        log.warning("sessions not deleted (Redis unavailable): %s", exc)
