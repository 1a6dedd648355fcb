"""Read paths for the parts catalogue, one module per concept: part types, parts (the one
list query, lookups, batch), info filters (filters, counts, ordering, display) and MPN search
with alternates. Callers use the package: ``from inventory.catalogue import queries`` and then
``queries.part_by_key(...)``."""

from inventory.catalogue.queries.info_filters import (
    ORDERING_FIELDS,
    InfoCount,
    KeyFilter,
    count_by_info,
    display_info,
    filter_by_info,
    order_parts,
    parse_info_filters,
    probing_is_cheaper,
)
from inventory.catalogue.queries.mpn import (
    MPN_SEARCH_LIMIT,
    MPN_SEARCH_MAX_LIMIT,
    AlternateLink,
    alternates_of,
    search_mpn,
)
from inventory.catalogue.queries.part_types import (
    info_keys,
    part_type_by_ref,
    part_type_by_slug,
    part_types,
    part_types_by_name,
    with_part_counts,
)
from inventory.catalogue.queries.parts import (
    ARCHIVED_ALSO,
    ARCHIVED_CHOICES,
    ARCHIVED_HIDDEN,
    ARCHIVED_ONLY,
    PartList,
    PartRow,
    detailed_parts,
    manufacturer_names,
    part_by_ipn,
    part_by_key,
    parts,
    parts_by_keys,
    with_tag_names,
)

__all__ = [
    "ARCHIVED_ALSO",
    "ARCHIVED_CHOICES",
    "ARCHIVED_HIDDEN",
    "ARCHIVED_ONLY",
    "MPN_SEARCH_LIMIT",
    "MPN_SEARCH_MAX_LIMIT",
    "ORDERING_FIELDS",
    "AlternateLink",
    "InfoCount",
    "KeyFilter",
    "PartList",
    "PartRow",
    "alternates_of",
    "count_by_info",
    "detailed_parts",
    "display_info",
    "filter_by_info",
    "info_keys",
    "manufacturer_names",
    "order_parts",
    "parse_info_filters",
    "part_by_ipn",
    "part_by_key",
    "part_type_by_ref",
    "part_type_by_slug",
    "part_types",
    "part_types_by_name",
    "parts",
    "parts_by_keys",
    "probing_is_cheaper",
    "search_mpn",
    "with_part_counts",
    "with_tag_names",
]
