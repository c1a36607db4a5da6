"""Applying an import: its own file, atomically, under the lock; re-running adds nothing."""

from __future__ import annotations

import json
import multiprocessing
import threading
from pathlib import Path

import pytest

from layers import store as store_module
from layers.ingest import apply_import, plan_import
from layers.ingest.model import ImportFileError
from layers.store import StoreError, read_store, save_event
from tests.factories import collection, make_feature, write_json
from tests.ingest_fixtures import (
    ACLED_CURRENT,
    ACLED_OLDER,
    BANJSKA_SIEGE,
    UCDP_GED,
    shipped_copy,
    snapshot,
)


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return shipped_copy(tmp_path)


def test_apply_writes_its_own_collection_and_the_store_reads_it(store: Path) -> None:
    shipped = snapshot(store)
    plan = plan_import("acled", ACLED_CURRENT, store)
    result = apply_import(plan)
    assert result.path == store / "imports" / f"acled-current-layout-{plan.sha256[:10]}.geojson"
    assert result.written == 6 and not result.skipped
    after = snapshot(store)
    assert {k: v for k, v in after.items() if not k.startswith("imports/")} == shipped
    data = json.loads(result.path.read_text(encoding="utf-8"))
    assert data["bordermon"]["schema_version"] == "1.0"
    assert data["bordermon"]["import"]["sha256"] == plan.sha256
    assert data["bordermon"]["import"]["file"] == "current-layout.csv"
    assert [f["id"] for f in data["features"]] == [c.id for c in plan.new]
    read = read_store(store)
    assert read.report.ok
    assert set(read.events["id"]) >= {c.id for c in plan.new}
    assert read.events.set_index("id").loc["acled-SRB9006", "side"] == "RS"


def test_rerunning_an_import_adds_nothing(store: Path) -> None:
    apply_import(plan_import("acled", ACLED_CURRENT, store))
    before = snapshot(store)
    again = plan_import("acled", ACLED_CURRENT, store)
    assert not again.new
    # The six written, and the row that repeated one of them, are now in the store by id;
    # the two possible duplicates are held back again.
    assert [d.kind for d in again.duplicates].count("same_id") == 7
    assert [d.kind for d in again.duplicates].count("same_place_day_type") == 2
    result = apply_import(again)
    assert (result.path, result.written) == (None, 0)
    assert snapshot(store) == before


def test_the_same_events_from_another_export_are_not_imported_twice(store: Path) -> None:
    apply_import(plan_import("acled", ACLED_CURRENT, store))
    # The older-layout file repeats XKX9003's place, day and type under another ACLED id;
    # another dataset's id for a stored event is caught by the place-day-type check.
    plan = plan_import("acled", ACLED_OLDER, store)
    kinds = {d.candidate.id: d.kind for d in plan.duplicates}
    assert kinds["acled-XKX8001"] == "same_place_day_type"
    assert "acled-XKX8002" in {c.id for c in plan.new}  # same place and day as XKX9003, both ACLED


def test_dry_run_and_rejected_imports_change_nothing(tmp_path: Path, store: Path) -> None:
    before = snapshot(store)
    plan_import("acled", ACLED_CURRENT, store)
    plan_import("ucdp", UCDP_GED, store)
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"not,an,export\n1,2,3\n")
    with pytest.raises(Exception, match="missing ACLED column"):
        plan_import("acled", bad, store)
    assert snapshot(store) == before


def test_possible_duplicates_are_written_only_when_asked_and_marked(store: Path) -> None:
    plan = plan_import("acled", ACLED_CURRENT, store)
    result = apply_import(plan, include_possible_duplicates=True)
    assert result.written == 8
    data = json.loads(Path(result.path or "").read_text(encoding="utf-8"))
    marked = {f["id"]: f["properties"].get("x_possible_duplicate_of") for f in data["features"]}
    assert marked["acled-XKX9001"] == BANJSKA_SIEGE
    assert marked["acled-XKX9003"] is None
    assert [f["id"] for f in data["features"]][:3] == ["acled-XKX9001", "acled-XKX9002", "acled-XKX9003"]
    assert read_store(store).report.ok


def test_a_stale_plan_is_checked_again_when_applied(store: Path) -> None:
    first = plan_import("acled", ACLED_CURRENT, store)
    second = plan_import("acled", ACLED_CURRENT, store)
    assert apply_import(first).written == 6
    late = apply_import(second)
    assert (late.path, late.written, len(late.skipped)) == (None, 0, 6)
    assert {d.kind for d in late.skipped} == {"same_id"}
    # An editor adds an event at the same place and day meanwhile: held back too.
    ucdp = plan_import("ucdp", UCDP_GED, store)
    editor = make_feature("editor-podujevo", start="2023-07-20", category="armed_clash")
    editor["geometry"]["coordinates"] = [21.1931, 42.9106]
    save_event(editor, store)
    result = apply_import(ucdp)
    assert [d.candidate.id for d in result.skipped] == ["ucdp-900006"]
    assert result.written == 2


