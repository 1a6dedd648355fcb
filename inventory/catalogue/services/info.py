"""Info values: validated against the part type's info keys, normalised, and mirrored into
the typed ``PartInfoValue`` rows that filters use."""

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from config.core.errors import ValidationFailed
from inventory.catalogue.units import UnitError, parse_quantity
from inventory.models import (
    InfoKey,
    PartInfoValue,
    PartType,
)

_TRUE = frozenset({"true", "yes", "y", "1", "on"})
_FALSE = frozenset({"false", "no", "n", "0", "off"})
_IN_CHUNK = 900  # ids per "IN (...)": below SQLite's oldest variable limit

# ---------------------------------------------------------------------------------------------
# Info values


# Numbers are mirrored into a float column: past 1e15 a float no longer holds every integer,
# and a huge one cannot even be written as JSON.
_NUMBER_LIMIT = Decimal("1e15")


def _json_number(value: Decimal) -> int | float:
    if abs(value) >= _NUMBER_LIMIT:
        raise ValueError("Too large: at most 15 digits before the point.")
    return int(value) if value == value.to_integral_value() else float(value)


def _clean_info_value(key: InfoKey, value: Any) -> Any:
    """One value for ``key``, normalised; raises ``ValueError`` with a sentence for people."""
    if key.kind == InfoKey.Kind.QUANTITY:
        return _json_number(parse_quantity(value, key.unit))
    if key.kind == InfoKey.Kind.NUMBER:
        return _json_number(parse_quantity(value, ""))
    if key.kind == InfoKey.Kind.BOOLEAN:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower() if isinstance(value, str | int) else None
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise ValueError(f"{value!r} is not yes/no (true or false).")
    if not isinstance(value, str):
        raise ValueError(f"Expected text, got {value!r}.")
    text = value.strip()
    if key.kind == InfoKey.Kind.CHOICE:
        by_fold = {str(choice).casefold(): str(choice) for choice in key.choices}
        if text.casefold() not in by_fold:
            raise ValueError(f"{text!r} is not one of: {', '.join(map(str, key.choices))}.")
        return by_fold[text.casefold()]
    if len(text) > 255:
        raise ValueError("At most 255 characters.")
    return text


def _mirror(key: InfoKey, value: Any) -> PartInfoValue:
    if key.is_numeric:
        return PartInfoValue(info_key=key, number=float(value))
    if isinstance(value, bool):
        return PartInfoValue(info_key=key, text="true" if value else "false")
    return PartInfoValue(info_key=key, text=value)


def _check_info(
    info_keys: Sequence[InfoKey], info: Any
) -> tuple[dict[str, Any], list[PartInfoValue], dict[str, list[str]]]:
    if not isinstance(info, Mapping):
        return {}, [], {"info": ["Must be an object of info key → value."]}
    by_key = {key.key: key for key in info_keys}
    normalised: dict[str, Any] = {}
    rows: list[PartInfoValue] = []
    errors: dict[str, list[str]] = {}
    for name, value in info.items():
        key = by_key.get(name)
        if key is None:
            errors[f"info.{name}"] = [f"Unknown info key; this part type has: {', '.join(by_key)}."]
            continue
        if value is None or value == "":
            continue  # absent: an empty CSV cell or an explicit null
        try:
            cleaned = _clean_info_value(key, value)
        except (UnitError, ValueError) as exc:
            errors[f"info.{name}"] = [str(exc)]
            continue
        normalised[name] = cleaned
        rows.append(_mirror(key, cleaned))
    for key in info_keys:
        if key.required and key.key not in normalised and f"info.{key.key}" not in errors:
            errors[f"info.{key.key}"] = ["This info key is required."]
    ordered = {key.key: normalised[key.key] for key in info_keys if key.key in normalised}
    return ordered, rows, errors


def validate_info(
    part_type: PartType, info: Any, *, info_keys: Sequence[InfoKey] | None = None
) -> tuple[dict[str, Any], list[PartInfoValue]]:
    """Check ``info`` against the type's info keys and normalise it (module docstring).

    Returns the dict to store in ``Part.info`` and the unsaved ``PartInfoValue`` rows that
    mirror it (``part`` not set). Unknown keys, values of the wrong kind, quantities in a wrong
    or unknown unit, choices not offered and missing required keys raise ``ValidationFailed``
    with one error list per ``"info.<key>"``. Pass ``info_keys`` when they are already loaded."""
    keys = list(part_type.info_keys.all()) if info_keys is None else info_keys
    normalised, rows, errors = _check_info(keys, info)
    if errors:
        raise ValidationFailed("Some info values are not valid.", errors=errors)
    return normalised, rows
