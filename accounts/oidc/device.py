"""The device flow (RFC 8628) for CLIs and scanners without a keyboard: the device starts a
sign-in, shows a user code and a URL, and polls until a person approved it in a browser.

Served by the provider when it offers the device grant (Warecache starts and polls it there,
then resolves the ID token's identity by the linking policy of ``services``), or by Warecache
itself (a :class:`~accounts.models.DeviceAuthorization` row, approved on the ``/device`` page
by a person who signed in through that provider). Either way the device ends with a Warecache
JWT, and every refusal is one of RFC 8628's codes (3.5) in the API's error shape."""

import hashlib
import logging
import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone

from config.core import changelog
from config.core.actors import Actor
from config.core.errors import Conflict, NotFound, ServiceError, Throttled, ValidationFailed

from .. import throttle
from ..models import DeviceAuthorization, User
from . import client, providers, services
from .client import OidcRefused
from .providers import Provider, ProviderUnavailable, device_flow_served_by, discovery

logger = logging.getLogger(__name__)

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
# RFC 8628 6.1: twenty consonants, no vowels (no words), none that look alike.
USER_CODE_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ"
USER_CODE_LENGTH = 8
USER_CODE = re.compile(rf"^[{USER_CODE_ALPHABET}]{{{USER_CODE_LENGTH}}}\Z")
# RFC 8628 3.5: each slow_down adds 5 seconds to the interval.
SLOW_DOWN_STEP = 5
# Rows stay a day past their expiry, so a late poll still hears expired_token, not "unknown".
KEEP_EXPIRED_FOR = timedelta(days=1)
# Warecache-served sign-ins one client address may start per login-throttle window: each is a
# row, and anyone may start one.
STARTS_PER_ADDRESS = 60

ERROR_TEXT = {
    "authorization_pending": "Waiting for the person to approve this device; poll again.",
    "slow_down": "Polling too fast: wait the new interval between polls.",
    "expired_token": "This device sign-in has expired; start a new one.",
    "access_denied": "The person denied this device sign-in.",
    "invalid_grant": "This device code is unknown or was already used.",
}


class DeviceFlowOff(NotFound):
    default_code = "device_flow_off"


class WrongProvider(ServiceError):
    """The person approving did not sign in through the device's provider."""

    status_code = 403
    default_code = "provider_sign_in_required"


def _refusal(code: str, *, detail: str | None = None, **extra) -> OidcRefused:
    return OidcRefused(detail or ERROR_TEXT[code], code=code, extra=extra or None)


def _digest(device_code: str) -> str:
    return hashlib.sha256(device_code.encode("utf-8", "surrogatepass")).hexdigest()


def format_user_code(user_code: str) -> str:
    """XXXX-XXXX, as people read and type it."""
    half = USER_CODE_LENGTH // 2
    return f"{user_code[:half]}-{user_code[half:]}"


def normalise_user_code(text: str) -> str:
    """What a person typed, without case, spaces or dashes: ``bcdf-ghjk`` is ``BCDFGHJK``."""
    return re.sub(r"[\s\-\u2010-\u2015]", "", text or "").upper()


def _served_by(provider: Provider) -> str:
    served_by = device_flow_served_by(provider)
    if served_by is None:
        raise DeviceFlowOff(f"The device flow is off for {provider.name}.")
    return served_by


# Starting ------------------------------------------------------------------------------------


def device_flow_start(*, provider: Provider, page_url: str, address: str) -> dict:
    """Start a device sign-in through ``provider``: at the provider when it serves the device
    grant, else here (``page_url`` is the absolute URL of Warecache's ``/device`` page).
    Returns the device code, the user code, where to enter it, its lifetime and the polling
    interval, and who serves it."""
    if _served_by(provider) == "provider":
        return {**_provider_start(provider), "served_by": "provider"}
    return {**_warecache_start(provider, page_url, address), "served_by": "warecache"}


def _provider_start(provider: Provider) -> dict:
    endpoint = discovery(provider).get("device_authorization_endpoint")
    if not isinstance(endpoint, str):
        raise ProviderUnavailable(
            f"{provider.name} does not offer the device grant; set its DEVICE_FLOW to "
            "warecache or auto."
        )
    try:
        answer = client.provider_post(provider, endpoint, {"scope": " ".join(provider.scopes)})
    except OidcRefused as exc:
        # The device cannot fix what the provider refuses here (Warecache's client): a 502.
        raise ProviderUnavailable(
            f"{provider.name} refused to start a device sign-in: {exc.detail}"
        ) from exc
    # Some providers (Google's) say verification_url.
    uri = answer.get("verification_uri") or answer.get("verification_url")
    fields = (answer.get("device_code"), answer.get("user_code"), uri)
    if not all(isinstance(value, str) and value for value in fields):
        raise ProviderUnavailable(f"{endpoint} did not answer a device authorization.")
    complete = answer.get("verification_uri_complete")
    interval = _seconds(answer.get("interval"), settings.OIDC_DEVICE_POLL_INTERVAL)
    expires_in = _seconds(
        answer.get("expires_in"), int(settings.OIDC_DEVICE_CODE_LIFETIME.total_seconds())
    )
    _remember_interval(answer["device_code"], interval, expires_in)
    return {
        "device_code": answer["device_code"],
        "user_code": answer["user_code"],
        "verification_uri": uri,
        "verification_uri_complete": complete if isinstance(complete, str) else None,
        "expires_in": expires_in,
        "interval": interval,
    }