def test_a_store_that_cannot_be_read_refuses_the_import(store: Path) -> None:
    (store / "broken.geojson").write_text("{oops", encoding="utf-8")
    before = snapshot(store)
    with pytest.raises(StoreError, match="cannot be read"):
        plan_import("acled", ACLED_CURRENT, store)
    assert snapshot(store) == before


def test_the_input_s_own_error_comes_first_and_no_indexing_outlives_the_plan(store: Path) -> None:
    # The store is indexed in a thread beside the input's reading: a broken input is
    # still reported as such (not the store's problem), and the thread is gone after.
    (store / "broken.geojson").write_text("{oops", encoding="utf-8")
    with pytest.raises(ImportFileError, match="empty"):
        plan_import("acled", b"", store, name="empty.csv")
    assert not [t for t in threading.enumerate() if t.name.startswith("bordermon-index")]
    with pytest.raises(StoreError, match="cannot be read"):
        plan_import("acled", ACLED_CURRENT, store)
    assert not [t for t in threading.enumerate() if t.name.startswith("bordermon-index")]


def test_a_store_file_is_not_a_directory(tmp_path: Path) -> None:
    single = write_json(tmp_path / "one.geojson", collection(make_feature("a")))
    plan = plan_import("acled", ACLED_CURRENT, single)
    with pytest.raises(StoreError, match="is a file"):
        apply_import(plan)


def test_a_crash_while_writing_leaves_no_file(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plan = plan_import("acled", ACLED_CURRENT, store)
    before = snapshot(store)

    def crash(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(store_module.os, "replace", crash)
    with pytest.raises(OSError, match="disk full"):
        apply_import(plan)
    assert snapshot(store) == before
    assert not [p for p in store.rglob("*.tmp")]


def _writer(args: tuple[str, str, int]) -> None:
    """One concurrent writer: an import (planned, then applied), or an editor's saves."""
    root, role, rounds = args
    if role in ("acled", "ucdp"):
        source = ACLED_CURRENT if role == "acled" else UCDP_GED
        for _ in range(rounds):
            apply_import(plan_import(role, source, root))
        return
    for n in range(rounds):
        save_event(
            make_feature(f"{role}-{n}", start="2023-07-01", title=f"{role} {n}"), root, f"{role}.geojson"
        )
        save_event(
            make_feature(f"{role}-{n}", start="2023-07-01", title=f"{role} {n} corrected"), root, update=True
        )


def test_parallel_imports_and_editors_lose_nothing_and_write_nothing_twice(store: Path) -> None:
    jobs = [("acled", 2), ("acled", 2), ("ucdp", 2), ("editor-a", 6), ("editor-b", 6)]
    context = multiprocessing.get_context("spawn")  # no fork of a process holding library threads
    with context.Pool(len(jobs)) as pool:
        pool.map(_writer, [(str(store), role, rounds) for role, rounds in jobs])
    read = read_store(store)
    assert read.report.ok, read.report.format()
    ids = list(read.events["id"])
    assert len(ids) == len(set(ids))
    imported = {i for i in ids if i.startswith(("acled-", "ucdp-"))}
    assert imported == {
        "acled-XKX9003", "acled-XKX9004", "acled-XKX9005", "acled-SRB9006", "acled-XKX9015",
        "acled-SRB9016", "ucdp-900002", "ucdp-900006", "ucdp-900008",
    }  # fmt: skip
    titles = read.events.set_index("id")["title"]
    for editor in ("editor-a", "editor-b"):
        assert [titles[f"{editor}-{n}"] for n in range(6)] == [f"{editor} {n} corrected" for n in range(6)]
    assert len(list((store / "imports").glob("*.geojson"))) == 2


def test_what_the_editor_page_needs(store: Path) -> None:
    from layers.ingest import detect_kind
    from layers.store import EVENT_COLUMNS

    data = ACLED_CURRENT.read_bytes()
    assert detect_kind("export.csv", data) == "acled"
    assert detect_kind("ged.csv", UCDP_GED.read_bytes()) == "ucdp"
    assert detect_kind("x.geojson", b'{"type": "FeatureCollection"}') == "geojson"
    assert detect_kind("notes.txt", b"hello") is None
    stages: list[tuple[str, float]] = []
    plan = plan_import("acled", data, store, name="export.csv", progress=lambda s, f: stages.append((s, f)))
    assert stages[0] == ("reading", 0.0) and stages[-1] == ("done", 1.0)
    assert [f for _, f in stages] == sorted(f for _, f in stages)
    events = plan.events()
    assert list(events.columns) == list(EVENT_COLUMNS) and len(events) == 6
    assert events.crs.to_epsg() == 4326
    assert plan.rows_read == len(plan.new) + plan.outside + len(plan.duplicates) + plan.rejected_rows


def test_the_report_lists_up_to_a_limit_and_counts_the_rest(store: Path) -> None:
    text = plan_import("acled", ACLED_CURRENT, store).format(limit=2)
    assert "  … and 1 more\n" in text  # 3 duplicates, 2 listed
    assert text.endswith("  … and 5 more problems")  # 7 problems, 2 listed
    assert "rejected rows              6" in text
