"""``manage.py seed_demo``: synthetic parts, lots and a year of stock movements for the
benchmarks, in chunks, with raw bulk inserts. Catalogue rows go in through
:func:`~inventory.services.seeding.bulk_insert`, stock history through the one bulk path into
the ledger, :class:`~inventory.services.seeding.BackdatedLedger` (:mod:`.movements`)."""

import random
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from config.core import changelog
from config.core.actors import Actor
from config.core.errors import ValidationFailed
from config.core.models import ChangelogEntry
from inventory.catalogue.models import normalize_mpn
from inventory.demo import demo_data, ensure_locations, ensure_part_types
from inventory.models import Lot, Part, PartInfoValue, PartType, Tag
from inventory.services.seeding import bulk_insert, record_history

from .movements import seed_movements
from .parts import GENERATORS, THRESHOLDS, TYPE_WEIGHTS
from .progress import Progress, Write

IN_CHUNK = 900  # values per "IN (...)": below SQLite's oldest variable limit


def warehouse_specs(aisles: int = 10, bins: int = 20) -> list[dict[str, str]]:
    """A warehouse with ``aisles`` x ``bins`` bins: where synthetic stock lives."""
    specs = [{"code": "WH", "name": "Warehouse"}]
    for aisle in range(1, aisles + 1):
        specs.append({"code": f"WH-{aisle:02d}", "name": f"Aisle {aisle:02d}", "parent": "WH"})
        specs += [
            {
                "code": f"WH-{aisle:02d}-{n:02d}",
                "name": f"Bin {aisle:02d}-{n:02d}",
                "parent": f"WH-{aisle:02d}",
            }
            for n in range(1, bins + 1)
        ]
    return specs


def _reserve_ipns(part_type: PartType, count: int) -> list[str]:
    """``count`` free IPNs in the services' format (``RES-00042``), under the type's lock."""
    locked = PartType.objects.select_for_update().get(pk=part_type.pk)
    prefix = f"{locked.ipn_prefix}-"
    taken = set(Part.objects.filter(ipn__startswith=prefix).values_list("ipn", flat=True))
    found, counter = [], locked.ipn_counter
    while len(found) < count:
        ipn = f"{prefix}{counter:05d}"
        counter += 1
        if ipn not in taken:
            found.append(ipn)
    locked.ipn_counter = counter
    locked.save(update_fields=["ipn_counter"])
    return found


