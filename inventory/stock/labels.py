"""QR labels and what a scanner reads back.

A label's QR code holds a short URL on this server: ``/s/p/<ipn>`` for a part, ``/s/l/<code>``
for a location, ``/s/t/<name>`` for a lot. A phone's camera opens it (the ``scan-open`` view
redirects to the right page); a handheld scanner types it into a scan box, where
:func:`resolve_scan` recognises it, as it recognises a bare IPN, location code or lot name."""

from dataclasses import dataclass
from typing import Literal
from urllib.parse import unquote, urlsplit

from django.urls import NoReverseMatch, reverse

from inventory.models import Lot, Part, StorageLocation
from inventory.stock.queries import find_location, find_lot, find_part

Kind = Literal["part", "location", "lot"]
# The one-letter kinds of the scan URL, short so the QR code stays small.
KIND_LETTERS: dict[str, Kind] = {"p": "part", "l": "location", "t": "lot"}
LETTER_OF: dict[Kind, str] = {kind: letter for letter, kind in KIND_LETTERS.items()}
MAX_SCAN_LENGTH = 500


@dataclass(frozen=True)
class Scanned:
    kind: Kind
    obj: Part | StorageLocation | Lot


# The lookup of each kind's key (queries.stock).
FINDERS = {"part": find_part, "location": find_location, "lot": find_lot}


def key_of(obj: Part | StorageLocation | Lot) -> str:
    if isinstance(obj, Part):
        return obj.ipn
    if isinstance(obj, StorageLocation):
        return obj.code
    return obj.name


def kind_of(obj: Part | StorageLocation | Lot) -> Kind:
    if isinstance(obj, Part):
        return "part"
    if isinstance(obj, StorageLocation):
        return "location"
    return "lot"


# Payloads ------------------------------------------------------------------------------------


def scan_path(kind: Kind, key: str) -> str:
    """The path a label of this thing encodes, e.g. ``/s/p/RES-00001``."""
    return reverse("inventory:scan-open", kwargs={"kind": LETTER_OF[kind], "key": key})


def label_payload(request, obj: Part | StorageLocation | Lot) -> str:
    """The absolute URL a label's QR code holds."""
    return request.build_absolute_uri(scan_path(kind_of(obj), key_of(obj)))


def part_url(part: Part) -> str:
    """The part page. It belongs to the catalogue pages; if they are not wired up (yet), the
    path they use is still the right answer."""
    kwargs = {"ptype": part.part_type.slug, "ipn": part.ipn}
    try:
        return reverse("inventory:part-detail", kwargs=kwargs)
    except NoReverseMatch:
        return f"/parts/{kwargs['ptype']}/{kwargs['ipn']}"


def page_url(obj: Part | StorageLocation | Lot) -> str:
    """Where a scanned label takes a browser."""
    if isinstance(obj, Part):
        return part_url(obj)
    if isinstance(obj, StorageLocation):
        return reverse("inventory:location-detail", kwargs={"code": obj.code})
    return reverse("inventory:lot-detail", kwargs={"name": obj.name})


# Reading a scan ------------------------------------------------------------------------------


def _from_scan_url(text: str) -> tuple[Kind, str] | None:
    """(kind, key) if ``text`` is a label payload: an absolute URL or a bare path."""
    path = urlsplit(text).path if "://" in text else text
    prefix = "/s/"
    if not path.startswith(prefix):
        return None
    letter, _slash, key = path[len(prefix) :].partition("/")
    kind = KIND_LETTERS.get(letter)
    key = unquote(key)
    if kind is None or not key:
        return None
    return kind, key


def resolve_scan(text: str) -> Scanned | None:
    """What a scanned or typed text names: a label payload (``https://host/s/p/<ipn>`` or
    ``/s/p/<ipn>``), else an IPN, a location code or a lot name, tried in that order. None
    when nothing matches. At most three queries."""
    text = (text or "").strip()
    if not text or len(text) > MAX_SCAN_LENGTH:
        return None
    payload = _from_scan_url(text)
    if payload is not None:
        kind, key = payload
        obj = FINDERS[kind](key)
        return Scanned(kind, obj) if obj is not None else None
    for kind in ("part", "location", "lot"):
        obj = FINDERS[kind](text)
        if obj is not None:
            return Scanned(kind, obj)
    return None
