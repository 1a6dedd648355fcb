"""Reading parts by their info values: ``info.<key>`` filters parsed from a query string,
narrowing and counting parts with the typed value indexes, ordering by info values, and info
values as people read them."""

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet, Subquery, Value

from config.core.errors import ValidationFailed
from inventory.catalogue.units import UnitError, format_quantity, parse_quantity
from inventory.models import InfoKey, Part, PartInfoValue, PartType

ORDERING_FIELDS = ("ipn", "mpn", "manufacturer", "description", "created_at", "updated_at")
# Equality on stored floats: "10k" and 10000.0000000001 are the same resistor.
_RELATIVE_TOLERANCE = 1e-9


@dataclass
class KeyFilter:
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


def parse_info_filters(part_type: PartType, params: Mapping[str, Any]) -> dict[InfoKey, KeyFilter]:
    """Read ``info.<key>=<value>`` (equality; repeat it for "any of"), ``info.<key>.min=`` and
    ``info.<key>.max=`` (numeric keys only, inclusive) from query parameters. Quantities may
    carry units (``info.resistance.min=1k``). Unknown keys, operators or values are a 400 with
    errors keyed by the parameter."""
    by_key = {key.key: key for key in part_type.info_keys.all()}
    filters: dict[InfoKey, KeyFilter] = {}
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
        entry = filters.setdefault(key, KeyFilter(equals=[]))
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


def _condition(key: InfoKey, entry: KeyFilter) -> tuple[tuple, list]:
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


def _matching_values(key: InfoKey, entry: KeyFilter) -> QuerySet[PartInfoValue]:
    """The values of ``key`` that pass ``entry``."""
    shape, params = _condition(key, entry)
    return _values_matching(shape, iter(params))


def filter_by_info(
    queryset: QuerySet[Part], filters: Mapping[InfoKey, KeyFilter], *, probe: bool = False
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


def count_by_info(
    filters: Mapping[InfoKey, KeyFilter], *, archived: bool | None = None
) -> InfoCount:
    """How many parts pass ``filters`` (at least one), when nothing else narrows the parts of
    their type but ``archived`` (``None``: archived or not): the values of the first key that
    pass, among the parts whose other keys pass, counted from the value indexes alone. The
    same number as counting ``filter_by_info`` of the type's parts: a part has one value per
    key, a key belongs to one type and a part never changes type. Counting the parts
    themselves made the database build the whole set of matching ids first (13 vs 1 ms for a
    range over 11,000 resistors). Archived parts are few: the values of those are counted
    apart, in the same query, and taken off or kept. The same query reads the largest part
    id, for :func:`probing_is_cheaper`."""
    conditions = [_condition(key, entry) for key, entry in filters.items()]
    shapes = tuple(shape for shape, _params in conditions)
    params = [param for _shape, params in conditions for param in params]
    part_type_id = next(iter(filters)).part_type_id
    found = list(_count_query(shapes, part_type_id if archived is not None else None, *params))
    if not found:
        return InfoCount(0, 0)
    matches, archived_matches, parts_bound = found[0]
    if archived is not None:
        matches = archived_matches if archived else matches - archived_matches
    return InfoCount(matches, parts_bound)


def _count_query(shapes: tuple[tuple, ...], archived_of_type: int | None, *params: Any) -> QuerySet:
    taken = iter(params)
    first, *others = shapes
    values = _values_matching(first, taken)
    for shape in others:
        values = values.filter(part_id__in=_values_matching(shape, taken).values("part_id"))
    largest_id = Subquery(Part.objects.order_by("-pk").values("pk")[:1])
    archived_matches = Value(0)
    if archived_of_type is not None:
        # The type's archived parts, from the (part_type, archived, ipn) index (an IN, which
        # SQLite looks up there, unlike the bare column Django writes for archived=True).
        archived = Part.objects.filter(part_type_id=archived_of_type, archived__in=[True])
        archived_matches = Count("part_id", filter=Q(part_id__in=archived.values("pk")))
    # Grouped by the first key, which every counted value has: one row, none when none pass
    # (and when some pass, there are parts, so the largest id is never NULL).
    return (
        values.order_by()
        .values("info_key")
        .annotate(
            matches=Count("*"), archived_matches=archived_matches, parts_bound=Max(largest_id)
        )
        .values_list("matches", "archived_matches", "parts_bound")
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


def order_parts(
    queryset: QuerySet[Part], part_type: PartType | None, ordering: str
) -> QuerySet[Part]:
    """``ordering``: comma-separated fields, each optionally prefixed with ``-``: ipn, mpn,
    manufacturer, description, created_at, updated_at or, given the parts' type,
    ``info.<key>`` (numbers sort numerically; parts without the value come last). The IPN
    breaks ties."""
    by_key = {key.key: key for key in part_type.info_keys.all()} if part_type else {}
    terms = []
    for raw in [item.strip() for item in ordering.split(",") if item.strip()]:
        descending = raw.startswith("-")
        name = raw.lstrip("-")
        if name in ORDERING_FIELDS:
            terms.append(F(name).desc() if descending else F(name).asc())
            continue
        key = by_key.get(name[len("info.") :]) if name.startswith("info.") else None
        if key is None:
            allowed = ", ".join([*ORDERING_FIELDS, *(["info.<key>"] if part_type else [])])
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