def _seconds(value: object, default: int) -> int:
    return (
        value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else default
    )


# The provider counts the interval itself; Warecache only remembers it to tell the device the
# new one after a slow_down. The cache may forget (or fail): the device then hears the base
# interval plus the step, which is still slower than before.
def _interval_key(device_code: str) -> str:
    return f"device-interval:{_digest(device_code)}"


def _remember_interval(device_code: str, interval: int, timeout: int) -> None:
    try:
        cache.set(_interval_key(device_code), interval, timeout=timeout)
    except Exception as exc:
        logger.warning("Cannot remember a device's polling interval: %s", exc)


def _slower_interval(device_code: str) -> int:
    try:
        interval = cache.get(_interval_key(device_code))
    except Exception as exc:
        logger.warning("Cannot read a device's polling interval: %s", exc)
        interval = None
    slower = (interval or settings.OIDC_DEVICE_POLL_INTERVAL) + SLOW_DOWN_STEP
    _remember_interval(device_code, slower, int(settings.OIDC_DEVICE_CODE_LIFETIME.total_seconds()))
    return slower


def _limit_starts(address: str) -> None:
    throttle.count_start(
        f"device-start:addr:{address}",
        limit=STARTS_PER_ADDRESS,
        refusal="Too many device sign-ins started from this address; try again later.",
    )


def _warecache_start(provider: Provider, page_url: str, address: str) -> dict:
    _limit_starts(address)
    device_code = secrets.token_urlsafe(32)
    lifetime = settings.OIDC_DEVICE_CODE_LIFETIME
    interval = settings.OIDC_DEVICE_POLL_INTERVAL
    for _attempt in range(5):
        user_code = "".join(secrets.choice(USER_CODE_ALPHABET) for _ in range(USER_CODE_LENGTH))
        try:
            with transaction.atomic():
                DeviceAuthorization.objects.create(
                    provider=provider.id,
                    device_code_hash=_digest(device_code),
                    user_code=user_code,
                    expires_at=timezone.now() + lifetime,
                    interval=interval,
                )
            break
        except IntegrityError:
            continue  # a user code in use (20^8 of them: rare); draw another
    else:
        raise Conflict("No free user code was found; try again.", code="user_code_exhausted")
    shown = format_user_code(user_code)
    return {
        "device_code": device_code,
        "user_code": shown,
        "verification_uri": page_url,
        "verification_uri_complete": f"{page_url}?user_code={shown}",
        "expires_in": int(lifetime.total_seconds()),
        "interval": interval,
    }


# Polling -------------------------------------------------------------------------------------


def device_flow_poll(*, provider: Provider, device_code: str) -> User:
    """The user a device sign-in ended in, once approved; until then the RFC 8628 refusal
    (``OidcRefused`` with code authorization_pending, slow_down with the new ``interval``,
    expired_token, access_denied, or invalid_grant for a code unknown or already used)."""
    if _served_by(provider) == "provider":
        return _provider_poll(provider, device_code)
    return _warecache_poll(provider, device_code)


def _provider_poll(provider: Provider, device_code: str) -> User:
    try:
        tokens = client.provider_post(
            provider,
            discovery(provider)["token_endpoint"],
            {"grant_type": DEVICE_GRANT, "device_code": device_code},
        )
    except OidcRefused as exc:
        if exc.code == "slow_down":
            raise _refusal("slow_down", interval=_slower_interval(device_code)) from exc
        if exc.code in ERROR_TEXT:
            raise _refusal(exc.code) from exc
        raise
    claims = client.validate_id_token(provider, tokens.get("id_token"))
    return services.sign_in(provider=provider, claims=claims)


def _warecache_poll(provider: Provider, device_code: str) -> User:
    now = timezone.now()
    # The refusal is raised after the transaction: what it records (the poll's time, a
    # longer interval) must be committed, not rolled back with it.
    with transaction.atomic():
        row = (
            DeviceAuthorization.objects.select_for_update()
            .filter(device_code_hash=_digest(device_code), provider=provider.id)
            .first()
        )
        refusal, user = _poll(row, now)
    if refusal is not None:
        raise refusal
    if not user.is_active:
        raise services.AccountDisabled("This account is disabled.")
    return user


