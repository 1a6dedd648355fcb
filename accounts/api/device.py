"""The device flow's API endpoints (RFC 8628): start a sign-in, then poll for its token. The
flow itself, at the provider or served by Warecache, is ``accounts.oidc.device``."""

from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from config.core import qr
from config.core.schema import errors

from .. import services
from ..authentication import client_address
from ..oidc import device, providers
from . import serializers as s


class DeviceAuthorizationView(APIView):
    public_actions = ("post", "options")
    authentication_classes: list = []
    throttle_classes: list = []

    @extend_schema(
        operation_id="auth_oidc_device",
        request=None,
        responses={200: s.DeviceAuthorizationSerializer, **errors(404, 429, 502)},
        auth=[],
        summary="Start a device sign-in (RFC 8628) through this provider: show the person the "
        "user code and the verification URL (or its QR code), then poll …/device/token.",
        description="When the provider offers the device grant it serves the flow "
        "(`served_by: provider`); otherwise Warecache does, and the person approves the code "
        "on Warecache's `/device` page after signing in through the provider. 404 with code "
        "`device_flow_off` when the provider's DEVICE_FLOW is off.",
    )
    def post(self, request, provider):
        started = device.device_flow_start(
            provider=providers.get(provider),
            page_url=request.build_absolute_uri(reverse("device")),
            address=client_address(request),
        )
        shown = started["verification_uri_complete"] or started["verification_uri"]
        body = {**started, "verification_uri_qr_svg": qr.qr_svg_inline(shown, scale=4)}
        return Response(s.DeviceAuthorizationSerializer(body).data)


class DeviceTokenView(APIView):
    public_actions = ("post", "options")
    authentication_classes: list = []
    throttle_classes: list = []
    # A form body too: RFC 8628 clients poll token endpoints with form-encoded parameters.
    parser_classes = [JSONParser, FormParser]

    @extend_schema(
        operation_id="auth_oidc_device_token",
        request=s.DeviceTokenRequestSerializer,
        responses={
            200: s.LoginResponseSerializer,
            400: OpenApiResponse(
                s.DeviceTokenErrorSerializer,
                description="Not yet, or never: `code` says which (RFC 8628 3.5): "
                "`authorization_pending`, `slow_down` (with the new `interval`), "
                "`expired_token`, `access_denied`, `invalid_grant`.",
            ),
            **errors(403, 404, 502),
        },
        auth=[],
        summary="Poll a device sign-in: a Warecache JWT once the person approved it.",
        description="403 `identity_not_linked` when the provider account that approved is not "
        "linked to a Warecache account (see the linking policy).",
    )
    def post(self, request, provider):
        data = s.DeviceTokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = device.device_flow_poll(
            provider=providers.get(provider), device_code=data.validated_data["device_code"]
        )
        return Response(services.access_token(user))
