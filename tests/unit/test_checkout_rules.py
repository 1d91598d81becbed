"""Checkout rules without HTTP: promo codes, totals, delivery zones, slots and the clock."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storefront.checkout import promo as promos
from storefront.checkout import service as checkout_service
from storefront.checkout import slots
from storefront.checkout.models import DeliveryZone, OrderingRules, OrderType, PromoCode, PromoKind, SlotBooking
from storefront.checkout.pricing import totals
from storefront.checkout.zones import delivery_areas, is_valid_postcode, parse_postcode, zone_for
from storefront.core.rules import RuleViolation
from storefront.core.slots import parse_slot_value
from storefront.core.time import zone
from storefront.extensions import db
from tests.support.builders import make_closure, make_hours

LONDON = zone("Europe/London")
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)

money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("500"), places=2)


def line(total: str, product_id=1, category_id=1):
    return promos.PricedLine(product_id=product_id, category_id=category_id, total=Decimal(total))


def code(**fields) -> PromoCode:
    values = dict(code="TEST", kind=PromoKind.PERCENT, value=Decimal("10"), is_active=True, uses_count=0,
                  order_type=OrderType.ANY, category_ids=[], product_ids=[], min_subtotal=None, max_discount=None,
                  starts_at=None, ends_at=None, usage_limit=None, per_customer_limit=None)
    values.update(fields)
    return PromoCode(**values)


def reason(promo, lines=None, fulfilment="pickup", **kwargs) -> str:
    with pytest.raises(RuleViolation) as caught:
        promos.evaluate(promo, lines=lines or [line("10.00")], fulfilment=fulfilment, now=NOW,
                        format_money=lambda m: f"£{m}", **kwargs)
    (field, message), = caught.value.reasons
    assert field == "promo_code"
    return message


@pytest.mark.no_db
class TestPromoReasons:
    def test_unknown_or_inactive(self):
        assert reason(None) == "We don’t recognise that code. Check it and try again."
        assert reason(code(is_active=False)).startswith("We don’t recognise")

    def test_not_started_and_expired(self):
        assert reason(code(starts_at=NOW + timedelta(days=2))) == "This code starts on 2026-11-22."
        assert reason(code(ends_at=NOW - timedelta(days=1))) == "This code expired on 2026-11-19."

    def test_minimum_spend_is_inclusive_and_says_how_much_more(self):
        assert reason(code(min_subtotal=Decimal("15.00"))) == "Spend £5.00 more to use this code (minimum £15.00)."
        ok = promos.evaluate(code(min_subtotal=Decimal("10.00")), lines=[line("10.00")], fulfilment="pickup",
                             now=NOW, format_money=str)
        assert ok.amount == Decimal("1.00")

    def test_usage_limits(self):
        assert reason(code(usage_limit=10, uses_count=10)) == "This code has been fully used."
        assert reason(code(per_customer_limit=1), customer_uses=1) == "You have already used this code."

    def test_scope_and_order_type(self):
        scoped = code(category_ids=[7])
        assert reason(scoped, [line("10.00", category_id=1)]) == "Nothing in your cart qualifies for this code."
        assert reason(code(order_type=OrderType.DELIVERY)) == "This code is for delivery orders only."
        assert reason(code(kind=PromoKind.FREE_DELIVERY)) == "This code gives free delivery: choose delivery to use it."

    def test_scoped_discount_counts_only_qualifying_lines(self):
        scoped = code(kind=PromoKind.FIXED, value=Decimal("5.00"), product_ids=[2])
        result = promos.evaluate(scoped, lines=[line("20.00", 1), line("3.00", 2)], fulfilment="pickup", now=NOW,
                                 format_money=str)
        assert result.amount == Decimal("3.00")  # never more than the qualifying £3


@pytest.mark.no_db
@given(qualifying=money, value=st.decimals(min_value=0, max_value=200, places=2),
       kind=st.sampled_from([PromoKind.PERCENT, PromoKind.FIXED]),
       cap=st.none() | st.decimals(min_value=0, max_value=100, places=2))
def test_a_discount_never_exceeds_the_discountable_amount(qualifying, value, kind, cap):
    amount = promos.amount_off(code(kind=kind, value=value, max_discount=cap), qualifying)
    assert Decimal("0") <= amount <= qualifying
    assert cap is None or amount <= cap
    assert amount == amount.quantize(Decimal("0.01"))


@pytest.mark.no_db
@given(subtotal=money, discount=st.decimals(min_value=0, max_value=1000, places=2),
       fee=st.decimals(min_value=0, max_value=20, places=2), rate=st.decimals(min_value=0, max_value=30, places=2))
def test_the_total_is_never_negative_and_adds_up(subtotal, discount, fee, rate):
    result = totals(subtotal, discount, fee, rate)
    assert result.total >= 0
    assert result.total == result.subtotal + result.delivery_fee - result.discount
    assert Decimal("0") <= result.tax_included <= result.total


@pytest.mark.no_db
def test_percent_discounts_and_tax_round_half_up_to_the_cent():
    assert promos.amount_off(code(value=Decimal("10")), Decimal("0.05")) == Decimal("0.01")   # 0.005 → 0.01
    assert promos.amount_off(code(value=Decimal("12.5")), Decimal("0.20")) == Decimal("0.03")  # 0.025 → 0.03
    assert totals(Decimal("6.00"), Decimal("0"), Decimal("0"), Decimal("20")).tax_included == Decimal("1.00")


@pytest.mark.no_db
@pytest.mark.parametrize("raw, valid", [("BS1 4QA", True), ("bs14qa", True), ("SW1A 1AA", True),
                                        ("12345", False), ("", False), ("BS1 4QAX", False)])
def test_uk_postcodes(raw, valid):
    assert is_valid_postcode(raw) is valid


def test_delivery_zone_by_longest_prefix(app_ctx):
    db.session.add_all([DeliveryZone(name="Centre", postcode_prefixes="BS1", fee=Decimal("2.50")),
                        DeliveryZone(name="Anywhere BS", postcode_prefixes="BS", fee=Decimal("6.00")),
                        DeliveryZone(name="Closed", postcode_prefixes="BS3", fee=Decimal("1.00"), is_active=False)])
    db.session.commit()
    assert zone_for(db.session, "bs1 4qa").name == "Centre"
    assert zone_for(db.session, "BS10 5AB").name == "Anywhere BS"  # BS1 is not a prefix of BS10
    assert zone_for(db.session, "BS3 1AA").name == "Anywhere BS"   # inactive zones are ignored
    assert zone_for(db.session, "SW1A 1AA") is None


# --- slots ------------------------------------------------------------------------------------

def rules(**fields) -> OrderingRules:
    values = dict(preparation_minutes=20, slot_minutes=15, orders_per_slot=2, last_order_minutes=15,
                  days_ahead=7, cancel_minutes=60, tax_rate=Decimal("20"))
    values.update(fields)
    return OrderingRules(**values)


def local_times(days, on: date) -> list[str]:
    for day in days:
        if day.day == on:
            return [s.local.strftime("%H:%M") for s in day.slots]
    return []


def test_slots_follow_periods_lead_time_and_cutoff(app_ctx):
    make_hours(4, "08:00", "09:00")   # Friday
    make_hours(4, "17:00", "17:45")
    now = datetime(2026, 11, 20, 8, 5, tzinfo=UTC)  # 08:05 in London (GMT)
    days = slots.available_days(db.session, rules(), LONDON, now)
    # 20 minutes to prepare: 08:30 is first; last orders 15 minutes before closing.
    assert local_times(days, date(2026, 11, 20)) == ["08:30", "08:45", "17:00", "17:15", "17:30"]
    assert local_times(days, date(2026, 11, 27)) == ["08:00", "08:15", "08:30", "08:45", "17:00", "17:15", "17:30"]
    assert local_times(days, date(2026, 11, 21)) == []  # no hours on Saturday


def test_closures_remove_whole_days_and_full_slots_are_marked(app_ctx):
    make_hours(4, "08:00", "08:45")
    make_closure(date(2026, 11, 27), reason="Training")
    first = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
    db.session.add(SlotBooking(slot_start=first, orders_count=2))
    db.session.commit()
    days = slots.available_days(db.session, rules(preparation_minutes=0), LONDON, first - timedelta(minutes=30))
    assert local_times(days, date(2026, 11, 27)) == []
    full = {s.local.strftime("%H:%M"): s.is_full for s in days[0].slots}
    assert full == {"08:00": True, "08:15": False, "08:30": False}


def test_spring_forward_skips_times_that_do_not_exist(app_ctx):
    # Sunday 29 March 2026, London: 01:00 GMT becomes 02:00 BST; 01:00–01:59 never happen.
    make_hours(6, "00:00", "03:15")
    now = datetime(2026, 3, 28, 12, 0, tzinfo=UTC)
    days = slots.available_days(db.session, rules(), LONDON, now)
    times = local_times(days, date(2026, 3, 29))
    assert times == ["00:00", "00:15", "00:30", "00:45", "02:00", "02:15", "02:30", "02:45", "03:00"]
    starts = [s.start for d in days if d.day == date(2026, 3, 29) for s in d.slots]
    assert starts[3] == datetime(2026, 3, 29, 0, 45, tzinfo=UTC) and starts[4] == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)


def test_fall_back_offers_the_repeated_hour_twice_as_distinct_slots(app_ctx):
    # Sunday 25 October 2026, London: 02:00 BST becomes 01:00 GMT; 01:00–01:59 happen twice.
    # The shop's one grid (core.slots) offers both occurrences, each its own instant and value.
    make_hours(6, "00:30", "02:15")
    days = slots.available_days(db.session, rules(), LONDON, datetime(2026, 10, 24, 12, 0, tzinfo=UTC))
    times = local_times(days, date(2026, 10, 25))
    assert times == ["00:30", "00:45", "01:00", "01:15", "01:30", "01:45",
                     "01:00", "01:15", "01:30", "01:45", "02:00"]
    day = next(d for d in days if d.day == date(2026, 10, 25))
    assert len({s.start for s in day.slots}) == len({s.value for s in day.slots}) == len(times)
    assert [s.local.strftime("%H:%M") for s in day.slots if s.repeated] == ["01:00", "01:15", "01:30", "01:45"] * 2
    assert all(s.start.tzinfo == UTC for d in days for s in d.slots)


def test_asap_only_while_open_and_before_last_orders(app_ctx):
    make_hours(4, "08:00", "17:00")
    friday = lambda h, m: datetime(2026, 11, 20, h, m, tzinfo=UTC)  # noqa: E731  London is on GMT
    assert slots.asap_time(db.session, rules(), LONDON, friday(7, 59)) is None
    assert slots.asap_time(db.session, rules(), LONDON, friday(12, 0)) == friday(12, 20)
    assert slots.asap_time(db.session, rules(), LONDON, friday(16, 45)) == friday(17, 5)
    assert slots.asap_time(db.session, rules(), LONDON, friday(16, 46)) is None
    make_closure(date(2026, 11, 20))
    assert slots.asap_time(db.session, rules(), LONDON, friday(12, 0)) is None


@pytest.mark.no_db
def test_slot_values_read_back_as_utc_instants():
    assert parse_slot_value("2026-11-20T08:30Z") == datetime(2026, 11, 20, 8, 30, tzinfo=UTC)
    assert parse_slot_value("2026-11-20T08:30+00:00") == datetime(2026, 11, 20, 8, 30, tzinfo=UTC)
    for bad in ("", "tomorrow", "2026-13-40T99:99Z", None, "2026-11-20 08:30"):
        assert parse_slot_value(bad) is None


def test_asap_is_the_first_slot_with_room_after_the_ready_time(app_ctx):
    make_hours(4, "08:00", "17:00")
    now = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    assert slots.asap_slot(db.session, rules(), LONDON, now).start == datetime(2026, 11, 20, 12, 30, tzinfo=UTC)
    db.session.add(SlotBooking(slot_start=datetime(2026, 11, 20, 12, 30, tzinfo=UTC), orders_count=2))
    db.session.commit()
    assert slots.asap_slot(db.session, rules(), LONDON, now).start == datetime(2026, 11, 20, 12, 45, tzinfo=UTC)
    assert slots.asap_slot(db.session, rules(), LONDON, datetime(2026, 11, 20, 7, 0, tzinfo=UTC)) is None


# --- postcodes: a full one or its outward part ------------------------------------------------

@pytest.mark.no_db
@pytest.mark.parametrize("raw, parsed", [
    ("BS1", "BS1"), (" bs1 ", "BS1"), ("SW1A", "SW1A"), ("bs14qa", "BS1 4QA"), ("EC1A 1BB", "EC1A 1BB"),
    ("BS1 4", None), ("BS", None), ("QQ1 1AA", None), ("BS1 4QAX", None), ("12345", None), ("", None),
    ("BS1 4CA", None),   # C is never an inward-code letter
])
def test_postcodes_are_parsed_by_the_royal_mail_rules(raw, parsed):
    result = parse_postcode(raw)
    assert (str(result) if result else None) == parsed


def test_an_outward_code_alone_finds_its_zone(app_ctx):
    db.session.add(DeliveryZone(name="Centre", postcode_prefixes="BS1 bs2", fee=Decimal("2.50")))
    db.session.commit()
    assert zone_for(db.session, "bs1").name == "Centre" and zone_for(db.session, "BS2 0AA").name == "Centre"
    assert zone_for(db.session, "BS10") is None and zone_for(db.session, "nonsense") is None
    assert delivery_areas(db.session) == ("BS1", "BS2")


# --- a day, then a time --------------------------------------------------------------------------

def test_every_day_says_why_it_has_no_time(app_ctx):
    for weekday in (4, 5, 0):   # Friday, Saturday, Monday; closed on the other days
        make_hours(weekday, "08:00", "09:00")
    make_closure(date(2026, 11, 23), reason="Staff training")
    db.session.add_all([SlotBooking(slot_start=datetime(2026, 11, 21, 8, m, tzinfo=UTC), orders_count=2)
                        for m in (0, 15, 30, 45)])
    db.session.commit()
    days = slots.day_choices(db.session, rules(), LONDON, datetime(2026, 11, 20, 8, 50, tzinfo=UTC))
    reasons = {day.day: day.reason for day in days}
    assert reasons[date(2026, 11, 20)] == "Past last orders for today"
    assert reasons[date(2026, 11, 21)] == "Fully booked"
    assert reasons[date(2026, 11, 22)] == "Closed"
    assert reasons[date(2026, 11, 23)] == "Closed: Staff training"
    assert reasons[date(2026, 11, 27)] is None and len(days) == 8


def test_only_one_day_however_far_ahead(app_ctx):
    make_hours(0, "08:00", "08:30")   # Mondays
    days = slots.day_choices(db.session, rules(days_ahead=7), LONDON, NOW, only=date(2026, 12, 28))
    assert [d.day for d in days] == [date(2026, 12, 28)]
    assert [s.local.strftime("%H:%M") for s in days[0].slots] == ["08:00", "08:15"]
    past = slots.day_choices(db.session, rules(), LONDON, NOW, only=date(2026, 11, 16))
    assert past[0].reason == "That day has passed"


def _quote(days, asap=None) -> checkout_service.Quote:
    return checkout_service.Quote(cart=None, rules=rules(), zone=None, totals=None, discount=None, asap=asap,
                                  days=days, problems=[], today=date(2026, 11, 20))


def test_the_day_shown_and_the_time_selected(app_ctx):
    make_hours(4, "08:00", "17:00")
    make_hours(5, "09:00", "10:00")
    days = slots.day_choices(db.session, rules(), LONDON, NOW)
    asap = slots.asap_slot(db.session, rules(), LONDON, NOW, days)
    quote = _quote(days, asap.start)
    first = checkout_service.pick_time(quote, "", "")
    assert (first.day.day, first.when) == (date(2026, 11, 20), "asap")
    saturday = checkout_service.pick_time(quote, "2026-11-21", "asap")   # another day: its first time
    assert (saturday.day.day, saturday.when) == (date(2026, 11, 21), "2026-11-21T09:00+00:00")
    kept = checkout_service.pick_time(quote, "2026-11-21", "2026-11-21T09:30Z")   # same instant, any spelling
    assert kept.when == "2026-11-21T09:30+00:00"
    by_time = checkout_service.pick_time(quote, "bogus", "2026-11-21T09:45+00:00")
    assert (by_time.day.day, by_time.when) == (date(2026, 11, 21), "2026-11-21T09:45+00:00")
    closed = checkout_service.pick_time(quote, "2026-11-22", "")   # a closed day can still be looked at
    assert (closed.day.day, closed.when, closed.day.reason) == (date(2026, 11, 22), "", "Closed")


@pytest.mark.no_db
def test_cakes_for_different_days_cannot_share_an_order():
    class Cake:
        def __init__(self, day):
            self.due_on = day

    day, problems = checkout_service.order_day([Cake(date(2026, 11, 30)), Cake(date(2026, 11, 30))])
    assert (day, problems) == (date(2026, 11, 30), [])
    assert checkout_service.order_day([]) == (None, [])
    _, problems = checkout_service.order_day([Cake(date(2026, 11, 30)), Cake(date(2026, 11, 28))])
    assert problems[0][0] == "when" and "Saturday 28 November and Monday 30 November" in problems[0][1]
