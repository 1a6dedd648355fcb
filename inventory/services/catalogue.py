"""Writes for the parts catalogue: part types and their info keys, parts, alternates.

How info values are kept. ``Part.info`` maps info keys to validated values:

- ``text`` and ``choice``: a string (a choice spelled as in the key's ``choices``);
- ``boolean``: ``true``/``false``;
- ``number`` and ``quantity``: a JSON number, quantities converted to the key's unit
  (``"10k"`` for a key in ohm is stored as ``10000``; ``"100nF"`` for a key in F as ``1e-07``).
  Values are rounded to 12 significant digits (:mod:`inventory.units`) and stored as an
  integer when integral, else as a float: the float's shortest repr is then exactly those
  decimal digits, so nothing is lost and JSON readers get a plain number.

Every value is mirrored into one ``PartInfoValue`` row (``number`` for number/quantity keys,
``text`` for the others, booleans as ``"true"``/``"false"``) so that filtering and sorting
use the ``(info_key, number)`` and ``(info_key, text)`` indexes. Only these services write
either of them, always together.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, QuerySet
from django.utils import timezone

from accounts.actors import Actor
from config.errors import Conflict, NotFound, ValidationFailed

from .. import changelog
from ..models import (
    InfoKey,
    Part,
    PartAlternate,
    PartInfoValue,
    PartType,
    StockBalance,
    StockMovement,
)
from ..models.catalogue import normalize_mpn
from ..units import UnitError, check_unit, parse_quantity
from .tags import tags_named

# "/parts/batch" and "/parts/search/..." share the URL space of "/parts/{ptype}".
RESERVED_TYPE_SLUGS = frozenset({"batch", "search"})
PART_TYPE_FIELDS = ("name", "description", "ipn_prefix", "info_keys")
PART_FIELDS = (
    "mpn",
    "manufacturer",
    "description",
    "info",
    "datasheet_url",
    "footprint",
    "notes",
    "tags",
    "unit_of_measure",
    "unit_weight_g",
    "low_stock_threshold",
    "archived",
)
_PART_SCALARS = tuple(field for field in PART_FIELDS if field not in {"info", "tags"})
_INFO_KEY_FIELDS = ("key", "label", "kind", "unit", "required", "choices", "position")
_TRUE = frozenset({"true", "yes", "y", "1", "on"})
_FALSE = frozenset({"false", "no", "n", "0", "off"})
_IN_CHUNK = 900  # ids per "IN (...)": below SQLite's oldest variable limit


# ---------------------------------------------------------------------------------------------
# Info values


def _json_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _clean_info_value(key: InfoKey, value: Any) -> Any:
    """One value for ``key``, normalised; raises ``ValueError`` with a sentence for people."""
    if key.kind == InfoKey.Kind.QUANTITY:
        return _json_number(parse_quantity(value, key.unit))
    if key.kind == InfoKey.Kind.NUMBER:
        return _json_number(parse_quantity(value, ""))
    if key.kind == InfoKey.Kind.BOOLEAN:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower() if isinstance(value, str | int) else None
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValueError(f"{value!r} is not yes/no (true or false).")
    if not isinstance(value, str):
        raise ValueError(f"Expected text, got {value!r}.")
    text = value.strip()
    if key.kind == InfoKey.Kind.CHOICE:
        by_fold = {str(choice).casefold(): str(choice) for choice in key.choices}
        if text.casefold() not in by_fold:
            raise ValueError(f"{text!r} is not one of: {', '.join(map(str, key.choices))}.")
        return by_fold[text.casefold()]
    if len(text) > 255:
        raise ValueError("At most 255 characters.")
    return text


def _mirror(key: InfoKey, value: Any) -> PartInfoValue:
    if key.is_numeric:
        return PartInfoValue(info_key=key, number=float(value))
    if isinstance(value, bool):
        return PartInfoValue(info_key=key, text="true" if value else "false")
    return PartInfoValue(info_key=key, text=value)


def _check_info(
    info_keys: Sequence[InfoKey], info: Any
) -> tuple[dict[str, Any], list[PartInfoValue], dict[str, list[str]]]:
    if not isinstance(info, Mapping):
        return {}, [], {"info": ["Must be an object of info key → value."]}
    by_key = {key.key: key for key in info_keys}
    normalised: dict[str, Any] = {}
    rows: list[PartInfoValue] = []
    errors: dict[str, list[str]] = {}
    for name, value in info.items():
        key = by_key.get(name)
        if key is None:
            errors[f"info.{name}"] = [f"Unknown info key; this part type has: {', '.join(by_key)}."]
            continue
        if value is None or value == "":
            continue  # absent: an empty CSV cell or an explicit null
        try:
            cleaned = _clean_info_value(key, value)
        except (UnitError, ValueError) as exc:
            errors[f"info.{name}"] = [str(exc)]
            continue
        normalised[name] = cleaned
        rows.append(_mirror(key, cleaned))
    for key in info_keys:
        if key.required and key.key not in normalised and f"info.{key.key}" not in errors:
            errors[f"info.{key.key}"] = ["This info key is required."]
    ordered = {key.key: normalised[key.key] for key in info_keys if key.key in normalised}
    return ordered, rows, errors


def validate_info(
    part_type: PartType, info: Any, *, info_keys: Sequence[InfoKey] | None = None
) -> tuple[dict[str, Any], list[PartInfoValue]]:
    """Check ``info`` against the type's info keys and normalise it (module docstring).

    Returns the dict to store in ``Part.info`` and the unsaved ``PartInfoValue`` rows that
    mirror it (``part`` not set). Unknown keys, values of the wrong kind, quantities in a wrong
    or unknown unit, choices not offered and missing required keys raise ``ValidationFailed``
    with one error list per ``"info.<key>"``. Pass ``info_keys`` when they are already loaded."""
    keys = list(part_type.info_keys.all()) if info_keys is None else info_keys
    normalised, rows, errors = _check_info(keys, info)
    if errors:
        raise ValidationFailed("Some info values are not valid.", errors=errors)
    return normalised, rows


# ---------------------------------------------------------------------------------------------
# Part types


def _clean_info_key_specs(specs: Any) -> tuple[list[dict[str, Any]], dict[str, list[str]]]:
    if not isinstance(specs, list | tuple):
        return [], {"info_keys": ["Must be a list."]}
    cleaned: list[dict[str, Any]] = []
    errors: dict[str, list[str]] = {}
    seen: set[str] = set()
    for index, spec in enumerate(specs):
        where = f"info_keys.{index}"
        if not isinstance(spec, Mapping):
            errors[where] = ["Must be an object."]
            continue
        unknown = set(spec) - set(_INFO_KEY_FIELDS)
        if unknown:
            errors[where] = [f"Unknown fields: {', '.join(sorted(unknown))}."]
            continue
        key = InfoKey(
            key=spec.get("key") or "",
            label=spec.get("label") or str(spec.get("key") or "").replace("_", " ").capitalize(),
            kind=spec.get("kind") or "",
            unit=spec.get("unit") or "",
            required=bool(spec.get("required", False)),
            choices=list(spec.get("choices") or []),
            position=spec.get("position", index),
        )
        try:
            key.clean_fields(exclude={"part_type"})
        except DjangoValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors[f"{where}.{field}"] = messages
            continue
        problems = _info_key_problems(key, seen)
        for field, message in problems:
            errors.setdefault(f"{where}.{field}", []).append(message)
        seen.add(key.key)
        if not problems:
            cleaned.append({field: getattr(key, field) for field in _INFO_KEY_FIELDS})
    return cleaned, errors


def _info_key_problems(key: InfoKey, seen: set[str]) -> list[tuple[str, str]]:
    problems = []
    if key.key in seen:
        problems.append(("key", f"{key.key!r} appears twice."))
    if key.kind == InfoKey.Kind.QUANTITY:
        if not key.unit:
            problems.append(("unit", "A quantity needs a unit (e.g. ohm, F, V, mm)."))
        else:
            try:
                check_unit(key.unit)
            except UnitError as exc:
                problems.append(("unit", str(exc)))
    elif key.unit:
        problems.append(("unit", "Only quantities have a unit."))
    if key.kind == InfoKey.Kind.CHOICE:
        choices = key.choices
        if not choices or not all(isinstance(c, str) and c.strip() for c in choices):
            problems.append(("choices", "A choice key needs a list of non-empty strings."))
        elif len({c.casefold() for c in choices}) != len(choices):
            problems.append(("choices", "Choices must be distinct."))
    elif key.choices:
        problems.append(("choices", "Only choice keys have choices."))
    return problems


def _spec_of(key: InfoKey) -> dict[str, Any]:
    return {field: getattr(key, field) for field in _INFO_KEY_FIELDS}


def _part_type_state(part_type: PartType, specs: Iterable[dict[str, Any]]) -> dict[str, Any]:
    state = changelog.snapshot(part_type, ("slug", "name", "description", "ipn_prefix"))
    state["info_keys"] = list(specs)
    return state


def part_type_create(
    *,
    actor: Actor,
    slug: str,
    name: str,
    description: str = "",
    ipn_prefix: str | None = None,
    info_keys: Sequence[Mapping[str, Any]] = (),
) -> PartType:
    """Create a part type with its info keys (dicts of key, label, kind, unit, required,
    choices, position). ``ipn_prefix`` defaults to the slug in upper case (at most 16
    characters). The slugs "batch" and "search" are reserved by the API's paths; a slug that
    is taken is a 409."""
    prefix = ipn_prefix or slug.upper()[:16]
    part_type = PartType(slug=slug, name=name, description=description, ipn_prefix=prefix)
    errors: dict[str, list[str]] = {}
    try:
        part_type.clean_fields(exclude={"ipn_counter", "created_at", "updated_at"})
    except DjangoValidationError as exc:
        errors.update(exc.message_dict)
    if slug in RESERVED_TYPE_SLUGS:
        errors.setdefault("slug", []).append(f"{slug!r} is reserved by the API.")
    specs, spec_errors = _clean_info_key_specs(list(info_keys))
    errors.update(spec_errors)
    if errors:
        raise ValidationFailed("The part type is not valid.", errors=errors)
    try:
        with transaction.atomic():
            if PartType.objects.filter(slug=slug).exists():
                raise _duplicate_type(slug)
            part_type.save()
            InfoKey.objects.bulk_create(InfoKey(part_type=part_type, **spec) for spec in specs)
            changelog.record(
                actor=actor,
                action="create",
                entity_type="part_type",
                entity_key=part_type.slug,
                changes=changelog.diff({}, _part_type_state(part_type, specs)),
            )
    except IntegrityError as exc:  # a concurrent create of the same slug
        raise _duplicate_type(slug) from exc
    return part_type


def _duplicate_type(slug: str) -> Conflict:
    message = f"A part type with slug {slug!r} already exists."
    return Conflict(message, code="duplicate", errors={"slug": [message]})


def part_type_update(*, actor: Actor, part_type: PartType, **fields: Any) -> PartType:
    """Change a part type's name, description, IPN prefix or info keys; fields left out keep
    their values. ``info_keys`` is the complete new list: keys not in it are removed (their
    values leave every part of the type), new keys are added, and existing keys may change
    label, required, choices and position. A key's kind and unit cannot change (values are
    stored in them): remove the key and add it again. The slug never changes."""
    unknown = set(fields) - set(PART_TYPE_FIELDS)
    if unknown:
        raise ValidationFailed(f"Unknown fields: {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        part_type = PartType.objects.select_for_update().get(pk=part_type.pk)
        existing = {key.key: key for key in part_type.info_keys.all()}
        before = _part_type_state(part_type, (_spec_of(k) for k in existing.values()))
        scalars = [field for field in fields if field != "info_keys"]
        for field in scalars:
            setattr(part_type, field, fields[field])
        errors: dict[str, list[str]] = {}
        try:
            part_type.clean_fields(exclude={"slug", "ipn_counter", "created_at", "updated_at"})
        except DjangoValidationError as exc:
            errors.update(exc.message_dict)
        specs = [_spec_of(key) for key in existing.values()]
        if "info_keys" in fields:
            specs, spec_errors = _clean_info_key_specs(fields["info_keys"])
            errors.update(spec_errors)
            for index, spec in enumerate(specs):
                old = existing.get(spec["key"])
                if old and (old.kind, old.unit) != (spec["kind"], spec["unit"]):
                    errors[f"info_keys.{index}.kind"] = [
                        "Kind and unit of an existing key cannot change; remove it and add it "
                        "again."
                    ]
        if errors:
            raise ValidationFailed("The part type is not valid.", errors=errors)
        after = _part_type_state(part_type, specs)
        changes = changelog.diff(before, after)
        if not changes:
            return part_type
        if "info_keys" in fields:
            _replace_info_keys(part_type, existing, specs)
        part_type.updated_at = timezone.now()
        part_type.save(update_fields=[*scalars, "updated_at"])
        changelog.record(
            actor=actor,
            action="update",
            entity_type="part_type",
            entity_key=part_type.slug,
            changes=changes,
        )
    return part_type


def _replace_info_keys(
    part_type: PartType, existing: dict[str, InfoKey], specs: list[dict[str, Any]]
) -> None:
    wanted = {spec["key"]: spec for spec in specs}
    removed = [key for name, key in existing.items() if name not in wanted]
    if removed:
        names = {key.key for key in removed}
        parts = list(Part.objects.filter(info_values__info_key__in=removed).distinct())
        for part in parts:
            part.info = {name: value for name, value in part.info.items() if name not in names}
        Part.objects.bulk_update(parts, ["info"], batch_size=500)
        InfoKey.objects.filter(pk__in=[key.pk for key in removed]).delete()  # rows cascade
    changed = []
    for name, spec in wanted.items():
        key = existing.get(name)
        if key is None:
            continue
        if _spec_of(key) != spec:
            for field in ("label", "required", "choices", "position"):
                setattr(key, field, spec[field])
            changed.append(key)
    InfoKey.objects.bulk_update(changed, ["label", "required", "choices", "position"])
    InfoKey.objects.bulk_create(
        InfoKey(part_type=part_type, **spec)
        for name, spec in wanted.items()
        if name not in existing
    )


def part_type_delete(*, actor: Actor, part_type: PartType) -> None:
    """Delete a part type and its info keys. A type that still has parts is a 409 ``in_use``:
    delete or move its parts first."""
    with transaction.atomic():
        part_type = PartType.objects.select_for_update().get(pk=part_type.pk)
        count = part_type.parts.count()
        if count:
            raise Conflict(
                f"Part type {part_type.slug!r} still has {count} part(s).", code="in_use"
            )
        specs = [_spec_of(key) for key in part_type.info_keys.all()]
        before = _part_type_state(part_type, specs)
        slug = part_type.slug
        part_type.delete()
        changelog.record(
            actor=actor,
            action="delete",
            entity_type="part_type",
            entity_key=slug,
            changes=changelog.diff(before, {}),
        )


# ---------------------------------------------------------------------------------------------
# Parts


def _clean_tags(tags: Any) -> tuple[list[str], list[str]]:
    if isinstance(tags, str) or not isinstance(tags, Iterable):
        return [], ["Must be a list of tag names."]
    names: list[str] = []
    for tag in tags:
        if not isinstance(tag, str) or not tag.strip():
            return [], ["Tag names must be non-empty strings."]
        name = tag.strip()
        if len(name) > 64:
            return [], [f"Tag {name[:20]!r}… is longer than 64 characters."]
        if name not in names:
            names.append(name)
    return names, []


def _clean_part_fields(
    fields: dict[str, Any], ipn: str | None = None
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Model-level checks (lengths, URL, decimals, choices) of the given scalar fields."""
    scalars = {name: fields[name] for name in _PART_SCALARS if name in fields}
    probe = Part(**scalars, ipn=ipn or "")
    check = {*scalars, "ipn"} if ipn is not None else set(scalars)
    exclude = {field.name for field in Part._meta.fields} - check
    errors: dict[str, list[str]] = {}
    try:
        probe.clean_fields(exclude=exclude)
    except DjangoValidationError as exc:
        errors.update(exc.message_dict)
    cleaned = {name: getattr(probe, name) for name in scalars}
    if "tags" in fields:
        cleaned["tags"], tag_errors = _clean_tags(fields["tags"])
        if tag_errors:
            errors["tags"] = tag_errors
    return cleaned, errors


