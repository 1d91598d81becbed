"""Flat, text-free SVG illustrations for the demo products.

Each category has its own warm background and a simple drawn motif; a hash of the
product name (hashlib, so it is stable across runs) nudges the hue, the motif's
position and tilt, and the scattered background dots, so no two pictures are identical.

Run `python -m storefront.demo.artwork` to write them to static/img/products/.
"""
from __future__ import annotations

import colorsys
import hashlib
import math
import pathlib

from .catalogue import PRODUCTS

# Background hue (degrees), saturation and lightness (0-1) per category.
_BACKGROUNDS = {
    "breads": (40, 0.62, 0.86),
    "pastries": (48, 0.85, 0.82),
    "cakes-and-slices": (350, 0.70, 0.90),
    "cookies-and-biscuits": (28, 0.50, 0.84),
    "savoury": (16, 0.68, 0.86),
    "breakfast": (195, 0.45, 0.87),
    "drinks": (22, 0.32, 0.82),
}
_DEFAULT_BACKGROUND = (36, 0.55, 0.86)

_CAKE_PALETTES = [  # (sponge, filling, icing, topping)
    ("#f2c66d", "#d9435a", "#fff4e6", "#e0364f"),
    ("#f4d27a", "#f7e6b5", "#fbe25c", "#f5a524"),
    ("#e9a866", "#fff1dc", "#fff8ee", "#e8702a"),
]
_CHOCOLATE_CAKE = ("#6b3e26", "#a8643c", "#4a2717", "#c0392b")
_CUP_COLOURS = ["#ffffff", "#2f6f73", "#d9534f", "#3d5a80", "#f2b134"]


def _hsl(h: float, s: float, l: float) -> str:
    r, g, b = colorsys.hls_to_rgb((h % 360) / 360, max(0, min(1, l)), max(0, min(1, s)))
    return "#%02x%02x%02x" % (round(r * 255), round(g * 255), round(b * 255))


def _bread(b: bytes, name: str) -> str:
    crust = "#7a4e2c" if ("rye" in name or "wholemeal" in name) else ("#c67c35", "#d08a3c")[b[6] % 2]
    scores = "".join(
        f'<path d="M{x} 150l22-28" stroke="#f3d08f" stroke-width="7" stroke-linecap="round"/>'
        for x in (150, 190, 230)
    )
    return (
        f'<path d="M95 215Q92 110 200 102Q308 110 305 215Z" fill="{crust}"/>'
        f'<path d="M95 215h210v10q0 8-8 8H103q-8 0-8-8Z" fill="#8a5426"/>'
        f'<path d="M120 190Q125 128 200 122" stroke="#fff" stroke-opacity=".25" stroke-width="8" fill="none" stroke-linecap="round"/>'
        + scores
    )


def _pastry(b: bytes, name: str) -> str:
    gold, dark = ("#d98f35", "#a8601f")
    parts = [
        (110, 190, 22, 16, -35),
        (145, 160, 30, 24, -20),
        (200, 148, 42, 34, 0),
        (255, 160, 30, 24, 20),
        (290, 190, 22, 16, 35),
    ]
    out = "".join(
        f'<ellipse cx="{x}" cy="{y}" rx="{rx}" ry="{ry}" transform="rotate({r} {x} {y})" fill="{gold}" stroke="{dark}" stroke-width="4"/>'
        for x, y, rx, ry, r in parts
    )
    if "chocolate" in name:
        out += '<path d="M190 120q10 28 0 56M210 120q10 28 0 56" stroke="#4a2717" stroke-width="7" fill="none" stroke-linecap="round"/>'
    return out + '<ellipse cx="190" cy="135" rx="16" ry="7" fill="#fff" fill-opacity=".3"/>'


def _cake(b: bytes, name: str) -> str:
    sponge, filling, icing, top = _CHOCOLATE_CAKE if "chocolate" in name else _CAKE_PALETTES[b[6] % len(_CAKE_PALETTES)]
    return (
        f'<path d="M100 150H250V225H100Z" fill="{sponge}"/>'
        f'<path d="M100 178H250V192H100Z" fill="{filling}"/>'
        f'<path d="M250 150L300 128V205L250 225Z" fill="{sponge}"/>'
        f'<path d="M250 150L300 128V205L250 225Z" fill="#000" fill-opacity=".12"/>'
        f'<path d="M100 150L250 150L300 128L230 122Z" fill="{icing}"/>'
        f'<path d="M100 150H250v8q-12 8-25 0t-25 0-25 0-25 0-25 0-25 0Z" fill="{icing}"/>'
        f'<circle cx="240" cy="126" r="13" fill="{top}"/>'
        f'<circle cx="236" cy="121" r="4" fill="#fff" fill-opacity=".5"/>'
    )


