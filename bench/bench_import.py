"""Benchmark: import a synthetic 100,000-row ACLED export into a copy of the store.

    python bench/bench_import.py                 # 100k rows, three imports, prints the figures
    python bench/bench_import.py --rows 20000 --repeat 1
    python bench/bench_import.py --write         # also adds the run to bench/RESULTS-import.md
    python bench/bench_import.py --tracemalloc   # Python-heap peak too (much slower)
    python bench/bench_import.py --into 100000   # whole `bordermon import` processes into a 100k store

The file is generated into a temporary directory in the current ACLED 31-column layout:
points spread over Kosovo and southern Serbia (some outside the region), notes with
commas, quotes and line breaks, and a few awkward rows (repeated ids, coordinates as
text, dates in another format). The time covers everything an import does: reading,
mapping, the region filter, validation of every feature, deduplication against the
store, and the atomic write. A second plan of the same file measures a re-run (which
adds nothing). Peak memory is the process's peak resident set size (``ru_maxrss``).

``--into N`` times what a researcher with a large store waits for instead: whole
``bordermon import acled FILE --store STORE --yes`` processes into a copy of a synthetic
N-event store (``bench/bench_cli.py``'s, its snapshots made first, as after any earlier
command), then the next ``bordermon validate`` of that store, which validates only the
new file; medians of ``--repeat`` runs, each into a fresh copy, with wall and CPU time
and the load average.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench.results import record  # noqa: E402
from layers.ingest import apply_import, plan_import  # noqa: E402
from layers.ingest.acled import CURRENT_COLUMNS  # noqa: E402
from layers.paths import SHIPPED_STORE  # noqa: E402

EVENT_TYPES = [
    ("Protests", "Peaceful protest", "Political violence; Demonstrations"),
    ("Riots", "Violent demonstration", "Demonstrations"),
    ("Battles", "Armed clash", "Political violence"),
    ("Violence against civilians", "Attack", "Political violence"),
    ("Explosions/Remote violence", "Grenade", "Political violence"),
    ("Strategic developments", "Arrests", "Strategic developments"),
]
ACTORS = ["Police Forces of Kosovo (2008-)", "Protesters (Kosovo)", "Unidentified Armed Group (Serbia)", ""]
PLACES = ["Zvecan", "Leposavic", "Zubin Potok", "North Mitrovica", "Banjska", "Jarinje", "Raska", "Pristina"]
WORDS = (
    "police", "officers", "reported", "that", "a", "group", "of", "people", "gathered", "near",
    "the", "bridge", "and",
)  # fmt: skip


def _note(rng: random.Random) -> str:
    words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 45)))
    note = f'On {rng.randint(1, 28)} May, {words}, "according to local media", [size=no report].'
    if rng.random() < 0.02:
        note += "\nA second paragraph, after a line break."
    return note


def generate_acled(path: Path, rows: int, seed: int = 7) -> dict[str, int]:
    """Write a synthetic ACLED export of ``rows`` rows; returns the awkward rows planted."""
    rng = random.Random(seed)
    planted = {"repeated ids": 0, "coordinates as text": 0, "dates in another format": 0}
    first = date(2018, 1, 1)
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("\ufeff")
        writer = csv.writer(handle)
        writer.writerow(CURRENT_COLUMNS)
        for n in range(rows):
            event_id = f"XKX{n + 100000}"
            if n > 10 and rng.random() < 0.01:
                event_id = f"XKX{rng.randrange(100000, 100000 + n)}"
                planted["repeated ids"] += 1
            day = first + timedelta(days=rng.randrange(0, 2400))
            event_date = day.isoformat()
            lat = f"{rng.uniform(42.2, 43.45):.4f}"
            lon = f"{rng.uniform(20.2, 21.7):.4f}"
            roll = rng.random()
            if roll < 0.005:
                lat = "42°58'N"
                planted["coordinates as text"] += 1
            elif roll < 0.008:
                event_date = day.strftime("%d/%m/%Y")
                planted["dates in another format"] += 1
            kind, sub, disorder = rng.choice(EVENT_TYPES)
            place = rng.choice(PLACES)
            writer.writerow(
                [
                    event_id, event_date, day.year, rng.choice("1112"), disorder, kind, sub,
                    rng.choice(ACTORS[:3]), rng.choice(ACTORS), "1", rng.choice(ACTORS), "", "",
                    "15", "", "0", "Europe", "Kosovo", "Mitrovica", place, "", place, lat, lon,
                    rng.choice("1112"), "KoSSev; Koha Ditore", "National", _note(rng),
                    rng.choice("0000012"), "crowd size=no report", "1700000000",
                ]
            )  # fmt: skip
    return planted


def _rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / 1024**2


def _import_once(source: Path, work: Path, use_tracemalloc: bool) -> dict[str, object]:
    store = work / "store"
    shutil.rmtree(store, ignore_errors=True)
    if SHIPPED_STORE.is_dir():
        shutil.copytree(SHIPPED_STORE, store, ignore=shutil.ignore_patterns(".bordermon.lock"))
    else:
        store.mkdir()
    if use_tracemalloc:
        tracemalloc.start()
    started = time.perf_counter()
    plan = plan_import("acled", source, store)
    planned = time.perf_counter()
    result = apply_import(plan)
    finished = time.perf_counter()
    heap = tracemalloc.get_traced_memory()[1] / 1024**2 if use_tracemalloc else None
    if use_tracemalloc:
        tracemalloc.stop()
    return {
        "store": store,
        "counts": plan.counts(),
        "written": result.written,
        "timings": dict(plan.timings),
        "plan_s": planned - started,
        "apply_s": finished - planned,
        "total_s": finished - started,
        "heap_mb": heap,
    }


def run(rows: int, repeat: int, use_tracemalloc: bool) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        source = work / "acled-synthetic.csv"
        planted = generate_acled(source, rows)
        baseline = _rss_mb()
        runs = [_import_once(source, work, use_tracemalloc) for _ in range(repeat)]
        peak = _rss_mb()
        store = runs[-1]["store"]
        assert isinstance(store, Path)
        again_started = time.perf_counter()
        again = plan_import("acled", source, store)
        again_finished = time.perf_counter()
        totals = [float(r["total_s"]) for r in runs]  # type: ignore[arg-type]
        return {
            **runs[0],
            "rows": rows,
            "file_mb": source.stat().st_size / 1024**2,
            "planted": planted,
            "totals": totals,
            "rerun_s": again_finished - again_started,
            "rerun_new": len(again.new),
            "baseline_mb": baseline,
            "peak_mb": peak,
        }


def report(figures: dict[str, object]) -> str:
    timings = figures["timings"]
    assert isinstance(timings, dict)
    stages = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in timings.items())
    totals = figures["totals"]
    assert isinstance(totals, list)
    heap = figures["heap_mb"]
    lines = [
        f"- Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()}; load average {os.getloadavg()[0]:.1f} when it finished (other work running)",
        f"- Input: {figures['rows']:,} rows, {figures['file_mb']:.1f} MB (planted: {figures['planted']})",
        f"- Result: {figures['counts']}; {figures['written']:,} events written",
        f"- **Import (plan + apply), first run in a fresh process: {totals[0]:.2f} s** "
        f"(plan {figures['plan_s']:.2f} s, apply {figures['apply_s']:.2f} s; it includes loading the "
        "reference geography and compiling the schema once)",
        f"- All {len(totals)} runs: {', '.join(f'{t:.2f}' for t in totals)} s",
        f"- Plan stages (first run): {stages}",
        f"- Re-run of the same file (plan against the store now holding it): {figures['rerun_s']:.2f} s, "
        f"{figures['rerun_new']} new",
        f"- **Peak memory (RSS): {figures['peak_mb']:.0f} MB** "
        f"(before the import: {figures['baseline_mb']:.0f} MB)"
        + (f"; Python heap peak (tracemalloc): {heap:.0f} MB" if heap is not None else ""),
    ]
    return "\n".join(lines)


def _timed_process(command: list[str], env: dict[str, str]) -> dict[str, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "cpu": cpu, "load": os.getloadavg()[0]}


def run_into(rows: int, events: int, repeat: int) -> str:
    """Whole import processes into an ``events``-event store, and the next read of it."""
    from bench_cli import synthetic_store  # the CLI benchmark's store

    cli = [sys.executable, "-m", "layers.cli"]
    with tempfile.TemporaryDirectory(prefix="bordermon-bench-import-") as tmp:
        work = Path(tmp)
        source = work / "acled-synthetic.csv"
        generate_acled(source, rows)
        original = synthetic_store(work / "original", events)
        env = {**os.environ, "BORDERMON_CACHE": str(work / "cache"), "PYTHONPATH": str(ROOT)}
        imports, reads = [], []
        for _ in range(repeat):
            store = work / "store"
            shutil.rmtree(store, ignore_errors=True)
            shutil.copytree(original, store)  # times kept: the snapshots made below stay valid
            subprocess.run([*cli, "validate", str(store)], check=True, env=env, stdout=subprocess.DEVNULL)
            imports.append(
                _timed_process([*cli, "import", "acled", str(source), "--store", str(store), "--yes"], env)
            )
            reads.append(_timed_process([*cli, "validate", str(store)], env))
    lines = [f"ACLED rows: {rows:,}; store: {events:,} events; {repeat} runs, each into a fresh copy"]
    for name, runs in (("import", imports), ("next validate", reads)):
        wall = statistics.median(r["wall"] for r in runs)
        cpu = statistics.median(r["cpu"] for r in runs)
        loads = [r["load"] for r in runs]
        each = ", ".join(f"{r['wall']:.2f}" for r in runs)
        lines.append(
            f"{name}: {wall:.2f} s wall ({cpu:.2f} s CPU), runs {each} s; "
            f"load {min(loads):.1f}-{max(loads):.1f}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3, help="imports to time, each into a fresh store copy")
    parser.add_argument("--tracemalloc", action="store_true", help="also trace the Python heap (slow)")
    parser.add_argument("--write", action="store_true", help="add the run to bench/RESULTS-import.md")
    parser.add_argument(
        "--into", type=int, metavar="N", help="whole processes into a synthetic N-event store"
    )
    args = parser.parse_args()
    if args.into:
        print(run_into(args.rows, args.into, args.repeat))
        return
    figures = run(args.rows, args.repeat, args.tracemalloc)
    text = report(figures)
    print(text)
    if args.write:
        record(ROOT / "bench" / "RESULTS-import.md", "Import benchmark", text)


if __name__ == "__main__":
    main()
