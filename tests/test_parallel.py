"""Stale files validated in worker processes: the sequential result, from other processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from geopandas.testing import assert_geodataframe_equal

from layers import parallel
from layers.parallel import (
    WORKERS_ENV,
    WorkerError,
    cpu_quota,
    validate_in_parts,
    validate_in_workers,
    worker_count,
)
from layers.paths import CACHE_ENV, ROOT, SHIPPED_STORE
from layers.snapshot import Snapshot, read_snapshot, snapshot_path
from layers.store import EventStore, _validate_file, _validate_part, collection_files, read_store
from layers.validate import Problem
from tests.factories import collection, make_feature, write_json
from tests.hostile import hostile_collection, write_hostile_store


class StubbornError(ValueError):
    """An exception with an attribute of its own, as a validator bug might raise."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code

    def __reduce__(self) -> tuple[type[StubbornError], tuple[str, int]]:
        return type(self), (str(self), self.code)


class UnpicklableError(ValueError):
    """An exception pickle cannot make again (its arguments are not its constructor's)."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)


def exploding_build(file: Path, label: str) -> Snapshot:
    """A validator that fails on one file (imported by name in the workers)."""
    if label == "b.geojson":
        raise StubbornError(f"cannot validate {label}", 7)
    return _validate_file(file, label)


def unpicklable_build(file: Path, label: str) -> Snapshot:
    """A validator that fails on one file with an exception that cannot cross processes."""
    if label == "b.geojson":
        raise UnpicklableError(f"cannot validate {label}", 7)
    return _validate_file(file, label)


def dying_build(file: Path, label: str) -> Snapshot:
    """A validator whose process dies on one file, as one killed for its memory would."""
    if label == "b.geojson":
        os._exit(3)
    return _validate_file(file, label)


@pytest.fixture
def pool_for_any_size(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two workers, and no minimum of work: the small stores of the tests use the pool."""
    monkeypatch.setattr(parallel, "MIN_PARALLEL_BYTES", 0)
    monkeypatch.setenv(WORKERS_ENV, "2")


def _store(root: Path) -> Path:
    write_json(root / "a.geojson", collection(*(make_feature(f"a{n}") for n in range(30))))
    write_json(root / "b.geojson", collection(make_feature("b1"), make_feature("a3", title="Again")))
    write_json(root / "nested" / "c.geojson", collection(make_feature("c1", start="2023-11-05")))
    return root


def _same(one: EventStore, other: EventStore) -> None:
    assert_geodataframe_equal(one.events, other.events, check_less_precise=False)
    assert one.report == other.report
    assert one.report.format(root="x") == other.report.format(root="x")


def _jobs(root: Path) -> list[tuple[Path, str]]:
    return [(file, file.relative_to(root).as_posix()) for file in collection_files(root)]


@pytest.mark.usefixtures("pool_for_any_size")
@pytest.mark.parametrize("which", ["shipped", "hostile", "duplicates"])
def test_workers_give_the_sequential_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, which: str
) -> None:
    if which == "shipped":
        root = SHIPPED_STORE
    elif which == "hostile":
        root = write_hostile_store(tmp_path / "hostile")
    else:
        root = _store(tmp_path / "store")
    parallel_read = read_store(root, cache=tmp_path / "parallel")
    files = [file.relative_to(root).as_posix() for file in collection_files(root)]
    assert parallel_read.validated == tuple(files)  # every file, in the store's order
    for file in collection_files(root):  # each one validated into its snapshot by a worker
        assert snapshot_path(tmp_path / "parallel", file, file.relative_to(root).as_posix()).is_file()
    monkeypatch.setenv(WORKERS_ENV, "1")
    sequential = read_store(root, cache=tmp_path / "sequential")
    assert sequential.validated == parallel_read.validated
    _same(parallel_read, sequential)
    _same(parallel_read, read_store(root, cache=None))
    again = read_store(root, cache=tmp_path / "parallel")  # and the snapshots are the ones it reads
    assert again.validated == ()
    _same(parallel_read, again)


