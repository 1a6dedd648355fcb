"""Read paths for the parts catalogue: part types, part lists with info filters, lookups by
key, MPN search, alternates. Every queryset here comes shaped for its serializer: a page of
parts costs the same few queries whatever its length."""

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, NamedTuple

import orjson
from django.db.models import (
    Aggregate,
    Count,
    Exists,
    F,
    JSONField,
    Max,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)

from config.core.errors import NotFound, ValidationFailed
from config.core.lookups import AnyOf
from inventory.catalogue.models import normalize_mpn
from inventory.catalogue.units import UnitError, format_quantity, parse_quantity
from inventory.models import InfoKey, Part, PartAlternate, PartInfoValue, PartType

ORDERING_FIELDS = ("ipn", "mpn", "manufacturer", "description", "created_at", "updated_at")
MPN_SEARCH_LIMIT = 50
MPN_SEARCH_MAX_LIMIT = 200
# Equality on stored floats: "10k" and 10000.0000000001 are the same resistor.
_RELATIVE_TOLERANCE = 1e-9
_MPN_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # what normalize_mpn leaves


# ---------------------------------------------------------------------------------------------
# Part types


def part_types() -> QuerySet[PartType]:
    """Part types with their info keys and how many parts each has, in two queries."""
    return PartType.objects.annotate(part_count=Count("parts")).prefetch_related("info_keys")


def part_type_by_ref(ref: str) -> PartType:
    """A part type by numeric id or by slug (slugs are never all digits)."""
    lookup = {"pk": int(ref)} if ref.isdigit() else {"slug": ref}
    part_type = part_types().filter(**lookup).first()
    if part_type is None:
        raise NotFound(f"No part type {ref!r}.")
    return part_type


def part_type_by_slug(slug: str) -> PartType:
    """The part type ``slug`` with its info keys in display order (two queries)."""
    part_type = _with_info_keys(PartType.objects.filter(slug=slug)).first()
    if part_type is None:
        raise NotFound(f"No part type {slug!r}.")
    return part_type


def _with_info_keys(types: QuerySet[PartType]) -> QuerySet[PartType]:
    """``types`` with ``info_keys.all()`` loaded in display order (by position, then key)."""
    ordered = InfoKey.objects.order_by("position", "key")
    return types.prefetch_related(Prefetch("info_keys", queryset=ordered))


def _part_types_with_info_keys(**lookup: Any) -> list[PartType]:
    return list(_with_info_keys(PartType.objects.filter(**lookup)))


def info_keys(part_type: PartType) -> QuerySet[InfoKey]:
    return InfoKey.objects.filter(part_type=part_type).order_by("position", "key")


# ---------------------------------------------------------------------------------------------
# Parts


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


def _shaped(found: list[Part]) -> list[Part]:
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
        for part_type in _part_types_with_info_keys(pk__in={part.part_type_id for part in found})
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


# ---------------------------------------------------------------------------------------------
# Info filters and ordering


@dataclass
class _KeyFilter:
    equals: list[Any]
    minimum: float | None = None
    maximum: float | None = None


def _filter_value(key: InfoKey, raw: str) -> Any:
    if key.is_numeric:
        return float(parse_quantity(raw, key.unit if key.kind == InfoKey.Kind.QUANTITY else ""))
    if key.kind == InfoKey.Kind.BOOLEAN:
        text = raw.strip().lower()
        if text in {"true", "yes", "1"}:
            return "true"
        if text in {"false", "no", "0"}:
            return "false"
        raise ValueError(f"{raw!r} is not true or false.")
    if key.kind == InfoKey.Kind.CHOICE:
        by_fold = {str(choice).casefold(): str(choice) for choice in key.choices}
        return by_fold.get(raw.strip().casefold(), raw.strip())
    return raw.strip()


def parse_info_filters(part_type: PartType, params: Mapping[str, Any]) -> dict[InfoKey, _KeyFilter]:
    """Read ``info.<key>=<value>`` (equality; repeat it for "any of"), ``info.<key>.min=`` and
    ``info.<key>.max=`` (numeric keys only, inclusive) from query parameters. Quantities may
    carry units (``info.resistance.min=1k``). Unknown keys, operators or values are a 400 with
    errors keyed by the parameter."""
    by_key = {key.key: key for key in part_type.info_keys.all()}
    filters: dict[InfoKey, _KeyFilter] = {}
    errors: dict[str, list[str]] = {}
    for name in params:
        if not name.startswith("info."):
            continue
        key_name, _dot, operator = name[len("info.") :].partition(".")
        key = by_key.get(key_name)
        if key is None:
            errors[name] = [f"Unknown info key {key_name!r} for part type {part_type.slug!r}."]
            continue
        if operator not in {"", "min", "max"}:
            errors[name] = ["Use info.<key>, info.<key>.min or info.<key>.max."]
            continue
        if operator and not key.is_numeric:
            errors[name] = [f"{key_name!r} is not numeric: only equality applies."]
            continue
        raw_values = params.getlist(name) if hasattr(params, "getlist") else [params[name]]
        entry = filters.setdefault(key, _KeyFilter(equals=[]))
        try:
            values = [_filter_value(key, str(raw)) for raw in raw_values]
        except (UnitError, ValueError) as exc:
            errors[name] = [str(exc)]
            continue
        if operator == "min":
            entry.minimum = max(values)
        elif operator == "max":
            entry.maximum = min(values)
        else:
            entry.equals.extend(values)
    if errors:
        raise ValidationFailed("Some info filters are not valid.", errors=errors)
    return filters


