"""Times given as text by API clients (``since``, ``until``, the changelog's ``timestamp``):
ISO 8601, where no zone means UTC, or Unix epoch seconds. One reading and one documented
form for every endpoint that takes a time."""

import re
from datetime import UTC, datetime

# ASCII digits only ([0-9], not \d, which in Python also matches other scripts' digits).
# At most 11 whole digits of epoch seconds (10 when negative): every such value is a time
# Python can hold (the years 1653 to 5138), so a value the pattern admits is never refused.
_EPOCH = r"(-?[0-9]{1,10}|[0-9]{11})(\.[0-9]{1,6})?"
# The documented ISO form takes the years 1000 to 9999 and stops at the 28th, so that every
# date it admits exists; the server reads any ISO 8601 date (the 31st too).
_ISO = (
    r"[1-9][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])"
    r"([T ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?"
    r"(Z|[+-]([01][0-9]|2[0-3]):?[0-5][0-9])?)?"
)
TIME_PATTERN = rf"^({_EPOCH}|{_ISO})$"
TIME_HINT = (
    "Use ISO 8601 (2026-01-31T12:00:00Z; no zone means UTC) or Unix epoch seconds "
    "(at most 11 digits before the point)."
)

_EPOCH_SHAPE = re.compile(r"-?[0-9]+(\.[0-9]+)?")
_EPOCH_FORM = re.compile(_EPOCH)


def parse_time(text: str) -> datetime:
    """The moment ``text`` names, aware (UTC when it has no zone). Raises ValueError with
    :data:`TIME_HINT` for anything else: spaces around it, an epoch past the documented digits,
    a time with no UTC equivalent (year 1 at +14:00)."""
    try:
        if _EPOCH_SHAPE.fullmatch(text):
            if not _EPOCH_FORM.fullmatch(text):
                raise ValueError(text)
            return datetime.fromtimestamp(float(text), tz=UTC)
        moment = datetime.fromisoformat(text)
        moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        # The database compares in UTC: a time that has none is refused here, not there.
        moment.astimezone(UTC)
    except (ValueError, OverflowError, OSError):
        raise ValueError(TIME_HINT) from None
    return moment
