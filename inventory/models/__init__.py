from .catalogue import InfoKey, Part, PartAlternate, PartInfoValue, PartType, Tag
from .changelog import ChangelogEntry
from .stock import IdempotencyRecord, Lot, StockBalance, StockMovement, StockStatus, StorageLocation

__all__ = [
    "ChangelogEntry",
    "IdempotencyRecord",
    "InfoKey",
    "Lot",
    "Part",
    "PartAlternate",
    "PartInfoValue",
    "PartType",
    "StockBalance",
    "StockMovement",
    "StockStatus",
    "StorageLocation",
    "Tag",
]
