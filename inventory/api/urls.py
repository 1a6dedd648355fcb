from inventory.catalogue.api.urls import urlpatterns as parts
from inventory.stock.api.urls import urlpatterns as stock

urlpatterns = [*parts, *stock]
