"""A request id for every request: taken from a sane incoming ``X-Request-ID`` (a proxy's or a
client's) or generated, returned in the ``X-Request-ID`` response header and put on every log
record written while the request is handled, so an error report can be matched to its
traceback in the server's log (see LOGGING in settings)."""

import logging
import re
import uuid
from contextvars import ContextVar

HEADER = "X-Request-ID"
# Ids go into log lines: no spaces, quotes or control characters, and a bounded length.
_SANE = re.compile(r"[A-Za-z0-9._:+/=@-]{1,128}")
_current: ContextVar[str | None] = ContextVar("request_id", default=None)


def current_request_id() -> str | None:
    return _current.get()


class RequestIdMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get(HEADER, "")
        request.request_id = incoming if _SANE.fullmatch(incoming) else uuid.uuid4().hex
        token = _current.set(request.request_id)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = request.request_id
        return response


class RequestIdLogFilter(logging.Filter):
    """Sets ``record.request_id`` ("-" outside a request). Django logs a response's status
    (e.g. an error answer from DRF) after the middleware has returned, but passes the
    request along on the record, so the id is taken from there too."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            request = getattr(record, "request", None)
            record.request_id = getattr(request, "request_id", None) or _current.get() or "-"
        return True
