from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers as drf
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.actors import actor_from_request
from config.core import idempotency
from config.core.actors import Actor
from config.core.api_fields import PlainDecimalField
from config.core.errors import ValidationFailed
from config.core.pagination import PageNumberPagination, paginated_response
from config.core.roles import Role
from config.core.schema import errors, page_of
from config.core.times import TIME_PATTERN
from inventory.catalogue.queries import part_by_key
from inventory.models import Part, StockMovement, StockStatus
from inventory.stock import queries
from inventory.stock import services as ledger
from inventory.stock.api import serializers as s
from inventory.stock.api.filters import MovementFilter, StockFilter, parse_time
from inventory.stock.services import LedgerResult

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    {"type": "string", "minLength": 1, "maxLength": idempotency.MAX_KEY_LENGTH},
    OpenApiParameter.HEADER,
    description="Retry safely: the first response to a key is returned again and nothing "
    "changes; the same key with a different body is a 422.",
)


def get_part(ptype: str, ipn: str) -> Part:
    # Only the part row: these views read its stock, not its catalogue details.
    return part_by_key(ptype, ipn, queryset=Part.objects.all())


class StockOperationView(APIView):
    """POST one ledger operation; subclasses name the serializer and the service. 201 when
    it wrote movements, 200 when there was nothing to write (a count that matches)."""

    required_roles = {"post": Role.CLERK}
    request_serializer: type[drf.Serializer]

    def perform(self, actor: Actor, data: dict) -> LedgerResult:
        raise NotImplementedError

    def post(self, request):
        data = self.request_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        actor = actor_from_request(request)

        def work() -> tuple[int, dict]:
            result = self.perform(actor, dict(data.validated_data))
            wrote = status.HTTP_201_CREATED if result.movements else status.HTTP_200_OK
            return wrote, s.OperationResultSerializer(result).data

        key = request.headers.get("Idempotency-Key")
        if key is None:
            code, body = work()
            return Response(body, status=code)
        code, body, replayed = idempotency.run_idempotent(
            scope=idempotency.scope_of(actor),
            key=key,
            work=work,
            fingerprint=idempotency.request_fingerprint("POST", request.path, request.data),
        )
        response = Response(body, status=code)
        if replayed:
            response["Idempotent-Replayed"] = "true"
        return response


def _operation_schema(name: str, request, summary: str):
    return extend_schema(
        operation_id=f"stock_{name}",
        request=request,
        parameters=[IDEMPOTENCY_HEADER],
        responses={
            201: OpenApiResponse(
                s.OperationResultSerializer, description="Done: the movements it wrote."
            ),
            200: OpenApiResponse(
                s.OperationResultSerializer,
                description="Nothing to write (e.g. a count that matches): no movements.",
            ),
            **errors(400, 401, 403, 409, 422),
        },
        summary=summary,
        description=(
            "A retry with the same `Idempotency-Key` answers the first response again, with "
            "its status and the header `Idempotent-Replayed: true`."
        ),
    )


class StockAddView(StockOperationView):
    request_serializer = s.StockAddSerializer

    @_operation_schema("add", s.StockAddSerializer, "Receive stock into a location.")
    def post(self, request):
        return super().post(request)

    def perform(self, actor, data):
        return ledger.stock_add(actor=actor, **data)


class StockRemoveView(StockOperationView):
    request_serializer = s.StockRemoveSerializer

    @_operation_schema("remove", s.StockRemoveSerializer, "Pick stock (oldest lot first).")
    def post(self, request):
        return super().post(request)

    def perform(self, actor, data):
        return ledger.stock_remove(actor=actor, **data)


class StockMoveView(StockOperationView):
    request_serializer = s.StockMoveSerializer

    @_operation_schema("move", s.StockMoveSerializer, "Move stock between locations.")
    def post(self, request):
        return super().post(request)

    def perform(self, actor, data):
        return ledger.stock_move(actor=actor, **data)


class StockAdjustView(StockOperationView):
    request_serializer = s.StockAdjustSerializer

    @_operation_schema("adjust", s.StockAdjustSerializer, "Record a stocktake count.")
    def post(self, request):
        return super().post(request)

    def perform(self, actor, data):
        return ledger.stock_adjust(actor=actor, **data)


class StockStatusView(StockOperationView):
    request_serializer = s.StockStatusSerializer

    @_operation_schema("status", s.StockStatusSerializer, "Move quantity between statuses.")
    def post(self, request):
        return super().post(request)

    def perform(self, actor, data):
        return ledger.stock_change_status(actor=actor, **data)


class ListView(APIView):
    """A list that is no DRF generic view: it pages through ``paginated_response``, which
    refuses query parameters other than the page's and ``query_parameters``."""

    pagination_class = PageNumberPagination
    query_parameters: list[OpenApiParameter] = []


