"""Read paths for parts: the one query every list of parts reads (the API's list and its
downloads, the UI's list), lookups by key, batch lookups, text search and tags. Lists and
batches come as :class:`PartRow` (the columns shown, no model instances): a page of parts
costs the same few queries whatever its length."""

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import field, make_dataclass
from functools import cache
from itertools import islice
from typing import Any

import orjson
from django.db.models import (
    Aggregate,
    Count,
    F,
    Func,
    IntegerField,
    JSONField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)

from config.core.errors import NotFound
from config.core.lookups import AnyOf
from inventory.catalogue.models import PART_READ_FIELDS, normalize_mpn
from inventory.catalogue.queries import info_filters as by_info
from inventory.catalogue.queries.part_types import part_types_with_info_keys
from inventory.models import InfoKey, Part, PartType

# Which parts a list shows by their ``archived`` flag; every list hides archived parts unless
# asked (the API's ``?archived=``, the UI's "Show" filter).
ARCHIVED_HIDDEN = "false"
ARCHIVED_ONLY = "true"
ARCHIVED_ALSO = "all"
ARCHIVED_CHOICES = [
    (ARCHIVED_HIDDEN, "Active parts"),
    (ARCHIVED_ONLY, "Archived only"),
    (ARCHIVED_ALSO, "Active and archived"),
]
EXPORT_CHUNK_SIZE = 500  # rows read at a time by a download
# ARCHIVED_IN_INDEX: lists filter on ``archived__in=[flag]``, not ``archived=flag``, which
# Django writes as ``NOT archived`` for SQLite: that is no equality SQLite can look up in the
# (part_type, archived, ipn) index, so it tested every part of the type instead (6.5 vs
# 3.3 ms to count 40,000 resistors; PostgreSQL reads both forms from the index).


def detailed_parts() -> QuerySet[Part]:
    """Parts as model instances with what a part page and ``PartSerializer`` read: the type,
    its info keys (for display units) and the tags; three queries for any number of rows."""
    return Part.objects.select_related("part_type").prefetch_related(
        "tags", Prefetch("part_type__info_keys", queryset=InfoKey.objects.order_by("position"))
    )


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


def with_tag_names_read(queryset: QuerySet[Part]) -> QuerySet[Part]:
    """``queryset`` whose parts come with their ``tag_names`` (sorted), read in the same
    query (see ``_tag_names_of_row``)."""
    return queryset.annotate(tag_names=_tag_names_of_row())


def shaped_parts(found: list[Part]) -> list[Part]:
    """Give parts fetched without joins, with their tag names (:func:`with_tag_names_read`),
    their types with info keys (one shared instance per type): two queries whatever their
    number, none for no parts."""
    return _with_types(found)


def _with_types(found: list[Any], known: Sequence[PartType] = ()) -> list[Any]:
    """Set each part's ``part_type`` (one shared instance per type, info keys loaded): from
    ``known`` (types the caller holds with their info keys loaded), in one query for the
    others."""
    if not found:
        return found
    by_pk = {part_type.pk: part_type for part_type in known}
    missing = {part.part_type_id for part in found} - by_pk.keys()
    if missing:
        by_pk |= {
            part_type.pk: part_type for part_type in part_types_with_info_keys(pk__in=missing)
        }
    for part in found:
        part.part_type = by_pk[part.part_type_id]
    return found


def manufacturer_names(*, limit: int = 500) -> list[str]:
    """The first ``limit`` manufacturers of any part, by name (for suggestions)."""
    names = Part.objects.exclude(manufacturer="").order_by("manufacturer")
    return list(names.values_list("manufacturer", flat=True).distinct()[:limit])


def part_by_key(ptype: str, ipn: str, *, queryset: QuerySet[Part] | None = None) -> Part:
    """The part ``ipn`` if it is of type ``ptype``; a part of another type is a 404 too.
    ``queryset`` narrows what is fetched with it (default: everything the serializer reads)."""
    queryset = detailed_parts() if queryset is None else queryset
    part = queryset.filter(part_type__slug=ptype, ipn=ipn).first()
    if part is None:
        raise NotFound(f"No part {ipn!r} of type {ptype!r}.")
    return part


