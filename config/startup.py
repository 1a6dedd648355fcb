"""What a server process does once Django is set up, before it takes requests."""

import gc

from django.urls import get_resolver


def settle() -> None:
    """Import every view (through the URLconf), then move all objects alive now into the
    garbage collector's permanent generation.

    Those ~140,000 objects (modules, classes, functions, settings) live as long as the
    process, but every full collection walked them all again: on the benchmark machine that
    cost ~20 ms per 1,000-part batch request on average, and much more in the requests
    that triggered one (``make bench``'s p95). Frozen, a full collection walks only what
    requests allocate. ``gc.freeze`` is what CPython documents for this case."""
    get_resolver().url_patterns  # noqa: B018 - imports every URL module and its views
    gc.collect()
    gc.freeze()
