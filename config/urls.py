from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerView

from accounts.api.urls import auth_urlpatterns
from inventory.stock.views.home import home

from . import views

api_v1 = [
    path("", include("accounts.api.urls")),
    path("", include("inventory.api.urls")),
    path("", include("config.core.api.urls")),
    path("status/workers", views.WorkerStatusView.as_view(), name="status-workers"),
]

urlpatterns = [
    path("api/v1/", include(api_v1)),
    path("auth/", include(auth_urlpatterns)),
    path("server/health_check", views.HealthCheckView.as_view(), name="health-check"),
    path("apidoc/openapi.json", SpectacularJSONAPIView.as_view(), name="openapi-schema"),
    path("apidoc/", SpectacularSwaggerView.as_view(url_name="openapi-schema"), name="apidoc"),
    path("admin/", admin.site.urls),
    # The home page is inventory's dashboard; accounts (a layer below) keeps login and account.
    path("", home, name="home"),
    path("", include("inventory.urls")),
    path("", include("config.core.urls")),
    path("", include("accounts.urls")),
]

handler400 = "config.core.errors.handler400"
handler403 = "config.core.errors.handler403"
handler404 = "config.core.errors.handler404"
handler500 = "config.core.errors.handler500"