def _cookies(b: bytes, name: str) -> str:
    out = ""
    for i, (cx, cy, r) in enumerate(((160, 165, 62), (245, 150, 52))):
        out += f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="#d9a15b" stroke="#000" stroke-opacity=".12" stroke-width="5"/>'
        for j in range(5):
            angle = math.radians(j * 72 + b[8 + i] % 72)
            dist = r * (20 + b[10 + i * 5 + j] % 40) / 100
            x, y = cx + dist * math.cos(angle), cy + dist * math.sin(angle)
            out += f'<circle cx="{x:.0f}" cy="{y:.0f}" r="{5 + b[20 + j] % 4}" fill="#5b3a29"/>'
    return out


def _savoury(b: bytes, name: str) -> str:
    if "pasty" in name:
        crimp = "".join(f'<circle cx="{200 + 100 * math.cos(math.radians(a)):.0f}" cy="{205 - 95 * math.sin(math.radians(a)):.0f}" r="11" fill="#c27b2e"/>' for a in range(10, 180, 20))
        return (
            '<path d="M100 205a100 95 0 0 1 200 0Z" fill="#e0a04a"/>'
            '<path d="M100 205h200q0 18-18 18H118q-18 0-18-18Z" fill="#c27b2e"/>'
            + crimp
            + '<path d="M150 170q30-40 80-38" stroke="#fff" stroke-opacity=".3" stroke-width="8" fill="none" stroke-linecap="round"/>'
        )
    if "roll" in name:
        flakes = "".join(f'<path d="M{x} 132q10 20 0 46" stroke="#a8601f" stroke-width="6" fill="none" stroke-linecap="round"/>' for x in (150, 190, 230, 270))
        return (
            '<rect x="100" y="120" width="210" height="80" rx="40" fill="#d98f35"/>'
            '<rect x="100" y="170" width="210" height="30" rx="15" fill="#b8702a"/>'
            '<ellipse cx="102" cy="160" rx="18" ry="36" fill="#f0c9a0" stroke="#d98f35" stroke-width="8"/>'
            '<ellipse cx="102" cy="160" rx="8" ry="20" fill="#b9705a"/>'
            + flakes
        )
    if "quiche" in name:
        return (
            '<path d="M100 150H250V220H100Z" fill="#f4cf6a"/>'
            '<path d="M100 205H250V225H100Z" fill="#d6a05a"/>'
            '<path d="M250 150L300 128V205L250 225Z" fill="#c98a4b"/>'
            '<path d="M100 150L250 150L300 128L230 122Z" fill="#e9b04f"/>'
            '<path d="M300 128L230 122" stroke="#c98a4b" stroke-width="8" stroke-linecap="round"/>'
            + "".join(f'<circle cx="{x}" cy="{y}" r="6" fill="{c}"/>' for x, y, c in ((140, 175, "#5d8c3a"), (185, 190, "#5d8c3a"), (215, 170, "#e6735c"), (160, 195, "#e6735c")))
        )
    return (
        '<rect x="105" y="185" width="190" height="38" rx="10" fill="#c98a4b"/>'
        '<rect x="113" y="190" width="174" height="28" rx="6" fill="#f3dcae"/>'
        '<path d="M100 182h200l-12 14-16-10-16 10-16-10-16 10-16-10-16 10-16-10-16 10-16-10-16 10-16-10Z" fill="#7cb342"/>'
        '<path d="M108 164h184v18H108Z" fill="#e6735c"/>'
        '<path d="M104 152h192v12l-20 12-20-12H104Z" fill="#f6c945"/>'
        '<rect x="105" y="112" width="190" height="42" rx="10" fill="#c98a4b"/>'
        '<rect x="113" y="118" width="174" height="30" rx="6" fill="#f3dcae"/>'
    )


def _breakfast(b: bytes, name: str) -> str:
    return (
        '<circle cx="200" cy="155" r="100" fill="#fffaf2"/>'
        '<circle cx="200" cy="155" r="78" fill="none" stroke="#e8dcc8" stroke-width="4"/>'
        '<rect x="205" y="105" width="78" height="74" rx="12" transform="rotate(12 244 142)" fill="#c9863f"/>'
        '<rect x="213" y="113" width="62" height="58" rx="8" transform="rotate(12 244 142)" fill="#efc27a"/>'
        '<path d="M120 150q-8-40 30-48 30-10 48 14 26 20 6 46-18 26-50 20-30-4-34-32Z" fill="#fff" stroke="#eee3d0" stroke-width="3"/>'
        '<circle cx="162" cy="145" r="20" fill="#f7a823"/>'
        '<circle cx="155" cy="139" r="6" fill="#fff" fill-opacity=".55"/>'
    )


