from django.urls import path, register_converter

from inventory.stock.views import labels as stock_labels
from inventory.stock.views import locations as stock_locations
from inventory.stock.views import reports as stock
from inventory.stock.views import scan as stock_scan


class LabelFormat:
    regex = "png|svg"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(LabelFormat, "labelfmt")

urlpatterns = [
    path("stock/receive", stock_scan.receive, name="stock-receive"),
    path("stock/pick", stock_scan.pick, name="stock-pick"),
    path("stock/move", stock_scan.move, name="stock-move"),
    path("stock/count", stock_scan.count, name="stock-count"),
    path("stock/low", stock.low_stock, name="low-stock"),
    path("locations", stock_locations.location_list, name="location-list"),
    path("locations/<str:code>", stock_locations.location_detail, name="location-detail"),
    path("locations/<str:code>/edit", stock_locations.location_edit, name="location-edit"),
    path(
        "locations/<str:code>/archive",
        stock_locations.location_archive,
        name="location-archive",
    ),
    path("lots/<path:name>", stock_locations.lot_detail, name="lot-detail"),
    path("labels/sheet", stock_labels.label_sheet, name="label-sheet"),
    path("labels/part/<str:key>.<labelfmt:fmt>", stock_labels.part_label, name="label-part"),
    path(
        "labels/location/<str:key>.<labelfmt:fmt>",
        stock_labels.location_label,
        name="label-location",
    ),
    path("labels/lot/<path:key>.<labelfmt:fmt>", stock_labels.lot_label, name="label-lot"),
    path("s/<str:kind>/<path:key>", stock_labels.scan_open, name="scan-open"),
]