BALANCE_PAGE = page_of(
    "BalancePage",
    s.BalanceSerializer(many=True),
    totals=drf.DictField(
        child=PlainDecimalField(**s.QUANTITY),
        help_text="Sum per status over everything that matched.",
    ),
)
TIME = {"type": "string", "pattern": TIME_PATTERN}
TIME_RANGE = [
    OpenApiParameter("since", TIME, description="From this time: ISO 8601 or epoch seconds."),
    OpenApiParameter("until", TIME, description="Before this time: ISO 8601 or epoch seconds."),
]


class StockListView(ListView):
    query_parameters = [
        OpenApiParameter("ipn", str, description="A part's IPN."),
        OpenApiParameter("location", str, description="A location's code."),
        OpenApiParameter("lot", str, description="A lot's name."),
        OpenApiParameter("status", str, enum=list(StockStatus.values)),
        OpenApiParameter("include_empty", bool, description="Also list zero balances."),
    ]

    @extend_schema(
        operation_id="stock_list",
        responses={200: BALANCE_PAGE, **errors(400, 401)},
        summary="Balances, filtered, with totals per status.",
    )
    def get(self, request):
        filtered = StockFilter(request.query_params, queryset=queries.balances())
        if not filtered.is_valid():
            raise ValidationFailed("Invalid filters.", errors=filtered.errors)
        balances = filtered.qs
        return paginated_response(
            request,
            self,
            balances,
            s.BalanceSerializer,
            totals={
                status: s.quantity_text(total)
                for status, total in queries.totals_by_status(balances).items()
            },
        )


class MovementListView(ListView):
    query_parameters = [
        OpenApiParameter("ipn", str, description="A part's IPN."),
        OpenApiParameter("location", str, description="A location's code."),
        OpenApiParameter("actor", str, description="A username, job name or sensor serial."),
        OpenApiParameter("source", str, description="e.g. sensor:<sn>, order:<id>."),
        OpenApiParameter("operation", str, enum=list(StockMovement.Operation.values)),
        *TIME_RANGE,
    ]

    @extend_schema(
        operation_id="stock_movements",
        responses={200: s.MovementSerializer(many=True), **errors(400, 401)},
        summary="The ledger, newest first; each movement's quantity is signed.",
    )
    def get(self, request):
        filtered = MovementFilter(request.query_params, queryset=queries.movements())
        if not filtered.is_valid():
            raise ValidationFailed("Invalid filters.", errors=filtered.errors)
        return paginated_response(request, self, filtered.qs, s.MovementSerializer)


class PartStockView(APIView):
    @extend_schema(
        operation_id="parts_stock",
        responses={200: s.PartStockSerializer, **errors(401, 404)},
        summary="Where a part is: per location and lot, on hand and each status.",
    )
    def get(self, request, ptype, ipn):
        part = get_part(ptype, ipn)
        rows = queries.part_stock(part)
        totals = queries.stock_totals(rows)
        return Response(
            s.PartStockSerializer({"ipn": part.ipn, "totals": totals, "rows": rows}).data
        )


HISTORY_PAGE = page_of(
    "PartHistoryPage",
    s.HistoryMovementSerializer(many=True),
    series=s.SeriesPointSerializer(
        many=True, required=False, help_text="With ?bucket=: on hand per time bucket."
    ),
)


class PartHistoryView(ListView):
    query_parameters = [
        *TIME_RANGE,
        OpenApiParameter(
            "bucket",
            str,
            enum=list(queries.BUCKETS),
            description="Add a series of on-hand stock per bucket.",
        ),
    ]

    @extend_schema(
        operation_id="parts_history",
        responses={200: HISTORY_PAGE, **errors(400, 401, 404)},
        summary="Every movement of a part (all locations, sensors included), newest first, "
        "with the running on-hand balance.",
    )
    def get(self, request, ptype, ipn):
        part = get_part(ptype, ipn)
        since = parse_time(request.query_params.get("since"), "since")
        until = parse_time(request.query_params.get("until"), "until")
        bucket = request.query_params.get("bucket")
        if bucket and bucket not in queries.BUCKETS:
            raise ValidationFailed(
                "Unknown bucket.", errors={"bucket": [f"One of {', '.join(queries.BUCKETS)}."]}
            )
        movements, opening = queries.part_history(part, since=since, until=until)
        extra = {}
        if bucket:
            series = queries.part_history_series(
                part, bucket=bucket, opening=opening, since=since, until=until
            )
            extra["series"] = s.SeriesPointSerializer(series, many=True).data
        return paginated_response(
            request,
            self,
            movements,
            s.HistoryMovementSerializer,
            context={"opening": opening},
            **extra,
        )


class LowStockView(ListView):
    @extend_schema(
        operation_id="reports_low_stock",
        responses={200: s.LowStockSerializer(many=True), **errors(401)},
        summary="Parts under their low-stock threshold, worst shortfall first.",
    )
    def get(self, request):
        return paginated_response(request, self, queries.low_stock(), s.LowStockSerializer)
