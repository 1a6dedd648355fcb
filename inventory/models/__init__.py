from .catalogue import InfoKey, Part, PartAlternate, PartInfoValue, PartType, Tag
from .stock import Lot, StockBalance, StockMovement, StockStatus, StorageLocation

__all__ = [
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
