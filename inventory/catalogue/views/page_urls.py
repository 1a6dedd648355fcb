"""Links to many pages of one kind in one list (a part, location or lot per row)."""

import re

from django.urls import reverse

# Keys that reverse() puts in a path as they are (it percent-encodes anything else).
_URL_SAFE_KEY = re.compile(r"[A-Za-z0-9._~-]+")


class PageUrls:
    """Paths of the pages of URL name ``name`` whose last argument is a key (an IPN, a
    location code, a lot name). The path before the key is reversed once per distinct leading
    arguments (a part's type) and a key of URL-safe characters appended to it; any other key
    goes through reverse(). Reversing one URL per row cost a tenth of a list's rendering."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._prefixes: dict[tuple[str, ...], str] = {}

    def of(self, *args: str) -> str:
        *leading, key = args
        if not _URL_SAFE_KEY.fullmatch(key):
            return reverse(self.name, args=args)
        prefix = self._prefixes.get(tuple(leading))
        if prefix is None:
            prefix = reverse(self.name, args=[*leading, "_"])[:-1]
            self._prefixes[tuple(leading)] = prefix
        return prefix + key
