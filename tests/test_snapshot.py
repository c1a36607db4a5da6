"""Validated snapshots: each file validated once per version, the same results as the GeoJSON."""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import time
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyarrow.parquet as pq
import pytest
from geopandas.testing import assert_geodataframe_equal

from layers import snapshot as snapshot_module
from layers.paths import CACHE_ENV, SHIPPED_STORE, default_cache
from layers.publishers import PUBLISHERS_ENV
from layers.snapshot import (
    NESTED_COLUMNS,
    SOURCES_TYPE,
    decode_sources,
    frame_to_table,
    snapshot_path,
    table_to_frame,
)
from layers.store import EVENT_COLUMNS, empty_events, frame_to_features, read_store, write_collection
from layers.validate import event_schema
from layers.vocabulary import SOURCE_FIELDS
from tests.factories import SOURCE, collection, make_feature, write_json
from tests.hostile import HOSTILE_FEATURES, write_hostile_store

AREA = {
    "type": "Polygon",
    "coordinates": [[[20.70, 42.90], [20.80, 42.90], [20.80, 43.00], [20.70, 43.00], [20.70, 42.90]]],
}


def _every_field() -> list[dict[str, Any]]:
    """Features that between them use every field and every kind of value the schema allows."""
    ranged = make_feature(
        "ranged",
        title_i18n={"fr": "Embuscade « test »", "sr_Latn": "Zasjeda kod Banjske", "sq": "Pritë në Banjskë"},
        start="2023-09-24T02:30:00+02:00",
        end="2023-09-24T21:00:00+02:00",
        time_precision="hour",
        fatalities={"min": 3, "max": 5},
        injured={"min": 0, "max": 12},
        location_precision="approximate",
        uncertainty_km=2.5,
        geometry_note="Place given to the nearest village.",
        group="2023-09-banjska",
        tags=["siege", "monastery"],
        external_ids={"acled": "XKX123", "ucdp": "456"},
        x_note={"nested": [1, 2.5, None, "ž"]},
        sources=[
            {**SOURCE, "original_publisher": "Kosovo Online", "dataset_id": "XKX123"},
            {**SOURCE, "url": "https://example.org/other", "language": "sr", "title": "Drugi izveštaj"},
        ],
        disputes=[
            {
                "field": "fatalities",
                "claims": [
                    {"claim": "3 killed", "by": "Kosovo Police", "source_url": SOURCE["url"]},
                    {"claim": "5 killed", "by": "Serbian officials"},
                ],
            }
        ],
    )
    area = make_feature(
        "area",
        layer="deployment",
        category="buildup",
        start="2023-10-01",
        end="2023-10-31",
        location_precision="area",
        side="RS",
        fatalities=7,
        injured=None,
    )
    area["geometry"] = AREA
    nowhere = make_feature(
        "nowhere",
        layer="kfor",
        category="reinforcement",
        start="2023-03-26T01:30:00+01:00",
        time_precision="hour",
        location_precision="none",
        side=None,
        actors=[],
    )
    nowhere["geometry"] = None
    del nowhere["properties"]["municipality"]
    return [ranged, area, nowhere]


def _store(root: Path) -> Path:
    write_json(root / "a.geojson", collection(*_every_field()))
    write_json(root / "b.geojson", collection(make_feature("b1"), make_feature("b2", start="2023-10-02")))
    write_json(root / "c.geojson", collection(make_feature("c1", start="2023-11-05")))
    return root


def _same(one: Any, other: Any) -> None:
    assert_geodataframe_equal(one.events, other.events, check_less_precise=False)
    assert one.report == other.report


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


# --------------------------------------------------------------------------- invalidation


def test_second_read_comes_from_snapshots_with_the_same_result(tmp_path: Path) -> None:
    root = _store(tmp_path / "store")
    first = read_store(root, cache=tmp_path / "cache")
    assert first.validated == ("a.geojson", "b.geojson", "c.geojson")
    second = read_store(root, cache=tmp_path / "cache")
    assert second.validated == ()
    _same(first, second)
    _same(second, read_store(root, cache=None))