def _condition(key: InfoKey, entry: _KeyFilter) -> tuple[tuple, list]:
    """What ``entry`` asks of ``key``'s values, as the shape of its SQL condition and the
    parameters it takes, in order (see :func:`_values_matching`)."""
    params: list[Any] = [key.pk]
    if not key.is_numeric:
        texts = list(dict.fromkeys(entry.equals))  # IN drops repeats, so they are no parameters
        return ("text", len(texts)), [*params, *texts]
    if entry.minimum is not None:
        params.append(entry.minimum - abs(entry.minimum) * _RELATIVE_TOLERANCE)
    if entry.maximum is not None:
        params.append(entry.maximum + abs(entry.maximum) * _RELATIVE_TOLERANCE)
    for value in entry.equals:
        margin = abs(value) * _RELATIVE_TOLERANCE
        params += [value - margin, value + margin]
    shape = ("number", entry.minimum is not None, entry.maximum is not None, len(entry.equals))
    return shape, params


def _values_matching(shape: tuple, params: Iterator[Any]) -> QuerySet[PartInfoValue]:
    """The info values passing a condition of ``shape`` (from :func:`_condition`), taking
    its parameters from ``params`` in the order the SQL takes them: read from the
    ``(info_key, number, part)`` or ``(info_key, text)`` index alone."""
    values = PartInfoValue.objects.filter(info_key_id=next(params))
    if shape[0] == "text":
        if shape[1]:
            values = values.filter(text__in=[next(params) for _ in range(shape[1])])
        return values
    _number, has_minimum, has_maximum, equals = shape
    if has_minimum:
        values = values.filter(number__gte=next(params))
    if has_maximum:
        values = values.filter(number__lte=next(params))
    if equals:
        any_of = Q()
        for _ in range(equals):
            low, high = next(params), next(params)
            any_of |= Q(number__gte=low) & Q(number__lte=high)
        values = values.filter(any_of)
    return values


def _matching_values(key: InfoKey, entry: _KeyFilter) -> QuerySet[PartInfoValue]:
    """The values of ``key`` that pass ``entry``."""
    shape, params = _condition(key, entry)
    return _values_matching(shape, iter(params))


def filter_by_info(
    queryset: QuerySet[Part], filters: Mapping[InfoKey, _KeyFilter], *, probe: bool = False
) -> QuerySet:
    """Narrow ``queryset`` with one ``PartInfoValue`` subquery per key. By default each is a
    set of matching part ids read from the ``(info_key, number, part)`` or ``(info_key, text)``
    index alone; with ``probe`` each part is checked on its own ``(part, info_key)`` row
    instead (see :func:`probing_is_cheaper` for when that wins). Both give the same parts."""
    for key, entry in filters.items():
        values = _matching_values(key, entry)
        if probe:
            queryset = queryset.filter(Exists(values.filter(part_id=OuterRef("pk"))))
        else:
            queryset = queryset.filter(pk__in=values.values("part_id"))
    return queryset


class InfoCount(NamedTuple):
    matches: int  # parts that pass the filters
    parts_bound: int  # at least the number of parts of any type (the largest part id)


def count_by_info(filters: Mapping[InfoKey, _KeyFilter]) -> InfoCount:
    """How many parts pass ``filters`` (at least one), when nothing else narrows the parts of
    their type: the values of the first key that pass, among the parts whose other keys pass,
    counted from the value indexes alone. The same number as counting
    ``filter_by_info(parts_of_type(...))``: a part has one value per key, a key belongs to one
    type and a part never changes type. Counting the parts themselves made the database build
    the whole set of matching ids first (13 vs 1 ms for a range over 11,000 resistors).
    The same query reads the largest part id, for :func:`probing_is_cheaper`."""
    conditions = [_condition(key, entry) for key, entry in filters.items()]
    shapes = tuple(shape for shape, _params in conditions)
    params = [param for _shape, params in conditions for param in params]
    found = list(_count_query(shapes, *params))
    return InfoCount(*found[0]) if found else InfoCount(0, 0)


