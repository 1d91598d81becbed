"""`make bench`: the shop under load next to its two ceilings, with a PASS/FAIL per budget.

1. Loads `benchmarks/dataset.py` into PostgreSQL (BENCH_DATABASE_URL, default the `bench`
   database on 127.0.0.1:5432, created when missing and emptied first) and empties Redis
   (BENCH_REDIS_URL, default db 9).
2. Starts three gunicorn servers on 127.0.0.1 (2 sync workers each): the shop with production
   settings and a real Redis, the bare `hello` app and the minimal page app (`benchmarks/`).
3. Drives each endpoint with wrk (threads × connections for --duration seconds, in --rounds
   alternating rounds whose medians are reported; Lua scripts carry the session cookie, CSRF
   token and htmx headers of visitors prepared beforehand).
4. Prints per endpoint: req/s, p50/p95/p99, errors, share of the ceilings, HTML bytes raw and
   compressed, SQL statements per request (counted in-process on the same database), and the
   budgets; then checks the database after place-order (nothing oversold, no order lost) and
   the peak resident memory of each worker.

Traffic goes to 127.0.0.1 only; every run is bounded by --duration. Never part of the tests.
On a shared 2-core machine wrk and the servers share the CPU: compare rows within one run.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.parse
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent

DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/bench")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
SECRET = "benchmark-only-secret-key-not-for-production-use"


# --- budgets -----------------------------------------------------------------------------------

PAGE_SHARE_OF_MINIMAL = 0.70
FRAGMENT_SHARE_OF_HELLO = 0.40
P99_PAGE_MS, P99_ORDER_MS = 100, 250
STATEMENTS = {"menu": 3, "search": 3, "filtered menu": 3, "product": 4, "cart": 2, "availability": 4}
PAGE_BYTES, FRAGMENT_BYTES = 60 * 1024, 8 * 1024
RSS_MB = 200


@dataclass
class Endpoint:
    name: str
    kind: str  # "page", "fragment", "order", "ceiling"
    server: str  # "shop", "hello", "minimal"
    method: str = "GET"
    path: str = "/"
    body: str = ""
    headers: dict = field(default_factory=dict)
    sessions: list = field(default_factory=list)  # [(cookie, body)] rotated by the Lua script
    result: dict = field(default_factory=dict)
    statements: int | None = None
    raw_bytes: int | None = None
    wire_bytes: int | None = None
    encoding: str = ""


# --- processes ---------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(target: str, env: dict, workers: int) -> tuple[subprocess.Popen, int]:
    port = free_port()
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}", "--log-level", "warning",
         "--backlog", "2048", target],
        cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn {target} exited: {process.stderr.read()[-2000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz" if target.startswith("app") else "/")
            if conn.getresponse().status < 500:
                return process, port
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn {target} did not start")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(p) for p in children.read_text().split()] if children.exists() else []


def peak_rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


# --- a visitor (cookies by hand: production cookies are Secure, the bench speaks plain HTTP) -----

class Visitor:
    def __init__(self, port: int):
        self.port, self.cookies = port, {}

    @property
    def cookie(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def request(self, method: str, path: str, body: str = "", headers: dict | None = None,
                accept_encoding: str = "identity") -> tuple[int, bytes, dict]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        sent = {"Cookie": self.cookie, "Accept-Encoding": accept_encoding, **(headers or {})}
        if body:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body.encode() if body else None, headers=sent)
        response = conn.getresponse()
        data = response.read()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                pair = value.split(";", 1)[0]
                key, _, val = pair.partition("=")
                self.cookies[key.strip()] = val.strip()
        conn.close()
        return response.status, data, {k.lower(): v for k, v in response.getheaders()}

    def get(self, path: str, **kw) -> str:
        return self.request("GET", path, **kw)[1].decode()

    def post(self, path: str, data: dict, headers: dict | None = None) -> tuple[int, str, dict]:
        status, body, h = self.request("POST", path, urllib.parse.urlencode(data, doseq=True), headers)
        return status, body.decode(), h


def csrf(html: str) -> str:
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or \
        re.search(r'value="([^"]+)"[^>]*name="csrf_token"', html) or re.search(r'X-CSRFToken&#34;: &#34;([^&]+)', html)
    if not found:
        raise SystemExit("no CSRF token on the page")
    return found.group(1)


def form_fields(html: str, form_selector: str) -> list[tuple[str, str]]:
    """The values a browser would send for the form (inputs, selected options, checked boxes)."""
    from bs4 import BeautifulSoup

    form = BeautifulSoup(html, "html.parser").select_one(form_selector)
    if form is None:
        raise SystemExit(f"no {form_selector} on the page")
    values = []
    for element in form.select("input, select, textarea"):
        name = element.get("name")
        if not name or element.get("disabled") is not None:
            continue
        if element.name == "select":
            chosen = element.select_one("option[selected]") or element.select_one("option")
            if chosen is not None:
                values.append((name, chosen.get("value", chosen.text)))
        elif element.name == "textarea":
            values.append((name, element.text))
        elif element.get("type") in ("checkbox", "radio"):
            if element.get("checked") is not None:
                values.append((name, element.get("value", "on")))
        elif element.get("type") not in ("submit", "button", "file"):
            values.append((name, element.get("value", "")))
    return values


def htmx_get_path(html: str, element_selector: str, form_selector: str) -> str:
    """The address htmx 2 asks for from an element with `hx-get`, `hx-include="closest form"`
    and `hx-params` (a list of names): the form's values, only those names in that order, each
    encoded as `encodeURIComponent` does."""
    from bs4 import BeautifulSoup

    element = BeautifulSoup(html, "html.parser").select_one(element_selector)
    if element is None or not element.get("data-hx-get"):
        raise SystemExit(f"no {element_selector} with data-hx-get on the page")
    values = form_fields(html, form_selector)
    wanted = [name.strip() for name in element["data-hx-params"].split(",")]
    pairs = [(name, value) for name in wanted for n, value in values if n == name]
    return element["data-hx-get"] + "?" + urllib.parse.urlencode(pairs, quote_via=urllib.parse.quote, safe="!~*'()")


# --- wrk ---------------------------------------------------------------------------------------

LUA = textwrap.dedent("""
    local sessions = {%(sessions)s}
    local method, path, base_headers = "%(method)s", "%(path)s", {%(headers)s}
    local counter = 0
    local statuses = {}
    function setup(thread) thread:set("offset", %(offset_expr)s) end
    function request()
      counter = counter + 1
      local headers = {}
      for k, v in pairs(base_headers) do headers[k] = v end
      local body = nil
      if #sessions > 0 then
        local i = %(pick)s
        local s = sessions[i]
        headers["Cookie"] = s[1]
        if s[2] ~= "" then body = s[2] end
      end
      if body then headers["Content-Type"] = "application/x-www-form-urlencoded" end
      return wrk.format(method, path, headers, body)
    end
    function done(summary, latency, requests)
      local e = summary.errors
      io.write(string.format('WRKJSON {"requests": %%d, "duration_us": %%d, "connect": %%d, "read": %%d, "write": %%d, "status": %%d, "timeout": %%d, "p50": %%d, "p95": %%d, "p99": %%d}\\n',
        summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
        latency:percentile(50), latency:percentile(95), latency:percentile(99)))
    end
