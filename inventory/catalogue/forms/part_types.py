"""The part type form and its info keys as a formset of rows."""

from typing import Any

from django import forms

from config.core.forms import BootstrapFormMixin
from inventory.catalogue.forms.base import ExtraFieldsForm, split_names
from inventory.models import InfoKey, PartType


class PartTypeForm(BootstrapFormMixin, ExtraFieldsForm):
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
    def initial_form_count(self) -> int:
        # Which rows are existing keys is the server's to say: a form sent back with another
        # INITIAL_FORMS turned them into blank extra rows that skip cleaning (a 500).
        return len(self.initial or ())

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
