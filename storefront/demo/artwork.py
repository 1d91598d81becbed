"""Flat, text-free SVG illustrations for the demo products.

Each product is drawn as what it is: the catalogue names its kind (bun, knot, tin loaf,
traybake, cup …) and each kind has its own drawing, whose details follow the name (chocolate
ends, a fork's criss-cross, latte art). Each category has its own warm background; a hash of
the product name (hashlib, so it is stable across runs) nudges the hue, the motif's position
and tilt, and the scattered background dots, so no two pictures are identical.

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
_CUP_COLOURS = ["#ffffff", "#2f6f73", "#d9534f", "#3d5a80", "#f2b134"]


def _hsl(h: float, s: float, light: float) -> str:
    r, g, b = colorsys.hls_to_rgb((h % 360) / 360, max(0, min(1, light)), max(0, min(1, s)))
    return "#%02x%02x%02x" % (round(r * 255), round(g * 255), round(b * 255))


def _seeds(b: bytes, box: tuple[int, int, int, int], count: int, colours: tuple[str, ...]) -> str:
    x0, y0, x1, y1 = box
    return "".join(
        f'<ellipse cx="{x0 + b[(i * 3) % 32] * (x1 - x0) // 256}" cy="{y0 + b[(i * 5 + 1) % 32] * (y1 - y0) // 256}" '
        f'rx="5" ry="2.5" transform="rotate({b[(i * 7 + 2) % 32] % 180} {x0 + b[(i * 3) % 32] * (x1 - x0) // 256} '
        f'{y0 + b[(i * 5 + 1) % 32] * (y1 - y0) // 256})" fill="{colours[i % len(colours)]}"/>'
        for i in range(count)
    )


# --- Breads ---------------------------------------------------------------------------------

def _round_loaf(b: bytes, name: str) -> str:
    """A domed boule with three score marks."""
    crust = ("#c67c35", "#d08a3c")[b[6] % 2]
    scores = "".join(f'<path d="M{x} 150l22-28" stroke="#f3d08f" stroke-width="7" stroke-linecap="round"/>'
                     for x in (150, 190, 230))
    return (
        f'<path d="M95 215Q92 110 200 102Q308 110 305 215Z" fill="{crust}"/>'
        '<path d="M95 215h210v10q0 8-8 8H103q-8 0-8-8Z" fill="#8a5426"/>'
        '<path d="M120 190Q125 128 200 122" stroke="#fff" stroke-opacity=".25" stroke-width="8" fill="none" stroke-linecap="round"/>'
        + scores
    )


def _rye_loaf(b: bytes, name: str) -> str:
    """A dark, dense loaf covered in seeds."""
    return (
        '<path d="M100 220Q96 120 200 112Q304 120 300 220Z" fill="#5e3a22"/>'
        '<path d="M100 220h200v8q0 7-7 7H107q-7 0-7-7Z" fill="#3f2615"/>'
        + _seeds(b, (120, 130, 280, 210), 26, ("#f3e2b8", "#7d9a3f", "#e9d8a6"))
    )


def _bloomer(b: bytes, name: str) -> str:
    """A long white loaf with diagonal slashes."""
    slashes = "".join(f'<path d="M{x} 192l26-52" stroke="#f7dcaa" stroke-width="9" stroke-linecap="round"/>'
                      for x in (118, 158, 198, 238))
    return (
        '<ellipse cx="200" cy="175" rx="125" ry="55" fill="#e0a458"/>'
        '<path d="M78 185q122 50 244 0v8q-122 52-244 0Z" fill="#b9783a"/>'
        + slashes
        + '<path d="M110 160q40-30 110-34" stroke="#fff" stroke-opacity=".3" stroke-width="7" fill="none" stroke-linecap="round"/>'
    )


def _tin_loaf(b: bytes, name: str) -> str:
    """A tin loaf: straight sides, a domed top; seeded loaves are speckled."""
    crust = "#9a6235" if "wholemeal" in name else "#b98445"
    seeds = _seeds(b, (125, 105, 275, 150), 18, ("#f3e2b8", "#3b2a1e", "#8aa14a")) if "seed" in name else ""
    return (
        f'<path d="M115 225L122 150Q200 85 278 150L285 225Z" fill="{crust}"/>'
        '<path d="M122 150Q200 85 278 150Q200 128 122 150Z" fill="#000" fill-opacity=".12"/>'
        '<path d="M112 225h176v6q0 6-6 6H118q-6 0-6-6Z" fill="#5a3a20"/>'
        '<path d="M140 140q30-26 70-30" stroke="#fff" stroke-opacity=".25" stroke-width="7" fill="none" stroke-linecap="round"/>'
        + seeds
    )


def _focaccia(b: bytes, name: str) -> str:
    """A golden slab with dimples, rosemary sprigs and salt."""
    dimples = "".join(f'<circle cx="{x}" cy="{y}" r="6" fill="#c98a2e"/>'
                      for x in (125, 165, 205, 245, 285) for y in (150, 185))
    sprigs = "".join(
        f'<g transform="rotate({a} {x} {y})"><path d="M{x - 22} {y}h44" stroke="#3f6b2a" stroke-width="3"/>'
        + "".join(f'<ellipse cx="{x + dx}" cy="{y - 5}" rx="2.5" ry="6" fill="#4f7f35"/><ellipse cx="{x + dx}" cy="{y + 5}" rx="2.5" ry="6" fill="#4f7f35"/>' for dx in (-14, -5, 4, 13))
        + "</g>"
        for x, y, a in ((150, 168, -20), (240, 165, 25))
    )
    return (
        '<rect x="95" y="128" width="215" height="90" rx="16" fill="#b7792c"/>'
        '<rect x="95" y="122" width="215" height="84" rx="16" fill="#e6ae4a"/>'
        + dimples + sprigs
        + _seeds(b, (110, 130, 295, 200), 10, ("#ffffff",))
    )


def _brioche(b: bytes, name: str) -> str:
    """A glossy loaf of four round lobes."""
    lobes = "".join(
        f'<circle cx="{x}" cy="150" r="38" fill="#b9561a"/><ellipse cx="{x - 10}" cy="136" rx="12" ry="7" fill="#fff" fill-opacity=".35"/>'
        for x in (143, 181, 219, 257)
    )
    return (
        '<path d="M112 160h176l-8 62H120Z" fill="#a3481a"/>'
        + lobes
        + '<path d="M116 222h168v6q0 6-6 6H122q-6 0-6-6Z" fill="#6e2f0f"/>'
    )


# --- Pastries -------------------------------------------------------------------------------

def _croissant(b: bytes, name: str) -> str:
    """A crescent of five rolled segments; almond croissants wear flaked almonds and sugar."""
    gold, dark = ("#d98f35", "#a8601f")
    parts = [(110, 190, 22, 16, -35), (145, 160, 30, 24, -20), (200, 148, 42, 34, 0),
             (255, 160, 30, 24, 20), (290, 190, 22, 16, 35)]
    out = "".join(
        f'<ellipse cx="{x}" cy="{y}" rx="{rx}" ry="{ry}" transform="rotate({r} {x} {y})" fill="{gold}" stroke="{dark}" stroke-width="4"/>'
        for x, y, rx, ry, r in parts
    )
    if "almond" in name:
        out += _seeds(b, (150, 125, 255, 170), 12, ("#f6e7c8", "#ead3a4"))
        out += "".join(f'<circle cx="{130 + i * 17}" cy="{140 + (b[i] % 30)}" r="2" fill="#fff"/>' for i in range(10))
    return out + '<ellipse cx="190" cy="135" rx="16" ry="7" fill="#fff" fill-opacity=".3"/>'


def _pain_au_chocolat(b: bytes, name: str) -> str:
    """A rectangular laminated parcel with chocolate showing at both ends."""
    layers = "".join(f'<path d="M122 {y}h156" stroke="#b36a24" stroke-width="3" stroke-opacity=".6"/>' for y in (150, 172, 194))
    return (
        '<rect x="104" y="158" width="22" height="14" rx="4" fill="#3b1f10"/>'
        '<rect x="274" y="158" width="22" height="14" rx="4" fill="#3b1f10"/>'
        '<rect x="116" y="125" width="168" height="92" rx="22" fill="#d98f35" stroke="#a8601f" stroke-width="4"/>'
        + layers
        + '<path d="M140 135q50-10 110 0" stroke="#fff" stroke-opacity=".3" stroke-width="7" fill="none" stroke-linecap="round"/>'
    )


def _spiral(cx: int, cy: int, turns: int, step: float) -> str:
    points = []
    for i in range(turns * 24):
        a = math.radians(i * 15)
        r = 6 + step * i / 24
        points.append(f"{cx + r * math.cos(a):.0f} {cy + r * math.sin(a):.0f}")
    return "M" + "L".join(points)


def _bun(b: bytes, name: str) -> str:
    """A cinnamon bun from above: a spiral of dough with cinnamon between, and a white glaze."""
    glaze = "".join(f'<path d="M{x} {y}q20 8 40-4" stroke="#fffaf0" stroke-width="6" fill="none" stroke-linecap="round"/>'
                    for x, y in ((140, 130), (170, 175), (205, 140), (160, 200)))
    return (
        '<circle cx="200" cy="160" r="88" fill="#d8923f"/>'
        f'<path d="{_spiral(200, 160, 4, 19)}" stroke="#7a3e17" stroke-width="9" fill="none" stroke-linecap="round"/>'
        + glaze
    )


def _knot(b: bytes, name: str) -> str:
    """A twisted cardamom knot: three looping strands, pearl sugar on top."""
    strands = "".join(
        f'<ellipse cx="{200 + 38 * math.cos(math.radians(a)):.0f}" cy="{160 + 30 * math.sin(math.radians(a)):.0f}" rx="62" ry="26" '
        f'transform="rotate({a + 90} {200 + 38 * math.cos(math.radians(a)):.0f} {160 + 30 * math.sin(math.radians(a)):.0f})" '
        'fill="#d48c3a" stroke="#9c5a1f" stroke-width="5"/>'
        for a in (90, 210, 330)
    )
    return (
        strands
        + '<circle cx="200" cy="160" r="26" fill="#d48c3a" stroke="#9c5a1f" stroke-width="5"/>'
        + "".join(f'<circle cx="{150 + b[i] % 100}" cy="{115 + b[i + 8] % 90}" r="4" fill="#fff"/>' for i in range(14))
    )


def _raisin_swirl(b: bytes, name: str) -> str:
    """Pain aux raisins from above: a pale custard spiral dotted with raisins."""
    raisins = "".join(
        f'<ellipse cx="{200 + (20 + i * 6) * math.cos(math.radians(i * 67)):.0f}" cy="{160 + (20 + i * 6) * math.sin(math.radians(i * 67)):.0f}" '
        'rx="6" ry="4.5" fill="#4a2030"/>'
        for i in range(10)
    )
    return (
        '<circle cx="200" cy="160" r="88" fill="#e6b25a"/>'
        f'<path d="{_spiral(200, 160, 4, 19)}" stroke="#b9772c" stroke-width="6" fill="none" stroke-linecap="round"/>'
        + raisins
        + '<ellipse cx="170" cy="120" rx="22" ry="9" fill="#fff" fill-opacity=".3"/>'
    )


# --- Cakes and slices -----------------------------------------------------------------------

def _traybake(b: bytes, name: str) -> str:
    """A square cut from a tray, seen in three quarters; the layers tell which one."""
    if "brownie" in name:
        layers, top = [("#4a2717", 70)], "#5e3420"
        extra = '<path d="M130 140l30 6 18-4M200 132l26 8 20-6" stroke="#7a4a30" stroke-width="4" fill="none" stroke-linecap="round"/>'
    elif "millionaire" in name:
        layers, top = [("#e3b36b", 34), ("#c8782a", 20), ("#3d2012", 16)], "#4a2717"
        extra = '<path d="M130 140q30-8 60 0t60 0" stroke="#6b3e26" stroke-width="4" fill="none"/>'
    else:  # flapjack
        layers, top = [("#c98a2e", 70)], "#dca448"
        extra = _seeds(b, (120, 124, 270, 150), 16, ("#f3d48f", "#b87722"))
    out, y = "", 225
    for colour, height in layers:
        out += (f'<path d="M110 {y - height}H250V{y}H110Z" fill="{colour}"/>'
                f'<path d="M250 {y - height}L295 {y - height - 22}V{y - 22}L250 {y}Z" fill="{colour}"/>')
        y -= height
    out += '<path d="M250 155L295 133V203L250 225Z" fill="#000" fill-opacity=".15"/>'
    out += f'<path d="M110 {y}H250L295 {y - 22}H155Z" fill="{top}"/>'
    return out + extra


def _loaf_slice(b: bytes, name: str) -> str:
    """A slice cut from a loaf cake: crumb face, a rounded crust, icing running down."""
    return (
        '<path d="M130 225V140Q200 100 270 140V225Z" fill="#f4d471"/>'
        '<path d="M130 140Q200 100 270 140" stroke="#c98a2e" stroke-width="10" fill="none"/>'
        '<path d="M130 225V140M270 140V225" stroke="#c98a2e" stroke-width="8"/>'
        '<path d="M122 140Q200 92 278 140l-4 14q-8 4-10-6-6 14-14 4-8 14-18 2-10 12-20 0-10 10-18-2-10 10-18 0-8 12-16-2-8 10-14 0-6 8-12-4Z" fill="#fffaf0"/>'
        + "".join(f'<circle cx="{150 + b[i] % 100}" cy="{165 + b[i + 4] % 50}" r="2.5" fill="#e3b84a"/>' for i in range(12))
        + '<path d="M150 112q6-12 18-10" stroke="#d9c200" stroke-width="5" fill="none" stroke-linecap="round"/>'
    )


def _layer_slice(b: bytes, name: str) -> str:
    """A triangular slice of layer cake; sponge, filling and topping follow the cake."""
    if "carrot" in name:
        sponge, filling, icing, top = "#c9823f", "#fff6e8", "#fff6e8", "#8a5a32"  # walnut
    elif "victoria" in name:
        sponge, filling, icing, top = "#f2d28a", "#c8283c", "#fff8ee", "#ffffff"  # jam, cream, icing sugar
    elif "orange" in name:
        sponge, filling, icing, top = "#e8a94a", "#f3c56a", "#f6b34a", "#f28c1c"  # orange slice
    else:
        sponge, filling, icing, top = _CAKE_PALETTES[b[6] % len(_CAKE_PALETTES)]
    return (
        f'<path d="M100 150H250V225H100Z" fill="{sponge}"/>'
        f'<path d="M100 178H250V192H100Z" fill="{filling}"/>'
        f'<path d="M250 150L300 128V205L250 225Z" fill="{sponge}"/>'
        '<path d="M250 150L300 128V205L250 225Z" fill="#000" fill-opacity=".12"/>'
        f'<path d="M100 150L250 150L300 128L230 122Z" fill="{icing}"/>'
        f'<path d="M100 150H250v8q-12 8-25 0t-25 0-25 0-25 0-25 0-25 0Z" fill="{icing}"/>'
        f'<circle cx="240" cy="126" r="13" fill="{top}" stroke="#000" stroke-opacity=".1" stroke-width="2"/>'
        '<circle cx="236" cy="121" r="4" fill="#fff" fill-opacity=".5"/>'
    )


def _whole_cake(b: bytes, name: str) -> str:
    """A whole layered cake seen from the side, frosted, piped along the top, a candle on it."""
    sponge, filling, icing, top = _CAKE_PALETTES[b[6] % len(_CAKE_PALETTES)]
    piping = "".join(f'<circle cx="{x}" cy="118" r="7" fill="{icing}" stroke="#000" stroke-opacity=".08"/>'
                     for x in range(112, 250, 17))
    return (
        '<ellipse cx="180" cy="228" rx="112" ry="16" fill="#000" fill-opacity=".12"/>'
        f'<path d="M100 120H260V220Q180 236 100 220Z" fill="{icing}"/>'
        f'<path d="M100 150H260V162H100Z" fill="{filling}" fill-opacity=".9"/>'
        f'<path d="M100 186H260V198H100Z" fill="{filling}" fill-opacity=".9"/>'
        '<path d="M230 120H260V220Q250 223 230 225Z" fill="#000" fill-opacity=".08"/>'
        f'<ellipse cx="180" cy="120" rx="80" ry="14" fill="{icing}" stroke="#000" stroke-opacity=".08"/>'
        f"{piping}"
        '<rect x="176" y="80" width="8" height="34" rx="2" fill="#f7e7a8" stroke="#000" stroke-opacity=".15"/>'
        f'<path d="M180 62q8 10 0 18q-8-8 0-18Z" fill="{top}"/>'
        '<path d="M180 68q3 5 0 9q-3-4 0-9Z" fill="#fff6c8"/>'
    )


# --- Cookies and biscuits -------------------------------------------------------------------

def _cookie(b: bytes, name: str) -> str:
    """Two round cookies; chips, raisins and oats, a fork's criss-cross, or a cracked top."""
    base = {"peanut": "#d39a52", "ginger": "#b8692a", "oat": "#d6ad6a"}
    colour = next((c for key, c in base.items() if key in name), "#d9a15b")
    out = ""
    for i, (cx, cy, r) in enumerate(((160, 165, 62), (245, 150, 52))):
        out += f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="{colour}" stroke="#000" stroke-opacity=".12" stroke-width="5"/>'
        if "peanut" in name:
            out += "".join(f'<path d="M{cx - r * .6:.0f} {cy + d}h{r * 1.2:.0f}" stroke="#a86f32" stroke-width="4"/>' for d in (-14, 0, 14))
            out += "".join(f'<path d="M{cx + d} {cy - r * .6:.0f}v{r * 1.2:.0f}" stroke="#a86f32" stroke-width="4"/>' for d in (-14, 0, 14))
            continue
        if "ginger" in name:
            out += (f'<path d="M{cx - 30} {cy - 10}l18 8 10-14 14 10 16-6M{cx - 20} {cy + 18}l16-6 12 10 16-8" '
                    'stroke="#f0c98e" stroke-width="4" fill="none" stroke-linecap="round"/>')
            continue
        spots = ("#4a2030", "#f2dca8") if "raisin" in name else ("#5b3a29",)
        for j in range(6):
            angle = math.radians(j * 60 + b[8 + i] % 60)
            dist = r * (20 + b[10 + i * 6 + j] % 45) / 100
            x, y = cx + dist * math.cos(angle), cy + dist * math.sin(angle)
            out += f'<circle cx="{x:.0f}" cy="{y:.0f}" r="{5 + b[20 + j] % 4}" fill="{spots[j % len(spots)]}"/>'
    return out


