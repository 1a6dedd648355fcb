"""Drop the single-column indexes Django gives every foreign key where a composite index
already begins with that column: every movement, part and info value written paid for them,
and no lookup needs them.

The state changes are AlterFields (``db_index=False``); the database change is a plain DROP
INDEX, because SQLite would otherwise copy each table to alter a foreign key. The names are
the ones Django generated for these indexes (the same on SQLite and PostgreSQL)."""

import django.db.models.deletion
from django.db import migrations, models

# (table, column, index name)
COVERED_INDEXES = [
    ("inventory_stockmovement", "part_id", "inventory_stockmovement_part_id_7919b901"),
    ("inventory_stockmovement", "location_id", "inventory_stockmovement_location_id_6893c668"),
    ("inventory_part", "part_type_id", "inventory_part_part_type_id_f85a8254"),
    ("inventory_partinfovalue", "part_id", "inventory_partinfovalue_part_id_59f26e1f"),
    ("inventory_partinfovalue", "info_key_id", "inventory_partinfovalue_info_key_id_532ef7a9"),
]


def _foreign_key(to, on_delete, related_name):
    return models.ForeignKey(
        db_index=False, on_delete=on_delete, related_name=related_name, to=to
    )


class Migration(migrations.Migration):
    dependencies = [
        ("inventory", "0004_info_value_number_covering"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="part",
                    name="part_type",
                    field=_foreign_key(
                        "inventory.parttype", django.db.models.deletion.PROTECT, "parts"
                    ),
                ),
                migrations.AlterField(
                    model_name="partinfovalue",
                    name="info_key",
                    field=_foreign_key(
                        "inventory.infokey", django.db.models.deletion.CASCADE, "values"
                    ),
                ),
                migrations.AlterField(
                    model_name="partinfovalue",
                    name="part",
                    field=_foreign_key(
                        "inventory.part", django.db.models.deletion.CASCADE, "info_values"
                    ),
                ),
                migrations.AlterField(
                    model_name="stockmovement",
                    name="location",
                    field=_foreign_key(
                        "inventory.storagelocation", django.db.models.deletion.PROTECT, "movements"
                    ),
                ),
                migrations.AlterField(
                    model_name="stockmovement",
                    name="part",
                    field=_foreign_key(
                        "inventory.part", django.db.models.deletion.PROTECT, "movements"
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX "{name}"',
                    reverse_sql=f'CREATE INDEX "{name}" ON "{table}" ("{column}")',
                )
                for table, column, name in COVERED_INDEXES
            ],
        )
    ]
