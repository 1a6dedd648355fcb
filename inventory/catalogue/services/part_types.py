"""Part types and their info keys."""

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from config.core import changelog
from config.core.actors import Actor
from config.core.errors import Conflict, ValidationFailed
from config.core.integrity import unique_fields_violated
from inventory.catalogue.models import INFO_KEY_FIELDS
from inventory.models import (
    InfoKey,
    Part,
    PartType,
)

# "/parts/batch" and "/parts/search/..." share the URL space of "/parts/{ptype}".
RESERVED_TYPE_SLUGS = frozenset({"batch", "search"})
PART_TYPE_FIELDS = ("name", "description", "ipn_prefix", "info_keys")
SCALAR_FIELDS = ("name", "description", "ipn_prefix")

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
        unknown = set(spec) - set(INFO_KEY_FIELDS)
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
        # What a key can check by itself (a quantity's unit, a choice key's choices) is the
        # model's rule, behind its check constraints; a key named twice is the list's.
        problems: dict[str, list[str]] = {}
        try:
            key.clean()
        except DjangoValidationError as exc:
            problems.update(exc.message_dict)
        if key.key in seen:
            problems.setdefault("key", []).insert(0, f"{key.key!r} appears twice.")
        for field, messages in problems.items():
            errors.setdefault(f"{where}.{field}", []).extend(messages)
        seen.add(key.key)
        if not problems:
            cleaned.append({field: getattr(key, field) for field in INFO_KEY_FIELDS})
    return cleaned, errors


def _spec_of(key: InfoKey) -> dict[str, Any]:
    return {field: getattr(key, field) for field in INFO_KEY_FIELDS}


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
                action=changelog.Action.CREATE,
                entity_type=changelog.EntityType.PART_TYPE,
                entity_key=part_type.slug,
                changes=changelog.diff({}, _part_type_state(part_type, specs)),
            )
    except IntegrityError as exc:
        if unique_fields_violated(PartType, exc) != ("slug",):
            raise
        raise _duplicate_type(slug) from exc  # a concurrent create took the slug
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
        scalars = {field: value for field, value in fields.items() if field != "info_keys"}
        errors: dict[str, list[str]] = {}
        try:
            probe = PartType(**{**changelog.snapshot(part_type, SCALAR_FIELDS), **scalars})
            probe.clean_fields(exclude={"slug", "ipn_counter", "created_at", "updated_at"})
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
        changes = changelog.apply_changes(part_type, scalars)
        old_specs = changelog.jsonable([_spec_of(key) for key in existing.values()])
        if old_specs != changelog.jsonable(specs):
            changes["info_keys"] = [old_specs, changelog.jsonable(specs)]
        if not changes:
            return part_type
        if "info_keys" in changes:
            _replace_info_keys(part_type, existing, specs)
            if len(changes) == 1:  # only the keys changed: the type's row is touched still
                part_type.updated_at = timezone.now()
                part_type.save(update_fields=["updated_at"])
        changelog.record(
            actor=actor,
            action=changelog.Action.UPDATE,
            entity_type=changelog.EntityType.PART_TYPE,
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
            action=changelog.Action.DELETE,
            entity_type=changelog.EntityType.PART_TYPE,
            entity_key=slug,
            changes=changelog.diff(before, {}),
        )
