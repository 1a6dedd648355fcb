"""Read paths for stock: balances, the ledger, a part's history, reports."""

from datetime import date, datetime
from decimal import Decimal

from django.db.models import Case, Count, DecimalField, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, Trunc, Upper

from inventory.models import Lot, Part, StockBalance, StockMovement, StockStatus, StorageLocation
from inventory.stock.models import PATH_SEPARATOR

QUANTITY_FIELD = DecimalField(max_digits=18, decimal_places=6)
ZERO = Value(Decimal(0), output_field=QUANTITY_FIELD)
_ON_HAND_QUANTITY = Case(
    When(status=StockStatus.ON_HAND, then=F("quantity")), default=ZERO, output_field=QUANTITY_FIELD
)


# Lookups by the keys printed on labels and typed or scanned by clerks, whatever their case:
# the exact key first (its unique index), then the upper-cased key (an index on UPPER()).


def _by_key(queryset: QuerySet, field: str, key: str):
    if "\x00" in key:
        return None  # no key has one, and PostgreSQL refuses it in a query
    try:
        # The key is unique: get() asks for no ordering, which first() would add and sort by.
        return queryset.get(**{field: key})
    except queryset.model.DoesNotExist:
        pass
    if key.upper() == key.lower():
        return None
    # Several keys may differ only in case: the oldest wins.
    return queryset.alias(key_upper=Upper(field)).filter(key_upper=key.upper()).first()


def find_part(ipn: str) -> Part | None:
    """The part with this IPN (of any type, any case), with its type; None when there is
    none."""
    return _by_key(Part.objects.select_related("part_type"), "ipn", ipn)


def find_location(code: str) -> StorageLocation | None:
    return _by_key(StorageLocation.objects.all(), "code", code)


def find_lot(name: str) -> Lot | None:
    return _by_key(Lot.objects.all(), "name", name)


def location_page(code: str) -> StorageLocation | None:
    """A location for its page, with its parent; found by code whatever its case."""
    return _by_key(StorageLocation.objects.select_related("parent"), "code", code)


def location_ancestors(location: StorageLocation) -> list[StorageLocation]:
    """The ancestors, root first, in one query: their paths are the prefixes of this one."""
    names = location.path.split(PATH_SEPARATOR)
    prefixes = [PATH_SEPARATOR.join(names[:depth]) for depth in range(1, len(names))]
    ancestors = {loc.path: loc for loc in StorageLocation.objects.filter(path__in=prefixes)}
    return [ancestors[prefix] for prefix in prefixes if prefix in ancestors]


def _named_like(scope: QuerySet[StorageLocation], term: str) -> QuerySet[StorageLocation]:
    return scope.filter(Q(name__icontains=term) | Q(code__icontains=term) | Q(path__icontains=term))


def locations_browsed(*, term: str = "", include_archived: bool = False) -> QuerySet:
    """The location browser's list: the top-level locations, or a search over all of them."""
    scope = locations(include_archived=include_archived)
    scope = _named_like(scope, term) if term else scope.filter(parent__isnull=True)
    return scope.order_by("path")


def locations_listed(
    *, archived: str = "false", parent: int | str | None = None, search: str = ""
) -> QuerySet[StorageLocation]:
    """The API's location list. ``archived``: "false" hides archived locations, "true" lists
    only them, "all" both; ``parent``: an id, or "root" for the top level; ``search``: in the
    name, code or path."""
    scope = locations(include_archived=archived != "false")
    if archived == "true":
        scope = scope.filter(archived=True)
    if parent == "root":
        scope = scope.filter(parent__isnull=True)
    elif parent is not None:
        scope = scope.filter(parent_id=parent)
    return _named_like(scope, search) if search else scope


def child_locations(location: StorageLocation, *, include_archived: bool) -> QuerySet:
    """The locations directly inside ``location``, by name."""
    children = location.children.order_by("name")
    return children if include_archived else children.filter(archived=False)


def lots(*, search: str = "", tag: str = "") -> QuerySet[Lot]:
    """Lots with their tags; ``search`` in the name or reference, ``tag`` a tag's name."""
    found = Lot.objects.prefetch_related("tags")
    if search:
        found = found.filter(Q(name__icontains=search) | Q(reference__icontains=search))
    if tag:
        found = found.filter(tags__name=tag)
    return found


def lot_contents(lot: Lot) -> QuerySet[StockBalance]:
    """What a lot holds, wherever it is (balances that are not zero)."""
    return balances().filter(lot=lot).exclude(quantity=0)


def lot_page(name: str) -> Lot | None:
    """A lot for its page, with its tags; found by name whatever its case."""
    return _by_key(lots(), "name", name)


def labelled(*, ipns: list[str], codes: list[str], lot_names: list[str]) -> tuple[dict, ...]:
    """What a label sheet prints, by key: parts (with their type), locations and lots, three
    queries whatever the number of labels."""
    parts = Part.objects.select_related("part_type").filter(ipn__in=ipns)
    return (
        {part.ipn: part for part in parts},
        {loc.code: loc for loc in StorageLocation.objects.filter(code__in=codes)},
        {lot.name: lot for lot in Lot.objects.filter(name__in=lot_names)},
    )


