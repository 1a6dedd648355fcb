"""config.core.lookups.AnyOf must find what ``__in`` finds, on whichever database runs."""

import pytest
from django.db.models import F

from config.core.lookups import AnyOf
from inventory.models import Part
from tests.inventory.stock_helpers import part

pytestmark = pytest.mark.django_db

ODD_IPNS = ["RES-1", "it's", 'say "hi"', "Ω-10k", "back\\slash", "%_like", "[json]"]


@pytest.mark.parametrize(
    "wanted",
    [
        ["RES-1"],
        ODD_IPNS,
        ["RES-1", "RES-1", "missing"],  # repeats and keys that match nothing
        [],
    ],
)
def test_any_of_finds_what_in_finds(wanted):
    for ipn in ODD_IPNS:
        part(ipn)
    found = set(Part.objects.filter(AnyOf(F("ipn"), wanted)).values_list("ipn", flat=True))
    assert found == set(Part.objects.filter(ipn__in=wanted).values_list("ipn", flat=True))
    assert found == set(wanted) & set(ODD_IPNS)


def test_any_of_takes_only_strings():
    with pytest.raises(TypeError):
        AnyOf(F("ipn"), ["RES-1", 2])
