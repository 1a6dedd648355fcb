"""Stock is a ledger (DESIGN.md): immutable movements, and balances kept equal to their sum."""

from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone

from config.core.models import ActorColumns
from inventory.catalogue.models import Part, Tag
from inventory.stock.quantities import DECIMAL_PLACES, MAX_DIGITS, fits_quantity_column

QUANTITY = {"max_digits": MAX_DIGITS, "decimal_places": DECIMAL_PLACES}
# Between the names in StorageLocation.path.
PATH_SEPARATOR = " / "


class StorageLocation(models.Model):
    """A place stock can be: site, room, shelf, bin, and later a container slot. The ledger
    does not care which kind it is."""

    class Kind(models.TextChoices):
        STORAGE = "storage", "Storage"
        CONTAINER_SLOT = "slot", "Container slot"

    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    name = models.CharField(max_length=100)
    code = models.CharField(
        max_length=32, unique=True, help_text="Short code printed on labels and typed by scanners."
    )
    # "Site / Room / Shelf / Bin", kept up to date by the location services on rename/move.
    path = models.CharField(max_length=1000, editable=False, db_index=True)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.STORAGE)
    description = models.TextField(blank=True)
    # PartsBox's three storage settings.
    is_full = models.BooleanField(default=False, help_text="Accepts no new stock.")
    single_part = models.BooleanField(default=False, help_text="Holds one part only.")
    existing_parts_only = models.BooleanField(
        default=False, help_text="Accepts only parts it already holds."
    )
    archived = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["path"]
        # Codes are found whatever their case (queries.stock.find_location).
        indexes = [models.Index(Upper("code"), name="location_code_upper")]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"], name="location_name_unique_among_siblings"
            ),
            models.UniqueConstraint(
                fields=["name"],
                condition=models.Q(parent__isnull=True),
                name="location_root_name_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.path or self.name


class Lot(models.Model):
    name = models.CharField(max_length=64, unique=True)
    description = models.TextField(blank=True)
    expiry_date = models.DateField(null=True, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="lots")
    reference = models.CharField(
        max_length=200, blank=True, help_text="Order or supplier reference it came with."
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "name"]
        indexes = [models.Index(Upper("name"), name="lot_name_upper")]

    def __str__(self) -> str:
        return self.name


class StockStatus(models.TextChoices):
    ON_HAND = "on_hand", "On hand"
    ORDERED = "ordered", "Ordered"
    RESERVED = "reserved", "Reserved"
    ALLOCATED = "allocated", "Allocated"
    IN_PRODUCTION = "in_production", "In production"
    IN_TRANSIT = "in_transit", "In transit"
    REJECTED = "rejected", "Rejected"


class StockMovement(ActorColumns):
    """One signed change of one balance. Never updated, never deleted: corrections are new
    movements. The movements of one operation (a move is two) share ``operation_id``."""

    class Operation(models.TextChoices):
        ADD = "add", "Received"
        REMOVE = "remove", "Picked"
        MOVE = "move", "Moved"
        ADJUST = "adjust", "Stocktake"
        STATUS = "status", "Status change"
        SENSOR = "sensor", "Sensor count"
        PRODUCTION = "production", "Production"

    operation_id = models.UUIDField(db_index=True)
    operation = models.CharField(max_length=16, choices=Operation.choices)
    # No index of their own: movement_part_at and movement_location_at begin with them, and
    # every movement written pays for each index the ledger keeps.
    part = models.ForeignKey(
        Part, on_delete=models.PROTECT, related_name="movements", db_index=False
    )
    location = models.ForeignKey(
        StorageLocation, on_delete=models.PROTECT, related_name="movements", db_index=False
    )
    lot = models.ForeignKey(
        Lot, null=True, blank=True, on_delete=models.PROTECT, related_name="movements"
    )
    status = models.CharField(
        max_length=16, choices=StockStatus.choices, default=StockStatus.ON_HAND
    )
    quantity = models.DecimalField(**QUANTITY, help_text="Signed: positive adds, negative takes.")
    unit_price = models.DecimalField(**QUANTITY, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True, help_text="ISO 4217.")
    source = models.CharField(
        max_length=100,
        blank=True,
        help_text="What caused it beyond the actor: sensor:<sn>, order:<id>, receipt:<ref>.",
    )
    comment = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            # The quantity rule (inventory/quantities.py) as the database sees it: SQLite
            # would otherwise store any number, and Django could not read it back.
            models.CheckConstraint(
                condition=fits_quantity_column("quantity") & ~models.Q(quantity=0),
                name="movement_quantity_in_range",
            ),
            models.CheckConstraint(
                condition=fits_quantity_column("unit_price", nullable=True)
                & (models.Q(unit_price__isnull=True) | models.Q(unit_price__gte=0)),
                name="movement_unit_price_in_range",
            ),
        ]
        indexes = [
            models.Index(fields=["part", "at", "id"], name="movement_part_at"),
            models.Index(fields=["location", "at"], name="movement_location_at"),
            models.Index(fields=["actor_name", "at"], name="movement_actor_at"),
            models.Index(fields=["source", "at"], name="movement_source_at"),
            models.Index(fields=["at"], name="movement_at"),
        ]

    def __str__(self) -> str:
        return f"{self.operation} {self.quantity:+} {self.part_id}@{self.location_id}"


class StockBalance(models.Model):
    """The sum of the movements of one (part, location, lot, status), kept by the ledger
    services under a row lock so reads never need to add up the ledger."""

    part = models.ForeignKey(Part, on_delete=models.PROTECT, related_name="balances")
    # No index of its own: balance_location_part begins with it.
    location = models.ForeignKey(
        StorageLocation, on_delete=models.PROTECT, related_name="balances", db_index=False
    )
    lot = models.ForeignKey(
        Lot, null=True, blank=True, on_delete=models.PROTECT, related_name="balances"
    )
    status = models.CharField(
        max_length=16, choices=StockStatus.choices, default=StockStatus.ON_HAND
    )
    quantity = models.DecimalField(**QUANTITY, default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["part_id", "location_id", "lot_id", "status"]
        constraints = [
            # Two constraints because NULL lots are distinct in a plain unique constraint.
            models.UniqueConstraint(
                fields=["part", "location", "lot", "status"],
                name="balance_unique_with_lot",
                condition=models.Q(lot__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["part", "location", "status"],
                name="balance_unique_without_lot",
                condition=models.Q(lot__isnull=True),
            ),
            models.CheckConstraint(
                condition=~models.Q(status="on_hand") | models.Q(quantity__gte=0),
                name="balance_on_hand_not_negative",
            ),
            models.CheckConstraint(
                condition=fits_quantity_column("quantity"), name="balance_quantity_in_range"
            ),
        ]
        indexes = [
            models.Index(fields=["location", "part"], name="balance_location_part"),
            models.Index(fields=["status", "part"], name="balance_status_part"),
        ]

    def __str__(self) -> str:
        return f"{self.part_id}@{self.location_id}/{self.lot_id}/{self.status}={self.quantity}"
