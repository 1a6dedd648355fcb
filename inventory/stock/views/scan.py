"""The scanner pages: receive, pick, move, count. One big scan box; each Enter posts a step,
the server recognises what was scanned (inventory.stock.labels.resolve_scan) and puts it in its
slot, and the step that fills the last slot calls the ledger service. The slots travel in the
form (no session), so every page also works as a plain form without JavaScript.

The commit runs under an idempotency key carried by the form, so a double Enter or a resent
form receives once; a refusal shows the service's sentence above the form, changes nothing
(each service is one transaction) and asks again for what it refused. Pick and move list
where the part is, the ledger's FIFO choice first; a row's number picks it."""

import uuid

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from config.core import idempotency
from config.core.actors import Actor
from config.core.errors import ServiceError, error_body
from config.core.forms import apply_service_error
from config.core.roles import Role, require_role
from config.core.ui import UNPROCESSABLE, role_required, wants_fragment
from inventory.models import Lot
from inventory.stock import queries
from inventory.stock import services as ledger
from inventory.stock.forms import OPERATIONS, PROMPTS, STOCK_CHOICES, Operation, ScanStepForm
from inventory.templatetags.stock_tags import qty

# The services name the count "counted" and the move's source "from_location"; the form
# calls them quantity and location.
FIELD_OF_SERVICE_ERROR = {"counted": "quantity", "from_location": "location"}


def _lot_text(result) -> str:
    lots = {m.lot.name for m in result.movements if m.lot is not None and m.quantity > 0}
    return f" (lot {', '.join(sorted(lots))})" if lots else ""


def _perform(operation: Operation, actor: Actor, kwargs: dict) -> str:
    """Call the operation's service; a sentence saying what happened and the new balance."""
    part = kwargs["part"]
    if operation.name == "receive":
        result = ledger.stock_add(actor=actor, **kwargs)
        where = kwargs["location"]
        return (
            f"Received {qty(kwargs['quantity'])} x {part.ipn} into {where.code}"
            f"{_lot_text(result)}. Now {qty(queries.on_hand_at(part, where))} on hand there."
        )
    if operation.name == "pick":
        ledger.stock_remove(actor=actor, **kwargs)
        where = kwargs["location"]
        return (
            f"Picked {qty(kwargs['quantity'])} x {part.ipn} from {where.code}. "
            f"{qty(queries.on_hand_at(part, where))} left there."
        )
    if operation.name == "move":
        ledger.stock_move(actor=actor, **kwargs)
        source, target = kwargs["from_location"], kwargs["to_location"]
        return (
            f"Moved {qty(kwargs['quantity'])} x {part.ipn} from {source.code} to {target.code}. "
            f"Now {qty(queries.on_hand_at(part, source))} at {source.code} and "
            f"{qty(queries.on_hand_at(part, target))} at {target.code}."
        )
    result = ledger.stock_adjust(actor=actor, **kwargs)
    where, counted = kwargs["location"], kwargs["counted"]
    if not result.movements:
        return f"Counted {qty(counted)} x {part.ipn} at {where.code}: matches the ledger."
    delta = result.movements[0].quantity
    sign = "+" if delta > 0 else ""
    return (
        f"Counted {qty(counted)} x {part.ipn} at {where.code}: the ledger said "
        f"{qty(counted - delta)}, so {sign}{qty(delta)} was recorded."
    )


