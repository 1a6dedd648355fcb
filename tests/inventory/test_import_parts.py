"""manage.py import_parts: all rows validated by the part services, every rejected row
reported with its line, nothing imported unless every row is good."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from config.core.actors import Actor
from config.core.models import ChangelogEntry
from inventory.catalogue.services import part_type_create
from inventory.demo import demo_data
from inventory.models import Part, PartInfoValue

RESISTOR = next(spec for spec in demo_data()["part_types"] if spec["slug"] == "resistor")
HEADER = "ipn,mpn,manufacturer,description,tags,unit_weight_g,low_stock_threshold,info.resistance,tolerance,package\n"


@pytest.fixture
def resistor(db):
    return part_type_create(actor=Actor.system("tests"), **RESISTOR)


def write_csv(tmp_path, text: str, name: str = "parts.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("import_parts", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_imports_every_row_with_info_tags_and_changelog(resistor, tmp_path):
    path = write_csv(
        tmp_path,
        HEADER
        + "R-10K,RC0603FR-0710KL,Yageo,10k 1% 0603,smd;basic,0.002,1000,10k,1%,0603\n"
        + ",RC0603FR-074K7L,Yageo,4k7 1% 0603,smd,,,4k7,,0603\n",
    )
    out, _err = run(path, "--type", "resistor")
    assert "Imported 2 resistor parts" in out
    ten_k = Part.objects.get(ipn="R-10K")
    assert ten_k.info == {"resistance": 10000, "tolerance": 1, "package": "0603"}
    assert sorted(ten_k.tags.values_list("name", flat=True)) == ["basic", "smd"]
    assert str(ten_k.low_stock_threshold.normalize()) == "1E+3"
    generated = Part.objects.get(mpn="RC0603FR-074K7L")
    assert generated.ipn == "RES-00001"
    assert generated.unit_weight_g is None
    assert PartInfoValue.objects.filter(part=generated, number=4700).exists()
    assert ChangelogEntry.objects.filter(entity_type="part", action="create").count() == 2


def test_dry_run_validates_and_writes_nothing(resistor, tmp_path):
    path = write_csv(tmp_path, HEADER + "R-1,RC1,Yageo,,,,,1k,,0603\n")
    out, _err = run(path, "--type", "resistor", "--dry-run")
    assert "Dry run: all 1 rows are valid" in out
    assert not Part.objects.exists()
    assert not ChangelogEntry.objects.filter(entity_type="part").exists()


def test_every_rejected_row_is_reported_by_line_and_nothing_is_imported(resistor, tmp_path):
    path = write_csv(
        tmp_path,
        HEADER
        + "R-1,RC1,Yageo,,,,,1k,,0603\n"  # line 2: good
        + "R-2,RC2,Yageo,,,,,lots,,0603\n"  # line 3: not a resistance
        + "R-3,RC3,Yageo,,,,,2k2,,0603\n"  # line 4: good
        + "R-4,RC4,Yageo,,,,,1k,,0201\n",  # line 5: not a package on offer
    )
    with pytest.raises(CommandError, match="2 of 4 rows were rejected; nothing was imported"):
        out, err = StringIO(), StringIO()
        try:
            call_command("import_parts", str(path), "--type", "resistor", stdout=out, stderr=err)
        finally:
            report = err.getvalue()
    assert "line 3: info.resistance:" in report
    assert "line 5: info.package:" in report
    assert "line 2" not in report and "line 4" not in report
    assert not Part.objects.exists()


def test_duplicate_ipns_in_the_file_or_the_database_are_rejected(resistor, tmp_path):
    run(
        write_csv(tmp_path, HEADER + "R-1,RC1,Yageo,,,,,1k,,0603\n", "first.csv"),
        "--type",
        "resistor",
    )
    path = write_csv(
        tmp_path,
        HEADER
        + "R-1,RC1,Yageo,,,,,1k,,0603\n"
        + "R-2,RC2,Yageo,,,,,1k,,0603\n"
        + "R-2,RC2,Yageo,,,,,1k,,0603\n",
    )
    err = StringIO()
    with pytest.raises(CommandError, match="2 of 3 rows"):
        call_command("import_parts", str(path), "--type", "resistor", stdout=StringIO(), stderr=err)
    assert "line 2: ipn: 'R-1' already exists." in err.getvalue()
    assert "line 4: ipn: 'R-2' is also on line 3." in err.getvalue()
    assert Part.objects.count() == 1


def test_unknown_columns_are_named(resistor, tmp_path):
    path = write_csv(tmp_path, "mpn,colour,info.resistance,info.weight\nRC1,red,1k,3\n")
    with pytest.raises(CommandError, match=re.escape("Unknown columns: 'colour', 'info.weight'")):
        run(path, "--type", "resistor")


def test_unknown_type_lists_the_known_ones(resistor, tmp_path):
    path = write_csv(tmp_path, HEADER)
    with pytest.raises(
        CommandError, match=re.escape("Unknown part type 'resistors'. Part types: resistor")
    ):
        run(path, "--type", "resistors")


def test_missing_file_and_bad_encoding_are_clear_errors(resistor, tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        run(tmp_path / "nope.csv", "--type", "resistor")
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes(
        "mpn,description,resistance\nRC1,Widerstand 10k \xb5,10k\n".encode("latin-1")
    )
    with pytest.raises(CommandError, match="not valid utf-8-sig text: byte 0xb5 on line 2"):
        run(latin1, "--type", "resistor")
    out, _err = run(latin1, "--type", "resistor", "--encoding", "latin-1", "--dry-run")
    assert "Dry run: all 1 rows are valid" in out


def test_the_archived_column_takes_what_the_csv_export_writes(resistor, tmp_path):
    path = write_csv(tmp_path, "ipn,archived,info.resistance\nR-1,true,1k\nR-2,false,1k\nR-3,,1k\n")
    run(path, "--type", "resistor")
    assert dict(Part.objects.values_list("ipn", "archived")) == {
        "R-1": True,
        "R-2": False,
        "R-3": False,
    }
    bad = write_csv(tmp_path, "ipn,archived,info.resistance\nR-4,perhaps,1k\n", "bad.csv")
    err = StringIO()
    with pytest.raises(CommandError, match="1 of 1 rows"):
        call_command("import_parts", str(bad), "--type", "resistor", stdout=StringIO(), stderr=err)
    assert "line 2: archived:" in err.getvalue()
