"""The site's routes as the URL resolver has them, for the tests that must cover every one
(the authorization matrices, the hostile suite): a new route is found without a line here."""

from collections.abc import Iterator

from django.urls import URLPattern, URLResolver, get_resolver


def routes() -> Iterator[tuple[str, object]]:
    """Every (route as Django writes it, e.g. ``parts/<slug:ptype>``, its view callable)."""

    def walk(patterns, prefix: str = ""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                yield prefix + str(entry.pattern), entry.callback

    return walk(get_resolver().url_patterns)


def api_methods(callback) -> list[str]:
    """The HTTP methods a DRF view answers. HEAD (answered wherever GET is) and OPTIONS need
    no rows of their own."""
    actions = getattr(callback, "actions", None)
    if actions:
        return [method.upper() for method in actions if method != "head"]
    view_class = getattr(callback, "view_class", None) or getattr(callback, "cls", None)
    if view_class is None:
        return []
    return [
        method.upper()
        for method in view_class.http_method_names
        if method not in {"options", "head"} and hasattr(view_class, method)
    ]