""")


def lua_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def wrk(endpoint: Endpoint, port: int, args, workdir: Path, once: bool = False) -> dict:
    sessions = ", ".join("{%s, %s}" % (lua_string(c), lua_string(b)) for c, b in endpoint.sessions)
    headers = ", ".join(f"[{lua_string(k)}] = {lua_string(v)}" for k, v in endpoint.headers.items())
    if once:
        # Each prepared visitor is used once, in its thread's slice (place-order: one order each).
        pick = "math.min(offset + counter - 1, offset + per_thread)"
        per = max(1, len(endpoint.sessions) // args.threads)
        script = LUA.replace("local counter = 0", f"local counter = 0\nper_thread = {per - 1}")
        # A thread whose visitors are all used stops, rather than sending the last one again and
        # again (replays of one visitor on many connections at once measure nothing useful).
        script += "function response(status, headers, body) if counter > per_thread then wrk.thread:stop() end end\n"
        offset_expr = f"(tid_next() - 1) * {per} + 1"
        script = "local tid = 0\nfunction tid_next() tid = tid + 1 return tid end\n" + script
    else:
        pick = "((counter - 1) % #sessions) + 1"
        offset_expr = "0"
        script = LUA
    script = script % dict(sessions=sessions, method=endpoint.method, path=endpoint.path, headers=headers,
                           pick=pick, offset_expr=offset_expr)
    lua = workdir / f"{re.sub(r'[^a-z]+', '-', endpoint.name)}.lua"
    lua.write_text(script)
    duration = args.order_duration if once else args.duration
    out = subprocess.run(["wrk", "-t", str(args.threads), "-c", str(args.connections), "-d", f"{duration}s",
                          "--timeout", "10s", "-s", str(lua), f"http://127.0.0.1:{port}"],
                         capture_output=True, text=True, timeout=duration + 60)
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("WRKJSON ")), None)
    if line is None:
        raise SystemExit(f"wrk gave no result for {endpoint.name}:\n{out.stdout}\n{out.stderr}")
    data = json.loads(line[len("WRKJSON "):])
    data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
    data["errors"] = sum(data[k] for k in ("connect", "read", "write", "status", "timeout"))
    return data


def median_result(rounds: list[dict]) -> dict:
    """Each figure's median over the rounds; errors are added up (one is one too many)."""
    merged = {key: statistics.median(r[key] for r in rounds) for key in ("rps", "p50", "p95", "p99")}
    merged["errors"] = sum(r["errors"] for r in rounds)
    merged["requests"] = sum(r["requests"] for r in rounds)
    merged["status"] = sum(r["status"] for r in rounds)
    return merged


