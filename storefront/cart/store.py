"""Carts in Redis. One hash per cart, `cart:u:<user id>` or `cart:g:<guest token>`, field
`p:<product id>` → quantity, plus a companion hash of the unit price each line was last shown
at (only to tell the customer about a price change; charging always reads the database).
A line that is more than a product (a configured cake, `c:<digest>`) keeps what it is in a third
hash, `cart-details:<owner>` (field → JSON). Every write refreshes a 24-hour expiry on them. Writes that read-then-write run as Lua scripts,
so concurrent requests never lose an update."""
from __future__ import annotations

import logging
from dataclasses import dataclass

import redis

log = logging.getLogger(__name__)

TTL_SECONDS = 24 * 3600
MAX_QUANTITY = 99
MAX_LINES = 50

# KEYS: cart, prices. ARGV: field, increment, cap, max lines, ttl, price seen.
# Returns {new quantity, amount cut by the cap, the cart's lines, their prices} (the last two as
# HGETALL gives them, so the answer's badge needs no second round trip), or {-1, 0, …} when the
# cart has no room for a new line.
_ADD = """
local function answer(new, capped)
  return {new, capped, redis.call('HGETALL', KEYS[1]), redis.call('HGETALL', KEYS[2])}
end
local current = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
if current == 0 and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[4]) then
  return answer(-1, 0)
end
local wanted = current + tonumber(ARGV[2])
local new = math.min(wanted, tonumber(ARGV[3]))
if new < 1 then
  redis.call('HDEL', KEYS[1], ARGV[1])
  redis.call('HDEL', KEYS[2], ARGV[1])
  return answer(0, 0)
end
redis.call('HSET', KEYS[1], ARGV[1], new)
if ARGV[6] ~= '' then redis.call('HSET', KEYS[2], ARGV[1], ARGV[6]) end
redis.call('EXPIRE', KEYS[1], ARGV[5])
redis.call('EXPIRE', KEYS[2], ARGV[5])
return answer(new, wanted - new)
"""

# KEYS: target cart, target prices, source cart, source prices, target details, source details.
# ARGV: max lines, ttl.
# Moves every source line into the target (quantities add; caps are applied afterwards by the
# service, which knows stock), then deletes the source. Returns the fields that did not fit.
_MERGE = """
local left_out = {}
local source = redis.call('HGETALL', KEYS[3])
for i = 1, #source, 2 do
  local field, qty = source[i], tonumber(source[i + 1])
  local current = tonumber(redis.call('HGET', KEYS[1], field) or '0')
  if current == 0 and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[1]) then
    table.insert(left_out, field)
  else
    redis.call('HSET', KEYS[1], field, current + qty)
    local price = redis.call('HGET', KEYS[4], field)
    if price then redis.call('HSET', KEYS[2], field, price) end
    local detail = redis.call('HGET', KEYS[6], field)
    if detail then redis.call('HSET', KEYS[5], field, detail) end
  end
end
redis.call('DEL', KEYS[3], KEYS[4], KEYS[6])
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('EXPIRE', KEYS[1], ARGV[2])
  redis.call('EXPIRE', KEYS[2], ARGV[2])
  redis.call('EXPIRE', KEYS[5], ARGV[2])
end
return left_out
"""


class CartUnavailable(Exception):
    """Redis did not answer: cart actions answer 503, pages carry on without a cart."""


@dataclass(frozen=True)
class AddResult:
    quantity: int      # the line's quantity now (0 = removed)
    capped_by: int     # how much of the request the cap cut off
    no_room: bool = False
    lines: dict[str, int] | None = None    # the whole cart just after, as `lines_and_prices` reads it
    prices: dict[str, str] | None = None


def product_field(product_id: int) -> str:
    return f"p:{product_id}"


def _whole(value) -> int | None:
    """A whole number written by this module, or None (ASCII digits only: `isdigit` alone also
    accepts ² and ①, which `int` refuses)."""
    text = str(value)
    return int(text) if text.isascii() and text.isdigit() else None


