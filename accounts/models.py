import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from config.core.roles import ROLE_RANK, Role


class User(AbstractUser):
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.VIEWER)

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.username

    @property
    def effective_role(self) -> Role:
        # `createsuperuser` accounts are admins whatever their stored role says.
        return Role.ADMIN if self.is_superuser else Role(self.role)

    def has_role(self, minimum: Role) -> bool:
        return ROLE_RANK[self.effective_role] >= ROLE_RANK[minimum]


API_TOKEN_PREFIX = "wc_"  # noqa: S105 - a public marker, not a secret


def hash_api_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    """A long-lived credential. Only the SHA-256 of the secret is stored; the secret itself
    is shown once, when the token is created."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    label = models.CharField(max_length=64)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The first characters after the prefix, so a user can tell tokens apart in lists.
    hint = models.CharField(max_length=12, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["user_id", "label"]
        verbose_name = "API token"
        verbose_name_plural = "API tokens"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "label"],
                condition=models.Q(revoked_at__isnull=True),
                name="api_token_label_unique_per_user",
            )
        ]
        indexes = [models.Index(fields=["user", "revoked_at"], name="api_token_user_live")]

    def __str__(self) -> str:
        return f"{self.user} / {self.label}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()
