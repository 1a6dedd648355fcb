"""Forms of the catalogue pages: the parts list filters, the part form, alternates, part types.
They check the shape of input; the rules live in ``inventory.catalogue.services``.

Info fields are named like the API's query parameters and the services' error keys
(``info.<key>``, ``info.<key>.min``), so a service's ``"info.resistance"`` error lands on its
field with :func:`config.core.forms.apply_service_error` and a filter URL reads like the
API's."""

from inventory.catalogue.forms.base import split_names
from inventory.catalogue.forms.part_list import PartFilterForm
from inventory.catalogue.forms.part_types import (
    INFO_KEY_PREFIX,
    InfoKeyForm,
    InfoKeyFormSet,
    InfoKeyRowForm,
    PartTypeForm,
    info_key_initial,
)
from inventory.catalogue.forms.parts import AlternateForm, PartForm

__all__ = [
    "INFO_KEY_PREFIX",
    "AlternateForm",
    "InfoKeyForm",
    "InfoKeyFormSet",
    "InfoKeyRowForm",
    "PartFilterForm",
    "PartForm",
    "PartTypeForm",
    "info_key_initial",
    "split_names",
]