def product_id_of(field: str) -> int | None:
    kind, _, raw = field.partition(":")
    return _whole(raw) if kind == "p" else None


def _quantities(raw: dict) -> dict[str, int]:
    return {field: qty for field, value in raw.items() if (qty := _whole(value)) is not None}


def _pairs(flat) -> dict:
    """A hash as a script returns it (field, value, field, value …)."""
    if isinstance(flat, dict):
        return dict(flat)
    return dict(zip(flat[::2], flat[1::2]))


class CartStore:
    def __init__(self, client: redis.Redis, owner_key: str):
        self.client = client
        self.owner_key = owner_key
        self.key = f"cart:{owner_key}"
        self.prices_key = f"cart-prices:{owner_key}"
        self.details_key = f"cart-details:{owner_key}"

    def _call(self, fn, *args):
        try:
            return fn(*args)
        except redis.RedisError as exc:
            raise CartUnavailable(str(exc)) from exc

    def lines(self) -> dict[str, int]:
        return _quantities(self._call(self.client.hgetall, self.key))

    def lines_and_prices(self) -> tuple[dict[str, int], dict[str, str]]:
        """Quantities and the prices last shown, in one round trip (the cart bar reads both)."""
        def read():
            with self.client.pipeline(transaction=False) as pipe:
                pipe.hgetall(self.key)
                pipe.hgetall(self.prices_key)
                return pipe.execute()

        raw, prices = self._call(read)
        return _quantities(raw), prices

    def details(self) -> dict[str, str]:
        return self._call(self.client.hgetall, self.details_key)

    def set_detail(self, field: str, value: str) -> None:
        def write():
            with self.client.pipeline(transaction=True) as pipe:
                pipe.hset(self.details_key, field, value)
                pipe.expire(self.details_key, TTL_SECONDS)
                pipe.execute()

        self._call(write)

    def add(self, field: str, increment: int, cap: int, price_seen: str = "") -> AddResult:
        script = self.client.register_script(_ADD)
        new, capped, raw, prices = self._call(script, [self.key, self.prices_key],
                                              [field, increment, cap, MAX_LINES, TTL_SECONDS, price_seen])
        lines, prices = _quantities(_pairs(raw)), _pairs(prices)
        if int(new) == -1:
            return AddResult(quantity=0, capped_by=0, no_room=True, lines=lines, prices=prices)
        return AddResult(quantity=int(new), capped_by=int(capped), lines=lines, prices=prices)

    def set(self, field: str, quantity: int, price_seen: str = "") -> None:
        def write():
            with self.client.pipeline(transaction=True) as pipe:
                pipe.hset(self.key, field, quantity)
                if price_seen:
                    pipe.hset(self.prices_key, field, price_seen)
                pipe.expire(self.key, TTL_SECONDS)
                pipe.expire(self.prices_key, TTL_SECONDS)
                pipe.execute()

        self._call(write)

    def remove(self, *fields: str) -> None:
        if not fields:
            return

        def write():
            with self.client.pipeline(transaction=True) as pipe:
                pipe.hdel(self.key, *fields)
                pipe.hdel(self.prices_key, *fields)
                pipe.hdel(self.details_key, *fields)
                pipe.execute()

        self._call(write)

    def clear(self) -> None:
        self._call(self.client.delete, self.key, self.prices_key, self.details_key)

    def clear_after_order(self) -> bool:
        """Empty the cart once its order is committed. Redis failing here must not turn a placed
        order into an error page: the cart just keeps its lines (and expires in a day)."""
        try:
            self.clear()
        except CartUnavailable as exc:
            log.warning("cart not emptied after its order (Redis unavailable): %s", exc)
            return False
        return True

    def absorb(self, other: CartStore) -> list[str]:
        """Move `other`'s lines into this cart atomically; `other` is deleted."""
        script = self.client.register_script(_MERGE)
        return list(self._call(script, [self.key, self.prices_key, other.key, other.prices_key,
                                         self.details_key, other.details_key],
                               [MAX_LINES, TTL_SECONDS]))
