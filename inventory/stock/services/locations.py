"""Writes for storage locations and lots."""

import re
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from config.core import changelog
from config.core.actors import Actor
from config.core.errors import Conflict, ValidationFailed
from config.core.integrity import unique_fields_violated
from config.core.numbers import whole_number
from inventory.catalogue.services.tags import clean_tag_names, tags_named
from inventory.models import Lot, StockBalance, StorageLocation
from inventory.stock.models import PATH_SEPARATOR

LOCATION_FIELDS = (
    "name",
    "code",
    "description",
    "is_full",
    "single_part",
    "existing_parts_only",
    "archived",
)


# Keys that go into URLs and onto labels: the shapes the API's serializers check, checked here
# for every caller (the clerk UI's forms and scanner pages send free text).
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}\Z")
_LOT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}\Z")


def _check_key(value: object, pattern: re.Pattern, *, field: str, what: str, rule: str) -> None:
    if not isinstance(value, str) or not pattern.match(value):
        raise ValidationFailed(f"{what} is {rule}", errors={field: [f"Use {rule}"]})


def _check_code(code: object) -> None:
    rule = "1 to 32 letters, digits, '.', '-' or '_'."
    _check_key(code, _CODE, field="code", what="A location code", rule=rule)


def _check_lot_name(name: object) -> None:
    rule = "1 to 64 letters, digits, '.', '/', '-' or '_'."
    _check_key(name, _LOT_NAME, field="name", what="A lot name", rule=rule)


def _path_of(parent: StorageLocation | None, name: str) -> str:
    return f"{parent.path}{PATH_SEPARATOR}{name}" if parent else name


def _check_parent(location: StorageLocation | None, parent: StorageLocation | None) -> None:
    ancestor = parent
    while ancestor is not None:
        if location is not None and ancestor.pk == location.pk:
            raise ValidationFailed(
                "A location cannot be moved inside itself.",
                errors={"parent": ["Would create a cycle."]},
            )
        ancestor = ancestor.parent


def _duplicate_error(exc: IntegrityError) -> Conflict:
    """The conflict ``exc`` is, by the unique field the database says it broke; any other
    integrity error is raised again as it is."""
    fields = unique_fields_violated(StorageLocation, exc)
    if fields == ("code",):
        field, message = "code", "Another location has this code."
    elif fields in {("parent", "name"), ("name",)}:  # among siblings, or among roots
        field, message = "name", "A sibling location already has this name."
    else:
        raise exc
    return Conflict(message, code="duplicate", errors={field: [message]})


def location_create(
    *,
    actor: Actor,
    name: str,
    code: str,
    parent: StorageLocation | None = None,
    description: str = "",
    is_full: bool = False,
    single_part: bool = False,
    existing_parts_only: bool = False,
    kind: str = StorageLocation.Kind.STORAGE,
) -> StorageLocation:
    """Create a location under ``parent`` (or a root). Names are unique among siblings and
    codes across all locations."""
    _check_code(code)
    if parent is not None and parent.archived:
        raise Conflict("Cannot add a location inside an archived one.", code="archived")
    location = StorageLocation(
        parent=parent,
        name=name,
        code=code,
        path=_path_of(parent, name),
        kind=kind,
        description=description,
        is_full=is_full,
        single_part=single_part,
        existing_parts_only=existing_parts_only,
    )
    try:
        with transaction.atomic():
            location.save()
            changelog.record(
                actor=actor,
                action=changelog.Action.CREATE,
                entity_type=changelog.EntityType.LOCATION,
                entity_key=location.code,
                changes=changelog.diff(
                    {}, changelog.snapshot(location, (*LOCATION_FIELDS, "path"))
                ),
            )
    except IntegrityError as exc:
        raise _duplicate_error(exc) from exc
    return location


def _rewrite_subtree_paths(location: StorageLocation) -> None:
    # Materialised paths: a rename or move rewrites the descendants' paths in bulk.
    pending = [location]
    while pending:
        current = pending.pop()
        children = list(current.children.all())
        for child in children:
            child.path = _path_of(current, child.name)
        StorageLocation.objects.bulk_update(children, ["path"])
        pending.extend(children)


_UNSET = object()


def location_update(
    *, actor: Actor, location: StorageLocation, parent=_UNSET, **fields
) -> StorageLocation:
    """Edit a location; only the fields given change. Renaming or moving it rewrites the
    paths below it. Setting ``archived`` archives or restores it (its history stays)."""
    unknown = set(fields) - set(LOCATION_FIELDS)
    if unknown:
        raise ValidationFailed(f"Unknown fields: {', '.join(sorted(unknown))}.")
    if "code" in fields:
        _check_code(fields["code"])
    try:
        with transaction.atomic():
            location = StorageLocation.objects.select_for_update().get(pk=location.pk)
            if parent is not _UNSET:
                _check_parent(location, parent)

            def move_and_rename(changed: StorageLocation) -> None:
                if parent is not _UNSET:
                    changed.parent = parent
                changed.path = _path_of(changed.parent, changed.name)

            # The path records a move; the parent's id would say it again, less readably.
            changes = changelog.apply_changes(
                location,
                fields,
                derived=["parent", "path"],
                derive=move_and_rename,
                unrecorded=["parent"],
            )
            if changes:
                if "path" in changes:
                    _rewrite_subtree_paths(location)
                changelog.record(
                    actor=actor,
                    action=changelog.Action.UPDATE,
                    entity_type=changelog.EntityType.LOCATION,
                    entity_key=location.code,
                    changes=changes,
                )
    except IntegrityError as exc:
        raise _duplicate_error(exc) from exc
    return location


