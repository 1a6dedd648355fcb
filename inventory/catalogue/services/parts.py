"""Parts: create, edit, delete, and bulk create for imports."""

from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, QuerySet
from django.utils import timezone

from config.core import changelog
from config.core.actors import Actor
from config.core.errors import Conflict, ValidationFailed
from config.core.integrity import unique_fields_violated
from config.core.numbers import plain_number
from inventory.catalogue.models import PART_FIELDS, PART_SCALAR_FIELDS, normalize_mpn
from inventory.catalogue.services.info import (
    _check_info,
    validate_info,
)
from inventory.catalogue.services.tags import clean_tag_names, tags_named
from inventory.models import (
    Part,
    PartInfoValue,
    PartType,
    StockBalance,
    StockMovement,
)

_IN_CHUNK = 900  # ids per "IN (...)": below SQLite's oldest variable limit

# ---------------------------------------------------------------------------------------------
# Parts


def _clean_part_fields(
    fields: dict[str, Any], ipn: str | None = None
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Model-level checks (lengths, URL, decimals, choices) of the given scalar fields."""
    scalars = {name: fields[name] for name in PART_SCALAR_FIELDS if name in fields}
    probe = Part(**scalars, ipn=ipn or "")
    check = {*scalars, "ipn"} if ipn is not None else set(scalars)
    exclude = {field.name for field in Part._meta.fields} - check
    errors: dict[str, list[str]] = {}
    try:
        probe.clean_fields(exclude=exclude)
    except DjangoValidationError as exc:
        errors.update(exc.message_dict)
    cleaned = {name: getattr(probe, name) for name in scalars}
    # A constraint of the table (thresholds) and common sense (weights): not left to the
    # database, whose refusal would be a 500.
    for name in ("low_stock_threshold", "unit_weight_g"):
        if name not in errors and cleaned.get(name) is not None and cleaned[name] < 0:
            errors[name] = ["Cannot be negative."]
    if "tags" in fields:
        cleaned["tags"], tag_errors = clean_tag_names(fields["tags"])
        if tag_errors:
            errors["tags"] = tag_errors
    return cleaned, errors


def _part_state(part: Part, tags: Iterable[str]) -> dict[str, Any]:
    state = changelog.snapshot(part, ("ipn", *PART_SCALAR_FIELDS, "info"))
    for name, value in state.items():
        if isinstance(value, Decimal):  # 0.500000 from the database is the 0.5 just set
            state[name] = plain_number(value)
    state["part_type"] = part.part_type.slug
    state["tags"] = sorted(tags)
    return state


def _next_ipns(part_type: PartType, count: int) -> list[str]:
    """``count`` free generated IPNs; the caller holds the type's row lock and saves it."""
    found: list[str] = []
    counter = part_type.ipn_counter
    while len(found) < count:
        candidates = [f"{part_type.ipn_prefix}-{n:05d}" for n in range(counter, counter + count)]
        counter += count
        taken: set[str] = set()
        for start in range(0, len(candidates), _IN_CHUNK):
            chunk = candidates[start : start + _IN_CHUNK]
            taken.update(Part.objects.filter(ipn__in=chunk).values_list("ipn", flat=True))
        found.extend(ipn for ipn in candidates if ipn not in taken)
    # Skipped numbers past the last one used are wasted on purpose: they were taken anyway.
    part_type.ipn_counter = counter - (len(found) - count)
    part_type.save(update_fields=["ipn_counter"])
    return found[:count]


def _duplicate_ipn(ipn: str) -> Conflict:
    message = f"A part with IPN {ipn!r} already exists."
    return Conflict(message, code="duplicate", errors={"ipn": [message]})


def part_create(
    *,
    actor: Actor,
    part_type: PartType,
    ipn: str | None = None,
    mpn: str = "",
    manufacturer: str = "",
    description: str = "",
    info: Mapping[str, Any] | None = None,
    datasheet_url: str = "",
    footprint: str = "",
    notes: str = "",
    tags: Sequence[str] = (),
    unit_of_measure: str = Part.UnitOfMeasure.PIECES,
    unit_weight_g: Decimal | None = None,
    low_stock_threshold: Decimal | None = None,
    archived: bool = False,
) -> Part:
    """Create a part of ``part_type``. Without an ``ipn`` one is generated from the type's
    prefix and counter (``RES-00042``) under a row lock on the type; a given IPN that exists is
    a 409. ``info`` is validated and normalised by :func:`validate_info`; tags are created by
    name when missing."""
    fields = {
        "mpn": mpn,
        "manufacturer": manufacturer,
        "description": description,
        "datasheet_url": datasheet_url,
        "footprint": footprint,
        "notes": notes,
        "tags": tags,
        "unit_of_measure": unit_of_measure,
        "unit_weight_g": unit_weight_g,
        "low_stock_threshold": low_stock_threshold,
        "archived": archived,
    }
    cleaned, errors = _clean_part_fields(fields, ipn=ipn)
    normalised, rows, info_errors = _check_info(list(part_type.info_keys.all()), info or {})
    errors.update(info_errors)
    if errors:
        raise ValidationFailed("The part is not valid.", errors=errors)
    tag_names = cleaned.pop("tags")
    try:
        with transaction.atomic():
            locked = PartType.objects.select_for_update().get(pk=part_type.pk)
            if ipn is None:
                ipn = _next_ipns(locked, 1)[0]
            elif Part.objects.filter(ipn=ipn).exists():
                raise _duplicate_ipn(ipn)
            part = Part(
                part_type=locked,
                ipn=ipn,
                mpn_normalized=normalize_mpn(cleaned["mpn"]),
                info=normalised,
                **cleaned,
            )
            part.save()
            for row in rows:
                row.part = part
            PartInfoValue.objects.bulk_create(rows)
            part.tags.set(tags_named(tag_names))
            changelog.record(
                actor=actor,
                action=changelog.Action.CREATE,
                entity_type=changelog.EntityType.PART,
                entity_key=part.ipn,
                changes=changelog.diff({}, _part_state(part, tag_names)),
            )
    except IntegrityError as exc:
        if unique_fields_violated(Part, exc) != ("ipn",):
            raise
        raise _duplicate_ipn(ipn or "") from exc  # taken between the check and the insert
    return part


def part_update(*, actor: Actor, part: Part, **fields: Any) -> Part:
    """Change some of a part's fields (:data:`PART_FIELDS`); fields left out keep their values.
    ``info`` is merged into the current values: a key given as ``null`` (or ``""``) is removed,
    and the merged result must be valid for the type. ``tags`` replaces the tag list. IPN and
    part type never change. Saves only the changed columns and records what changed."""
    unknown = set(fields) - set(PART_FIELDS)
    if unknown:
        raise ValidationFailed(
            f"Unknown fields: {', '.join(sorted(unknown))}.",
            errors={name: ["Unknown field."] for name in sorted(unknown)},
        )
    cleaned, errors = _clean_part_fields(fields)
    if errors:
        raise ValidationFailed("The part is not valid.", errors=errors)
    with transaction.atomic():
        part = Part.objects.select_for_update().select_related("part_type").get(pk=part.pk)
        old_tags = sorted(part.tags.values_list("name", flat=True))
        rows: list[PartInfoValue] | None = None
        if "info" in fields:
            incoming = fields["info"]
            if not isinstance(incoming, Mapping):
                raise ValidationFailed(
                    "The part is not valid.", errors={"info": ["Must be an object."]}
                )
            cleaned["info"], rows = validate_info(part.part_type, {**part.info, **incoming})
        new_tags = sorted(cleaned.pop("tags", old_tags))

        def normalise_mpn(changed: Part) -> None:
            changed.mpn_normalized = normalize_mpn(changed.mpn)

        changes = changelog.apply_changes(
            part,
            cleaned,
            derived=["mpn_normalized"],
            derive=normalise_mpn,
            unrecorded=["mpn_normalized"],
        )
        if new_tags != old_tags:
            changes["tags"] = [old_tags, new_tags]
            part.tags.set(tags_named(new_tags))
            if len(changes) == 1:  # only the tags changed: the part's row is touched still
                part.updated_at = timezone.now()
                part.save(update_fields=["updated_at"])
        if not changes:
            return part
        if "info" in changes and rows is not None:
            PartInfoValue.objects.filter(part=part).delete()
            for row in rows:
                row.part = part
            PartInfoValue.objects.bulk_create(rows)
        changelog.record(
            actor=actor,
            action=changelog.Action.UPDATE,
            entity_type=changelog.EntityType.PART,
            entity_key=part.ipn,
            changes=changes,
        )
    return part


# What keeps a part from being deleted: (what to call it, the rows that use the part). Later
# features (BOM lines, sensors, distributor links) add theirs with register_part_usage().
_PART_USAGES: list[tuple[str, Callable[[Part], QuerySet]]] = [
    ("stock movements", lambda part: StockMovement.objects.filter(part=part)),
    ("stock balances", lambda part: StockBalance.objects.filter(part=part)),
]


def register_part_usage(label: str, rows_using: Callable[[Part], QuerySet]) -> None:
    """Declare that rows returned by ``rows_using(part)`` keep ``part`` from being deleted
    (call it from an ``AppConfig.ready``)."""
    if all(existing != label for existing, _ in _PART_USAGES):
        _PART_USAGES.append((label, rows_using))


def part_usages(part: Part) -> list[str]:
    """What still uses ``part`` ("stock movements", ...); empty when it may be deleted."""
    return [label for label, rows_using in _PART_USAGES if rows_using(part).exists()]


def part_delete(*, actor: Actor, part: Part) -> None:
    """Delete a part with its info values, tag links and alternate links. A part that anything
    still uses (:func:`part_usages`: stock history, ...) is a 409 ``in_use``: archive it."""
    with transaction.atomic():
        part = Part.objects.select_for_update().select_related("part_type").get(pk=part.pk)
        usages = part_usages(part)
        if usages:
            raise Conflict(
                f"Part {part.ipn} is still used by: {', '.join(usages)}. Archive it instead.",
                code="in_use",
                extra={"usages": usages},
            )
        before = _part_state(part, part.tags.values_list("name", flat=True))
        try:
            part.delete()
        except ProtectedError as exc:
            raise Conflict(
                f"Part {part.ipn} is still in use. Archive it instead.", code="in_use"
            ) from exc
        changelog.record(
            actor=actor,
            action=changelog.Action.DELETE,
            entity_type=changelog.EntityType.PART,
            entity_key=before["ipn"],
            changes=changelog.diff(before, {}),
        )


def parts_create_many(
    *,
    actor: Actor,
    part_type: PartType,
    rows: Sequence[Mapping[str, Any]],
    chunk_size: int = 1000,
) -> list[Part]:
    """Create many parts of one type at once, all or nothing (for importers).

    Each row is a dict with the keyword arguments of :func:`part_create` (``ipn`` optional,
    ``info`` a dict, ``tags`` a list of names; omitted fields take part_create's defaults).
    Every row is validated first, including IPNs taken in the database or repeated in
    ``rows``; if any row is rejected nothing is written and ``ValidationFailed`` (code
    ``rows_rejected``) lists every rejected row: ``errors == {"row 3": ["info.resistance:
    ...", ...]}``, rows numbered from 1 in the order given, and ``extra["rejected"]`` counts
    them. Otherwise parts, info values, tag links and one changelog entry per part are bulk
    inserted in one transaction (``chunk_size`` rows per INSERT); returns the parts."""
    if not rows:
        return []
    info_keys = list(part_type.info_keys.all())
    allowed = {"ipn", *PART_FIELDS}
    prepared: list[tuple[str | None, dict[str, Any], dict[str, Any], list[PartInfoValue]]] = []
    problems: dict[int, list[str]] = {}
    for number, row in enumerate(rows, start=1):
        messages: list[str] = []
        if not isinstance(row, Mapping):
            problems[number] = ["Must be an object."]
            prepared.append((None, {}, {}, []))
            continue
        unknown = set(row) - allowed
        if unknown:
            messages.append(f"Unknown fields: {', '.join(sorted(unknown))}.")
        fields = {name: row[name] for name in PART_FIELDS if name in row and name != "info"}
        ipn = row.get("ipn") or None
        cleaned, errors = _clean_part_fields(fields, ipn=ipn)
        normalised, values, info_errors = _check_info(info_keys, row.get("info") or {})
        errors.update(info_errors)
        messages.extend(f"{field}: {text}" for field, texts in errors.items() for text in texts)
        if messages:
            problems[number] = messages
        prepared.append((ipn, cleaned, normalised, values))

    with transaction.atomic():
        locked = PartType.objects.select_for_update().get(pk=part_type.pk)
        given = [ipn for ipn, *_ in prepared if ipn]
        taken: set[str] = set()
        for start in range(0, len(given), _IN_CHUNK):
            chunk = given[start : start + _IN_CHUNK]
            taken.update(Part.objects.filter(ipn__in=chunk).values_list("ipn", flat=True))
        first_row: dict[str, int] = {}
        for number, (ipn, *_rest) in enumerate(prepared, start=1):
            if not ipn:
                continue
            if ipn in taken:
                problems.setdefault(number, []).append(f"ipn: {ipn!r} already exists.")
            elif ipn in first_row:
                problems.setdefault(number, []).append(
                    f"ipn: {ipn!r} is also in row {first_row[ipn]}."
                )
            else:
                first_row[ipn] = number
        if problems:
            raise ValidationFailed(
                f"{len(problems)} of {len(rows)} rows were rejected; nothing was imported.",
                code="rows_rejected",
                errors={f"row {number}": problems[number] for number in sorted(problems)},
                extra={"rejected": len(problems)},
            )
        generated = iter(_next_ipns(locked, sum(1 for ipn, *_ in prepared if not ipn)))
        now = timezone.now()
        parts = []
        for ipn, cleaned, normalised, _values in prepared:
            scalars = {name: value for name, value in cleaned.items() if name != "tags"}
            parts.append(
                Part(
                    part_type=locked,
                    ipn=ipn or next(generated),
                    mpn_normalized=normalize_mpn(scalars.get("mpn", "")),
                    info=normalised,
                    created_at=now,
                    updated_at=now,
                    **scalars,
                )
            )
        try:
            # A savepoint, so that an IPN taken since the check above (by a part of another
            # type: the type's row lock holds off only this type's writers) can be named.
            with transaction.atomic():
                Part.objects.bulk_create(parts, batch_size=chunk_size)
        except IntegrityError as exc:
            if unique_fields_violated(Part, exc) != ("ipn",):
                raise
            raise Conflict(
                "An IPN of these rows was taken meanwhile; nothing was imported.",
                code="duplicate",
            ) from exc
        if any(part.pk is None for part in parts):  # backends that cannot return ids
            ids = dict(
                Part.objects.filter(part_type=locked, created_at=now).values_list("ipn", "pk")
            )
            for part in parts:
                part.pk = part.id = ids[part.ipn]
        info_rows = []
        for part, (_ipn, _cleaned, _normalised, values) in zip(parts, prepared, strict=True):
            for value in values:
                value.part = part
                info_rows.append(value)
        PartInfoValue.objects.bulk_create(info_rows, batch_size=chunk_size)
        tag_lists = [cleaned.get("tags", []) for _ipn, cleaned, *_ in prepared]
        all_names = sorted({name for names in tag_lists for name in names})
        tag_ids = {tag.name: tag.pk for tag in tags_named(all_names)}
        through = Part.tags.through
        Part.tags.through.objects.bulk_create(
            [
                through(part_id=part.pk, tag_id=tag_ids[name])
                for part, names in zip(parts, tag_lists, strict=True)
                for name in names
            ],
            batch_size=chunk_size,
        )
        changelog.record_many(
            actor=actor,
            action=changelog.Action.CREATE,
            entity_type=changelog.EntityType.PART,
            entries=(
                (part.ipn, changelog.diff({}, _part_state(part, names)))
                for part, names in zip(parts, tag_lists, strict=True)
            ),
            batch_size=chunk_size,
        )
    return parts
