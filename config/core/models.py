"""The shared core's rows: who did a thing (the actor columns every history table carries),
the changelog, and the answers kept for idempotency keys."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from .actors import Actor
from .fields import FastJSONField


class ActorColumns(models.Model):
    """Who or what caused a row: a person (maybe through an API token), a job, a sensor.
    Kept as text too, so history still reads right after the user is deleted."""

    actor_kind = models.CharField(max_length=16)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
    )
    actor_name = models.CharField(max_length=150)
    actor_token = models.CharField(max_length=64, blank=True)

    class Meta:
        abstract = True

    @staticmethod
    def columns_of(actor: Actor) -> dict:
        """The actor columns' values for ``actor``, to pass to a model's constructor."""
        return {
            "actor_kind": actor.kind,
            "actor_user": actor.user,
            "actor_name": actor.name[:150],
            "actor_token": actor.token_label,
        }


class EntityType(models.TextChoices):
    """What a changelog entry is about. Each app's services name their entities with these,
    never with bare strings, so readers of the changelog (the API's filters, webhooks) have
    one list to go by."""

    USER = "user", "User"
    API_TOKEN = "api_token", "API token"
    IDENTITY = "identity", "Linked identity"
    DEVICE_AUTHORIZATION = "device_authorization", "Device sign-in"
    PART_TYPE = "part_type", "Part type"
    PART = "part", "Part"
    PART_ALTERNATE = "part_alternate", "Part alternate"
    LOCATION = "location", "Location"
    LOT = "lot", "Lot"
    STOCK_OPERATION = "stock_operation", "Stock operation"
    STOCK_HISTORY = "stock_history", "Imported stock history"


class ChangelogEntry(ActorColumns):
    """One thing that happened, written by the service that did it, in the same transaction.

    The primary key doubles as the since-cursor: services take a lock before inserting (see
    ``config.core.changelog``), so ids are handed out in commit order and a poller that asks
    for "after id N" never misses an entry committed later with a smaller id."""

    class Action(models.TextChoices):
        CREATE = "create", "Created"
        UPDATE = "update", "Updated"
        DELETE = "delete", "Deleted"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    action = models.CharField(max_length=16, choices=Action.choices)
    entity_type = models.CharField(max_length=64)
    entity_key = models.CharField(max_length=255)
    changes = FastJSONField(default=dict, blank=True)

    class Meta:
        # The table the inventory app created before the core existed.
        db_table = "inventory_changelogentry"
        ordering = ["-id"]
        verbose_name_plural = "changelog entries"
        indexes = [
            models.Index(fields=["entity_type", "entity_key"], name="changelog_entity"),
            models.Index(fields=["actor_name", "-id"], name="changelog_actor"),
            models.Index(fields=["action", "-id"], name="changelog_action"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_name} {self.action} {self.entity_type} {self.entity_key}"


class IdempotencyRecord(models.Model):
    """The first answer to a piece of work that carried an idempotency key; a retry with the
    same key gets it back instead of doing the work again. ``scope`` says whose key it is: a
    user's (``user:<id>``, from an ``Idempotency-Key`` header or a UI form) or a job's
    (``task:sensors.poll``), so people and Celery tasks use one mechanism."""

    scope = models.CharField(max_length=100)
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField()
    response_body = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="idempotency_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}"
