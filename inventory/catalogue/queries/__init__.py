"""Read paths for the parts catalogue, one module per concept: part types, parts (lookups,
list rows, batch), info filters (filters, counts, ordering, display) and MPN search with
alternates. Callers use the package: ``from inventory.catalogue import queries`` and then
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
)
from inventory.catalogue.queries.parts import (
    PartRow,
    part_by_ipn,
    part_by_key,
    part_rows,
    parts,
    parts_by_keys,
    parts_of_type,
    rows_of_type,
    search,
    with_tag_names,
    with_tags,
)

__all__ = [
    "MPN_SEARCH_LIMIT",
    "MPN_SEARCH_MAX_LIMIT",
    "ORDERING_FIELDS",
    "AlternateLink",
    "InfoCount",
    "KeyFilter",
    "PartRow",
    "alternates_of",
    "count_by_info",
    "display_info",
    "filter_by_info",
    "info_keys",
    "order_parts",
    "parse_info_filters",
    "part_by_ipn",
    "part_by_key",
    "part_rows",
    "part_type_by_ref",
    "part_type_by_slug",
    "part_types",
    "parts",
    "parts_by_keys",
    "parts_of_type",
    "probing_is_cheaper",
    "rows_of_type",
    "search",
    "search_mpn",
    "with_tag_names",
    "with_tags",
]
