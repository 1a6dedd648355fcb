"""Reading and showing quantities of info keys (inventory.catalogue.units)."""

from decimal import Decimal

import pytest

from inventory.catalogue.units import UnitError, check_unit, format_quantity, parse_quantity


@pytest.mark.parametrize(
    "text", ["10k", "10K", "10 k", "10 kΩ", "10kohm", "10000 ohm", "10000", 10000, "0.01 MΩ"]
)
def test_ten_kiloohm_spelled_any_way_is_10000_ohm(text):
    assert parse_quantity(text, "ohm") == Decimal(10000)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("4k7", "4700"), ("4R7", "4.7"), ("2M2", "2200000"), ("0R1", "0.1"), ("4k7 ohm", "4700")],
)
def test_resistor_notation_puts_the_prefix_at_the_decimal_point(text, expected):
    assert parse_quantity(text, "ohm") == Decimal(expected)


@pytest.mark.parametrize("text", ["100nF", "100 nF", "0.1uF", "0.1 µF", "0.1 μF", "100n"])
def test_micro_and_nano_farads_convert_to_farads(text):
    assert parse_quantity(text, "F") == Decimal("1E-7")


def test_values_are_rounded_after_conversion_so_no_float_noise_remains():
    assert parse_quantity("3.3 kohm", "ohm") == Decimal(3300)
    assert str(parse_quantity("0.1 uF", "nF")) == "100"
    assert parse_quantity("33.3333333333333333", "") == Decimal("33.3333333333")


def test_a_lone_m_is_metres_for_lengths_and_milli_otherwise():
    assert parse_quantity("5m", "mm") == Decimal(5000)
    assert parse_quantity("5m", "ohm") == Decimal("0.005")


def test_plain_numbers_accept_si_prefixes():
    assert parse_quantity("10k", "") == Decimal(10000)


@pytest.mark.parametrize(
    ("value", "unit", "message"),
    [
        ("10 V", "ohm", "different kind of quantity"),
        ("abc", "ohm", "Cannot read"),
        ("10 qq", "ohm", "not a unit"),
        ("", "ohm", "required"),
        ("nan", "", "Cannot read"),
        (True, "ohm", "not a number"),
        ("10 ohm", "", "plain number"),
    ],
)
def test_garbage_and_wrong_dimensions_are_clear_errors(value, unit, message):
    with pytest.raises(UnitError, match=message):
        parse_quantity(value, unit)


@pytest.mark.parametrize(
    ("number", "unit", "shown"),
    [
        (10000, "ohm", "10 kΩ"),
        (4700, "ohm", "4.7 kΩ"),
        (2200000, "ohm", "2.2 MΩ"),
        (1e-07, "F", "100 nF"),
        (1.5e-12, "F", "1.5 pF"),
        (3.3, "V", "3.3 V"),
        (0, "ohm", "0 Ω"),
        (100, "uF", "100 µF"),
        (5, "mm", "5 mm"),
        (12, "", "12"),
    ],
)
def test_format_quantity_picks_an_si_prefix_for_plain_units(number, unit, shown):
    assert format_quantity(number, unit) == shown


def test_unknown_units_are_rejected_for_info_keys():
    assert check_unit("ohm") == "ohm"
    with pytest.raises(UnitError):
        check_unit("bananas")
