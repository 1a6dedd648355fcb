#!/usr/bin/env python3
"""Two benchmark results files side by side (var/bench/results.json from `make bench`, or
the dated copies beside it): median and p95 in ms, queries per request and, for the write
benchmarks, requests per second of every figure, and B's median as a ratio of A's. Figures are matched by name; one that only one run has shows "-" for the other.

    scripts/bench_compare.py A.json B.json
"""

import json
import sys
from pathlib import Path


def describe(label: str, run: dict) -> str:
    database = run.get("database", {})
    data = run.get("data", {})
    commit = (run.get("commit") or "?")[:10] + (" (dirty)" if run.get("dirty") else "")
    return (
        f"{label}: {database.get('vendor', '?')} {database.get('version', '')}, "
        f"{data.get('parts', 0):,} parts, {data.get('movements', 0):,} movements, "
        f"commit {commit}, {run.get('timestamp', '?')}"
    )


def number(value, digits: int = 1) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def count(value) -> str:
    return "-" if value is None else str(value)


def compare(a: dict, b: dict) -> list[str]:
    lines = [describe("A", a["run"]), describe("B", b["run"]), ""]
    first = {figure["name"]: figure for figure in a["figures"]}
    second = {figure["name"]: figure for figure in b["figures"]}
    names = list(first) + [name for name in second if name not in first]
    width = max([9, *map(len, names)])
    header = (
        f"{'benchmark':<{width}}  {'A median':>9} {'B median':>9} {'B/A':>6}  "
        f"{'A p95':>8} {'B p95':>8}  {'A q':>4} {'B q':>4}  {'A /s':>7} {'B /s':>7}"
    )
    lines += [header, "-" * len(header)]
    for name in names:
        x, y = first.get(name, {}), second.get(name, {})
        ratio = None
        if x.get("median") and y.get("median") is not None:
            ratio = y["median"] / x["median"]
        lines.append(
            f"{name:<{width}}  {number(x.get('median')):>9} {number(y.get('median')):>9} "
            f"{number(ratio, 2):>6}  {number(x.get('p95')):>8} {number(y.get('p95')):>8}  "
            f"{count(x.get('queries')):>4} {count(y.get('queries')):>4}  "
            f"{number(x.get('rate_per_s'), 0):>7} {number(y.get('rate_per_s'), 0):>7}"
        )
    return lines


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    a, b = (json.loads(Path(path).read_text()) for path in argv)
    print("\n".join(compare(a, b)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
