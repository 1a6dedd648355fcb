"""Demo and benchmark data: ``manage.py load_demo`` (a small believable dataset with 60 days
of history, :mod:`.demo`) and ``manage.py seed_demo`` (hundreds of thousands of parts and
millions of movements, :mod:`.synthetic`), both built on :mod:`.bulk`."""

from inventory.services.seeding.bulk import BackdatedLedger, Progress, bulk_insert
from inventory.services.seeding.demo import demo_load, demo_loaded
from inventory.services.seeding.synthetic import seed

__all__ = ["BackdatedLedger", "Progress", "bulk_insert", "demo_load", "demo_loaded", "seed"]
