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


class OidcIdentity(models.Model):
    """A user's account at an OpenID provider, linked to their Warecache account. The provider
    names an account by issuer and subject (``sub``), never by username or email, which can be
    renamed or reused; so the link is keyed by those two."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="identities"
    )
    provider = models.CharField(max_length=32, help_text="The provider's id in OIDC_PROVIDERS.")
    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    # What the provider said at the last login, to show people which account this is.
    email = models.CharField(max_length=254, blank=True)
    linked_at = models.DateTimeField(default=timezone.now, editable=False)
    last_login_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["user_id", "provider", "linked_at"]
        verbose_name = "linked identity"
        verbose_name_plural = "linked identities"
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="oidc_identity_unique"),
            models.CheckConstraint(
                condition=~models.Q(subject="") & ~models.Q(issuer=""),
                name="oidc_identity_not_blank",
            ),
        ]
        indexes = [models.Index(fields=["user", "provider"], name="oidc_identity_user")]

    def __str__(self) -> str:
        return f"{self.provider}: {self.email or self.subject}"


class DeviceAuthorization(models.Model):
    """A device sign-in Warecache serves itself (RFC 8628) for a provider without the device
    grant: the device polls with the device code, whose SHA-256 is all that is stored; a person
    signed in through the provider approves the user code on a Warecache page."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for approval"
        APPROVED = "approved", "Approved"
        DENIED = "denied", "Denied"
        USED = "used", "Token issued"

    provider = models.CharField(max_length=32)
    device_code_hash = models.CharField(max_length=64, unique=True, editable=False)
    user_code = models.CharField(max_length=8, unique=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField()
    interval = models.PositiveSmallIntegerField(help_text="Seconds the device waits between polls.")
    last_polled_at = models.DateTimeField(null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="device_authorizations",
        help_text="Who approved or denied it.",
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(interval__gte=1), name="device_authorization_interval"
            ),
            models.CheckConstraint(
                condition=models.Q(status="pending") | models.Q(user__isnull=False),
                name="device_authorization_decided_by_someone",
            ),
        ]
        indexes = [models.Index(fields=["expires_at"], name="device_authorization_expiry")]

    def __str__(self) -> str:
        return f"{self.provider} device {self.user_code[:4]}-{self.user_code[4:]}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()
