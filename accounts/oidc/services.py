"""Signing in through an OpenID provider: which Warecache account an identity is, linking and
unlinking identities, roles from claims, and the API's authorization code flow. The browser
login (``adapter.py``), the API views and the device flows all end in :func:`sign_in`.

The linking policy, in order:

1. an identity already linked (issuer + subject) is that user;
2. else, when the provider lists ``EMAIL_DOMAINS``, a *verified* email from one of them links
   to the one active account with that email, or (with ``CREATE_USERS``) creates a viewer;
3. else nothing is linked: :class:`IdentityNotLinked`. The person signs in with their password
   and links the identity from their account page, or an admin links it.

An identity is never linked by username or by an unverified email: both can be chosen by
whoever controls the provider account, which is how one account could take over another."""

import re
import secrets
import time

from django.db import IntegrityError, transaction
from django.utils import timezone

from config.core import changelog
from config.core.actors import Actor
from config.core.errors import Conflict, NotFound, ServiceError, ValidationFailed
from config.core.numbers import whole_number
from config.core.roles import ROLE_RANK, Role

from .. import throttle
from ..models import OidcIdentity, User
from ..services import save_password, user_create, user_set_role
from . import client
from .providers import Provider

# A login the API started and has not finished: what the callback needs, kept in the session.
PENDING_LOGINS = "oidc_pending_logins"
PENDING_LOGIN_SECONDS = 600
LOGIN_STARTS_PER_ADDRESS = 60
# The provider this browser session signed in through (Warecache's device page asks for it).
SESSION_PROVIDER = "oidc_signed_in_through"
USERNAME = re.compile(r"^[\w.@+-]{1,150}\Z")


class IdentityNotLinked(ServiceError):
    status_code = 403
    default_code = "identity_not_linked"

    def __init__(self, provider: Provider, claims: dict) -> None:
        self.provider = provider
        self.claims = claims
        who = claims.get("email") or claims.get("preferred_username") or claims["sub"]
        super().__init__(
            f"This {provider.name} account ({who}) is not linked to a Warecache account. Sign in "
            "with your password and link it from your account page, or ask an admin to link it."
        )


class AccountDisabled(ServiceError):
    status_code = 403
    default_code = "account_disabled"


def _email_is_verified(claims: dict) -> bool:
    # Some providers send the boolean as a string.
    return claims.get("email_verified") in (True, "true")


def _linkable_email(provider: Provider, claims: dict) -> str | None:
    email = claims.get("email")
    if not provider.email_domains or not isinstance(email, str) or "@" not in email:
        return None
    if not _email_is_verified(claims):
        return None
    domain = email.rsplit("@", 1)[1].lower()
    return email if domain in provider.email_domains else None


def _free_username(claims: dict) -> str:
    wanted = claims.get("preferred_username") or str(claims.get("email", "")).split("@")[0]
    base = wanted if isinstance(wanted, str) and USERNAME.match(wanted) else "user"
    base = base[:140]
    candidate, n = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _record_link(actor: Actor, identity: OidcIdentity, action=changelog.Action.CREATE) -> None:
    changelog.record(
        actor=actor,
        action=action,
        entity_type=changelog.EntityType.IDENTITY,
        entity_key=f"{identity.user.username}/{identity.provider}/{identity.pk}",
        changes={}
        if action == changelog.Action.DELETE
        else {"issuer": [None, identity.issuer], "subject": [None, identity.subject]},
    )


def check_linkable(provider: Provider, subject: object) -> str:
    """The subject, cleaned, if it can be linked: the provider's account id (1 to 255
    characters) not linked to anyone yet. Forms call this to refuse early; linking checks
    again inside its transaction."""
    subject = subject.strip() if isinstance(subject, str) else ""
    if not subject or len(subject) > 255 or "\x00" in subject:
        raise ValidationFailed(
            "The subject must be the provider's account id (1 to 255 characters).",
            errors={"subject": ["1 to 255 characters, no NUL."]},
        )
    if OidcIdentity.objects.filter(issuer=provider.issuer, subject=subject).exists():
        raise Conflict(
            f"This {provider.name} account is already linked to a user.", code="identity_linked"
        )
    return subject


def identity_link(
    *, actor: Actor, user: User, provider: Provider, subject: str, email: str = ""
) -> OidcIdentity:
    """Link the provider's account ``subject`` to ``user``. An identity linked to someone
    else is a 409: unlink it there first."""
    subject = check_linkable(provider, subject)
    try:
        with transaction.atomic():
            identity = OidcIdentity.objects.create(
                user=user,
                provider=provider.id,
                issuer=provider.issuer,
                subject=subject,
                email=(email or "")[:254],
            )
            _record_link(actor, identity)
    except IntegrityError as exc:
        owner = (
            OidcIdentity.objects.filter(issuer=provider.issuer, subject=subject)
            .values_list("user__username", flat=True)
            .first()
        )
        raise Conflict(
            f"This {provider.name} account is already linked to "
            f"{'this user' if owner == user.username else 'another user'}.",
            code="identity_linked",
        ) from exc
    return identity


def sign_in_methods(user: User) -> int:
    return int(user.has_usable_password()) + user.identities.count()