def seed_parts(
    *,
    actor: Actor,
    types: dict[str, PartType],
    count: int,
    rng: random.Random,
    chunk_size: int = 10_000,
    write: Write | None = None,
) -> list[int]:
    """``count`` synthetic parts across the demo part types, with normalised info values,
    their ``PartInfoValue`` rows, a tag, and one changelog entry each; committed per chunk.
    Returns the new parts' ids."""
    slugs = list(TYPE_WEIGHTS)
    plan = rng.choices(slugs, weights=[TYPE_WEIGHTS[s] for s in slugs], k=count)
    with transaction.atomic():
        ipns = {slug: iter(_reserve_ipns(types[slug], plan.count(slug))) for slug in slugs}
    keys = {slug: {key.key: key for key in types[slug].info_keys.all()} for slug in slugs}
    tag_ids = {tag.name: tag.pk for tag in _ensure_tags(["smd", "tht", "synthetic"])}
    progress = Progress("parts", count, write)
    created: list[int] = []
    for start in range(0, count, chunk_size):
        now = timezone.now()
        rows, states = [], []
        for serial in range(start, min(start + chunk_size, count)):
            slug = plan[serial]
            fields, info = GENERATORS[slug](rng, serial)
            threshold = Decimal(rng.choice(THRESHOLDS)) if rng.random() < 0.3 else None
            ipn = next(ipns[slug])
            mpn = fields["mpn"]
            rows.append(
                (
                    types[slug].pk,
                    ipn,
                    mpn,
                    normalize_mpn(mpn),
                    fields["manufacturer"],
                    fields["description"],
                    info,
                    fields["footprint"],
                    fields["unit_weight_g"],
                    threshold,
                    now,
                    now,
                )
            )
            states.append((slug, ipn, info))
        with transaction.atomic():
            # Raw inserts (bulk_insert), not bulk_create: several times faster on SQLite.
            bulk_insert(Part, PART_COLUMNS, rows)
            ids = _ids_by_ipn([ipn for _slug, ipn, _info in states])
            values, links = [], []
            for slug, ipn, info in states:
                for name, value in info.items():
                    key = keys[slug][name]
                    number, text = (float(value), "") if key.is_numeric else (None, value)
                    values.append((ids[ipn], key.pk, number, text))
                tag = "tht" if info.get("package") == "THT" else "smd"
                links += [(ids[ipn], tag_ids[tag]), (ids[ipn], tag_ids["synthetic"])]
            bulk_insert(PartInfoValue, ("part_id", "info_key_id", "number", "text"), values)
            bulk_insert(Part.tags.through, ("part_id", "tag_id"), links)
            _changelog_lock()
            bulk_insert(
                ChangelogEntry,
                CHANGELOG_COLUMNS,
                (
                    (
                        now,
                        *_actor_columns(actor),
                        "create",
                        "part",
                        row[1],
                        _created_changes(row, slug),
                    )
                    for row, (slug, _ipn, _info) in zip(rows, states, strict=True)
                ),
            )
        created += [ids[ipn] for _slug, ipn, _info in states]
        progress.advance(len(rows))
    progress.finish()
    return created


PART_COLUMNS = (
    "part_type_id",
    "ipn",
    "mpn",
    "mpn_normalized",
    "manufacturer",
    "description",
    "info",
    "footprint",
    "unit_weight_g",
    "low_stock_threshold",
    "created_at",
    "updated_at",
)
CHANGELOG_COLUMNS = (
    "at",
    "actor_kind",
    "actor_user_id",
    "actor_name",
    "actor_token",
    "action",
    "entity_type",
    "entity_key",
    "changes",
)


def _actor_columns(actor: Actor) -> tuple:
    return (actor.kind, actor.user.pk if actor.user else None, actor.name[:150], actor.token_label)


def _changelog_lock() -> None:
    # Raw changelog inserts take the lock changelog.record() takes (ids in commit order).
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [changelog._CHANGELOG_LOCK_KEY])


def _ids_by_ipn(ipns: list[str]) -> dict[str, int]:
    ids: dict[str, int] = {}
    for start in range(0, len(ipns), IN_CHUNK):
        chunk = ipns[start : start + IN_CHUNK]
        ids.update(Part.objects.filter(ipn__in=chunk).values_list("ipn", "pk"))
    return ids


def _created_changes(row: tuple, slug: str) -> dict[str, list]:
    """What part_create records for a new part: every field, from nothing to its value."""
    _type, ipn, mpn, _norm, manufacturer, description, info, footprint, weight, threshold = row[:10]
    tags = ["synthetic", "tht" if info.get("package") == "THT" else "smd"]
    return {
        "archived": [None, False],
        "description": [None, description],
        "footprint": [None, footprint],
        "info": [None, info],
        "ipn": [None, ipn],
        "low_stock_threshold": [None, changelog.jsonable(threshold)],
        "manufacturer": [None, manufacturer],
        "mpn": [None, mpn],
        "part_type": [None, slug],
        "tags": [None, sorted(tags)],
        "unit_of_measure": [None, Part.UnitOfMeasure.PIECES],
        "unit_weight_g": [None, changelog.jsonable(weight)],
    }


def _ensure_tags(names: list[str]) -> list[Tag]:
    Tag.objects.bulk_create([Tag(name=name) for name in names], ignore_conflicts=True)
    return list(Tag.objects.filter(name__in=names))