@pytest.mark.usefixtures("pool_for_any_size")
def test_the_files_are_validated_in_other_processes(tmp_path: Path) -> None:
    root = _store(tmp_path / "store")
    cache = tmp_path / "cache"
    done = validate_in_workers(_jobs(root), _validate_file, cache)
    assert set(done) == {"a.geojson", "b.geojson", "nested/c.geojson"}
    assert os.getpid() not in done.values()
    assert 1 <= len(set(done.values())) <= 2
    for file, label in _jobs(root):
        assert snapshot_path(cache, file, label).is_file()
    # The caller now reads every file from its snapshot: nothing is validated twice.
    assert read_store(root, cache=cache).validated == ()
    assert validate_in_workers(_jobs(root), _validate_file, cache) == {}  # nothing left to do


@pytest.mark.usefixtures("pool_for_any_size")
def test_only_the_stale_files_go_to_workers(tmp_path: Path) -> None:
    root = _store(tmp_path / "store")
    cache = tmp_path / "cache"
    read_store(root, cache=cache)
    for name in ("a.geojson", "b.geojson"):
        path = root / name
        path.write_text(path.read_text(encoding="utf-8").replace("Test event", "Edited"), encoding="utf-8")
    assert set(validate_in_workers(_jobs(root), _validate_file, cache)) == {"a.geojson", "b.geojson"}


def test_one_worker_or_little_work_stays_in_this_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _store(tmp_path / "store")
    monkeypatch.setenv(WORKERS_ENV, "1")  # the documented switch
    assert validate_in_workers(_jobs(root), _validate_file, tmp_path / "off") == {}
    store = read_store(root, cache=tmp_path / "off")
    assert store.validated == ("a.geojson", "b.geojson", "nested/c.geojson")  # by this process
    monkeypatch.setenv(WORKERS_ENV, "2")  # a few kilobytes: not worth starting a process
    assert validate_in_workers(_jobs(root), _validate_file, tmp_path / "small") == {}
    assert not (tmp_path / "small").exists()


def test_a_containers_cpu_quota(tmp_path: Path) -> None:
    v2 = tmp_path / "v2"
    v2.mkdir()
    (v2 / "cpu.max").write_text("150000 100000\n", encoding="ascii")  # --cpus 1.5
    assert cpu_quota(v2) == 1
    (v2 / "cpu.max").write_text("max 100000\n", encoding="ascii")
    assert cpu_quota(v2) is None
    v1 = tmp_path / "v1"
    (v1 / "cpu").mkdir(parents=True)
    (v1 / "cpu" / "cpu.cfs_quota_us").write_text("400000\n", encoding="ascii")
    (v1 / "cpu" / "cpu.cfs_period_us").write_text("100000\n", encoding="ascii")
    assert cpu_quota(v1) == 4
    (v1 / "cpu" / "cpu.cfs_quota_us").write_text("-1\n", encoding="ascii")
    assert cpu_quota(v1) is None
    assert cpu_quota(tmp_path / "none") is None


def test_the_number_of_workers() -> None:
    quota = cpu_quota()
    cpus = len(os.sched_getaffinity(0)) if quota is None else max(1, min(len(os.sched_getaffinity(0)), quota))
    assert worker_count({}) == cpus
    assert worker_count({WORKERS_ENV: "1"}) == 1
    assert worker_count({WORKERS_ENV: " 3 "}) == 3
    for unusable in ("0", "-2", "many", ""):
        assert worker_count({WORKERS_ENV: unusable}) == cpus