def test_editing_one_file_revalidates_only_that_file(tmp_path: Path) -> None:
    root = _store(tmp_path / "store")
    cache = tmp_path / "cache"
    read_store(root, cache=cache)
    _edit(root / "b.geojson", '"Test event"', '"Edited event"')
    again = read_store(root, cache=cache)
    assert again.validated == ("b.geojson",)
    assert set(again.events.loc[again.events["file"] == "b.geojson", "title"]) == {"Edited event"}
    _same(again, read_store(root, cache=None))
    assert read_store(root, cache=cache).validated == ()


def test_an_edit_that_keeps_size_and_time_is_still_seen(tmp_path: Path) -> None:
    # A file changed in the same instant as it was read, to the same size, is hashed again.
    root = _store(tmp_path / "store")
    cache = tmp_path / "cache"
    read_store(root, cache=cache)
    path = root / "c.geojson"
    stat = path.stat()
    _edit(path, '"Test event"', '"Tset event"')
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    again = read_store(root, cache=cache)
    assert again.validated == ("c.geojson",)
    assert list(again.events.loc[again.events["id"] == "c1", "title"]) == ["Tset event"]


def test_a_touched_but_unchanged_file_is_not_revalidated(tmp_path: Path) -> None:
    root = _store(tmp_path / "store")
    cache = tmp_path / "cache"
    first = read_store(root, cache=cache)
    later = time.time() + 10
    os.utime(root / "a.geojson", (later, later))
    again = read_store(root, cache=cache)
    assert again.validated == ()
    _same(first, again)


def test_an_old_unchanged_file_is_trusted_on_size_and_time(tmp_path: Path) -> None:
    root = _store(tmp_path / "store")
    cache = tmp_path / "cache"
    long_ago = time.time() - 3600
    for path in root.glob("*.geojson"):
        os.utime(path, (long_ago, long_ago))
    read_store(root, cache=cache)
    calls: list[Path] = []
    original = snapshot_module.file_digest

    def counting(path: Path) -> str:
        calls.append(path)
        return original(path)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(snapshot_module, "file_digest", counting)
        assert read_store(root, cache=cache).validated == ()
    assert calls == []  # nothing was even hashed