def _render(
    request: HttpRequest,
    operation: Operation,
    form: ScanStepForm,
    *,
    step: ScanStepForm | None = None,
    notice: tuple[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The page, or for htmx its form: ``form`` is the form to fill next and ``step`` the
    form that read this request (cleaned), whose slots, prompt and stock list are shown."""
    slots = step.cleaned_data if step is not None else {}
    stock_rows = step.stock_rows() if step is not None else []
    on_hand_here = None
    if slots.get("part") and slots.get("location"):
        # A lot being created on receipt (a name, not yet a Lot) holds nothing yet.
        lot = slots.get("lot") if isinstance(slots.get("lot"), Lot) else None
        on_hand_here = queries.on_hand_at(slots["part"], slots["location"], lot)
    context = {
        "operation": operation,
        "operations": OPERATIONS.values(),
        "form": form,
        "slots": slots,
        "lists_stock": operation.lists_stock(slots),
        "stock_rows": stock_rows[:STOCK_CHOICES],
        "stock_more": max(len(stock_rows) - STOCK_CHOICES, 0),
        "on_hand_here": on_hand_here,
        "prompt": step.prompt() if step is not None else PROMPTS["part"],
        "notice": notice,
        "can_write": request.user.has_role(Role.CLERK),
    }
    template = (
        "inventory/stock/_scan_form.html"
        if wants_fragment(request)
        else "inventory/stock/scan.html"
    )
    return render(request, template, context, status=status)


def _service_error(body: dict) -> ServiceError:
    errors = {
        FIELD_OF_SERVICE_ERROR.get(name, name): messages
        for name, messages in (body.get("errors") or {}).items()
    }
    return ServiceError(body.get("detail", "Refused."), code=body.get("code"), errors=errors)


def _commit(request: HttpRequest, operation: Operation, form: ScanStepForm) -> HttpResponse:
    state = form.state()
    kwargs = form.service_kwargs()
    actor = Actor.for_user(request.user)
    try:
        status, body, replayed = idempotency.run_idempotent(
            scope=idempotency.scope_of(actor),
            key=f"ui:{operation.name}:{state['nonce']}",
            fingerprint=idempotency.request_fingerprint("POST", request.path, state),
            work=lambda: (200, {"message": _perform(operation, actor, kwargs)}),
        )
    except ServiceError as exc:
        # The key was used for another request (a form resent after going back and
        # editing it): refuse this one like any other refusal; a new key comes with it.
        status, body, replayed = exc.status_code, error_body(exc.detail, exc.code), False
    if status == 200:
        message = body["message"] + (
            " (already done: this form was sent twice)" if replayed else ""
        )
        return _render(
            request, operation, ScanStepForm(operation=operation), notice=("success", message)
        )
    # Refused: show why, keep the slots but the refused ones (asked for again), and take a
    # new key so the corrected form can run.
    refusal = _service_error(body)
    form.ask_again(refusal)
    retry = ScanStepForm({**form.state(), "nonce": uuid.uuid4().hex}, operation=operation)
    retry.is_valid()
    apply_service_error(retry, refusal)
    return _render(request, operation, retry, step=form, status=UNPROCESSABLE)


def _step(request: HttpRequest, operation: Operation) -> HttpResponse:
    form = ScanStepForm(request.POST, operation=operation)
    if not form.is_valid():
        return _render(request, operation, form, step=form, status=UNPROCESSABLE)
    form.apply_scan()
    if form.errors:
        return _render(request, operation, form, step=form, status=UNPROCESSABLE)
    if form.missing():
        notice = ("info", f"Got it — {form.recognised}.") if form.recognised else None
        if form.awaiting_confirmation:
            notice = ("warning", PROMPTS["confirm"])
        return _render(
            request,
            operation,
            ScanStepForm(operation=operation, initial=form.state()),
            step=form,
            notice=notice,
        )
    return _commit(request, operation, form)


def _show(request: HttpRequest, operation: Operation) -> HttpResponse:
    # A link may preset slots (?part=RES-00001&location=A1): checked like a step.
    if not request.GET:
        return _render(request, operation, ScanStepForm(operation=operation))
    form = ScanStepForm(request.GET, operation=operation)
    if not form.is_valid():
        return _render(request, operation, form, step=form, status=UNPROCESSABLE)
    return _render(
        request, operation, ScanStepForm(operation=operation, initial=form.state()), step=form
    )


def _view(name: str):
    operation = OPERATIONS[name]

    # Anyone who may see stock sees the page (read-only below clerk); a step changes stock.
    @require_http_methods(["GET", "POST"])
    @role_required(Role.VIEWER)
    def view(request: HttpRequest) -> HttpResponse:
        if request.method == "POST":
            require_role(request, Role.CLERK)
            return _step(request, operation)
        return _show(request, operation)

    view.__name__ = view.__qualname__ = name
    view.__doc__ = f"The scanner page: {operation.title.lower()} stock."
    return view


receive = _view("receive")
pick = _view("pick")
move = _view("move")
count = _view("count")