def _drink(b: bytes, name: str) -> str:
    if "juice" in name or "iced" in name:
        liquid = "#f7a31c" if "juice" in name else "#c89b74"
        ice = "" if "juice" in name else '<rect x="170" y="120" width="26" height="26" rx="5" transform="rotate(15 183 133)" fill="#fff" fill-opacity=".6"/><rect x="204" y="140" width="24" height="24" rx="5" transform="rotate(-10 216 152)" fill="#fff" fill-opacity=".6"/>'
        return (
            '<path d="M232 60l-10 56" stroke="#e4572e" stroke-width="8" stroke-linecap="round"/>'
            '<path d="M145 80h110l-12 140q-1 10-11 10h-64q-10 0-11-10Z" fill="#fff" fill-opacity=".7"/>'
            f'<path d="M150 110h100l-9 106q-1 8-9 8h-64q-8 0-9-8Z" fill="{liquid}"/>'
            + ice
            + '<path d="M162 100l8 110" stroke="#fff" stroke-opacity=".6" stroke-width="6" stroke-linecap="round"/>'
        )
    cup = _CUP_COLOURS[b[6] % len(_CUP_COLOURS)]
    liquid = "#5a321d" if "chocolate" in name else ("#6f4328", "#8a5a3b", "#a8744a")[b[7] % 3]
    steam = "".join(
        f'<path d="M{x} 95q-12-14 0-28t0-28" stroke="#fff" stroke-opacity=".8" stroke-width="7" fill="none" stroke-linecap="round"/>'
        for x in (170, 200, 230)
    )
    return (
        '<ellipse cx="200" cy="222" rx="110" ry="16" fill="#fffaf2"/>'
        '<ellipse cx="200" cy="219" rx="70" ry="8" fill="#000" fill-opacity=".08"/>'
        f'<circle cx="272" cy="160" r="24" fill="none" stroke="{cup}" stroke-width="11"/>'
        f'<path d="M128 115h144l-12 90q-2 14-16 14h-88q-14 0-16-14Z" fill="{cup}" stroke="#000" stroke-opacity=".1" stroke-width="3"/>'
        f'<ellipse cx="200" cy="115" rx="72" ry="12" fill="{liquid}"/>'
        '<path d="M190 112q10-7 10 2 0-9 10-2-10 8-10 8t-10-8Z" fill="#f5e6cf"/>'
        + steam
    )


_MOTIFS = {
    "breads": _bread,
    "pastries": _pastry,
    "cakes-and-slices": _cake,
    "cookies-and-biscuits": _cookies,
    "savoury": _savoury,
    "breakfast": _breakfast,
    "drinks": _drink,
}


def product_svg(name: str, category: str) -> str:
    """A complete 400x300 SVG document illustrating `name` in `category`."""
    b = hashlib.sha256(name.encode("utf-8")).digest()
    h, s, l = _BACKGROUNDS.get(category, _DEFAULT_BACKGROUND)
    h += b[0] % 13 - 6
    l += (b[1] % 7 - 3) / 100
    bg, halo, dot = _hsl(h, s, l), _hsl(h, s, l + 0.06), _hsl(h, s * 0.8, l - 0.07)
    dots = "".join(
        f'<circle cx="{b[2 + i] * 400 // 256}" cy="{b[20 + i] * 300 // 256}" r="{3 + b[26 + i] % 6}" fill="{dot}"/>'
        for i in range(6)
    )
    dx, dy, tilt = b[3] % 21 - 10, b[4] % 11 - 5, b[5] % 11 - 5
    motif = _MOTIFS.get(category, _bread)(b, name.lower())
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="400" height="300" viewBox="0 0 400 300">'
        f'<rect width="400" height="300" fill="{bg}"/>{dots}'
        f'<circle cx="200" cy="160" r="118" fill="{halo}"/>'
        f'<ellipse cx="{200 + dx}" cy="{238 + dy}" rx="120" ry="14" fill="#000" fill-opacity=".08"/>'
        f'<g transform="translate({dx} {dy}) rotate({tilt} 200 160)">{motif}</g>'
        "</svg>\n"
    )


def write_all(target_dir: pathlib.Path) -> int:
    """Write `<slug>.svg` for every demo product into `target_dir`; return how many."""
    target_dir = pathlib.Path(target_dir)
    target_dir.mkdir(parents=True, exist_ok=True)
    for product in PRODUCTS:
        svg = product_svg(product["name"], product["category"])
        (target_dir / f"{product['slug']}.svg").write_text(svg, encoding="utf-8")
    return len(PRODUCTS)


if __name__ == "__main__":
    target = pathlib.Path(__file__).resolve().parents[2] / "static" / "img" / "products"
    print(f"Wrote {write_all(target)} illustrations to {target}")
