"""Part totals rebuilt from balances, for the one bulk path that writes balances directly."""

from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from inventory.models import Part, StockBalance
from inventory.stock.services.ledger import PART_TOTALS


def part_totals_rebuild(*, part_ids: list[int] | None = None) -> None:
    """Recompute parts' on-hand and ordered totals from their balances: for bulk loads that
    write balances directly (seeding) instead of through the operations above."""
    zero = Value(Decimal(0), output_field=DecimalField(max_digits=18, decimal_places=6))

    def total(status: str):
        sums = (
            StockBalance.objects.filter(part=OuterRef("pk"), status=status)
            .values("part")
            .annotate(total=Sum("quantity"))
            .values("total")
        )
        return Coalesce(Subquery(sums), zero)

    updates = {field: total(status) for status, field in PART_TOTALS.items()}
    if part_ids is None:
        Part.objects.update(**updates)
        return
    for start in range(0, len(part_ids), 900):  # below SQLite's variable limit
        Part.objects.filter(pk__in=part_ids[start : start + 900]).update(**updates)
