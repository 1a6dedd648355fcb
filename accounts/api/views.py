from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.actors import actor_from_request
from config.core.errors import NotFound
from config.core.roles import Role
from config.core.schema import errors

from .. import queries, services
from ..authentication import client_address
from ..models import ApiToken, User
from ..oidc import providers
from ..oidc import services as oidc
from . import serializers as s
from .filters import UserFilter


class LoginView(APIView):
    public_actions = ("post", "options")
    authentication_classes: list = []
    throttle_classes: list = []

    @extend_schema(
        operation_id="auth_login",
        request=s.LoginSerializer,
        responses={200: s.LoginResponseSerializer, **errors(400, 401, 429)},
        auth=[],
        summary="Log in with username and password; returns a short-lived JWT.",
    )
    def post(self, request):
        data = s.LoginSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.login_with_password(
            username=data.validated_data["username"],
            password=data.validated_data["password"],
            address=client_address(request),
        )
        return Response(services.access_token(user))


class AuthMethodsView(APIView):
    public_actions = ("get", "options")
    authentication_classes: list = []

    @extend_schema(
        operation_id="auth_methods",
        responses={200: s.AuthMethodsSerializer},
        auth=[],
        summary="The login methods this server accepts.",
    )
    def get(self, request):
        return Response(s.AuthMethodsSerializer(queries.login_methods()).data)


class UserViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    lookup_field = "username"
    lookup_url_kwarg = "uname"
    serializer_class = s.UserSerializer
    search_fields = ["username", "email", "first_name", "last_name"]
    filterset_class = UserFilter
    required_roles = {
        "list": Role.ADMIN,
        "create": Role.ADMIN,
        "retrieve": Role.ADMIN,
        "update": Role.ADMIN,
        "destroy": Role.ADMIN,
        "passwd": Role.ADMIN,
        "role": Role.ADMIN,
        "auth_methods": Role.ADMIN,
        "auth_method_link": Role.ADMIN,
        "auth_method_unlink": Role.ADMIN,
    }
    # Linking needs proof that the identity is yours: people link their own from the account
    # page, after signing in at the provider; over the API only an admin links.
    self_service_actions = ("retrieve", "update", "passwd", "auth_methods", "auth_method_unlink")

    def get_queryset(self):
        return queries.users()

    def is_self(self, request, obj) -> bool:
        return obj.pk == request.user.pk

    @extend_schema(
        operation_id="users_list",
        responses={200: s.UserSerializer(many=True), **errors(401, 403)},
        summary="All users (admins only).",
    )
    def list(self, request):
        return super().list(request)

    @extend_schema(
        operation_id="users_retrieve",
        responses={200: s.UserSerializer, **errors(401, 403, 404)},
        summary="A user: yourself, or anyone as an admin.",
    )
    def retrieve(self, request, uname):
        return super().retrieve(request, uname=uname)

    @extend_schema(
        operation_id="users_create",
        request=s.UserCreateSerializer,
        responses={201: s.UserSerializer, **errors(400, 401, 403, 409)},
    )
    def create(self, request):
        data = s.UserCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.user_create(actor=actor_from_request(request), **data.validated_data)
        return Response(s.UserSerializer(user).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="users_update",
        request=s.UserUpdateSerializer,
        responses={200: s.UserSerializer, **errors(400, 401, 403, 404, 409)},
        summary="Edit a user; fields left out keep their values. Only admins change is_active.",
    )
    def update(self, request, uname):
        user = self.get_object()
        data = s.UserUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        if "is_active" in fields and not request.user.has_role(Role.ADMIN):
            self.permission_denied(request, message="Only an admin can (de)activate accounts.")
        user = services.user_update(actor=actor_from_request(request), user=user, **fields)
        return Response(s.UserSerializer(user).data)

    @extend_schema(operation_id="users_delete", responses={204: None, **errors(401, 403, 404, 409)})
    def destroy(self, request, uname):
        user = self.get_object()
        services.user_delete(actor=actor_from_request(request), user=user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        operation_id="users_passwd",
        request=s.PasswordChangeSerializer,
        responses={204: None, **errors(400, 401, 403, 404, 429)},
        summary="Change a password: your own (old password required) or anyone's as an admin.",
    )
    @action(detail=True, methods=["put"])
    def passwd(self, request, uname):
        user = self.get_object()
        data = s.PasswordChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.user_set_password(
            actor=actor_from_request(request), user=user, **data.validated_data
        )
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        operation_id="users_role",
        request=s.RoleAssignSerializer,
        responses={200: s.UserSerializer, **errors(400, 401, 403, 404, 409)},
    )
    @action(detail=True, methods=["put"])
    def role(self, request, uname):
        user = self.get_object()
        data = s.RoleAssignSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.user_set_role(
            actor=actor_from_request(request), user=user, role=Role(data.validated_data["role"])
        )
        return Response(s.UserSerializer(user).data)

    @extend_schema(
        operation_id="users_auth_methods",
        responses={200: s.AuthMethodSerializer(many=True), **errors(401, 403, 404)},
    )
    @action(detail=True, methods=["get"], url_path="auth-methods")
    def auth_methods(self, request, uname):
        user = self.get_object()
        return Response(s.AuthMethodSerializer(queries.auth_methods(user), many=True).data)

    @extend_schema(
        operation_id="users_auth_methods_link",
        request=s.AuthMethodLinkSerializer,
        responses={201: s.AuthMethodSerializer, **errors(400, 401, 403, 404, 409)},
        summary="Link an OpenID identity (provider + subject) to a user (admins only).",
    )
    def auth_method_link(self, request, uname):
        user = self.get_object()
        data = s.AuthMethodLinkSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        identity = oidc.identity_link(
            actor=actor_from_request(request),
            user=user,
            provider=providers.get(data.validated_data["provider"]),
            subject=data.validated_data["subject"],
            email=data.validated_data["email"],
        )
        return Response(
            s.AuthMethodSerializer(queries.identity_method(identity)).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        operation_id="users_auth_methods_unlink",
        responses={204: None, **errors(401, 403, 404, 409)},
        summary="Remove a sign-in method: a linked identity, or the password (`password`). "
        "The last one a user has is refused (409).",
    )
    def auth_method_unlink(self, request, uname, method_id):
        user = self.get_object()
        oidc.identity_unlink(actor=actor_from_request(request), user=user, method_id=method_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


USER_PARAM = OpenApiParameter(
    "user", str, description="Admins only: act on another user's tokens (username)."
)


class ApiTokenViewSet(viewsets.GenericViewSet):
    serializer_class = s.ApiTokenSerializer
    queryset = ApiToken.objects.none()  # for the schema only; tokens are read via queries
    lookup_field = "label"
    required_roles = {"list": Role.VIEWER, "create": Role.VIEWER, "destroy": Role.VIEWER}
    pagination_class = None

    def _owner(self, request) -> User:
        username = request.query_params.get("user")
        if not username or username == request.user.username:
            return request.user
        if not request.user.has_role(Role.ADMIN):
            self.permission_denied(request, message="Only an admin can manage others' tokens.")
        return services.resolve_user(username)

    @extend_schema(
        operation_id="tokens_list",
        parameters=[USER_PARAM],
        responses={200: s.ApiTokenSerializer(many=True), **errors(401, 403, 404)},
        summary="Live API tokens of the current user (never their secrets).",
    )
    def list(self, request):
        tokens = queries.live_tokens(self._owner(request))
        return Response(s.ApiTokenSerializer(tokens, many=True).data)

    @extend_schema(
        operation_id="tokens_create",
        parameters=[USER_PARAM],
        request=s.ApiTokenCreateSerializer,
        responses={201: s.ApiTokenCreatedSerializer, **errors(400, 401, 403, 404, 409)},
        summary="Create an API token; the secret is in this response only.",
    )
    def create(self, request):
        owner = self._owner(request)
        data = s.ApiTokenCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        token, secret = services.api_token_create(
            actor=actor_from_request(request), user=owner, **data.validated_data
        )
        body = s.ApiTokenSerializer(token).data | {"token": secret}
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="tokens_revoke",
        parameters=[USER_PARAM],
        responses={204: None, **errors(401, 403, 404)},
    )
    def destroy(self, request, label):
        owner = self._owner(request)
        if not label:
            raise NotFound("No token label given.")
        services.api_token_revoke(actor=actor_from_request(request), user=owner, label=label)
        return Response(status=status.HTTP_204_NO_CONTENT)
