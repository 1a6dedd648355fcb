"""Forms of the catalogue pages: the parts list filters, the part form, alternates, part types.
They check the shape of input; the rules live in ``inventory.catalogue.services``.

Info fields are named like the API's query parameters and the services' error keys
(``info.<key>``, ``info.<key>.min``), so a service's ``"info.resistance"`` error lands on its
field with :func:`config.forms.apply_service_error` and a filter URL reads like the API's."""

from typing import Any

from django import forms

from config.core.errors import ValidationFailed
from config.core.forms import BootstrapFormMixin
from inventory.catalogue import queries, services
from inventory.catalogue.units import format_quantity, unit_symbol
from inventory.models import InfoKey, Part, PartType

# The fixed columns of the parts table that sort (queries.ORDERING_FIELDS minus timestamps).
SORTABLE_FIELDS = ("ipn", "mpn", "manufacturer", "description")
ARCHIVED_CHOICES = [("", "Active parts"), ("only", "Archived only"), ("all", "Active and archived")]
BOOLEAN_FILTER_CHOICES = [("", "Any"), ("true", "Yes"), ("false", "No")]


def split_names(text: str) -> list[str]:
    """ "a, b,,c " → ["a", "b", "c"]: comma-separated input of tags and choices."""
    return [name.strip() for name in text.split(",") if name.strip()]


def _quantity_hint(key: InfoKey) -> str:
    """A placeholder showing what may be typed: "e.g. 10k or 10 kΩ", "e.g. 5 mm"."""
    if key.kind != InfoKey.Kind.QUANTITY:
        return "e.g. 4.7"
    symbol = unit_symbol(key.unit)
    if format_quantity(1000, key.unit) == f"1 k{symbol}":  # a unit that takes SI prefixes
        return f"e.g. 10k or 10 k{symbol}"
    return f"e.g. 10 {symbol}"


