"""Speed comes through Django, never around it (STYLE.md): no module of the project reaches
into Django's or DRF's private names, which change without notice between releases."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECT_PACKAGES = ["accounts", "config", "inventory", "production", "sensors", "scripts"]
PRIVATE = re.compile(
    r"_result_cache|_prefetch_done|_prefetched_objects_cache|get_converters|"
    r"get_db_converters|\.from_db\(|_declared_fields|get_compiler|django\.db\.models\.sql\b|"
    r"rest_framework\.fields\._|_known_related_objects"
)


def test_no_module_uses_private_names_of_django_or_drf():
    offenders = []
    for package in PROJECT_PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                if PRIVATE.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_the_check_itself_catches_a_private_name():
    assert PRIVATE.search("queryset._result_cache = rows")
    assert PRIVATE.search("compiler.get_converters(expressions)")
    assert not PRIVATE.search("queryset.prefetch_related(Prefetch('keys', to_attr='keys'))")
