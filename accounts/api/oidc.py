"""The API's OpenID Connect endpoints (seed 000, Authentication): the authorization code
flow for API clients. The device flow is in ``device.py``; the login methods in ``views.py``."""

from django.contrib.auth import login
from django.http import HttpResponseRedirect
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from config.core.schema import errors

from .. import services
from ..authentication import client_address
from ..oidc import providers
from ..oidc import services as oidc
from . import serializers as s

SESSION_BACKEND = "django.contrib.auth.backends.ModelBackend"


class OidcLoginView(APIView):
    public_actions = ("get", "options")
    authentication_classes: list = []

    @extend_schema(
        operation_id="auth_oidc_login",
        parameters=[
            OpenApiParameter(
                "redirect_uri",
                str,
                required=True,
                description="Where the provider sends the user back with `code` and `state`: "
                "one of the provider's OIDC_<ID>_REDIRECT_URIS.",
            )
        ],
        responses={
            302: OpenApiResponse(description="To the provider's authorization page."),
            200: OpenApiResponse(
                s.OidcLoginStartSerializer,
                description="With `Accept: application/json`: the URL to send the user to.",
            ),
            **errors(400, 404, 429, 502),
        },
        auth=[],
        summary="Start an OpenID Connect login (authorization code with PKCE) for an API "
        "client; state, nonce and PKCE verifier are bound to this session's cookie.",
    )
    def get(self, request, provider):
        config = providers.get(provider)  # an unknown provider is a 404 whatever else is sent
        params = s.OidcLoginParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        started = oidc.begin_login(
            request.session,
            config,
            redirect_uri=params.validated_data["redirect_uri"],
            address=client_address(request),
        )
        if "application/json" in request.headers.get("Accept", ""):
            return Response(s.OidcLoginStartSerializer(started).data)
        return HttpResponseRedirect(started["authorization_url"])


class OidcCallbackView(APIView):
    public_actions = ("post", "options")
    authentication_classes: list = []
    throttle_classes: list = []

    @extend_schema(
        operation_id="auth_oidc_callback",
        request=s.OidcCallbackSerializer,
        responses={200: s.LoginResponseSerializer, **errors(400, 403, 404, 502)},
        auth=[],
        summary="Finish an OpenID Connect login this session started: redeems the code, "
        "checks the ID token and returns a Warecache JWT (and signs the session in when asked).",
    )
    def post(self, request, provider):
        data = s.OidcCallbackSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        config = providers.get(provider)
        user = oidc.finish_login(
            request.session,
            config,
            code=data.validated_data["code"],
            state=data.validated_data["state"],
        )
        if data.validated_data["session"]:
            login(request, user, backend=SESSION_BACKEND)
            request.session[oidc.SESSION_PROVIDER] = config.id
        return Response(services.access_token(user))
