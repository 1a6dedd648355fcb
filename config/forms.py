"""Pieces every UI form shares: Bootstrap styling and showing a service's refusal."""

from django import forms

from .errors import ServiceError


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
