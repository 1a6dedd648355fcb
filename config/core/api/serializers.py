import base64
import binascii
from datetime import UTC, datetime

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .. import times
from ..models import ChangelogEntry
from ..numbers import whole_number

# The cursor is opaque to clients: today the id of the last entry they saw, versioned so its
# form can change without breaking a client that stored one.
_CURSOR_PREFIX = "c1:"


def encode_cursor(position: int) -> str:
    return base64.urlsafe_b64encode(f"{_CURSOR_PREFIX}{position}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        text = ""
    position = text.removeprefix(_CURSOR_PREFIX)
    number = None if text == position else whole_number(position, max_digits=19)
    if number is None:
        raise serializers.ValidationError(
            "Not a cursor from this server; pass next_cursor unchanged.", code="invalid_cursor"
        )
    return number


class ChangelogActorSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=["user", "token", "system", "sensor"],
        source="actor_kind",
        help_text="A person, a person through an API token, a background job, or a sensor.",
    )
    name = serializers.CharField(
        source="actor_name", help_text="Username, job name or sensor serial number."
    )
    token_label = serializers.CharField(
        source="actor_token",
        allow_null=True,
        help_text="The API token's label when the change came through one, else null.",
    )

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["token_label"] = data["token_label"] or None
        return data


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {"type": "array", "minItems": 2, "maxItems": 2, "items": {}},
        "example": {"description": ["old text", "new text"]},
    }
)
class ChangesField(serializers.JSONField):
    """``{field: [old, new]}``; secrets are masked as ``"***"``."""


class ChangelogEntrySerializer(serializers.ModelSerializer):
    at = serializers.DateTimeField(default_timezone=UTC, help_text="When, in UTC.")
    actor = ChangelogActorSerializer(source="*")
    changes = ChangesField(
        help_text="What changed, as {field: [old, new]}; secrets are masked as '***'."
    )

    class Meta:
        model = ChangelogEntry
        fields = ["id", "at", "actor", "action", "entity_type", "entity_key", "changes"]
        read_only_fields = fields


class ChangelogFilterSerializer(serializers.Serializer):
    """Exact filters shared by the since-stream (the list endpoint has them as a FilterSet)."""

    entity_type = serializers.CharField(required=False, default="", allow_blank=True)
    entity_key = serializers.CharField(required=False, default="", allow_blank=True)
    actor = serializers.CharField(required=False, default="", allow_blank=True)
    action = serializers.ChoiceField(
        choices=ChangelogEntry.Action.choices, required=False, default="", allow_blank=True
    )


class ChangelogSinceQuerySerializer(ChangelogFilterSerializer):
    MAX_LIMIT = 1000

    timestamp = serializers.CharField()
    cursor = serializers.CharField(required=False)
    limit = serializers.IntegerField(required=False, default=100, min_value=1)

    def validate_timestamp(self, value: str) -> datetime:
        try:
            return times.parse_time(value)
        except ValueError as refusal:
            raise serializers.ValidationError(str(refusal), code="invalid_timestamp") from None

    def validate_cursor(self, value: str) -> int:
        return decode_cursor(value)

    def validate_limit(self, value: int) -> int:
        # Like page_size on the lists: more than the maximum is quietly capped.
        return min(value, self.MAX_LIMIT)


class ChangelogSinceSerializer(serializers.Serializer):
    results = ChangelogEntrySerializer(many=True)
    next_cursor = serializers.CharField(
        help_text="Pass as ?cursor= to get the entries after these; opaque, store it as is."
    )
    has_more = serializers.BooleanField(
        help_text="True when more entries were already there; ask again at once with next_cursor."
    )
