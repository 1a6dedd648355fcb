"""The demo dataset loaded by ``manage.py load_demo``: a small, believable electronics
catalogue, a lab with shelves and bins, a few lots, and the recipe for ~60 days of stock
history. Only data lives here; :mod:`inventory.services.seeding` turns it into rows.

Part types and their info keys are also what ``seed_demo`` generates its synthetic parts
against, so both commands produce the same shapes.
"""

PACKAGES = ["0402", "0603", "0805", "1206", "THT"]

PART_TYPES = [
    {
        "slug": "resistor",
        "name": "Resistor",
        "ipn_prefix": "RES",
        "description": "Fixed resistors, SMD and through-hole.",
        "info_keys": [
            {"key": "resistance", "kind": "quantity", "unit": "ohm", "required": True},
            {"key": "tolerance", "kind": "quantity", "unit": "percent"},
            {"key": "power", "kind": "quantity", "unit": "W"},
            {"key": "package", "kind": "choice", "choices": PACKAGES},
        ],
    },
    {
        "slug": "capacitor",
        "name": "Capacitor",
        "ipn_prefix": "CAP",
        "description": "Ceramic and electrolytic capacitors.",
        "info_keys": [
            {"key": "capacitance", "kind": "quantity", "unit": "F", "required": True},
            {"key": "voltage", "kind": "quantity", "unit": "V", "label": "Rated voltage"},
            {"key": "dielectric", "kind": "choice", "choices": ["C0G", "X7R", "X5R", "Y5V"]},
            {"key": "package", "kind": "choice", "choices": PACKAGES},
        ],
    },
    {
        "slug": "regulator",
        "name": "Voltage regulator",
        "ipn_prefix": "REG",
        "description": "Linear regulators and switching converters.",
        "info_keys": [
            {"key": "output_voltage", "kind": "quantity", "unit": "V"},
            {"key": "output_current", "kind": "quantity", "unit": "A"},
            {"key": "type", "kind": "choice", "choices": ["LDO", "buck", "boost"]},
        ],
    },
    {
        "slug": "mcu",
        "name": "Microcontroller",
        "ipn_prefix": "MCU",
        "description": "Microcontrollers and wireless modules.",
        "info_keys": [
            {"key": "core", "kind": "text", "required": True},
            {"key": "flash", "kind": "quantity", "unit": "kB"},
            {"key": "package", "kind": "text"},
        ],
    },
    {
        "slug": "connector",
        "name": "Connector",
        "ipn_prefix": "CON",
        "description": "Board connectors, headers and housings.",
        "info_keys": [
            {"key": "pins", "kind": "number", "required": True},
            {"key": "pitch", "kind": "quantity", "unit": "mm"},
            {"key": "gender", "kind": "choice", "choices": ["male", "female"]},
        ],
    },
]

R = "Resistor_SMD:R_{}_{}Metric"
C = "Capacitor_SMD:C_{}_{}Metric"
METRIC = {"0402": "1005", "0603": "1608", "0805": "2012", "1206": "3216"}


def _r(mpn, maker, value, tol, power, package, weight, threshold, **extra):
    footprint = R.format(package, METRIC[package]) if package in METRIC else ""
    return {
        "mpn": mpn,
        "manufacturer": maker,
        "description": f"Resistor {value}Ω {tol}% {power}W {package}",
        "info": {
            "resistance": value,
            "tolerance": f"{tol}%",
            "power": f"{power}W",
            "package": package,
        },
        "footprint": extra.pop("footprint", footprint),
        "unit_weight_g": weight,
        "low_stock_threshold": threshold,
        "tags": extra.pop("tags", ["smd"] if package != "THT" else ["tht"]),
        **extra,
    }


def _c(mpn, maker, value, volts, dielectric, package, weight, threshold, **extra):
    info = {"capacitance": value, "voltage": f"{volts}V", "package": package}
    if dielectric:
        info["dielectric"] = dielectric
    kind = f"MLCC {dielectric}" if dielectric else "Electrolytic capacitor"
    return {
        "mpn": mpn,
        "manufacturer": maker,
        "description": f"{kind} {value}F {volts}V {package}",
        "info": info,
        "footprint": extra.pop("footprint", C.format(package, METRIC.get(package, ""))),
        "unit_weight_g": weight,
        "low_stock_threshold": threshold,
        "tags": extra.pop("tags", ["smd"] if package != "THT" else ["tht"]),
        **extra,
    }


