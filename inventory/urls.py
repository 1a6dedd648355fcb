"""The clerk UI of the inventory app."""

from .views.parts_urls import urlpatterns as parts
from .views.stock_urls import urlpatterns as stock

app_name = "inventory"
urlpatterns = [*parts, *stock]
