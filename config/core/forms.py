"""Pieces every UI form shares: Bootstrap styling and showing a service's refusal."""

from django import forms

from .errors import ServiceError
from .models import ChangelogEntry


class BootstrapFormMixin:
    """Give widgets Bootstrap's classes, and mark fields that have errors as invalid, so a
    template can render any field with ``templates/_form_field.html``."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def add_error(self, field, error) -> None:
        # Every error passes through here, from field cleaning and from the services alike.
        super().add_error(field, error)
        for name in self.errors:
            attrs = self.fields[name].widget.attrs if name in self.fields else None
            if attrs is not None and "is-invalid" not in attrs.get("class", ""):
                attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()


def apply_service_error(form: forms.BaseForm, exc: ServiceError) -> None:
    """Show a service's refusal on the form: its field errors at their fields, and its
    sentence above the form (errors for fields the form does not have land there too)."""
    for name, messages in (exc.errors or {}).items():
        target = name if name in form.fields else None
        for message in messages:
            form.add_error(target, message)
    form.add_error(None, exc.detail)


class ChangelogFilterForm(BootstrapFormMixin, forms.Form):
    entity_type = forms.ChoiceField(required=False, label="Entity type")
    actor = forms.CharField(
        required=False,
        max_length=150,
        label="Who",
        widget=forms.TextInput(attrs={"placeholder": "username, job or sensor", "type": "search"}),
    )
    action = forms.ChoiceField(
        required=False, choices=[("", "Any action"), *ChangelogEntry.Action.choices]
    )
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, entity_types: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # A type asked for by a bookmarked URL may have no entries (left): still a valid filter.
        asked = self.data.get("entity_type") if self.is_bound else ""
        if asked and asked not in entity_types and len(asked) <= 64:
            entity_types = sorted([*entity_types, asked])
        self.fields["entity_type"].choices = [("", "Any type")] + [(t, t) for t in entity_types]

    def filters(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in ("entity_type", "actor", "action")}