# (part type slug, part fields). Values are typed the way people type them; the services
# normalise them ("10k" → 10000 ohm, "100n" → 1e-07 F).
PARTS = [
    (
        "resistor",
        _r("RC0603FR-0710KL", "Yageo", "10k", 1, 0.1, "0603", "0.002", 1000, tags=["smd", "basic"]),
    ),
    (
        "resistor",
        _r("RC0603FR-071KL", "Yageo", "1k", 1, 0.1, "0603", "0.002", 1000, tags=["smd", "basic"]),
    ),
    ("resistor", _r("RC0603FR-07100RL", "Yageo", "100", 1, 0.1, "0603", "0.002", 500)),
    (
        "resistor",
        _r(
            "RC0603FR-074K7L",
            "Yageo",
            "4k7",
            1,
            0.1,
            "0603",
            "0.002",
            1000,
            tags=["smd", "basic", "i2c"],
        ),
    ),
    (
        "resistor",
        _r("RC0603FR-075K1L", "Yageo", "5k1", 1, 0.1, "0603", "0.002", 500, tags=["smd", "usb-c"]),
    ),
    ("resistor", _r("RC0603FR-0722RL", "Yageo", "22", 1, 0.1, "0603", "0.002", 500)),
    (
        "resistor",
        _r(
            "RC0603FR-07100KL",
            "Yageo",
            "100k",
            1,
            0.1,
            "0603",
            "0.002",
            1000,
            tags=["smd", "basic"],
        ),
    ),
    ("resistor", _r("RC0402FR-0710KL", "Yageo", "10k", 1, 0.0625, "0402", "0.0006", 2000)),
    ("resistor", _r("RC0402FR-0749K9L", "Yageo", "49k9", 1, 0.0625, "0402", "0.0006", None)),
    ("resistor", _r("ERJ-3EKF1002V", "Panasonic", "10k", 1, 0.1, "0603", "0.002", None)),
    ("resistor", _r("ERJ-6ENF5101V", "Panasonic", "5k1", 1, 0.125, "0805", "0.0055", 200)),
    ("resistor", _r("CRCW08051K00FKEA", "Vishay", "1k", 1, 0.125, "0805", "0.0055", 200)),
    (
        "resistor",
        _r(
            "CRCW12060000Z0EA",
            "Vishay",
            "0",
            5,
            0.25,
            "1206",
            "0.009",
            100,
            description="Jumper 0Ω 1206",
        ),
    ),
    (
        "resistor",
        _r(
            "MFR-25FBF52-10K",
            "Yageo",
            "10k",
            1,
            0.25,
            "THT",
            "0.21",
            50,
            footprint="Resistor_THT:R_Axial_DIN0207_L6.3mm_D2.5mm_P10.16mm_Horizontal",
        ),
    ),
    (
        "resistor",
        _r(
            "CFR-25JB-52-220R",
            "Yageo",
            "220",
            5,
            0.25,
            "THT",
            "0.21",
            50,
            footprint="Resistor_THT:R_Axial_DIN0207_L6.3mm_D2.5mm_P10.16mm_Horizontal",
        ),
    ),
    (
        "capacitor",
        _c(
            "GRM188R71H104KA93D",
            "Murata",
            "100n",
            50,
            "X7R",
            "0603",
            "0.005",
            2000,
            tags=["smd", "basic", "decoupling"],
        ),
    ),
    (
        "capacitor",
        _c(
            "GRM155R71C104KA88D",
            "Murata",
            "100n",
            16,
            "X7R",
            "0402",
            "0.001",
            2000,
            tags=["smd", "decoupling"],
        ),
    ),
    (
        "capacitor",
        _c(
            "CL10A106KP8NNNC",
            "Samsung Electro-Mechanics",
            "10u",
            10,
            "X5R",
            "0603",
            "0.008",
            500,
            tags=["smd", "basic"],
        ),
    ),
    (
        "capacitor",
        _c("CL21A226MAQNNNE", "Samsung Electro-Mechanics", "22u", 25, "X5R", "0805", "0.012", 300),
    ),
    (
        "capacitor",
        _c("CL10B105KA8NNNC", "Samsung Electro-Mechanics", "1u", 25, "X7R", "0603", "0.006", 500),
    ),
    ("capacitor", _c("GRM1555C1H101JA01D", "Murata", "100p", 50, "C0G", "0402", "0.001", 500)),
    (
        "capacitor",
        _c(
            "CC0603JRNPO9BN220",
            "Yageo",
            "22p",
            50,
            "C0G",
            "0603",
            "0.005",
            500,
            tags=["smd", "crystal"],
        ),
    ),
    ("capacitor", _c("GRM21BR61E475KA12L", "Murata", "4u7", 25, "X5R", "0805", "0.011", 300)),
    ("capacitor", _c("GRM188R61A225KE34D", "Murata", "2u2", 10, "X5R", "0603", "0.006", None)),
    ("capacitor", _c("C0603C222K5RACTU", "KEMET", "2n2", 50, "X7R", "0603", "0.005", None)),
    ("capacitor", _c("C1206C106K4RACTU", "KEMET", "10u", 16, "X7R", "1206", "0.03", 100)),
    (
        "capacitor",
        _c(
            "UVR1C101MDD",
            "Nichicon",
            "100u",
            16,
            "",
            "THT",
            "0.55",
            50,
            footprint="Capacitor_THT:CP_Radial_D6.3mm_P2.50mm",
        ),
    ),
    (
        "regulator",
        {
            "mpn": "AP2112K-3.3TRG1",
            "manufacturer": "Diodes Incorporated",
            "description": "LDO 3.3V 600mA SOT-23-5",
            "info": {"output_voltage": "3.3V", "output_current": "600mA", "type": "LDO"},
            "footprint": "Package_TO_SOT_SMD:SOT-23-5",
            "unit_weight_g": "0.014",
            "low_stock_threshold": 100,
            "tags": ["smd", "power", "basic"],
        },
    ),
    (
        "regulator",
        {
            "mpn": "TPS62130RGTR",
            "manufacturer": "Texas Instruments",
            "description": "Buck converter 3-17V in, 3A, adjustable output, VQFN-16",
            "info": {"output_current": "3A", "type": "buck"},
            "footprint": "Package_DFN_QFN:VQFN-16-1EP_3x3mm_P0.5mm_EP1.68x1.68mm",
            "datasheet_url": "https://www.ti.com/product/TPS62130",
            "unit_weight_g": "0.02",
            "low_stock_threshold": 20,
            "tags": ["smd", "power"],
        },
    ),
    (
        "regulator",
        {
            "mpn": "MCP1700T-3302E/TT",
            "manufacturer": "Microchip Technology",
            "description": "LDO 3.3V 250mA low quiescent current SOT-23",
            "info": {"output_voltage": "3.3V", "output_current": "250mA", "type": "LDO"},
            "footprint": "Package_TO_SOT_SMD:SOT-23",
            "unit_weight_g": "0.008",
            "low_stock_threshold": 50,
            "tags": ["smd", "power", "low-power"],
        },
    ),
    (
        "regulator",
        {
            "mpn": "LM1117IMP-3.3/NOPB",
            "manufacturer": "Texas Instruments",
            "description": "LDO 3.3V 800mA SOT-223",
            "info": {"output_voltage": "3.3V", "output_current": "800mA", "type": "LDO"},
            "footprint": "Package_TO_SOT_SMD:SOT-223-3_TabPin2",
            "unit_weight_g": "0.12",
            "low_stock_threshold": 20,
            "tags": ["smd", "power"],
        },
    ),
    (
        "regulator",
        {
            "mpn": "TLV75533PDBVR",
            "manufacturer": "Texas Instruments",
            "description": "LDO 3.3V 500mA SOT-23-5",
            "info": {"output_voltage": "3.3V", "output_current": "500mA", "type": "LDO"},
            "footprint": "Package_TO_SOT_SMD:SOT-23-5",
            "unit_weight_g": "0.014",
            "low_stock_threshold": 50,
            "tags": ["smd", "power"],
        },
    ),
    (
        "regulator",
        {
            "mpn": "XC6206P332MR-G",
            "manufacturer": "Torex",
            "description": "LDO 3.3V 200mA SOT-23",
            "info": {"output_voltage": "3.3V", "output_current": "200mA", "type": "LDO"},
            "footprint": "Package_TO_SOT_SMD:SOT-23",
            "unit_weight_g": "0.008",
            "low_stock_threshold": None,
            "tags": ["smd", "power"],
        },
    ),
    (
        "regulator",
        {
            "mpn": "LMR33630ADDAR",
            "manufacturer": "Texas Instruments",
            "description": "Buck converter 3.8-36V in, 3A, adjustable output, SO-8 PowerPAD",
            "info": {"output_current": "3A", "type": "buck"},
            "footprint": "Package_SO:TI_SO-PowerPAD-8",
            "unit_weight_g": "0.08",
            "low_stock_threshold": 10,
            "tags": ["smd", "power"],
        },
    ),
    (
        "regulator",
        {
            "mpn": "TPS61023DRLR",
            "manufacturer": "Texas Instruments",
            "description": "Boost converter 5V from one Li-ion cell, SOT-563",
            "info": {"output_voltage": "5V", "output_current": "1A", "type": "boost"},
            "footprint": "Package_TO_SOT_SMD:SOT-563",
            "unit_weight_g": "0.003",
            "low_stock_threshold": 20,
            "tags": ["smd", "power"],
        },
    ),
    (
        "mcu",
        {
            "mpn": "ATSAMD21G18A-AU",
            "manufacturer": "Microchip Technology",
            "description": "MCU Cortex-M0+ 48MHz, 256kB flash, 32kB RAM, USB, TQFP-48",
            "info": {"core": "ARM Cortex-M0+", "flash": "256kB", "package": "TQFP-48"},
            "footprint": "Package_QFP:TQFP-48_7x7mm_P0.5mm",
            "unit_weight_g": "0.18",
            "low_stock_threshold": 20,
            "tags": ["smd", "usb"],
        },
    ),
    (
        "mcu",
        {
            "mpn": "STM32G031K8T6",
            "manufacturer": "STMicroelectronics",
            "description": "MCU Cortex-M0+ 64MHz, 64kB flash, LQFP-32",
            "info": {"core": "ARM Cortex-M0+", "flash": "64kB", "package": "LQFP-32"},
            "footprint": "Package_QFP:LQFP-32_7x7mm_P0.8mm",
            "datasheet_url": "https://www.st.com/en/microcontrollers-microprocessors/stm32g031k8.html",
            "unit_weight_g": "0.12",
            "low_stock_threshold": 25,
            "tags": ["smd"],
        },
    ),
    (
        "mcu",
        {
            "mpn": "STM32F103C8T6",
            "manufacturer": "STMicroelectronics",
            "description": "MCU Cortex-M3 72MHz, 64kB flash, LQFP-48",
            "info": {"core": "ARM Cortex-M3", "flash": "64kB", "package": "LQFP-48"},
            "footprint": "Package_QFP:LQFP-48_7x7mm_P0.5mm",
            "unit_weight_g": "0.2",
            "low_stock_threshold": 10,
            "tags": ["smd", "usb"],
        },
    ),
    (
        "mcu",
        {
            "mpn": "STM32L432KCU6",
            "manufacturer": "STMicroelectronics",
            "description": "MCU Cortex-M4F 80MHz low power, 256kB flash, UFQFPN-32",
            "info": {"core": "ARM Cortex-M4F", "flash": "256kB", "package": "UFQFPN-32"},
            "footprint": "Package_DFN_QFN:QFN-32-1EP_5x5mm_P0.5mm_EP3.45x3.45mm",
            "unit_weight_g": "0.06",
            "low_stock_threshold": 10,
            "tags": ["smd", "low-power"],
        },
    ),
    (
        "mcu",
        {
            "mpn": "ATMEGA328P-AU",
            "manufacturer": "Microchip Technology",
            "description": "MCU AVR 20MHz, 32kB flash, TQFP-32",
            "info": {"core": "AVR", "flash": "32kB", "package": "TQFP-32"},
            "footprint": "Package_QFP:TQFP-32_7x7mm_P0.8mm",
            "unit_weight_g": "0.11",
            "low_stock_threshold": None,
            "tags": ["smd"],
        },
    ),
    (
        "mcu",
        {
            "mpn": "RP2040",
            "manufacturer": "Raspberry Pi",
            "description": "MCU dual Cortex-M0+ 133MHz, 264kB RAM, external QSPI flash, QFN-56",
            "info": {"core": "2x ARM Cortex-M0+", "package": "QFN-56"},
            "footprint": "Package_DFN_QFN:QFN-56-1EP_7x7mm_P0.4mm_EP3.2x3.2mm",
            "unit_weight_g": "0.14",
            "low_stock_threshold": 20,
            "tags": ["smd", "usb"],
        },
    ),
    (
        "mcu",
        {
            "mpn": "NRF52840-QIAA-R",
            "manufacturer": "Nordic Semiconductor",
            "description": "Bluetooth LE SoC Cortex-M4F, 1MB flash, aQFN-73",
            "info": {"core": "ARM Cortex-M4F", "flash": "1024kB", "package": "aQFN-73"},
            "footprint": "Package_DFN_QFN:Nordic_AQFN-73-1EP_7x7mm_P0.5mm",
            "unit_weight_g": "0.09",
            "low_stock_threshold": 10,
            "tags": ["smd", "wireless", "msl3"],
        },
    ),
    (
        "mcu",
        {
            "mpn": "ESP32-C3-MINI-1-N4",
            "manufacturer": "Espressif Systems",
            "description": "Wi-Fi + BLE module, RISC-V 160MHz, 4MB flash, PCB antenna",
            "info": {"core": "RISC-V RV32IMC", "flash": "4096kB", "package": "module"},
            "footprint": "RF_Module:ESP32-C3-MINI-1",
            "datasheet_url": "https://www.espressif.com/en/products/modules/esp32-c3-mini-1",
            "unit_weight_g": "1.1",
            "low_stock_threshold": 30,
            "tags": ["smd", "wireless", "msl3"],
        },
    ),
    (
        "connector",
        {
            "mpn": "22-23-2031",
            "manufacturer": "Molex",
            "description": "KK 254 header, 3 pins, vertical, friction lock",
            "info": {"pins": 3, "pitch": "2.54mm", "gender": "male"},
            "footprint": "Connector_Molex:Molex_KK-254_AE-6410-03A_1x03_P2.54mm_Vertical",
            "unit_weight_g": "0.55",
            "low_stock_threshold": 50,
            "tags": ["tht"],
        },
    ),
    (
        "connector",
        {
            "mpn": "B2B-PH-K-S",
            "manufacturer": "JST",
            "description": "PH header, 2 pins, top entry (battery connector)",
            "info": {"pins": 2, "pitch": "2mm", "gender": "male"},
            "footprint": "Connector_JST:JST_PH_B2B-PH-K_1x02_P2.00mm_Vertical",
            "unit_weight_g": "0.16",
            "low_stock_threshold": 50,
            "tags": ["tht", "battery"],
        },
    ),
    (
        "connector",
        {
            "mpn": "PHR-2",
            "manufacturer": "JST",
            "description": "PH housing, 2 pins (crimp contacts SPH-002T-P0.5S)",
            "info": {"pins": 2, "pitch": "2mm", "gender": "female"},
            "unit_weight_g": "0.08",
            "low_stock_threshold": 50,
            "tags": ["cable"],
        },
    ),
    (
        "connector",
        {
            "mpn": "B4B-XH-A",
            "manufacturer": "JST",
            "description": "XH header, 4 pins, top entry",
            "info": {"pins": 4, "pitch": "2.5mm", "gender": "male"},
            "footprint": "Connector_JST:JST_XH_B4B-XH-A_1x04_P2.50mm_Vertical",
            "unit_weight_g": "0.35",
            "low_stock_threshold": 20,
            "tags": ["tht"],
        },
    ),
    (
        "connector",
        {
            "mpn": "SM04B-SRSS-TB",
            "manufacturer": "JST",
            "description": "SH header, 4 pins, side entry (Qwiic / STEMMA QT)",
            "info": {"pins": 4, "pitch": "1mm", "gender": "male"},
            "footprint": "Connector_JST:JST_SH_SM04B-SRSS-TB_1x04-1MP_P1.00mm_Horizontal",
            "unit_weight_g": "0.05",
            "low_stock_threshold": 50,
            "tags": ["smd", "i2c"],
        },
    ),
    (
        "connector",
        {
            "mpn": "USB4105-GF-A",
            "manufacturer": "GCT",
            "description": "USB-C receptacle, USB 2.0, 16 pins, top mount",
            "info": {"pins": 16, "pitch": "0.5mm", "gender": "female"},
            "footprint": "Connector_USB:USB_C_Receptacle_GCT_USB4105-xx-A_16P_TopMnt_Horizontal",
            "unit_weight_g": "0.62",
            "low_stock_threshold": 30,
            "tags": ["smd", "usb-c"],
        },
    ),
    (
        "connector",
        {
            "mpn": "61300311121",
            "manufacturer": "Würth Elektronik",
            "description": "WR-PHD pin header, 3 pins, 2.54mm, vertical",
            "info": {"pins": 3, "pitch": "2.54mm", "gender": "male"},
            "footprint": "Connector_PinHeader_2.54mm:PinHeader_1x03_P2.54mm_Vertical",
            "unit_weight_g": "0.3",
            "low_stock_threshold": 100,
            "tags": ["tht", "basic"],
        },
    ),
    (
        "connector",
        {
            "mpn": "10118194-0001LF",
            "manufacturer": "Amphenol ICC",
            "description": "Micro USB B receptacle, 5 pins, SMT",
            "info": {"pins": 5, "pitch": "0.65mm", "gender": "female"},
            "footprint": "Connector_USB:USB_Micro-B_Amphenol_10118194_Horizontal",
            "unit_weight_g": "0.4",
            "low_stock_threshold": None,
            "tags": ["smd", "usb"],
        },
    ),
]

