"""Requests per second and p50/p99 latency for the menu pages under gunicorn on PostgreSQL with a
300-product catalogue. Prints figures; asserts nothing.

    .venv/bin/python benchmarks/menu_load.py [--requests 600] [--concurrency 8] [--workers 2]

It creates (and afterwards drops) the PostgreSQL database `storefront_bench` on the server in
BENCH_PG_URL (default postgresql://postgres@127.0.0.1:5432/postgres) and uses Redis database 14
at BENCH_REDIS_URL (default redis://127.0.0.1:6379/14). Traffic goes to 127.0.0.1 only, and every
loop is bounded by a request count and a deadline. On a 2-core machine the load generator shares
the CPU with the server: compare routes within one run (/healthz is the ceiling), not across runs.
"""
from __future__ import annotations

import argparse
import http.client
import os
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ROUTES = {
    "/healthz (ceiling)": "/healthz",
    "/menu": "/menu",
    "/menu?q=chocolate (search)": "/menu?q=chocolate",
    "/menu?diet=vegan&sort=price-asc": "/menu?diet=vegan&sort=price-asc",
    "/menu/<slug> (product)": "/menu/bench-item-150",
    "/ (home)": "/",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare_database(admin_url: str) -> str:
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text("DROP DATABASE IF EXISTS storefront_bench WITH (FORCE)"))
        conn.execute(sa.text("CREATE DATABASE storefront_bench"))
    admin.dispose()
    return sa.engine.make_url(admin_url).set(database="storefront_bench").render_as_string(hide_password=False)


def load_catalogue(env: dict) -> None:
    flask = [str(ROOT / ".venv" / "bin" / "flask"), "--app", "app"]
    subprocess.run(flask + ["db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True)
    subprocess.run(flask + ["seed-demo"], env=env, cwd=ROOT, check=True, capture_output=True)
    # Top the demo catalogue up to 300 products.
    from storefront.config import database_url

    engine = sa.create_engine(database_url(env["DATABASE_URL"]))
    with engine.begin() as conn:
        existing = conn.scalar(sa.text("SELECT count(*) FROM products"))
        category_ids = conn.scalars(sa.text("SELECT id FROM categories ORDER BY id")).all()
        rows = [{"category_id": category_ids[i % len(category_ids)], "name": f"Bench item {i} chocolate bake",
                 "slug": f"bench-item-{i}", "description": "A bench-marking bake with a long enough description.",
                 "price": Decimal("2.50") + i % 7, "image_path": "img/products/butter-croissant.svg",
                 "image_alt": "A croissant", "position": i, "is_featured": i % 9 == 0}
                for i in range(300 - existing)]
        conn.execute(sa.text(
            "INSERT INTO products (category_id, name, slug, description, price, image_path, image_alt, track_stock,"
            " stock_quantity, is_available, is_featured, position, created_at, updated_at) VALUES (:category_id,"
            " :name, :slug, :description, :price, :image_path, :image_alt, false, 0, true, :is_featured, :position,"
            " now(), now())"), rows)
        conn.execute(sa.text("INSERT INTO product_diets (product_id, diet) SELECT id, 'vegan' FROM products"
                             " WHERE id % 3 = 0 ON CONFLICT DO NOTHING"))
        print(f"catalogue: {conn.scalar(sa.text('SELECT count(*) FROM products'))} products")
    engine.dispose()


def wait_for(port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("gunicorn did not answer in time")


def hammer(port: int, path: str, requests: int, concurrency: int, deadline_s: float) -> dict:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    remaining = [requests]
    stop_at = time.monotonic() + deadline_s

    def worker():
        nonlocal errors
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.monotonic() < stop_at:
            with lock:
                if remaining[0] <= 0:
                    break
                remaining[0] -= 1
            start = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except OSError:
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            elapsed = time.perf_counter() - start
            with lock:
                latencies.append(elapsed)
                errors += 0 if ok else 1
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    began = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - began
    latencies.sort()
    q = statistics.quantiles(latencies, n=100) if len(latencies) >= 2 else [latencies[0]] * 99
    return {"n": len(latencies), "rps": len(latencies) / wall, "p50": q[49] * 1000, "p99": q[98] * 1000,
            "errors": errors}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    admin_url = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    db_url = prepare_database(admin_url.replace("postgresql://", "postgresql+psycopg://", 1))
    env = {**os.environ, "STOREFRONT_ENV": "production", "SECRET_KEY": secrets.token_hex(32),
           "DATABASE_URL": db_url, "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14"),
           "LOG_LEVEL": "WARNING"}
    load_catalogue(env)
    port = free_port()
    server = subprocess.Popen([str(ROOT / ".venv" / "bin" / "gunicorn"), "--workers", str(args.workers),
                               "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "app:app"],
                              env=env, cwd=ROOT)
    try:
        wait_for(port, time.monotonic() + 30)
        print(f"gunicorn: {args.workers} workers; load: {args.requests} requests per route, "
              f"{args.concurrency} concurrent connections")
        print(f"{'route':<36} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
        for label, path in ROUTES.items():
            hammer(port, path, min(50, args.requests), args.concurrency, 30)  # warm up
            r = hammer(port, path, args.requests, args.concurrency, 120)
            print(f"{label:<36} {r['rps']:>8.0f} {r['p50']:>8.1f} {r['p99']:>8.1f} {r['errors']:>7}")
    finally:
        server.terminate()
        server.wait(timeout=20)
        admin = sa.create_engine(admin_url.replace("postgresql://", "postgresql+psycopg://", 1),
                                 isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text("DROP DATABASE IF EXISTS storefront_bench WITH (FORCE)"))
        admin.dispose()


if __name__ == "__main__":
    main()
