"""Benchmark: every per-event measure for 100,000 synthetic events, vectorised vs a naive loop.

Run on demand (never inside the test suite)::

    .venv/bin/python bench/bench_measures.py [--events 100000] [--loop-sample N] [--repeat 5]

The events are random positions over north Kosovo and south Serbia: exact points,
approximate points (uncertainty 0.5–5 km) and a few hundred polygons. ``measure_events``
is timed on all of them (median of ``--repeat`` runs, the reference geography already
loaded, as in the dashboard). The naive version computes the same measures with scalar
shapely calls, one event at a time (a fair loop over the projected geometries, not
``iterrows``); by default it runs on every event, or on a random ``--loop-sample N`` of
them, extrapolated linearly. Results go to stdout and to ``bench/RESULTS-measures.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import Point

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.results import record
from layers.measures import ASZ_KM, GSZ_KM, AnalysisReference, load_reference, measure_events
from layers.reference import MEASURE_CRS

RESULTS = Path(__file__).resolve().parent / "RESULTS-measures.md"
BOUNDS = (20.0, 42.3, 21.8, 43.6)  # lon/lat box around the northern half of the line


def synthetic_events(n: int, seed: int = 2023) -> gpd.GeoDataFrame:
    """``n`` events: 70 % exact points, 29.7 % approximate points, 0.3 % polygons."""
    rng = np.random.default_rng(seed)
    west, south, east, north = BOUNDS
    lon = rng.uniform(west, east, n)
    lat = rng.uniform(south, north, n)
    kind = rng.choice(["exact", "approximate", "area"], size=n, p=[0.70, 0.297, 0.003])
    geoms = shapely.points(lon, lat)
    areas = np.flatnonzero(kind == "area")
    # Polygons of 2–20 km across, built in metres and brought back to lon/lat.
    centres = gpd.GeoSeries(geoms[areas], crs="EPSG:4326").to_crs(MEASURE_CRS)
    radius = rng.uniform(1000.0, 10000.0, len(areas))
    polygons = centres.buffer(radius, quad_segs=8).to_crs("EPSG:4326")
    geoms[areas] = np.asarray(polygons.values, dtype=object)
    uncertainty = np.where(kind == "approximate", rng.uniform(0.5, 5.0, n), np.nan)
    return gpd.GeoDataFrame(
        {
            "id": [f"synthetic-{i}" for i in range(n)],
            "location_precision": kind,
            "uncertainty_km": uncertainty,
        },
        geometry=geoms,
        crs="EPSG:4326",
    )


def naive_measures(events: gpd.GeoDataFrame, ref: AnalysisReference) -> list[dict[str, object]]:
    """The same measures, one event at a time: what a first version would write."""
    line, kosovo = ref.boundary, ref.kosovo
    crossings = list(zip(ref.crossings.ids, ref.crossings.geoms, strict=True))
    camps = list(zip(ref.kfor.ids, ref.kfor.geoms, strict=True))
    projected = events.to_crs(MEASURE_CRS)
    out: list[dict[str, object]] = []
    for geom, radius in zip(projected.geometry, projected["uncertainty_km"], strict=True):
        r = 0.0 if np.isnan(radius) else float(radius)
        km = geom.distance(line) / 1000.0
        if isinstance(geom, Point):
            signed = km if kosovo.contains(geom) else -km
            lo, hi = signed - r, signed + r
        else:
            signed = km if kosovo.contains(geom.representative_point()) else -km
            coords = shapely.get_coordinates(shapely.segmentize(geom, 500.0))
            values = [
                (1 if kosovo.contains(Point(x, y)) else -1) * Point(x, y).distance(line) / 1000.0
                for x, y in coords
            ]
            lo, hi = min(values) - r, max(values) + r
        crossing = min(crossings, key=lambda c: geom.distance(c[1]))
        camp = min(camps, key=lambda c: geom.distance(c[1]))
        out.append(
            {
                "distance": signed,
                "lo": lo,
                "hi": hi,
                "in_gsz": lo >= -GSZ_KM and hi <= 0,
                "in_asz": lo >= -ASZ_KM and hi <= 0,
                "crossing": crossing[0],
                "crossing_km": geom.distance(crossing[1]) / 1000.0,
                "kfor": camp[0],
                "kfor_km": geom.distance(camp[1]) / 1000.0,
            }
        )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--loop-sample", type=int, default=0, help="0: time the loop on every event")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-write", action="store_true", help="print only; leave RESULTS-measures.md alone")
    args = parser.parse_args(argv)

    events = synthetic_events(args.events)
    counts = events["location_precision"].value_counts().to_dict()

    started = time.perf_counter()
    ref = load_reference()
    load_s = time.perf_counter() - started

    times = []
    for _ in range(args.repeat):
        started = time.perf_counter()
        measures = measure_events(events, ref)
        times.append(time.perf_counter() - started)
    vector_s = statistics.median(times)

    sample_n = args.events if args.loop_sample <= 0 else min(args.loop_sample, args.events)
    sample = events.sample(n=sample_n, random_state=1) if sample_n < args.events else events
    started = time.perf_counter()
    naive = naive_measures(sample, ref)
    loop_sample_s = time.perf_counter() - started
    loop_full_s = loop_sample_s * args.events / sample_n
    extrapolated = sample_n < args.events

    # The two must agree, or the comparison means nothing.
    points = (sample["location_precision"] != "area").to_numpy()
    expected = measures.loc[sample.index, "distance_to_boundary_km"].to_numpy()[points]
    got = np.array([row["distance"] for row in naive], dtype=float)[points]
    worst = float(np.nanmax(np.abs(expected - got)))

    cpu = platform.processor() or platform.machine()
    mix = ", ".join(f"{v:,} {k}" for k, v in sorted(counts.items()))
    lines = [
        "# Benchmark: per-event measures (`bench/bench_measures.py`)",
        "",
        f"- Machine: {os.cpu_count()} CPU(s), {cpu}, Python {platform.python_version()}, "
        f"shapely {shapely.__version__} (GEOS {shapely.geos_version_string}), geopandas {gpd.__version__}",
        f"- Events: {args.events:,} synthetic ({mix}), "
        f"lon {BOUNDS[0]}–{BOUNDS[2]}, lat {BOUNDS[1]}–{BOUNDS[3]}",
        "- Measures: signed distance to the boundary with its range, side, GSZ/ASZ membership,",
        "  distance band, nearest crossing and nearest KFOR installation with distances",
        "  (everything `measure_events` returns)",
        "",
        "| what | time |",
        "| --- | --- |",
        f"| load and index the reference geography (once, cached) | {load_s:.2f} s |",
        f"| `measure_events`, {args.events:,} events (median of {args.repeat}: "
        f"{', '.join(f'{t:.2f}' for t in times)} s) | **{vector_s:.2f} s** |",
        *(
            [
                f"| naive per-event loop, {sample_n:,} events | {loop_sample_s:.2f} s |",
                f"| naive per-event loop, {args.events:,} events (extrapolated linearly) "
                f"| **{loop_full_s:.1f} s** |",
            ]
            if extrapolated
            else [f"| naive per-event loop, {args.events:,} events | **{loop_full_s:.2f} s** |"]
        ),
        f"| speed-up | {loop_full_s / vector_s:.0f}× |",
        "",
        f"Target: ≤ 2 s for 100,000 events — {'met' if vector_s <= 2.0 else 'NOT met'}.",
        f"Largest difference between the two on the sample's point distances: {worst * 1000:.3f} m.",
        "",
        "The naive loop is a fair one: scalar shapely calls over the projected geometries (no",
        "`iterrows`); its cost is mostly GEOS measuring each point against the whole 1,774-vertex",
        "line, where the vectorised code asks a spatial index of the line's segments.",
        "The machine has two cores shared with other work, so figures vary between runs by",
        "roughly ±20 %.",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.no_write:
        title, _, run = text.partition("\n")
        record(RESULTS, title.removeprefix("# "), run)
        print(f"written to {RESULTS.relative_to(RESULTS.parent.parent)}")
    return 0 if vector_s <= 2.0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
