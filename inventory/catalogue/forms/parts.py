"""The part form (create and edit, one field per info key of the type) and the alternate
form."""

from typing import Any

from django import forms

from config.core.errors import ValidationFailed
from config.core.forms import BootstrapFormMixin
from inventory.catalogue import queries, services
from inventory.catalogue.forms.base import ExtraFieldsForm, quantity_hint, split_names
from inventory.catalogue.models import PART_FIELDS, PART_SCALAR_FIELDS
from inventory.catalogue.units import unit_symbol
from inventory.models import InfoKey, Part, PartType

_LABELS = {
    "datasheet_url": "Datasheet URL",
    "unit_weight_g": "Unit weight (g)",
    "low_stock_threshold": "Low-stock threshold",
}


def _model_field(name: str, **kwargs) -> forms.Field:
    model_field = Part._meta.get_field(name)
    if name in _LABELS:
        kwargs.setdefault("label", _LABELS[name])
    if name == "datasheet_url":
        kwargs.setdefault("assume_scheme", "https")
    return model_field.formfield(**kwargs)


class PartForm(BootstrapFormMixin, ExtraFieldsForm):
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
        initial = {name: getattr(part, name) for name in PART_SCALAR_FIELDS}
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
        # The fields in PART_FIELDS' order: info as a field per info key, tags as text.
        for name in PART_FIELDS:
            if name == "info":
                for key in self.info_keys:
                    fields[f"info.{key.key}"] = self._info_field(key)
            elif name == "tags":
                fields["tags"] = forms.CharField(
                    required=False,
                    max_length=2000,
                    help_text="Comma-separated, e.g. smd, audio. New tags are created.",
                )
            else:
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
            attrs = {**attrs, "placeholder": quantity_hint(key), "autocomplete": "off"}
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
        data = {name: self.cleaned_data[name] for name in PART_SCALAR_FIELDS}
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
