from django.urls import path

from inventory.catalogue.views import part_types, parts

urlpatterns = [
    path("parts", parts.part_list, name="part-list"),
    # One segment: no part page's path is that short (parts/<type>/<ipn>).
    path("parts/manufacturers", parts.manufacturer_options, name="part-manufacturers"),
    # Before the part page: a part whose IPN is "new" is reached through search or the API.
    path("parts/<slug:ptype>/new", parts.part_create, name="part-create"),
    path("parts/<slug:ptype>/<str:ipn>", parts.part_detail, name="part-detail"),
    path("parts/<slug:ptype>/<str:ipn>/edit", parts.part_edit, name="part-edit"),
    path("parts/<slug:ptype>/<str:ipn>/delete", parts.part_delete, name="part-delete"),
    path(
        "parts/<slug:ptype>/<str:ipn>/alternates",
        parts.alternate_add,
        name="part-alternate-add",
    ),
    path(
        "parts/<slug:ptype>/<str:ipn>/alternates/<str:alt_ipn>/remove",
        parts.alternate_remove,
        name="part-alternate-remove",
    ),
    path("part-types", part_types.part_type_list, name="part-type-list"),
    path("part-types/new", part_types.part_type_create, name="part-type-create"),
    path("part-types/info-key-row", part_types.info_key_row, name="part-type-info-key-row"),
    path("part-types/<slug:slug>/edit", part_types.part_type_edit, name="part-type-edit"),
    path("part-types/<slug:slug>/delete", part_types.part_type_delete, name="part-type-delete"),
]
