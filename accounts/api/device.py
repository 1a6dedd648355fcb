"""PLACEHOLDER (being written): the device flow's API endpoints."""

from rest_framework.response import Response
from rest_framework.views import APIView


class DeviceAuthorizationView(APIView):
    public_actions = ("post", "options")
    authentication_classes: list = []

    def post(self, request, provider):
        return Response(status=501)


class DeviceTokenView(APIView):
    public_actions = ("post", "options")
    authentication_classes: list = []

    def post(self, request, provider):
        return Response(status=501)
