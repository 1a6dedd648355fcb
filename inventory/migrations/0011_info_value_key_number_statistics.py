"""PostgreSQL only: statistics on which numbers each info key holds, so that the planner
estimates a range filter (``info.resistance.min``/``max``) for that key, not for all keys.

Without them it multiplies the share of rows of the key by the share of numbers in the range
over every key (independent, it assumes), and underestimated the resistors between 1k and
100k eightfold (1,464 rows against 11,512 on the benchmark data). It then read every part
(45 ms) instead of walking the type's parts in IPN order until a page was full (12 ms).
A most-common-values list over the pair is what corrects such an estimate: an info key
holds few distinct numbers (E-series values, standard capacitances).

Django has no operation for ``CREATE STATISTICS``, hence the statements. ANALYZE fills them
(autovacuum runs it as the table changes)."""

from django.db import migrations

STATISTICS = "info_value_key_number"


def create_statistics(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name("inventory_partinfovalue")
    schema_editor.execute(
        f"CREATE STATISTICS IF NOT EXISTS {STATISTICS} (mcv) ON info_key_id, number FROM {table}"
    )


def drop_statistics(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP STATISTICS IF EXISTS {STATISTICS}")


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0010_cheaper_balance_and_part_total_writes"),
    ]

    operations = [migrations.RunPython(create_statistics, drop_statistics)]
