"""Carts under concurrent requests, on a real Redis: no lost updates, and any number of app
processes see the same cart."""
from __future__ import annotations

import http.cookiejar
import threading
import urllib.parse
import urllib.request

from tests.support.builders import make_product
from tests.support.cart import cart_lines
from tests.support.html import csrf_from
from tests.support.servers import AppProcess, LiveServer


class Browser:
    """One visitor: a cookie jar and urllib, so requests carry the same session."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, url: str) -> str:
        with self.opener.open(url, timeout=30) as response:
            return response.read().decode()

    def post(self, url: str, data: dict) -> int:
        return self.post_page(url, data)[0]

    def post_page(self, url: str, data: dict) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode()
        try:
            with self.opener.open(urllib.request.Request(url, data=body, method="POST"), timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def csrf(self, base: str) -> str:
        return csrf_from(self.get(base + "/"))


def test_fifty_simultaneous_adds_make_exactly_fifty(make_app, real_redis, real_redis_url, app_ctx):
    product_id = make_product("Cinnamon bun").id
    app = make_app(REDIS_URL=real_redis_url)
    server = LiveServer(app).start()
    try:
        visitor = Browser()
        token = visitor.csrf(server.url)
        # Give the visitor a cart first, so all 50 requests write to the same key.
        assert visitor.post(server.url + "/cart/add", {"csrf_token": token, "product_id": product_id,
                                                       "quantity": 1, "next": "/"}) in (200, 303)
        barrier = threading.Barrier(50)
        statuses = []

        def add_one():
            barrier.wait()
            statuses.append(visitor.post(server.url + "/cart/add", {"csrf_token": token, "product_id": product_id,
                                                                    "quantity": 1, "next": "/"}))

        threads = [threading.Thread(target=add_one) for _ in range(50)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert statuses.count(200) == 50  # each 303 to "/" followed to the home page
        assert cart_lines(visitor.get(server.url + "/cart")) == {"Cinnamon bun": 51}
    finally:
        server.stop()


def test_two_app_processes_share_one_cart(app, real_redis, real_redis_url, app_ctx):
    product_id = make_product("Sourdough loaf").id
    env = {"DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "REDIS_URL": real_redis_url,
           "SECRET_KEY": "shared-by-every-process-in-this-test"}
    first, second = AppProcess(env), AppProcess(env)
    try:
        visitor = Browser()
        token = visitor.csrf(first.url)
        assert visitor.post(first.url + "/cart/add", {"csrf_token": token, "product_id": product_id,
                                                      "quantity": 2, "next": "/cart"}) == 200
        assert cart_lines(visitor.get(second.url + "/cart")) == {"Sourdough loaf": 2}
        # …and the other way round.
        assert visitor.post(second.url + f"/cart/lines/{product_id}", {"csrf_token": token, "quantity": 5}) == 200
        assert cart_lines(visitor.get(first.url + "/cart")) == {"Sourdough loaf": 5}
    finally:
        first.stop()
        second.stop()