def _part_state(part: Part, tags: Iterable[str]) -> dict[str, Any]:
    state = changelog.snapshot(part, ("ipn", *_PART_SCALARS, "info"))
    for name, value in state.items():
        if isinstance(value, Decimal):  # 0.500000 from the database is the 0.5 just set
            state[name] = format(value.normalize(), "f")
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
                action="create",
                entity_type="part",
                entity_key=part.ipn,
                changes=changelog.diff({}, _part_state(part, tag_names)),
            )
    except IntegrityError as exc:  # the IPN was taken between the check and the insert
        raise _duplicate_ipn(ipn or "") from exc
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
        old_tags = list(part.tags.values_list("name", flat=True))
        before = _part_state(part, old_tags)
        rows: list[PartInfoValue] | None = None
        if "info" in fields:
            incoming = fields["info"]
            if not isinstance(incoming, Mapping):
                raise ValidationFailed(
                    "The part is not valid.", errors={"info": ["Must be an object."]}
                )
            merged = {**part.info, **incoming}
            normalised, rows = validate_info(part.part_type, merged)
            part.info = normalised
        new_tags = cleaned.pop("tags", old_tags)
        for name, value in cleaned.items():
            setattr(part, name, value)
        if "mpn" in cleaned:
            part.mpn_normalized = normalize_mpn(part.mpn)
        changes = changelog.diff(before, _part_state(part, new_tags))
        if not changes:
            return part
        columns = [name for name in cleaned if name in changes]
        if "mpn" in columns:
            columns.append("mpn_normalized")
        if "info" in changes and rows is not None:
            columns.append("info")
            PartInfoValue.objects.filter(part=part).delete()
            for row in rows:
                row.part = part
            PartInfoValue.objects.bulk_create(rows)
        if "tags" in changes:
            part.tags.set(tags_named(new_tags))
        part.updated_at = timezone.now()
        part.save(update_fields=[*columns, "updated_at"])
        changelog.record(
            actor=actor, action="update", entity_type="part", entity_key=part.ipn, changes=changes
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
            action="delete",
            entity_type="part",
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
        Part.objects.bulk_create(parts, batch_size=chunk_size)
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
            action="create",
            entity_type="part",
            entries=(
                (part.ipn, changelog.diff({}, _part_state(part, names)))
                for part, names in zip(parts, tag_lists, strict=True)
            ),
            batch_size=chunk_size,
        )
    return parts


