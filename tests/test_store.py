"""Reading the store into typed GeoDataFrames, and writing events back safely."""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import signal
import stat
import subprocess
import sys
from datetime import date, datetime
from enum import Enum, IntEnum, StrEnum
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from layers import store as store_module
from layers.paths import SHIPPED_STORE
from layers.store import (
    EVENT_COLUMNS,
    StoreError,
    collection_files,
    dumps_collection,
    frame_to_features,
    read_store,
    save_event,
    write_collection,
)
from tests.factories import collection, make_feature, write_json


class Color(Enum):  # written by orjson (its value), refused by the standard library
    RED = 1


class FloorNumber(IntEnum):  # an int to both
    THREE = 3


class TextKind(StrEnum):  # a str to both
    A = "a"


def _snapshot(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(root.glob("*.geojson"))}


def test_frame_has_typed_columns_in_wgs84(tmp_path: Path) -> None:
    features = [
        make_feature(
            "a", start="2023-09-24T02:00:00+02:00", time_precision="hour", fatalities={"min": 3, "max": 5}
        ),
        make_feature("b", injured=2, tags=["x"]),
    ]
    events = read_store(write_json(tmp_path / "s.geojson", collection(*features))).events
    assert list(events.columns) == list(EVENT_COLUMNS)
    assert events.crs.to_epsg() == 4326
    assert str(events["start"].dtype).startswith("datetime64") and "Europe/Belgrade" in str(
        events["start"].dtype
    )
    assert events.loc[0, "start"] == pd.Timestamp("2023-09-24 02:00", tz="Europe/Belgrade")
    assert events.loc[1, "start"] == pd.Timestamp("2023-09-24 00:00", tz="Europe/Belgrade")
    assert events["fatalities_min"].dtype == "Int64"
    assert (events.loc[0, "fatalities_min"], events.loc[0, "fatalities_max"]) == (3, 5)
    assert pd.isna(events.loc[1, "fatalities_min"])
    assert (events.loc[1, "injured_min"], events.loc[1, "injured_max"]) == (2, 2)
    assert events["id"].dtype == "string"
    assert events.loc[1, "tags"] == ["x"]
    assert events.loc[0, "n_sources"] == 1