def _fingers(b: bytes, name: str) -> str:
    """Shortbread fingers in a fan, pricked with a fork and sugared."""
    out = ""
    for angle in (-14, 0, 14):
        out += (f'<g transform="rotate({angle} 200 240)"><rect x="172" y="95" width="56" height="130" rx="8" fill="#f1d39a" '
                'stroke="#d6ad62" stroke-width="4"/>'
                + "".join(f'<circle cx="{x}" cy="{y}" r="3" fill="#c9974a"/>' for x in (188, 212) for y in (125, 160, 195))
                + "</g>")
    return out


def _macaroon(b: bytes, name: str) -> str:
    """A domed coconut macaroon with a chocolate-dipped base."""
    strands = "".join(f'<path d="M{150 + b[i] % 100} {130 + b[i + 6] % 70}q6-5 12 0" stroke="#fffaf0" stroke-width="4" fill="none" stroke-linecap="round"/>'
                      for i in range(18))
    return (
        '<path d="M125 205Q125 95 200 92Q275 95 275 205Z" fill="#f1e0bf"/>'
        '<path d="M120 200h160v16q0 10-10 10H130q-10 0-10-10Z" fill="#4a2717"/>'
        + strands
        + '<path d="M200 92q6-10 2-16" stroke="#e0a36a" stroke-width="8" stroke-linecap="round"/>'
    )