def _count_query(shapes: tuple[tuple, ...], *params: Any) -> QuerySet:
    taken = iter(params)
    first, *others = shapes
    values = _values_matching(first, taken)
    for shape in others:
        values = values.filter(part_id__in=_values_matching(shape, taken).values("part_id"))
    largest_id = Subquery(Part.objects.order_by("-pk").values("pk")[:1])
    # Grouped by the first key, which every counted value has: one row, none when none pass
    # (and when some pass, there are parts, so the largest id is never NULL).
    return (
        values.order_by()
        .values("info_key")
        .annotate(matches=Count("*"), parts_bound=Max(largest_id))
        .values_list("matches", "parts_bound")
    )


# Measured with SQLite on the 100,000-part bench: probing walks the parts of the type in IPN
# order at ~1.2 µs a part; the id-set plan spends ~0.7 µs per matching id to build its set,
# then walks the same parts at ~0.1 µs each. Probing wins while its walk is shorter than
# ~0.6 x the matches. (PostgreSQL's planner turns both into the same semi-join.)
_PROBE_COST_RATIO = 0.6


def probing_is_cheaper(count: InfoCount, rows_wanted: int) -> bool:
    """Whether the first ``rows_wanted`` parts in IPN order are cheaper to find with
    ``filter_by_info(..., probe=True)``: when the filters match so many parts that a short
    walk finds them (a range over a quarter of 40,000 resistors: 3 instead of 11 ms for a
    page of 100). The walk is estimated with ``parts_bound`` for the parts of the type, so
    probing is only chosen when even that overestimate favours it."""
    if count.matches == 0:
        return False
    walked = rows_wanted * count.parts_bound / count.matches
    return walked < _PROBE_COST_RATIO * count.matches


def order_parts(queryset: QuerySet[Part], part_type: PartType, ordering: str) -> QuerySet[Part]:
    """``ordering``: comma-separated fields, each optionally prefixed with ``-``: ipn, mpn,
    manufacturer, description, created_at, updated_at or ``info.<key>`` (numbers sort
    numerically; parts without the value come last). The IPN breaks ties."""
    by_key = {key.key: key for key in part_type.info_keys.all()}
    terms = []
    for raw in [item.strip() for item in ordering.split(",") if item.strip()]:
        descending = raw.startswith("-")
        name = raw.lstrip("-")
        if name in ORDERING_FIELDS:
            terms.append(F(name).desc() if descending else F(name).asc())
            continue
        key = by_key.get(name[len("info.") :]) if name.startswith("info.") else None
        if key is None:
            allowed = ", ".join([*ORDERING_FIELDS, "info.<key>"])
            raise ValidationFailed(
                "Unknown ordering.", errors={"ordering": [f"{raw!r}: use one of {allowed}."]}
            )
        alias = f"_order_{key.key}"
        column = "number" if key.is_numeric else "text"
        value = PartInfoValue.objects.filter(part=OuterRef("pk"), info_key=key).values(column)
        queryset = queryset.alias(**{alias: Subquery(value[:1])})
        terms.append(
            F(alias).desc(nulls_last=True) if descending else F(alias).asc(nulls_last=True)
        )
    return queryset.order_by(*terms, "ipn")


def display_info(info_keys: Iterable[InfoKey], info: Mapping[str, Any]) -> dict[str, str]:
    """Info values as people read them: ``{"resistance": "10 kΩ", "smd": "yes"}``."""
    shown = {}
    for key in info_keys:
        if key.key not in info:
            continue
        value = info[key.key]
        if key.kind == InfoKey.Kind.QUANTITY:
            shown[key.key] = format_quantity(value, key.unit)
        elif key.kind == InfoKey.Kind.NUMBER:
            shown[key.key] = format_quantity(value)
        elif key.kind == InfoKey.Kind.BOOLEAN:
            shown[key.key] = "yes" if value else "no"
        else:
            shown[key.key] = str(value)
    return shown


# ---------------------------------------------------------------------------------------------
# MPN search and alternates


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
    Returns the parts and whether more matched. At most four queries."""
    normalized = normalize_mpn(mpn)
    if not normalized:
        raise ValidationFailed(
            "The MPN has no letters or digits.", errors={"mpn": ["Give letters or digits."]}
        )
    base = Part.objects.order_by("mpn_normalized", "ipn")
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
    return _shaped(found[:limit]), truncated


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
    by_pk = parts().in_bulk(list(other))
    found = [
        AlternateLink(part=by_pk[pk], note=row["note"], created_at=row["created_at"])
        for pk, row in other.items()
        if pk in by_pk
    ]
    return sorted(found, key=lambda link: link.part.ipn)
