"""The actor behind a request: the signed-in user, or the user behind an API token."""

from rest_framework_simplejwt.tokens import Token

from config.core.actors import Actor

from .models import ApiToken


def actor_from_request(request) -> Actor:
    auth = getattr(request, "auth", None)
    if isinstance(auth, ApiToken):
        return Actor(
            kind="token", user=request.user, token_label=auth.label, name=request.user.username
        )
    if isinstance(auth, Token) or request.user.is_authenticated:
        return Actor.for_user(request.user)
    raise ValueError("An anonymous request has no actor")
