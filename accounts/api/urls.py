from django.urls import path

from . import views

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
        users.as_view({"get": "auth_methods"}, pagination_class=None, filter_backends=[]),
        name="user-auth-methods",
    ),
    path("tokens", tokens.as_view({"get": "list", "post": "create"}), name="token-list"),
    path("tokens/<str:label>", tokens.as_view({"delete": "destroy"}), name="token-detail"),
]

auth_urlpatterns = [
    path("login", views.LoginView.as_view(), name="auth-login"),
    path("methods", views.AuthMethodsView.as_view(), name="auth-methods"),
]