# --- preparing visitors ------------------------------------------------------------------------

def prepare(shop_port: int, args) -> tuple[list[Endpoint], dict]:
    """Every endpoint with what its requests need, and facts for the database checks."""
    import sqlalchemy as sa

    engine = sa.create_engine(DATABASE_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        stocked_id, stock_before = conn.execute(sa.text(
            "SELECT id, stock_quantity FROM products WHERE slug = 'bench-stocked-bun'")).one()
        plain_ids = [r[0] for r in conn.execute(sa.text(
            "SELECT id FROM products WHERE NOT track_stock AND NOT customizable AND is_available "
            "AND deleted_at IS NULL ORDER BY id LIMIT 40"))]
        slug = conn.execute(sa.text("SELECT slug FROM products WHERE slug LIKE 'bench-item-%' "
                                    "ORDER BY id LIMIT 1 OFFSET 150")).scalar()
        orders_before = conn.execute(sa.text("SELECT count(*) FROM orders")).scalar()
        last_order_id = conn.execute(sa.text("SELECT coalesce(max(id), 0) FROM orders")).scalar()
    engine.dispose()

    def shopper(product_ids: list[int]) -> Visitor:
        v = Visitor(shop_port)
        token = csrf(v.get("/"))
        for pid in product_ids:
            status, _, _ = v.post("/cart/add", {"csrf_token": token, "product_id": pid, "quantity": 1, "next": "/cart"})
            if status not in (200, 303):
                raise SystemExit(f"could not add product {pid} to a cart: {status}")
        v.token = token
        return v

    # Visitors who add to the cart (htmx), and one whose cart is read.
    adders = [shopper([]) for _ in range(50)]
    add_sessions = [(v.cookie, urllib.parse.urlencode({"csrf_token": v.token, "product_id": plain_ids[i % 40],
                                                       "quantity": 1})) for i, v in enumerate(adders)]
    cart_visitor = shopper(plain_ids[:5])

    # Place-order: visitors with a filled cart and the checkout form as a browser would send it.
    def ready_to_pay(i: int) -> tuple[str, str, str]:
        v = shopper([stocked_id, plain_ids[i % 40]])
        page = v.get("/checkout")
        data = dict(form_fields(page, "form#checkout-form") if 'id="checkout-form"' in page
                    else form_fields(page, "form[action='/checkout']"))
        data.update({"fulfilment": "pickup", "name": "Bench Shopper", "email": f"shopper{i}@example.com",
                     "phone": "0117 496 0000", "promo_code": "", "action": "update"})
        _, shown, _ = v.post("/checkout", data)
        total = re.search(r'name="shown_total"[^>]*value="([^"]*)"', shown) or \
            re.search(r'value="([^"]*)"[^>]*name="shown_total"', shown)
        data["shown_total"] = total.group(1) if total else ""
        data["action"] = "place"
        return v.cookie, urllib.parse.urlencode(data), data.get("key", "")

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        payers = list(pool.map(ready_to_pay, range(args.orders)))
    order_sessions = [(c, b) for c, b, _ in payers]
    checkout_visitor = shopper(plain_ids[:3])

    # The cake builder's price, asked for on each change as the browser's htmx does: a GET of
    # the form's price fields from the page as it opens. The visitor's cookie goes with it, as a
    # browser's does (the page set it: its CSRF token lives in the session): the answer does not
    # depend on it, but the session is still loaded for it (one Redis round trip).
    cake_visitor = Visitor(shop_port)
    builder = cake_visitor.get("/cakes")
    cake_path = htmx_get_path(builder, "aside#cake-summary", "form#cake-form")

    day = (date.today() + timedelta(days=3)).isoformat()
    htmx = {"HX-Request": "true", "Accept-Encoding": "br, gzip"}
    enc = {"Accept-Encoding": "br, gzip"}
    endpoints = [
        Endpoint("hello", "ceiling", "hello"),
        Endpoint("minimal page", "ceiling", "minimal"),
        Endpoint("home", "page", "shop", path="/", headers=enc),
        Endpoint("menu", "page", "shop", path="/menu", headers=enc),
        Endpoint("search", "page", "shop", path="/menu?q=chocolate", headers=enc),
        Endpoint("filtered menu", "page", "shop", path="/menu?category=breads&diet=vegetarian&sort=price-asc",
                 headers=enc),
        Endpoint("product", "page", "shop", path=f"/menu/{slug}", headers=enc),
        Endpoint("add to cart (htmx)", "fragment", "shop", method="POST", path="/cart/add",
                 headers={**htmx, "HX-Target": "product-1"}, sessions=add_sessions),
        Endpoint("cart", "page", "shop", path="/cart", headers=enc, sessions=[(cart_visitor.cookie, "")]),
        Endpoint("checkout page", "page", "shop", path="/checkout", headers=enc,
                 sessions=[(checkout_visitor.cookie, "")]),
        Endpoint("availability", "fragment", "shop", path=f"/reservations?date={day}&party=2&time=19:00",
                 headers={**htmx, "HX-Target": "times"}),
        Endpoint("cake price preview", "fragment", "shop", path=cake_path,
                 headers={**htmx, "HX-Trigger": "cake-summary", "HX-Target": "cake-summary",
                          "HX-Current-URL": f"http://127.0.0.1:{shop_port}/cakes"},
                 sessions=[(cake_visitor.cookie, "")]),
        Endpoint("place order", "order", "shop", method="POST", path="/checkout", headers=enc,
                 sessions=order_sessions),
    ]
    facts = dict(stocked_id=stocked_id, stock_before=stock_before, orders_before=orders_before,
                 last_order_id=last_order_id,
                 keys=[k for _, _, k in payers], payers=payers)
    return endpoints, facts


# --- measuring without load: bytes and statements ------------------------------------------------

def measure_bytes(endpoint: Endpoint, port: int) -> None:
    if endpoint.server != "shop" or endpoint.kind == "order":
        return
    v = Visitor(port)
    cookie, body = endpoint.sessions[0] if endpoint.sessions else ("", "")
    headers = {k: v_ for k, v_ in endpoint.headers.items() if k != "Accept-Encoding"}
    if cookie:
        headers["Cookie"] = cookie
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(endpoint.method, endpoint.path, body=body or None, headers={**headers, "Accept-Encoding": "identity"})
    endpoint.raw_bytes = len(conn.getresponse().read())
    conn.request(endpoint.method, endpoint.path, body=body or None, headers={**headers, "Accept-Encoding": "br, gzip"})
    response = conn.getresponse()
    endpoint.wire_bytes = len(response.read())
    endpoint.encoding = response.getheader("Content-Encoding") or "none"
    conn.close()
    del v


def count_statements(endpoints: list[Endpoint], shop_port: int) -> None:
    """Statements per request, counted in a process of its own app on the same database and
    Redis (warm: each request is sent twice and the second is counted, rendered afresh rather
    than served from the page cache)."""
    code = textwrap.dedent(f"""
        import json, sys, os
        import sqlalchemy as sa
        sys.path.insert(0, {str(ROOT)!r})
        os.environ.update(STOREFRONT_ENV="production", DATABASE_URL={DATABASE_URL!r}, REDIS_URL={REDIS_URL!r},
                          SECRET_KEY={SECRET!r}, RATELIMIT_ENABLED="false")
        from storefront import create_app
        from storefront.extensions import db
        app = create_app()
        wanted = json.load(sys.stdin)
        counts = {{}}
        with app.app_context():
            engine = db.engine
        seen = []
        sa.event.listen(engine, "before_cursor_execute", lambda *a, **k: seen.append(1))
        client = app.test_client()
        for name, method, path, headers, cookie, body in wanted:
            if cookie:
                client.environ_base["HTTP_COOKIE"] = cookie
            else:
                client.environ_base.pop("HTTP_COOKIE", None)
            kwargs = dict(headers=headers, data=body or None,
                          content_type="application/x-www-form-urlencoded" if body else None)
            client.open(path, method=method, **kwargs)
            # A page kept for signed-out visitors (core.pagecache) is served with no statement;
            # the budget is about rendering it, so the kept copies are forgotten first.
            app.extensions.get("page_cache", {{}}).clear()
            seen.clear()
            client.open(path, method=method, **kwargs)
            counts[name] = len(seen)
        print("COUNTS " + json.dumps(counts))
    """)
    wanted = []
    for e in endpoints:
        if e.server != "shop" or e.kind == "order":
            continue
        cookie, body = e.sessions[0] if e.sessions else ("", "")
        headers = {k: v for k, v in e.headers.items() if k != "Accept-Encoding"}
        wanted.append((e.name, e.method, e.path, headers, cookie, body))
    out = subprocess.run([sys.executable, "-c", code], input=json.dumps(wanted), capture_output=True, text=True,
                         cwd=ROOT, timeout=300)
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("COUNTS ")), None)
    if line is None:
        print("statement count failed:", out.stderr[-3000:])
        return
    counts = json.loads(line[7:])
    for e in endpoints:
        e.statements = counts.get(e.name, e.statements)