def test_empty_store_gives_empty_frames(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    store = read_store(tmp_path / "empty")
    assert store.events.empty and list(store.events.columns) == list(EVENT_COLUMNS)
    assert store.incidents.empty and store.report.ok


def test_layers_are_split(tmp_path: Path) -> None:
    kfor = make_feature("k", layer="kfor", category="installation")
    events = collection(make_feature("i"), kfor)
    store = read_store(write_json(tmp_path / "s.geojson", events))
    assert list(store.incidents["id"]) == ["i"] and list(store.kfor["id"]) == ["k"]
    assert store.deployments.empty
    with pytest.raises(ValueError, match="unknown layer"):
        store.layer("tanks")


def test_missing_store_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no event store"):
        read_store(tmp_path / "nowhere")


def test_shipped_store_round_trips_byte_for_byte(tmp_path: Path) -> None:
    """load → save → load gives identical data, and saving unchanged data changes no bytes."""
    store = read_store(SHIPPED_STORE)
    assert store.report.ok and len(store.events) > 0
    for file in collection_files(SHIPPED_STORE):
        rel = file.relative_to(SHIPPED_STORE).as_posix()
        meta = json.loads(file.read_text(encoding="utf-8"))["bordermon"]
        rows = store.events[store.events["file"] == rel].sort_values("feature_index")
        text = dumps_collection(frame_to_features(rows), meta)
        assert text == file.read_text(encoding="utf-8"), f"{rel} is not in canonical form"
        copy = tmp_path / rel
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_text(text, encoding="utf-8")
    again = read_store(tmp_path)
    columns = [c for c in EVENT_COLUMNS if c != "geometry"]
    pd.testing.assert_frame_equal(again.events[columns], store.events[columns])
    assert list(again.events.geometry.to_wkb()) == list(store.events.geometry.to_wkb())


def test_save_appends_then_updates_in_place(tmp_path: Path) -> None:
    root = tmp_path / "store"
    write_json(root / "main.geojson", collection(make_feature("a"), make_feature("b")))
    save_event(make_feature("c", title="New"), root, "main.geojson")
    save_event(make_feature("a", title="Corrected"), root, update=True)
    store = read_store(root)
    assert list(store.events["id"]) == ["a", "b", "c"]
    assert list(store.events["title"]) == ["Corrected", "Test event", "New"]
    before = (root / "main.geojson").read_bytes()
    save_event(make_feature("a", title="Corrected"), root, update=True)
    assert (root / "main.geojson").read_bytes() == before


def test_save_to_a_new_collection_file(tmp_path: Path) -> None:
    root = tmp_path / "store"
    root.mkdir()
    written = save_event(make_feature("n"), root).path
    assert written == root / "additions.geojson"
    assert read_store(root).events["id"].tolist() == ["n"]


@pytest.mark.parametrize(
    ("feature", "update", "message"),
    [
        (make_feature("a"), False, "already used in main.geojson"),
        (make_feature("zz"), True, "no event with id 'zz'"),
        (make_feature("c", sources=[]), False, "not valid"),
        (make_feature("c", start="2023-02-30"), False, "not a real date"),
    ],
    ids=["duplicate-id", "update-missing", "no-sources", "bad-date"],
)
def test_refused_writes_change_nothing(tmp_path: Path, feature: dict, update: bool, message: str) -> None:
    root = tmp_path / "store"
    write_json(root / "main.geojson", collection(make_feature("a")))
    before = _snapshot(root)
    with pytest.raises(StoreError, match=message):
        save_event(feature, root, "main.geojson", update=update)
    assert _snapshot(root) == before


def test_a_write_into_a_broken_store_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "store"
    write_json(root / "main.geojson", collection(make_feature("a")))
    (root / "broken.geojson").write_text("{not json", encoding="utf-8")
    before = _snapshot(root)
    with pytest.raises(StoreError, match="cannot be read"):
        save_event(make_feature("b"), root, "main.geojson")
    assert _snapshot(root) == before


def test_set_aside_features_survive_a_write(tmp_path: Path) -> None:
    root = tmp_path / "store"
    bad = make_feature("bad", start="2023-02-30")
    write_json(root / "main.geojson", collection(make_feature("a"), bad))
    save_event(make_feature("b"), root, "main.geojson")
    data = json.loads((root / "main.geojson").read_text(encoding="utf-8"))
    assert [f["id"] for f in data["features"]] == ["a", "bad", "b"]
    assert data["features"][1]["properties"]["start"] == "2023-02-30"


def test_a_crash_mid_write_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "store"
    write_json(root / "main.geojson", collection(make_feature("a")))
    before = _snapshot(root)

    def crash(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(store_module.os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        save_event(make_feature("b"), root, "main.geojson")
    assert _snapshot(root) == before
    assert not [p for p in root.iterdir() if p.suffix == ".tmp"]


def _append_many(args: tuple[str, int, int]) -> None:
    root, worker, count = args
    for n in range(count):
        save_event(make_feature(f"w{worker}-{n}"), root, "shared.geojson")


def test_parallel_writers_lose_no_event(tmp_path: Path) -> None:
    root = tmp_path / "store"
    root.mkdir()
    workers, each = 4, 8
    context = multiprocessing.get_context("spawn" if os.name == "nt" else "fork")
    with context.Pool(workers) as pool:
        pool.map(_append_many, [(str(root), w, each) for w in range(workers)])
    store = read_store(root)
    assert store.report.ok
    assert len(store.events) == workers * each
    assert set(store.events["id"]) == {f"w{w}-{n}" for w in range(workers) for n in range(each)}


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o664])
def test_a_rewritten_file_keeps_its_mode(tmp_path: Path, mode: int) -> None:
    root = tmp_path / "store"
    path = write_json(root / "main.geojson", collection(make_feature("a")))
    path.chmod(mode)
    save_event(make_feature("b"), root, "main.geojson")
    assert stat.S_IMODE(path.stat().st_mode) == mode
    save_event(make_feature("b", title="Changed"), root, update=True)
    assert stat.S_IMODE(path.stat().st_mode) == mode


def test_an_update_that_changes_nothing_leaves_the_file_untouched(tmp_path: Path) -> None:
    """Saving an event unedited writes nothing, even in a file not in the store's own layout."""
    root = tmp_path / "store"
    features = [make_feature("a"), make_feature("b")]
    path = root / "main.geojson"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(collection(*features), indent=4), encoding="utf-8")  # not canonical
    before, written_at = path.read_bytes(), path.stat().st_mtime_ns
    same = dict(reversed(make_feature("a").items()))  # the same event, its keys in another order
    assert save_event(same, root, update=True) == (path, False)
    assert path.read_bytes() == before and path.stat().st_mtime_ns == written_at
    assert save_event(make_feature("a", title="Changed"), root, update=True) == (path, True)
    saved = json.loads(path.read_text(encoding="utf-8"))["features"]
    assert [(f["id"], f["properties"]["title"]) for f in saved] == [
        ("a", "Changed"),
        ("b", features[1]["properties"]["title"]),
    ]