def identity_unlink(*, actor: Actor, user: User, method_id: str) -> None:
    """Remove one way of signing in: a linked identity (by id) or the password ("password").
    The last way a user can sign in is never removed (409)."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if method_id == "password":
            if not user.has_usable_password():
                raise NotFound("This user has no password.")
            target = None
        else:
            identity_id = whole_number(method_id, max_digits=18)
            target = user.identities.filter(pk=identity_id).first() if identity_id else None
            if target is None:
                raise NotFound(f"No sign-in method {method_id!r} for this user.")
        if sign_in_methods(user) <= 1:
            raise Conflict(
                "This is the last way this user can sign in; add another one first.",
                code="last_sign_in_method",
            )
        if target is None:
            save_password(actor=actor, user=user, password=None)
        else:
            target.user = user
            _record_link(actor, target, action=changelog.Action.DELETE)
            target.delete()


def apply_claimed_role(user: User, provider: Provider, claims: dict) -> User:
    """Set the role the provider's claims map to (the highest of them, or viewer when none
    map). Providers without a role mapping leave roles alone; so do superusers."""
    if not provider.roles_claim or user.is_superuser:
        return user
    values = claims.get(provider.roles_claim) or []
    if isinstance(values, str):
        values = values.split()
    if not isinstance(values, list):
        values = []
    mapped = [provider.roles[v] for v in values if isinstance(v, str) and v in provider.roles]
    role = max(mapped, key=ROLE_RANK.__getitem__, default=Role.VIEWER)
    if role == user.role:
        return user
    try:
        return user_set_role(actor=Actor.system(f"oidc:{provider.id}"), user=user, role=role)
    except Conflict:
        # The last admin keeps the role; the refusal is the changelog's silence.
        return user


def sign_in(*, provider: Provider, claims: dict) -> User:
    """The Warecache account for a validated ID token's claims, by the linking policy of this
    module; the identity's last login is stamped and the claimed role applied."""
    subject = claims["sub"]
    identity = (
        OidcIdentity.objects.select_related("user")
        .filter(issuer=provider.issuer, subject=subject)
        .first()
    )
    if identity is None:
        identity = _link_by_policy(provider, claims)
    user = identity.user
    if not user.is_active:
        raise AccountDisabled("This account is disabled.")
    email = claims.get("email") if isinstance(claims.get("email"), str) else identity.email
    OidcIdentity.objects.filter(pk=identity.pk).update(
        last_login_at=timezone.now(), email=(email or "")[:254]
    )
    return apply_claimed_role(user, provider, claims)


def _link_by_policy(provider: Provider, claims: dict) -> OidcIdentity:
    email = _linkable_email(provider, claims)
    if email is None:
        raise IdentityNotLinked(provider, claims)
    actor = Actor.system(f"oidc:{provider.id}")
    matches = list(User.objects.filter(email__iexact=email, is_active=True)[:2])
    if len(matches) == 1:
        return identity_link(
            actor=actor, user=matches[0], provider=provider, subject=claims["sub"], email=email
        )
    if matches or not provider.create_users:
        # Two accounts share the address: which one is meant is for an admin to say.
        raise IdentityNotLinked(provider, claims)
    with transaction.atomic():
        user = user_create(
            actor=actor,
            username=_free_username(claims),
            password=None,
            email=email,
            first_name=str(claims.get("given_name") or "")[:150],
            last_name=str(claims.get("family_name") or "")[:150],
        )
        return identity_link(
            actor=actor, user=user, provider=provider, subject=claims["sub"], email=email
        )


# The API's authorization code flow --------------------------------------------------------


def begin_login(session, provider: Provider, *, redirect_uri: str, address: str) -> dict:
    """Start an authorization code flow with PKCE for an API client: the state, nonce and
    code verifier stay in this browser session; the client sends the user to the URL. Each
    start may make a session row, so one client address starts a limited number per window."""
    if redirect_uri not in provider.redirect_uris:
        allowed = ", ".join(provider.redirect_uris) or "none is configured"
        raise ValidationFailed(
            f"redirect_uri is not one this provider's API clients may use ({allowed}).",
            errors={"redirect_uri": ["Not an allowed redirect URI."]},
        )
    throttle.count_start(
        f"oidc-login-start:addr:{address}",
        limit=LOGIN_STARTS_PER_ADDRESS,
        refusal="Too many sign-ins started from this address; try again later.",
    )
    state, nonce = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    verifier, challenge = client.pkce_pair()
    url = client.authorization_url(
        provider, redirect_uri=redirect_uri, state=state, nonce=nonce, code_challenge=challenge
    )
    now = time.time()
    pending = {
        key: value
        for key, value in session.get(PENDING_LOGINS, {}).items()
        if value["expires"] > now
    }
    # A handful at once is plenty (several tabs); more is someone filling the session.
    while len(pending) >= 5:
        pending.pop(min(pending, key=lambda key: pending[key]["expires"]))
    pending[state] = {
        "provider": provider.id,
        "nonce": nonce,
        "verifier": verifier,
        "redirect_uri": redirect_uri,
        "expires": now + PENDING_LOGIN_SECONDS,
    }
    session[PENDING_LOGINS] = pending
    return {"authorization_url": url, "state": state, "expires_in": PENDING_LOGIN_SECONDS}


def finish_login(session, provider: Provider, *, code: str, state: str) -> User:
    """Finish a flow :func:`begin_login` started in this session: the state must be one it
    handed out (once), the code is redeemed with its verifier, the ID token checked against
    its nonce, and the identity resolved by the linking policy."""
    pending = dict(session.get(PENDING_LOGINS, {}))
    login = pending.pop(state, None) if isinstance(state, str) else None
    session[PENDING_LOGINS] = pending
    if login is None or login["provider"] != provider.id:
        raise client.OidcRefused(
            "The state does not match a login this session started (or it was used already).",
            code="state_mismatch",
        )
    if login["expires"] <= time.time():
        raise client.OidcRefused("This login took too long; start again.", code="login_expired")
    tokens = client.exchange_code(
        provider, code=code, redirect_uri=login["redirect_uri"], code_verifier=login["verifier"]
    )
    claims = client.validate_id_token(provider, tokens.get("id_token"), nonce=login["nonce"])
    return sign_in(provider=provider, claims=claims)
