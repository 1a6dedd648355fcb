"""The clerk UI of the inventory app."""

from inventory.catalogue.urls import urlpatterns as parts
from inventory.stock.urls import urlpatterns as stock

app_name = "inventory"
urlpatterns = [*parts, *stock]