class _ExtraFieldsForm(forms.Form):
    """Adds per-instance fields (from a part type's info keys) before BootstrapFormMixin, which
    comes first in the subclass's MRO, styles every field."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(self.extra_fields())

    def extra_fields(self) -> dict[str, forms.Field]:
        return {}


# ---------------------------------------------------------------------------------------------
# Parts list


class PartFilterForm(BootstrapFormMixin, _ExtraFieldsForm):
    """The query string of the parts list (page and ``_parts_table.html`` fragment)."""

    type = forms.ChoiceField(required=False, label="Part type")
    q = forms.CharField(
        required=False,
        max_length=200,
        label="Search",
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": "IPN, MPN, manufacturer or description",
                "autocomplete": "off",
            }
        ),
    )
    tags = forms.CharField(
        required=False,
        max_length=500,
        help_text="Comma-separated; parts with all of them.",
        widget=forms.TextInput(attrs={"placeholder": "e.g. smd, audio"}),
    )
    manufacturer = forms.CharField(
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"list": "manufacturer-names", "autocomplete": "off"}),
    )
    archived = forms.ChoiceField(required=False, choices=ARCHIVED_CHOICES, label="Show")
    ordering = forms.ChoiceField(required=False, widget=forms.HiddenInput)
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, data, *, part_types: list[PartType]) -> None:
        self.part_types = part_types
        wanted = data.get("type", "") if data is not None else ""
        self.part_type = next((pt for pt in part_types if pt.slug == wanted), None)
        self.info_keys = list(self.part_type.info_keys.all()) if self.part_type else []
        self.info_filters: dict = {}
        super().__init__(data)
        self.fields["type"].choices = [("", "All types")] + [
            (pt.slug, pt.name) for pt in part_types
        ]
        sortable = [*SORTABLE_FIELDS, *(f"info.{key.key}" for key in self.info_keys)]
        self.fields["ordering"].choices = [("", "IPN")] + [
            (f"{sign}{name}", f"{sign}{name}") for name in sortable for sign in ("", "-")
        ]

    def extra_fields(self) -> dict[str, forms.Field]:
        fields: dict[str, forms.Field] = {}
        for key in self.info_keys:
            name = f"info.{key.key}"
            if key.is_numeric:
                for bound, word in (("min", "from"), ("max", "to")):
                    fields[f"{name}.{bound}"] = forms.CharField(
                        required=False,
                        max_length=50,
                        label=f"{key.label} {word}",
                        help_text=_quantity_hint(key),
                        widget=forms.TextInput(attrs={"placeholder": bound, "autocomplete": "off"}),
                    )
            elif key.kind == InfoKey.Kind.CHOICE:
                fields[name] = forms.ChoiceField(
                    required=False,
                    label=key.label,
                    choices=[("", "Any"), *((str(c), str(c)) for c in key.choices)],
                )
            elif key.kind == InfoKey.Kind.BOOLEAN:
                fields[name] = forms.ChoiceField(
                    required=False, label=key.label, choices=BOOLEAN_FILTER_CHOICES
                )
            else:
                fields[name] = forms.CharField(
                    required=False,
                    max_length=255,
                    label=key.label,
                    widget=forms.TextInput(attrs={"placeholder": "exact value"}),
                )
        return fields

    def info_filter_groups(self) -> list[dict[str, Any]]:
        """Per info key: its label, unit symbol and bound fields, for the filter template."""
        groups = []
        for key in self.info_keys:
            name = f"info.{key.key}"
            names = [f"{name}.min", f"{name}.max"] if key.is_numeric else [name]
            groups.append(
                {
                    "key": key,
                    "unit": unit_symbol(key.unit) if key.kind == InfoKey.Kind.QUANTITY else "",
                    "fields": [self[field] for field in names],
                }
            )
        return groups

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.part_type is None:
            return cleaned
        params = {
            name: value
            for name, value in cleaned.items()
            if name.startswith("info.") and value not in ("", None)
        }
        try:
            self.info_filters = queries.parse_info_filters(self.part_type, params)
        except ValidationFailed as exc:
            for name, messages in (exc.errors or {}).items():
                for message in messages:
                    self.add_error(name if name in self.fields else None, message)
        return cleaned

    def tag_names(self) -> list[str]:
        return split_names(self.cleaned_data.get("tags") or "")


# ---------------------------------------------------------------------------------------------
# Part create and edit


_STANDARD_FIELDS = ("mpn", "manufacturer", "description")
_LABELS = {
    "datasheet_url": "Datasheet URL",
    "unit_weight_g": "Unit weight (g)",
    "low_stock_threshold": "Low-stock threshold",
}
_MORE_FIELDS = (
    "datasheet_url",
    "footprint",
    "unit_of_measure",
    "unit_weight_g",
    "low_stock_threshold",
    "archived",
    "notes",
)


def _model_field(name: str, **kwargs) -> forms.Field:
    model_field = Part._meta.get_field(name)
    if name in _LABELS:
        kwargs.setdefault("label", _LABELS[name])
    if name == "datasheet_url":
        kwargs.setdefault("assume_scheme", "https")
    return model_field.formfield(**kwargs)


class PartForm(BootstrapFormMixin, _ExtraFieldsForm):
    """A part's fields plus one field per info key of its type. Without ``part`` it creates
    (the IPN is optional: the service generates one)."""

    def __init__(self, *args, part_type: PartType, part: Part | None = None, **kwargs) -> None:
        self.part_type = part_type
        self.part = part
        self.info_keys = list(part_type.info_keys.all())
        if part is not None:
            kwargs.setdefault("initial", self._initial_of(part))
        super().__init__(*args, **kwargs)

    def _initial_of(self, part: Part) -> dict[str, Any]:
        initial = {name: getattr(part, name) for name in (*_STANDARD_FIELDS, *_MORE_FIELDS)}
        initial["tags"] = ", ".join(tag.name for tag in part.tags.all())
        shown = queries.display_info(self.info_keys, part.info)
        for key in self.info_keys:
            if key.key not in part.info:
                continue
            # Numbers as people read them ("10 kΩ"): the service parses them back exactly.
            value = shown[key.key] if key.is_numeric else part.info[key.key]
            initial[f"info.{key.key}"] = value
        return initial

    def extra_fields(self) -> dict[str, forms.Field]:
        fields: dict[str, forms.Field] = {}
        if self.part is None:
            fields["ipn"] = _model_field(
                "ipn",
                required=False,
                help_text=(
                    f"Leave empty to get the next {self.part_type.ipn_prefix}-00000 number."
                ),
            )
        for name in _STANDARD_FIELDS:
            fields[name] = _model_field(name)
        for key in self.info_keys:
            fields[f"info.{key.key}"] = self._info_field(key)
        fields["tags"] = forms.CharField(
            required=False,
            max_length=2000,
            help_text="Comma-separated, e.g. smd, audio. New tags are created.",
        )
        for name in _MORE_FIELDS:
            fields[name] = _model_field(name)
        fields["notes"].help_text = "Plain text; line breaks are kept."
        return fields

    def _info_field(self, key: InfoKey) -> forms.Field:
        # Info fields are never required at form level: the service checks every info value
        # (required ones included) in one pass and says which are wrong, at their fields.
        attrs = {"required": True, "aria-required": "true"} if key.required else {}
        if key.kind == InfoKey.Kind.BOOLEAN:
            return forms.BooleanField(required=False, label=key.label)
        if key.kind == InfoKey.Kind.CHOICE:
            choices = [("", "—"), *((str(c), str(c)) for c in key.choices)]
            return forms.ChoiceField(
                required=False,
                label=key.label,
                choices=choices,
                widget=forms.Select(attrs=attrs),
            )
        if key.is_numeric:
            attrs = {**attrs, "placeholder": _quantity_hint(key), "autocomplete": "off"}
        return forms.CharField(
            required=False, max_length=255, label=key.label, widget=forms.TextInput(attrs=attrs)
        )

    def info_fields(self) -> list[dict[str, Any]]:
        """Per info key: the bound field, the unit for the addon and whether it is required."""
        return [
            {
                "field": self[f"info.{key.key}"],
                "unit": unit_symbol(key.unit) if key.kind == InfoKey.Kind.QUANTITY else "",
                "required": key.required,
            }
            for key in self.info_keys
        ]

    def info(self) -> dict[str, Any]:
        """Every info key's value; a blank one is ``None`` (absent; on edit: removed)."""
        values = {}
        for key in self.info_keys:
            value = self.cleaned_data.get(f"info.{key.key}")
            values[key.key] = None if value in ("", None) else value
        return values

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        # Check the info values now too, so every wrong field shows in one round; the service
        # checks them again when it writes.
        given = {name: value for name, value in self.info().items() if value is not None}
        try:
            services.validate_info(self.part_type, given, info_keys=self.info_keys)
        except ValidationFailed as exc:
            for name, messages in (exc.errors or {}).items():
                for message in messages:
                    self.add_error(name if name in self.fields else None, message)
        return cleaned

    def service_fields(self) -> dict[str, Any]:
        """Keyword arguments for ``part_create`` / ``part_update``."""
        data = {name: self.cleaned_data[name] for name in (*_STANDARD_FIELDS, *_MORE_FIELDS)}
        data["tags"] = split_names(self.cleaned_data["tags"])
        data["info"] = self.info()
        if self.part is None:
            data["ipn"] = self.cleaned_data["ipn"] or None
            data["info"] = {
                name: value for name, value in data["info"].items() if value is not None
            }
        return data