def test_an_update_of_a_record_set_aside_is_written(tmp_path: Path) -> None:
    """A stored record that is not valid is never 'the same event': its correction is written."""
    root = tmp_path / "store"
    broken = make_feature("a", disputes=[{"claims": []}])  # a dispute without its field
    path = write_json(root / "main.geojson", collection(broken, make_feature("b")))
    assert read_store(root, cache=None).report.problems  # set aside
    assert save_event(make_feature("a"), root, update=True) == (path, True)
    assert sorted(read_store(root, cache=None).events["id"]) == ["a", "b"]


def test_a_new_file_gets_the_usual_mode(tmp_path: Path) -> None:
    root = tmp_path / "store"
    root.mkdir()
    path = save_event(make_feature("a"), root, "new.geojson").path
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~_umask()  # not 0600


_KILLED_WRITER = """
import os, signal, sys
from pathlib import Path
from layers import store
from tests.factories import make_feature

def killed(src, dst):  # the process dies after writing its temporary, before the rename
    os.kill(os.getpid(), signal.SIGKILL)

store.os.replace = killed
store.save_event(make_feature("lost"), Path(sys.argv[1]), "main.geojson")
"""


@pytest.mark.skipif(os.name == "nt", reason="SIGKILL is POSIX")
def test_a_killed_writers_temporary_is_removed_under_the_lock(tmp_path: Path) -> None:
    root = tmp_path / "store"
    write_json(root / "main.geojson", collection(make_feature("a")))
    (root / "notes.tmp").write_text("not ours")
    (root / "sub").mkdir()
    killed = subprocess.run(
        [sys.executable, "-c", _KILLED_WRITER, str(root)], cwd=Path(__file__).parents[1], check=False
    )
    assert killed.returncode == -signal.SIGKILL
    left = [p.name for p in root.iterdir() if p.name.startswith(".main.geojson.")]
    assert len(left) == 1 and left[0].endswith(".tmp")  # what a killed import leaves
    stale_below = root / "sub" / ".events.geojson.k3y_x9.tmp"  # a tempfile.mkstemp name
    stale_below.write_text("{")

    save_event(make_feature("b"), root, "main.geojson")
    assert not [p for p in root.rglob("*.geojson.*.tmp")]
    assert (root / "notes.tmp").read_text() == "not ours"
    assert sorted(read_store(root).events["id"]) == ["a", "b"]


def test_nested_fields_and_extensions_reach_the_frame(tmp_path: Path) -> None:
    rich = make_feature("rich", x_note={"checked": ["twice"]}, tags=["border"], injured={"min": 1, "max": 3})
    rich["properties"]["external_ids"] = {"acled": "XKX1"}
    rich["properties"]["x_first"] = 1
    events = read_store(write_json(tmp_path / "s.geojson", collection(rich, make_feature("plain")))).events
    first, second = events.iloc[0], events.iloc[1]
    assert first["extensions"] == {"x_note": {"checked": ["twice"]}, "x_first": 1}
    assert list(first["extensions"]) == ["x_note", "x_first"]  # in the file's order
    assert first["external_ids"] == {"acled": "XKX1"} and first["tags"] == ["border"]
    assert (first["injured_min"], first["injured_max"], first["n_sources"]) == (1, 3, 1)
    assert second["extensions"] == {} and second["external_ids"] == {}
    assert second["tags"] == [] and second["disputes"] == [] and pd.isna(second["injured_min"])
    assert second["tags"] is not second["disputes"]  # missing lists are not one shared object


def test_an_open_start_is_read_kept_and_written_only_when_true(tmp_path: Path) -> None:
    camp, plain, said_false = (make_feature(fid, layer="kfor", category="installation") for fid in "abc")
    camp["properties"]["start_open"] = True
    said_false["properties"]["start_open"] = False
    events = read_store(write_json(tmp_path / "s.geojson", collection(camp, plain, said_false))).events
    assert events["start_open"].dtype == bool and list(events["start_open"]) == [True, False, False]
    written = [f["properties"] for f in frame_to_features(events)]
    assert written[0]["start_open"] is True
    assert "start_open" not in written[1] and "start_open" not in written[2]
    keys = list(written[0])
    assert keys.index("start") < keys.index("start_open") < keys.index("time_precision")


