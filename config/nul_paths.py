"""A path with a NUL character names nothing here: every key's rule (IPNs, slugs, codes, lot
names, usernames, token labels) leaves NUL out, and PostgreSQL refuses it in any text it is
asked to compare. Such a request is a 404 before a view looks anything up with it."""

from django.http import Http404


class NulPathMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            raise Http404("No page has a NUL character in its address.")
        return self.get_response(request)
