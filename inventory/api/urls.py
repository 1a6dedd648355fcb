from .parts.urls import urlpatterns as parts
from .stock.urls import urlpatterns as stock

urlpatterns = [*parts, *stock]
