"""``manage.py load_demo``: :mod:`inventory.demo` as rows. The catalogue, locations and lots
go through the ordinary services (the changelog shows them), the 60 days of history through
:class:`~.bulk.BackdatedLedger`, and two stock operations of today through the ledger
services."""

import random
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from config.core.actors import Actor

from inventory import demo as data
from inventory.models import (
    Lot,
    Part,
    StockMovement,
    StockStatus,
)
from inventory.stock import services as stock
from inventory.catalogue.services import parts_create_many
from inventory.stock.services.locations import lot_create
from inventory.services.seeding.bulk import (
    ON_HAND,
    BackdatedLedger,
    BalanceKey,
    Write,
    ensure_locations,
    ensure_part_types,
    record_history,
)

# The demo dataset (load_demo) --------------------------------------------------------------


def demo_loaded() -> bool:
    """The demo's lots are its marker: seed_demo never creates them, and changelog retention
    cannot remove them."""
    return Lot.objects.filter(name=data.LOTS[0]["name"]).exists()


def demo_load(*, actor: Actor | None = None, write: Write | None = None) -> dict[str, int] | None:
    """Load :mod:`inventory.demo` once, all or nothing: the catalogue, locations and lots
    through the services, ~60 days of backdated stock history through
    :class:`BackdatedLedger` (one changelog entry), then two stock operations of today
    through the ledger services. Returns counts, or ``None`` if the demo is already loaded."""
    actor = actor or Actor.system("load_demo")
    say = write or (lambda text: None)
    if demo_loaded():
        return None
    now = timezone.now()
    rng = random.Random(2026)  # noqa: S311 - reproducible demo data, not secrets
    with transaction.atomic():
        types = ensure_part_types(actor=actor, specs=data.PART_TYPES)
        say(f"  part types: {', '.join(types)}")
        parts: list[Part] = []
        for slug, part_type in types.items():
            rows = [dict(fields) for type_slug, fields in data.PARTS if type_slug == slug]
            parts += parts_create_many(actor=actor, part_type=part_type, rows=rows)
        say(f"  parts: {len(parts)}")
        locations = ensure_locations(actor=actor, specs=data.LOCATIONS)
        say(f"  locations: {len(locations)}")
        today = now.date()
        lots = {
            spec["name"]: lot_create(
                actor=actor,
                name=spec["name"],
                reference=spec["reference"],
                description=spec["description"],
                expiry_date=today + timedelta(days=spec["expiry_days"])
                if spec["expiry_days"]
                else None,
            )
            for spec in data.LOTS
        }
        say(f"  lots: {len(lots)}")
        ledger = BackdatedLedger(actor)
        homes = _homes(parts)
        for part in parts:
            _demo_part_history(ledger, rng, part, locations[homes[part.pk]], locations, lots, now)
        ledger.flush()
        record_history(
            actor=actor,
            key="demo",
            summary={
                "movements": ledger.movements_written,
                "balances": ledger.balances_written,
                "from": now - timedelta(days=60),
                "until": now,
            },
        )
        say(f"  stock history: {ledger.movements_written} movements over 60 days")
        by_mpn = {part.mpn: part for part in parts}
        stock.stock_remove(
            actor=actor,
            part=by_mpn["RC0603FR-0710KL"],
            location=locations[homes[by_mpn["RC0603FR-0710KL"].pk]],
            quantity=Decimal(25),
            comment="Rework of WC-SENSOR rev B #31",
        )
        stock.stock_add(
            actor=actor,
            part=by_mpn["GRM188R71H104KA93D"],
            location=locations["GOODS-IN"],
            quantity=Decimal(4000),
            unit_price=Decimal("0.0091"),
            currency="EUR",
            comment="Delivery PO-2026-0201",
            source="receipt:PO-2026-0201",
        )
    return {
        "part_types": len(types),
        "parts": len(parts),
        "locations": len(locations),
        "lots": len(lots),
        "movements": ledger.movements_written + 2,
    }


def _homes(parts: Sequence[Part]) -> dict[int, str]:
    """Where each part lives: every third passive on a reel in shelf B, the rest in bins."""
    homes, reels = {}, iter(data.REEL_SLOTS)
    for index, part in enumerate(parts):
        passive = part.part_type.slug in {"resistor", "capacitor"}
        reel = next(reels, None) if passive and index % 3 == 0 else None
        homes[part.pk] = reel or data.SHELF_A_BINS[index % len(data.SHELF_A_BINS)]
    return homes


