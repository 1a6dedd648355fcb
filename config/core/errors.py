"""One error shape for the whole API: {"detail", "code", "errors"?} (DESIGN.md).

Services raise :class:`ServiceError` subclasses; the API turns them into responses here and the
UI shows their ``detail`` inline, so both speak the same rules."""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, JsonResponse
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


def _flatten_validation(data) -> dict:
    if isinstance(data, dict):
        return {
            key: (
                _flatten_validation(value)
                if isinstance(value, dict)
                else [str(item) for item in value]
                if isinstance(value, list)
                else [str(value)]
            )
            for key, value in data.items()
        }
    if isinstance(data, list):
        return {"non_field_errors": [str(item) for item in data]}
    return {"non_field_errors": [str(data)]}


def api_exception_handler(exc, context):
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


def _wants_json(request) -> bool:
    return request.path.startswith(("/api/", "/auth/", "/server/"))


def handler404(request, exception=None):
    if _wants_json(request):
        return JsonResponse(error_body("Not found.", "not_found"), status=404)
    from django.views.defaults import page_not_found

    return page_not_found(request, exception, template_name="404.html")


def handler500(request):
    if _wants_json(request):
        return JsonResponse(
            error_body("The server failed to handle this request.", "server_error"), status=500
        )
    from django.views.defaults import server_error

    return server_error(request, template_name="500.html")
