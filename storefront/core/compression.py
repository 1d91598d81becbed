"""Compressed answers (Flask-Compress): brotli, zstd or gzip, whichever the client prefers, for
HTML, CSS, JavaScript, JSON and SVG over 500 bytes. Flask-Compress adds `Vary: Accept-Encoding`
and keeps ETags apart per encoding."""
from __future__ import annotations

from flask import Flask
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
