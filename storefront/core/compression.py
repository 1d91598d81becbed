"""Compressed answers (Flask-Compress): brotli, zstd or gzip, whichever the client prefers, for
HTML, CSS, JavaScript, JSON and SVG over 500 bytes. Flask-Compress adds `Vary: Accept-Encoding`
and keeps ETags apart per encoding."""
from __future__ import annotations

from flask import Flask, current_app, request
from flask_compress import Compress

compress = Compress()

MIMETYPES = ["text/html", "text/css", "text/plain", "text/javascript", "application/javascript",
             "application/json", "application/ld+json", "image/svg+xml", "text/calendar"]


def init_compression(app: Flask) -> None:
    app.config.setdefault("COMPRESS_MIMETYPES", MIMETYPES)
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "zstd", "gzip"])
    app.config.setdefault("COMPRESS_MIN_SIZE", 500)
    app.config.setdefault("COMPRESS_BR_LEVEL", 4)
    app.config.setdefault("COMPRESS_LEVEL", 6)
    app.config.setdefault("COMPRESS_STREAMS", False)
    compress.init_app(app)


def compressed_for_request(body: bytes, variants: dict) -> tuple[bytes, str | None]:
    """`body` in the encoding this request prefers (the one Flask-Compress would choose), kept in
    `variants` so an answer that is the same for everyone is compressed once, not per request.
    Uses Flask-Compress's own choice and compressors (pinned version; private helpers)."""
    from flask_compress.flask_compress import _choose_algorithm, _compress_data

    if len(body) < current_app.config["COMPRESS_MIN_SIZE"]:
        return body, None
    algorithm = _choose_algorithm(compress.enabled_algorithms, request.headers.get("Accept-Encoding", ""))
    if algorithm is None:
        return body, None
    if algorithm not in variants:
        variants[algorithm] = _compress_data(current_app, body, algorithm)
    return variants[algorithm], algorithm
