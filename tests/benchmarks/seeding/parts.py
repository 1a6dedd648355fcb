"""Believable synthetic parts of the demo part types (inventory/demo.toml) for ``seed_demo``:
E-series values, manufacturer-style MPNs, info values normalised exactly as the part services
store them."""

import random
from decimal import Decimal

from inventory.catalogue.units import round_significant
from inventory.demo import demo_data

E24 = [
    Decimal(text)
    for text in [
        "1.0",
        "1.1",
        "1.2",
        "1.3",
        "1.5",
        "1.6",
        "1.8",
        "2.0",
        "2.2",
        "2.4",
        "2.7",
        "3.0",
        "3.3",
        "3.6",
        "3.9",
        "4.3",
        "4.7",
        "5.1",
        "5.6",
        "6.2",
        "6.8",
        "7.5",
        "8.2",
        "9.1",
    ]
]
E6 = [Decimal(text) for text in ["1.0", "1.5", "2.2", "3.3", "4.7", "6.8"]]
POWER = {"0402": "0.0625", "0603": "0.1", "0805": "0.125", "1206": "0.25", "THT": "0.25"}
WEIGHT = {"0402": "0.0006", "0603": "0.002", "0805": "0.0055", "1206": "0.009", "THT": "0.21"}
SIZE_CODE = {"0402": "155", "0603": "188", "0805": "21B", "1206": "31M", "THT": "RAD"}
DIELECTRIC_CODE = {"C0G": "5C", "X7R": "R7", "X5R": "R6", "Y5V": "F5"}
VOLTAGE_CODE = {"6.3": "0J", "10": "1A", "16": "1C", "25": "1E", "50": "1H", "100": "2A"}
MAKERS = {
    "resistor": ["Yageo", "Vishay", "Panasonic", "Bourns", "KOA Speer", "Stackpole"],
    "capacitor": ["Murata", "Samsung Electro-Mechanics", "TDK", "KEMET", "Yageo", "Taiyo Yuden"],
    "regulator": ["Texas Instruments", "Diodes Incorporated", "Microchip Technology", "ON Semi"],
    "mcu": ["STMicroelectronics", "Microchip Technology", "NXP", "Nordic Semiconductor"],
    "connector": ["JST", "Molex", "Würth Elektronik", "Amphenol ICC", "TE Connectivity"],
}
CORES = ["ARM Cortex-M0+", "ARM Cortex-M3", "ARM Cortex-M4F", "ARM Cortex-M7", "RISC-V", "AVR"]
# The package choices of the demo's resistors and capacitors.
PACKAGES = next(
    key["choices"]
    for part_type in demo_data()["part_types"]
    if part_type["slug"] == "resistor"
    for key in part_type["info_keys"]
    if key["key"] == "package"
)
MCU_PACKAGES = ["LQFP-32", "LQFP-48", "LQFP-64", "QFN-32", "QFN-48", "TSSOP-20", "UFBGA-64"]


def _number(value: Decimal) -> int | float:
    """As the part services store quantities: 12 significant digits, int when integral."""
    value = round_significant(value)
    return int(value) if value == value.to_integral_value() else float(value)


def _r_code(ohms: Decimal) -> str:
    """Resistor notation of an MPN: 4700 → 4K7, 10000 → 10K, 100 → 100R, 1.5 → 1R5."""
    for letter, exponent in (("M", 6), ("K", 3), ("R", 0)):
        if ohms >= Decimal(10) ** exponent or letter == "R":
            text = format(ohms.scaleb(-exponent).normalize(), "f")
            return text.replace(".", letter) if "." in text else text + letter
    raise AssertionError


def _synthetic_resistor(rng: random.Random, serial: int) -> tuple[dict, dict]:
    ohms = rng.choice(E24).scaleb(rng.randint(0, 6))
    package = rng.choice(PACKAGES)
    tolerance = rng.choice(["1", "1", "1", "5", "0.5", "0.1"])
    maker = rng.choice(MAKERS["resistor"])
    fields = {
        "mpn": f"MFR-25FBF52-{_r_code(ohms)}-{serial % 97:02d}"
        if package == "THT"
        else f"RC{package}{'F' if tolerance == '1' else 'J'}R-07{_r_code(ohms)}L-{serial % 97:02d}",
        "manufacturer": maker,
        "description": f"Resistor {_r_code(ohms)} {tolerance}% {POWER[package]}W {package}",
        "footprint": f"Resistor_SMD:R_{package}" if package != "THT" else "Resistor_THT:R_Axial",
        "unit_weight_g": Decimal(WEIGHT[package]),
    }
    info = {
        "resistance": _number(ohms),
        "tolerance": _number(Decimal(tolerance)),
        "power": _number(Decimal(POWER[package])),
        "package": package,
    }
    return fields, info