def locations(*, include_archived: bool = False) -> QuerySet[StorageLocation]:
    queryset = StorageLocation.objects.all()
    return queryset if include_archived else queryset.filter(archived=False)


# What a listed balance shows (the API's BalanceSerializer, the lot page): only these columns
# of the joined rows. A full part row carries its info JSON and notes, which a page of 100
# balances would read and parse for nothing.
BALANCE_COLUMNS = (
    "status",
    "quantity",
    "updated_at",
    "part__ipn",
    "part__part_type__slug",
    "location__code",
    "location__path",
    "lot__name",
)


def balances() -> QuerySet[StockBalance]:
    """Balances with what their serializer shows, one query per page."""
    return (
        StockBalance.objects.select_related("part__part_type", "location", "lot")
        .only(*BALANCE_COLUMNS)
        .order_by("part__ipn", "location__path", "lot_id", "status")
    )


def totals_by_status(queryset: QuerySet[StockBalance]) -> dict[str, Decimal]:
    rows = queryset.order_by().values("status").annotate(total=Sum("quantity"))
    return {row["status"]: row["total"] for row in rows}


def on_hand_at(part: Part, location: StorageLocation, lot: Lot | None = None) -> Decimal:
    """How much of ``part`` is on hand at ``location`` (in ``lot`` when given, else in all)."""
    here = StockBalance.objects.filter(part=part, location=location, status=StockStatus.ON_HAND)
    if lot is not None:
        here = here.filter(lot=lot)
    return here.aggregate(total=Sum("quantity"))["total"] or Decimal(0)


def movements() -> QuerySet[StockMovement]:
    return StockMovement.objects.select_related("part", "location", "lot").order_by("-at", "-id")


def part_stock(part: Part) -> list[dict]:
    """Where a part is: one row per (location, lot) with a column per status."""
    rows: dict[tuple, dict] = {}
    for balance in (
        StockBalance.objects.filter(part=part)
        .exclude(quantity=0)
        .select_related("location", "lot")
        .order_by("location__path", "lot_id")
    ):
        key = (balance.location_id, balance.lot_id)
        row = rows.setdefault(
            key,
            {"location": balance.location, "lot": balance.lot}
            | {status: Decimal(0) for status in StockStatus.values},
        )
        row[balance.status] += balance.quantity
    return list(rows.values())


def stock_totals(rows: list[dict]) -> dict[str, Decimal]:
    """The sum per status of :func:`part_stock`'s rows."""
    return {status: sum((row[status] for row in rows), Decimal(0)) for status in StockStatus.values}


def fifo_key(lot: Lot | None) -> tuple:
    """Where a lot stands in the ledger's first-in, first-out order: stock without a lot
    first, then lots by soonest expiry, then oldest (lot ids grow with age). The services
    take stock in this order (``operations._fifo_balances``) and the scanner pages suggest
    it in this order, so the suggestion is what a pick without a lot would take."""
    if lot is None:
        return (False, date.max, 0)
    return (True, lot.expiry_date or date.max, lot.pk)


def stock_to_take(part: Part) -> list[StockBalance]:
    """Where a part is on hand, one balance per (location, lot) with its location and lot,
    in the ledger's FIFO order (:func:`fifo_key`), places with the same rank by path: the
    first row is what to take first. One query. Sorted here rather than in SQL so the order
    is the very key the services use under their row locks."""
    balances = StockBalance.objects.filter(
        part=part, status=StockStatus.ON_HAND, quantity__gt=0
    ).select_related("location", "lot")
    return sorted(balances, key=lambda b: (fifo_key(b.lot), b.location.path, b.location.code))


def location_contents(location: StorageLocation, *, recursive: bool = False) -> QuerySet:
    queryset = balances().exclude(quantity=0)
    if recursive:
        prefix = f"{location.path}{PATH_SEPARATOR}"
        return queryset.filter(Q(location=location) | Q(location__path__startswith=prefix))
    # The same order as balances() (the path is one value here), but led by a column no
    # index of parts can yield: PostgreSQL then sorts the location's few hundred balances
    # (7 ms for a full bin) instead of walking every part in IPN order to fill a page, a
    # plan that assumes the bin's parts are spread evenly across IPNs (43 ms when they
    # cluster, as a bin's do).
    return queryset.filter(location=location).order_by(
        "location__path", "part__ipn", "lot_id", "status"
    )


def location_contents_shown(
    location: StorageLocation, *, recursive: bool = False
) -> "LocationContents":
    """:func:`location_contents` as the location page's table shows them, for a paginator:
    one dict per balance with only its columns (``ipn``, ``description``, ``part_type`` (its
    slug), ``location_code``, ``lot_name``, ``status``, ``quantity``). Building 100 balances
    with their part, type, location and lot as model instances cost twice their query."""
    return LocationContents(location_contents(location, recursive=recursive))


