"""One hostile record never makes the store unreadable: it is set aside, the rest is shown.

The records come from a hostile-input review (tests/hostile.py): casualty figures and
coordinates too large for any number type, point coordinates as text or nested one
level too deep, and files nested 100,000 levels deep. Every path that reads events
(validation, the store, an import, ``stats``, ``export``) must name each one and carry
on with the others.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from layers.ingest import ImportFileError, apply_import, plan_import
from layers.store import read_store
from layers.validate import check_feature
from tests.factories import collection, make_feature, write_json
from tests.hostile import (
    GOOD_IDS,
    HOSTILE_FEATURES,
    UNREADABLE_FILES,
    hostile_collection,
    write_hostile_store,
)
from tests.ingest_fixtures import snapshot


def _bordermon(*args: str) -> subprocess.CompletedProcess[str]:
    code = "import sys; from layers.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=False)


@pytest.mark.parametrize(("fid", "feature", "field"), HOSTILE_FEATURES, ids=[h[0] for h in HOSTILE_FEATURES])
def test_each_hostile_record_is_one_problem_on_its_field(
    fid: str, feature: dict[str, object], field: str
) -> None:
    checked, problems = check_feature(json.loads(json.dumps(feature)), file="f.geojson", index=4)
    assert checked is None
    assert [(p.file, p.index, p.id, p.field) for p in problems] == [("f.geojson", 4, fid, field)]
    assert len(problems[0].reason) < 200  # says why without echoing a 400-digit number


def test_the_store_reads_everything_else(tmp_path: Path) -> None:
    store = read_store(write_hostile_store(tmp_path / "store"))
    assert list(store.events["id"]) == list(GOOD_IDS)
    report = store.report
    assert report.set_aside == len(HOSTILE_FEATURES)
    by_id = {p.id: p for p in report.errors if p.id}
    assert {fid: by_id[fid].field for fid, _, _ in HOSTILE_FEATURES} == {
        fid: f for fid, _, f in HOSTILE_FEATURES
    }
    assert all(by_id[fid].file == "events.geojson" for fid, _, _ in HOSTILE_FEATURES)
    assert [by_id[fid].index for fid, _, _ in HOSTILE_FEATURES] == [1, 2, 3, 4, 6, 7, 8, 9]
    unreadable = {p.file: p.reason for p in report.errors if p.index is None}
    assert set(unreadable) == {name for name, _ in UNREADABLE_FILES}
    assert "nested too deeply" in unreadable["brackets.geojson"]
    assert "5000 digits" in unreadable["long-number.geojson"]
    assert store.events["fatalities_max"].isna().all()  # nothing hostile reached the frame


def test_validate_stats_and_export_show_the_rest(tmp_path: Path) -> None:
    root = write_hostile_store(tmp_path / "store")
    validate = _bordermon("validate", str(root))
    assert validate.returncode == 1 and "Traceback" not in validate.stderr
    for fid, _, field in HOSTILE_FEATURES:
        assert f"id={fid} {field}:" in validate.stdout
    assert "brackets.geojson (file): invalid JSON: nested too deeply" in validate.stdout

    stats = _bordermon("stats", "--store", str(root), "--json")
    assert stats.returncode == 0, stats.stderr
    assert [e["id"] for e in json.loads(stats.stdout)["events"]] == list(GOOD_IDS)
    assert "set aside" in stats.stderr and "Traceback" not in stats.stderr

    out = tmp_path / "map.html"
    export = _bordermon("export", "--store", str(root), "--out", str(out))
    assert export.returncode == 0, export.stderr
    page = out.read_text(encoding="utf-8")
    assert all(fid in page for fid in GOOD_IDS)
    assert not any(fid in page for fid, _, _ in HOSTILE_FEATURES)
    assert "set aside" in export.stdout + export.stderr


def test_import_rejects_each_hostile_record_and_writes_only_the_rest(tmp_path: Path) -> None:
    store = tmp_path / "store"
    write_json(store / "main.geojson", collection(make_feature("existing", start="2023-01-05")))
    source = tmp_path / "hostile.geojson"
    source.write_text(hostile_collection(), encoding="utf-8")
    plan = plan_import("geojson", source, store)
    assert {r.id: r.field for r in plan.rejected} == {fid: field for fid, _, field in HOSTILE_FEATURES}
    assert [r.record for r in plan.rejected] == [2, 3, 4, 5, 7, 8, 9, 10]  # numbered from 1
    apply_import(plan)
    assert sorted(read_store(store).events["id"]) == sorted(["existing", *GOOD_IDS])
    assert read_store(store).report.ok  # nothing hostile was written


@pytest.mark.parametrize(("name", "text"), UNREADABLE_FILES, ids=[n for n, _ in UNREADABLE_FILES])
def test_an_unreadable_import_is_one_line(tmp_path: Path, name: str, text: str) -> None:
    store = tmp_path / "store"
    write_json(store / "main.geojson", collection(make_feature("existing")))
    before = snapshot(store)
    source = tmp_path / name
    source.write_text(text, encoding="utf-8")
    with pytest.raises(ImportFileError) as caught:
        plan_import("geojson", source, store)
    message = str(caught.value)
    assert message.startswith(f"{name}: invalid JSON") and "\n" not in message
    assert snapshot(store) == before
