from django.urls import path

from inventory.catalogue.api import views

types = views.PartTypeViewSet
parts = views.PartViewSet
lookup = views.PartLookupViewSet
alternates = views.PartAlternateViewSet

# "parts/batch" and "parts/search/..." come before "parts/<ptype>" so they win; the part
# type services reserve those two slugs.
urlpatterns = [
    path("part_types", types.as_view({"get": "list", "post": "create"}), name="part-type-list"),
    path(
        "part_types/<str:type_id>",
        types.as_view({"get": "retrieve", "delete": "destroy"}),
        name="part-type-detail",
    ),
    path(
        "part_types/<str:type_id>/info_keys",
        views.InfoKeyViewSet.as_view({"get": "list"}),
        name="part-type-info-keys",
    ),
    path("parts/batch", lookup.as_view({"post": "batch"}), name="part-batch"),
    path("parts/search/<path:mpn>", lookup.as_view({"get": "search"}), name="part-search"),
    path("parts/<str:ptype>", parts.as_view({"get": "list", "post": "create"}), name="part-list"),
    path(
        "parts/<str:ptype>/<str:ipn>",
        parts.as_view({"get": "retrieve", "put": "update", "delete": "destroy"}),
        name="part-detail",
    ),
    path(
        "parts/<str:ptype>/<str:ipn>/alternates",
        alternates.as_view({"get": "list", "post": "create"}),
        name="part-alternates",
    ),
    path(
        "parts/<str:ptype>/<str:ipn>/alternates/<str:alt_ipn>",
        alternates.as_view({"delete": "destroy"}),
        name="part-alternate-detail",
    ),
]