def test_title_translations_are_read_kept_in_order_and_never_written_empty(tmp_path: Path) -> None:
    """title_i18n: a mapping per event ({} when none), written in the interface's order, only when given."""
    titles = {"sq": "Sulm në Banjskë", "fr": "Attaque à Banjska", "sr_Latn": "Napad u Banjskoj"}
    translated = make_feature("translated", title_i18n=titles)
    said_empty = make_feature("said-empty", title_i18n={})
    events = read_store(
        write_json(tmp_path / "s.geojson", collection(translated, make_feature("plain"), said_empty))
    ).events
    assert list(events["title_i18n"]) == [titles, {}, {}]
    assert events["title_i18n"].iloc[1] is not events["title_i18n"].iloc[2]  # not one shared object
    written = [f["properties"] for f in frame_to_features(events)]
    assert list(written[0]["title_i18n"].items()) == [
        ("fr", "Attaque à Banjska"),
        ("sr_Latn", "Napad u Banjskoj"),
        ("sq", "Sulm në Banjskë"),
    ]
    keys = list(written[0])
    assert keys.index("title") + 1 == keys.index("title_i18n") < keys.index("summary")
    assert "title_i18n" not in written[1] and "title_i18n" not in written[2]


def test_saving_a_translated_event_writes_it_canonically_and_reads_it_back(tmp_path: Path) -> None:
    root = tmp_path / "store"
    feature = make_feature("t", title_i18n={"sq": "Ngjarje prove", "en": "Test event (en)"})
    path = save_event(feature, root).path
    text = path.read_text(encoding="utf-8")
    assert (
        '"title_i18n": {\n          "en": "Test event (en)",\n          "sq": "Ngjarje prove"\n        },'
        in text
    )
    assert read_store(root, cache=None).events.iloc[0]["title_i18n"] == {
        "en": "Test event (en)",
        "sq": "Ngjarje prove",
    }
    save_event(make_feature("t", title_i18n={}), root, update=True)
    assert "title_i18n" not in path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("ending", "bom"), [("\n", False), ("\n", True), ("\r\n", False), ("\r\n", True), ("\r", False)]
)
def test_a_collection_file_is_read_whatever_its_line_ends_and_byte_order_mark(
    tmp_path: Path, ending: str, bom: bool
) -> None:
    text = dumps_collection([make_feature("one"), make_feature("two")]).replace("\n", ending)
    path = tmp_path / "events.geojson"
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    data, problem = store_module.read_collection_file(path, "events.geojson")
    assert problem is None
    assert [f["id"] for f in data["features"]] == ["one", "two"]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b'{"type": "FeatureCollection",\n "features": []\xff}', "is not UTF-8 text (byte 45)"),
        (b'{"type": "FeatureCollection",\r\n "features": []\xff}', "is not UTF-8 text (byte 46)"),
        (b"\n \n", "is empty"),
        (b'{"type": "FeatureCollection",\n "features": [}', "invalid JSON at line 2, column 15"),
        (b'{"type": "FeatureCollection",\r "features": [}', "invalid JSON at line 2, column 15"),
    ],
)
def test_an_unreadable_collection_file_is_one_reason(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "events.geojson"
    path.write_bytes(content)
    data, problem = store_module.read_collection_file(path, "events.geojson")
    assert data is None and problem is not None
    assert (problem.file, problem.index, problem.field) == ("events.geojson", None, "(file)")
    assert problem.reason.startswith(reason)


def _stdlib_text(features: list[Any], meta: dict[str, Any] | None) -> str:
    header = dict(meta or {})
    header.setdefault("schema_version", "1.0")
    document = {"type": "FeatureCollection", "bordermon": header, "features": features}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _odd_value(rng: random.Random, depth: int) -> Any:
    """A random JSON-ish value: every kind the writer may meet, odd ones included."""
    texts = [
        "",
        "Zvečan / Zveçan",
        "Звечан",
        'quote " and \\ backslash',
        "line\nbreak\ttab",
        "\u2028\u2029",
        "\x00\x1f",
        "🙂",
    ]
    leaves: list[Any] = [
        None, True, False, 0, -1, 2**70, 0.1, -0.0, 1e16, 1e-7, 42.97139, float("nan"), float("inf"), *texts,
    ]  # fmt: skip
    roll = rng.random()
    if depth > 3 or roll < 0.45:
        return rng.choice(leaves)
    if roll < 0.7:
        return [_odd_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    if roll < 0.75:
        return tuple(_odd_value(rng, depth + 1) for _ in range(rng.randint(0, 3)))
    keys: list[Any] = [*texts, "type", "id", 1, 2.5, True, None]
    return {rng.choice(keys): _odd_value(rng, depth + 1) for _ in range(rng.randint(0, 4))}


def test_the_writer_gives_the_standard_library_s_bytes_for_every_file_and_odd_values() -> None:
    for file in collection_files(SHIPPED_STORE):
        text = file.read_text(encoding="utf-8")
        data = json.loads(text)
        assert dumps_collection(data["features"], data["bordermon"]) == text
    rng = random.Random(14)
    for _ in range(300):
        features = [_odd_value(rng, 0) for _ in range(rng.randint(0, 3))]
        meta = {"schema_version": "1.0", "note": _odd_value(rng, 1)} if rng.random() < 0.5 else None
        assert dumps_collection(features, meta) == _stdlib_text(features, meta)


def test_the_fast_writer_is_used_for_plain_values_and_never_where_it_would_differ() -> None:
    plain = [make_feature("a"), make_feature("b", title="Зубин Поток / Zubin Potok", uncertainty_km=2.5)]
    assert store_module._fast_items(plain) is not None  # the fast path is the one taken here
    odd: list[Any] = [
        float("nan"), float("inf"), -float("inf"), 1e-05, 7e-08, 4.2e-05, 1e16, 1.5e300, 2**64, 2**70,
        (1, 2), datetime(2023, 9, 24), date(2023, 9, 24), Color.RED, "\ud800", {1: "key"}, {None: 1},
    ]  # fmt: skip
    for value in odd:
        features = [*plain, make_feature("c", x_value=value)]
        assert store_module._fast_items(features) is None, value
        try:
            expected: str | type[Exception] = _stdlib_text(features, None)
        except (TypeError, ValueError) as exc:
            expected = type(exc)
        if isinstance(expected, str):
            assert dumps_collection(features) == expected, value
        else:
            with pytest.raises(expected):
                dumps_collection(features)
    # Floats of every size, and values that are what they look like to orjson's reader.
    rng = random.Random(7)
    floats = [rng.choice((1, -1)) * 10 ** rng.uniform(-30, 30) for _ in range(3000)]
    floats += [round(rng.uniform(-200, 200), rng.randint(0, 9)) for _ in range(3000)]
    kinds = [np.float64(0.25), FloorNumber(3), TextKind.A, "0.00001 km", "2e-3"]
    for first in range(0, len(floats), 500):
        features = [make_feature(f"f{n}", x_value=v) for n, v in enumerate(floats[first : first + 500])]
        assert dumps_collection(features) == _stdlib_text(features, None)
    features = [make_feature(f"k{n}", x_value=v) for n, v in enumerate(kinds)]
    assert dumps_collection(features) == _stdlib_text(features, None)
    batch = [make_feature(f"many{n}") for n in range(2500)]  # three batches
    assert dumps_collection(batch, {"schema_version": "1.0"}) == _stdlib_text(batch, None)


def test_the_written_file_is_the_text_dumps_collection_gives(tmp_path: Path) -> None:
    features = [
        make_feature("a"),
        make_feature("b", title='Тест \u2028 "x"', fatalities={"min": 1, "max": 2}),
    ]
    write_collection(tmp_path / "c.geojson", features, {"schema_version": "1.0", "import": {"kind": "acled"}})
    expected = _stdlib_text(features, {"schema_version": "1.0", "import": {"kind": "acled"}})
    assert (tmp_path / "c.geojson").read_bytes() == expected.encode("utf-8")
    write_collection(tmp_path / "empty.geojson", [], None)
    assert (tmp_path / "empty.geojson").read_text(encoding="utf-8") == _stdlib_text([], None)
    # A lone surrogate is not UTF-8: the write fails and leaves nothing behind.
    with pytest.raises(UnicodeEncodeError):
        write_collection(tmp_path / "c.geojson", [make_feature("a", title="half \ud800")], None)
    assert (tmp_path / "c.geojson").read_bytes() == expected.encode("utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.geojson", "empty.geojson"]
