from django.urls import path

from inventory.stock.api import locations, views

urlpatterns = [
    path("locations", locations.LocationListView.as_view(), name="location-list"),
    path(
        "locations/<int:location_id>",
        locations.LocationDetailView.as_view(),
        name="location-detail",
    ),
    path(
        "locations/<int:location_id>/stock",
        locations.LocationStockView.as_view(),
        name="location-stock",
    ),
    path("lots", locations.LotListView.as_view(), name="lot-list"),
    path("lots/<int:lot_id>", locations.LotDetailView.as_view(), name="lot-detail"),
    path("stock", views.StockListView.as_view(), name="stock-list"),
    path("stock/movements", views.MovementListView.as_view(), name="stock-movements"),
    path("stock/add", views.StockAddView.as_view(), name="stock-add"),
    path("stock/remove", views.StockRemoveView.as_view(), name="stock-remove"),
    path("stock/move", views.StockMoveView.as_view(), name="stock-move"),
    path("stock/adjust", views.StockAdjustView.as_view(), name="stock-adjust"),
    path("stock/status", views.StockStatusView.as_view(), name="stock-status"),
    path("parts/<str:ptype>/<str:ipn>/stock", views.PartStockView.as_view(), name="part-stock"),
    path(
        "parts/<str:ptype>/<str:ipn>/history", views.PartHistoryView.as_view(), name="part-history"
    ),
    path("reports/low-stock", views.LowStockView.as_view(), name="report-low-stock"),
]
