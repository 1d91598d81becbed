"""Data read on every page (the shop's settings, hours, closures, zones, the catalogue) kept in
each process and shared safely between processes.

Every table has a version in Redis. A cached value names the tables it is built from; a process
keeps what it built under those tables' versions, read once per request (one Redis round trip).
Any committed ORM write — an object added, changed or deleted, or an `UPDATE`/`DELETE`/`INSERT`
sent through the session such as checkout's conditional stock claim — gives each written table
a new version in `after_commit`, so every process rebuilds on its next request. Nobody calls an
invalidation function and no list of cached tables needs keeping: change data through
`db.session` and commit.

Not seen: raw SQL text (`sa.text("UPDATE …")`), `Connection.execute` outside the session, and
writes from outside the app (call `bump(table, …)` after those). When Redis is down nothing is
cached (every read goes to the database), and entries also expire after `LOCAL_TTL` seconds, so
a bump lost with Redis heals by itself.
"""
from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterable
from typing import Any

import sqlalchemy as sa
from flask import current_app, has_app_context, has_request_context, request
from redis.exceptions import RedisError
from sqlalchemy.orm import Session, scoped_session

LOCAL_TTL = 300.0
VERSION_KEY = "cache:version:{}"
_ENVIRON_KEY = "storefront.cache_versions"
_WRITTEN = "storefront.cache_written"


# --- reading -----------------------------------------------------------------------------------

def _store() -> dict:
    return current_app.extensions.setdefault("shared_cache", {})


# Every table this process has been asked about: a request's first read fetches all of them, so
# a page that reads settings, hours, closures and the catalogue makes one round trip, not five.
_KNOWN: dict[str, None] = {}


def versions(tables: Iterable[str]) -> tuple | None:
    """The tables' versions: read once per request (afresh outside one), all missing ones in one
    round trip. A missing key (a new Redis, a flushed database) gets a random version, never one
    used before. None when Redis cannot answer."""
    tables = tuple(tables)
    in_request = has_request_context()
    memo = request.environ.setdefault(_ENVIRON_KEY, {}) if in_request else {}
    missing = [t for t in tables if t not in memo]
    if missing and in_request:
        _KNOWN.update(dict.fromkeys(missing))
        missing = [t for t in _KNOWN if t not in memo]
    if missing:
        redis = current_app.extensions["redis"]
        keys = [VERSION_KEY.format(t) for t in missing]
        try:
            found = redis.mget(keys)
            if None in found:
                pipe = redis.pipeline(transaction=False)
                for key, value in zip(keys, found):
                    if value is None:
                        pipe.set(key, secrets.token_hex(8), nx=True)
                pipe.execute()
                found = redis.mget(keys)
        except RedisError:
            return None
        memo.update(zip(missing, found))
    result = tuple(memo[t] for t in tables)
    return None if None in result else result


def queue_known_versions(pipe) -> Callable[[list], None] | None:
    """Ask for every known table's version inside a pipeline a request sends anyway (the
    session's read), so its first cache read needs no round trip of its own. Returns what to do
    with the pipeline's answer for that command (None: nothing was queued)."""
    if not _KNOWN or not has_request_context():
        return None
    tables = list(_KNOWN)
    pipe.mget([VERSION_KEY.format(t) for t in tables])

    def keep(found: list) -> None:
        memo = request.environ.setdefault(_ENVIRON_KEY, {})
        for table, value in zip(tables, found):
            if value is not None:  # a missing version is made by `versions`, as without this
                memo.setdefault(table, value.decode() if isinstance(value, bytes) else value)

    return keep


def _written_here(session: Session | None, tables: tuple[str, ...]) -> bool:
    """This session has changed one of `tables` and not committed yet: what it reads must be
    its own view, not the shared one."""
    if session is None:
        from ..extensions import db

        session = db.session
    if isinstance(session, scoped_session):
        session = session()
    written = session.info.get(_WRITTEN)
    if written and not written.isdisjoint(tables):
        return True
    if session._is_clean():
        return False
    pending = (*session.new, *session.dirty, *session.deleted)
    return any(table.name in tables for obj in pending for table in sa.inspect(obj).mapper.tables)


