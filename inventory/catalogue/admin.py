"""Staff admin for the parts catalogue: part types (with their info keys inline), parts, tags.

Part types and parts are written through ``inventory.catalogue.services``, as everywhere else,
so info values are validated and normalised, the typed ``PartInfoValue`` index stays in step
and the changelog hears of every change. The admin's forms check the info values first (with
the service's own validator), so a wrong value is shown at its field; anything the service
still refuses is shown as an error message and nothing is saved."""

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from config.core.actors import Actor
from config.core.admin import ServiceBackedAdmin
from config.core.errors import ServiceError, ValidationFailed
from inventory.catalogue import queries, services
from inventory.catalogue.models import INFO_KEY_FIELDS, PART_FIELDS
from inventory.models import InfoKey, Part, PartType, Tag

# ---------------------------------------------------------------------------------------------
# Part types


class InfoKeyInline(admin.TabularInline):
    model = InfoKey
    fields = INFO_KEY_FIELDS
    extra = 0
    ordering = ("position", "key")


@admin.register(PartType)
class PartTypeAdmin(ServiceBackedAdmin):
    list_display = ("slug", "name", "ipn_prefix", "part_count")
    search_fields = ("slug", "name")
    inlines = (InfoKeyInline,)

    @admin.display(description="Parts", ordering="part_count")
    def part_count(self, obj) -> int:
        return obj.part_count

    def get_queryset(self, request):
        return queries.with_part_counts(super().get_queryset(request))

    def get_readonly_fields(self, request, obj=None):
        # The slug is in every part's URL; the counter only ever moves under a row lock.
        return ("slug", "ipn_counter", "updated_at") if obj else ("ipn_counter", "updated_at")

    @staticmethod
    def _specs(formsets) -> list[dict[str, Any]]:
        specs = []
        for formset in formsets:
            deleted = set(map(id, formset.deleted_forms))
            for form in formset.forms:
                if id(form) in deleted or not form.cleaned_data:
                    continue
                if not form.has_changed() and form.instance.pk is None:
                    continue
                specs.append({name: form.cleaned_data[name] for name in INFO_KEY_FIELDS})
        return specs

    def write(self, request, obj, form, formsets, change):
        actor = Actor.for_user(request.user)
        specs = self._specs(formsets)
        data = form.cleaned_data
        if not change:
            return services.part_type_create(
                actor=actor,
                slug=data["slug"],
                name=data["name"],
                description=data["description"],
                ipn_prefix=data["ipn_prefix"],
                info_keys=specs,
            )
        fields = {name: data[name] for name in form.changed_data if name in data}
        return services.part_type_update(actor=actor, part_type=obj, **fields, info_keys=specs)

    def delete_model(self, request, obj):
        try:
            services.part_type_delete(actor=Actor.for_user(request.user), part_type=obj)
        except ServiceError as exc:
            self._refuse(request, exc)


# ---------------------------------------------------------------------------------------------
# Parts


class PartAdminForm(forms.ModelForm):
    """Info values are checked (and normalised) by the service's validator, so the admin can
    store nothing the API would refuse; its messages appear at the info field."""

    datasheet_url = forms.URLField(
        max_length=500, required=False, assume_scheme="https", label="Datasheet URL"
    )

    class Meta:
        model = Part
        fields = ("part_type", "ipn", *PART_FIELDS)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        part_type = cleaned.get("part_type") or (
            self.instance.part_type if self.instance.part_type_id else None
        )
        if part_type is None or "info" not in cleaned:
            return cleaned
        try:
            cleaned["info"], _rows = services.validate_info(part_type, cleaned["info"] or {})
        except ValidationFailed as exc:
            raise ValidationError(
                {
                    "info": [
                        f"{name.removeprefix('info.')}: {text}"
                        for name, texts in (exc.errors or {}).items()
                        for text in texts
                    ]
                }
            ) from exc
        return cleaned


@admin.register(Part)
class PartAdmin(ServiceBackedAdmin):
    form = PartAdminForm
    list_display = ("ipn", "part_type", "mpn", "manufacturer", "archived")
    list_filter = ("part_type", "archived", "manufacturer")
    list_select_related = ("part_type",)
    search_fields = ("ipn", "mpn", "manufacturer", "description")
    filter_horizontal = ("tags",)
    ordering = ("ipn",)

    def get_readonly_fields(self, request, obj=None):
        # IPN and type never change (services.part_update); timestamps are the service's.
        return ("part_type", "ipn", "updated_at") if obj else ("updated_at",)

    def write(self, request, obj, form, formsets, change):
        actor = Actor.for_user(request.user)
        data = form.cleaned_data
        fields = {name: data[name] for name in PART_FIELDS if name in data}
        fields["tags"] = [tag.name for tag in data.get("tags", [])]
        if not change:
            return services.part_create(
                actor=actor, part_type=data["part_type"], ipn=data["ipn"], **fields
            )
        changed = {name: fields[name] for name in form.changed_data if name in fields}
        if "info" in changed:
            # part_update merges info: name every key, absent ones as None, so removals apply.
            keys = obj.part_type.info_keys.values_list("key", flat=True)
            changed["info"] = {key: changed["info"].get(key) for key in keys}
        return services.part_update(actor=actor, part=obj, **changed)

    def delete_model(self, request, obj):
        try:
            services.part_delete(actor=Actor.for_user(request.user), part=obj)
        except ServiceError as exc:
            self._refuse(request, exc)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name",)
    search_fields = ("name",)
