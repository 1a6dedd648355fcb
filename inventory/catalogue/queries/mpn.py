"""Read paths across part types: MPN search and the alternates of a part."""

from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from config.core.errors import ValidationFailed
from inventory.catalogue.models import normalize_mpn
from inventory.catalogue.queries.parts import detailed_parts, shaped_parts, with_tag_names_read
from inventory.models import Part, PartAlternate

MPN_SEARCH_LIMIT = 50
MPN_SEARCH_MAX_LIMIT = 200
_MPN_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # what normalize_mpn leaves


def _prefix_upper_bound(prefix: str) -> str | None:
    """The smallest normalised MPN above every MPN starting with ``prefix``, so that a prefix
    search is an index range (``>= prefix AND < bound``) under any collation."""
    chars = list(prefix)
    while chars:
        position = _MPN_ALPHABET.index(chars.pop())
        if position + 1 < len(_MPN_ALPHABET):
            return "".join(chars) + _MPN_ALPHABET[position + 1]
    return None


def search_mpn(mpn: str, *, limit: int = MPN_SEARCH_LIMIT) -> tuple[list[Part], bool]:
    """Parts of any type whose MPN matches ``mpn`` ignoring case and punctuation: exact
    matches first, then MPNs that start with it, then (for 3+ characters) MPNs that contain
    it; at most ``limit`` parts, each with ``match`` set to "exact", "prefix" or "contains".
    Returns the parts and whether more matched. At most four queries: the exact and prefix
    matches, the "contains" matches when those leave room (so a search reads one query less
    when its prefix fills the page), and the parts' types with their info keys; tag names
    come with the parts."""
    normalized = normalize_mpn(mpn)
    if not normalized:
        raise ValidationFailed(
            "The MPN has no letters or digits.", errors={"mpn": ["Give letters or digits."]}
        )
    base = with_tag_names_read(Part.objects.order_by("mpn_normalized", "ipn"))
    # Exact and prefix matches in one index range: the MPN itself sorts before every longer
    # MPN that starts with it, so the exact matches come first.
    starting = base.filter(mpn_normalized__gte=normalized)
    bound = _prefix_upper_bound(normalized)
    if bound is not None:
        starting = starting.filter(mpn_normalized__lt=bound)
    found = list(starting[: limit + 1])
    for part in found:
        part.match = "exact" if part.mpn_normalized == normalized else "prefix"
    room = limit + 1 - len(found)
    # Every exact and prefix match is in ``found`` when there is room left; "contains" scans
    # the whole index, so it runs only then.
    if room > 0 and len(normalized) >= 3:
        containing = base.filter(mpn_normalized__contains=normalized)
        if found:
            containing = containing.exclude(pk__in=[part.pk for part in found])
        for part in containing[:room]:
            part.match = "contains"
            found.append(part)
    truncated = len(found) > limit
    return shaped_parts(found[:limit]), truncated


@dataclass
class AlternateLink:
    part: Part
    note: str
    created_at: Any


def alternates_of(part: Part) -> list[AlternateLink]:
    """The parts linked to ``part`` as alternates (either side of the link), by IPN; four
    queries whatever their number."""
    links = list(
        PartAlternate.objects.filter(Q(part_a=part) | Q(part_b=part)).values(
            "part_a_id", "part_b_id", "note", "created_at"
        )
    )
    other = {
        (row["part_b_id"] if row["part_a_id"] == part.pk else row["part_a_id"]): row
        for row in links
    }
    by_pk = detailed_parts().in_bulk(list(other))
    found = [
        AlternateLink(part=by_pk[pk], note=row["note"], created_at=row["created_at"])
        for pk, row in other.items()
        if pk in by_pk
    ]
    return sorted(found, key=lambda link: link.part.ipn)
