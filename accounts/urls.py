"""The browser UI of accounts (the API is in ``api/urls.py``). No trailing slashes, as in the
API (APPEND_SLASH is off). The home page is inventory's dashboard, wired in ``config/urls.py``."""

from django.contrib.auth import views as auth_views
from django.urls import path

from . import device_views, views
from .forms import LoginForm

urlpatterns = [
    path(
        "login",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm,
            redirect_authenticated_user=True,
            extra_context={"oidc_providers": views.login_providers},
        ),
        name="login",
    ),
    path("logout", auth_views.LogoutView.as_view(), name="logout"),
    path("account", views.account, name="account"),
    path("account/password", views.password_change, name="account-password"),
    path("account/identities/confirm", views.identity_confirm, name="account-identity-confirm"),
    path(
        "account/identities/<str:method_id>/unlink",
        views.identity_unlink,
        name="account-identity-unlink",
    ),
    # The browser's OpenID Connect login, run by django-allauth (only these two of its URLs,
    # under the names allauth reverses).
    path(
        "accounts/oidc/<str:provider_id>/login/",
        views.oidc_browser_login,
        name="openid_connect_login",
    ),
    path(
        "accounts/oidc/<str:provider_id>/login/callback/",
        views.oidc_browser_callback,
        name="openid_connect_callback",
    ),
    path("device", device_views.device, name="device"),
    path("account/tokens", views.token_create, name="account-token-create"),
    path("account/tokens/<str:label>/revoke", views.token_revoke, name="account-token-revoke"),
]
