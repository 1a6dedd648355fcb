import re
from datetime import UTC
from decimal import Decimal

from rest_framework import serializers

from config.core.api_fields import (
    ModelSerializer,
    PlainDecimalField,
    RequestSerializer,
    decimal_text,
)
from config.core.errors import ValidationFailed
from inventory.catalogue.api.serializers import tag_names_field
from inventory.models import Lot, Part, StockBalance, StockMovement, StockStatus, StorageLocation
from inventory.stock import queries
from inventory.stock.quantities import DECIMAL_PLACES, MAX_DIGITS, parse_quantity

QUANTITY = {"max_digits": MAX_DIGITS, "decimal_places": DECIMAL_PLACES}


# The ledger's answers (movements, balances) are rendered on every stock operation and in the
# longest lists. Their serializers build the dicts directly instead of running DRF's field
# machinery per object, which cost more than the database work of a write; the declared
# fields still describe them in the OpenAPI schema, and the tests pin the output.
def quantity_text(value: Decimal | None) -> str | None:
    """A quantity as the API writes every decimal: a string without padding zeros."""
    return decimal_text(value)


def time_text(value) -> str:
    text = value.astimezone(UTC).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


class _ByKey(serializers.SlugRelatedField):
    """An object named by its label key (IPN, location code, lot name), looked up with the
    same query the clerk UI uses. The queryset only tells the OpenAPI schema what it is."""

    def find(self, key: str):
        raise NotImplementedError

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        found = self.find(str(data))
        if found is None:
            self.fail("does_not_exist", slug_name=self.slug_field, value=str(data))
        return found


class PartByIpn(_ByKey):
    def __init__(self, **kwargs):
        super().__init__(slug_field="ipn", queryset=Part.objects.all(), **kwargs)

    def find(self, key: str) -> Part | None:
        return queries.find_part(key)


class LocationByCode(_ByKey):
    def __init__(self, **kwargs):
        super().__init__(slug_field="code", queryset=StorageLocation.objects.all(), **kwargs)

    def find(self, key: str) -> StorageLocation | None:
        return queries.find_location(key)


class LotByName(_ByKey):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        super().__init__(slug_field="name", queryset=Lot.objects.all(), **kwargs)

    def find(self, key: str) -> Lot | None:
        return queries.find_lot(key)


# Locations and lots ---------------------------------------------------------------------


class LocationSerializer(ModelSerializer):
    parent = serializers.PrimaryKeyRelatedField(
        read_only=True, allow_null=True, help_text="The parent location's id; null at top level."
    )

    class Meta:
        model = StorageLocation
        fields = [
            "id",
            "name",
            "code",
            "path",
            "parent",
            "kind",
            "description",
            "is_full",
            "single_part",
            "existing_parts_only",
            "archived",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class LocationWriteSerializer(RequestSerializer):
    """A new location; it cannot start archived."""

    name = serializers.RegexField(
        r"^[^/]{1,100}\Z", error_messages={"invalid": "1 to 100 characters, no '/'."}
    )
    code = serializers.RegexField(
        r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}\Z",
        error_messages={"invalid": "1 to 32 letters, digits, '.', '-' or '_'."},
    )
    parent = serializers.PrimaryKeyRelatedField(
        queryset=StorageLocation.objects.all(), required=False, allow_null=True
    )
    description = serializers.CharField(required=False, allow_blank=True)
    is_full = serializers.BooleanField(required=False)
    single_part = serializers.BooleanField(required=False)
    existing_parts_only = serializers.BooleanField(required=False)
    archived = serializers.BooleanField(required=False, help_text="Archive (true) or restore.")


class LocationUpdateSerializer(LocationWriteSerializer):
    """Changes to a location: fields left out keep their values."""

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            field.required = False
        return fields


class LotSerializer(ModelSerializer):
    tags = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)

    class Meta:
        model = Lot
        fields = ["id", "name", "description", "expiry_date", "reference", "tags", "created_at"]
        read_only_fields = fields


class LotWriteSerializer(RequestSerializer):
    name = serializers.RegexField(
        r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}\Z",
        required=False,
        error_messages={"invalid": "1 to 64 letters, digits, '.', '/', '-' or '_'."},
        help_text="Generated when left out.",
    )
    description = serializers.CharField(required=False, allow_blank=True)
    expiry_date = serializers.DateField(required=False, allow_null=True)
    reference = serializers.CharField(required=False, allow_blank=True, max_length=200)
    tags = tag_names_field()


# Ledger ---------------------------------------------------------------------------------


