from django.urls import path

from . import device, oidc, views

users = views.UserViewSet
tokens = views.ApiTokenViewSet

urlpatterns = [
    path("users", users.as_view({"get": "list", "post": "create"}), name="user-list"),
    path(
        "users/<str:uname>",
        users.as_view({"get": "retrieve", "put": "update", "delete": "destroy"}),
        name="user-detail",
    ),
    path("users/<str:uname>/passwd", users.as_view({"put": "passwd"}), name="user-passwd"),
    path("users/<str:uname>/role", users.as_view({"put": "role"}), name="user-role"),
    path(
        "users/<str:uname>/auth-methods",
        # A whole list of one user's methods: no page, no filters (initkwargs, so that the
        # schema knows it too).
        users.as_view(
            {"get": "auth_methods", "post": "auth_method_link"},
            pagination_class=None,
            filter_backends=[],
        ),
        name="user-auth-methods",
    ),
    path(
        "users/<str:uname>/auth-methods/<str:method_id>",
        users.as_view({"delete": "auth_method_unlink"}),
        name="user-auth-method",
    ),
    path("tokens", tokens.as_view({"get": "list", "post": "create"}), name="token-list"),
    path("tokens/<str:label>", tokens.as_view({"delete": "destroy"}), name="token-detail"),
]

auth_urlpatterns = [
    path("login", views.LoginView.as_view(), name="auth-login"),
    path("methods", views.AuthMethodsView.as_view(), name="auth-methods"),
    path("oidc/<str:provider>/login", oidc.OidcLoginView.as_view(), name="auth-oidc-login"),
    path(
        "oidc/<str:provider>/callback", oidc.OidcCallbackView.as_view(), name="auth-oidc-callback"
    ),
    path(
        "oidc/<str:provider>/device",
        device.DeviceAuthorizationView.as_view(),
        name="auth-oidc-device",
    ),
    path(
        "oidc/<str:provider>/device/token",
        device.DeviceTokenView.as_view(),
        name="auth-oidc-device-token",
    ),
]
