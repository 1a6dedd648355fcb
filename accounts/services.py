"""Writes for users, roles, passwords and API tokens. The API, the UI and the admin call these."""

import secrets
from datetime import datetime

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from rest_framework_simplejwt.tokens import AccessToken

from config.core import changelog
from config.core.actors import Actor
from config.core.errors import Conflict, NotFound, Throttled, ValidationFailed
from config.core.roles import ROLE_RANK, Role

from . import throttle
from .models import API_TOKEN_PREFIX, ApiToken, User, hash_api_token

PROFILE_FIELDS = ("email", "first_name", "last_name", "is_active")


def _check_password(password: str, user: User | None = None, field: str = "password") -> None:
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationFailed(
            "The password is not acceptable.", errors={field: list(exc.messages)}
        ) from exc


def user_create(
    *,
    actor: Actor,
    username: str,
    password: str | None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    role: Role = Role.VIEWER,
    is_active: bool = True,
) -> User:
    """Create an account with a validated password and a role. ``password=None``: an account
    with no password, which signs in only through a linked OpenID identity."""
    candidate = User(username=username, email=email, first_name=first_name, last_name=last_name)
    if password is not None:
        _check_password(password, candidate)
    with transaction.atomic():
        if User.objects.filter(username__iexact=username).exists():
            raise Conflict(f"A user named {username!r} already exists.", code="duplicate")
        user = User(
            username=username,
            email=email,
            first_name=first_name,
            last_name=last_name,
            role=role,
            is_active=is_active,
        )
        if password is None:
            user.set_unusable_password()
        else:
            user.set_password(password)
        user.save()
        changelog.record(
            actor=actor,
            action=changelog.Action.CREATE,
            entity_type=changelog.EntityType.USER,
            entity_key=user.username,
            changes=changelog.diff({}, changelog.snapshot(user, (*PROFILE_FIELDS, "role"))),
        )
    return user


def _another_admin_exists(user: User) -> bool:
    """Whether an active admin other than ``user`` exists (superusers are admins whatever
    their role)."""
    return (
        User.objects.filter(is_active=True)
        .filter(models.Q(role=Role.ADMIN) | models.Q(is_superuser=True))
        .exclude(pk=user.pk)
        .exists()
    )


def _ensure_admin_remains(user: User, action: str) -> None:
    if user.has_role(Role.ADMIN) and not _another_admin_exists(user):
        raise Conflict(
            f"Cannot {action} the last active admin: promote another admin first.",
            code="last_admin",
        )


