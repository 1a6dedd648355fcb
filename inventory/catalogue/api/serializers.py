import re
from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from config.core.api_fields import (
    NOT_BLANK,
    ModelSerializer,
    PlainDecimalField,
    RequestSerializer,
    not_blank_field,
)
from inventory.catalogue import queries
from inventory.catalogue.models import INFO_KEY_FIELDS, IPN_VALIDATOR, PART_READ_FIELDS
from inventory.catalogue.services.tags import TAG_NAME_MAX_LENGTH
from inventory.models import InfoKey, Part, PartType

# IPNs that reverse() would put in a URL as they are (it percent-encodes anything else).
_URL_SAFE_IPN = re.compile(r"[A-Za-z0-9._~-]+")
_MEMO_SIZE = 10_000  # values remembered per serializer (an export reuses one for every part)

INFO_HELP = (
    "Info values by key. Numbers and quantities are JSON numbers in the key's unit (a quantity "
    'may be sent as text with a unit or SI prefix: "10k", "4k7", "10 kΩ", "100nF"); booleans '
    "true/false; text and choices strings."
)


class InfoKeySerializer(ModelSerializer):
    # A plain string here so the schema has one enum for kinds (InfoKeyWriteRequest's).
    kind = serializers.CharField(
        read_only=True, help_text="text, number, quantity (has a unit), choice or boolean."
    )

    class Meta:
        model = InfoKey
        fields = list(INFO_KEY_FIELDS)
        read_only_fields = fields


class InfoKeyWriteSerializer(RequestSerializer):
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


class PartTypeSerializer(ModelSerializer):
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


class PartTypeCreateSerializer(RequestSerializer):
    slug = serializers.CharField(
        max_length=48, help_text="Lower-case letters, digits, - and _; not all digits."
    )
    name = serializers.CharField(max_length=100)
    description = serializers.CharField(required=False, default="", allow_blank=True)
    ipn_prefix = serializers.CharField(
        max_length=16, required=False, help_text="Default: the slug in upper case."
    )
    info_keys = InfoKeyWriteSerializer(many=True, required=False, default=list)


_SHOWN_WITH = {"ipn": ("ipn", "part_type"), "info": ("info", "info_display")}


class PartSerializer(ModelSerializer):
    part_type = serializers.CharField(source="part_type.slug", read_only=True)
    info = serializers.DictField(help_text=INFO_HELP, read_only=True)
    info_display = serializers.SerializerMethodField()
    # Text, not a URI format: a part may have no datasheet (an empty string).
    datasheet_url = serializers.CharField(read_only=True, help_text="A URL, or empty.")
    tags = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Part
        # What a read of a part shows, with the type after the IPN, the info as people read
        # it after the info, and the part's URL last.
        fields = [
            *(shown for name in PART_READ_FIELDS for shown in _SHOWN_WITH.get(name, (name,))),
            "url",
        ]
        read_only_fields = fields

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._types: dict[int, tuple[str, list[InfoKey], str]] = {}  # see _type_of
        self._memo: dict[tuple[str, Any], Any] = {}  # see _shown

    @extend_schema_field(
        serializers.DictField(
            child=serializers.CharField(), help_text='Values for people: {"resistance": "10 kΩ"}.'
        )
    )
    def get_info_display(self, part: Part) -> dict[str, str]:
        return queries.display_info(self._type_of(part)[1], part.info)

    def get_tags(self, part: Part) -> list[str]:
        return _tag_names(part)

    def get_url(self, part: Part) -> str:
        slug, _keys, url_prefix = self._type_of(part)
        return _part_url(slug, url_prefix, part.ipn)

    def to_representation(self, part: Part) -> dict[str, Any]:
        """The declared fields, read directly: DRF's generic path (an attribute lookup and a
        field call per field and row) cost more than the SQL of a whole page or batch. The
        output is the same; the fields that convert (decimals, datetimes) still do it."""
        slug, keys, url_prefix = self._type_of(part)
        info = part.info  # decoded from JSON: its keys are strings
        shown = self._shown
        return {
            "ipn": part.ipn,
            "part_type": slug,
            "mpn": part.mpn,
            "manufacturer": part.manufacturer,
            "description": part.description,
            "info": info,
            "info_display": queries.display_info(keys, info),
            "datasheet_url": part.datasheet_url,
            "footprint": part.footprint,
            "notes": part.notes,
            "tags": _tag_names(part),
            "unit_of_measure": part.unit_of_measure,
            "unit_weight_g": shown("unit_weight_g", part.unit_weight_g),
            "low_stock_threshold": shown("low_stock_threshold", part.low_stock_threshold),
            "archived": bool(part.archived),
            "created_at": shown("created_at", part.created_at),
            "updated_at": shown("updated_at", part.updated_at),
            "url": _part_url(slug, url_prefix, part.ipn),
        }

    def _shown(self, name: str, value: Any) -> Any:
        """``value`` through the field ``name`` (a decimal or a datetime), remembered: many
        parts share weights, thresholds and timestamps, and the output depends on the value
        alone."""
        if value is None:
            return None
        key = (name, value)
        found = self._memo.get(key)
        if found is None:
            found = self.fields[name].to_representation(value)
            if len(self._memo) < _MEMO_SIZE:
                self._memo[key] = found
        return found

    def _type_of(self, part: Part) -> tuple[str, list[InfoKey], str]:
        """The slug, info keys and URL prefix of the part's type, worked out once per type
        for all the parts this serializer shows."""
        found = self._types.get(part.part_type_id)
        if found is None:
            part_type = part.part_type
            url = reverse("part-detail", kwargs={"ptype": part_type.slug, "ipn": "_"})
            found = (part_type.slug, list(part_type.info_keys.all()), url[:-1])
            self._types[part.part_type_id] = found
        return found


