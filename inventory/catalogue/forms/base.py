"""What the catalogue's forms share: comma-separated names, quantity hints, and forms whose
fields depend on a part type."""

from django import forms

from inventory.catalogue.units import format_quantity, unit_symbol
from inventory.models import InfoKey


def split_names(text: str) -> list[str]:
    """ "a, b,,c " → ["a", "b", "c"]: comma-separated input of tags and choices."""
    return [name.strip() for name in text.split(",") if name.strip()]


def quantity_hint(key: InfoKey) -> str:
    """A placeholder showing what may be typed: "e.g. 10k or 10 kΩ", "e.g. 5 mm"."""
    if key.kind != InfoKey.Kind.QUANTITY:
        return "e.g. 4.7"
    symbol = unit_symbol(key.unit)
    if format_quantity(1000, key.unit) == f"1 k{symbol}":  # a unit that takes SI prefixes
        return f"e.g. 10k or 10 k{symbol}"
    return f"e.g. 10 {symbol}"


class ExtraFieldsForm(forms.Form):
    """Adds per-instance fields (from a part type's info keys) before BootstrapFormMixin, which
    comes first in the subclass's MRO, styles every field."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(self.extra_fields())

    def extra_fields(self) -> dict[str, forms.Field]:
        return {}
