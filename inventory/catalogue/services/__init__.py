"""Writes for the parts catalogue: part types and their info keys, parts, alternates.

How info values are kept. ``Part.info`` maps info keys to validated values:

- ``text`` and ``choice``: a string (a choice spelled as in the key's ``choices``);
- ``boolean``: ``true``/``false``;
- ``number`` and ``quantity``: a JSON number, quantities converted to the key's unit
  (``"10k"`` for a key in ohm is stored as ``10000``; ``"100nF"`` for a key in F as ``1e-07``).
  Values are rounded to 12 significant digits (:mod:`inventory.catalogue.units`) and stored as an
  integer when integral, else as a float: the float's shortest repr is then exactly those
  decimal digits, so nothing is lost and JSON readers get a plain number.

Every value is mirrored into one ``PartInfoValue`` row (``number`` for number/quantity keys,
``text`` for the others, booleans as ``"true"``/``"false"``) so that filtering and sorting
use the ``(info_key, number)`` and ``(info_key, text)`` indexes. Only these services write
either of them, always together.
"""

from inventory.catalogue.services.alternates import alternate_add, alternate_remove
from inventory.catalogue.services.info import validate_info
from inventory.catalogue.services.part_types import (
    PART_TYPE_FIELDS,
    RESERVED_TYPE_SLUGS,
    part_type_create,
    part_type_delete,
    part_type_update,
)
from inventory.catalogue.services.parts import (
    PART_FIELDS,
    part_create,
    part_delete,
    part_update,
    part_usages,
    parts_create_many,
    register_part_usage,
)

__all__ = [
    "PART_FIELDS",
    "PART_TYPE_FIELDS",
    "RESERVED_TYPE_SLUGS",
    "alternate_add",
    "alternate_remove",
    "part_create",
    "part_delete",
    "part_type_create",
    "part_type_delete",
    "part_type_update",
    "part_update",
    "part_usages",
    "parts_create_many",
    "register_part_usage",
    "validate_info",
]