def _synthetic_capacitor(rng: random.Random, serial: int) -> tuple[dict, dict]:
    exponent = rng.randint(0, 7)  # 1 pF to 68 µF
    mantissa = rng.choice(E6)
    farads = mantissa.scaleb(exponent - 12)
    package = rng.choice(PACKAGES)
    dielectric = "C0G" if exponent < 3 else rng.choice(["X7R", "X5R", "X7R", "Y5V"])
    volts = rng.choice(list(VOLTAGE_CODE))
    code = f"{int(mantissa * 10)}{exponent}" if exponent else f"{mantissa}".replace(".", "R")
    fields = {
        "mpn": f"GRM{SIZE_CODE[package]}{DIELECTRIC_CODE[dielectric]}{VOLTAGE_CODE[volts]}"
        f"{code}KA{serial % 89:02d}D",
        "manufacturer": rng.choice(MAKERS["capacitor"]),
        "description": f"MLCC {dielectric} {code} {volts}V {package}",
        "footprint": f"Capacitor_SMD:C_{package}" if package != "THT" else "Capacitor_THT:C_Disc",
        "unit_weight_g": Decimal(WEIGHT[package]) * 2,
    }
    info = {
        "capacitance": _number(farads),
        "voltage": _number(Decimal(volts)),
        "dielectric": dielectric,
        "package": package,
    }
    return fields, info


def _synthetic_regulator(rng: random.Random, serial: int) -> tuple[dict, dict]:
    kind = rng.choice(["LDO", "LDO", "buck", "boost"])
    volts = rng.choice(["1.2", "1.8", "2.5", "3.3", "3.3", "5", "12"])
    amps = rng.choice(["0.15", "0.3", "0.5", "1", "2", "3"])
    fields = {
        "mpn": f"TPS{rng.randint(6, 7)}{serial % 10000:04d}{'DBVR' if kind == 'LDO' else 'RGTR'}",
        "manufacturer": rng.choice(MAKERS["regulator"]),
        "description": f"{kind} {volts}V {amps}A",
        "footprint": "Package_TO_SOT_SMD:SOT-23-5",
        "unit_weight_g": Decimal("0.014"),
    }
    info = {"output_voltage": _number(Decimal(volts)), "output_current": _number(Decimal(amps))}
    info["type"] = kind
    return fields, info


def _synthetic_mcu(rng: random.Random, serial: int) -> tuple[dict, dict]:
    flash = rng.choice([16, 32, 64, 128, 256, 512, 1024, 2048])
    package = rng.choice(MCU_PACKAGES)
    core = rng.choice(CORES)
    fields = {
        "mpn": f"STM32G{serial % 1000:03d}{'KCRV'[serial % 4]}{flash // 16}T6",
        "manufacturer": rng.choice(MAKERS["mcu"]),
        "description": f"MCU {core}, {flash}kB flash, {package}",
        "footprint": f"Package_QFP:{package}",
        "unit_weight_g": Decimal("0.15"),
    }
    return fields, {"core": core, "flash": flash, "package": package}


def _synthetic_connector(rng: random.Random, serial: int) -> tuple[dict, dict]:
    pins = rng.randint(2, 40)
    pitch = rng.choice(["1", "1.25", "2", "2.5", "2.54"])
    gender = rng.choice(["male", "female"])
    fields = {
        "mpn": f"B{pins}B-{rng.choice(['PH', 'XH', 'SH', 'ZH'])}-K-S-{serial % 1000:03d}",
        "manufacturer": rng.choice(MAKERS["connector"]),
        "description": f"Header {pins} pins {pitch}mm {gender}",
        "footprint": f"Connector:{pins}P_{pitch}mm",
        "unit_weight_g": Decimal("0.05") * pins,
    }
    info = {"pins": pins, "pitch": _number(Decimal(pitch)), "gender": gender}
    return fields, info


GENERATORS = {
    "resistor": _synthetic_resistor,
    "capacitor": _synthetic_capacitor,
    "regulator": _synthetic_regulator,
    "mcu": _synthetic_mcu,
    "connector": _synthetic_connector,
}
# Share of the synthetic parts per type: a stockroom has many more passives than MCUs.
TYPE_WEIGHTS = {"resistor": 40, "capacitor": 35, "regulator": 8, "mcu": 5, "connector": 12}
THRESHOLDS = [10, 25, 50, 100, 250, 500, 1000]
