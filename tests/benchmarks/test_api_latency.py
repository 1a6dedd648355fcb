"""Read latency through the real URL paths, authentication and serializers (Django's test
client; no sockets), on the seeded benchmark database. Figures: see the table at the end."""

from .conftest import measure

LIST_MS, BATCH_MS, STOCK_MS = 25, 100, 30


def test_parts_list_page_of_100(client_for, sample):
    client = client_for()
    slugs = ["resistor", "capacitor", "connector", "regulator"]
    measure(
        "parts list, page of 100",
        lambda i: client.get(
            f"/api/v1/parts/{slugs[i % 4]}",
            {"page_size": 100, "page": 1 + i % sample.pages.get(slugs[i % 4], 1)},
        ),
        target_ms=LIST_MS,
    )


def test_parts_list_with_numeric_info_filter(client_for, sample):
    client = client_for()
    ranges = [("1k", "100k"), ("10", "1k"), ("100k", "10M"), ("4k7", "4k7")]
    measure(
        "parts list, info.resistance range, 100",
        lambda i: client.get(
            "/api/v1/parts/resistor",
            {
                "info.resistance.min": ranges[i % 4][0],
                "info.resistance.max": ranges[i % 4][1],
                "page_size": 100,
            },
        ),
        target_ms=LIST_MS,
    )


def test_mpn_search(client_for, sample):
    client = client_for()
    prefixes = sample.mpn_prefixes
    measure(
        "MPN search (prefix)",
        lambda i: client.get(f"/api/v1/parts/search/{prefixes[i % len(prefixes)]}"),
        target_ms=LIST_MS,
    )


def test_batch_of_1000_keys(client_for, sample):
    client = client_for()
    keys = [{"ptype": slug, "ipn": ipn} for slug, ipn in sample.ipns]

    def batch(i):
        start = (i * 97) % (len(keys) - 1000) if len(keys) > 1000 else 0
        return client.post(
            "/api/v1/parts/batch", {"keys": keys[start : start + 1000]}, format="json"
        )

    measure("parts batch, 1,000 keys", batch, runs=50, target_ms=BATCH_MS)


def test_changelog_since(client_for, sample):
    client = client_for()
    measure(
        "changelog since <ts>, limit 100",
        lambda i: client.get(f"/api/v1/changelog/since/{sample.since}", {"limit": 100}),
        target_ms=LIST_MS,
    )


def test_part_history_page(client_for, sample):
    client = client_for()
    busy = sample.busy
    measure(
        "part history page (busiest parts)",
        lambda i: client.get(
            f"/api/v1/parts/{busy[i % len(busy)][0]}/{busy[i % len(busy)][1]}/history"
        ),
        target_ms=STOCK_MS,
    )


def test_part_stock(client_for, sample):
    client = client_for()
    parts = sample.stocked
    measure(
        "part stock",
        lambda i: client.get(
            f"/api/v1/parts/{parts[i % len(parts)][0]}/{parts[i % len(parts)][1]}/stock"
        ),
        target_ms=STOCK_MS,
    )


def test_location_contents(client_for, sample):
    client = client_for()
    locations = sample.locations
    measure(
        "location contents (fullest bins)",
        lambda i: client.get(f"/api/v1/locations/{locations[i % len(locations)]}/stock"),
        target_ms=STOCK_MS,
    )


def test_low_stock_report(client_for, sample):
    client = client_for()
    measure(
        "low-stock report, first page",
        lambda i: client.get("/api/v1/reports/low-stock"),
        runs=20,
        warmup=1,
        target_ms=STOCK_MS,
    )
