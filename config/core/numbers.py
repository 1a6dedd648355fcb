"""Numbers as people read them, for the changelog, messages and exports."""

from decimal import Decimal


def plain_number(value: Decimal) -> str:
    """A decimal as people write it: no exponent, no trailing zeros (100, 0.012, 4.7)."""
    # normalize() alone writes 100 as 1E+2; the "f" format spells it out again.
    return format(Decimal(value).normalize(), "f")


def whole_number(text: str, *, max_digits: int) -> int | None:
    """The number ``text`` writes in 1 to ``max_digits`` ASCII digits, else None. Not
    ``str.isdigit()`` alone: "³" and "٣" are digits to it, and int() refuses the first."""
    if 0 < len(text) <= max_digits and text.isascii() and text.isdigit():
        return int(text)
    return None
