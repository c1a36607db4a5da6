#!/usr/bin/env python3
"""Benchmark the command line as a user meets it: whole processes from a cold shell.

Run on demand (never inside the test suite; minutes at 300k):

    .venv/bin/python bench/bench_cli.py                    # 100k and 300k, 3 repeats
    .venv/bin/python bench/bench_cli.py --sizes 10000 --repeat 3
    .venv/bin/python bench/bench_cli.py --write            # also adds the run to bench/RESULTS-cli.md
    .venv/bin/python bench/bench_cli.py --commands export  # export only (no cold run)

For each size it writes a synthetic store made from the shipped events (each shipped
event copied with a new id, moved in time over 2015–2025 and, for points, by up to
~2 km; files per layer and year, as a long-running store would be kept) and a GeoParquet
file of the same events (the floor). It then times, as separate processes started the
way a shell starts them (``bordermon validate``, ``bordermon stats``, ``bordermon export``):

- **cold**: every snapshot gone (an empty cache directory), as on the first run (`validate`;
  every command does the same work then);
- **changed**: one collection file edited since the last run (only it is validated);
- **warm**: nothing changed since the last run;
- **floor**: a process that imports geopandas and reads the GeoParquet file of the same
  events (``geopandas.read_parquet``), the least a columnar read can cost here.

Each figure is the median of ``--repeat`` runs (at least 3), with the 1-minute load
average printed beside it: the machine is shared, so figures move with the load.
"""

from __future__ import annotations

import argparse
import json
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
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.results import record  # noqa: E402
from layers.paths import SHIPPED_STORE  # noqa: E402
from layers.store import collection_files, dumps_collection  # noqa: E402

BIN = Path(sys.executable).parent / "bordermon"
FIRST_DAY = datetime(2015, 1, 1)
SPAN_DAYS = 11 * 365
FILE_STEM = {"incident": "incidents", "deployment": "deployments", "kfor": "kfor"}


def _shipped() -> list[dict[str, Any]]:
    features: list[dict[str, Any]] = []
    for file in collection_files(SHIPPED_STORE):
        features.extend(json.loads(file.read_text(encoding="utf-8"))["features"])
    return features


def _shift(text: str, days: int) -> str:
    moved = datetime.fromisoformat(text) + timedelta(days=days)
    return moved.date().isoformat() if len(text) == 10 else moved.isoformat()


def synthetic_store(root: Path, n: int, seed: int = 7) -> Path:
    """Write a store of ``n`` valid events made from the shipped ones; returns ``root``."""
    rng = random.Random(seed)
    shipped = _shipped()
    origin = datetime(2023, 1, 1)
    files: dict[str, list[dict[str, Any]]] = {}
    for i in range(n):
        base = shipped[i % len(shipped)]
        feature = json.loads(json.dumps(base))
        props = feature["properties"]
        feature["id"] = f"{base['id']}-s{i}"
        start = datetime.fromisoformat(props["start"]).replace(tzinfo=None)
        days = (FIRST_DAY - origin).days + rng.randrange(SPAN_DAYS) - (start - origin).days
        props["start"] = _shift(props["start"], days)
        if props.get("end"):
            props["end"] = _shift(props["end"], days)
        geometry = feature.get("geometry")
        if geometry and geometry["type"] == "Point":
            lon, lat = geometry["coordinates"]
            geometry["coordinates"] = [
                round(lon + rng.uniform(-0.02, 0.02), 5),
                round(lat + rng.uniform(-0.02, 0.02), 5),
            ]
        year = props["start"][:4]
        files.setdefault(f"{FILE_STEM[props['layer']]}-{year}.geojson", []).append(feature)
    root.mkdir(parents=True, exist_ok=True)
    for name, features in sorted(files.items()):
        (root / name).write_text(dumps_collection(features), encoding="utf-8")
    return root


