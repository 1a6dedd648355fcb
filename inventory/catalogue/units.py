"""Reading and writing physical quantities of info keys ("10k", "4k7", "100 nF", "0.1 µF").

Values are converted to the info key's unit with pint and kept as exact ``Decimal`` numbers,
rounded to :data:`SIGNIFICANT_DIGITS` after conversion so that "10 kΩ" is 10000, never
9999.999999999998. Electronics shorthand that pint does not know is rewritten first:

- a bare SI prefix after the number means "that prefix of the key's unit": ``10k`` → 10 kΩ
  for a resistance, ``100n`` → 100 nF for a capacitance (``K`` is accepted for kilo);
- resistor notation puts the prefix (or ``R`` for none) where the decimal point goes:
  ``4k7`` = 4.7k, ``4R7`` = 4.7, ``2M2`` = 2.2M;
- ``u``, ``µ`` (micro sign) and ``μ`` (Greek mu) all mean micro.
"""

import functools
import re
from decimal import Context, Decimal, InvalidOperation, getcontext

import pint

ureg = pint.UnitRegistry(non_int_type=Decimal)

SIGNIFICANT_DIGITS = 12
_SIGNIFICANT = Context(prec=SIGNIFICANT_DIGITS)
_ONE = Decimal(1)

# The prefix letters people type after a number, and their powers of ten.
PREFIX_EXPONENTS = {
    "p": -12,
    "n": -9,
    "u": -6,
    "m": -3,
    "k": 3,
    "K": 3,
    "M": 6,
    "G": 9,
}
# For display: the prefix chosen for a magnitude (only for plain, unprefixed units).
_DISPLAY_PREFIXES = ((9, "G"), (6, "M"), (3, "k"), (0, ""), (-3, "m"), (-6, "µ"), (-9, "n"))
_DISPLAY_SMALLEST = (-12, "p")

_NUMBER = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?"
_PLAIN = re.compile(rf"^\s*({_NUMBER})\s*(.*?)\s*$")
# "4k7", "4R7", "2M2", "0R1" and, with a unit after it, "4k7 ohm" / "4k7Ω".
_RESISTOR = re.compile(r"^\s*([+-]?\d+)([pnumkKMGR])(\d+)\s*(.*?)\s*$")


class UnitError(ValueError):
    """A value that cannot be read as a quantity in the wanted unit. ``str()`` is a sentence
    for the person who typed it."""


def check_unit(unit: str) -> str:
    """Validate a unit name for an info key; returns it unchanged. Empty means a plain number."""
    if not unit:
        return unit
    try:
        ureg.parse_units(unit)
    except (pint.errors.PintError, AttributeError, TypeError, ValueError) as exc:
        raise UnitError(f"{unit!r} is not a unit this server knows.") from exc
    return unit


# Unit names come from info keys, a handful per installation, and the registry never changes
# after import: each is parsed by pint once per process instead of once per value shown.
@functools.lru_cache(maxsize=512)
def unit_symbol(unit: str) -> str:
    """The short symbol of a unit for display: "ohm" → "Ω", "uF" → "µF"."""
    if not unit:
        return ""
    try:
        return f"{ureg.parse_units(unit):~P}"
    except (pint.errors.PintError, AttributeError, TypeError, ValueError):
        return unit


def round_significant(value: Decimal) -> Decimal:
    """Round to :data:`SIGNIFICANT_DIGITS` significant digits, without exponent noise for
    integers (10000, not 1E+4)."""
    rounded = value.normalize(_SIGNIFICANT)
    # An integer past the default context's 28 digits cannot be written out: keep 1E+30.
    if rounded == rounded.to_integral_value() and rounded.adjusted() < getcontext().prec:
        return rounded.quantize(_ONE)
    return rounded


def _to_decimal(text: str, original: object) -> Decimal:
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise UnitError(f"{original!r} is not a number.") from exc
    if not number.is_finite():
        raise UnitError(f"{original!r} is not a finite number.")
    return number


def _normalise_text(value: str) -> str:
    # U+00B5 MICRO SIGN and U+03BC GREEK SMALL LETTER MU look alike; pint knows "u" for both.
    return value.replace("\u00b5", "u").replace("\u03bc", "u").strip()