def user_update(*, actor: Actor, user: User, **fields) -> User:
    """Change profile fields (email, names, active flag); only the fields given change."""
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise ValidationFailed(f"Unknown fields: {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if fields.get("is_active") is False:
            _ensure_admin_remains(user, "deactivate")
        changes = changelog.apply_changes(user, fields)
        if changes:
            changelog.record(
                actor=actor,
                action=changelog.Action.UPDATE,
                entity_type=changelog.EntityType.USER,
                entity_key=user.username,
                changes=changes,
            )
    return user


def user_delete(*, actor: Actor, user: User) -> None:
    """Delete an account and its tokens. The last admin cannot be deleted."""
    with transaction.atomic():
        _ensure_admin_remains(user, "delete")
        username = user.username
        user.delete()
        changelog.record(
            actor=actor,
            action=changelog.Action.DELETE,
            entity_type=changelog.EntityType.USER,
            entity_key=username,
        )


def user_set_password(
    *, actor: Actor, user: User, new_password: str, old_password: str | None = None
) -> None:
    """Set a password. People changing their own must give the old one; an admin resetting
    someone else's need not."""
    changing_own = actor.user is not None and actor.user.pk == user.pk
    admin_reset = not changing_own and actor.user is not None and actor.user.has_role(Role.ADMIN)
    if not admin_reset:
        _check_current_password(user, old_password)
    _check_password(new_password, user, field="new_password")
    with transaction.atomic():
        save_password(actor=actor, user=user, password=new_password)


def save_password(*, actor: Actor, user: User, password: str | None) -> None:
    """Store a (checked) password, or none (``None``: the user signs in only through an
    OpenID provider), with its changelog entry; inside the caller's transaction."""
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save(update_fields=["password"])
    changelog.record(
        actor=actor,
        action=changelog.Action.UPDATE,
        entity_type=changelog.EntityType.USER,
        entity_key=user.username,
        changes={"password": ["***", "***"]},
    )


def _check_current_password(user: User, password: str | None) -> None:
    """The current password, guessed against the same per-username counter as logins: a
    stolen session must not be a way around the login throttle."""
    window, retry_after = throttle.window()
    key, limit = _throttle_keys(user.username, "")[0]
    key = f"{key}:{window}"
    if throttle.failure_counts([key]).get(key, 0) >= limit:
        raise Throttled("Too many wrong passwords; try again later.", retry_after=retry_after)
    if not (password and user.check_password(password)):
        throttle.count_failure([key], timeout=retry_after + 1)
        raise ValidationFailed(
            "The current password is wrong.",
            errors={"old_password": ["The current password is wrong."]},
        )


def user_set_role(*, actor: Actor, user: User, role: Role) -> User:
    """Assign a role. Demoting the last admin is refused."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if ROLE_RANK[Role(role)] < ROLE_RANK[Role.ADMIN] and not user.is_superuser:
            _ensure_admin_remains(user, "demote")
        if user.is_superuser and role != Role.ADMIN:
            raise Conflict(
                "A superuser is always an admin; clear the superuser flag in the admin first.",
                code="superuser_role",
            )
        old = user.role
        if old != role:
            user.role = role
            user.save(update_fields=["role"])
            changelog.record(
                actor=actor,
                action=changelog.Action.UPDATE,
                entity_type=changelog.EntityType.USER,
                entity_key=user.username,
                changes={"role": [old, str(role)]},
            )
    return user


ADMIN_FORM_FIELDS = ("username", *PROFILE_FIELDS, "role", "is_staff", "is_superuser")


def user_check_admin_change(*, user: User, role: str, is_active: bool, is_superuser: bool) -> None:
    """Refuse an edit that would leave no active admin (the admin's form calls this to show
    the refusal at the form, before anything is saved)."""
    if user.pk is None:
        return
    original = User.objects.get(pk=user.pk)
    stays_admin = is_active and (is_superuser or role == Role.ADMIN)
    if original.is_active and original.has_role(Role.ADMIN) and not stays_admin:
        _ensure_admin_remains(original, "demote or deactivate")


def user_save_from_admin(*, actor: Actor, user: User, created: bool) -> None:
    """Save a user edited in the Django admin, with the changelog entry the API would write."""
    with transaction.atomic():
        before = (
            {} if created else changelog.snapshot(User.objects.get(pk=user.pk), ADMIN_FORM_FIELDS)
        )
        user.save()
        changes = changelog.diff(before, changelog.snapshot(user, ADMIN_FORM_FIELDS))
        if changes:
            changelog.record(
                actor=actor,
                action=changelog.Action.CREATE if created else changelog.Action.UPDATE,
                entity_type=changelog.EntityType.USER,
                entity_key=user.username,
                changes=changes,
            )


def ensure_admin_account(*, username: str, password: str) -> tuple[User, bool]:
    """Create the first admin if no admin exists yet; returns (user, created)."""
    existing = User.objects.filter(is_superuser=True).order_by("pk").first()
    if existing:
        return existing, False
    with transaction.atomic():
        user = User(username=username, role=Role.ADMIN, is_staff=True, is_superuser=True)
        user.set_password(password)
        user.save()
        changelog.record(
            actor=Actor.system("setup"),
            action=changelog.Action.CREATE,
            entity_type=changelog.EntityType.USER,
            entity_key=username,
            changes={"role": [None, "admin"]},
        )
    return user, True


# API tokens -------------------------------------------------------------------------------


def api_token_create(
    *, actor: Actor, user: User, label: str, expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """Issue a token and return it with its secret, which is not stored and cannot be shown
    again."""
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationFailed(
            "The expiry must be in the future.", errors={"expires_at": ["Must be in the future."]}
        )
    secret = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    try:
        with transaction.atomic():
            token = ApiToken.objects.create(
                user=user,
                label=label,
                token_hash=hash_api_token(secret),
                hint=secret[len(API_TOKEN_PREFIX) : len(API_TOKEN_PREFIX) + 6],
                expires_at=expires_at,
            )
            changelog.record(
                actor=actor,
                action=changelog.Action.CREATE,
                entity_type=changelog.EntityType.API_TOKEN,
                entity_key=f"{user.username}/{label}",
                changes={
                    "label": [None, label],
                    "expires_at": [None, changelog.jsonable(expires_at)],
                },
            )
    except IntegrityError as exc:
        raise Conflict(
            f"You already have a token labelled {label!r}.",
            code="duplicate",
            errors={"label": ["A live token with this label exists."]},
        ) from exc
    return token, secret


def api_token_revoke(*, actor: Actor, user: User, label: str) -> ApiToken:
    """Revoke a user's live token by label; it stops working at once."""
    with transaction.atomic():
        token = (
            ApiToken.objects.select_for_update()
            .filter(user=user, label=label, revoked_at__isnull=True)
            .first()
        )
        if token is None:
            raise NotFound(f"No live token labelled {label!r}.")
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        changelog.record(
            actor=actor,
            action=changelog.Action.DELETE,
            entity_type=changelog.EntityType.API_TOKEN,
            entity_key=f"{user.username}/{label}",
        )
    return token


# Password login -----------------------------------------------------------------------------


def _throttle_keys(username: str, address: str) -> list[tuple[str, int]]:
    limits = settings.LOGIN_THROTTLE
    return [
        (f"login-fail:user:{username.lower()}", limits["per_username"]),
        (f"login-fail:addr:{address}", limits["per_address"]),
    ]


def login_with_password(*, username: str, password: str, address: str) -> User:
    """Check a username and password. Failed attempts are counted per username and per client
    address in fixed windows; past the limit every attempt is refused until the window ends.
    The counters live in the shared cache, or in process memory while it fails (``throttle``)."""
    window, retry_after = throttle.window()
    keys = [(f"{key}:{window}", limit) for key, limit in _throttle_keys(username, address)]
    counts = throttle.failure_counts([key for key, _ in keys])
    if any(counts.get(key, 0) >= limit for key, limit in keys):
        raise Throttled("Too many failed logins; try again later.", retry_after=retry_after)
    user = authenticate(username=username, password=password)
    if user is None:
        throttle.count_failure([key for key, _ in keys], timeout=retry_after + 1)
        # Inactive accounts land here too (ModelBackend refuses them): same answer, no hint.
        raise AuthenticationFailedError()
    return user


class AuthenticationFailedError(ValidationFailed):
    status_code = 401
    default_code = "invalid_credentials"

    def __init__(self) -> None:
        super().__init__("The username or password is wrong, or the account is disabled.")


def access_token(user: User) -> dict:
    """A short-lived Warecache JWT for ``user``, as every login answers it: password, OIDC
    callback and device flow."""
    token = AccessToken.for_user(user)
    lifetime = settings.SIMPLE_JWT["ACCESS_TOKEN_LIFETIME"]
    return {
        "access_token": str(token),
        "token_type": "Bearer",
        "expires_in": int(lifetime.total_seconds()),
    }


def resolve_user(username: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        raise NotFound(f"No user named {username!r}.")
    return user
