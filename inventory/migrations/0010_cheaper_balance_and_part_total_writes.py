"""Make the ledger's row updates cheaper: every stock operation updates balances and part
totals, and an UPDATE that PostgreSQL cannot do in place (a HOT update) writes a new entry in
every index of the table.

- Balances: drop ``balance_lot`` (the foreign key's own index on ``lot_id`` is the same
  index) and the foreign key's index on ``location_id`` (``balance_location_part`` begins
  with it).
- Parts: ``mpn_normalized`` and ``manufacturer`` keep one index each, without the second
  ``varchar_pattern_ops`` index PostgreSQL gets for a ``db_index`` CharField (no lookup on
  them is a LIKE prefix: MPN search is a range on the plain index, contains is a LIKE
  '%…%'). ``part_shortfall`` holds only the parts in shortfall, the rows the low-stock
  report reads.
- PostgreSQL only: both tables leave 20% of each page free (fillfactor 80), so that an
  update of a balance's quantity or a part's totals, which change no indexed column (a
  part's shortfall aside), stays on its page and touches no index. It applies to pages
  written from now on; ``VACUUM FULL`` applies it to the existing ones at once. Django
  has no option for a table's storage parameters, hence the statements.

The database side drops the old indexes by name (the names Django generated, the same on
SQLite and PostgreSQL) instead of altering the fields, which SQLite would do by copying the
tables."""

import django.db.models.deletion
from django.db import migrations, models

FILLFACTOR_TABLES = ("inventory_stockbalance", "inventory_part")


def set_fillfactor(apps, schema_editor, value=80):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in FILLFACTOR_TABLES:
        schema_editor.execute(
            f"ALTER TABLE {schema_editor.quote_name(table)} SET (fillfactor = {int(value)})"
        )


def reset_fillfactor(apps, schema_editor):
    set_fillfactor(apps, schema_editor, value=100)


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0009_info_key_unit_and_choices_by_kind"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="stockbalance", name="balance_lot"),
        migrations.RemoveIndex(model_name="part", name="part_shortfall"),
        migrations.AddIndex(
            model_name="part",
            index=models.Index(
                condition=models.Q(("shortfall__gt", 0)),
                fields=["-shortfall", "ipn", "archived"],
                name="part_shortfall",
            ),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="stockbalance",
                    name="location",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="balances",
                        to="inventory.storagelocation",
                    ),
                ),
                migrations.AlterField(
                    model_name="part",
                    name="manufacturer",
                    field=models.CharField(blank=True, max_length=100),
                ),
                migrations.AlterField(
                    model_name="part",
                    name="mpn_normalized",
                    field=models.CharField(blank=True, editable=False, max_length=100),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    "DROP INDEX IF EXISTS inventory_stockbalance_location_id_456b261b",
                    reverse_sql=(
                        "CREATE INDEX inventory_stockbalance_location_id_456b261b "
                        "ON inventory_stockbalance (location_id)"
                    ),
                ),
                migrations.RunSQL(
                    "DROP INDEX IF EXISTS inventory_part_manufacturer_88b648b7_like",
                    reverse_sql=migrations.RunSQL.noop,
                ),
                migrations.RunSQL(
                    "DROP INDEX IF EXISTS inventory_part_mpn_normalized_e6b912b4_like",
                    reverse_sql=migrations.RunSQL.noop,
                ),
                migrations.RunSQL(
                    "DROP INDEX IF EXISTS inventory_part_manufacturer_88b648b7",
                    reverse_sql=(
                        "CREATE INDEX inventory_part_manufacturer_88b648b7 "
                        "ON inventory_part (manufacturer)"
                    ),
                ),
                migrations.RunSQL(
                    "DROP INDEX IF EXISTS inventory_part_mpn_normalized_e6b912b4",
                    reverse_sql=(
                        "CREATE INDEX inventory_part_mpn_normalized_e6b912b4 "
                        "ON inventory_part (mpn_normalized)"
                    ),
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="part",
            index=models.Index(fields=["mpn_normalized"], name="part_mpn_normalized"),
        ),
        migrations.AddIndex(
            model_name="part",
            index=models.Index(fields=["manufacturer"], name="part_manufacturer"),
        ),
        migrations.RunPython(set_fillfactor, reset_fillfactor, elidable=False),
    ]
