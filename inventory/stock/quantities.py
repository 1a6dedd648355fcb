"""The one rule for a stock quantity, shared by every caller of the ledger.

A quantity is a plain decimal number: finite, written without exponent notation, with at most
``DECIMAL_PLACES`` decimals and fewer than ``INTEGER_DIGITS`` digits before the point (what the
ledger's ``numeric(18, 6)`` columns hold), whole for parts counted in pieces, and positive where
an operation moves stock. The ledger services call :func:`check_quantity` on every quantity they
receive, whoever sends it (API, UI, admin, import, Celery task); forms and serializers call
:func:`parse_quantity` on text so their errors read the same. The database constrains the
columns to the same range (``QUANTITY_RANGE`` in the models), so an out-of-range row cannot be
written even by code that skips the services."""

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from django.db.models import Q

from config.core.errors import ValidationFailed

MAX_DIGITS = 18
DECIMAL_PLACES = 6
INTEGER_DIGITS = MAX_DIGITS - DECIMAL_PLACES
# Exclusive bound on the absolute value of any quantity column: 999,999,999,999.999999 fits.
QUANTITY_LIMIT = Decimal(10**INTEGER_DIGITS)
QUANTUM = Decimal(1).scaleb(-DECIMAL_PLACES)

# Digits, an optional point and decimals; a comma is accepted as the point (scanners and
# keyboards of many locales send one). No exponent, no thousands separators, no spaces inside.
_PLAIN_DECIMAL = re.compile(r"^[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)$", re.ASCII)
# A number that is more likely a scanned barcode than a typed quantity: EAN-8 and longer.
_BARCODE_DIGITS = 8


def _refuse(name: str, sentence: str, *, code: str = "invalid_quantity") -> ValidationFailed:
    return ValidationFailed(
        f"The {name} {sentence}", code=code, errors={name: [sentence[0].upper() + sentence[1:]]}
    )


def parse_quantity(text: object, *, name: str = "quantity") -> Decimal:
    """Read a quantity typed or sent as text (or a number): a plain decimal, nothing else.
    Raises ValidationFailed naming ``name`` for exponents, words, NaN and infinity."""
    if isinstance(text, bool) or text is None:
        raise _refuse(name, "must be a number.")
    if isinstance(text, Decimal | int):
        return check_quantity(Decimal(text), name=name, allow_zero=True, allow_negative=True)
    if isinstance(text, float):
        text = repr(text)
    raw = str(text).strip()
    if len(raw) > MAX_DIGITS + 3 and _PLAIN_DECIMAL.match(raw):
        raise _refuse(name, f"is too large: at most {INTEGER_DIGITS} digits before the point.")
    if not _PLAIN_DECIMAL.match(raw):
        raise _refuse(name, "must be a plain number such as 12 or 0.5 (no exponent, no units).")
    try:
        value = Decimal(raw.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
        raise _refuse(name, "must be a number.") from None
    return check_quantity(value, name=name, allow_zero=True, allow_negative=True)


def check_quantity(
    value: object,
    *,
    name: str = "quantity",
    allow_zero: bool = False,
    allow_negative: bool = False,
    whole: bool = False,
    whole_reason: str = "",
) -> Decimal:
    """The quantity rule. Returns the value as a Decimal, or raises ValidationFailed (400,
    code ``invalid_quantity``) with a sentence that names ``name``: not finite, too many
    decimals, too large, zero or negative where not allowed, or a fraction where ``whole``."""
    if isinstance(value, str | float):
        return check_quantity(
            parse_quantity(value, name=name),
            name=name,
            allow_zero=allow_zero,
            allow_negative=allow_negative,
            whole=whole,
            whole_reason=whole_reason,
        )
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise _refuse(name, "must be a number.")
    value = Decimal(value)
    if not value.is_finite():
        raise _refuse(name, "must be a finite number.")
    if abs(value) >= QUANTITY_LIMIT:
        raise _refuse(name, f"is too large: at most {INTEGER_DIGITS} digits before the point.")
    if value != value.quantize(QUANTUM):
        raise _refuse(name, f"has too many decimals: at most {DECIMAL_PLACES}.")
    if value < 0 and not allow_negative:
        raise _refuse(name, "cannot be negative." if allow_zero else "must be greater than zero.")
    if value == 0 and not allow_zero:
        raise _refuse(name, "must be greater than zero.")
    if whole and value != value.to_integral_value():
        raise _refuse(name, whole_reason or "must be a whole number.")
    # One canonical form, without padding zeros: 1000.000 and 1E+3 are both 1000.
    value = value.quantize(QUANTUM).normalize()
    return value.quantize(Decimal(1)) if value.as_tuple().exponent > 0 else value


def check_total(value: Decimal, *, what: str | Callable[[], str]) -> None:
    """A sum the ledger keeps (a balance, a part's total) must still fit its column. ``what``
    names it in the refusal; a callable is only called then (the ledger checks every balance
    it writes, and the name is rarely needed)."""
    if abs(value) >= QUANTITY_LIMIT:
        what = what() if callable(what) else what
        raise ValidationFailed(
            f"That would make {what} {value:,f}, more than the ledger can hold "
            f"({INTEGER_DIGITS} digits before the point).",
            code="quantity_out_of_range",
            errors={"quantity": ["Too large for the ledger."]},
        )


def fits_quantity_column(field: str, *, nullable: bool = False) -> Q:
    """The condition of a CHECK constraint that keeps ``field`` within the quantity range."""
    condition = Q(**{f"{field}__gt": -QUANTITY_LIMIT, f"{field}__lt": QUANTITY_LIMIT})
    return Q(**{f"{field}__isnull": True}) | condition if nullable else condition


def looks_like_barcode(text: str) -> bool:
    """A scanned number that is probably a barcode (EAN-8, UPC-A, EAN-13, GTIN-14, or any
    longer run of digits), not a typed quantity: the scanner pages ask for it again."""
    digits = text.strip()
    return digits.isascii() and digits.isdigit() and len(digits.lstrip("0")) >= _BARCODE_DIGITS