class ActorSerializer(serializers.Serializer):
    kind = serializers.CharField(source="actor_kind")
    name = serializers.CharField(source="actor_name")
    token_label = serializers.CharField(source="actor_token")


class MovementSerializer(ModelSerializer):
    ipn = serializers.CharField(source="part.ipn")
    location = serializers.CharField(source="location.code")
    lot = serializers.CharField(source="lot.name", allow_null=True, default=None)
    actor = ActorSerializer(source="*")

    class Meta:
        model = StockMovement
        fields = [
            "id",
            "operation_id",
            "operation",
            "ipn",
            "location",
            "lot",
            "status",
            "quantity",
            "unit_price",
            "currency",
            "actor",
            "source",
            "comment",
            "at",
        ]
        read_only_fields = fields

    def to_representation(self, movement: StockMovement) -> dict:
        return {
            "id": movement.pk,
            "operation_id": str(movement.operation_id),
            "operation": movement.operation,
            "ipn": movement.part.ipn,
            "location": movement.location.code,
            "lot": movement.lot.name if movement.lot_id else None,
            "status": movement.status,
            "quantity": quantity_text(movement.quantity),
            "unit_price": quantity_text(movement.unit_price),
            "currency": movement.currency,
            "actor": {
                "kind": movement.actor_kind,
                "name": movement.actor_name,
                "token_label": movement.actor_token,
            },
            "source": movement.source,
            "comment": movement.comment,
            "at": time_text(movement.at),
        }


class HistoryMovementSerializer(MovementSerializer):
    running_on_hand = serializers.SerializerMethodField(
        help_text="The part's on-hand total (all locations) after this movement."
    )

    def get_running_on_hand(self, movement) -> str:
        # The running total starts at the range's start; the context carries what came before.
        return quantity_text(movement.running_on_hand + self.context.get("opening", 0))

    def to_representation(self, movement: StockMovement) -> dict:
        return super().to_representation(movement) | {
            "running_on_hand": self.get_running_on_hand(movement)
        }

    class Meta(MovementSerializer.Meta):
        fields = [*MovementSerializer.Meta.fields, "running_on_hand"]
        read_only_fields = fields


class BalanceSerializer(ModelSerializer):
    ipn = serializers.CharField(source="part.ipn")
    part_type = serializers.CharField(source="part.part_type.slug")
    location = serializers.CharField(source="location.code")
    location_path = serializers.CharField(source="location.path")
    lot = serializers.CharField(source="lot.name", allow_null=True, default=None)

    class Meta:
        model = StockBalance
        fields = [
            "ipn",
            "part_type",
            "location",
            "location_path",
            "lot",
            "status",
            "quantity",
            "updated_at",
        ]
        read_only_fields = fields

    def to_representation(self, balance: StockBalance) -> dict:
        return {
            "ipn": balance.part.ipn,
            "part_type": balance.part.part_type.slug,
            "location": balance.location.code,
            "location_path": balance.location.path,
            "lot": balance.lot.name if balance.lot_id else None,
            "status": balance.status,
            "quantity": quantity_text(balance.quantity),
            "updated_at": time_text(balance.updated_at),
        }


class OperationResultSerializer(serializers.Serializer):
    operation_id = serializers.UUIDField()
    operation = serializers.CharField()
    movements = MovementSerializer(many=True)
    balances = BalanceSerializer(many=True)

    def to_representation(self, result) -> dict:
        movement, balance = MovementSerializer(), BalanceSerializer()
        return {
            "operation_id": str(result.operation_id),
            "operation": result.operation,
            "movements": [movement.to_representation(m) for m in result.movements],
            "balances": [balance.to_representation(b) for b in result.balances],
        }


CURRENCY = re.compile(r"^[A-Z]{3}\Z")