def part_by_ipn(ipn: str) -> Part | None:
    """The part with this IPN, of any type (IPNs are unique across types)."""
    return detailed_parts().filter(ipn=ipn).first()


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


def _row_pk(row: Any) -> int:
    return row.id


# A part as lists show it: what a read shows (PART_READ_FIELDS; tags as ``tag_names``), the
# keys of the part and its type, its on-hand total and how far under its threshold that is. Building 1,000 ``Part`` instances
# (every column decoded) cost more than their query; a row converts the same columns the same
# way (``values_list``). ``part_type`` is set by :func:`rows_of_type` or ``_with_types``.
_ROW_COLUMNS = (
    "id",
    "part_type_id",
    *(name for name in PART_READ_FIELDS if name != "tags"),
    "on_hand_total",
    "shortfall",
)
PartRow = make_dataclass(
    "PartRow",
    [*_ROW_COLUMNS, "tag_names", ("part_type", PartType | None, field(default=None))],
    namespace={"pk": property(_row_pk)},
    slots=True,
)


def part_rows(queryset: QuerySet[Part]) -> QuerySet:
    """``queryset`` as tuples of what a :class:`PartRow` holds, tag names included; make the
    rows of a page :func:`rows_of_type`."""
    return queryset.annotate(tag_names=_tag_names_of_row()).values_list(*_ROW_COLUMNS, "tag_names")


def rows_of_type(rows: Iterable[tuple], part_type: PartType) -> list[Any]:
    """Rows from :func:`part_rows` of parts of ``part_type`` (with its info keys loaded), as
    :class:`PartRow`."""
    return [PartRow(*row, part_type=part_type) for row in rows]


# ---------------------------------------------------------------------------------------------
# Lists


def parts(
    *,
    part_type: PartType | None = None,
    search: str = "",
    tags: Sequence[str] = (),
    manufacturer: str = "",
    archived: str = ARCHIVED_HIDDEN,
    info_filters: Mapping[InfoKey, by_info.KeyFilter] | None = None,
    ordering: str = "",
    part_types: Sequence[PartType] = (),
) -> "PartList":
    """The parts a list asks for, to paginate or download: of ``part_type`` (every type
    without one), whose IPN, MPN, manufacturer or description contain ``search``, that carry
    every one of ``tags``, made by ``manufacturer`` (any case), active, archived or both
    (``archived``: one of :data:`ARCHIVED_CHOICES`; archived parts are hidden by default),
    passing the type's ``info_filters`` (from ``parse_info_filters``), in ``ordering`` (see
    ``order_parts``; by IPN by default). The API's list, its CSV and JSON downloads and the
    UI's list all read parts here, so they narrow, order and default alike. ``part_types``:
    types the caller has loaded with their info keys (a list of every type reads the rest)."""
    found = Part.objects.all() if part_type is None else Part.objects.filter(part_type=part_type)
    archived_flag = None if archived == ARCHIVED_ALSO else archived == ARCHIVED_ONLY
    if archived_flag is not None:
        found = found.filter(archived__in=[archived_flag])  # see ARCHIVED_IN_INDEX
    narrowed = bool(search.strip() or tags or manufacturer)
    found = with_tags(containing_text(found, search), tags)
    if manufacturer:
        found = found.filter(manufacturer__iexact=manufacturer)
    found = by_info.order_parts(found, part_type, ordering or "ipn")
    return PartList(
        found,
        part_type=part_type,
        filters=info_filters or {},
        archived=archived_flag,
        # Info filters alone are counted from the info value indexes (count_by_info).
        counted_by_info=bool(info_filters) and not narrowed,
        every_active_part=(
            part_type is None and archived_flag is False and not narrowed and not info_filters
        ),
        in_ipn_order=ordering in {"", "ipn"},
        known_types=part_types,
    )