def _tag_names(part: Part) -> list[str]:
    # Rows (queries.catalogue.part_rows) and parts from with_tag_names carry the names.
    names = getattr(part, "tag_names", None)
    return [tag.name for tag in part.tags.all()] if names is None else list(names)


def _part_url(slug: str, url_prefix: str, ipn: str) -> str:
    if _URL_SAFE_IPN.fullmatch(ipn):
        return url_prefix + ipn
    return reverse("part-detail", kwargs={"ptype": slug, "ipn": ipn})


def tag_names_field() -> serializers.ListField:
    """Tag names as clients send them; the pattern documents "not only spaces" (spaces around a
    name are trimmed, and a blank one is refused)."""
    return serializers.ListField(
        child=not_blank_field(max_length=TAG_NAME_MAX_LENGTH),
        required=False,
        help_text="Tag names.",
    )


class PartWriteSerializer(RequestSerializer):
    """A new part. Every field may be left out; without an IPN one is generated from the
    part type's prefix (RES-00042)."""

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
    tags = tag_names_field()
    unit_of_measure = serializers.ChoiceField(choices=Part.UnitOfMeasure.choices, required=False)
    unit_weight_g = PlainDecimalField(
        max_digits=12, decimal_places=6, required=False, allow_null=True, min_value=0
    )
    low_stock_threshold = PlainDecimalField(
        max_digits=18, decimal_places=6, required=False, allow_null=True, min_value=0
    )
    archived = serializers.BooleanField(required=False)


class PartUpdateSerializer(PartWriteSerializer):
    """Changes to a part: fields left out keep their values; info keys are merged."""

    ipn = None


class PartKeyListSerializer(serializers.ListSerializer):
    def to_internal_value(self, data: Any) -> list[dict[str, str]]:
        # The common case (a list of clean keys) without a per-key run of DRF's validation
        # (~10 ms for 1,000 keys); anything else, the list's own checks and messages.
        if isinstance(data, list) and max(1, self.min_length or 0) <= len(data) <= (
            self.max_length or len(data)
        ):
            keys = [
                {"ptype": item["ptype"], "ipn": item["ipn"]}
                for item in data
                if isinstance(item, dict)
                and _clean(item.get("ptype"), 48)
                and _clean(item.get("ipn"), 64)
            ]
            if len(keys) == len(data):
                return keys
        return super().to_internal_value(data)


class PartKeySerializer(RequestSerializer):
    # Blank keys are refused (spaces around are trimmed): the pattern says "not only spaces".
    ptype = not_blank_field(max_length=48)
    ipn = not_blank_field(max_length=64)

    class Meta:
        list_serializer_class = PartKeyListSerializer

    def to_internal_value(self, data: Any) -> dict[str, str]:
        # A batch holds up to 1,000 keys: the common case (two short, clean strings) skips
        # DRF's per-field machinery; anything else gets the fields' own checks and messages.
        if isinstance(data, dict):
            ptype, ipn = data.get("ptype"), data.get("ipn")
            if _clean(ptype, 48) and _clean(ipn, 64):
                return {"ptype": ptype, "ipn": ipn}
        return super().to_internal_value(data)


# What CharField rejects besides length and blanks: NUL and lone surrogates.
_PROHIBITED = re.compile("[\x00\ud800-\udfff]")


def _clean(value: Any, max_length: int) -> bool:
    """Whether CharField(max_length) would take ``value`` exactly as it is."""
    return (
        isinstance(value, str)
        and 0 < len(value) <= max_length
        and value == value.strip()
        and re.search(NOT_BLANK, value) is not None
        and _PROHIBITED.search(value) is None
    )


class BatchRequestSerializer(RequestSerializer):
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

    def to_representation(self, part: Part) -> dict[str, Any]:
        return {**super().to_representation(part), "match": part.match}


class MpnSearchResponseSerializer(serializers.Serializer):
    results = PartMatchSerializer(many=True, help_text="Exact matches, then prefix, then contains.")
    truncated = serializers.BooleanField(help_text="More parts matched than `limit`.")


class AlternateSerializer(serializers.Serializer):
    part = PartSerializer(read_only=True)
    note = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class AlternateCreateSerializer(RequestSerializer):
    ipn = serializers.CharField(max_length=64, help_text="IPN of the alternate part.")
    ptype = serializers.CharField(
        max_length=48, required=False, help_text="Its part type; checked when given."
    )
    note = serializers.CharField(max_length=255, required=False, default="", allow_blank=True)