class AlternateForm(BootstrapFormMixin, forms.Form):
    ipn = forms.CharField(
        max_length=64,
        label="Alternate IPN",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    note = forms.CharField(required=False, max_length=255)


# ---------------------------------------------------------------------------------------------
# Part types


class PartTypeForm(BootstrapFormMixin, _ExtraFieldsForm):
    """A part type's own fields; its info keys are :class:`InfoKeyFormSet`."""

    def __init__(self, *args, part_type: PartType | None = None, **kwargs) -> None:
        self.part_type = part_type
        if part_type is not None:
            kwargs.setdefault(
                "initial",
                {name: getattr(part_type, name) for name in ("name", "description", "ipn_prefix")},
            )
        super().__init__(*args, **kwargs)

    def extra_fields(self) -> dict[str, forms.Field]:
        fields: dict[str, forms.Field] = {}
        if self.part_type is None:
            fields["slug"] = PartType._meta.get_field("slug").formfield(
                help_text="In URLs, e.g. resistor; lower-case letters, digits, '-' and '_'. "
                "It cannot change later."
            )
        fields["name"] = PartType._meta.get_field("name").formfield()
        fields["description"] = PartType._meta.get_field("description").formfield(
            widget=forms.Textarea(attrs={"rows": 2})
        )
        fields["ipn_prefix"] = PartType._meta.get_field("ipn_prefix").formfield(
            label="IPN prefix", required=self.part_type is not None
        )
        if self.part_type is None:
            fields["ipn_prefix"].help_text += " Leave empty for the slug in upper case."
        return fields


class InfoKeyForm(BootstrapFormMixin, forms.Form):
    key = forms.CharField(
        max_length=48, widget=forms.TextInput(attrs={"placeholder": "e.g. resistance"})
    )
    label = forms.CharField(required=False, max_length=100)
    kind = forms.ChoiceField(choices=InfoKey.Kind.choices, initial=InfoKey.Kind.TEXT)
    unit = forms.CharField(
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"placeholder": "ohm, F, V, mm"}),
    )
    required = forms.BooleanField(required=False)
    choices = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.TextInput(attrs={"placeholder": "0402, 0603, 0805"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.initial.get("key"):
            # Values are stored under the key, in the kind and unit: changing them would lose
            # every part's value, so an existing key keeps them (remove it and add it again).
            for name in ("key", "kind", "unit"):
                self.fields[name].disabled = True

    def spec(self, position: int) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "key": data["key"],
            "label": data["label"],
            "kind": data["kind"],
            "unit": data["unit"],
            "required": data["required"],
            "choices": split_names(data["choices"]),
            "position": position,
        }


class BaseInfoKeyFormSet(forms.BaseFormSet):
    def add_fields(self, form, index) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "Remove"
            form.fields["DELETE"].widget.attrs["class"] = "form-check-input"

    def kept_forms(self) -> list[InfoKeyForm]:
        """The filled-in rows not marked for removal, in order (the service's list)."""
        deleted = set(map(id, self.deleted_forms))
        return [
            form
            for form in self.forms
            if (form.has_changed() or form.initial) and id(form) not in deleted
        ]

    def specs(self) -> list[dict[str, Any]]:
        return [form.spec(position) for position, form in enumerate(self.kept_forms())]


InfoKeyFormSet = forms.formset_factory(
    InfoKeyForm, formset=BaseInfoKeyFormSet, extra=2, can_delete=True, max_num=100
)
INFO_KEY_PREFIX = "info_keys"


def info_key_initial(part_type: PartType) -> list[dict[str, Any]]:
    return [
        {
            "key": key.key,
            "label": key.label,
            "kind": key.kind,
            "unit": key.unit,
            "required": key.required,
            "choices": ", ".join(str(choice) for choice in key.choices),
        }
        for key in part_type.info_keys.all()
    ]


class InfoKeyRowForm(forms.Form):
    """The query string of the "add an info key" fragment: the formset's current row count."""

    count = forms.IntegerField(min_value=0, max_value=99)

    def __init__(self, data) -> None:
        super().__init__({"count": data.get(f"{INFO_KEY_PREFIX}-TOTAL_FORMS")})