def _demo_part_history(ledger, rng, part, home_location, locations, lots, now) -> None:
    """Receipts, shelving, picks, kitting, a stocktake and reservations of one part, applied
    in time order so that each quantity is decided from the stock there is at that moment."""
    slug = part.part_type.slug
    profile = data.STOCK_PROFILES[slug]
    home = home_location.pk
    goods_in, kitting = locations["GOODS-IN"].pk, locations["PROD-KIT"].pk
    lot = lots[data.RECEIPT_LOT_BY_MPN.get(part.mpn, data.RECEIPT_LOTS[slug])]
    start = now - timedelta(days=60) + timedelta(hours=rng.uniform(0, 72))
    received = start + timedelta(days=rng.uniform(1, 12))
    events: list[tuple[datetime, str]] = [
        (received, "receipt"),
        (received + timedelta(hours=rng.uniform(2, 30)), "shelve"),
    ]
    if rng.random() < 0.4:
        events.append((start, "opening"))
    for _ in range(rng.randint(2, 7)):
        at = received + timedelta(days=rng.uniform(2, (now - received).days - 1))
        events.append((at, "kit" if rng.random() < 0.3 else "pick"))
    if home_location.code.startswith("A-"):
        events.append((now - timedelta(days=20, hours=rng.uniform(0, 6)), "count"))
    if rng.random() < 0.25:
        events.append((now - timedelta(days=rng.uniform(1, 6)), "reserve"))
    events.sort()
    small = rng.random() < 0.15  # a short delivery: these parts end up in the low-stock report
    threshold = int(part.low_stock_threshold or 0)
    price = Decimal(str(round(rng.uniform(*profile["price"]), 4)))

    def key(location: int, lot_id: int | None = None, status: str = ON_HAND) -> BalanceKey:
        return (part.pk, location, lot_id, status)

    def pick_quantity() -> int:
        wanted = rng.randint(*profile["pick"])
        available = int(ledger.on_hand(part.pk, home) + ledger.on_hand(part.pk, home, lot.pk))
        return min(wanted, available // 2)

    def take(target, quantity, at, comment, operation) -> None:
        # Oldest first: stock without a lot, then the lot (as the ledger services do).
        for lot_id in (None, lot.pk):
            portion = min(quantity, int(ledger.on_hand(part.pk, home, lot_id)))
            if portion <= 0:
                continue
            if target is None:
                ledger.remove(key(home, lot_id), portion, at, comment=comment)
            else:
                ledger.transfer(operation, key(home, lot_id), key(target, lot_id), portion, at)
            quantity -= portion

    for at, event in events:
        build = rng.choice(data.BUILDS)
        if event == "opening":
            quantity = rng.choice(profile["receipt"]) // 4
            ledger.add(key(home), quantity, at, comment="Opening stock (inventory count)")
        elif event == "receipt":
            quantity = max(threshold // 2, 10) if small else rng.choice(profile["receipt"])
            ledger.add(
                key(goods_in, lot.pk),
                quantity,
                at,
                unit_price=price,
                currency="EUR",
                source=f"receipt:{lot.reference}",
                comment=f"Delivery {lot.reference}",
            )
        elif event == "shelve":
            quantity = int(ledger.on_hand(part.pk, goods_in, lot.pk))
            ledger.transfer(
                StockMovement.Operation.MOVE, key(goods_in, lot.pk), key(home, lot.pk), quantity, at
            )
        elif event == "pick" and (quantity := pick_quantity()) > 0:
            take(None, quantity, at, f"Build {build}", None)
        elif event == "kit" and (quantity := pick_quantity()) > 0:
            take(kitting, quantity, at, "", StockMovement.Operation.MOVE)
            consumed = at + timedelta(days=rng.uniform(0.5, 2))
            if consumed < now:
                for lot_id in (None, lot.pk):
                    there = ledger.on_hand(part.pk, kitting, lot_id)
                    if there > 0:
                        ledger.leg(
                            uuid.uuid4(),
                            StockMovement.Operation.PRODUCTION,
                            key(kitting, lot_id),
                            -there,
                            consumed,
                            source=f"order:WO-26{rng.randint(10, 99)}",
                            comment=f"Consumed by {build}",
                        )
        elif event == "count":
            for lot_id in (None, lot.pk):
                there = int(ledger.on_hand(part.pk, home, lot_id))
                delta = rng.choice([0, 0, 0, 0, -1, -2, 1, -5])
                if there + delta >= 0 and there > 0 and delta:
                    ledger.leg(
                        uuid.uuid4(),
                        StockMovement.Operation.ADJUST,
                        key(home, lot_id),
                        delta,
                        at,
                        comment="Stocktake shelf A",
                    )
        elif event == "reserve" and (quantity := pick_quantity()) > 0:
            there = int(ledger.on_hand(part.pk, home, lot.pk))
            if there >= quantity:
                ledger.transfer(
                    StockMovement.Operation.STATUS,
                    key(home, lot.pk),
                    key(home, lot.pk, StockStatus.RESERVED),
                    quantity,
                    at,
                    comment=f"Reserved for {build}",
                )
    on_hand = ledger.on_hand(part.pk, home) + ledger.on_hand(part.pk, home, lot.pk)
    if threshold and on_hand < threshold:
        ledger.add(
            key(goods_in, None, StockStatus.ORDERED),
            threshold * 2,
            now - timedelta(days=rng.uniform(0.5, 3)),
            source="order:PO-2026-0199",
            comment="Reorder: under the low-stock threshold",
        )
