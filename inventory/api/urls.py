from .changelog.urls import urlpatterns as changelog
from .parts.urls import urlpatterns as parts
from .stock.urls import urlpatterns as stock

urlpatterns = [*parts, *changelog, *stock]
