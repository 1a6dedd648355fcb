from django.conf import settings
from django.db import models
from django.utils import timezone

from config.fields import FastJSONField


class ChangelogEntry(models.Model):
    """One thing that happened, written by the service that did it, in the same transaction.

    The primary key doubles as the since-cursor: services take a lock before inserting (see
    ``inventory.changelog``), so ids are handed out in commit order and a poller that asks
    for "after id N" never misses an entry committed later with a smaller id."""

    class Action(models.TextChoices):
        CREATE = "create", "Created"
        UPDATE = "update", "Updated"
        DELETE = "delete", "Deleted"

    at = models.DateTimeField(default=timezone.now, db_index=True)
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
    action = models.CharField(max_length=16, choices=Action.choices)
    entity_type = models.CharField(max_length=64)
    entity_key = models.CharField(max_length=255)
    changes = FastJSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name_plural = "changelog entries"
        indexes = [
            models.Index(fields=["entity_type", "entity_key"], name="changelog_entity"),
            models.Index(fields=["actor_name", "-id"], name="changelog_actor"),
            models.Index(fields=["action", "-id"], name="changelog_action"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_name} {self.action} {self.entity_type} {self.entity_key}"