# (code, name, parent code, extra fields). Parents come before their children.
LOCATIONS = [
    ("LAB", "Lab", None, {"description": "Electronics lab, building 2"}),
    ("LAB-R1", "Room 1", "LAB", {}),
    ("LAB-R1-A", "Shelf A", "LAB-R1", {"description": "Small-parts cabinet, 12 drawers"}),
    *[(f"A-{n:02d}", f"Bin A-{n:02d}", "LAB-R1-A", {}) for n in range(1, 13)],
    ("LAB-R1-B", "Shelf B", "LAB-R1", {"description": "Reels and trays"}),
    *[(f"B-{n:02d}", f"Reel slot B-{n:02d}", "LAB-R1-B", {}) for n in range(1, 7)],
    ("GOODS-IN", "Goods in", "LAB", {"description": "Incoming deliveries before shelving"}),
    ("PROD", "Production floor", None, {}),
    ("PROD-KIT", "Kitting table", "PROD", {}),
    ("PROD-L1", "Line 1 feeder rack", "PROD", {}),
    ("QUARANTINE", "Quarantine", "PROD", {"description": "Rejected or suspect stock"}),
]

# Lots: expiry dates are days after the load (MSL floor life, electrolyte shelf life).
LOTS = [
    {
        "name": "DK-2026-0142",
        "reference": "PO-2026-0142",
        "description": "Digi-Key, passives reels",
        "expiry_days": None,
    },
    {
        "name": "MOU-2026-0157",
        "reference": "PO-2026-0157",
        "description": "Mouser, MCUs and regulators",
        "expiry_days": None,
    },
    {
        "name": "ESP-2026-0163",
        "reference": "PO-2026-0163",
        "description": "Espressif modules, MSL 3: bake before use after expiry",
        "expiry_days": 25,
    },
    {
        "name": "NRF-2026-0171",
        "reference": "PO-2026-0171",
        "description": "Nordic SoCs, dry pack",
        "expiry_days": 140,
    },
    {
        "name": "NCC-2025-1190",
        "reference": "PO-2025-1190",
        "description": "Electrolytics, date code 2524",
        "expiry_days": 400,
    },
    {
        "name": "LCSC-2026-0188",
        "reference": "PO-2026-0188",
        "description": "LCSC, connectors",
        "expiry_days": None,
    },
]