def seed_lots(*, actor: Actor, count: int, rng: random.Random, now: datetime) -> list[int]:
    """``count`` lots named ``SEED-<n>`` (numbering continues after earlier runs), some with
    an expiry date, and one changelog entry each."""
    first = Lot.objects.filter(name__startswith="SEED-").count() + 1
    lots = [
        Lot(
            name=f"SEED-{n:06d}",
            reference=f"PO-{now.year - rng.randint(0, 1)}-{rng.randint(1, 9999):04d}",
            expiry_date=(now + timedelta(days=rng.randint(-30, 720))).date()
            if rng.random() < 0.3
            else None,
            created_at=now,
        )
        for n in range(first, first + count)
    ]
    with transaction.atomic():
        Lot.objects.bulk_create(lots, batch_size=2000)
        ids = dict(
            Lot.objects.filter(name__in=[lot.name for lot in lots]).values_list("name", "pk")
        )
        changelog.record_many(
            actor=actor,
            action="create",
            entity_type="lot",
            entries=(
                (lot.name, {"name": [None, lot.name], "reference": [None, lot.reference]})
                for lot in lots
            ),
        )
    return [ids[lot.name] for lot in lots]


def seed(
    *,
    parts: int,
    movements: int,
    seed: int = 1,
    actor: Actor | None = None,
    write: Write | None = None,
) -> dict[str, Any]:
    """Synthetic catalogue and ledger for benchmarks (``manage.py seed_demo``): the demo part
    types, a warehouse of 200 bins, ``parts`` parts, lots and ``movements`` movements over
    the last year. Movements go to the parts created here, or to all parts when ``parts`` is
    0. Writes one changelog entry per part and lot and one for the stock history."""
    actor = actor or Actor.system("seed_demo")
    rng = random.Random(seed)  # reproducible data, not secrets
    now = timezone.now()
    if connection.vendor == "sqlite":
        # This connection only: a page cache big enough for the indexes of millions of rows
        # (the default 2 MB makes every insert re-read index pages).
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")
    with transaction.atomic():
        types = ensure_part_types(actor=actor, specs=demo_data()["part_types"])
        locations = ensure_locations(actor=actor, specs=warehouse_specs())
    timings: dict[str, Any] = {}
    created = seed_parts(actor=actor, types=types, count=parts, rng=rng, write=write)
    timings["parts"] = len(created)
    if movements:
        targets = created or part_ids(Part.objects.all())
        if not targets:
            raise ValidationFailed("There are no parts to put movements on: seed parts first.")
        bins = [loc.pk for code, loc in locations.items() if code.count("-") == 2]
        lot_ids = seed_lots(actor=actor, count=max(10, movements // 200), rng=rng, now=now)
        ledger = seed_movements(
            actor=actor,
            part_ids=targets,
            location_ids=bins,
            lot_ids=lot_ids,
            count=movements,
            rng=rng,
            now=now,
            write=write,
        )
        with transaction.atomic():
            record_history(
                actor=actor,
                key=f"seed-{seed}-{now:%Y%m%dT%H%M%S}",
                summary={
                    "parts": len(created),
                    "movements": ledger.movements_written,
                    "balances": ledger.balances_written,
                    "seed": seed,
                },
            )
        timings.update(
            movements=ledger.movements_written, balances=ledger.balances_written, lots=len(lot_ids)
        )
    if connection.vendor == "postgresql":
        # What PostgreSQL's documentation asks after a bulk load, and what autovacuum does on
        # a running site a minute or so later: planner statistics for the tables just filled
        # (else plans are made for empty tables), and the visibility map (else counting the
        # parts of a type reads every row instead of one index: 36 ms against 8 ms at
        # 100,000 parts, measured with EXPLAIN ANALYZE).
        # VACUUM cannot run in a transaction (the suite seeds inside one): ANALYZE there.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
    return timings


def part_ids(queryset: models.QuerySet[Part]) -> list[int]:
    return list(queryset.order_by("pk").values_list("pk", flat=True))