def _convert(number: Decimal, suffix: str, unit: str, original: object) -> Decimal:
    """``number`` followed by ``suffix`` (maybe empty, a bare prefix or a unit), in ``unit``."""
    wanted = unit or ""
    if not suffix:
        return number
    if suffix in PREFIX_EXPONENTS:
        # "5m" for a length is 5 metres, not 5 milli-millimetres; for anything else a lone
        # letter is a prefix ("10k", "100n", "1u" would otherwise be pint constants).
        if suffix == "m" and wanted:
            try:
                return _pint_convert(number, suffix, wanted)
            except UnitError:
                pass
        return number.scaleb(PREFIX_EXPONENTS[suffix])
    return _pint_convert(number, suffix, wanted, original)


def _pint_convert(
    number: Decimal, suffix: str, unit: str, original: object | None = None
) -> Decimal:
    shown = original if original is not None else f"{number} {suffix}"
    try:
        source = ureg.parse_units(suffix)
    except (pint.errors.PintError, AttributeError, TypeError, ValueError) as exc:
        raise UnitError(f"Cannot read {shown!r}: {suffix!r} is not a unit.") from exc
    target = ureg.parse_units(unit) if unit else ureg.dimensionless
    try:
        converted = ureg.Quantity(number, source).to(target).magnitude
    except pint.errors.DimensionalityError as exc:
        wanted = unit_symbol(unit) if unit else "a plain number"
        raise UnitError(
            f"{shown!r} cannot be converted to {wanted}: it is a different kind of quantity."
        ) from exc
    return Decimal(converted)


def parse_quantity(value: object, unit: str = "") -> Decimal:
    """Read ``value`` as a quantity and return its magnitude in ``unit`` (the info key's
    unit; empty for a plain number), rounded to :data:`SIGNIFICANT_DIGITS` digits.

    Numbers are taken to be in ``unit`` already. Strings may carry an SI prefix, a unit or
    both ("10k", "10 kΩ", "10000 ohm", "100nF", "4k7"). Raises :class:`UnitError` with a
    message meant for people when the text is not a quantity or has the wrong dimension."""
    if isinstance(value, bool) or value is None:
        raise UnitError(f"{value!r} is not a number.")
    if isinstance(value, int | float | Decimal):
        return round_significant(_to_decimal(str(value), value))
    if not isinstance(value, str):
        raise UnitError(f"{value!r} is not a number.")
    text = _normalise_text(value)
    if not text:
        raise UnitError("A value is required.")
    resistor = _RESISTOR.match(text)
    if resistor:
        whole, letter, fraction, suffix = resistor.groups()
        number = _to_decimal(f"{whole}.{fraction}", value)
        if letter != "R":
            number = number.scaleb(PREFIX_EXPONENTS[letter])
        if suffix:
            return round_significant(_pint_convert(number, suffix, unit, value))
        return round_significant(number)
    plain = _PLAIN.match(text)
    if not plain:
        raise UnitError(f"Cannot read {value!r} as a quantity.")
    number_text, suffix = plain.groups()
    number = _to_decimal(number_text, value)
    return round_significant(_convert(number, suffix, unit, value))


def _trim(number: Decimal) -> str:
    text = f"{round_significant(number):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def format_quantity(number: object, unit: str = "") -> str:
    """Show a stored value for people: ``format_quantity(10000, "ohm")`` → ``"10 kΩ"``.

    An SI prefix is chosen only for plain units (ohm, F, V, Hz); a unit that already has a
    prefix (mm, uF) or is compound is shown as it is: ``5 mm``."""
    return _format_text(str(number), unit)


# Keyed by the number's text, which is all the result depends on: pages of parts repeat the
# same few values (E-series resistances, package sizes) over and over.
@functools.lru_cache(maxsize=4096)
def _format_text(text: str, unit: str) -> str:
    value = Decimal(text)
    if not unit:
        return _trim(value)
    symbol = unit_symbol(unit)
    prefix = ""
    if _is_plain_unit(unit) and value != 0:
        exponent = value.copy_abs().adjusted()
        power, prefix = next(
            ((p, letter) for p, letter in _DISPLAY_PREFIXES if exponent >= p), _DISPLAY_SMALLEST
        )
        value = value.scaleb(-power)
    return f"{_trim(value)} {prefix}{symbol}"


@functools.lru_cache(maxsize=512)
def _is_plain_unit(unit: str) -> bool:
    try:
        parsed = ureg.parse_units(unit)
    except (pint.errors.PintError, AttributeError, TypeError, ValueError):
        return False
    items = list(parsed._units.items())
    if len(items) != 1 or items[0][1] != 1:
        return False
    name = items[0][0]
    if name in {"percent", "degree_Celsius", "degree_Fahrenheit", "kilogram", "gram"}:
        return False
    prefixes = ureg.parse_unit_name(name)
    return bool(prefixes) and prefixes[0][0] == ""
