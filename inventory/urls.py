"""The clerk UI of the inventory app."""

from .views.changelog_urls import urlpatterns as changelog
from .views.parts_urls import urlpatterns as parts
from .views.stock_urls import urlpatterns as stock

app_name = "inventory"
urlpatterns = [*parts, *changelog, *stock]
