from django.urls import path

from . import views

urlpatterns = [
    path("changelog", views.ChangelogListView.as_view(), name="changelog-list"),
    path(
        "changelog/since/<str:timestamp>",
        views.ChangelogSinceView.as_view(),
        name="changelog-since",
    ),
]
