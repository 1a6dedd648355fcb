"""The inventory's admin pages live with their concepts; importing them registers them."""

from inventory.catalogue import admin as catalogue_admin  # noqa: F401
from inventory.stock import admin as stock_admin  # noqa: F401