# ---------------------------------------------------------------------------------------------
# Alternates


def _pair(part: Part, alternate: Part) -> tuple[Part, Part]:
    return (part, alternate) if part.pk < alternate.pk else (alternate, part)


def _pair_key(part: Part, alternate: Part) -> str:
    first, second = _pair(part, alternate)
    return f"{first.ipn}~{second.ipn}"


def alternate_add(*, actor: Actor, part: Part, alternate: Part, note: str = "") -> PartAlternate:
    """Link two parts as alternates of each other (the link is symmetric and stored once).
    Linking a part to itself is a 400 ``self_alternate``; an existing link a 409 ``duplicate``."""
    if part.pk == alternate.pk:
        raise ValidationFailed(
            "A part cannot be its own alternate.",
            code="self_alternate",
            errors={"ipn": ["A part cannot be its own alternate."]},
        )
    if len(note) > 255:
        raise ValidationFailed(
            "The note is too long.", errors={"note": ["At most 255 characters."]}
        )
    first, second = _pair(part, alternate)
    try:
        with transaction.atomic():
            if PartAlternate.objects.filter(part_a=first, part_b=second).exists():
                raise _duplicate_alternate(part, alternate)
            link = PartAlternate.objects.create(part_a=first, part_b=second, note=note)
            changelog.record(
                actor=actor,
                action="create",
                entity_type="part_alternate",
                entity_key=_pair_key(part, alternate),
                changes=changelog.diff({}, {"parts": [first.ipn, second.ipn], "note": note}),
            )
    except IntegrityError as exc:
        raise _duplicate_alternate(part, alternate) from exc
    return link


def _duplicate_alternate(part: Part, alternate: Part) -> Conflict:
    return Conflict(f"{alternate.ipn} is already an alternate of {part.ipn}.", code="duplicate")


def alternate_remove(*, actor: Actor, part: Part, alternate: Part) -> None:
    """Remove the alternate link between two parts (either direction); 404 if there is none."""
    first, second = _pair(part, alternate)
    with transaction.atomic():
        link = PartAlternate.objects.filter(part_a=first, part_b=second).first()
        if link is None:
            raise NotFound(f"{alternate.ipn} is not an alternate of {part.ipn}.")
        note = link.note
        link.delete()
        changelog.record(
            actor=actor,
            action="delete",
            entity_type="part_alternate",
            entity_key=_pair_key(part, alternate),
            changes=changelog.diff({"parts": [first.ipn, second.ipn], "note": note}, {}),
        )
