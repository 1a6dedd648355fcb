"""load_demo and seed_demo: believable data whose ledger holds DESIGN.md's invariant."""

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from config.core.models import ChangelogEntry
from inventory.catalogue.services import validate_info
from inventory.models import (
    Lot,
    Part,
    PartInfoValue,
    PartType,
    StockBalance,
    StockMovement,
    StorageLocation,
)
from tests.inventory.stock_helpers import assert_ledger_matches_balances

pytestmark = pytest.mark.django_db


def command(name: str, *args) -> str:
    out = StringIO()
    call_command(name, *map(str, args), stdout=out)
    return out.getvalue()


def assert_no_balance_ever_negative() -> None:
    """Replaying every balance's movements in time order never goes below zero."""
    running: dict[tuple, Decimal] = defaultdict(Decimal)
    for movement in StockMovement.objects.order_by("at", "id"):
        key = (movement.part_id, movement.location_id, movement.lot_id, movement.status)
        running[key] += movement.quantity
        assert running[key] >= 0, (key, movement.at)


def test_load_demo_loads_once_through_the_services():
    out = command("load_demo")
    assert "Demo data loaded" in out
    counts = (
        Part.objects.count(),
        StorageLocation.objects.count(),
        Lot.objects.count(),
        StockMovement.objects.count(),
        ChangelogEntry.objects.count(),
    )
    assert 40 <= counts[0] <= 60
    assert set(PartType.objects.values_list("slug", flat=True)) >= {
        "resistor",
        "capacitor",
        "regulator",
        "mcu",
        "connector",
    }
    assert Part.objects.filter(mpn="GRM188R71H104KA93D", manufacturer="Murata").exists()
    # The catalogue went through the services: one changelog entry per part.
    assert ChangelogEntry.objects.filter(entity_type="part").count() == counts[0]
    assert ChangelogEntry.objects.filter(entity_type="stock_history", entity_key="demo").exists()

    assert "already loaded" in command("load_demo")
    assert counts == (
        Part.objects.count(),
        StorageLocation.objects.count(),
        Lot.objects.count(),
        StockMovement.objects.count(),
        ChangelogEntry.objects.count(),
    )


def test_load_demo_leaves_a_catalogue_with_its_own_parts_alone_unless_forced():
    command("seed_demo", "--parts", 5)
    assert "already has 5 parts" in command("load_demo")
    assert not Lot.objects.filter(name__startswith="DK-").exists()
    assert "Demo data loaded" in command("load_demo", "--force")
    assert_ledger_matches_balances()


def test_demo_history_spans_two_months_and_keeps_the_ledger_invariant():
    command("load_demo")
    assert_ledger_matches_balances()
    assert_no_balance_ever_negative()
    oldest = StockMovement.objects.order_by("at").first().at
    assert timezone.now() - oldest > timedelta(days=50)
    operations = set(StockMovement.objects.values_list("operation", flat=True))
    assert {"add", "remove", "move", "adjust", "status", "production"} <= operations
    statuses = set(StockBalance.objects.filter(quantity__gt=0).values_list("status", flat=True))
    assert {"on_hand", "reserved", "ordered"} <= statuses
    assert Lot.objects.filter(expiry_date__isnull=False).exists()
    # Numeric info filters see the demo parts.
    assert PartInfoValue.objects.filter(info_key__key="resistance", number=10000).count() >= 3


def test_seed_demo_keeps_balances_equal_to_the_movements():
    out = command("seed_demo", "--parts", 200, "--movements", 2000, "--seed", 7)
    assert "parts: 200/200" in out and "movements: 2,000/2,000" in out
    assert Part.objects.count() == 200
    assert StockMovement.objects.count() == 2000
    assert_ledger_matches_balances()
    assert_no_balance_ever_negative()
    assert not StockBalance.objects.filter(quantity__lt=0).exists()
    assert ChangelogEntry.objects.filter(entity_type="part").count() == 200
    spread = StockMovement.objects.order_by("at")
    assert spread.last().at - spread.first().at > timedelta(days=300)


def test_seeded_info_values_are_what_the_services_would_store():
    command("seed_demo", "--parts", 200)
    parts = list(Part.objects.select_related("part_type"))
    for part in parts:
        normalised, _rows = validate_info(part.part_type, part.info)
        assert normalised == part.info, part.ipn
    assert PartInfoValue.objects.count() == sum(len(part.info) for part in parts)


def test_seed_demo_refuses_to_mix_with_existing_data_unless_appending():
    command("seed_demo", "--parts", 20, "--movements", 100)
    with pytest.raises(CommandError, match="--append"):
        command("seed_demo", "--parts", 20)
    command("seed_demo", "--parts", 20, "--movements", 100, "--append")
    assert Part.objects.count() == 40
    assert StockMovement.objects.count() == 200
    assert_ledger_matches_balances()