def _biscotti(b: bytes, name: str) -> str:
    """Three long slanting biscotti flecked with green pistachio."""
    out = ""
    for i, dx in enumerate((-60, 0, 60)):
        out += (f'<g transform="rotate(-24 {200 + dx} 165)"><rect x="{170 + dx}" y="95" width="60" height="140" rx="14" fill="#c9904a"/>'
                f'<rect x="{176 + dx}" y="101" width="48" height="128" rx="10" fill="#efd5a0"/>'
                + _seeds(b[i:] + b[:i], (180 + dx, 108, 220 + dx, 222), 8, ("#7fa34a", "#9bbf5e"))
                + "</g>")
    return out


# --- Savoury --------------------------------------------------------------------------------

def _sausage_roll(b: bytes, name: str) -> str:
    flakes = "".join(f'<path d="M{x} 132q10 20 0 46" stroke="#a8601f" stroke-width="6" fill="none" stroke-linecap="round"/>' for x in (150, 190, 230, 270))
    filling = "#9cae5a" if "vegan" in name else "#b9705a"
    return (
        '<rect x="100" y="120" width="210" height="80" rx="40" fill="#d98f35"/>'
        '<rect x="100" y="170" width="210" height="30" rx="15" fill="#b8702a"/>'
        '<ellipse cx="102" cy="160" rx="18" ry="36" fill="#f0c9a0" stroke="#d98f35" stroke-width="8"/>'
        f'<ellipse cx="102" cy="160" rx="8" ry="20" fill="{filling}"/>'
        + flakes
    )


