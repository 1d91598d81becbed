"""Reference photos for cakes. An upload is trusted for nothing: its bytes must open in Pillow as
a JPEG, PNG or WebP (the name and the declared type are ignored), within 5 MB and a pixel limit
checked from the header before any pixel is decoded (a small file can claim a huge image: a
decompression bomb). What is kept is a fresh JPEG re-encoded from the pixels, at most 2000 px a
side, with no metadata (EXIF, GPS, comments are not copied), under a random name in the instance
folder, never under static/. Only its uploader (their cart's owner) and staff may see it."""
from __future__ import annotations

import secrets
import warnings
from io import BytesIO
from pathlib import Path

import sqlalchemy as sa
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy.orm import Session

from ..core.rules import RuleViolation
from ..orders.models import Order, OrderLine
from .models import CakeConfiguration, CakePhoto

FIELD = "photo"
MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 24_000_000          # e.g. 6000 × 4000, a large phone photo
MAX_SIDE = 2000
FORMATS = {"JPEG", "PNG", "WEBP"}
TOO_MANY_PIXELS = "That image is too large in pixels. Choose a photo of at most 24 megapixels."


def folder(instance_path: str) -> Path:
    path = Path(instance_path) / "cake-photos"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _refuse(message: str) -> RuleViolation:
    return RuleViolation.on(FIELD, message)


def clean(stream) -> Image.Image:
    """The upload's pixels, checked; RuleViolation beside the photo field otherwise."""
    data = stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise _refuse("The photo is larger than 5 MB. Choose a smaller one.")
    if not data:
        raise _refuse("That file is empty. Choose a JPEG, PNG or WebP photo.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(BytesIO(data))
            if image.format not in FORMATS:
                raise _refuse("That file is not a JPEG, PNG or WebP photo.")
            if image.width * image.height > MAX_PIXELS:
                raise _refuse(TOO_MANY_PIXELS)
            image.load()
    except RuleViolation:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(TOO_MANY_PIXELS) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _refuse("That file is not a photo we can read. Choose a JPEG, PNG or WebP photo.") from None
    return image


def store(session: Session, image: Image.Image, instance_path: str, owner: str, user_id: int | None) -> CakePhoto:
    """Re-encode (turned upright, RGB, no metadata) under a random name; the row joins the
    caller's transaction."""
    upright = ImageOps.exif_transpose(image)
    upright = upright.convert("RGB")
    upright.thumbnail((MAX_SIDE, MAX_SIDE))
    name = secrets.token_urlsafe(24)
    upright.save(folder(instance_path) / f"{name}.jpg", "JPEG", quality=85, optimize=True)
    photo = CakePhoto(name=name, owner=owner, user_id=user_id, width=upright.width, height=upright.height)
    session.add(photo)
    return photo


def may_see(session: Session, photo: CakePhoto | None, owner: str | None, user_id: int | None,
            is_staff: bool) -> bool:
    """Staff; the cart that uploaded it; the customer signed in when it was uploaded; or the
    customer whose order holds it (a guest's photo that came with the cart at sign-in)."""
    if photo is None:
        return False
    if is_staff or (owner is not None and photo.owner == owner) or (user_id is not None and photo.user_id == user_id):
        return True
    if user_id is None:
        return False
    return session.scalar(sa.select(CakeConfiguration.id)
                          .join(OrderLine, OrderLine.id == CakeConfiguration.order_line_id)
                          .join(Order, Order.id == OrderLine.order_id)
                          .where(CakeConfiguration.photo_id == photo.id, Order.user_id == user_id).limit(1)) is not None