def cached(tables: Iterable[str], key: Any, build: Callable[[], Any], session: Session | None = None) -> Any:
    """The value of `build()` for `key`, built at most once per version of `tables` in this
    process. `build` must return plain data or detached copies, never a session's objects.
    `session` (default `db.session`) is the one `build` reads with: while it holds uncommitted
    changes to `tables`, `build()` is answered directly and nothing is kept."""
    if not has_app_context():
        return build()
    tables = tuple(tables)
    if _written_here(session, tables):
        return build()
    version = versions(tables)
    if version is None:
        return build()
    store = _store()
    entry = store.get(key)
    now = time.monotonic()
    if entry is not None and entry[0] == version and entry[1] > now:
        return entry[3]
    value = build()
    store[key] = (version, now + LOCAL_TTL, frozenset(tables), value)
    return value


def cached_rows(tables: Iterable[str], name: str, ids: Iterable[Any],
                load: Callable[[list], dict], session: Session | None = None) -> dict:
    """`cached` for many rows at once: {id: value}, each kept under the versions of `tables`;
    the ids not kept (or kept under older versions) are read with one call of `load(missing)`,
    which returns {id: detached copy} (ids it does not return are simply absent)."""
    ids = list(ids)
    if not has_app_context() or not ids:
        return load(ids) if ids else {}
    tables = tuple(tables)
    version = None if _written_here(session, tables) else versions(tables)
    if version is None:
        return load(ids)
    store, now = _store(), time.monotonic()
    found, missing = {}, []
    for row_id in ids:
        entry = store.get((name, row_id))
        if entry is not None and entry[0] == version and entry[1] > now:
            found[row_id] = entry[3]
        else:
            missing.append(row_id)
    if missing:
        loaded = load(missing)
        for row_id, value in loaded.items():
            store[(name, row_id)] = (version, now + LOCAL_TTL, frozenset(tables), value)
        found.update(loaded)
    return found


# --- invalidation ------------------------------------------------------------------------------

def _mark(session: Session, tables) -> None:
    written = session.info.setdefault(_WRITTEN, set())
    written.update(t.name if isinstance(t, sa.Table) else str(t) for t in tables)


def _before_flush(session: Session, flush_context, instances) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        _mark(session, sa.inspect(obj).mapper.tables)


def _do_orm_execute(state) -> None:
    if state.is_update or state.is_delete or state.is_insert:
        table = getattr(state.statement, "table", None)
        if isinstance(table, sa.Table):
            _mark(state.session, [table])


def _after_commit(session: Session) -> None:
    written = session.info.pop(_WRITTEN, None)
    if written and has_app_context():
        bump(*written)


def _after_soft_rollback(session: Session, previous_transaction) -> None:
    """The whole transaction rolled back: what it wrote never happened. (A savepoint's rollback
    keeps the marks: renewing too much is harmless, too little is not.)"""
    if previous_transaction.parent is None and not previous_transaction.nested:
        session.info.pop(_WRITTEN, None)


def bump(*tables: str) -> None:
    """New versions for `tables`: every process rebuilds what it read from them on its next
    request. Called by `after_commit`; a tool that writes with raw SQL calls it too."""
    try:
        pipe = current_app.extensions["redis"].pipeline(transaction=False)
        for table in tables:
            pipe.set(VERSION_KEY.format(table), secrets.token_hex(8))
        pipe.execute()
    except RedisError:
        current_app.logger.warning("cache: could not renew %s; entries expire within %ss",
                                   ", ".join(sorted(tables)), int(LOCAL_TTL))
    if has_request_context():
        memo = request.environ.get(_ENVIRON_KEY, {})
        for table in tables:
            memo.pop(table, None)
    # This process's own entries go at once, even when Redis could not be told.
    store, changed = _store(), set(tables)
    for key in [k for k, entry in store.items() if entry[2] & changed]:
        store.pop(key, None)


_LISTENING = False


def init_cache() -> None:
    """Listen to every ORM session, once per process (the events are class-wide)."""
    global _LISTENING
    if not _LISTENING:
        sa.event.listen(Session, "before_flush", _before_flush)
        sa.event.listen(Session, "do_orm_execute", _do_orm_execute)
        sa.event.listen(Session, "after_commit", _after_commit)
        sa.event.listen(Session, "after_soft_rollback", _after_soft_rollback)
        _LISTENING = True
