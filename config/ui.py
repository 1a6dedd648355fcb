"""Pieces every UI view shares."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from accounts.models import Role

# A form or fragment re-rendered because its input was refused. base.html tells htmx to swap
# 422 responses like successes (and no other 4xx), so refusals are shown in place.
UNPROCESSABLE = 422


def wants_fragment(request: HttpRequest) -> bool:
    """An htmx request for a piece of the page. A boosted request, or htmx restoring its
    history, expects a whole page."""
    htmx = request.htmx
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def require_role(request: HttpRequest, role: Role) -> None:
    """403 unless the signed-in user has at least ``role`` (the API's rule, for the UI)."""
    if not request.user.has_role(role):
        raise PermissionDenied
