"""Alternates: symmetric links between parts."""

from django.db import IntegrityError, transaction

from config.core import changelog
from config.core.actors import Actor
from config.core.errors import Conflict, NotFound, ValidationFailed
from config.core.integrity import unique_fields_violated
from inventory.models import (
    Part,
    PartAlternate,
)

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
                action=changelog.Action.CREATE,
                entity_type=changelog.EntityType.PART_ALTERNATE,
                entity_key=_pair_key(part, alternate),
                changes=changelog.diff({}, {"parts": [first.ipn, second.ipn], "note": note}),
            )
    except IntegrityError as exc:  # a concurrent add of the same link
        if unique_fields_violated(PartAlternate, exc) != ("part_a", "part_b"):
            raise
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
            action=changelog.Action.DELETE,
            entity_type=changelog.EntityType.PART_ALTERNATE,
            entity_key=_pair_key(part, alternate),
            changes=changelog.diff({"parts": [first.ipn, second.ipn], "note": note}, {}),
        )