class QuantityField(PlainDecimalField):
    """A quantity in a request body, read by the ledger's quantity rule (a plain decimal: no
    exponent, at most six decimals, within the ledger's range), so the API refuses exactly
    what the services refuse, with the same sentences. Sign and unit rules stay with the
    services, which know the operation and the part."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**QUANTITY, **kwargs)

    def input_pattern(self) -> str:
        # What parse_quantity reads: a comma for the point, and spaces around, are taken.
        places, digits = DECIMAL_PLACES, MAX_DIGITS - DECIMAL_PLACES
        number = rf"(?:[0-9]{{1,{digits}}}(?:[.,][0-9]{{0,{places}}})?|[.,][0-9]{{1,{places}}})"
        sign = r"\+?" if self.min_value is not None and self.min_value >= 0 else "[+-]?"
        return rf"^\s*{sign}{number}\s*$"

    def to_internal_value(self, data):
        try:
            return parse_quantity(data, name=self.field_name or "quantity")
        except ValidationFailed as exc:
            raise serializers.ValidationError(
                [message for messages in exc.errors.values() for message in messages],
                code=exc.code,
            ) from None


def _quantity(help_text: str, **kwargs):
    return QuantityField(help_text=help_text, **kwargs)


class StockAddSerializer(RequestSerializer):
    ipn = PartByIpn(source="part")
    location = LocationByCode(help_text="The location's code.")
    quantity = _quantity("How much arrived (> 0).")
    lot = LotByName(help_text="An existing lot's name.")
    new_lot = LotWriteSerializer(required=False, help_text="Create a lot for this stock.")
    status = serializers.ChoiceField(choices=StockStatus.choices, default=StockStatus.ON_HAND)
    unit_price = QuantityField(required=False, allow_null=True, min_value=0)
    currency = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="ISO 4217 code, e.g. EUR."
    )
    comment = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")

    def validate_currency(self, value: str) -> str:
        value = value.upper()
        if value and not CURRENCY.match(value):
            raise serializers.ValidationError("Must be a three-letter ISO 4217 code.")
        return value

    def validate(self, attrs):
        if attrs.get("lot") and attrs.get("new_lot"):
            raise serializers.ValidationError({"new_lot": "Give lot or new_lot, not both."})
        return attrs


class StockRemoveSerializer(RequestSerializer):
    ipn = PartByIpn(source="part")
    location = LocationByCode()
    quantity = _quantity("How much to take (> 0).")
    lot = LotByName(help_text="Take from this lot; oldest lot first when left out.")
    status = serializers.ChoiceField(choices=StockStatus.choices, default=StockStatus.ON_HAND)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class StockMoveSerializer(RequestSerializer):
    ipn = PartByIpn(source="part")
    from_location = LocationByCode()
    to_location = LocationByCode()
    quantity = _quantity("How much to move (> 0).")
    lot = LotByName(help_text="Move from this lot; oldest lot first when left out.")
    to_lot = LotByName(help_text="Put the moved stock into this lot (splits a lot).")
    new_lot = LotWriteSerializer(required=False, help_text="Split into a new lot.")
    comment = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")

    def validate(self, attrs):
        if attrs.get("to_lot") and attrs.get("new_lot"):
            raise serializers.ValidationError({"new_lot": "Give to_lot or new_lot, not both."})
        return attrs


class StockAdjustSerializer(RequestSerializer):
    ipn = PartByIpn(source="part")
    location = LocationByCode()
    counted = _quantity("What the stocktake found (≥ 0).")
    lot = LotByName(help_text="Required when the location holds the part in several lots.")
    comment = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


class StockStatusSerializer(RequestSerializer):
    ipn = PartByIpn(source="part")
    location = LocationByCode()
    quantity = _quantity("How much changes status (> 0).")
    from_status = serializers.ChoiceField(choices=StockStatus.choices)
    to_status = serializers.ChoiceField(choices=StockStatus.choices)
    lot = LotByName()
    comment = serializers.CharField(required=False, allow_blank=True, max_length=500, default="")


# Reads ----------------------------------------------------------------------------------


class PartStockRowSerializer(serializers.Serializer):
    location = serializers.CharField(source="location.code")
    location_path = serializers.CharField(source="location.path")
    lot = serializers.CharField(source="lot.name", allow_null=True, default=None)

    def get_fields(self):
        fields = super().get_fields()
        for status in StockStatus.values:
            fields[status] = PlainDecimalField(**QUANTITY)
        return fields


class PartStockSerializer(serializers.Serializer):
    ipn = serializers.CharField()
    totals = serializers.DictField(child=PlainDecimalField(**QUANTITY))
    rows = PartStockRowSerializer(many=True)


class SeriesPointSerializer(serializers.Serializer):
    bucket = serializers.DateTimeField()
    received = PlainDecimalField(**QUANTITY)
    taken = PlainDecimalField(**QUANTITY)
    on_hand = PlainDecimalField(**QUANTITY)


class LowStockSerializer(ModelSerializer):
    part_type = serializers.CharField(source="part_type.slug")
    on_hand = PlainDecimalField(**QUANTITY)
    on_order = PlainDecimalField(**QUANTITY)
    shortfall = PlainDecimalField(**QUANTITY)

    class Meta:
        model = Part
        fields = [
            "ipn",
            "part_type",
            "mpn",
            "description",
            "low_stock_threshold",
            "on_hand",
            "on_order",
            "shortfall",
        ]
        read_only_fields = fields
