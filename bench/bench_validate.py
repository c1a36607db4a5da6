"""Benchmark: the cold path — read and validate a changed 100,000-event collection.

    python bench/bench_validate.py                # 100k events, 3 cold processes, prints the figures
    python bench/bench_validate.py --events 20000 --repeat 1
    python bench/bench_validate.py --write        # also adds the run to bench/RESULTS-validate.md

A synthetic store (the map benchmark's incidents: 80 % exact points, 15 % approximate,
5 % small polygons, one or two sources each) is written in the store's canonical form
into a temporary directory. Each repeat starts a fresh Python process that imports
bordermon, reads the store with ``read_store`` (decode, validate every feature, build the
events frame) and exits: what the first command after an edit waits for. The figure is
the whole process, from a cold shell, with the median of the repeats; the CPU time of
the process is shown beside it because this 2-core machine is shared (the load average
is printed). It is measured with the snapshot cache off (every feature decoded and
validated), with a fresh cache (the first read after the file changed, which also writes
the snapshot) and warm (read from the snapshot). One more process splits the time with
the cache off into its stages.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_map import synthetic_features  # noqa: E402
from bench.results import record  # noqa: E402
from layers.paths import CACHE_ENV  # noqa: E402
from layers.publishers import PUBLISHERS_ENV  # noqa: E402

#: The synthetic sources cite example.org, registered by the tests' publisher register.
REGISTER = ROOT / "tests" / "data" / "publishers.csv"

READ = """
import sys
from layers.store import read_store
store = read_store(sys.argv[1])
assert store.report.ok, store.report.format()
print(len(store.events))
"""

STAGES = """
import json, sys, time
started = time.perf_counter()
from pathlib import Path
from layers.store import events_frame, read_collection_file
from layers.validate import check_collection, find_duplicates
imported = time.perf_counter()
data, _ = read_collection_file(Path(sys.argv[1]) / "events.geojson", "events.geojson")
decoded = time.perf_counter()
kept, problems, set_aside = check_collection(data, file="events.geojson")
unique, _ = find_duplicates(kept)
validated = time.perf_counter()
frame = events_frame(unique)
built = time.perf_counter()
print(json.dumps({"import": imported - started, "decode": decoded - imported,
                  "validate": validated - decoded, "frame": built - validated}))
"""


def write_store(directory: Path, events: int) -> Path:
    """A synthetic store whose every event is valid, in canonical form (2-space indent)."""
    features = synthetic_features(events)
    for feature in features:  # one cited publisher cannot support 'confirmed'
        if feature["properties"]["confidence"] == "confirmed":
            feature["properties"]["confidence"] = "reported"
    collection = {"type": "FeatureCollection", "bordermon": {"schema_version": "1.0"}, "features": features}
    directory.mkdir(parents=True, exist_ok=True)
    text = json.dumps(collection, ensure_ascii=False, indent=2) + "\n"
    (directory / "events.geojson").write_text(text, encoding="utf-8")
    return directory


def _child(code: str, store: Path, cache: str = "off") -> tuple[float, float, str]:
    """Run ``code`` in a fresh interpreter; (wall s, CPU s of the child, stdout)."""
    env = {**os.environ, PUBLISHERS_ENV: str(REGISTER), CACHE_ENV: cache}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    command = [sys.executable, "-c", code, str(store)]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout


def run(events: int, repeat: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        store = write_store(Path(tmp) / "store", events)
        size_mb = (store / "events.geojson").stat().st_size / 1024**2
        runs = [_child(READ, store) for _ in range(repeat)]
        assert all(int(out) == events for _, _, out in runs), runs
        stages = json.loads(_child(STAGES, store)[2])
        cold = []
        for n in range(repeat):  # a fresh snapshot cache each time: the file has just changed
            cold.append(_child(READ, store, str(Path(tmp) / f"cache-{n}")))
        warm = [_child(READ, store, str(Path(tmp) / "cache-0")) for _ in range(repeat)]
    return {
        "events": events,
        "size_mb": size_mb,
        "walls": [wall for wall, _, _ in runs],
        "cpus": [cpu for _, cpu, _ in runs],
        "cold": [(wall, cpu) for wall, cpu, _ in cold],
        "warm": [(wall, cpu) for wall, cpu, _ in warm],
        "stages": stages,
        "load": os.getloadavg()[0],
    }


def report(figures: dict[str, object]) -> str:
    walls, cpus, stages = figures["walls"], figures["cpus"], figures["stages"]
    assert isinstance(walls, list) and isinstance(cpus, list) and isinstance(stages, dict)
    split = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in stages.items())
    return "\n".join(
        [
            f"- Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"{platform.system()}; load average {figures['load']:.1f} when it finished (shared machine)",
            f"- Store: one collection of {figures['events']:,} events, {figures['size_mb']:.0f} MB",
            f"- **Read + validate every feature (snapshot cache off), whole process: median "
            f"{statistics.median(walls):.2f} s** (CPU {statistics.median(cpus):.2f} s); runs "
            f"{', '.join(f'{w:.2f}' for w in walls)} s",
            f"- Stages (one more process, cache off): {split}",
            _line("First read after the file changed (validated, snapshot written)", figures["cold"]),
            _line("Next read (from the snapshot)", figures["warm"]),
        ]
    )


def _line(label: str, runs: object) -> str:
    assert isinstance(runs, list)
    walls, cpus = [w for w, _ in runs], [c for _, c in runs]
    return (
        f"- {label}, whole process: median {statistics.median(walls):.2f} s "
        f"(CPU {statistics.median(cpus):.2f} s); runs {', '.join(f'{w:.2f}' for w in walls)} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--write", action="store_true", help="add the run to bench/RESULTS-validate.md")
    args = parser.parse_args()
    text = report(run(args.events, args.repeat))
    print(text)
    if args.write:
        record(ROOT / "bench" / "RESULTS-validate.md", "Cold read and validation benchmark", text)


if __name__ == "__main__":
    main()