@pytest.mark.usefixtures("pool_for_any_size")
def test_an_error_in_a_worker_is_raised_as_in_this_process_naming_the_file(tmp_path: Path) -> None:
    root = _store(tmp_path / "store")
    with pytest.raises(StubbornError) as here:
        read_snapshot(root / "b.geojson", "b.geojson", exploding_build, tmp_path / "here", ["id"])
    with pytest.raises(StubbornError) as there:
        validate_in_workers(_jobs(root), exploding_build, tmp_path / "cache")
    assert str(there.value) == str(here.value) == "cannot validate b.geojson"
    assert there.value.code == here.value.code == 7
    assert there.value.__notes__ == ["(raised while validating b.geojson in a worker process)"]
    assert "exploding_build" in str(there.value.__cause__)  # the worker's traceback
    assert "StubbornError" in str(there.value.__cause__)


@pytest.mark.usefixtures("pool_for_any_size")
def test_an_exception_that_cannot_cross_processes_keeps_its_type_and_text(tmp_path: Path) -> None:
    root = _store(tmp_path / "store")
    with pytest.raises(WorkerError) as there:
        validate_in_workers(_jobs(root), unpicklable_build, tmp_path / "cache")
    assert str(there.value) == "tests.test_parallel.UnpicklableError: cannot validate b.geojson"
    assert there.value.__notes__ == ["(raised while validating b.geojson in a worker process)"]
    assert "unpicklable_build" in str(there.value.__cause__)


@pytest.mark.usefixtures("pool_for_any_size")
def test_a_worker_that_dies_is_reported_with_its_file(tmp_path: Path) -> None:
    root = _store(tmp_path / "store")
    with pytest.raises(WorkerError, match=r"the process validating b\.geojson stopped before it finished"):
        validate_in_workers(_jobs(root), dying_build, tmp_path / "cache")


@pytest.mark.usefixtures("pool_for_any_size")
def test_a_cache_that_cannot_be_written_is_validated_here(tmp_path: Path) -> None:
    root = _store(tmp_path / "store")
    blocked = tmp_path / "cache"
    blocked.write_text("a file where the cache directory should be", encoding="utf-8")
    assert validate_in_workers(_jobs(root), _validate_file, blocked) == {}
    store = read_store(root, cache=blocked)
    assert store.validated == ("a.geojson", "b.geojson", "nested/c.geojson")
    _same(store, read_store(root, cache=None))


