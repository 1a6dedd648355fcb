"""One error shape for the whole API: {"detail", "code", "errors"?} (DESIGN.md).

Services raise :class:`ServiceError` subclasses; the API turns them into responses here and the
UI shows their ``detail`` inline, so both speak the same rules."""

import json
import logging
from http import HTTPStatus

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpResponseServerError, JsonResponse
from django.template import loader
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

logger = logging.getLogger(__name__)


class ServiceError(Exception):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid"

    def __init__(
        self,
        detail: str,
        *,
        code: str | None = None,
        errors: dict | None = None,
        extra: dict | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.code = code or self.default_code
        self.errors = errors
        self.extra = extra or {}


class ValidationFailed(ServiceError):
    default_code = "invalid"


class NotFound(ServiceError):
    status_code = status.HTTP_404_NOT_FOUND
    default_code = "not_found"


class Conflict(ServiceError):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class Unprocessable(ServiceError):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "unprocessable"


class Throttled(ServiceError):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "throttled"

    def __init__(self, detail: str, *, retry_after: int, **kwargs) -> None:
        super().__init__(detail, **kwargs)
        self.retry_after = retry_after


class AuthenticationRequired(ServiceError):
    status_code = status.HTTP_401_UNAUTHORIZED
    default_code = "not_authenticated"


def error_from_body(status_code: int, body: dict) -> ServiceError:
    """The refusal an error body describes, as the exception a service raised (for refusals
    stored under an idempotency key and replayed)."""
    kinds = {kind.status_code: kind for kind in (ValidationFailed, NotFound, Conflict)}
    kind = kinds.get(status_code, Unprocessable)
    extra = {k: v for k, v in body.items() if k not in {"detail", "code", "errors"}}
    return kind(
        body.get("detail", "Refused."),
        code=body.get("code"),
        errors=body.get("errors"),
        extra=extra,
    )


def error_body(detail: str, code: str, errors: dict | None = None, **extra) -> dict:
    body = {"detail": detail, "code": code}
    if errors:
        body["errors"] = errors
    body.update(extra)
    return body


def _flatten_validation(data, path: str = "") -> dict[str, list[str]]:
    """DRF's nested validation errors as one level, {field: [messages]}, with the fields of
    nested objects and list items named by their path (``new_lot.name``, ``keys.2.ipn``), as
    the services name them (``info_keys.1.key``)."""
    if isinstance(data, dict):
        flat: dict[str, list[str]] = {}
        for key, value in data.items():
            # An object's own errors (DRF's non_field_errors) are named by the object's path.
            inner = path if path and key == "non_field_errors" else f"{path}.{key}".lstrip(".")
            flat.update(_flatten_validation(value, inner))
        return flat
    if isinstance(data, list) and any(isinstance(item, dict | list) for item in data):
        flat = {}
        for index, item in enumerate(data):
            flat.update(_flatten_validation(item, f"{path}.{index}" if path else str(index)))
        return flat
    messages = data if isinstance(data, list) else [data]
    return {path or "non_field_errors": [str(message) for message in messages]}


def too_large_body() -> dict:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return error_body(
        f"The request body is larger than this server accepts ({limit:,} bytes).", "too_large"
    )


def api_exception_handler(exc, context):
    if isinstance(exc, RequestDataTooBig):
        return Response(too_large_body(), status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if isinstance(exc, SuspiciousOperation):
        # Django logs these to django.security.<kind> and answers 400; so do we, in our shape.
        logging.getLogger(f"django.security.{type(exc).__name__}").warning(str(exc))
        return Response(
            error_body("The request is malformed.", "bad_request"),
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, ServiceError):
        response = Response(
            error_body(exc.detail, exc.code, exc.errors, **exc.extra), status=exc.status_code
        )
        if isinstance(exc, Throttled):
            response["Retry-After"] = str(exc.retry_after)
        return response
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = exception_handler(exc, context)
    if response is None:
        return None  # unexpected: Django's 500 handler answers, without details
    if isinstance(exc, exceptions.ValidationError):
        response.data = error_body(
            "The request is invalid.", "invalid", _flatten_validation(exc.detail)
        )
        response.status_code = status.HTTP_400_BAD_REQUEST
        return response
    detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    codes = exc.get_codes()
    code = codes if isinstance(codes, str) else getattr(exc, "default_code", "error")
    response.data = error_body(str(detail), code)
    return response


API_PREFIXES = ("/api/", "/auth/", "/server/")

# What Django's own answers mean, for the statuses it gives without DRF (handlers, middleware,
# its debug pages).
_DJANGO_ERRORS = {
    400: ("The request is malformed.", "bad_request"),
    403: ("You do not have permission to perform this action.", "permission_denied"),
    404: ("Not found.", "not_found"),
    405: ("Method not allowed.", "method_not_allowed"),
    413: ("The request body is too large.", "too_large"),
    500: ("The server failed to handle this request.", "server_error"),
}


def _wants_json(request) -> bool:
    return request.path.startswith(API_PREFIXES)


def _is_json(response) -> bool:
    media_type = response.get("Content-Type", "").split(";")[0].strip()
    return media_type == "application/json" or media_type.endswith("+json")


class ApiErrorsMiddleware:
    """Under the API's paths every error is JSON in the one shape, whoever answered it: with
    DEBUG on, Django answers unknown paths, failures and refused requests with HTML debug
    pages (handler404/handler500 are only used with DEBUG off). The traceback of a failure is
    still logged by Django (django.request) before it gets here."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code < 400 or not _wants_json(request) or _is_json(response):
            return response
        detail, code = _DJANGO_ERRORS.get(
            response.status_code, (HTTPStatus(response.status_code).phrase + ".", "error")
        )
        # The same response object, its body rewritten: Django has already logged a failure
        # against it, and a new response would be logged a second time.
        response.content = json.dumps(error_body(detail, code))
        response["Content-Type"] = "application/json"
        if response.has_header("Content-Length"):  # set for the old body by CommonMiddleware
            response["Content-Length"] = str(len(response.content))
        return response


def handler400(request, exception=None):
    if _wants_json(request):
        if isinstance(exception, RequestDataTooBig):
            return JsonResponse(too_large_body(), status=413)
        return JsonResponse(error_body(*_DJANGO_ERRORS[400]), status=400)
    from django.views.defaults import bad_request

    return bad_request(request, exception)


def handler403(request, exception=None):
    if _wants_json(request):
        return JsonResponse(
            error_body("Your role does not allow this.", "permission_denied"), status=403
        )
    from django.views.defaults import permission_denied

    return permission_denied(request, exception, template_name="403.html")


def handler404(request, exception=None):
    if _wants_json(request):
        return JsonResponse(error_body("Not found.", "not_found"), status=404)
    from django.views.defaults import page_not_found

    return page_not_found(request, exception, template_name="404.html")


# The last resort when even 500.html cannot be rendered (a broken template, a missing static
# manifest): plain HTML that needs nothing at all.
PLAIN_SERVER_ERROR = (
    "<!doctype html><html lang=en><meta charset=utf-8><title>Server error · Warecache</title>"
    "<h1>Something went wrong</h1><p>The server failed to handle this request. The error has "
    'been logged; please try again in a moment.</p><p><a href="/">Go to the home page</a></p>'
)


def handler500(request):
    if _wants_json(request):
        return JsonResponse(
            error_body("The server failed to handle this request.", "server_error"), status=500
        )
    # Rendered without the request or any context, like Django's own server_error: whatever
    # failed (the database, the session) must not be needed to say so.
    try:
        body = loader.render_to_string("500.html")
    except Exception:  # the page must answer whatever broke; the cause is logged
        logger.exception("The 500 page could not be rendered; answering with plain HTML.")
        body = PLAIN_SERVER_ERROR
    return HttpResponseServerError(body)
