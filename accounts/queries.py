from django.urls import reverse

from .models import ApiToken, OidcIdentity, User
from .oidc import providers


def users():
    return User.objects.order_by("username")


def live_tokens(user: User):
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).select_related("user")


def identities(user: User):
    return OidcIdentity.objects.filter(user=user).order_by("provider", "linked_at")


def identity_method(identity: OidcIdentity) -> dict:
    """A linked identity as a sign-in method (one row of :func:`auth_methods`)."""
    return {
        "id": str(identity.pk),
        "kind": "oidc",
        "provider": identity.provider,
        "identifier": identity.email or identity.subject,
        "issuer": identity.issuer,
        "subject": identity.subject,
        "linked_at": identity.linked_at,
        "last_login_at": identity.last_login_at,
        "enabled": True,
    }


def auth_methods(user: User) -> list[dict]:
    """The ways this user can sign in: the password, then each linked identity."""
    methods = [
        {
            "id": "password",
            "kind": "password",
            "provider": None,
            "identifier": user.username,
            "issuer": None,
            "subject": None,
            "linked_at": None,
            "last_login_at": None,
            "enabled": user.has_usable_password(),
        }
    ]
    methods.extend(identity_method(identity) for identity in identities(user))
    return methods


def login_methods() -> dict:
    """What ``GET /auth/methods`` answers: the password, and each OpenID provider."""
    listed = []
    for provider in providers.configured():
        try:
            device_flow = providers.device_flow_served_by(provider)
        except providers.ProviderUnavailable:
            # A provider that is down still gets its button; its device flow is unknown.
            device_flow = None
        listed.append(
            {
                "id": provider.id,
                "name": provider.name,
                "issuer": provider.issuer,
                "login_url": reverse("openid_connect_login", kwargs={"provider_id": provider.id}),
                "api_login_url": reverse("auth-oidc-login", kwargs={"provider": provider.id}),
                "device_flow": device_flow,
            }
        )
    return {"password": True, "oidc": listed}