def _pasty(b: bytes, name: str) -> str:
    crimp = "".join(f'<circle cx="{200 + 100 * math.cos(math.radians(a)):.0f}" cy="{205 - 95 * math.sin(math.radians(a)):.0f}" r="11" fill="#c27b2e"/>' for a in range(10, 180, 20))
    return (
        '<path d="M100 205a100 95 0 0 1 200 0Z" fill="#e0a04a"/>'
        '<path d="M100 205h200q0 18-18 18H118q-18 0-18-18Z" fill="#c27b2e"/>'
        + crimp
        + '<path d="M150 170q30-40 80-38" stroke="#fff" stroke-opacity=".3" stroke-width="8" fill="none" stroke-linecap="round"/>'
    )


def _quiche(b: bytes, name: str) -> str:
    dots = (("#3f7a2a", "#f4f1e6") if "spinach" in name else ("#e6735c", "#c98a4b"))
    return (
        '<path d="M100 150H250V220H100Z" fill="#f4cf6a"/>'
        '<path d="M100 205H250V225H100Z" fill="#d6a05a"/>'
        '<path d="M250 150L300 128V205L250 225Z" fill="#c98a4b"/>'
        '<path d="M100 150L250 150L300 128L230 122Z" fill="#e9b04f"/>'
        '<path d="M300 128L230 122" stroke="#c98a4b" stroke-width="8" stroke-linecap="round"/>'
        + "".join(f'<circle cx="{x}" cy="{y}" r="6" fill="{dots[k % 2]}"/>' for k, (x, y) in enumerate(((140, 175), (185, 190), (215, 170), (160, 195), (230, 195))))
    )


