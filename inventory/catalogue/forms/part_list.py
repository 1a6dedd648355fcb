"""The query string of the parts list: the fixed filters, and one filter per info key of the
part type shown."""

from typing import Any

from django import forms

from config.core.errors import ValidationFailed
from config.core.forms import BootstrapFormMixin
from inventory.catalogue import queries
from inventory.catalogue.forms.base import ExtraFieldsForm, quantity_hint, split_names
from inventory.catalogue.units import unit_symbol
from inventory.models import InfoKey, PartType

# The fixed columns of the parts table that sort (queries.ORDERING_FIELDS minus timestamps).
SORTABLE_FIELDS = ("ipn", "mpn", "manufacturer", "description")
BOOLEAN_FILTER_CHOICES = [("", "Any"), ("true", "Yes"), ("false", "No")]


class ArchivedField(forms.ChoiceField):
    """Which parts to show by their ``archived`` flag, in the API's words (``queries.parts``):
    left empty, active parts only. Also takes "false" (the API's word for that default) and
    "only" (what links said before they used the API's "true"), shown as their choice."""

    ALIASES = {queries.ARCHIVED_HIDDEN: "", "only": queries.ARCHIVED_ONLY}

    def __init__(self, **kwargs) -> None:
        hidden, *others = queries.ARCHIVED_CHOICES
        super().__init__(choices=[("", hidden[1]), *others], **kwargs)

    def to_python(self, value: Any) -> str:
        value = super().to_python(value)
        return self.ALIASES.get(value, value)

    def prepare_value(self, value: Any) -> Any:
        return self.ALIASES.get(value, value) if isinstance(value, str) else value


class PartFilterForm(BootstrapFormMixin, ExtraFieldsForm):
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
    archived = ArchivedField(
        required=False, label="Show", help_text="Archived parts are hidden unless shown here."
    )
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
        # Small controls: the filter bar leaves the screen's height to the parts.
        for field in self.fields.values():
            attrs = field.widget.attrs
            size = (
                "form-select-sm" if "form-select" in attrs.get("class", "") else "form-control-sm"
            )
            attrs["class"] = f"{attrs.get('class', '')} {size}".strip()

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
                        help_text=quantity_hint(key),
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

    def info_filters_given(self) -> bool:
        """Whether the query string sets any info filter (the template shows them open)."""
        return any(self.data.get(name) for name in self.fields if name.startswith("info."))

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

    def list_arguments(self) -> dict[str, Any]:
        """The valid filters as ``queries.parts`` takes them: the API's list reads parts the
        same way, with the same defaults."""
        data = self.cleaned_data
        return {
            "part_type": self.part_type,
            "search": data["q"],
            "tags": self.tag_names(),
            "manufacturer": data["manufacturer"].strip(),
            "archived": data["archived"] or queries.ARCHIVED_HIDDEN,
            "info_filters": self.info_filters,
            "ordering": data["ordering"],
        }
