"""The inventory app's models, for Django (which looks for them here): each concept keeps its
own in ``catalogue/models.py`` and ``stock/models.py``."""

from inventory.catalogue.models import InfoKey, Part, PartAlternate, PartInfoValue, PartType, Tag
from inventory.stock.models import Lot, StockBalance, StockMovement, StockStatus, StorageLocation

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