@pytest.mark.parametrize("how", ["script without a main guard", "python -m layers.cli"])
def test_callers_in_their_own_processes(tmp_path: Path, how: str) -> None:
    """A caller's script is never run again by the workers; the command line uses them too."""
    root = _store(tmp_path / "store")
    ran = tmp_path / "ran.txt"
    # PYTHONPATH: this checkout's code, wherever the environment's install points.
    env = {
        **os.environ,
        WORKERS_ENV: "2",
        "BORDERMON_CACHE": str(tmp_path / "cache"),
        "PYTHONPATH": str(ROOT),
    }
    if how == "python -m layers.cli":
        # The documented command, with no minimum of work, through the module's own entry.
        code = (
            "import runpy, sys; import layers.parallel as p; p.MIN_PARALLEL_BYTES = 0; "
            f"sys.argv = ['bordermon', 'validate', {str(root)!r}]; "
            "runpy.run_module('layers.cli', run_name='__main__')"
        )
        done = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True)
        env[WORKERS_ENV] = "1"
        env[CACHE_ENV] = str(tmp_path / "sequential")
        alone = subprocess.run(
            [sys.executable, "-m", "layers.cli", "validate", str(root)],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        assert done.returncode == alone.returncode == 1, done.stderr  # the duplicate id is an error
        assert done.stdout == alone.stdout and "a3" in done.stdout
        assert len(list((tmp_path / "cache" / "snapshots").glob("*.parquet"))) == len(collection_files(root))
        return
    script = tmp_path / "analysis.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import os
            import layers.parallel
            import layers.store

            layers.parallel.MIN_PARALLEL_BYTES = 0
            with open({str(ran)!r}, "a") as log:
                log.write(f"{{os.getpid()}}\\n")
            workers = {{}}
            def spy(*args, **kwargs):
                workers.update(layers.parallel.validate_in_workers(*args, **kwargs))
                return workers
            layers.store.validate_in_workers = spy
            store = layers.store.read_store({str(root)!r})
            print(len(store.validated), len(workers), os.getpid() in workers.values())
            """
        ),
        encoding="utf-8",
    )
    done = subprocess.run([sys.executable, str(script)], env=env, cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert len(ran.read_text(encoding="utf-8").split()) == 1  # the script ran once
    files = len(collection_files(root))
    assert done.stdout.split() == [str(files), str(files), "False"]  # all of them, in workers
    assert len(list((tmp_path / "cache" / "snapshots").glob("*.parquet"))) == files


@pytest.mark.usefixtures("pool_for_any_size")
def test_the_dashboard_reads_a_stale_store_through_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app's script thread (as in ``streamlit run``'s threaded server) starts the workers."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    import layers.store

    root = tmp_path / "store"
    write_json(root / "a.geojson", collection(*(make_feature(f"a{n}") for n in range(20))))
    write_json(root / "b.geojson", collection(*(make_feature(f"b{n}") for n in range(17))))
    monkeypatch.setenv("BORDERMON_STORE", str(root))
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    in_workers: dict[str, int] = {}

    def spy(*args: Any, **kwargs: Any) -> dict[str, int]:  # records what the real pool did
        in_workers.update(parallel.validate_in_workers(*args, **kwargs))
        return in_workers

    monkeypatch.setattr(layers.store, "validate_in_workers", spy)
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    assert set(in_workers) == {"a.geojson", "b.geojson"} and os.getpid() not in in_workers.values()
    assert any("**37**" in m.value for m in at.markdown)
    st.cache_resource.clear()


# --------------------------------------------------------------------------- one large file in parts


def pid_part(file: Path, label: str, part: int, parts: int) -> Snapshot | None:
    """A part validator that also says which process ran it (a warning naming its process id)."""
    found = _validate_part(file, label, part, parts)
    assert found is not None
    found.problems.append(Problem(label, None, None, "(process)", str(os.getpid()), "warning"))
    return found


def exploding_part(file: Path, label: str, part: int, parts: int) -> Snapshot | None:
    """A part validator that fails on the second part."""
    if part == 1:
        raise StubbornError(f"cannot validate part {part} of {label}", 9)
    return _validate_part(file, label, part, parts)


def _large(path: Path) -> Path:
    """One collection of good events with hostile and invalid records among them."""
    hostile = json.loads(hostile_collection())["features"]
    features = []
    for n in range(60):
        features.append(make_feature(f"e{n}", start=f"2023-{1 + n % 12:02d}-{1 + n % 27:02d}"))
        if n % 7 == 3:
            features.append(hostile[n % len(hostile)])
        if n % 11 == 5:
            features.append(make_feature(f"range-{n}", fatalities={"min": 5, "max": 2}))
    features.append(make_feature("e3", title="The same id again"))
    return write_json(path, collection(*features))


@pytest.mark.usefixtures("pool_for_any_size")
@pytest.mark.parametrize("parts", [2, 3])
def test_a_file_validated_in_parts_gives_the_whole_files_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parts: int
) -> None:
    file = _large(tmp_path / "store" / "big.geojson")
    in_parts = validate_in_parts(file, "big.geojson", _validate_part, workers=parts)
    monkeypatch.setenv(WORKERS_ENV, "1")
    whole = _validate_file(file, "big.geojson")
    assert in_parts is not None and whole.table.num_rows > 50
    assert in_parts.table.equals(whole.table)  # table for table (one chunk, one dictionary)
    assert in_parts.table.schema.equals(whole.table.schema, check_metadata=True)
    assert in_parts.problems == whole.problems and len(whole.problems) > 10
    assert in_parts.set_aside == whole.set_aside > 5


@pytest.mark.usefixtures("pool_for_any_size")
def test_a_store_of_one_large_file_reads_the_same_with_its_parts_in_workers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "store"
    _large(root / "big.geojson")
    in_parts = read_store(root, cache=tmp_path / "parts")
    monkeypatch.setenv(WORKERS_ENV, "1")
    whole = read_store(root, cache=tmp_path / "whole")
    assert in_parts.validated == whole.validated == ("big.geojson",)
    _same(in_parts, whole)
    snapshots = [
        pq.read_table(snapshot_path(tmp_path / c, root / "big.geojson", "big.geojson"))
        for c in ("parts", "whole")
    ]
    assert snapshots[0].equals(snapshots[1])
    assert snapshots[0].schema.metadata[b"geo"] == snapshots[1].schema.metadata[b"geo"]


@pytest.mark.usefixtures("pool_for_any_size")
def test_the_parts_are_validated_in_other_processes(tmp_path: Path) -> None:
    file = _large(tmp_path / "big.geojson")
    found = validate_in_parts(file, "big.geojson", pid_part, workers=2)
    assert found is not None
    pids = {int(p.reason) for p in found.problems if p.field == "(process)"}
    assert len(pids) == 2 and os.getpid() not in pids


@pytest.mark.usefixtures("pool_for_any_size")
@pytest.mark.parametrize(
    "text",
    [
        '{"type": "FeatureCollection", "bordermon": {"schema_version": "0.9"}, "features": []}',
        '{"type": "Feature", "properties": {}}',
        '{"type": "FeatureCollection", "features": {}}',
        '{"type": "FeatureCollection", "features": [',
        "",
    ],
)
def test_a_file_that_cannot_be_split_is_validated_whole(tmp_path: Path, text: str) -> None:
    root = tmp_path / "store"
    root.mkdir()
    (root / "odd.geojson").write_text(text, encoding="utf-8")
    assert validate_in_parts(root / "odd.geojson", "odd.geojson", _validate_part) is None
    store = read_store(root, cache=tmp_path / "cache")
    assert store.validated == ("odd.geojson",) and store.report.problems
    _same(store, read_store(root, cache=None))


@pytest.mark.usefixtures("pool_for_any_size")
def test_an_error_in_a_part_is_raised_naming_the_file(tmp_path: Path) -> None:
    file = _large(tmp_path / "big.geojson")
    with pytest.raises(StubbornError) as there:
        validate_in_parts(file, "big.geojson", exploding_part, workers=2)
    assert str(there.value) == "cannot validate part 1 of big.geojson" and there.value.code == 9
    assert there.value.__notes__ == ["(raised while validating big.geojson in a worker process)"]


def test_a_small_file_or_one_worker_is_validated_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = _large(tmp_path / "big.geojson")
    monkeypatch.setenv(WORKERS_ENV, "2")
    assert validate_in_parts(file, "big.geojson", _validate_part) is None  # a few kilobytes
    monkeypatch.setattr(parallel, "MIN_PARALLEL_BYTES", 0)
    monkeypatch.setenv(WORKERS_ENV, "1")
    assert validate_in_parts(file, "big.geojson", _validate_part) is None


@pytest.mark.usefixtures("pool_for_any_size")
def test_parts_of_different_types_are_validated_whole(tmp_path: Path) -> None:
    nowhere = []
    for n in range(4):
        feature = make_feature(f"n{n}", location_precision="none")
        feature["geometry"] = None
        nowhere.append(feature)
    root = tmp_path / "store"
    write_json(root / "mixed.geojson", collection(*nowhere, *(make_feature(f"p{n}") for n in range(4))))
    # The first half has no position at all: its table's geometry has no type.
    assert validate_in_parts(root / "mixed.geojson", "mixed.geojson", _validate_part, workers=2) is None
    _same(read_store(root, cache=tmp_path / "cache"), read_store(root, cache=None))
