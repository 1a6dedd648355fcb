from django.contrib import admin

from ..models import ChangelogEntry


@admin.register(ChangelogEntry)
class ChangelogEntryAdmin(admin.ModelAdmin):
    """The changelog is history: staff can look and search, nobody edits or deletes here
    (old entries go by the retention job, ``changelog_prune``)."""

    list_display = (
        "at",
        "actor_kind",
        "actor_name",
        "actor_token",
        "action",
        "entity_type",
        "entity_key",
    )
    list_filter = ("action", "entity_type", "actor_kind")
    search_fields = ("entity_key", "actor_name")
    date_hierarchy = "at"
    ordering = ("-id",)
    fields = (
        "at",
        "actor_kind",
        "actor_name",
        "actor_token",
        "actor_user",
        "action",
        "entity_type",
        "entity_key",
        "changes",
    )
    readonly_fields = fields
    show_full_result_count = False  # a COUNT(*) over the whole changelog on every page is slow

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
