from django.urls import path

from . import changelog

urlpatterns = [
    path("changelog", changelog.changelog, name="changelog"),
]