def _poll(row: DeviceAuthorization | None, now) -> tuple[OidcRefused | None, User | None]:
    Status = DeviceAuthorization.Status
    if row is None or row.status == Status.USED:
        return _refusal("invalid_grant"), None
    if row.expires_at <= now:
        return _refusal("expired_token"), None
    if row.status == Status.DENIED:
        return _refusal("access_denied"), None
    polled_too_soon = row.last_polled_at is not None and now - row.last_polled_at < timedelta(
        seconds=row.interval
    )
    row.last_polled_at = now
    if row.status == Status.APPROVED:
        # Single use: the row is spent before the token leaves.
        row.status = Status.USED
        row.save(update_fields=["status", "last_polled_at"])
        return None, User.objects.get(pk=row.user_id)
    if polled_too_soon:
        row.interval += SLOW_DOWN_STEP
        row.save(update_fields=["interval", "last_polled_at"])
        return _refusal("slow_down", interval=row.interval), None
    row.save(update_fields=["last_polled_at"])
    return _refusal("authorization_pending"), None


# Approving on Warecache's page ---------------------------------------------------------------


def device_authorization_find(*, user: User, user_code: str, address: str) -> DeviceAuthorization:
    """The device sign-in waiting for ``user_code`` (any case, spaces and dash ignored). Wrong
    codes are counted per user and per client address; past OIDC_DEVICE_CODE_ATTEMPTS in a
    login-throttle window every code is refused (429), the right one too, so the codes cannot
    be guessed."""
    code = normalise_user_code(user_code)
    if not code:
        raise ValidationFailed(
            "Enter the code your device shows.", errors={"user_code": ["This field is required."]}
        )
    window, retry_after = throttle.window()
    keys = [
        f"device-code-fail:user:{user.pk}:{window}",
        f"device-code-fail:addr:{address}:{window}",
    ]
    counts = throttle.failure_counts(keys)
    if any(counts.get(key, 0) >= settings.OIDC_DEVICE_CODE_ATTEMPTS for key in keys):
        raise Throttled("Too many wrong codes; try again later.", retry_after=retry_after)
    found = (
        DeviceAuthorization.objects.filter(
            user_code=code,
            status=DeviceAuthorization.Status.PENDING,
            expires_at__gt=timezone.now(),
        ).first()
        if USER_CODE.match(code)
        else None
    )
    if found is None:
        throttle.count_failure(keys, timeout=retry_after + 1)
        raise NotFound(
            "No device is waiting for this code: check it, or start again on the device.",
            code="unknown_user_code",
            errors={"user_code": ["Unknown or expired code."]},
        )
    return found


def signed_in_through(request_provider: str | None, user: User, provider: Provider) -> bool:
    """Whether a session signed in through ``provider`` (its SESSION_PROVIDER) as a user whose
    identity there is still linked."""
    return (
        request_provider == provider.id and user.identities.filter(issuer=provider.issuer).exists()
    )


def device_authorization_decide(
    *,
    user: User,
    user_code: str,
    approve: bool,
    session_provider: str | None,
    address: str,
) -> DeviceAuthorization:
    """Approve or deny the device sign-in waiting for ``user_code`` as ``user``, whose session
    (``session_provider``: its SESSION_PROVIDER) must have signed in through the device's
    provider, so the identity the device gets is one the linking policy resolved. A code
    already decided or expired is a 409."""
    row = device_authorization_find(user=user, user_code=user_code, address=address)
    provider = providers.get(row.provider)
    if not signed_in_through(session_provider, user, provider):
        raise WrongProvider(
            f"Sign in through {provider.name} first: only a session signed in there may "
            "approve this device."
        )
    Status = DeviceAuthorization.Status
    status = Status.APPROVED if approve else Status.DENIED
    with transaction.atomic():
        row = DeviceAuthorization.objects.select_for_update().get(pk=row.pk)
        if row.status != Status.PENDING or row.is_expired:
            raise Conflict(
                "This device sign-in was already decided, or has expired.",
                code="device_authorization_closed",
            )
        row.status, row.user, row.decided_at = status, user, timezone.now()
        row.save(update_fields=["status", "user", "decided_at"])
        changelog.record(
            actor=Actor.for_user(user),
            action=changelog.Action.UPDATE,
            entity_type=changelog.EntityType.DEVICE_AUTHORIZATION,
            entity_key=f"{row.provider}/{format_user_code(row.user_code)}",
            changes={"status": [Status.PENDING.value, status.value]},
        )
    return row


def device_authorization_prune(*, now=None) -> int:
    """Forget Warecache-served device sign-ins a day past their expiry."""
    cutoff = (now or timezone.now()) - KEEP_EXPIRED_FOR
    deleted, _ = DeviceAuthorization.objects.filter(expires_at__lt=cutoff).delete()
    return deleted
