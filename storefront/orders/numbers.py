"""Human-friendly order numbers: short, unambiguous when read aloud, not sequential."""
from __future__ import annotations

import secrets

# No 0/O, 1/I/L, 5/S or 2/Z: easy to read over the counter or the phone.
ALPHABET = "346789ABCDEFGHJKMNPQRTUVWXY"


def new_order_number() -> str:
    return "CK-" + "".join(secrets.choice(ALPHABET) for _ in range(6))
