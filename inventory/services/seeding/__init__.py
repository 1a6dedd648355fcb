"""The one bulk path into the stock ledger (:mod:`.bulk`): backdated stock history for
``manage.py load_demo`` (inventory/demo.py) and the benchmark seeder (tests/benchmarks/seeding).
Every other write of ledger rows goes through :mod:`inventory.stock.services`."""

from inventory.services.seeding.bulk import BackdatedLedger, BalanceKey, bulk_insert, record_history

__all__ = ["BackdatedLedger", "BalanceKey", "bulk_insert", "record_history"]
