"""Staff admin for storage locations, lots and the stock ledger.

Locations and lots are written through their services, as everywhere else, so paths stay
right and the changelog hears of it; a service's refusal is shown as an error message and
nothing is saved. The ledger (movements) and the balances are read-only: stock changes only
through the ledger services."""

from django.contrib import admin, messages

from config.core.actors import Actor
from config.core.admin import ServiceBackedAdmin
from config.core.errors import ServiceError
from inventory.models import Lot, StockBalance, StockMovement, StorageLocation
from inventory.stock.services import locations as services


@admin.register(StorageLocation)
class StorageLocationAdmin(ServiceBackedAdmin):
    list_display = ("path", "code", "kind", "is_full", "archived")
    list_filter = ("archived", "kind")
    search_fields = ("code", "name", "path")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)
    readonly_fields = ("path", "created_at", "updated_at")
    fields = (
        "parent",
        "name",
        "code",
        "path",
        "kind",
        "description",
        "is_full",
        "single_part",
        "existing_parts_only",
        "archived",
        "created_at",
        "updated_at",
    )
    actions = ("archive", "restore")

    def get_readonly_fields(self, request, obj=None):
        # The location services never change a location's kind.
        return (*self.readonly_fields, "kind") if obj is not None else self.readonly_fields

    def has_delete_permission(self, request, obj=None) -> bool:
        # Locations keep their history: archive them (location_delete is for the API's
        # empty, never-used locations).
        return False

    def write(self, request, obj, form, formsets, change):
        actor = Actor.for_user(request.user)
        data = form.cleaned_data
        if not change:
            fields = {name: data[name] for name in services.LOCATION_FIELDS if name in data}
            fields.pop("archived", None)
            return services.location_create(
                actor=actor, parent=data.get("parent"), kind=data["kind"], **fields
            )
        fields = {
            name: data[name] for name in form.changed_data if name in services.LOCATION_FIELDS
        }
        if "parent" in form.changed_data:
            fields["parent"] = data.get("parent")
        original = StorageLocation.objects.get(pk=obj.pk)
        return services.location_update(actor=actor, location=original, **fields)

    def _set_archived(self, request, queryset, archived: bool) -> None:
        actor = Actor.for_user(request.user)
        done = 0
        for location in queryset:
            try:
                services.location_update(actor=actor, location=location, archived=archived)
            except ServiceError as exc:
                self.message_user(request, f"{location.code}: {exc.detail}", messages.ERROR)
            else:
                done += 1
        verb = "archived" if archived else "restored"
        self.message_user(request, f"{done} location(s) {verb}.", messages.SUCCESS)

    @admin.action(description="Archive the selected locations")
    def archive(self, request, queryset):
        self._set_archived(request, queryset, True)

    @admin.action(description="Restore the selected locations")
    def restore(self, request, queryset):
        self._set_archived(request, queryset, False)


@admin.register(Lot)
class LotAdmin(ServiceBackedAdmin):
    list_display = ("name", "reference", "expiry_date", "created_at")
    search_fields = ("name", "reference", "description", "tags__name")
    list_filter = ("tags",)
    filter_horizontal = ("tags",)
    date_hierarchy = "created_at"
    fields = ("name", "description", "expiry_date", "reference", "tags")

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # movements point at lots

    def write(self, request, obj, form, formsets, change):
        actor = Actor.for_user(request.user)
        data = form.cleaned_data
        tags = sorted(tag.name for tag in data.get("tags") or [])
        fields = {name: data[name] for name in services.LOT_FIELDS if name in data}
        if not change:
            return services.lot_create(actor=actor, tags=tags, **fields)
        changed = {name: fields[name] for name in form.changed_data if name in fields}
        original = Lot.objects.get(pk=obj.pk)
        return services.lot_update(actor=actor, lot=original, tags=tags, **changed)


class ReadOnlyAdmin(admin.ModelAdmin):
    show_full_result_count = False  # no COUNT(*) over the whole ledger on every page

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(StockBalance)
class StockBalanceAdmin(ReadOnlyAdmin):
    list_display = ("part", "location", "lot", "status", "quantity", "updated_at")
    list_filter = ("status",)
    search_fields = ("part__ipn", "location__code", "lot__name")
    list_select_related = ("part", "location", "lot")


@admin.register(StockMovement)
class StockMovementAdmin(ReadOnlyAdmin):
    list_display = (
        "at",
        "operation",
        "part",
        "location",
        "lot",
        "status",
        "quantity",
        "actor_name",
        "source",
    )
    list_filter = ("operation", "status", "actor_kind")
    search_fields = ("part__ipn", "location__code", "actor_name")
    list_select_related = ("part", "location", "lot")
    date_hierarchy = "at"
    ordering = ("-at", "-id")
