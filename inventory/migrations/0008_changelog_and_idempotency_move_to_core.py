from django.db import migrations


class Migration(migrations.Migration):
    """The changelog and idempotency records moved to the shared core (config.core). The
    changelog keeps its table (the core's 0001 took it over in the state); the idempotency
    records get a new table keyed by scope, and the old one (answers kept for a day) goes."""

    dependencies = [
        ("inventory", "0007_keys_found_whatever_their_case"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ChangelogEntry")],
            database_operations=[],
        ),
        migrations.DeleteModel(name="IdempotencyRecord"),
    ]
