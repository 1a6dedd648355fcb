"""The base of every admin page whose writes go through a service, so that the admin obeys
the same rules and leaves the same changelog entries as the API and the UI."""

from django.contrib import admin, messages
from django.db import router, transaction
from django.http import HttpResponseRedirect

from .errors import ServiceError
from .models import ChangelogEntry

_REFUSED = "_wc_admin_refusal"

# The admin says whose it is (Django's defaults read "Django administration").
admin.site.site_header = "Warecache administration"
admin.site.site_title = "Warecache admin"
admin.site.index_title = "Stock, catalogue and accounts"


def _sentence(exc: ServiceError) -> str:
    details = "; ".join(
        f"{field}: {' '.join(texts)}" for field, texts in (exc.errors or {}).items()
    )
    return f"{exc.detail} {details}".strip()


class ServiceBackedAdmin(admin.ModelAdmin):
    """Writes go through :meth:`write`, called from ``save_related`` because that is where the
    inline formsets are known too (``save_model`` does nothing). A ServiceError rolls back the
    admin's transaction (its log entry included) and keeps the user on the form with the
    service's sentence instead of Django's "saved" message."""

    def write(self, request, obj, form, formsets, change):
        raise NotImplementedError

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # deletes go one by one, through the service
        return actions

    def _refuse(self, request, exc: ServiceError) -> None:
        setattr(request, _REFUSED, _sentence(exc))
        transaction.set_rollback(True, using=router.db_for_write(self.model))

    def save_model(self, request, obj, form, change):
        pass

    def save_related(self, request, form, formsets, change):
        for formset in formsets:
            # What formset.save() would have set; the admin's change message reads it.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        try:
            saved = self.write(request, form.instance, form, formsets, change)
        except ServiceError as exc:
            self._refuse(request, exc)
            return
        # The admin's messages and redirects read the form's instance: give it what was saved.
        for field in saved._meta.concrete_fields:
            setattr(form.instance, field.attname, getattr(saved, field.attname))

    def _refused(self, request, url: str | None = None):
        detail = getattr(request, _REFUSED, None)
        if detail is None:
            return None
        self.message_user(request, f"Not saved: {detail}", messages.ERROR)
        return HttpResponseRedirect(url or request.get_full_path())

    def response_add(self, request, obj, post_url_continue=None):
        return self._refused(request) or super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        return self._refused(request) or super().response_change(request, obj)

    def log_addition(self, request, obj, message):
        if getattr(request, _REFUSED, None) is None:
            return super().log_addition(request, obj, message)
        return None

    def log_change(self, request, obj, message):
        if getattr(request, _REFUSED, None) is None:
            return super().log_change(request, obj, message)
        return None

    def response_delete(self, request, obj_display, obj_id):
        detail = getattr(request, _REFUSED, None)
        if detail is None:
            return super().response_delete(request, obj_display, obj_id)
        self.message_user(request, f"Not deleted: {detail}", messages.ERROR)
        return HttpResponseRedirect(request.path.removesuffix("delete/") + "change/")


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
