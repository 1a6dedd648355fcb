"""Authorization rows for locations, lots, the ledger and stock reports. The part paths reuse
the catalogue area's {ptype}/{ipn}, which its setup() creates."""

from inventory.models import Lot, StorageLocation

from .common import at_least

LOCATION_ID = 900001
LOT_ID = 900001
PATH_VALUES = {"location_id": str(LOCATION_ID), "lot_id": str(LOT_ID)}


def setup() -> None:
    # Fixed ids so the paths above name them; an empty location, so an allowed DELETE is 204.
    StorageLocation.objects.create(pk=LOCATION_ID, name="Matrix", code="MATRIX", path="Matrix")
    Lot.objects.create(pk=LOT_ID, name="MATRIX-LOT")


ROWS: dict[tuple[str, str], dict[str, int]] = {
    # Locations: everyone reads, managers arrange them.
    ("GET", "/api/v1/locations"): at_least("viewer", 200),
    ("POST", "/api/v1/locations"): at_least("manager", 400),
    ("GET", "/api/v1/locations/{location_id}"): at_least("viewer", 200),
    ("PUT", "/api/v1/locations/{location_id}"): at_least("manager", 200),
    ("DELETE", "/api/v1/locations/{location_id}"): at_least("manager", 204),
    ("GET", "/api/v1/locations/{location_id}/stock"): at_least("viewer", 200),
    # Lots: clerks create them while receiving (an empty body makes a lot with a generated name).
    ("GET", "/api/v1/lots"): at_least("viewer", 200),
    ("POST", "/api/v1/lots"): at_least("clerk", 201),
    ("GET", "/api/v1/lots/{lot_id}"): at_least("viewer", 200),
    ("PUT", "/api/v1/lots/{lot_id}"): at_least("clerk", 200),
    # The ledger: clerks move stock, everyone reads it.
    ("GET", "/api/v1/stock"): at_least("viewer", 200),
    ("GET", "/api/v1/stock/movements"): at_least("viewer", 200),
    ("POST", "/api/v1/stock/add"): at_least("clerk", 400),
    ("POST", "/api/v1/stock/remove"): at_least("clerk", 400),
    ("POST", "/api/v1/stock/move"): at_least("clerk", 400),
    ("POST", "/api/v1/stock/adjust"): at_least("clerk", 400),
    ("POST", "/api/v1/stock/status"): at_least("clerk", 400),
    ("GET", "/api/v1/parts/{ptype}/{ipn}/stock"): at_least("viewer", 200),
    ("GET", "/api/v1/parts/{ptype}/{ipn}/history"): at_least("viewer", 200),
    ("GET", "/api/v1/reports/low-stock"): at_least("viewer", 200),
}
