"""Product photos. An upload goes through the same checks as a cake's reference photo
(cakes.photos.clean: the bytes must open in Pillow as JPEG, PNG or WebP, within 5 MB and 24
megapixels, whatever the name or declared type says), then is cropped to the menu's 4:3 and
re-encoded, without metadata, into the two sizes the site shows: 800 × 600 on the product page and
400 × 300 on the menu's cards. Files go under random names into `static/uploads/products/`, served
like the rest of the static files (cacheable: a new photo gets a new name)."""
from __future__ import annotations

import secrets
from pathlib import Path

from PIL import Image, ImageOps

from ...cakes import photos
from ...core.rules import RuleViolation
from ...menu.models import UPLOADED_IMAGES

FIELD = "image"
SIZES = {"": (800, 600), "-400": (400, 300)}   # file suffix -> pixels


def check(stream) -> Image.Image:
    """The upload's pixels, or a RuleViolation beside the photo field."""
    try:
        return photos.clean(stream)
    except RuleViolation as violation:
        raise RuleViolation([(FIELD, message) for _, message in violation.reasons]) from None


def store(image: Image.Image, static_folder: str) -> str:
    """Write every size; answer the static path of the large one (what `Product.image_path` holds)."""
    upright = ImageOps.exif_transpose(image).convert("RGB")
    name = secrets.token_urlsafe(18)
    target = Path(static_folder) / UPLOADED_IMAGES
    target.mkdir(parents=True, exist_ok=True)
    for suffix, size in SIZES.items():
        ImageOps.fit(upright, size, Image.Resampling.LANCZOS).save(
            target / f"{name}{suffix}.jpg", "JPEG", quality=85, optimize=True, progressive=True)
    return f"{UPLOADED_IMAGES}{name}.jpg"
