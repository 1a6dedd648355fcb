"""Read paths for parts: lookups by key, rows shaped for the API's and the UI's lists, batch
lookups, text search and tags. Every queryset here comes shaped for its serializer: a page of
parts costs the same few queries whatever its length."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

import orjson
from django.db.models import (
    Aggregate,
    F,
    JSONField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)

from config.core.errors import NotFound
from config.core.lookups import AnyOf
from inventory.catalogue.models import normalize_mpn
from inventory.catalogue.queries.part_types import part_types_with_info_keys
from inventory.models import InfoKey, Part, PartType


def parts() -> QuerySet[Part]:
    """Parts with what ``PartSerializer`` reads: the type, its info keys (for display units)
    and the tags; three queries for any number of rows."""
    return Part.objects.select_related("part_type").prefetch_related(
        "tags", Prefetch("part_type__info_keys", queryset=InfoKey.objects.order_by("position"))
    )


def parts_of_type(part_type: PartType) -> QuerySet[Part]:
    """Parts of ``part_type`` for a list page or a download: every part's ``part_type`` is
    ``part_type`` itself (the related manager sets it, no join), info keys included. Give a
    page its rows with :func:`part_rows`."""
    return part_type.parts.order_by("ipn")


def with_tag_names(found: Sequence[Any]) -> Sequence[Any]:
    """Set ``tag_names`` (sorted) on each part, in one query. Names, not ``Tag`` rows and
    related managers: those cost more than the query itself for a batch of 1,000."""
    names: dict[int, list[str]] = {part.pk: [] for part in found}
    if names:
        rows = (
            Part.tags.through.objects.filter(part_id__in=names)
            .order_by("tag__name")
            .values_list("part_id", "tag__name")
        )
        for part_id, name in rows:
            names[part_id].append(name)
    for part in found:
        part.tag_names = names[part.pk]
    return found


def shaped_parts(found: list[Part]) -> list[Part]:
    """Give parts fetched without joins their tag names and their types with info keys (one
    shared instance per type): two queries whatever their number."""
    return _with_types(with_tag_names(found)) if found else found


def _with_types(found: list[Any]) -> list[Any]:
    """Set each part's ``part_type`` (one shared instance per type, info keys loaded), in one
    query."""
    if not found:
        return found
    by_pk = {
        part_type.pk: part_type
        for part_type in part_types_with_info_keys(pk__in={part.part_type_id for part in found})
    }
    for part in found:
        part.part_type = by_pk[part.part_type_id]
    return found


def part_by_key(ptype: str, ipn: str, *, queryset: QuerySet[Part] | None = None) -> Part:
    """The part ``ipn`` if it is of type ``ptype``; a part of another type is a 404 too.
    ``queryset`` narrows what is fetched with it (default: everything the serializer reads)."""
    queryset = parts() if queryset is None else queryset
    part = queryset.filter(part_type__slug=ptype, ipn=ipn).first()
    if part is None:
        raise NotFound(f"No part {ipn!r} of type {ptype!r}.")
    return part


def part_by_ipn(ipn: str) -> Part | None:
    """The part with this IPN, of any type (IPNs are unique across types)."""
    return parts().filter(ipn=ipn).first()


class _SortedNames(JSONField):
    """A JSON array of names from the database as a sorted list; no row at all is no names."""

    def from_db_value(self, value, expression, connection):
        return sorted(orjson.loads(value)) if value else []


class _NameArray(Aggregate):
    """The aggregated names as one JSON array (in no particular order)."""

    function = "JSON_GROUP_ARRAY"
    output_field = _SortedNames()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, function="JSONB_AGG", **extra)


@cache
def _tag_names_of_row() -> Subquery:
    """The tag names of the outer part, sorted: a correlated subquery on the
    ``(part, tag)`` index, so a page's tags come with its rows instead of in a query of their
    own (which cost more to build than the page itself). Built once: ``annotate`` resolves a
    copy of it."""
    links = Part.tags.through.objects.filter(part_id=OuterRef("pk"))
    return Subquery(links.values("part_id").annotate(names=_NameArray("tag__name")).values("names"))


@dataclass(slots=True)
class PartRow:
    """A part as ``PartSerializer`` shows it: the shown columns and no more. Building 1,000
    ``Part`` instances (every column decoded, stock totals included) cost more than their
    query; a row converts the same columns the same way (``values_list``)."""

    id: int
    ipn: str
    part_type_id: int
    mpn: str
    manufacturer: str
    description: str
    info: Any
    datasheet_url: str
    footprint: str
    notes: str
    unit_of_measure: str
    unit_weight_g: Any
    low_stock_threshold: Any
    archived: bool
    created_at: Any
    updated_at: Any
    tag_names: list[str]
    part_type: PartType | None = None  # set by rows_of_type or parts_by_keys

    @property
    def pk(self) -> int:
        return self.id


_ROW_COLUMNS = tuple(PartRow.__dataclass_fields__)[:-2]


def part_rows(queryset: QuerySet[Part]) -> QuerySet:
    """``queryset`` as tuples of what a :class:`PartRow` holds, tag names included; make the
    rows of a page :func:`rows_of_type`."""
    return queryset.annotate(tag_names=_tag_names_of_row()).values_list(*_ROW_COLUMNS, "tag_names")


def rows_of_type(rows: Iterable[tuple], part_type: PartType) -> list[PartRow]:
    """Rows from :func:`part_rows` of parts of ``part_type`` (with its info keys loaded), as
    :class:`PartRow`."""
    return [PartRow(*row, part_type=part_type) for row in rows]


def parts_by_keys(
    keys: Sequence[tuple[str, str]],
) -> tuple[list[PartRow], list[tuple[str, str]]]:
    """Look up many ``(ptype, ipn)`` keys in three queries whatever their number. Returns the
    parts found (as rows for ``PartSerializer``), in the order asked (each once), and the keys
    not found."""
    wanted = list(dict.fromkeys(keys))
    ipns = AnyOf(F("ipn"), list({ipn for _type, ipn in wanted}))
    found_rows = part_rows(Part.objects.filter(ipns).order_by())
    rows = _with_types([PartRow(*row) for row in found_rows])
    by_ipn = {part.ipn: part for part in rows}
    found, missing = [], []
    for ptype, ipn in wanted:
        part = by_ipn.get(ipn)
        if part is not None and part.part_type.slug == ptype:
            found.append(part)
        else:
            missing.append((ptype, ipn))
    return found, missing


def search(queryset: QuerySet[Part], term: str) -> QuerySet[Part]:
    """Parts whose IPN, MPN (punctuation ignored), manufacturer or description contain
    ``term``."""
    term = term.strip()
    if not term:
        return queryset
    condition = (
        Q(ipn__icontains=term)
        | Q(mpn__icontains=term)
        | Q(manufacturer__icontains=term)
        | Q(description__icontains=term)
    )
    normalized = normalize_mpn(term)
    if normalized:
        condition |= Q(mpn_normalized__contains=normalized)
    return queryset.filter(condition)


def with_tags(queryset: QuerySet[Part], names: Iterable[str]) -> QuerySet[Part]:
    """Parts that carry every one of the tags."""
    for name in names:
        queryset = queryset.filter(tags__name=name)
    return queryset
