from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ...models import InfoKey, Part, PartType
from ...models.catalogue import IPN_VALIDATOR
from ...queries import catalogue as queries

INFO_HELP = (
    "Info values by key. Numbers and quantities are JSON numbers in the key's unit (a quantity "
    'may be sent as text with a unit or SI prefix: "10k", "4k7", "10 kΩ", "100nF"); booleans '
    "true/false; text and choices strings."
)


class InfoKeySerializer(serializers.ModelSerializer):
    # A plain string here so the schema has one enum for kinds (InfoKeyWriteRequest's).
    kind = serializers.CharField(
        read_only=True, help_text="text, number, quantity (has a unit), choice or boolean."
    )

    class Meta:
        model = InfoKey
        fields = ["key", "label", "kind", "unit", "required", "choices", "position"]
        read_only_fields = fields


class InfoKeyWriteSerializer(serializers.Serializer):
    key = serializers.CharField(max_length=48)
    label = serializers.CharField(max_length=100, required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=InfoKey.Kind.choices)
    unit = serializers.CharField(
        max_length=32,
        required=False,
        allow_blank=True,
        help_text="Quantities only, pint syntax: ohm, F, V, A, mm, %.",
    )
    required = serializers.BooleanField(required=False, default=False)
    choices = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, help_text="Choice keys only."
    )
    position = serializers.IntegerField(min_value=0, max_value=32767, required=False)


class PartTypeSerializer(serializers.ModelSerializer):
    info_keys = InfoKeySerializer(many=True, read_only=True)
    part_count = serializers.IntegerField(read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = PartType
        fields = [
            "id",
            "slug",
            "name",
            "description",
            "ipn_prefix",
            "info_keys",
            "part_count",
            "created_at",
            "updated_at",
            "url",
        ]
        read_only_fields = fields

    def get_url(self, part_type: PartType) -> str:
        return reverse("part-type-detail", kwargs={"type_id": part_type.pk})


class PartTypeCreateSerializer(serializers.Serializer):
    slug = serializers.CharField(
        max_length=48, help_text="Lower-case letters, digits, - and _; not all digits."
    )
    name = serializers.CharField(max_length=100)
    description = serializers.CharField(required=False, default="", allow_blank=True)
    ipn_prefix = serializers.CharField(
        max_length=16, required=False, help_text="Default: the slug in upper case."
    )
    info_keys = InfoKeyWriteSerializer(many=True, required=False, default=list)


class PartSerializer(serializers.ModelSerializer):
    part_type = serializers.CharField(source="part_type.slug", read_only=True)
    info = serializers.DictField(help_text=INFO_HELP, read_only=True)
    info_display = serializers.SerializerMethodField()
    tags = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Part
        fields = [
            "ipn",
            "part_type",
            "mpn",
            "manufacturer",
            "description",
            "info",
            "info_display",
            "datasheet_url",
            "footprint",
            "notes",
            "tags",
            "unit_of_measure",
            "unit_weight_g",
            "low_stock_threshold",
            "archived",
            "created_at",
            "updated_at",
            "url",
        ]
        read_only_fields = fields

    @extend_schema_field(
        serializers.DictField(
            child=serializers.CharField(), help_text='Values for people: {"resistance": "10 kΩ"}.'
        )
    )
    def get_info_display(self, part: Part) -> dict[str, str]:
        return queries.display_info(part.part_type.info_keys.all(), part.info)

    def get_tags(self, part: Part) -> list[str]:
        return [tag.name for tag in part.tags.all()]

    def get_url(self, part: Part) -> str:
        return reverse("part-detail", kwargs={"ptype": part.part_type.slug, "ipn": part.ipn})


class PartWriteSerializer(serializers.Serializer):
    """For create; for update every field is optional and fields left out keep their values."""

    ipn = serializers.CharField(
        max_length=64,
        required=False,
        validators=[IPN_VALIDATOR],
        help_text="Create only. Default: generated (RES-00042).",
    )
    mpn = serializers.CharField(max_length=100, required=False, allow_blank=True)
    manufacturer = serializers.CharField(max_length=100, required=False, allow_blank=True)
    description = serializers.CharField(max_length=500, required=False, allow_blank=True)
    info = serializers.DictField(
        required=False,
        help_text=INFO_HELP + " On update the given keys are merged; null removes a key.",
    )
    datasheet_url = serializers.URLField(max_length=500, required=False, allow_blank=True)
    footprint = serializers.CharField(max_length=100, required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)
    tags = serializers.ListField(
        child=serializers.CharField(max_length=64), required=False, help_text="Tag names."
    )
    unit_of_measure = serializers.ChoiceField(choices=Part.UnitOfMeasure.choices, required=False)
    unit_weight_g = serializers.DecimalField(
        max_digits=12, decimal_places=6, required=False, allow_null=True, min_value=0
    )
    low_stock_threshold = serializers.DecimalField(
        max_digits=18, decimal_places=6, required=False, allow_null=True, min_value=0
    )
    archived = serializers.BooleanField(required=False)


class PartUpdateSerializer(PartWriteSerializer):
    ipn = None


class PartKeySerializer(serializers.Serializer):
    ptype = serializers.CharField(max_length=48)
    ipn = serializers.CharField(max_length=64)


class BatchRequestSerializer(serializers.Serializer):
    keys = PartKeySerializer(many=True, max_length=1000, help_text="At most 1000 keys.")


class BatchResponseSerializer(serializers.Serializer):
    results = PartSerializer(many=True, help_text="The parts found, in the order asked.")
    missing = PartKeySerializer(many=True, help_text="The keys with no such part.")


class PartMatchSerializer(PartSerializer):
    match = serializers.ChoiceField(
        choices=["exact", "prefix", "contains"], read_only=True, help_text="How the MPN matched."
    )

    class Meta(PartSerializer.Meta):
        fields = [*PartSerializer.Meta.fields, "match"]
        read_only_fields = fields


class MpnSearchResponseSerializer(serializers.Serializer):
    results = PartMatchSerializer(many=True, help_text="Exact matches, then prefix, then contains.")
    truncated = serializers.BooleanField(help_text="More parts matched than `limit`.")


class AlternateSerializer(serializers.Serializer):
    part = PartSerializer(read_only=True)
    note = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class AlternateCreateSerializer(serializers.Serializer):
    ipn = serializers.CharField(max_length=64, help_text="IPN of the alternate part.")
    ptype = serializers.CharField(
        max_length=48, required=False, help_text="Its part type; checked when given."
    )
    note = serializers.CharField(max_length=255, required=False, default="", allow_blank=True)