# Builds that picks and reservations refer to.
BUILDS = ["WC-SENSOR rev B", "WC-HUB rev A", "Motor driver rev C", "Field logger rev 2"]

# Which lot a part's delivery came in, by part type, with exceptions by MPN.
RECEIPT_LOTS = {
    "resistor": "DK-2026-0142",
    "capacitor": "DK-2026-0142",
    "regulator": "MOU-2026-0157",
    "mcu": "MOU-2026-0157",
    "connector": "LCSC-2026-0188",
}
RECEIPT_LOT_BY_MPN = {
    "UVR1C101MDD": "NCC-2025-1190",
    "ESP32-C3-MINI-1-N4": "ESP-2026-0163",
    "NRF52840-QIAA-R": "NRF-2026-0171",
}

# Per part type: delivery sizes, a pick's range, and a unit price range in EUR.
STOCK_PROFILES = {
    "resistor": {"receipt": [1000, 2500, 5000], "pick": (20, 400), "price": (0.002, 0.02)},
    "capacitor": {"receipt": [1000, 2000, 4000], "pick": (20, 300), "price": (0.004, 0.12)},
    "regulator": {"receipt": [100, 250, 500], "pick": (5, 40), "price": (0.08, 2.5)},
    "mcu": {"receipt": [25, 50, 100], "pick": (2, 12), "price": (0.9, 6.5)},
    "connector": {"receipt": [100, 200, 500], "pick": (5, 60), "price": (0.03, 0.6)},
}

SHELF_A_BINS = [f"A-{n:02d}" for n in range(1, 13)]
REEL_SLOTS = [f"B-{n:02d}" for n in range(1, 7)]