def _sandwich(b: bytes, name: str) -> str:
    """Two slices with the filling showing; the filling's colours follow the sandwich."""
    if "ham" in name:
        layers = (("#7cb342", 182), ("#f2b8b0", 164), ("#f6c945", 152))
    elif "hummus" in name:
        layers = (("#7cb342", 182), ("#d9483b", 164), ("#e8d3a8", 152))
    else:  # egg mayonnaise and cress
        layers = (("#8bc34a", 182), ("#fff6d6", 164), ("#f7d046", 152))
    fill = "".join(f'<path d="M104 {y}h192v14H104Z" fill="{colour}"/>' for colour, y in layers)
    return (
        '<rect x="105" y="185" width="190" height="38" rx="10" fill="#c98a4b"/>'
        '<rect x="113" y="190" width="174" height="28" rx="6" fill="#f3dcae"/>'
        + fill
        + '<rect x="105" y="112" width="190" height="42" rx="10" fill="#c98a4b"/>'
        '<rect x="113" y="118" width="174" height="30" rx="6" fill="#f3dcae"/>'
    )


# --- Breakfast ------------------------------------------------------------------------------

def _bap(b: bytes, name: str) -> str:
    """A floury bap split and filled with bacon."""
    return (
        '<path d="M110 200h180v8q0 20-20 20H130q-20 0-20-20Z" fill="#e7c083"/>'
        '<path d="M106 186q24-14 48 0t48 0 48 0 48 0v14q-24 14-48 0t-48 0-48 0-48 0Z" fill="#b5473a"/>'
        '<path d="M106 192q24-14 48 0t48 0 48 0 48 0" stroke="#f3c1b0" stroke-width="4" fill="none"/>'
        '<path d="M108 182Q110 110 200 106Q290 110 292 182Z" fill="#e9c48a"/>'
        + "".join(f'<circle cx="{130 + b[i] % 140}" cy="{122 + b[i + 9] % 50}" r="3" fill="#fffaf2"/>' for i in range(16))
    )