@pytest.mark.parametrize(
    "change", ["schema version", "schema file", "publisher register", "code", "snapshot format"]
)
def test_a_change_of_rules_revalidates_every_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    root = _store(tmp_path / "store")
    cache = tmp_path / "cache"
    first = read_store(root, cache=cache)
    if change == "schema version":
        monkeypatch.setattr(snapshot_module, "SCHEMA_VERSION", "1.1")
    elif change == "schema file":
        schema = tmp_path / "event.schema.json"
        schema.write_text(snapshot_module.SCHEMA_PATH.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        monkeypatch.setattr(snapshot_module, "SCHEMA_PATH", schema)
    elif change == "snapshot format":  # e.g. 1 → 2, when the title_i18n column came
        monkeypatch.setattr(snapshot_module, "SNAPSHOT_FORMAT", snapshot_module.SNAPSHOT_FORMAT + 1)
    elif change == "publisher register":
        register = tmp_path / "publishers.csv"
        shipped = Path(os.environ[PUBLISHERS_ENV]).read_text(encoding="utf-8")
        register.write_text(shipped + "example.com,Example Com,newspaper,XK,en\n", encoding="utf-8")
        monkeypatch.setenv(PUBLISHERS_ENV, str(register))
    else:
        monkeypatch.setattr(snapshot_module, "_code_digest", lambda: "another version of the code")
    again = read_store(root, cache=cache)
    assert again.validated == ("a.geojson", "b.geojson", "c.geojson")
    _same(first, again)


def test_deleting_the_cache_gives_the_same_results(tmp_path: Path) -> None:
    root = _store(tmp_path / "store")
    cache = tmp_path / "cache"
    first = read_store(root, cache=cache)
    shutil.rmtree(cache)
    again = read_store(root, cache=cache)
    assert again.validated == ("a.geojson", "b.geojson", "c.geojson")
    _same(first, again)


# --------------------------------------------------------------------------- damaged snapshots


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty", "another table"])
def test_a_damaged_snapshot_is_ignored_and_made_again(tmp_path: Path, damage: str) -> None:
    root = _store(tmp_path / "store")
    cache = tmp_path / "cache"
    first = read_store(root, cache=cache)
    path = snapshot_path(cache, root / "a.geojson", "a.geojson")
    data = path.read_bytes()
    if damage == "truncated":  # a half-written file, as a crash in the middle of a write leaves
        path.write_bytes(data[: len(data) // 2])
    elif damage == "garbage":
        path.write_bytes(data[:100] + b"\x00" * 500 + data[600:])
    elif damage == "empty":
        path.write_bytes(b"")
    else:
        other = snapshot_path(cache, root / "c.geojson", "c.geojson")
        shutil.copyfile(other, path)  # a valid snapshot of another file
    again = read_store(root, cache=cache)
    assert "a.geojson" in again.validated
    _same(first, again)
    assert read_store(root, cache=cache).validated == ()  # and it was made again


def test_leftover_temporary_files_are_not_read(tmp_path: Path) -> None:
    root = _store(tmp_path / "store")
    cache = tmp_path / "cache"
    first = read_store(root, cache=cache)
    path = snapshot_path(cache, root / "a.geojson", "a.geojson")
    (path.parent / f".{path.stem}.abc.tmp").write_bytes(path.read_bytes()[:50])
    _same(first, read_store(root, cache=cache))


def test_a_cache_that_cannot_be_written_is_not_used(tmp_path: Path) -> None:
    root = _store(tmp_path / "store")
    blocked = tmp_path / "cache"
    blocked.write_text("a file where the cache directory should be", encoding="utf-8")
    store = read_store(root, cache=blocked)
    _same(store, read_store(root, cache=None))
    assert read_store(root, cache=blocked).validated == ("a.geojson", "b.geojson", "c.geojson")


# --------------------------------------------------------------------------- concurrency


def _versions() -> dict[str, dict[str, Any]]:
    # Two versions of one file, different in every event and in their number.
    return {
        "A": collection(*(make_feature(f"a{n}", title="Version A") for n in range(40))),
        "B": collection(*(make_feature(f"b{n}", title="Version B") for n in range(25))),
    }


def _writer(args: tuple[str, float]) -> int:
    root, seconds = Path(args[0]), args[1]
    versions = _versions()
    deadline, written = time.monotonic() + seconds, 0
    while time.monotonic() < deadline:
        name = "AB"[written % 2]
        write_collection(root / "events.geojson", versions[name]["features"])
        written += 1
    return written


def _reader(args: tuple[str, str, float]) -> list[str]:
    root, cache, seconds = Path(args[0]), args[1], args[2]
    os.environ[CACHE_ENV] = cache
    seen, deadline = [], time.monotonic() + seconds
    while time.monotonic() < deadline:
        store = read_store(root)
        titles = set(store.events["title"])
        version = f"{len(store.events)}:{','.join(sorted(titles))}"
        seen.append(version if store.report.ok else f"problems: {store.report.problems}")
    return seen


def test_concurrent_writer_and_readers_never_see_a_partial_state(tmp_path: Path) -> None:
    root = tmp_path / "store"
    write_json(root / "events.geojson", _versions()["A"])
    cache = str(tmp_path / "cache")
    context = multiprocessing.get_context("spawn")
    with context.Pool(4) as pool:
        writes = pool.map_async(_writer, [(str(root), 4.0)])
        reads = pool.map(_reader, [(str(root), cache, 4.0)] * 3)
        assert writes.get()[0] > 2
    seen = {version for versions in reads for version in versions}
    assert seen <= {"40:Version A", "25:Version B"}, seen
    assert sum(len(v) for v in reads) > 3
    # Whatever was left in the cache is whole: the file reads the same from it as from GeoJSON.
    _same(read_store(root, cache=Path(cache)), read_store(root, cache=None))


# --------------------------------------------------------------------------- identical results


def test_shipped_store_reads_the_same_from_geojson_and_from_snapshots(tmp_path: Path) -> None:
    direct = read_store(SHIPPED_STORE, cache=None)
    read_store(SHIPPED_STORE, cache=tmp_path / "cache")
    cached = read_store(SHIPPED_STORE, cache=tmp_path / "cache")
    assert cached.validated == ()
    _same(direct, cached)
    assert frame_to_features(cached.events) == frame_to_features(direct.events)


def test_what_was_set_aside_is_kept_with_the_snapshot(tmp_path: Path) -> None:
    root = tmp_path / "store"
    bad_range = make_feature("bad-range", fatalities={"min": 5, "max": 2})
    no_sources = make_feature("no-sources", sources=[])
    swapped = make_feature("swapped")
    swapped["geometry"] = {"type": "Point", "coordinates": [42.97, 20.78]}
    write_json(root / "a.geojson", collection(make_feature("ok-1"), bad_range, no_sources, swapped))
    write_json(root / "b.geojson", collection(make_feature("ok-1"), make_feature("ok-2")))  # a duplicate id
    (root / "c.geojson").write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    (root / "d.geojson").write_text("", encoding="utf-8")
    direct = read_store(root, cache=None)
    assert direct.report.set_aside == 4 and len(direct.report.errors) >= 6
    read_store(root, cache=tmp_path / "cache")
    cached = read_store(root, cache=tmp_path / "cache")
    assert cached.validated == ()
    _same(direct, cached)
    assert cached.report.format(root="x") == direct.report.format(root="x")


def test_hostile_records_read_the_same_from_geojson_and_from_snapshots(tmp_path: Path) -> None:
    """Records built to break a reader (huge numbers, deep nesting, unreadable files)."""
    root = write_hostile_store(tmp_path / "store")
    direct = read_store(root, cache=None)
    assert direct.report.set_aside == len(HOSTILE_FEATURES)
    first = read_store(root, cache=tmp_path / "cache")
    cached = read_store(root, cache=tmp_path / "cache")
    assert first.validated and cached.validated == ()
    _same(direct, first)
    _same(direct, cached)
    assert cached.report.format(root="x") == direct.report.format(root="x")
    assert frame_to_features(cached.events) == frame_to_features(direct.events)


def test_one_file_store_and_directory_store_name_files_apart(tmp_path: Path) -> None:
    root = _store(tmp_path / "store")
    cache = tmp_path / "cache"
    read_store(root, cache=cache)
    alone = read_store(root / "b.geojson", cache=cache)  # the same file under the same name
    assert alone.validated == () and set(alone.events["file"]) == {"b.geojson"}
    nested = tmp_path / "outer"
    shutil.copytree(root, nested / "inner")
    inner = read_store(nested, cache=cache)
    assert len(inner.validated) == 3
    assert set(inner.events["file"]) == {"inner/a.geojson", "inner/b.geojson", "inner/c.geojson"}


def test_only_the_columns_asked_for_are_read(tmp_path: Path) -> None:
    root = _store(tmp_path / "store")
    cache = tmp_path / "cache"
    whole = read_store(root, cache=cache)
    some = read_store(root, columns=["title", "start"], cache=cache)
    assert list(some.events.columns) == ["id", "layer", "title", "start", "file", "feature_index", "geometry"]
    assert_geodataframe_equal(some.events, whole.events[list(some.events.columns)])
    assert some.report == whole.report
    with pytest.raises(ValueError, match="not event columns: nonsense"):
        read_store(root, columns=["nonsense"], cache=cache)


# --------------------------------------------------------------------------- GeoParquet


def test_geoparquet_round_trip_keeps_every_field(tmp_path: Path) -> None:
    store = read_store(write_json(tmp_path / "s.geojson", collection(*_every_field())), cache=None)
    assert store.report.ok and store.report.set_aside == 0
    events = store.events
    assert set(NESTED_COLUMNS) < set(EVENT_COLUMNS)
    pq.write_table(frame_to_table(events), tmp_path / "events.parquet")
    back = table_to_frame(pq.read_table(tmp_path / "events.parquet"), empty_events())
    assert_geodataframe_equal(back, events, check_less_precise=False)
    assert frame_to_features(back) == frame_to_features(events)
    ranged = back.set_index("id").loc["ranged"]
    assert (ranged["fatalities_min"], ranged["fatalities_max"]) == (3, 5)
    assert ranged["sources"][0]["original_publisher"] == "Kosovo Online"
    assert ranged["sources"][0]["dataset_id"] == "XKX123"
    assert ranged["disputes"][0]["claims"][1] == {"claim": "5 killed", "by": "Serbian officials"}
    assert ranged["extensions"] == {"x_note": {"nested": [1, 2.5, None, "ž"]}}
    assert ranged["external_ids"] == {"acled": "XKX123", "ucdp": "456"}
    assert list(ranged["title_i18n"].items()) == [
        ("fr", "Embuscade « test »"),
        ("sr_Latn", "Zasjeda kod Banjske"),
        ("sq", "Pritë në Banjskë"),
    ]
    assert back.set_index("id").loc["area", "title_i18n"] == {}
    assert "title_i18n" not in frame_to_features(back)[1]["properties"]  # none: not written as {}
    assert ranged["start"] == pd.Timestamp("2023-09-24 02:30", tz="Europe/Belgrade")
    nowhere = back.set_index("id").loc["nowhere"]
    assert nowhere.geometry is None and pd.isna(nowhere["side"]) and pd.isna(nowhere["fatalities_min"])
    assert back.set_index("id").loc["area"].geometry.geom_type == "Polygon"


def _odd_sources() -> list[dict[str, Any]]:
    """Features whose sources between them use every field, leave each optional one out,
    carry quotes, U+2028 and non-Latin text, and share sources between events."""
    hostile = "</script> 'single' \"double\" \\ \u2028 \u2029 & Љубовић «цитат»"
    full = {
        **SOURCE,
        "url": "https://example.org/napad?a=1&b='2'",
        "publisher": "Коссев",
        "original_publisher": "Kosovo Online",
        "title": hostile,
        "language": "sr",
        "dataset_id": "",  # a text, even empty: kept apart from a missing one
        "archived_url": "https://web.archive.org/web/2023/https://example.org/napad",
        "note": "Republished \u2028 once.",
    }
    albanian = {**SOURCE, "title": "Pritë në Banjskë", "language": "sq"}
    return [
        make_feature("full", sources=[full, SOURCE]),
        make_feature("shared", sources=[SOURCE, full, albanian]),
        make_feature("bare", sources=[{**SOURCE, "published": "2023"}]),
    ]


def test_sources_are_kept_as_columns_and_read_back_as_they_were(tmp_path: Path) -> None:
    root = tmp_path / "store"
    write_json(root / "a.geojson", collection(*_odd_sources()))
    direct = read_store(root, cache=None)
    assert direct.report.set_aside == 0
    read_store(root, cache=tmp_path / "cache")
    cached = read_store(root, cache=tmp_path / "cache")
    assert cached.validated == ()
    _same(direct, cached)
    stored = pq.read_table(snapshot_path(tmp_path / "cache", root / "a.geojson", "a.geojson"))
    assert stored.schema.field("sources").type == SOURCES_TYPE
    features = [feature["properties"]["sources"] for feature in _odd_sources()]
    assert cached.events["sources"].tolist() == features
    # Each source's fields in the schema's order (the store's own), the missing ones left out.
    full = cached.events["sources"].iloc[0][0]
    assert list(full) == list(SOURCE_FIELDS)
    assert list(cached.events["sources"].iloc[2][0]) == ["url", "publisher", "published", "language", "title"]
    assert full["dataset_id"] == "" and "dataset_id" not in cached.events["sources"].iloc[1][0]
    # Left as columns, the same sources decode the same way, for any selection of events.
    columns = read_store(root, cache=tmp_path / "cache", undecoded=("sources",)).events
    assert isinstance(columns["sources"].dtype, pd.ArrowDtype)
    assert decode_sources(columns["sources"]) == features
    assert decode_sources(columns["sources"].iloc[[2, 0]]) == [features[2], features[0]]
    assert decode_sources(columns["sources"].iloc[:0]) == []
    assert_geodataframe_equal(columns.drop(columns="sources"), cached.events.drop(columns="sources"))


def test_an_event_without_sources_and_a_source_that_does_not_fit(tmp_path: Path) -> None:
    # Validation sets aside an event without sources; a frame made in code can still hold one.
    events = read_store(write_json(tmp_path / "s.geojson", collection(*_odd_sources())), cache=None).events
    events.at[2, "sources"] = []
    back = table_to_frame(frame_to_table(events), empty_events())
    assert back["sources"].tolist() == events["sources"].tolist()
    assert back["sources"].iloc[2] == []
    undecoded = table_to_frame(frame_to_table(events), empty_events(), undecoded=("sources",))
    assert decode_sources(undecoded["sources"]) == events["sources"].tolist()
    # A snapshot never drops what it cannot hold: a field the schema lacks, a number.
    events.at[1, "sources"] = [{**SOURCE, "x_rating": "A"}]
    with pytest.raises(ValueError, match="fields the snapshot does not keep: 'x_rating'"):
        frame_to_table(events)
    events.at[1, "sources"] = [{**SOURCE, "published": 2023}]
    with pytest.raises(ValueError, match="does not fit the snapshot's columns"):
        frame_to_table(events)


def test_every_field_of_a_source_is_a_text_in_the_schema() -> None:
    # SOURCES_TYPE keeps each field of a source as a text: a new field of another type in
    # the schema needs a new snapshot format, not a silent conversion.
    definitions = event_schema()["$defs"]
    fields = definitions["source"]["properties"]
    assert tuple(fields) == SOURCE_FIELDS
    for name, field in fields.items():
        resolved = definitions[field["$ref"].rsplit("/", 1)[1]] if "$ref" in field else field
        assert resolved["type"] == "string", name
    assert [field.name for field in SOURCES_TYPE.value_type] == list(SOURCE_FIELDS)


def test_a_snapshot_is_a_geoparquet_file(tmp_path: Path) -> None:
    root = _store(tmp_path / "store")
    store = read_store(root, cache=tmp_path / "cache")
    path = snapshot_path(tmp_path / "cache", root / "a.geojson", "a.geojson")
    frame = gpd.read_parquet(path)
    mine = store.events[store.events["file"] == "a.geojson"]
    assert list(frame["id"]) == list(mine["id"])
    assert frame.crs == mine.crs
    assert frame.geometry.geom_equals_exact(mine.geometry.reset_index(drop=True), 0).sum() == 2
    # Any GeoParquet reader sees the sources as structs (a field left out is null).
    read = frame.loc[0, "sources"]
    assert [{key: text for key, text in s.items() if text} for s in read] == mine.iloc[0]["sources"]
    assert json.loads(frame.loc[0, "disputes"]) == mine.iloc[0]["disputes"]


# --------------------------------------------------------------------------- where the cache is


def test_cache_directory_follows_the_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "mine"))
    assert default_cache() == tmp_path / "mine"
    monkeypatch.setenv(CACHE_ENV, "off")
    assert default_cache() is None
    monkeypatch.delenv(CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    if os.name == "posix" and not str(default_cache()).startswith(str(Path.home() / "Library")):
        assert default_cache() == tmp_path / "xdg" / "bordermon"


def test_cache_off_writes_nothing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    root = _store(tmp_path / "store")
    monkeypatch.setenv(CACHE_ENV, "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert read_store(root).validated == ("a.geojson", "b.geojson", "c.geojson")
    assert read_store(root).validated == ("a.geojson", "b.geojson", "c.geojson")
    assert not (tmp_path / "xdg").exists() and not (tmp_path / "home").exists()


def test_default_read_uses_the_configured_cache_outside_the_store(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    root = _store(tmp_path / "store")
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    before = sorted(p.name for p in root.iterdir())
    read_store(root)
    assert read_store(root).validated == ()
    assert sorted(p.name for p in root.iterdir()) == before
    assert len(list((tmp_path / "cache" / "snapshots").glob("*.parquet"))) == 3
