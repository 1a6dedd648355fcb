"""Pieces every UI view shares."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django_htmx.http import HttpResponseClientRedirect

from .roles import Role, require_role

# A form or fragment re-rendered because its input was refused. base.html tells htmx to swap
# 422 responses like successes (and no other 4xx), so refusals are shown in place.
UNPROCESSABLE = 422


def wants_fragment(request: HttpRequest) -> bool:
    """An htmx request for a piece of the page. A boosted request, or htmx restoring its
    history, expects a whole page."""
    htmx = request.htmx
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A UI view anyone may open, signed in or not (a step of signing in). Declared, like
    :func:`role_required`, so the authorization matrix tells it from a forgotten check."""
    view.public = True
    return view


def role_required(role: Role) -> Callable:
    """A UI view that needs at least ``role``: anonymous visitors go to the login page, a
    signed-in user without the role gets 403. The authorization matrix reads it back from
    the view (``view.required_role``)."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def checked(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                login = redirect_to_login(request.get_full_path())
                if request.htmx:
                    # An htmx request would swap the login page into the fragment (a
                    # session that expired on a scanner page): send the whole page there.
                    return HttpResponseClientRedirect(login.url)
                return login
            require_role(request, role)
            return view(request, *args, **kwargs)

        checked.required_role = role
        return checked

    return decorate
