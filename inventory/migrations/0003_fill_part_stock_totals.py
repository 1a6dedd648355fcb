from decimal import Decimal

from django.db import migrations
from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

ZERO = Value(Decimal(0), output_field=DecimalField(max_digits=18, decimal_places=6))


def fill_totals(apps, schema_editor):
    # The totals of parts that already have stock: the sums of their balances.
    Part = apps.get_model("inventory", "Part")
    StockBalance = apps.get_model("inventory", "StockBalance")

    def total(status):
        sums = (
            StockBalance.objects.filter(part=OuterRef("pk"), status=status)
            .values("part")
            .annotate(total=Sum("quantity"))
            .values("total")
        )
        return Coalesce(Subquery(sums), ZERO)

    Part.objects.update(on_hand_total=total("on_hand"), on_order_total=total("ordered"))


class Migration(migrations.Migration):
    dependencies = [("inventory", "0002_part_stock_totals")]

    operations = [migrations.RunPython(fill_totals, migrations.RunPython.noop)]
