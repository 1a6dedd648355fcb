"""Writing the changelog. Services call :func:`record` inside their transaction; nothing else
writes entries (no model signals), so every entry reads as what a service did."""

from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import connection, models
from django.utils import timezone

from .actors import Actor
from .models import ChangelogEntry, EntityType
from .numbers import plain_number

# Any constant: the advisory lock that orders changelog inserts on PostgreSQL.
_CHANGELOG_LOCK_KEY = 0x57435F43484C47  # "WC_CHLG"

Action = ChangelogEntry.Action
__all__ = ["Action", "EntityType", "apply_changes", "diff", "jsonable", "record", "record_many"]

SECRET_FIELDS = frozenset({"password", "token", "token_hash", "secret", "private_key", "api_key"})


def jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal):
        return plain_number(value)
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(item) for item in value]
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """The fields whose value changed, as ``{field: [old, new]}``; secrets are masked."""
    changes = {}
    for field in sorted(set(before) | set(after)):
        old, new = jsonable(before.get(field)), jsonable(after.get(field))
        if old != new:
            changes[field] = ["***", "***"] if field in SECRET_FIELDS else [old, new]
    return changes


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    return {field: getattr(instance, field) for field in fields}


def apply_changes(
    instance: models.Model,
    values: Mapping[str, Any],
    *,
    derived: Sequence[str] = (),
    derive: Callable[[models.Model], None] | None = None,
    unrecorded: Sequence[str] = (),
    stamp: str | None = "updated_at",
) -> dict[str, list[Any]]:
    """The one way an ``*_update`` service changes a row: set ``values`` (field name → new
    value) on ``instance``, let ``derive`` recompute the columns that follow from them (named
    in ``derived``: a path, a normalised MPN), and save only the columns that changed, with
    ``save(update_fields=...)``, so a concurrent edit of another column is not overwritten.
    ``stamp`` (``updated_at`` when the model has one) is set to now when anything changed.

    Returns the changes as the changelog records them, ``{field: [old, new]}`` (secrets
    masked, ``unrecorded`` derived columns left out); nothing is saved when it is empty. The
    caller adds what lives in other rows (tags, info keys) and calls :func:`record`."""
    names = [*values, *derived]
    before = snapshot(instance, names)
    for name, value in values.items():
        setattr(instance, name, value)
    if derive is not None:
        derive(instance)
    changes = diff(before, snapshot(instance, names))
    if changes:
        columns = [name for name in names if name in changes]
        if stamp and hasattr(instance, stamp):
            setattr(instance, stamp, timezone.now())
            columns.append(stamp)
        instance.save(update_fields=columns)
    for name in unrecorded:
        changes.pop(name, None)
    return changes


def _take_changelog_lock(caller: str) -> None:
    if not connection.in_atomic_block:
        raise RuntimeError(f"changelog.{caller}() must be called inside transaction.atomic()")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHANGELOG_LOCK_KEY])


def _entry_fields(
    actor: Actor, action: str, entity_type: str, entity_key: Any, changes: dict | None, at
) -> dict[str, Any]:
    return {
        "at": at,
        "actor_kind": actor.kind,
        "actor_user": actor.user,
        "actor_name": actor.name[:150],
        "actor_token": actor.token_label,
        "action": action,
        "entity_type": entity_type,
        "entity_key": str(entity_key)[:255],
        "changes": changes or {},
    }


def record(
    *,
    actor: Actor,
    action: str,
    entity_type: str,
    entity_key: Any,
    changes: dict[str, list[Any]] | None = None,
) -> ChangelogEntry:
    """Append one changelog entry; must run inside the caller's transaction.

    On PostgreSQL a transaction-scoped advisory lock makes concurrent writers insert one after
    another, so ids (the since-cursor) increase in commit order. SQLite transactions already
    run one at a time. Call it after the service's other writes: a lock taken after this one
    could deadlock against a writer waiting here."""
    _take_changelog_lock("record")
    return ChangelogEntry.objects.create(
        **_entry_fields(actor, action, entity_type, entity_key, changes, timezone.now())
    )


def record_many(
    *,
    actor: Actor,
    action: str,
    entity_type: str,
    entries: Iterable[tuple[Any, dict[str, list[Any]] | None]],
    batch_size: int = 1000,
) -> int:
    """Append one changelog entry per ``(entity_key, changes)`` pair with bulk inserts, for
    bulk services (imports); must run inside the caller's transaction, after its other writes,
    like :func:`record`, and takes the same lock. Returns the number of entries written."""
    _take_changelog_lock("record_many")
    at = timezone.now()
    rows = [
        ChangelogEntry(**_entry_fields(actor, action, entity_type, key, changes, at))
        for key, changes in entries
    ]
    ChangelogEntry.objects.bulk_create(rows, batch_size=batch_size)
    return len(rows)