# --- after place-order ---------------------------------------------------------------------------

def check_orders(facts: dict, shop_port: int, placed_responses: int) -> list[tuple[str, bool, str]]:
    import sqlalchemy as sa

    engine = sa.create_engine(DATABASE_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.connect() as conn:
        stock_after = conn.execute(sa.text("SELECT stock_quantity FROM products WHERE id = :id"),
                                   {"id": facts["stocked_id"]}).scalar()
        sold = conn.execute(sa.text("""SELECT coalesce(sum(l.quantity), 0) FROM order_lines l
                                       WHERE l.product_id = :id AND l.order_id > :last"""),
                            {"id": facts["stocked_id"], "last": facts["last_order_id"]}).scalar()
        new_orders = conn.execute(sa.text("SELECT count(*) FROM orders")).scalar() - facts["orders_before"]
        keys = [k for k in facts["keys"] if k]
        with_key = conn.execute(sa.text("SELECT count(*) FROM orders WHERE idempotency_key = ANY(:k)"),
                                {"k": keys}).scalar() if keys else 0
    engine.dispose()
    # A visitor whose cart is empty afterwards had an order placed; each must have exactly one.
    emptied = 0
    for cookie, _, _ in facts["payers"]:
        v = Visitor(shop_port)
        v.cookies = dict(pair.split("=", 1) for pair in cookie.split("; ") if "=" in pair)
        if "Bench stocked bun" not in v.get("/cart"):
            emptied += 1
    claimed = facts["stock_before"] - stock_after
    return [
        ("no oversold stock", stock_after >= 0 and claimed == sold,
         f"stock {facts['stock_before']} → {stock_after}, claimed {claimed}, in orders {sold}"),
        ("no lost orders", new_orders == with_key == emptied,
         f"{new_orders} new orders, {with_key} with a prepared key, {emptied} carts emptied "
         f"({placed_responses} place-order answers)"),
    ]


# --- the report ----------------------------------------------------------------------------------

def budgets(e: Endpoint, hello: float, minimal: float) -> list[tuple[str, bool]]:
    r = e.result
    out = []
    if e.kind == "page":
        out.append((f"≥{PAGE_SHARE_OF_MINIMAL:.0%} of minimal", r["rps"] >= PAGE_SHARE_OF_MINIMAL * minimal))
    if e.kind == "fragment":
        out.append((f"≥{FRAGMENT_SHARE_OF_HELLO:.0%} of hello", r["rps"] >= FRAGMENT_SHARE_OF_HELLO * hello))
    if e.kind in ("page", "fragment"):
        out.append((f"p99≤{P99_PAGE_MS}ms", r["p99"] / 1000 <= P99_PAGE_MS))
    if e.kind == "order":
        out.append((f"p99≤{P99_ORDER_MS}ms", r["p99"] / 1000 <= P99_ORDER_MS))
    if e.kind != "ceiling":
        out.append(("0 errors", r["errors"] == 0))
    if e.name in STATEMENTS and e.statements is not None:
        out.append((f"SQL≤{STATEMENTS[e.name]}", e.statements <= STATEMENTS[e.name]))
    if e.raw_bytes is not None:
        limit = PAGE_BYTES if e.kind == "page" else FRAGMENT_BYTES
        out.append((f"≤{limit // 1024}KB", e.raw_bytes <= limit))
        if e.kind == "page":
            out.append(("compressed", e.encoding in ("br", "gzip", "zstd")))
    return out


def static_checks(port: int) -> list[tuple[str, bool, str]]:
    v = Visitor(port)
    page = v.get("/")
    match = re.search(r'href="(/static/[^"]+\.css\?v=[0-9a-f]+)"', page)
    if not match:
        return [("static assets have versioned URLs", False, "no /static/…css?v= link on the home page")]
    status, _, headers = v.request("GET", match.group(1))
    cache = headers.get("cache-control", "")
    etag = headers.get("etag")
    status_304 = v.request("GET", match.group(1), headers={"If-None-Match": etag or ""})[0]
    return [("static assets have versioned URLs", True, match.group(1)),
            ("far-future cache headers on them", "max-age=31536000" in cache and "immutable" in cache, cache),
            ("conditional GET (ETag → 304)", bool(etag) and status_304 == 304, f"{etag} → {status_304}")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per endpoint")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds; each figure is their median")
    parser.add_argument("--order-duration", type=int, default=5, help="seconds of place-order load")
    parser.add_argument("--orders", type=int, default=2000, help="visitors prepared to place one order each")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--keep-data", action="store_true", help="do not reload the dataset")
    parser.add_argument("--only", default="", help="comma-separated endpoint names (ceilings always run)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk")

    import redis
    import sqlalchemy as sa

    server_url, _, name = DATABASE_URL.rpartition("/")
    admin = sa.create_engine(server_url.replace("postgresql://", "postgresql+psycopg://", 1) + "/postgres",
                             isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar():
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    redis.Redis.from_url(REDIS_URL).flushdb()
    if not args.keep_data:
        print("loading the dataset …", flush=True)
        out = subprocess.run([sys.executable, "benchmarks/dataset.py"], cwd=ROOT, capture_output=True, text=True,
                             env={**os.environ, "DATABASE_URL": DATABASE_URL}, timeout=900)
        if out.returncode:
            raise SystemExit(out.stderr[-3000:])
        print(out.stdout.strip().splitlines()[-1], flush=True)

    env = {"STOREFRONT_ENV": "production", "DATABASE_URL": DATABASE_URL, "REDIS_URL": REDIS_URL,
           "SECRET_KEY": SECRET, "RATELIMIT_ENABLED": "false", "LOG_LEVEL": "WARNING"}
    servers = {}
    try:
        servers["shop"] = start_gunicorn("app:app", env, args.workers)
        servers["hello"] = start_gunicorn("benchmarks.hello:app", {}, args.workers)
        servers["minimal"] = start_gunicorn("benchmarks.minimal:app", {"DATABASE_URL": DATABASE_URL}, args.workers)
        shop_port = servers["shop"][1]
        print("preparing visitors …", flush=True)
        endpoints, facts = prepare(shop_port, args)
        if args.only:
            keep = {n.strip() for n in args.only.split(",")}
            endpoints = [e for e in endpoints if e.kind == "ceiling" or e.name in keep]
        for e in endpoints:
            measure_bytes(e, shop_port)
        count_statements(endpoints, shop_port)
        with tempfile.TemporaryDirectory() as tmp:
            # Rounds alternate over the endpoints (the ceilings included), and each figure is the
            # median of its rounds: a shared machine's slow spell lands on one round of every
            # endpoint rather than on all the rounds of one. Place-order runs once, last: its
            # visitors are used up.
            repeated = [e for e in endpoints if e.kind != "order"]
            runs: dict[str, list[dict]] = {e.name: [] for e in repeated}
            for round_no in range(1, args.rounds + 1):
                for e in repeated:
                    print(f"  wrk {e.name} (round {round_no} of {args.rounds}) …", flush=True)
                    runs[e.name].append(wrk(e, servers[e.server][1], args, Path(tmp)))
            for e in repeated:
                e.result = median_result(runs[e.name])
            for e in endpoints:
                if e.kind == "order":
                    print(f"  wrk {e.name} …", flush=True)
                    e.result = wrk(e, servers[e.server][1], args, Path(tmp), once=True)
        rss = {pid: peak_rss_mb(pid) for pid in worker_pids(servers["shop"][0].pid)}
        hello = next(e.result["rps"] for e in endpoints if e.name == "hello")
        minimal = next(e.result["rps"] for e in endpoints if e.name == "minimal page")
        report(endpoints, hello, minimal, rss, args)
        order = next((e for e in endpoints if e.kind == "order"), None)
        extra = static_checks(shop_port)
        if order is not None:
            ok_answers = order.result["requests"] - order.result["status"]
            extra += check_orders(facts, shop_port, ok_answers)
        extra.append((f"peak RSS per worker ≤ {RSS_MB} MB", bool(rss) and all(v and v <= RSS_MB for v in rss.values()),
                      ", ".join(f"{v:.0f} MB" for v in rss.values() if v)))
        for label, ok, detail in extra:
            print(f"{'PASS' if ok else 'FAIL'}  {label}: {detail}")
    finally:
        for process, _ in servers.values():
            stop(process)


def report(endpoints: list[Endpoint], hello: float, minimal: float, rss: dict, args) -> None:
    print()
    print(f"{args.workers} gunicorn sync workers per server; wrk {args.threads} threads × {args.connections} "
          f"connections, {args.duration} s per endpoint × {args.rounds} alternating rounds, medians "
          f"({args.order_duration} s place-order, once); "
          f"{os.cpu_count()} CPUs on this machine")
    head = (f"{'endpoint':<22}{'req/s':>8}{'p50':>8}{'p95':>8}{'p99':>8}{'err':>6}{'%hello':>8}{'%min':>7}"
            f"{'raw B':>8}{'wire B':>8}{'enc':>5}{'SQL':>5}  budgets")
    print(head)
    print("-" * len(head))
    failed = 0
    for e in endpoints:
        r = e.result
        checks = budgets(e, hello, minimal)
        failed += sum(not ok for _, ok in checks)
        verdict = " ".join(f"{'PASS' if ok else 'FAIL'}:{label}" for label, ok in checks)
        print(f"{e.name:<22}{r['rps']:>8.0f}{r['p50'] / 1000:>7.1f}m{r['p95'] / 1000:>7.1f}m{r['p99'] / 1000:>7.1f}m"
              f"{r['errors']:>6}{r['rps'] / hello:>8.1%}{r['rps'] / minimal:>7.0%}"
              f"{e.raw_bytes if e.raw_bytes is not None else '':>8}{e.wire_bytes if e.wire_bytes is not None else '':>8}"
              f"{(e.encoding or '')[:4]:>5}{e.statements if e.statements is not None else '':>5}  {verdict}")
    print(f"\n{failed} budget check(s) failed in the table." if failed else "\nevery budget in the table passed.")


if __name__ == "__main__":
    main()