class LocationContents:
    """Balances of a location (from :func:`location_contents`) for a paginator: a slice is
    one query of the columns shown; the count joins none of their tables. Counted with the
    joins of the columns, a full bin (800 balances) took 4 to 7 ms instead of 1 to 2."""

    ordered = True

    def __init__(self, balances: QuerySet[StockBalance]):
        self._balances = balances
        self._count: int | None = None

    def count(self) -> int:
        if self._count is None:
            self._count = self._balances.count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[dict]:
        if not isinstance(index, slice) or index.step is not None:
            raise TypeError("A location's contents are read in slices.")
        shown = self._balances.values(
            "status",
            "quantity",
            ipn=F("part__ipn"),
            description=F("part__description"),
            part_type=F("part__part_type__slug"),
            location_code=F("location__code"),
            lot_name=F("lot__name"),
        )
        return list(shown[index])


def part_history(
    part: Part, *, since: datetime | None = None, until: datetime | None = None
) -> tuple["PartHistory", Decimal]:
    """A part's movements, newest first, each with ``running_on_hand`` (see
    :class:`PartHistory`), and the part's on-hand total before ``since``, which the caller
    adds to every running total."""
    opening = Decimal(0)
    scope = StockMovement.objects.filter(part=part)
    if since is not None:
        opening = _on_hand_sum(scope.filter(at__lt=since))
        scope = scope.filter(at__gte=since)
    if until is not None:
        scope = scope.filter(at__lt=until)
    return PartHistory(scope), opening


def _on_hand_sum(movements: QuerySet[StockMovement]) -> Decimal:
    return movements.aggregate(total=Coalesce(Sum(_ON_HAND_QUANTITY), ZERO))["total"]


class PartHistory:
    """Movements of one part, newest first, for a paginator: a slice is a list of movements
    (part, location and lot loaded), each with ``running_on_hand``, the on-hand total after
    it counted from the oldest movement here.

    A slice reads only its own rows. Its first running total is the on-hand sum of every
    movement here (read with the count) less what the newer, skipped rows moved; each next
    one steps back by a row's quantity. A window sum over all of a busy part's movements
    made the database join and sort every one of them for a page of 50 (16 of 25 ms)."""

    ordered = True

    def __init__(self, movements: QuerySet[StockMovement]):
        self._newest_first = movements.order_by("-at", "-id")
        self._summary: dict | None = None

    def _summarise(self) -> dict:
        if self._summary is None:
            self._summary = self._newest_first.aggregate(
                count=Count("pk"), on_hand=Coalesce(Sum(_ON_HAND_QUANTITY), ZERO)
            )
        return self._summary

    def count(self) -> int:
        return self._summarise()["count"]

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[StockMovement]:
        if not isinstance(index, slice) or index.step is not None:
            raise TypeError("A part's history is read in slices.")
        start = index.start or 0
        rows = list(self._newest_first.select_related("part", "location", "lot")[index])
        running = self._summarise()["on_hand"]
        if start and rows:
            skipped = self._newest_first[:start].values("pk")
            running -= _on_hand_sum(StockMovement.objects.filter(pk__in=skipped))
        for movement in rows:
            movement.running_on_hand = running
            if movement.status == StockStatus.ON_HAND:
                running -= movement.quantity
        return rows


BUCKETS = ("hour", "day", "week", "month")


def part_history_series(
    part: Part,
    *,
    bucket: str,
    opening: Decimal,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[dict]:
    """On-hand stock of a part per time bucket: what came in, went out, and the balance at
    the bucket's end; for charts. ``opening`` is the balance before ``since`` (from
    :func:`part_history`)."""
    scope = StockMovement.objects.filter(part=part, status=StockStatus.ON_HAND)
    if since is not None:
        scope = scope.filter(at__gte=since)
    if until is not None:
        scope = scope.filter(at__lt=until)
    rows = (
        scope.annotate(bucket=Trunc("at", bucket))
        .values("bucket")
        .annotate(
            received=Coalesce(Sum("quantity", filter=Q(quantity__gt=0)), ZERO),
            taken=Coalesce(Sum("quantity", filter=Q(quantity__lt=0)), ZERO),
        )
        .order_by("bucket")
    )
    series, balance = [], opening
    for row in rows:
        balance += row["received"] + row["taken"]
        series.append(
            {
                "bucket": row["bucket"],
                "received": row["received"],
                "taken": -row["taken"],
                "on_hand": balance,
            }
        )
    return series


def low_stock() -> QuerySet[Part]:
    """Parts whose on-hand total is under their threshold, with the shortfall and what is on
    order, worst shortfall first. Reads the totals the ledger keeps on each part, along the
    ``part_shortfall`` index on the stored ``shortfall``."""
    return (
        Part.objects.select_related("part_type")
        .annotate(on_hand=F("on_hand_total"), on_order=F("on_order_total"))
        .filter(shortfall__gt=0, archived=False)
        .order_by("-shortfall", "ipn")
    )