def _bagel(b: bytes, name: str) -> str:
    """A sesame bagel, halved, with smoked salmon and cream cheese."""
    return (
        '<ellipse cx="200" cy="205" rx="95" ry="24" fill="#c98a3f"/>'
        '<path d="M105 190q24-12 48 0t48 0 48 0 48 0v12H105Z" fill="#fffaf0"/>'
        '<path d="M108 180q22-14 46 0t46 0 46 0 46 0l-4 14q-22-12-42 0t-46 0-46 0-46 0Z" fill="#f2875a"/>'
        '<path d="M112 170q0-58 88-60 88 2 88 60Z" fill="#c98a3f"/>'
        '<ellipse cx="200" cy="170" rx="88" ry="12" fill="#b07530"/>'
        + _seeds(b, (130, 118, 270, 160), 18, ("#fff6dc",))
    )


def _bowl(b: bytes, name: str) -> str:
    """A bowl of porridge topped with berries."""
    berries = "".join(f'<circle cx="{x}" cy="{y}" r="{r}" fill="{c}"/>' for x, y, r, c in
                      ((170, 128, 10, "#3b4fa0"), (192, 122, 9, "#c62a47"), (215, 130, 10, "#3b4fa0"),
                       (236, 124, 9, "#c62a47"), (202, 136, 8, "#5a3c8a")))
    return (
        '<ellipse cx="200" cy="132" rx="100" ry="24" fill="#f1e2c4"/>'
        '<path d="M100 132q0 90 100 92 100-2 100-92Z" fill="#2f6f73"/>'
        '<path d="M100 132q100 30 200 0" stroke="#fff" stroke-opacity=".25" stroke-width="6" fill="none"/>'
        + berries
    )


def _pot(b: bytes, name: str) -> str:
    """A glass pot of yoghurt, granola and fruit in layers."""
    return (
        '<path d="M140 95h120l-10 130q-1 8-9 8h-82q-8 0-9-8Z" fill="#fff" fill-opacity=".75"/>'
        '<path d="M146 180h108l-4 40q-1 6-7 6h-86q-6 0-7-6Z" fill="#fffaf2"/>'
        '<path d="M148 150h104l-2 30H150Z" fill="#c62a47"/>'
        '<path d="M144 110h112l-3 40H147Z" fill="#c98a3f"/>'
        + _seeds(b, (150, 112, 250, 148), 14, ("#f3d48f", "#8a5a32"))
        + '<circle cx="185" cy="104" r="9" fill="#3b4fa0"/><circle cx="212" cy="102" r="9" fill="#c62a47"/>'
    )


