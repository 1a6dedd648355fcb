"""The stock ledger: every change of stock goes through these functions (DESIGN.md, "Stock is
a ledger"). The single operations live in operations.py, many movements at once in batch.py,
the primitives both share in ledger.py."""

from inventory.stock.services.batch import LedgerLine, stock_post_batch
from inventory.stock.services.ledger import PART_TOTALS, LedgerResult
from inventory.stock.services.operations import (
    stock_add,
    stock_adjust,
    stock_change_status,
    stock_move,
    stock_remove,
)
from inventory.stock.services.totals import part_totals_rebuild

__all__ = [
    "PART_TOTALS",
    "LedgerLine",
    "LedgerResult",
    "part_totals_rebuild",
    "stock_add",
    "stock_adjust",
    "stock_change_status",
    "stock_move",
    "stock_post_batch",
    "stock_remove",
]
