"""`GET /healthz`: is the database answering, is Redis answering."""
from __future__ import annotations

import logging

import redis as redis_lib
import sqlalchemy as sa
from flask import Blueprint, jsonify
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db, limiter, redis

log = logging.getLogger(__name__)

bp = Blueprint("health", __name__)


def database_ok() -> bool:
    try:
        db.session.execute(sa.text("SELECT 1"))
        return True
    except SQLAlchemyError as exc:
        db.session.rollback()
        log.warning("health: database not answering: %s", exc)
        return False


def redis_ok() -> bool:
    try:
        return bool(redis.ping())
    except redis_lib.RedisError as exc:
        log.warning("health: redis not answering: %s", exc)
        return False


@bp.get("/healthz")
@limiter.exempt
def healthz():
    checks = {"database": "ok" if database_ok() else "error", "redis": "ok" if redis_ok() else "error"}
    healthy = all(v == "ok" for v in checks.values())
    response = jsonify(status="ok" if healthy else "error", **checks)
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response