def _toast(b: bytes, name: str) -> str:
    """A slice of toast on a plate: smashed avocado, or two poached eggs."""
    if "avocado" in name:
        topping = ('<path d="M158 118q20-14 44-4 24-8 40 8 14 16 4 34-18 16-44 8-28 6-42-10-12-18-2-36Z" fill="#8cbf4a"/>'
                   + _seeds(b, (165, 115, 240, 160), 9, ("#d9483b", "#5d8c3a")))
    else:
        topping = "".join(f'<ellipse cx="{x}" cy="140" rx="30" ry="22" fill="#fff" stroke="#eee3d0" stroke-width="3"/>'
                          f'<circle cx="{x}" cy="138" r="12" fill="#f7a823"/>' for x in (178, 230))
    return (
        '<ellipse cx="200" cy="170" rx="118" ry="60" fill="#fffaf2"/>'
        '<ellipse cx="200" cy="170" rx="92" ry="44" fill="none" stroke="#e8dcc8" stroke-width="4"/>'
        '<rect x="140" y="108" width="120" height="78" rx="16" fill="#c9863f"/>'
        '<rect x="148" y="116" width="104" height="62" rx="11" fill="#efc27a"/>'
        + topping
    )


def _pancakes(b: bytes, name: str) -> str:
    """A stack of three pancakes with butter, syrup and blueberries."""
    stack = "".join(f'<ellipse cx="200" cy="{y}" rx="95" ry="22" fill="#d9963f"/><ellipse cx="200" cy="{y - 6}" rx="95" ry="20" fill="#efc27a"/>'
                    for y in (205, 180, 155))
    return (
        '<ellipse cx="200" cy="215" rx="120" ry="22" fill="#fffaf2"/>'
        + stack
        + '<path d="M130 150q70-22 140 0v8q-6 20-10 2-6 22-12 2-40 8-60 0-6 20-12 0-30-4-46-12Z" fill="#a8551c" fill-opacity=".85"/>'
        '<rect x="186" y="134" width="28" height="16" rx="3" fill="#fff3b0"/>'
        + "".join(f'<circle cx="{x}" cy="{y}" r="7" fill="#3b4fa0"/>' for x, y in ((150, 150), (240, 152), (222, 144)))
    )


# --- Drinks ---------------------------------------------------------------------------------

def _cup(b: bytes, name: str) -> str:
    """A cup and saucer; the surface says which drink (latte art, foam, black, cocoa, chai)."""
    cup = _CUP_COLOURS[b[6] % len(_CUP_COLOURS)]
    steam = "".join(
        f'<path d="M{x} 95q-12-14 0-28t0-28" stroke="#fff" stroke-opacity=".8" stroke-width="7" fill="none" stroke-linecap="round"/>'
        for x in (170, 200, 230)
    )
    if "americano" in name:
        surface = '<ellipse cx="200" cy="115" rx="72" ry="12" fill="#3a2214"/>'
    elif "cappuccino" in name:
        surface = ('<ellipse cx="200" cy="112" rx="74" ry="16" fill="#f5e6cf"/>'
                   + "".join(f'<circle cx="{170 + b[i] % 60}" cy="{106 + b[i + 5] % 12}" r="2" fill="#6f4328"/>' for i in range(12)))
    elif "chocolate" in name:
        surface = ('<ellipse cx="200" cy="115" rx="72" ry="12" fill="#5a321d"/>'
                   '<rect x="178" y="104" width="16" height="12" rx="3" fill="#fde6ef"/><rect x="204" y="106" width="16" height="12" rx="3" fill="#fff"/>')
    elif "chai" in name:
        surface = ('<ellipse cx="200" cy="115" rx="72" ry="12" fill="#c89b74"/>'
                   '<path d="M236 70l-18 52" stroke="#8a4b1f" stroke-width="9" stroke-linecap="round"/>')
    else:  # flat white: latte art
        surface = ('<ellipse cx="200" cy="115" rx="72" ry="12" fill="#8a5a3b"/>'
                   '<path d="M190 112q10-7 10 2 0-9 10-2-10 8-10 8t-10-8Z" fill="#f5e6cf"/>')
    return (
        '<ellipse cx="200" cy="222" rx="110" ry="16" fill="#fffaf2"/>'
        '<ellipse cx="200" cy="219" rx="70" ry="8" fill="#000" fill-opacity=".08"/>'
        f'<circle cx="272" cy="160" r="24" fill="none" stroke="{cup}" stroke-width="11"/>'
        f'<path d="M128 115h144l-12 90q-2 14-16 14h-88q-14 0-16-14Z" fill="{cup}" stroke="#000" stroke-opacity=".1" stroke-width="3"/>'
        + surface + steam
    )


