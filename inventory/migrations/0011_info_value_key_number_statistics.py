"""PostgreSQL only: statistics on which numbers each info key holds, so that the planner
estimates a range filter (``info.resistance.min``/``max``) for that key, not for all keys.

Without them it multiplies the share of rows of the key by the share of numbers in the range
over every key (independent, it assumes), and underestimated the resistors between 1k and
100k ninefold (1,297 rows against 11,512 on the benchmark data). It then read every part
(44 ms) instead of walking the type's parts in IPN order until a page was full (1.2 to 1.8 ms;
EXPLAIN ANALYZE). A most-common-values list over the pair corrects such an estimate, because
an info key holds few distinct numbers (E-series values, standard capacitances): the
benchmark data has 301 (key, number) pairs. The list keeps up to 1,000 of them; at the
default of 100 it kept too few and the estimate stayed wrong.

Django has no operation for ``CREATE STATISTICS``, hence the statements. ANALYZE fills them
(autovacuum runs it as the table changes)."""

from django.db import migrations

STATISTICS = "info_value_key_number"
MOST_COMMON_PAIRS = 1000


def create_statistics(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name("inventory_partinfovalue")
    schema_editor.execute(
        f"CREATE STATISTICS IF NOT EXISTS {STATISTICS} (mcv) ON info_key_id, number FROM {table}"
    )
    schema_editor.execute(f"ALTER STATISTICS {STATISTICS} SET STATISTICS {MOST_COMMON_PAIRS}")


def drop_statistics(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP STATISTICS IF EXISTS {STATISTICS}")


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0010_cheaper_balance_and_part_total_writes"),
    ]

    operations = [migrations.RunPython(create_statistics, drop_statistics)]
