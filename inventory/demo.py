"""``manage.py load_demo``: the demo dataset of ``demo.toml``, loaded through the services.

The catalogue, locations and lots go through the ordinary services (the changelog shows
them). The ~60 days of stock history cannot: the ledger services stamp movements with the
current time, so it goes through the one bulk path into the ledger,
:class:`~inventory.services.seeding.BackdatedLedger`, with one changelog entry. The stock
operations of today go through the ledger services again."""

import random
import tomllib
import uuid
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from config.core.actors import Actor
from inventory.catalogue.services import part_type_create, parts_create_many
from inventory.models import Lot, Part, PartType, StockMovement, StockStatus, StorageLocation
from inventory.services.seeding import BackdatedLedger, BalanceKey, record_history
from inventory.stock import services as stock
from inventory.stock.services.locations import location_create, lot_create

DATA_FILE = Path(__file__).with_name("demo.toml")
ON_HAND = StockStatus.ON_HAND
PASSIVES = {"resistor", "capacitor"}  # the part types that come on reels
DEMO_ONLY = {"type", "receipt_lot"}  # keys of a part in demo.toml that part_create does not take
Write = Callable[[str], None]


def demo_data() -> dict[str, Any]:
    """``demo.toml``, parsed afresh on every call (so callers may change what they get)."""
    with DATA_FILE.open("rb") as file:
        return tomllib.load(file)


def ensure_part_types(*, actor: Actor, specs: Sequence[Mapping[str, Any]]) -> dict[str, PartType]:
    """The part types of ``specs`` (arguments of ``part_type_create``) by slug, creating the
    missing ones through the service."""
    found = {t.slug: t for t in PartType.objects.filter(slug__in=[s["slug"] for s in specs])}
    for spec in specs:
        if spec["slug"] not in found:
            found[spec["slug"]] = part_type_create(actor=actor, **spec)
    return found


def ensure_locations(
    *, actor: Actor, specs: Sequence[Mapping[str, Any]]
) -> dict[str, StorageLocation]:
    """Locations by code from ``specs`` (arguments of ``location_create``, with the parent's
    code as ``parent``), parents first; missing ones are created through the service."""
    codes = [spec["code"] for spec in specs]
    found = {loc.code: loc for loc in StorageLocation.objects.filter(code__in=codes)}
    for spec in specs:
        if spec["code"] not in found:
            fields = dict(spec)
            parent = fields.pop("parent", None)
            found[spec["code"]] = location_create(
                actor=actor, parent=found[parent] if parent else None, **fields
            )
    return found


def demo_loaded() -> bool:
    """The demo's lots are its marker: seed_demo never creates them, and changelog retention
    cannot remove them."""
    return Lot.objects.filter(name=demo_data()["lots"][0]["name"]).exists()


def demo_load(*, actor: Actor | None = None, write: Write | None = None) -> dict[str, int] | None:
    """Load ``demo.toml`` once, all or nothing: the catalogue, locations and lots through the
    services, ~60 days of backdated stock history through :class:`BackdatedLedger` (one
    changelog entry), then the stock operations of today through the ledger services.
    Returns counts, or ``None`` if the demo is already loaded."""
    actor = actor or Actor.system("load_demo")
    say = write or (lambda text: None)
    if demo_loaded():
        return None
    data = demo_data()
    recipe = data["history"]
    now = timezone.now()
    rng = random.Random(2026)  # noqa: S311 - reproducible demo data, not secrets
    with transaction.atomic():
        types = ensure_part_types(actor=actor, specs=data["part_types"])
        say(f"  part types: {', '.join(types)}")
        parts: list[Part] = []
        for slug, part_type in types.items():
            rows = [
                {name: value for name, value in spec.items() if name not in DEMO_ONLY}
                for spec in data["parts"]
                if spec["type"] == slug
            ]
            parts += parts_create_many(actor=actor, part_type=part_type, rows=rows)
        say(f"  parts: {len(parts)}")
        locations = ensure_locations(actor=actor, specs=data["locations"])
        say(f"  locations: {len(locations)}")
        lots = {spec["name"]: _lot_create(actor, spec, now) for spec in data["lots"]}
        say(f"  lots: {len(lots)}")
        delivered_in = {
            spec["mpn"]: spec["receipt_lot"] for spec in data["parts"] if "receipt_lot" in spec
        }
        ledger = BackdatedLedger(actor)
        homes = _homes(parts, recipe)
        for part in parts:
            profile = recipe["profiles"][part.part_type.slug]
            lot = lots[delivered_in.get(part.mpn, profile["lot"])]
            home = locations[homes[part.pk]]
            _part_history(ledger, rng, part, home, lot, recipe, locations, now)
        ledger.flush()
        days = recipe["days"]
        record_history(
            actor=actor,
            key="demo",
            summary={
                "movements": ledger.movements_written,
                "balances": ledger.balances_written,
                "from": now - timedelta(days=days),
                "until": now,
            },
        )
        say(f"  stock history: {ledger.movements_written} movements over {days} days")
        by_mpn = {part.mpn: part for part in parts}
        for operation in data["today"]:
            part = by_mpn[operation["mpn"]]
            where = locations[operation.get("location") or homes[part.pk]]
            _operate(actor, operation, part, where)
    return {
        "part_types": len(types),
        "parts": len(parts),
        "locations": len(locations),
        "lots": len(lots),
        "movements": ledger.movements_written + len(data["today"]),
    }


def _lot_create(actor: Actor, spec: Mapping[str, Any], now: datetime) -> Lot:
    days = spec.get("expiry_days")
    return lot_create(
        actor=actor,
        name=spec["name"],
        reference=spec["reference"],
        description=spec["description"],
        expiry_date=now.date() + timedelta(days=days) if days else None,
    )


def _operate(actor: Actor, spec: Mapping[str, Any], part: Part, location: StorageLocation):
    """One stock operation of today (``[[today]]`` in demo.toml) through the ledger service."""
    service = {"add": stock.stock_add, "remove": stock.stock_remove}[spec["operation"]]
    extra = {
        name: Decimal(value) if name == "unit_price" else value
        for name, value in spec.items()
        if name not in {"operation", "mpn", "location", "quantity"}
    }
    service(actor=actor, part=part, location=location, quantity=Decimal(spec["quantity"]), **extra)


def _homes(parts: Sequence[Part], recipe: Mapping[str, Any]) -> dict[int, str]:
    """Where each part lives: every third passive on a reel while reel slots are free, the
    rest in bins."""
    homes, reels, bins = {}, iter(recipe["reels"]), recipe["bins"]
    for index, part in enumerate(parts):
        passive = part.part_type.slug in PASSIVES
        reel = next(reels, None) if passive and index % 3 == 0 else None
        homes[part.pk] = reel or bins[index % len(bins)]
    return homes


def _part_history(ledger, rng, part, home_location, lot, recipe, locations, now) -> None:
    """Receipts, shelving, picks, kitting, a stocktake and reservations of one part, applied
    in time order so that each quantity is decided from the stock there is at that moment."""
    profile = recipe["profiles"][part.part_type.slug]
    home = home_location.pk
    goods_in, kitting = locations[recipe["goods_in"]].pk, locations[recipe["kitting"]].pk
    days = recipe["days"]
    start = now - timedelta(days=days) + timedelta(hours=rng.uniform(0, 72))
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
    if home_location.code in recipe["bins"]:
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
        build = rng.choice(recipe["builds"])
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