class PartList:
    """The parts of :func:`parts`, for any paginator (DRF's and Django's ask for ``count()``
    and slice): a slice is a list of :class:`PartRow` with their types, in one query whatever
    its length (two more for the types of a list of every type). Only the query of the plan
    chosen is built: here building a query costs more than running it.

    Parts narrowed by info filters alone are counted from the info value indexes
    (``count_by_info``), and a page in IPN order is then read with ``probe=True`` (the same
    parts, found by checking each part in IPN order) when that count shows it to be cheaper
    (``probing_is_cheaper``)."""

    ordered = True  # the IPN breaks every tie (order_parts)

    def __init__(
        self,
        ordered_parts: QuerySet[Part],
        *,
        part_type: PartType | None,
        filters: Mapping[InfoKey, by_info.KeyFilter],
        archived: bool | None,
        counted_by_info: bool,
        in_ipn_order: bool,
        known_types: Sequence[PartType] = (),
        every_active_part: bool = False,
    ):
        self.part_type = part_type
        self._every_active_part = every_active_part
        self._parts = ordered_parts
        self._filters = filters
        self._archived = archived
        self._counted_by_info = counted_by_info
        self._in_ipn_order = in_ipn_order
        self._known_types = known_types
        self._counted: by_info.InfoCount | None = None

    def count(self) -> int:
        if self._counted is None:
            if self._counted_by_info:
                self._counted = by_info.count_by_info(self._filters, archived=self._archived)
            elif self._every_active_part:
                self._counted = by_info.InfoCount(active_part_count(), 0)
            else:
                matching = by_info.filter_by_info(self._parts, self._filters)
                self._counted = by_info.InfoCount(matching.count(), 0)
        return self._counted.matches

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[Any]:
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        probe = (
            self._counted_by_info
            and self._in_ipn_order
            and index.stop is not None
            and self._counted is not None  # paginators count before they slice
            and by_info.probing_is_cheaper(self._counted, index.stop)
        )
        found = by_info.filter_by_info(self._parts, self._filters, probe=probe)
        return self._shaped(part_rows(found)[index])

    def iterate(self) -> Iterator[Any]:
        """Every part of the list as :class:`PartRow`, read ``EXPORT_CHUNK_SIZE`` at a time
        (for downloads: memory stays bounded whatever the list's length)."""
        found = by_info.filter_by_info(self._parts, self._filters)
        rows = part_rows(found).iterator(chunk_size=EXPORT_CHUNK_SIZE)
        while chunk := list(islice(rows, EXPORT_CHUNK_SIZE)):
            yield from self._shaped(chunk)

    def _shaped(self, rows: Iterable[tuple]) -> list[Any]:
        if self.part_type is not None:
            return rows_of_type(rows, self.part_type)
        return _with_types([PartRow(*row) for row in rows], self._known_types)


def active_part_count() -> int:
    """How many parts are not archived, in one statement: every part less the archived ones.
    SQLite counts a whole table from its pages (no row read when there is no WHERE) and
    finds the archived parts type by type in the ``(part_type, archived, ipn)`` index,
    where counting the active parts read an index entry of each (10 to 18 ms for 100,000
    parts, against 0.05 ms). ``COUNT(*)`` is written as a plain function so that it counts
    the table in a subquery, not per part."""
    every_part = Part.objects.order_by().annotate(
        count=Func(template="COUNT(*)", output_field=IntegerField())
    )
    archived = Part.objects.filter(part_type__in=PartType.objects.all(), archived__in=[True])
    counted = archived.aggregate(active=Subquery(every_part.values("count")) - Count("*"))
    return counted["active"]


def parts_by_keys(
    keys: Sequence[tuple[str, str]],
) -> tuple[list[Any], list[tuple[str, str]]]:
    """Look up many ``(ptype, ipn)`` keys in three queries whatever their number. Returns the
    parts found (as the rows of :func:`parts`), in the order asked (each once), and the keys
    not found. Archived parts are found too: a key names one part, it does not list any."""
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


def containing_text(queryset: QuerySet[Part], term: str) -> QuerySet[Part]:
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
