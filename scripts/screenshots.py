"""Screenshots of every customer page (and the back office) at phone (390×844) and desktop (1280×800) sizes.

    make screenshots        # writes screenshots/<width>/<nn-page>.png (git-ignored)

Serves the demo shop from a throwaway instance folder (SQLite, in-process Redis), walks the
pages as a guest and as the demo customer, and saves full-page PNGs to look at."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.servers import free_port, wait_until  # noqa: E402

OUT = ROOT / "screenshots"
SIZES = {"390": (390, 844), "1280": (1280, 800)}
CHROMIUM = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CUSTOMER = ("customer@example.com", "customer-demo-password")
STAFF = ("staff@crumbandkettle.example", "staff-demo-password")


def serve(instance: Path) -> tuple[subprocess.Popen, str]:
    env = {**os.environ, "STOREFRONT_ENV": "development", "INSTANCE_PATH": str(instance),
           "DATABASE_URL": f"sqlite:///{instance / 'shots.sqlite3'}", "RATELIMIT_ENABLED": "false",
           "FLASK_APP": "app"}
    env.pop("REDIS_URL", None)
    flask = [sys.executable, "-m", "flask"]
    for step in (["db", "upgrade"], ["seed-demo"]):
        subprocess.run(flask + step, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    port = free_port()
    server = subprocess.Popen(flask + ["run", "--port", str(port)], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    wait_until(lambda: urllib.request.urlopen(url + "/healthz").status == 200, "the app", server)
    return server, url


def shoot(page: Page, folder: Path, name: str, path: str | None = None) -> None:
    if path is not None:
        page.goto(path)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
    print(f"  {folder.name}/{name}.png  {page.url}")


def walk(page: Page, folder: Path) -> None:
    shoot(page, folder, "01-home", "/")
    shoot(page, folder, "02-menu", "/menu")
    shoot(page, folder, "03-menu-pastries-vegan", "/menu?category=pastries&diet=vegan")
    page.goto("/menu?category=pastries")
    page.locator(".filter-disclosure > summary").click()
    shoot(page, folder, "04-menu-filters-open")
    shoot(page, folder, "05-product", "/menu/cinnamon-bun")
    shoot(page, folder, "06-hours", "/hours")
    shoot(page, folder, "07-cart-empty", "/cart")
    page.goto("/menu")
    for button in page.get_by_role("button", name=re.compile(r"^Add .* to cart$")).all()[4:7]:
        button.scroll_into_view_if_needed()
        with page.expect_response(re.compile(r"/cart/add")):
            button.click()
    shoot(page, folder, "08-menu-after-add")
    shoot(page, folder, "09-cart", "/cart")
    shoot(page, folder, "10-checkout", "/checkout")
    # Delivery to an outward code: the summary follows as it is typed; on a phone the total and
    # "Place order" stay at the foot of the screen (10c is what is in view, not the whole page).
    with page.expect_response(re.compile(r"/checkout$")):
        page.get_by_role("radio", name="Delivery").check()
    page.wait_for_selector("#postcode")
    with page.expect_response(re.compile(r"/checkout$")):
        page.get_by_label("Postcode").fill("BS1")
    page.locator("#postcode-status p").wait_for()
    shoot(page, folder, "10b-checkout-delivery")
    page.get_by_label("Full name").scroll_into_view_if_needed()
    page.screenshot(path=str(folder / "10c-checkout-in-view.png"))
    shoot(page, folder, "11-reservations", "/reservations")
    shoot(page, folder, "12-sign-in", "/account/login")
    shoot(page, folder, "13-register", "/account/register")
    shoot(page, folder, "14-reset", "/account/reset")
    shoot(page, folder, "15-not-found", "/no-such-page")
    shoot(page, folder, "20-cakes", "/cakes")
    shoot(page, folder, "21-reviews", "/reviews")
    sign_in(page, *CUSTOMER)
    # The guest's cart came along at sign-in: place it as an order, to see the order's page.
    page.goto("/checkout")
    if not page.get_by_label("Phone number").input_value():
        page.get_by_label("Phone number").fill("0117 496 0000")
    if page.get_by_label("Points to use").count():   # the demo customer holds points: spend some
        page.get_by_label("Points to use").fill("100")
        with page.expect_response(re.compile(r"/checkout$")):
            page.get_by_role("button", name="Use points").click()
        page.wait_for_load_state("load")
        shoot(page, folder, "22-checkout-points")
    with page.expect_navigation():
        page.get_by_role("button", name="Place order").click()
    shoot(page, folder, "16-order")
    shoot(page, folder, "17-account", "/account/")
    shoot(page, folder, "18-orders", "/orders")
    page.goto("/account/")
    booking = page.locator("main a[href^='/reservations/']").first
    if booking.count():
        shoot(page, folder, "19-booking", booking.get_attribute("href"))
    shoot(page, folder, "22-delete-account", "/account/privacy/delete")
    # The back office, as the demo staff member.
    page.context.clear_cookies()
    sign_in(page, *STAFF)
    shoot(page, folder, "30-staff-dashboard", "/staff/")
    shoot(page, folder, "31-staff-orders", "/staff/orders")
    shoot(page, folder, "32-staff-reservations", "/staff/reservations")
    shoot(page, folder, "33-staff-audit", "/staff/audit")
    shoot(page, folder, "40-staff-products", "/staff/products")
    shoot(page, folder, "41-staff-product-edit", "/staff/products/1")
    shoot(page, folder, "42-staff-promos", "/staff/promos")
    shoot(page, folder, "43-staff-promo-edit", "/staff/promos/1")
    shoot(page, folder, "44-staff-cake-options", "/staff/cake-options")
    page.get_by_role("link", name="Red velvet", exact=True).click()
    shoot(page, folder, "46-staff-cake-option-prices-per-size")
    shoot(page, folder, "45-staff-cake-settings", "/staff/cake-settings")
    shop_upkeep(page, folder)


def shop_upkeep(page: Page, folder: Path) -> None:
    shoot(page, folder, "34-staff-shop", "/staff/shop/")
    shoot(page, folder, "35-staff-shop-hours", "/staff/shop/hours")
    page.locator("details.confirm-step summary").first.click()
    shoot(page, folder, "35b-staff-shop-hours-delete-asked")
    shoot(page, folder, "36-staff-shop-zones", "/staff/shop/zones")
    shoot(page, folder, "37-staff-shop-combination-new", "/staff/shop/combinations/edit")
    shoot(page, folder, "38-staff-shop-ordering", "/staff/shop/ordering")


def sign_in(page: Page, email: str, password: str) -> None:
    page.goto("/account/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.get_by_role("main").get_by_role("button", name=re.compile("Sign in")).click()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        server, url = serve(Path(tmp))
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"])
                for label, (width, height) in SIZES.items():
                    folder = OUT / label
                    folder.mkdir(parents=True, exist_ok=True)
                    context = browser.new_context(base_url=url, viewport={"width": width, "height": height})
                    walk(context.new_page(), folder)
                    context.close()
                browser.close()
        finally:
            server.terminate()
            server.wait()
    print(f"Screenshots in {OUT}")


if __name__ == "__main__":
    main()
