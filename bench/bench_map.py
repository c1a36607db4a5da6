#!/usr/bin/env python3
"""Benchmark the map: build time, HTML bytes per event, and time until drawn in Chromium.

Run on demand (never inside the test suite):

    .venv/bin/python bench/bench_map.py              # 1k, 10k, 100k; baseline at 1k and 10k
    .venv/bin/python bench/bench_map.py --sizes 1000 10000 --repeat 5
    .venv/bin/python bench/bench_map.py --baseline-max 100000   # also the 100k baseline (minutes)

For each size it writes a synthetic store of incidents inside the region (80 % exact
points, 15 % approximate with an uncertainty radius, 5 % areas; titles, places, actors
and casualties from small pools; one or two sources per event from a pool of reports,
one report per five events), reads it with ``read_store`` and measures:

- build: ``export_html`` (filters, encoding, reference layers, folium render, inlining
  of Leaflet and the map script), median of ``--repeat`` runs;
- bytes/event: the growth of the page per event, (size(n) - size(0)) / n (the fixed part,
  Leaflet, the map script and the reference geography, is the size at 0 events), and the
  size of the file;
- drawn: headless Chromium (``/usr/bin/chromium``, every request that is not file: or
  data: blocked) from navigation start until the map reports it is drawn (the layers
  are added and two animation frames have passed).

The baseline is one ``folium.Marker`` with an HTML popup per event, the usual folium
way, measured the same way (drawn = load event plus two animation frames).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import folium  # noqa: E402
import geopandas as gpd  # noqa: E402

from layers.assets import assets_installed, inline_assets  # noqa: E402
from layers.export import export_html  # noqa: E402
from layers.map import REGION_VIEW, read_map_reference  # noqa: E402
from layers.store import read_store  # noqa: E402
from tests.browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402 - the same browser the tests drive

CATEGORIES = {
    "armed_attack": "Shots fired",
    "armed_clash": "Exchange of fire",
    "riot": "Riot",
    "protest": "Protest",
    "detention": "Detention",
    "arrest": "Arrest",
    "explosion": "Explosion",
    "crossing_closure": "Crossing closed",
    "crossing_reopening": "Crossing reopened",
    "other": "Incident",
}
PLACES = [
    ("Jarinje / Jarinjë", "Leposavić / Leposaviq"),
    ("Brnjak / Bërnjak", "Zubin Potok"),
    ("Banjska / Banjskë", "Zvečan / Zveçan"),
    ("Leposavić / Leposaviq", "Leposavić / Leposaviq"),
    ("Zubin Potok", "Zubin Potok"),
    ("Zvečan / Zveçan", "Zvečan / Zveçan"),
    ("Severna Mitrovica / Mitrovica e Veriut", "Severna Mitrovica / Mitrovica e Veriut"),
    ("Raška", "Raška"),
    ("Novi Pazar", "Novi Pazar"),
    ("Kuršumlija", "Kuršumlija"),
    ("Merdare / Merdarë", "Podujevo / Podujevë"),
    ("Končulj / Konçul", "Bujanovac"),
    ("Bela Zemlja / Bellopojë", "Zubin Potok"),
    ("Rudare / Rudarë", "Zvečan / Zveçan"),
]
ACTORS = [
    "Kosovo Police",
    "Serbian Armed Forces",
    "Serbian Police",
    "KFOR",
    "EULEX",
    "local residents",
    "unidentified armed group",
    "Civilians (Serb)",
    "Civilians (Albanian)",
    "Kosovo Security Force",
    "protesters",
    "border police",
]
PUBLISHERS = [
    ("Kossev", "sr"),
    ("Koha", "sq"),
    ("Balkan Insight", "en"),
    ("RTS", "sr"),
    ("Radio Free Europe", "en"),
    ("Kosovo Online", "sr"),
    ("Telegrafi", "sq"),
    ("N1", "sr"),
    ("Reuters", "en"),
    ("AP", "en"),
]
CONFIDENCE = ["confirmed"] * 3 + ["reported"] * 5 + ["claimed"] + ["disputed"]


def _source(k: int, rng: random.Random) -> dict[str, Any]:
    publisher, language = PUBLISHERS[k % len(PUBLISHERS)]
    day = date(2021, 1, 1) + timedelta(days=(k * 37) % 1800)
    source = {
        "url": f"https://news.example.org/{day.year}/{day.month:02d}/{day.day:02d}/report-{k}",
        "publisher": publisher,
        "published": day.isoformat(),
        "language": language,
        "title": f"Report {k} on the situation along the boundary",
    }
    if rng.random() < 0.1:
        source["original_publisher"] = "Reuters"
    return source


def synthetic_features(n: int, seed: int = 7) -> list[dict[str, Any]]:
    """``n`` valid incidents inside the region, deterministic for a seed."""
    rng = random.Random(seed)
    (south, west), (north, east) = REGION_VIEW
    reports = max(1, n // 5)
    features = []
    for i in range(n):
        lon = round(rng.uniform(west, east), 5)
        lat = round(rng.uniform(south, north), 5)
        category = rng.choice(list(CATEGORIES))
        place, municipality = rng.choice(PLACES)
        roll = rng.random()
        props: dict[str, Any] = {
            "layer": "incident",
            "category": category,
            "title": f"{CATEGORIES[category]} near {place.split(' / ')[0]}",
            "summary": "Synthetic benchmark event.",
            "start": (date(2021, 1, 1) + timedelta(days=rng.randrange(1800))).isoformat(),
            "time_precision": rng.choice(["day"] * 8 + ["week", "month"]),
            "location": place,
            "municipality": municipality,
            "side": rng.choice(["XK", "RS", "disputed"]),
            "location_precision": "exact",
            "actors": rng.sample(ACTORS, rng.choice([1, 1, 2])),
            "fatalities": None,
            "injured": None,
            "confidence": rng.choice(CONFIDENCE),
            "sources": [_source(rng.randrange(reports), rng) for _ in range(rng.choice([1, 1, 2]))],
        }
        casualty = rng.random()
        if casualty < 0.15:
            props["injured"] = rng.randrange(1, 6)
        elif casualty < 0.2:
            low = rng.randrange(1, 4)
            props["fatalities"] = {"min": low, "max": low + rng.randrange(0, 3)}
        geometry: dict[str, Any] = {"type": "Point", "coordinates": [lon, lat]}
        if 0.80 <= roll < 0.95:
            props["location_precision"] = "approximate"
            props["uncertainty_km"] = rng.choice([1, 2, 5, 10])
        elif roll >= 0.95:
            props["location_precision"] = "area"
            d = 0.02
            ring = [[lon - d, lat], [lon - d / 2, lat - d], [lon + d / 2, lat - d], [lon + d, lat]]
            ring += [[lon + d / 2, lat + d], [lon - d / 2, lat + d], [lon - d, lat]]
            geometry = {"type": "Polygon", "coordinates": [[[round(x, 5), round(y, 5)] for x, y in ring]]}
        features.append(
            {"type": "Feature", "id": f"bench-{i:06d}", "geometry": geometry, "properties": props}
        )
    return features


def write_store(directory: Path, n: int) -> Path:
    store = directory / f"store-{n}"
    store.mkdir(parents=True, exist_ok=True)
    collection = {
        "type": "FeatureCollection",
        "bordermon": {"schema_version": "1.0"},
        "features": synthetic_features(n),
    }
    (store / "events.geojson").write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
    return store


def baseline_html(events: gpd.GeoDataFrame) -> str:
    """One folium.Marker with an HTML popup per event (Leaflet inlined, like the export)."""
    m = folium.Map(location=[42.75, 20.9], zoom_start=9, tiles="OpenStreetMap")
    for row in events.itertuples(index=False):
        geom = row.geometry
        point = geom if geom.geom_type == "Point" else geom.representative_point()
        sources = "".join(
            f'<li><a href="{s["url"]}">{s["publisher"]}: {s["title"]}</a></li>' for s in row.sources
        )
        popup = (
            f"<b>{row.title}</b><br>{row.start:%d %b %Y} ({row.time_precision})<br>"
            f"{'; '.join(row.actors)}<br>{row.confidence}, {row.location_precision}<ul>{sources}</ul>"
        )
        folium.Marker([point.y, point.x], popup=folium.Popup(popup, max_width=350)).add_to(m)
    return m.get_root().render()


def _median_time(fn: Any, repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


class Browser:
    """Headless Chromium with the network cut off (file: and data: only)."""

    def __init__(self) -> None:
        from playwright.sync_api import sync_playwright

        self._pw = sync_playwright().start()
        self._browser = self._pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)

    def drawn_seconds(self, path: Path, ready: str, timeout_s: float) -> float | None:
        page = self._browser.new_page(viewport={"width": 1280, "height": 800})
        page.route(
            "**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort()
        )
        try:
            page.goto(path.as_uri(), wait_until="load", timeout=timeout_s * 1000)
            page.wait_for_function(ready, timeout=timeout_s * 1000, polling=50)
            return float(page.evaluate("window.__drawnAt || bordermon.readyAt")) / 1000
        except Exception as exc:  # a timeout is a result here, not a failure of the benchmark
            print(f"  (browser: {type(exc).__name__}: {str(exc).splitlines()[0]})", file=sys.stderr)
            return None
        finally:
            page.close()

    def close(self) -> None:
        self._browser.close()
        self._pw.stop()


_BASELINE_READY = (
    "(() => { if (window.__drawnAt) return true; if (!window.__waiting) { window.__waiting = true;"
    " requestAnimationFrame(() => requestAnimationFrame(() => { window.__drawnAt = performance.now(); })); }"
    " return false; })()"
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--repeat", type=int, default=3, help="build runs per size (median reported)")
    parser.add_argument("--baseline-max", type=int, default=10000, help="largest size for the baseline")
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium measurements")
    parser.add_argument("--keep", type=Path, help="keep the generated stores and pages in this directory")
    args = parser.parse_args(argv)
    if not assets_installed():
        print("bench_map: the map assets are not installed (npm ci --ignore-scripts)", file=sys.stderr)
        return 2
    work = args.keep or Path(tempfile.mkdtemp(prefix="bordermon-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    reference = read_map_reference()
    empty = read_store(write_store(work, 0)).events
    empty_size = len(export_html(empty, reference=reference).encode())
    base_empty_size = len(inline_assets(baseline_html(empty)).encode())
    browser = None if args.no_browser else Browser()
    rows = []
    try:
        for n in args.sizes:
            t0 = time.perf_counter()
            store = read_store(write_store(work, n))
            read_s = time.perf_counter() - t0
            events = store.events
            build_s, page = _median_time(lambda ev=events: export_html(ev, reference=reference), args.repeat)
            size = len(page.encode())
            out = work / f"map-{n}.html"
            out.write_text(page, encoding="utf-8")
            drawn = None
            if browser:
                drawn = browser.drawn_seconds(out, "window.bordermon && window.bordermon.ready === true", 60)
            base_build = base_per_event = base_drawn = None
            if n <= args.baseline_max:
                base_build, base_page = _median_time(
                    lambda ev=events: inline_assets(baseline_html(ev)), 1 if n > 1000 else args.repeat
                )
                base_per_event = (len(base_page.encode()) - base_empty_size) / n
                base_out = work / f"baseline-{n}.html"
                base_out.write_text(base_page, encoding="utf-8")
                if browser:
                    base_drawn = browser.drawn_seconds(base_out, _BASELINE_READY, 180)
            rows.append(
                (
                    n,
                    read_s,
                    build_s,
                    (size - empty_size) / n,
                    size,
                    drawn,
                    base_build,
                    base_per_event,
                    base_drawn,
                )
            )
            _print_row(rows[-1])
    finally:
        if browser:
            browser.close()
    print()
    _print_table(rows)
    return 0


def _fmt(value: float | None, unit: str = "s", digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f} {unit}"


def _print_row(row: tuple[Any, ...]) -> None:
    n, read_s, build_s, per_event, size, drawn, base_build, base_per_event, base_drawn = row
    print(
        f"{n:>7,} events: read {read_s:.2f} s, build {build_s:.3f} s, {per_event:.0f} B/event "
        f"({size / 1e6:.1f} MB), drawn {_fmt(drawn)}; baseline build {_fmt(base_build)}, "
        f"{'—' if base_per_event is None else f'{base_per_event:.0f} B/event'}, drawn {_fmt(base_drawn)}",
        flush=True,
    )


def _print_table(rows: list[tuple[Any, ...]]) -> None:
    print(
        "| events | build | HTML per event | file | drawn in Chromium | baseline build | "
        "baseline HTML per event | baseline drawn | build speed-up |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n, _read, build_s, per_event, size, drawn, base_build, base_per_event, base_drawn in rows:
        speedup = f"{base_build / build_s:.0f}×" if base_build else "—"
        base_per = "—" if base_per_event is None else f"{base_per_event:,.0f} B"
        print(
            f"| {n:,} | {build_s:.2f} s | {per_event:,.0f} B | {size / 1e6:.1f} MB | {_fmt(drawn)} | "
            f"{_fmt(base_build)} | {base_per} | {_fmt(base_drawn)} | {speedup} |"
        )


if __name__ == "__main__":
    raise SystemExit(main())
