"""The parts catalogue: part types with typed info keys, parts, alternates, tags."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Upper
from django.utils import timezone

from config.core.fields import FastJSONField
from inventory.catalogue.units import UnitError, check_unit
from inventory.stock.quantities import fits_quantity_column

SLUG_VALIDATOR = RegexValidator(
    r"^[a-z0-9]+(?:[-_][a-z0-9]+)*\Z", "Lower-case letters, digits, '-' and '_' only."
)
IPN_VALIDATOR = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}\Z",
    "Letters, digits, '.', '-' and '_' (at most 64, starting with a letter or digit).",
)


def validate_not_all_digits(value: str) -> None:
    # Paths use the slug where ids are numbers; an all-digit slug would be ambiguous.
    if value.isdigit():
        raise ValidationError("A slug cannot be all digits.")


def normalize_mpn(mpn: str) -> str:
    """MPN search ignores case and punctuation: 'GRM188R71H104KA93D' == 'grm188r71h-104ka93d'."""
    return re.sub(r"[^0-9A-Z]", "", mpn.upper())


class Tag(models.Model):
    name = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PartType(models.Model):
    slug = models.CharField(
        max_length=48, unique=True, validators=[SLUG_VALIDATOR, validate_not_all_digits]
    )
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    ipn_prefix = models.CharField(
        max_length=16,
        validators=[IPN_VALIDATOR],
        help_text="Generated IPNs are <prefix>-<counter>, e.g. RES-00042.",
    )
    # The next number for a generated IPN; only ever incremented under a row lock.
    ipn_counter = models.PositiveBigIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.name


class InfoKey(models.Model):
    """A typed field that parts of one type carry (resistance, tolerance, package, ...)."""

    class Kind(models.TextChoices):
        TEXT = "text", "Text"
        NUMBER = "number", "Number"
        QUANTITY = "quantity", "Quantity with a unit"
        CHOICE = "choice", "Choice"
        BOOLEAN = "boolean", "Yes/no"

    part_type = models.ForeignKey(PartType, on_delete=models.CASCADE, related_name="info_keys")
    key = models.CharField(max_length=48, validators=[SLUG_VALIDATOR])
    label = models.CharField(max_length=100)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    unit = models.CharField(
        max_length=32,
        blank=True,
        help_text="For quantities: the unit values are stored in (pint syntax: ohm, F, V, A, mm).",
    )
    required = models.BooleanField(default=False)
    choices = models.JSONField(default=list, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["part_type_id", "position", "key"]
        constraints = [
            models.UniqueConstraint(fields=["part_type", "key"], name="info_key_unique_per_type"),
            # Values are stored in a quantity's unit: it needs one, and nothing else has one.
            models.CheckConstraint(
                condition=models.Q(kind="quantity", unit__gt="")
                | (~models.Q(kind="quantity") & models.Q(unit="")),
                name="info_key_unit_only_for_quantities",
            ),
            # A choice key offers its choices; nothing else has any.
            models.CheckConstraint(
                condition=(models.Q(kind="choice") & ~models.Q(choices=[]))
                | (~models.Q(kind="choice") & models.Q(choices=[])),
                name="info_key_choices_only_for_choice_keys",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.part_type.slug}.{self.key}"

    def clean(self) -> None:
        """What the constraints hold, with the sentences people read, and what no constraint
        can check: that the unit is one pint knows, and that choices are distinct, non-empty
        strings."""
        errors: dict[str, str] = {}
        if self.kind == self.Kind.QUANTITY:
            if not self.unit:
                errors["unit"] = "A quantity needs a unit (e.g. ohm, F, V, mm)."
            else:
                try:
                    check_unit(self.unit)
                except UnitError as exc:
                    errors["unit"] = str(exc)
        elif self.unit:
            errors["unit"] = "Only quantities have a unit."
        choices = self.choices
        if self.kind == self.Kind.CHOICE:
            if not (
                isinstance(choices, list)
                and choices
                and all(isinstance(choice, str) and choice.strip() for choice in choices)
            ):
                errors["choices"] = "A choice key needs a list of non-empty strings."
            elif len({choice.casefold() for choice in choices}) != len(choices):
                errors["choices"] = "Choices must be distinct."
        elif choices:
            errors["choices"] = "Only choice keys have choices."
        if errors:
            raise ValidationError(errors)

    @property
    def is_numeric(self) -> bool:
        return self.kind in {self.Kind.NUMBER, self.Kind.QUANTITY}


# What describes an info key, in the order the API, the services and the admin list it.
INFO_KEY_FIELDS = ("key", "label", "kind", "unit", "required", "choices", "position")


class Part(models.Model):
    class UnitOfMeasure(models.TextChoices):
        PIECES = "pcs", "pieces"
        METRES = "m", "metres"
        GRAMS = "g", "grams"
        MILLILITRES = "ml", "millilitres"

    # No index of its own: part_type_ipn begins with it.
    part_type = models.ForeignKey(
        PartType, on_delete=models.PROTECT, related_name="parts", db_index=False
    )
    ipn = models.CharField("IPN", max_length=64, unique=True, validators=[IPN_VALIDATOR])
    mpn = models.CharField("MPN", max_length=100, blank=True)
    # Indexed in Meta: a db_index CharField gets a second, LIKE-prefix index on PostgreSQL
    # that no lookup uses and every part write pays for.
    mpn_normalized = models.CharField(max_length=100, blank=True, editable=False)
    manufacturer = models.CharField(max_length=100, blank=True)
    description = models.CharField(max_length=500, blank=True)
    # Values as validated against the type's info keys; numbers and quantities are stored
    # normalised (quantities as a number in the key's unit). PartInfoValue indexes them.
    info = FastJSONField(default=dict, blank=True)
    datasheet_url = models.URLField(max_length=500, blank=True)
    footprint = models.CharField(max_length=100, blank=True)
    notes = models.TextField(blank=True, help_text="Markdown.")
    tags = models.ManyToManyField(Tag, blank=True, related_name="parts")
    unit_of_measure = models.CharField(
        max_length=8, choices=UnitOfMeasure.choices, default=UnitOfMeasure.PIECES
    )
    unit_weight_g = models.DecimalField(
        max_digits=12,
        decimal_places=6,
        null=True,
        blank=True,
        help_text="Grams per unit; smart containers count parts with it.",
    )
    low_stock_threshold = models.DecimalField(
        max_digits=18, decimal_places=6, null=True, blank=True
    )
    archived = models.BooleanField(default=False)
    # Sums of the part's on-hand and ordered balances, kept by the ledger services in the
    # same transaction (like the balances themselves), so the low-stock report is an index
    # range instead of an aggregate over every balance.
    on_hand_total = models.DecimalField(max_digits=18, decimal_places=6, default=0, editable=False)
    on_order_total = models.DecimalField(max_digits=18, decimal_places=6, default=0, editable=False)
    # How far under its threshold the part is (NULL without a threshold): stored by the
    # database and indexed, so the low-stock report reads an index range.
    shortfall = models.GeneratedField(
        expression=models.F("low_stock_threshold") - models.F("on_hand_total"),
        output_field=models.DecimalField(max_digits=18, decimal_places=6),
        db_persist=True,
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["ipn"]
        constraints = [
            models.CheckConstraint(
                condition=fits_quantity_column("on_hand_total")
                & fits_quantity_column("on_order_total"),
                name="part_totals_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(low_stock_threshold__isnull=True)
                | (
                    models.Q(low_stock_threshold__gte=0)
                    & fits_quantity_column("low_stock_threshold")
                ),
                name="part_low_stock_threshold_in_range",
            ),
        ]
        indexes = [
            # archived included so that counting the report reads the index alone. Only the
            # parts in shortfall: the report reads no others, and a total moved on any other
            # part then writes no entry here.
            models.Index(
                fields=["-shortfall", "ipn", "archived"],
                name="part_shortfall",
                condition=models.Q(shortfall__gt=0),
            ),
            models.Index(fields=["mpn_normalized"], name="part_mpn_normalized"),
            models.Index(fields=["manufacturer"], name="part_manufacturer"),
            models.Index(fields=["part_type", "ipn"], name="part_type_ipn"),
            models.Index(fields=["part_type", "archived", "ipn"], name="part_type_archived_ipn"),
            models.Index(Upper("manufacturer"), name="part_manufacturer_upper"),
            # Scanned and typed IPNs are found whatever their case (queries.stock.find_part).
            models.Index(Upper("ipn"), name="part_ipn_upper"),
        ]

    def __str__(self) -> str:
        return self.ipn


# The one list of a part's fields that people and integrations write, in the order every
# reader and writer shows them: the services' keyword arguments, the API's bodies, the CSV
# export's and the import's columns, the part forms and the admin all derive theirs from it.
# Not in it: the IPN and the type (set when the part is created, never changed), the stock
# totals (the ledger's) and the timestamps (the services').
PART_FIELDS = (
    "mpn",
    "manufacturer",
    "description",
    "info",  # the values of the type's info keys
    "datasheet_url",
    "footprint",
    "notes",
    "tags",  # tag names
    "unit_of_measure",
    "unit_weight_g",
    "low_stock_threshold",
    "archived",
)
# The fields above that are columns of the part itself.
PART_SCALAR_FIELDS = tuple(name for name in PART_FIELDS if name not in {"info", "tags"})
# What a read of a part shows (the API's part, the CSV export's columns besides info).
PART_READ_FIELDS = ("ipn", *PART_FIELDS, "created_at", "updated_at")


class PartInfoValue(models.Model):
    """One info value of a part, typed, so that filters and sorting use an index instead of
    reading JSON. Written by the part services alongside ``Part.info``, never on its own."""

    # No indexes of their own: part_info_value_unique begins with the part and
    # info_value_number_part with the key.
    part = models.ForeignKey(
        Part, on_delete=models.CASCADE, related_name="info_values", db_index=False
    )
    info_key = models.ForeignKey(
        InfoKey, on_delete=models.CASCADE, related_name="values", db_index=False
    )
    number = models.FloatField(null=True, blank=True)
    text = models.CharField(max_length=255, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["part", "info_key"], name="part_info_value_unique")
        ]
        indexes = [
            # With the part: a numeric filter reads the part ids from the index alone.
            models.Index(fields=["info_key", "number", "part"], name="info_value_number_part"),
            models.Index(fields=["info_key", "text"], name="info_value_text"),
        ]

    def __str__(self) -> str:
        return f"{self.part_id}.{self.info_key_id}"


class PartAlternate(models.Model):
    """A symmetric link: stored once, with the lower part id first."""

    part_a = models.ForeignKey(Part, on_delete=models.CASCADE, related_name="+")
    part_b = models.ForeignKey(Part, on_delete=models.CASCADE, related_name="+")
    note = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["part_a", "part_b"], name="alternate_pair_unique"),
            models.CheckConstraint(
                condition=models.Q(part_a__lt=models.F("part_b")), name="alternate_pair_ordered"
            ),
        ]
        indexes = [models.Index(fields=["part_b"], name="alternate_part_b")]

    def __str__(self) -> str:
        return f"{self.part_a_id} <-> {self.part_b_id}"