def _cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def _run(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time and CPU time (user + system, all threads) of one process."""
    begin, cpu = time.perf_counter(), _cpu()
    done = subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    elapsed = time.perf_counter() - begin
    if done.returncode not in (0, 1):  # validate exits 1 on errors; these stores have none
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr}")
    return elapsed, _cpu() - cpu


def _load() -> float:
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")


def _commands(store: Path, out: Path) -> dict[str, list[str]]:
    return {
        "validate": [str(BIN), "validate", str(store)],
        "stats": [str(BIN), "stats", "--store", str(store)],
        "export": [str(BIN), "export", "--store", str(store), "--out", str(out)],
    }


def _floor(parquet: Path) -> list[str]:
    code = f"import geopandas; geopandas.read_parquet({str(parquet)!r})"
    return [sys.executable, "-c", code]


def _edit_one(store: Path) -> None:
    """Change one collection file the way an edit would: same events, new bytes."""
    file = sorted(store.glob("incidents-*.geojson"))[0]
    text = file.read_text(encoding="utf-8")
    one, two = '"type": "FeatureCollection"', '"type":  "FeatureCollection"'
    text = text.replace(one, two, 1) if one in text else text.replace(two, one, 1)
    file.write_text(text, encoding="utf-8")


def _median(command: list[str], env: dict[str, str], repeat: int, before: Any = None) -> dict[str, float]:
    """Medians of wall time, CPU time and the load average over ``repeat`` runs."""
    walls, cpus, loads = [], [], []
    for _ in range(repeat):
        if before is not None:
            before()
        wall, cpu = _run(command, env)
        walls.append(wall)
        cpus.append(cpu)
        loads.append(_load())
    return {
        "wall": statistics.median(walls),
        "cpu": statistics.median(cpus),
        "load": statistics.median(loads),
    }


def measure(
    n: int, repeat: int, work: Path, only: tuple[str, ...] = ("validate", "stats", "export")
) -> dict[str, Any]:
    """Time the commands ``only`` on an ``n``-event store: cold, one file changed, warm; and the floor.

    The cold run (no snapshot) is timed with ``validate``, so only when ``only`` has it.
    """
    store = work / f"store-{n}"
    if not store.exists():
        synthetic_store(store, n)
    size_mb = sum(f.stat().st_size for f in store.glob("*.geojson")) / 1e6
    cache = work / f"cache-{n}"
    # The `bordermon` script imports the installed package; point it at this checkout, so
    # that the figures are this code's even when the environment's install is another copy.
    env = {**os.environ, "BORDERMON_CACHE": str(cache), "PYTHONPATH": str(ROOT)}
    parquet = work / f"events-{n}.parquet"
    code = (
        "import pyarrow.parquet as pq; from layers.store import read_store; "
        "from layers.snapshot import frame_to_table; "
        f"pq.write_table(frame_to_table(read_store({str(store)!r}).events), {str(parquet)!r})"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, env=env)
    out = work / "map.html"
    commands = _commands(store, out)
    result: dict[str, Any] = {"events": n, "files": len(list(store.glob("*.geojson"))), "geojson_mb": size_mb}
    result["floor"] = _median(_floor(parquet), env, repeat)
    # Cold: no snapshot at all (the first run on a store); the same work for every command.
    if "validate" in only:
        result["cold"] = _median(
            commands["validate"], env, repeat, before=lambda: shutil.rmtree(cache, ignore_errors=True)
        )
    _run(commands["validate"], env)
    for name, command in commands.items():
        if name not in only:
            continue
        changed = _median(command, env, repeat, before=lambda: _edit_one(store))
        time.sleep(3.5)  # a file changed in the same instant as its snapshot is hashed again
        warm = _median(command, env, repeat)
        result[name] = {"changed": changed, "warm": warm}
        print(
            f"{n:>7,} {name:9} one file changed {changed['wall']:6.2f} s (cpu {changed['cpu']:.2f})  "
            f"unchanged {warm['wall']:6.2f} s (cpu {warm['cpu']:.2f})  floor {result['floor']['wall']:.2f} s "
            f"(cpu {result['floor']['cpu']:.2f})  load {warm['load']:.1f}",
            flush=True,
        )
    return result


def _markdown(results: list[dict[str, Any]], repeat: int) -> str:
    lines = [
        "# Command line: whole processes from a cold shell",
        "",
        f"`bench/bench_cli.py`, {platform.machine()}, {os.cpu_count()} cores (shared), Python "
        f"{platform.python_version()}; medians of {repeat} runs, wall time with CPU time (user +",
        "system, all threads) in brackets; load = 1-minute load average during the runs.",
        "",
        "| events | command | no snapshot (first run) | one file changed | unchanged | floor "
        "| unchanged / floor | load |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        floor = r["floor"]
        for name in ("validate", "stats", "export"):
            if name not in r:
                continue
            m = r[name]
            cold = r["cold"] if name == "validate" else None
            cells = [
                f"{r['events']:,}",
                f"`{name}`",
                f"{cold['wall']:.1f} s ({cold['cpu']:.1f} s)" if cold else "as validate",
                f"{m['changed']['wall']:.1f} s ({m['changed']['cpu']:.1f} s)",
                f"{m['warm']['wall']:.1f} s ({m['warm']['cpu']:.1f} s)",
                f"{floor['wall']:.1f} s ({floor['cpu']:.1f} s)",
                f"{m['warm']['wall'] / floor['wall']:.1f}× ({m['warm']['cpu'] / floor['cpu']:.1f}×)",
                f"{m['warm']['load']:.1f}",
            ]
            lines.append("| " + " | ".join(cells) + " |")
    stores = ", ".join(
        f"{r['events']:,} events: {r['files']} files, {r['geojson_mb']:.0f} MB" for r in results
    )
    lines += ["", f"Stores: {stores}."]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 300_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--write", action="store_true", help="add the run to bench/RESULTS-cli.md")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    parser.add_argument("--work", type=Path, help="keep stores here (reused when present)")
    parser.add_argument(
        "--commands",
        nargs="+",
        choices=("validate", "stats", "export"),
        default=["validate", "stats", "export"],
        help="time only these commands (the cold run is timed with validate)",
    )
    args = parser.parse_args()
    if args.repeat < 3:
        parser.error("--repeat must be at least 3 (figures are medians)")
    print(f"load average at start: {_load():.1f}", flush=True)
    results = []
    with tempfile.TemporaryDirectory(prefix="bordermon-bench-cli-") as tmp:
        work = args.work or Path(tmp)
        for n in args.sizes:
            results.append(measure(n, args.repeat, work, tuple(args.commands)))
    text = _markdown(results, args.repeat)
    print(text)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    if args.write:
        title, _, run = text.partition("\n")
        record(ROOT / "bench" / "RESULTS-cli.md", title.removeprefix("# "), run)


if __name__ == "__main__":
    main()
