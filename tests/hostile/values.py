"""What a hostile client sends: the values of "A stockroom can trust it" as hypothesis
strategies. Texts for form fields and query strings; any JSON value (and a few tokens that are
not JSON at all) for API bodies."""

import json
from typing import Any

from hypothesis import strategies as st

LONG = 10_000

# Each names a way input has broken servers: numbers a quantity rule must refuse, barcodes a
# scanner sends where a quantity is expected, text that upsets encoders, databases (PostgreSQL
# refuses NUL), templates and URLs, and sizes past every column.
HOSTILE_TEXTS = [
    # Numbers: huge, negative, exponents, non-finite, locale and script variants.
    "0",
    "-0",
    "-1",
    "-0.000001",
    "0.0000001",
    "1e9",
    "1E+3",
    "1e-7",
    "NaN",
    "nan",
    "sNaN",
    "Infinity",
    "-Infinity",
    "inf",
    "999999999999",
    "1000000000000",
    "99999999999999999999999999999999",
    "1" * 400,
    "1,5",
    "1.5.1",
    "1_000",
    "0x10",
    "+5",
    ".5",
    "5.",
    " 7 ",
    "١٢٣",  # Arabic-Indic digits
    "\uff11\uff12",  # full-width digits
    "½",
    # Barcodes: EAN-13, UPC-A, EAN-8, GTIN-14, and longer runs of digits.
    "4006381333931",
    "036000291452",
    "96385074",
    "10012345678902",
    "0" * 40,
    "12345678901234567890123456789012345678901234567890",
    # Empty and blank.
    "",
    " ",
    "\t\r\n",
    # Control characters and NUL.
    "\x00",
    "RES-1\x00",
    "\x00" * 8,
    "\x07\x08\x1b[31m",
    "\x7f",
    # Unicode: RTL and bidi overrides, combining marks, zero-width, emoji, odd scripts.
    "\u202eevil\u202c",
    "שלום עולם",
    "مرحبا",
    "e\u0301\u0301\u0301",
    "Z\u0324\u0308\u0334",
    "\u200b\u200c\u200d\ufeff",
    "👍🏽",
    "👩\u200d🔧📦🇩🇪",
    "\ufdfd",
    "İstanbul ß ǅ",
    "\uffff",
    # Markup, templates, SQL, paths and URLs.
    "<script>alert(1)</script>",
    "{{ request }}{% debug %}",
    "'; DROP TABLE inventory_part; --",
    "%s%n%x",
    "../../etc/passwd",
    "..",
    ".",
    "a/b",
    "/s/p/RES-1",
    "https://evil.example/s/l/BIN-1",
    "/s/x/",
    "new",
    "batch",
    "search",
    # Sizes.
    "x" * 65,
    "x" * 256,
    "y" * LONG,
    "🚀" * 2_000,
]

# Characters tests can put in a request: everything but lone surrogates, which no UTF-8
# encoder (the test client's included) can send.
_CHARACTERS = st.characters(exclude_categories=["Cs"])

hostile_texts = st.one_of(
    st.sampled_from(HOSTILE_TEXTS),
    st.text(_CHARACTERS, max_size=40),
    st.from_regex(r"\A[0-9]{8,40}\Z"),
    st.from_regex(r"\A-?[0-9]{1,30}([.,][0-9]{0,12})?([eE][+-]?[0-9]{1,4})?\Z"),
    st.builds(lambda base, n: base * n, st.sampled_from(["x", "é", "\x00", "9"]), st.just(LONG)),
)

# A form field may be sent several times (?tags=a&tags=b): Django's QueryDict keeps a list.
hostile_form_values = st.one_of(
    hostile_texts,
    st.lists(hostile_texts, min_size=2, max_size=3),
)


class RawJSON(str):
    """A token written into the body as it is: NaN, Infinity and numbers that Python's json
    module would refuse to write or read (past its 4,300-digit limit)."""


RAW_TOKENS = [
    "NaN",
    "Infinity",
    "-Infinity",
    "1e999",
    "-1e999",
    "1" * 5_000,
    "0." + "0" * 5_000 + "1",
    "1e-999999",
    "123456789012345678901234567890",
]


def _json_scalars() -> st.SearchStrategy[Any]:
    return st.one_of(
        hostile_texts,
        st.none(),
        st.booleans(),
        st.integers(),
        st.sampled_from([2**63, -(2**63) - 1, 10**30, -(10**18), 0]),
        st.floats(allow_nan=False, allow_infinity=False),
        st.sampled_from([1e308, -1e-308, 1e9, 0.1, -0.0]),
        st.sampled_from(RAW_TOKENS).map(RawJSON),
    )


hostile_json = st.recursive(
    _json_scalars(),
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.text(_CHARACTERS, max_size=8), children, max_size=3),
    ),
    max_leaves=6,
)


def encode(body: Any) -> str:
    """``body`` as a request's JSON text, with RawJSON values written as they are."""
    raws: list[str] = []

    def placeholder(value: Any) -> Any:
        if isinstance(value, RawJSON):
            raws.append(str(value))
            return f"\ue000raw{len(raws) - 1}\ue000"
        if isinstance(value, dict):
            return {key: placeholder(item) for key, item in value.items()}
        if isinstance(value, list):
            return [placeholder(item) for item in value]
        return value

    text = json.dumps(placeholder(body), ensure_ascii=False)
    for index, raw in enumerate(raws):
        text = text.replace(f'"\ue000raw{index}\ue000"', raw)
    return text


# Values that pass many validators and then have to be shown on every page: the writes whose
# pages tests/hostile/test_site.py renders afterwards.
SURVIVORS = [
    "\u202eRTL שלום مرحبا e\u0301\u0301 👩\u200d🔧 <b>&amp;</b> {{ x }} \u200b\ufeff",
    "z" * LONG,
    "4006381333931",
    "Ünïcødé_١٢٣",
    "..",
    "new",
    "A/B",
]