def location_delete(*, actor: Actor, location: StorageLocation) -> None:
    """Delete an empty location with no history and no children; otherwise 409 (archive it
    instead, which keeps its history)."""
    with transaction.atomic():
        if StockBalance.objects.filter(location=location, quantity__gt=0).exists():
            raise Conflict(
                "This location holds stock: move it out first, or archive the location.",
                code="has_stock",
            )
        if location.children.exists():
            raise Conflict("This location has locations inside it.", code="has_children")
        if location.movements.exists():
            raise Conflict(
                "This location has stock history; archive it instead to keep the history.",
                code="has_history",
            )
        code = location.code
        StockBalance.objects.filter(location=location).delete()
        location.delete()
        changelog.record(
            actor=actor,
            action=changelog.Action.DELETE,
            entity_type=changelog.EntityType.LOCATION,
            entity_key=code,
        )


# Lots -----------------------------------------------------------------------------------------

LOT_FIELDS = ("name", "description", "expiry_date", "reference")


def _next_lot_name() -> str:
    # After the highest number of the day, not after the count: a renamed or deleted lot
    # leaves a gap that a count would fill with a name already taken.
    prefix = f"LOT-{timezone.now():%Y%m%d}-"
    names = Lot.objects.filter(name__startswith=prefix).values_list("name", flat=True)
    numbers = [whole_number(name.removeprefix(prefix), max_digits=9) for name in names]
    return f"{prefix}{max(filter(None, numbers), default=0) + 1:04d}"


GENERATED_NAME_ATTEMPTS = 5


def _lot_tag_names(tags: object) -> list[str]:
    names, problems = clean_tag_names(tags)
    if problems:
        raise ValidationFailed("The lot's tags are invalid.", errors={"tags": problems})
    return sorted(names)


def lot_create(
    *,
    actor: Actor,
    name: str = "",
    description: str = "",
    expiry_date: date | None = None,
    reference: str = "",
    tags: list[str] | None = None,
) -> Lot:
    """Create a lot; without a name one is generated (LOT-<date>-<n>)."""
    if name:
        _check_lot_name(name)
    tags = _lot_tag_names(tags or [])
    for _attempt in range(1 if name else GENERATED_NAME_ATTEMPTS):
        lot_name = name or _next_lot_name()
        try:
            with transaction.atomic():
                lot = Lot.objects.create(
                    name=lot_name,
                    description=description,
                    expiry_date=expiry_date,
                    reference=reference,
                )
                if tags:
                    lot.tags.set(tags_named(tags))
                changelog.record(
                    actor=actor,
                    action=changelog.Action.CREATE,
                    entity_type=changelog.EntityType.LOT,
                    entity_key=lot.name,
                    changes=changelog.diff({}, changelog.snapshot(lot, LOT_FIELDS))
                    | ({"tags": [None, tags]} if tags else {}),
                )
            return lot
        except IntegrityError:
            continue  # a generated name taken meanwhile by a concurrent writer: the next one
    raise Conflict(
        f"A lot named {lot_name!r} already exists.",
        code="duplicate",
        errors={"name": ["Already taken."]},
    )


def lot_update(*, actor: Actor, lot: Lot, tags: list[str] | None = None, **fields) -> Lot:
    """Edit a lot; only the fields given change."""
    unknown = set(fields) - set(LOT_FIELDS)
    if unknown:
        raise ValidationFailed(f"Unknown fields: {', '.join(sorted(unknown))}.")
    if "name" in fields:
        _check_lot_name(fields["name"])
    if tags is not None:
        tags = _lot_tag_names(tags)
    try:
        with transaction.atomic():
            lot = Lot.objects.select_for_update().get(pk=lot.pk)
            old_tags = sorted(lot.tags.values_list("name", flat=True))
            changes = changelog.apply_changes(lot, fields)
            if tags is not None and tags != old_tags:
                lot.tags.set(tags_named(tags))
                changes["tags"] = [old_tags, tags]
            if changes:
                changelog.record(
                    actor=actor,
                    action=changelog.Action.UPDATE,
                    entity_type=changelog.EntityType.LOT,
                    entity_key=lot.name,
                    changes=changes,
                )
    except IntegrityError as exc:
        raise Conflict("Another lot has this name.", code="duplicate") from exc
    return lot
