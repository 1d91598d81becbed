"""Where a request's time goes: pyinstrument over N in-process requests to one address, on the
benchmark's database and Redis (load it first with `make bench` or benchmarks/dataset.py).

    .venv/bin/python benchmarks/profile.py /menu [N] [--cart K]

`--cart K` puts K products in the visitor's cart first (for /cart and /checkout);
`--new-visitors` sends each request without a cookie, as a first visit (and as `make bench` does
for the shared pages).
"""
from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    from pyinstrument import Profiler

    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("count", nargs="?", type=int, default=200)
    parser.add_argument("--cart", type=int, default=0, help="products put in the cart first")
    parser.add_argument("--new-visitors", action="store_true", help="no cookie: each request a first visit")
    args = parser.parse_args()
    os.environ.update(STOREFRONT_ENV="production", RATELIMIT_ENABLED="false", SECRET_KEY="profile-only-" + "x" * 32,
                      DATABASE_URL=os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/bench"),
                      REDIS_URL=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9"))
    import sqlalchemy as sa

    from storefront import create_app
    from storefront.extensions import db

    app = create_app()
    client = app.test_client()
    if args.cart:
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/menu").get_data(as_text=True)).group(1)
        with app.app_context():
            ids = db.session.scalars(sa.text("SELECT id FROM products WHERE NOT track_stock AND NOT customizable "
                                             "AND is_available AND deleted_at IS NULL ORDER BY id LIMIT :n"),
                                     {"n": args.cart}).all()
        for product_id in ids:
            client.post("/cart/add", data={"csrf_token": token, "product_id": product_id, "quantity": 1})
    client.get(args.path)
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(args.count):
        if args.new_visitors:
            client = app.test_client()
        client.get(args.path, headers={"Accept-Encoding": "br, gzip"})
    profiler.stop()
    print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    main()