def _teapot(b: bytes, name: str) -> str:
    """A round teapot with a cup of tea beside it."""
    return (
        '<ellipse cx="200" cy="228" rx="130" ry="12" fill="#000" fill-opacity=".06"/>'
        '<path d="M205 175l42-30q10-4 8 6l-30 40Z" fill="#2f6f73"/>'
        '<path d="M105 160q-22 4-18 28t30 18" stroke="#2f6f73" stroke-width="10" fill="none"/>'
        '<ellipse cx="160" cy="180" rx="60" ry="48" fill="#2f6f73"/>'
        '<path d="M125 135q35-16 70 0Z" fill="#23585b"/><circle cx="160" cy="122" r="8" fill="#23585b"/>'
        '<path d="M130 160q20-14 40-10" stroke="#fff" stroke-opacity=".3" stroke-width="7" fill="none" stroke-linecap="round"/>'
        '<path d="M242 185h64l-6 34q-2 8-10 8h-32q-8 0-10-8Z" fill="#fffaf2" stroke="#000" stroke-opacity=".1" stroke-width="3"/>'
        '<ellipse cx="274" cy="187" rx="30" ry="6" fill="#9a5a2a"/>'
        '<circle cx="312" cy="200" r="10" fill="none" stroke="#fffaf2" stroke-width="6"/>'
    )


def _glass(b: bytes, name: str) -> str:
    """A tall glass with a straw: orange juice, or an iced latte with ice cubes."""
    liquid = "#f7a31c" if "juice" in name else "#c89b74"
    ice = "" if "juice" in name else (
        '<rect x="170" y="120" width="26" height="26" rx="5" transform="rotate(15 183 133)" fill="#fff" fill-opacity=".6"/>'
        '<rect x="204" y="140" width="24" height="24" rx="5" transform="rotate(-10 216 152)" fill="#fff" fill-opacity=".6"/>')
    slice_ = ('<circle cx="258" cy="92" r="22" fill="#f7a31c"/><circle cx="258" cy="92" r="16" fill="#ffd36b"/>'
              if "juice" in name else "")
    return (
        '<path d="M232 60l-10 56" stroke="#e4572e" stroke-width="8" stroke-linecap="round"/>'
        '<path d="M145 80h110l-12 140q-1 10-11 10h-64q-10 0-11-10Z" fill="#fff" fill-opacity=".7"/>'
        f'<path d="M150 110h100l-9 106q-1 8-9 8h-64q-8 0-9-8Z" fill="{liquid}"/>'
        + ice + slice_
        + '<path d="M162 100l8 110" stroke="#fff" stroke-opacity=".6" stroke-width="6" stroke-linecap="round"/>'
    )


# What each kind of product looks like. The catalogue names a product's kind.
MOTIFS = {
    "round-loaf": _round_loaf, "rye-loaf": _rye_loaf, "bloomer": _bloomer, "tin-loaf": _tin_loaf,
    "focaccia": _focaccia, "brioche": _brioche,
    "croissant": _croissant, "pain-au-chocolat": _pain_au_chocolat, "bun": _bun, "knot": _knot,
    "raisin-swirl": _raisin_swirl,
    "traybake": _traybake, "loaf-slice": _loaf_slice, "layer-slice": _layer_slice,
    "whole-cake": _whole_cake,
    "cookie": _cookie, "fingers": _fingers, "macaroon": _macaroon, "biscotti": _biscotti,
    "sausage-roll": _sausage_roll, "pasty": _pasty, "quiche": _quiche, "sandwich": _sandwich,
    "bap": _bap, "bagel": _bagel, "bowl": _bowl, "pot": _pot, "toast": _toast, "pancakes": _pancakes,
    "cup": _cup, "teapot": _teapot, "glass": _glass,
}


def product_svg(name: str, category: str, kind: str) -> str:
    """A complete 400x300 SVG document illustrating `name`, a `kind` of thing ("bun", "cup"),
    on its `category`'s background."""
    b = hashlib.sha256(name.encode("utf-8")).digest()
    h, s, light = _BACKGROUNDS.get(category, _DEFAULT_BACKGROUND)
    h += b[0] % 13 - 6
    light += (b[1] % 7 - 3) / 100
    bg, halo, dot = _hsl(h, s, light), _hsl(h, s, light + 0.06), _hsl(h, s * 0.8, light - 0.07)
    dots = "".join(
        f'<circle cx="{b[2 + i] * 400 // 256}" cy="{b[20 + i] * 300 // 256}" r="{3 + b[26 + i] % 6}" fill="{dot}"/>'
        for i in range(6)
    )
    dx, dy, tilt = b[3] % 21 - 10, b[4] % 11 - 5, b[5] % 11 - 5
    motif = MOTIFS[kind](b, name.lower())
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
        svg = product_svg(product["name"], product["category"], product["kind"])
        (target_dir / f"{product['slug']}.svg").write_text(svg, encoding="utf-8")
    return len(PRODUCTS)


if __name__ == "__main__":
    target = pathlib.Path(__file__).resolve().parents[2] / "static" / "img" / "products"
    print(f"Wrote {write_all(target)} illustrations to {target}")
