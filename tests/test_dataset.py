"""The store as a partitioned GeoParquet dataset: written by ``convert``, read by every command."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal

from layers.dataset import MARKER, read_dataset, write_dataset
from layers.filters import Filters, filter_events
from layers.paths import SHIPPED_STORE
from layers.store import read_store
from tests.factories import collection, make_feature, write_json

AREA = {
    "type": "Polygon",
    "coordinates": [[[20.40, 42.70], [20.60, 42.70], [20.60, 42.90], [20.40, 42.90], [20.40, 42.70]]],
}


def _store(root: Path) -> Path:
    """Events of every layer over several years, with areas, no-position events and one bad record."""
    features = []
    for i in range(60):
        year = 2019 + i % 6
        props: dict[str, Any] = {"start": f"{year}-{1 + i % 12:02d}-{1 + i % 27:02d}"}
        if i % 5 == 1:
            props.update(layer="deployment", category="buildup", side="RS", location_precision="area")
            if i % 10 == 1:
                props["end"] = f"{year}-12-31"
        elif i % 5 == 2:
            props.update(layer="kfor", category="installation", side="XK")
        if i % 4 == 0:
            props["title_i18n"] = {"fr": f"Événement {i}", "sr_Latn": f"Događaj {i}"}
        feature = make_feature(f"e{i}", **props)
        if i % 5 == 1:
            feature["geometry"] = AREA
        elif i % 7 == 3:
            feature["geometry"] = None
            feature["properties"]["location_precision"] = "none"
        else:
            feature["geometry"]["coordinates"] = [
                round(20.3 + (i % 9) * 0.1, 4),
                round(42.4 + (i % 8) * 0.1, 4),
            ]
        features.append(feature)
    features.append(make_feature("bad", fatalities={"min": 5, "max": 1}))
    write_json(root / "a.geojson", collection(*features[:30]))
    write_json(root / "nested" / "b.geojson", collection(*features[30:]))
    return root


@pytest.fixture
def converted(tmp_path: Path) -> tuple[Path, Path]:
    store = _store(tmp_path / "store")
    source = read_store(store)
    out = tmp_path / "dataset"
    write_dataset(source.events, out, source.report)
    return store, out


def test_dataset_is_partitioned_by_layer_and_year(converted: tuple[Path, Path]) -> None:
    _, out = converted
    parts = {p.parent.relative_to(out).as_posix() for p in out.rglob("*.parquet")}
    assert "layer=incident/year=2019" in parts and "layer=deployment/year=2024" in parts
    assert (out / MARKER).is_file()


def test_reading_a_dataset_gives_the_store_back(converted: tuple[Path, Path]) -> None:
    store, out = converted
    source, back = read_store(store), read_store(out)
    assert_geodataframe_equal(back.events, source.events, check_less_precise=False)
    assert back.report.problems == source.report.problems and back.report.set_aside == 1
    assert back.report.counts == source.report.counts
    assert back.events.set_index("id").loc["e4", "title_i18n"] == {
        "fr": "Événement 4",
        "sr_Latn": "Događaj 4",
    }
    assert back.events.set_index("id").loc["e5", "title_i18n"] == {}


@pytest.mark.parametrize("older", [1, 2])
def test_a_dataset_of_an_earlier_format_is_refused(converted: tuple[Path, Path], older: int) -> None:
    """Format 1 lacks the title_i18n column, format 2 keeps the sources as JSON text:
    converting again is asked for, never a half read."""
    _, out = converted
    marker = json.loads((out / MARKER).read_text(encoding="utf-8"))
    marker["bordermon_dataset"] = older
    (out / MARKER).write_text(json.dumps(marker), encoding="utf-8")
    with pytest.raises(ValueError, match="another version of bordermon; convert the store again"):
        read_dataset(out)


@pytest.mark.parametrize(
    "view",
    [
        Filters(start=date(2021, 3, 1), end=date(2021, 8, 31)),
        Filters(start=date(2020, 1, 1), end=date(2020, 1, 31), layers=("deployment",)),
        Filters(end=date(2019, 12, 31)),
        Filters(start=date(2024, 6, 1), layers=("incident", "kfor")),
        Filters(start=date(2030, 1, 1)),
    ],
)
def test_a_filtered_read_returns_what_filter_events_returns(
    converted: tuple[Path, Path], view: Filters
) -> None:
    store, out = converted
    expected = filter_events(read_store(store).events, view)
    window = {"start": view.start, "end": view.end, "layers": view.layers}
    read = read_store(out, **window)
    assert_geodataframe_equal(
        filter_events(read.events, view).reset_index(drop=True), expected.reset_index(drop=True)
    )
    if view.start or view.end:
        assert len(read.events) < len(read_store(out).events)  # partitions and row groups skipped


def test_a_bbox_read_returns_the_events_whose_extent_meets_it(converted: tuple[Path, Path]) -> None:
    store, out = converted
    box = (20.35, 42.55, 20.65, 42.85)
    events = read_store(store).events
    meets = events.geometry.notna() & events.geometry.intersects(shapely.box(*box))
    events_in, _ = read_dataset(out, bbox=box)
    assert sorted(events_in["id"]) == sorted(events.loc[meets, "id"])
    assert 0 < len(events_in) < len(events)


def _bordermon(*args: str) -> subprocess.CompletedProcess[str]:
    code = "import sys; from layers.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=False)


def test_convert_then_every_command_reads_the_dataset(tmp_path: Path) -> None:
    out = tmp_path / "shipped.geoparquet"
    done = _bordermon("convert", "--to", "geoparquet", str(out), "--store", str(SHIPPED_STORE))
    assert done.returncode == 0, done.stderr
    assert " events in " in done.stdout
    for command in (["stats", "--json"], ["stats", "--json", "--start", "2023-09-01", "--end", "2023-10-31"]):
        from_store = _bordermon(*command, "--store", str(SHIPPED_STORE))
        from_dataset = _bordermon(*command, "--store", str(out))
        assert from_dataset.returncode == 0, from_dataset.stderr
        assert json.loads(from_dataset.stdout) == json.loads(from_store.stdout)
    validate = _bordermon("validate", str(out))
    assert validate.returncode == 0 and "valid feature" in validate.stdout
    exported = _bordermon("export", "--store", str(out), "--out", str(tmp_path / "map.html"))
    assert exported.returncode == 0, exported.stderr
    assert (tmp_path / "map.html").stat().st_size > 100_000


def test_convert_writes_a_view(tmp_path: Path) -> None:
    store = _store(tmp_path / "store")
    out = tmp_path / "view"
    done = _bordermon(
        "convert", "--to", "geoparquet", str(out), "--store", str(store), "--start", "2020-01-01",
        "--end", "2020-12-31", "--layer", "incident",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    view = filter_events(
        read_store(store).events,
        Filters(start=date(2020, 1, 1), end=date(2020, 12, 31), layers=("incident",)),
    )
    assert sorted(read_store(out).events["id"]) == sorted(view["id"])


@pytest.mark.parametrize("where", ["store itself", "inside", "inside via ..", "a file of the store"])
def test_convert_refuses_to_write_into_the_store(tmp_path: Path, where: str) -> None:
    store = _store(tmp_path / "store")
    out = {
        "store itself": store,
        "inside": store / "dataset",
        "inside via ..": store / "nested" / ".." / "dataset",
        "a file of the store": store / "a.geojson",
    }[where]
    before = sorted(p.as_posix() for p in store.rglob("*"))
    done = _bordermon("convert", "--to", "geoparquet", str(out), "--store", str(store))
    assert done.returncode == 2 and "inside the store" in done.stderr
    assert sorted(p.as_posix() for p in store.rglob("*")) == before


def test_convert_does_not_replace_something_that_is_not_a_dataset(tmp_path: Path) -> None:
    other = tmp_path / "notes"
    other.mkdir()
    (other / "keep.txt").write_text("mine", encoding="utf-8")
    done = _bordermon("convert", "--to", "geoparquet", str(other), "--store", str(SHIPPED_STORE))
    assert done.returncode == 2 and (other / "keep.txt").read_text(encoding="utf-8") == "mine"


def test_duckdb_reads_the_dataset(converted: tuple[Path, Path]) -> None:
    duckdb = pytest.importorskip("duckdb", reason="duckdb is a test extra: pip install -e '.[test]'")
    store, out = converted
    events = read_store(store).events
    rows = duckdb.sql(
        f"""
        SELECT id, layer, year, geometry
        FROM read_parquet('{out.as_posix()}/**/*.parquet', hive_partitioning = true)
        WHERE layer = 'incident' AND year BETWEEN 2020 AND 2021
          AND bbox.xmin <= 20.65 AND bbox.xmax >= 20.35
        ORDER BY id
        """
    ).fetchall()
    expected = events[
        (events["layer"] == "incident")
        & events["start"].dt.year.between(2020, 2021)
        & (events.geometry.bounds["minx"] <= 20.65)
        & (events.geometry.bounds["maxx"] >= 20.35)
    ]
    assert [r[0] for r in rows] == sorted(expected["id"])
    geometries = shapely.from_wkb([bytes(r[3]) for r in rows])
    by_id = expected.set_index("id").geometry
    assert all(g.equals(by_id[r[0]]) for r, g in zip(rows, geometries, strict=True))
