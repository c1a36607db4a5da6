#!/usr/bin/env python3
"""Benchmark the map: build, HTML bytes per event, drawn time, and zoom and pan steps in Chromium.

Run on demand (never inside the test suite):

    .venv/bin/python bench/bench_map.py                    # 10k and 100k, 3 repeats
    .venv/bin/python bench/bench_map.py --sizes 1000 10000 --repeat 5
    .venv/bin/python bench/bench_map.py --baseline-max 100000   # also the 100k baseline (minutes)
    .venv/bin/python bench/bench_map.py --sizes 100000 --maps bordermon --before main~3
                                                           # before/after, same events, interleaved

For each size it writes a synthetic store of incidents inside the region (80 % exact
points, 15 % approximate with an uncertainty radius, 5 % areas; titles, places, actors
and casualties from small pools; one or two sources per event from a pool of reports,
one report per five events), reads it with ``read_store`` and measures, beside the maps a
user would pick instead, each built from the same events:

- bordermon: ``export_html`` (filters, encoding, reference layers, render, inlining);
- FastMarkerCluster: folium's ``plugins.FastMarkerCluster`` with a popup built in the
  browser (clusters hide events until zoomed in: not an option for bordermon, the
  reference for speed);
- pydeck: a deck.gl ``ScatterplotLayer`` with a tooltip, its bundle embedded
  (``offline=True``); drawn only where headless Chromium offers WebGL;
- baseline: one ``folium.Marker`` with an HTML popup per event, the usual folium way
  (up to ``--baseline-max`` events);
- with ``--before REF``, bordermon's page again with the map script of git revision REF
  in place of the working tree's (the same events and payload), its page loads
  interleaved with the current one's so that both see the same machine load.

Every page is drawn without base map tiles (no network: requests other than file: and
data: are refused), so the figures are each map's own work. In headless Chromium
(``/usr/bin/chromium`` with the tests' settings), per page and repeat: drawn = from
navigation start until the map is drawn (bordermon: its ready mark; others: the load
event and two animation frames); a step = zoom in, pan east 400 px, pan west, zoom out,
each from the call until two animation frames have passed (Leaflet draws on the first);
beside each step's wall time, the CPU time of the page's main thread over it (Chromium's
``ThreadTime`` metric), which a shared machine inflates far less than wall time. Medians
over ``--repeat`` page loads (steps: over every step of every load); the load average is
printed with the results. The zoom in is also given alone: it comes right after the page
is drawn, to a zoom level the map has not painted yet (the zoom out returns to a kept
one), the slowest kind of step. There bordermon shows the window sketched from the level
before and paints it over in slices: each step is also timed until it is sharp (two
frames after the last slice; the step itself where nothing was sketched), with the
longest task of the main thread meanwhile (Long Tasks API; 0: none of 50 ms or more).

Those steps are taken without Leaflet's zoom animation, the worst case. A reader's zoom
(the + and - buttons, the wheel, a double click) is animated, and bordermon paints the
coming level while the animation plays. So each repeat also loads the page again and
takes two animated zooms in and two out, one right after the other from the moment it is
drawn (``map.zoomIn()``, as the + button does): per step, the time from the call until
two frames after the zoom's end, the part of it after the animation's end (``zoomend``),
and the longest task of the main thread meanwhile (Long Tasks API; 0: none of 50 ms or
more). The zooms out return to levels kept and give what the animation itself takes.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import folium  # noqa: E402
import folium.plugins  # noqa: E402
import geopandas as gpd  # noqa: E402

from layers.assets import assets_installed, inline_assets  # noqa: E402
from layers.export import export_html  # noqa: E402
from layers.map import REGION_VIEW, read_map_reference  # noqa: E402
from layers.publishers import PUBLISHERS_ENV  # noqa: E402
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


def _domain(publisher: str) -> str:
    return publisher.lower().replace(" ", "-") + ".example.org"


def _source(k: int, rng: random.Random, *, retold: bool = True) -> dict[str, Any]:
    publisher, language = PUBLISHERS[k % len(PUBLISHERS)]
    day = date(2021, 1, 1) + timedelta(days=(k * 37) % 1800)
    source = {
        "url": f"https://{_domain(publisher)}/{day.year}/{day.month:02d}/{day.day:02d}/report-{k}",
        "publisher": publisher,
        "published": day.isoformat(),
        "language": language,
        "title": f"Report {k} on the situation along the boundary",
    }
    if retold and rng.random() < 0.1:
        source["original_publisher"] = "Reuters"
    return source


def _sources(confidence: str, reports: int, rng: random.Random) -> list[dict[str, Any]]:
    """One or two reports; 'confirmed' rests on two independent publishers, as validation asks."""
    first = rng.randrange(reports)
    if confidence == "confirmed":
        return [_source(first, rng, retold=False), _source(first + 1, rng, retold=False)]
    return [_source(rng.randrange(reports), rng) for _ in range(rng.choice([1, 1, 2]))]


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
        confidence = rng.choice(CONFIDENCE)
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
            "confidence": confidence,
            "sources": _sources(confidence, reports, rng),
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
    """A synthetic store of ``n`` incidents in ``directory``; its publishers are registered.

    The sources cite fictional domains (``*.example.org``): a register of them is written
    beside the store and named in ``$BORDERMON_PUBLISHERS`` for this process and the ones
    it starts (a dashboard), as validation sets aside sources of unknown publishers.
    """
    register = directory / "publishers.csv"
    names = sorted({_domain(name): name for name, _ in PUBLISHERS}.items())
    register.parent.mkdir(parents=True, exist_ok=True)
    register.write_text(
        "domain,name,kind,country,language\n" + "".join(f"{d},{name},newspaper,,en\n" for d, name in names),
        encoding="utf-8",
    )
    os.environ[PUBLISHERS_ENV] = str(register)
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
    m = folium.Map(location=[42.75, 20.9], zoom_start=9, tiles=None)
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


def _anchors(events: gpd.GeoDataFrame) -> tuple[list[float], list[float]]:
    points = events.geometry.representative_point()
    return points.y.tolist(), points.x.tolist()


def fastcluster_html(events: gpd.GeoDataFrame) -> str:
    """folium's FastMarkerCluster: one array of points, markers and popups made in the browser."""
    m = folium.Map(location=[42.75, 20.9], zoom_start=9, tiles=None)
    lats, lons = _anchors(events)
    titles = events["title"].astype(str).tolist()
    data = [[lat, lon, title] for lat, lon, title in zip(lats, lons, titles, strict=True)]
    callback = (
        "function (row) { var marker = L.marker(new L.LatLng(row[0], row[1]));"
        " var popup = L.popup({maxWidth: 300}); var div = document.createElement('div');"
        " div.textContent = row[2]; popup.setContent(div); marker.bindPopup(popup); return marker; }"
    )
    folium.plugins.FastMarkerCluster(data, callback=callback).add_to(m)
    return inline_assets(m.get_root().render())


def pydeck_html(events: gpd.GeoDataFrame) -> str | None:
    """A deck.gl scatterplot through pydeck, its bundle embedded; None without pydeck."""
    try:
        import pydeck
    except ImportError:
        return None
    lats, lons = _anchors(events)
    frame = {"lat": lats, "lon": lons, "title": events["title"].astype(str).tolist()}
    import pandas as pd

    layer = pydeck.Layer(
        "ScatterplotLayer",
        pd.DataFrame(frame),
        get_position="[lon, lat]",
        get_radius=300,
        radius_min_pixels=3,
        get_fill_color=[178, 24, 43, 200],
        pickable=True,
    )
    deck = pydeck.Deck(
        layers=[layer],
        initial_view_state=pydeck.ViewState(latitude=42.75, longitude=20.9, zoom=8),
        map_style=None,
        tooltip={"text": "{title}"},
    )
    page: str = deck.to_html(as_string=True, offline=True, notebook_display=False)
    return page


def _median_time(fn: Any, repeat: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


# One step: wait until the page is idle (two frames), act, wait two frames (Leaflet draws
# on the first after the move). Works for any Leaflet map of the page. In ms: [the step,
# until it is sharp, the longest task meanwhile]. Sharp: bordermon sketches a zoom's
# window from the level before and paints it over in slices (a rush shown); sharp is two
# frames after the last slice. Without one (other maps, or painted at once) sharp = step.
_STEP = """async (op) => {
  const map = (window.bordermon && bordermon.map) || Object.values(window).find(v => v instanceof L.Map);
  const frames = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const sets = window.bordermon
    ? Object.values(bordermon.layers).flatMap((l) => [l.symbols, l.areas]).filter(Boolean) : [];
  const sketched = () => sets.some((s) => s._rush && s._rush.shown);
  await frames();
  let longest = 0;
  const watch = new PerformanceObserver((list) => {
    for (const task of list.getEntries()) longest = Math.max(longest, task.duration);
  });
  watch.observe({type: 'longtask'});
  const t0 = performance.now();
  if (op === 'in') map.setZoom(map.getZoom() + 1, {animate: false});
  else if (op === 'out') map.setZoom(map.getZoom() - 1, {animate: false});
  else map.panBy([op === 'east' ? 400 : -400, 0], {animate: false});
  await frames();
  const step = performance.now() - t0;
  let sharp = step;
  if (sketched()) {
    while (sketched()) await new Promise(r => setTimeout(r, 4));
    await frames();
    sharp = performance.now() - t0;
  }
  await new Promise(r => setTimeout(r, 0));  // the last task's entry
  watch.disconnect();
  return [step, sharp, longest];
}"""
_STEPS = ("in", "east", "west", "out")
# One animated zoom (in or out, as the map's buttons take it): [from the call until two
# frames after the zoom's end, the part after its end, the longest task meanwhile] in ms.
_ANIMATED_STEP = """async (op) => {
  const map = (window.bordermon && bordermon.map) || Object.values(window).find(v => v instanceof L.Map);
  const frames = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  await frames();
  let longest = 0;
  const watch = new PerformanceObserver((list) => {
    for (const task of list.getEntries()) longest = Math.max(longest, task.duration);
  });
  watch.observe({type: 'longtask'});
  let ended = 0;
  const end = new Promise(r => map.once('zoomend', () => { ended = performance.now(); r(); }));
  const t0 = performance.now();
  if (op === 'in') map.zoomIn(); else map.zoomOut();
  await end;
  await frames();
  const t1 = performance.now();
  await new Promise(r => setTimeout(r, 0));  // the last task's entry
  watch.disconnect();
  return [t1 - t0, t1 - ended, longest];
}"""
_ANIMATED_STEPS = ("in", "in", "out", "out")


class Browser:
    """Headless Chromium with the tests' settings and the network cut off (file: and data: only)."""

    def __init__(self) -> None:
        from playwright.sync_api import sync_playwright

        self._pw = sync_playwright().start()
        self._browser = self._pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)

    def measure(self, path: Path, ready: str, timeout_s: float, steps: bool) -> dict[str, Any] | None:
        """Drawn time (s) and, on a Leaflet map, the zoom and pan step times (s) of one page load.

        With the steps, also their CPU time (s) on the page's main thread ("zoom_cpu",
        "pan_cpu").
        """
        page = self._page()
        try:
            self._open(page, path, ready, timeout_s)
            out: dict[str, Any] = {
                "drawn": float(page.evaluate("window.__drawnAt || bordermon.readyAt")) / 1000,
                "zoom": [],
                "pan": [],
                "zoom_cpu": [],
                "pan_cpu": [],
                "zoom_in": [],
                "zoom_in_cpu": [],
                "sharp": [],
                "task": [],
                "zoom_in_sharp": [],
                "zoom_in_task": [],
            }
            if steps:
                cdp = page.context.new_cdp_session(page)
                cdp.send("Performance.enable", {"timeDomain": "threadTicks"})
                for op in _STEPS:
                    before = _thread_time(cdp)
                    seconds, sharp, longest = (float(v) / 1000 for v in page.evaluate(_STEP, op))
                    kind = "zoom" if op in ("in", "out") else "pan"
                    cpu = _thread_time(cdp) - before
                    out[kind].append(seconds)
                    out[kind + "_cpu"].append(cpu)
                    out["sharp"].append(sharp)
                    out["task"].append(longest)
                    if op == "in":
                        out["zoom_in"].append(seconds)
                        out["zoom_in_cpu"].append(cpu)
                        out["zoom_in_sharp"].append(sharp)
                        out["zoom_in_task"].append(longest)
            return out
        except Exception as exc:  # a timeout is a result here, not a failure of the benchmark
            print(f"  (browser: {type(exc).__name__}: {str(exc).splitlines()[0]})", file=sys.stderr)
            return None
        finally:
            page.close()

    def measure_animated(self, path: Path, ready: str, timeout_s: float) -> dict[str, Any] | None:
        """The animated zooms (s) of one page load, from the moment it is drawn (see _ANIMATED_STEP)."""
        page = self._page()
        try:
            self._open(page, path, ready, timeout_s)
            out: dict[str, Any] = {key: [] for key in _ANIMATED_KEYS}
            for op in _ANIMATED_STEPS:
                total, after, longest = (float(v) / 1000 for v in page.evaluate(_ANIMATED_STEP, op))
                out[f"anim_{op}"].append(total)
                out[f"anim_{op}_after"].append(after)
                out[f"anim_{op}_task"].append(longest)
            return out
        except Exception as exc:  # a timeout is a result here, not a failure of the benchmark
            print(f"  (browser: {type(exc).__name__}: {str(exc).splitlines()[0]})", file=sys.stderr)
            return None
        finally:
            page.close()

    def _page(self) -> Any:
        """A page of 1280 × 800 that reaches file: and data: only."""
        page = self._browser.new_page(viewport={"width": 1280, "height": 800})
        page.route(
            "**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort()
        )
        return page

    @staticmethod
    def _open(page: Any, path: Path, ready: str, timeout_s: float) -> None:
        page.goto(path.as_uri(), wait_until="load", timeout=timeout_s * 1000)
        page.wait_for_function(ready, timeout=timeout_s * 1000, polling=50)

    def close(self) -> None:
        self._browser.close()
        self._pw.stop()


def _thread_time(cdp: Any) -> float:
    """CPU seconds the page's main thread has run (Chromium's ThreadTime metric)."""
    metrics = cdp.send("Performance.getMetrics")["metrics"]
    return float(next(m["value"] for m in metrics if m["name"] == "ThreadTime"))


_LOADED_READY = (
    "(() => { if (window.__drawnAt) return true; if (!window.__waiting) { window.__waiting = true;"
    " requestAnimationFrame(() => requestAnimationFrame(() => { window.__drawnAt = performance.now(); })); }"
    " return false; })()"
)
_BORDERMON_READY = "window.bordermon && window.bordermon.ready === true"


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


_KEYS = (
    "drawn", "zoom", "pan", "zoom_cpu", "pan_cpu", "zoom_in", "zoom_in_cpu",
    "sharp", "task", "zoom_in_sharp", "zoom_in_task",
)  # fmt: skip
_ANIMATED_KEYS = tuple(f"anim_{op}{part}" for op in ("in", "out") for part in ("", "_after", "_task"))


def _browse(
    browser: Browser | None, pages: dict[str, Path], ready: str, repeat: int, steps: bool
) -> dict[str, dict[str, Any]]:
    """Per page, medians over ``repeat`` loads: drawn, zoom and pan steps (wall and CPU), the slowest step.

    The pages' loads are interleaved (a, b, a, b, …), so that each sees the same load.
    """
    keys = _KEYS + _ANIMATED_KEYS
    samples: dict[str, dict[str, list[float]]] = {name: {key: [] for key in keys} for name in pages}
    for _ in range(repeat if browser else 0):
        for name, path in pages.items():
            assert browser is not None
            result = browser.measure(path, ready, 240, steps)
            if result is None:
                continue
            samples[name]["drawn"].append(result["drawn"])
            for key in _KEYS[1:]:
                samples[name][key] += result[key]
            animated = browser.measure_animated(path, ready, 240) if steps else None
            for key in _ANIMATED_KEYS if animated else ():
                samples[name][key] += animated[key]
    out = {}
    for name, got in samples.items():
        steps_s = got["zoom"] + got["pan"]
        out[name] = {key: _median(got[key]) for key in keys}
        out[name]["worst"] = max(steps_s) if steps_s else None
        out[name]["worst_in"] = max(got["zoom_in"]) if got["zoom_in"] else None
        out[name]["worst_sharp"] = max(got["sharp"], default=None)
        out[name]["worst_task"] = max(got["task"], default=None)
        out[name]["anim_in_worst"] = max(got["anim_in"], default=None)
        out[name]["anim_after_worst"] = max(got["anim_in_after"], default=None)
        out[name]["anim_task_worst"] = max(got["anim_in_task"] + got["anim_out_task"], default=None)
        out[name]["runs"] = len(got["drawn"])
    return out


def _script_at(revision: str) -> tuple[str, str]:
    """The map script of the working tree and of a git revision (for --before)."""
    current = (ROOT / "layers" / "static" / "bordermon-map.js").read_text(encoding="utf-8")
    old = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{revision}:layers/static/bordermon-map.js"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return current, old


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000, 100000])
    parser.add_argument("--repeat", type=int, default=3, help="page loads (and builds) per map and size")
    parser.add_argument("--baseline-max", type=int, default=10000, help="largest size for the baseline")
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium measurements")
    parser.add_argument("--keep", type=Path, help="keep the generated stores and pages in this directory")
    parser.add_argument(
        "--maps",
        nargs="+",
        choices=("bordermon", "FastMarkerCluster", "pydeck", "baseline"),
        help="only these maps (default: all)",
    )
    parser.add_argument(
        "--before", metavar="REF", help="also bordermon with the map script of git revision REF"
    )
    args = parser.parse_args(argv)
    scripts = _script_at(args.before) if args.before else None
    if not assets_installed():
        print("bench_map: the map assets are not installed (npm ci --ignore-scripts)", file=sys.stderr)
        return 2
    work = args.keep or Path(tempfile.mkdtemp(prefix="bordermon-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    reference = read_map_reference()
    empty = read_store(write_store(work, 0)).events
    sizes_at_zero = {
        "bordermon": len(export_html(empty, reference=reference, basemap="none").encode()),
        "baseline": len(inline_assets(baseline_html(empty)).encode()),
        "FastMarkerCluster": len(fastcluster_html(empty).encode()),
    }
    browser = None if args.no_browser else Browser()
    rows: list[dict[str, Any]] = []
    print(f"load average at start: {_load()}")
    try:
        for n in args.sizes:
            events = read_store(write_store(work, n)).events
            builders: dict[str, tuple[Any, str, bool]] = {
                "bordermon": (
                    lambda ev=events: export_html(ev, reference=reference, basemap="none"),
                    _BORDERMON_READY,
                    True,
                ),
                "FastMarkerCluster": (lambda ev=events: fastcluster_html(ev), _LOADED_READY, True),
                "pydeck": (lambda ev=events: pydeck_html(ev), _LOADED_READY, False),
            }
            if n <= args.baseline_max:
                naive = (lambda ev=events: inline_assets(baseline_html(ev)), _LOADED_READY, True)
                builders["baseline"] = naive
            for name, (build, ready, steps) in builders.items():
                if args.maps and name not in args.maps:
                    continue
                repeat = 1 if name == "baseline" and n > 1000 else args.repeat
                build_s, page = _median_time(build, repeat)
                if page is None:
                    print(f"{n:>7,} {name}: not installed", flush=True)
                    continue
                size = len(page.encode())
                pages = {name: work / f"{name}-{n}.html"}
                pages[name].write_text(page, encoding="utf-8")
                if name == "bordermon" and scripts is not None:
                    current, old = scripts
                    if page.count(current) != 1:
                        raise SystemExit("bench_map: the page does not hold the map script once")
                    before = work / f"bordermon-before-{n}.html"
                    before.write_text(page.replace(current, old), encoding="utf-8")
                    pages[f"bordermon before ({args.before})"] = before
                measured = _browse(browser, pages, ready, args.repeat, steps)
                base = sizes_at_zero.get(name)
                for label, result in measured.items():
                    row = {
                        "n": n,
                        "map": label,
                        "build": build_s,
                        "per_event": (size - base) / n if base is not None else size / n,
                        "size": size,
                        **result,
                    }
                    rows.append(row)
                    _print_row(row)
    finally:
        if browser:
            browser.close()
    print()
    print(f"load average at the end: {_load()} (2 cores)")
    _print_table(rows)
    return 0


def _load() -> str:
    return ", ".join(f"{value:.1f}" for value in os.getloadavg())


def _fmt(value: float | None, unit: str = "s", digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f} {unit}"


def _print_row(row: dict[str, Any]) -> None:
    print(
        f"{row['n']:>7,} {row['map']}: build {row['build']:.2f} s, {row['per_event']:.0f} B/event "
        f"({row['size'] / 1e6:.1f} MB), drawn {_fmt(row['drawn'])}, zoom step {_fmt(row['zoom'])} "
        f"(CPU {_fmt(row['zoom_cpu'])}), pan step {_fmt(row['pan'])} (CPU {_fmt(row['pan_cpu'])}), "
        f"slowest step {_fmt(row['worst'])}; zoom in to a level not painted yet {_fmt(row['zoom_in'])} "
        f"(CPU {_fmt(row['zoom_in_cpu'])}, slowest {_fmt(row['worst_in'])}), sharp after "
        f"{_fmt(row['zoom_in_sharp'])} (longest task {_fmt(row['zoom_in_task'])}); slowest step until sharp "
        f"{_fmt(row['worst_sharp'])}, longest task in the steps {_fmt(row['worst_task'])}; animated zoom in "
        f"{_fmt(row['anim_in'])} (after its end {_fmt(row['anim_in_after'])}, slowest "
        f"{_fmt(row['anim_in_worst'])} and {_fmt(row['anim_after_worst'])} after its end), "
        f"animated zoom out to a kept level {_fmt(row['anim_out'])} "
        f"(after its end {_fmt(row['anim_out_after'])}), "
        f"longest task in them {_fmt(row['anim_task_worst'])} ({row['runs']} loads)",
        flush=True,
    )


def _print_table(rows: list[dict[str, Any]]) -> None:
    print(
        "| events | map | build | HTML per event | file | drawn | zoom step | pan step | slowest step "
        "| zoom step, CPU | pan step, CPU | zoom in | zoom in, CPU | slowest zoom in | zoom in sharp "
        "| zoom in, longest task | slowest step, sharp | longest task in the steps "
        "| animated zoom in | after its end | slowest after its end | animated zoom out | longest task |"
    )
    print("|---:|---|" + "---:|" * 21)
    for row in rows:
        print(
            f"| {row['n']:,} | {row['map']} | {row['build']:.2f} s | {row['per_event']:,.0f} B | "
            f"{row['size'] / 1e6:.1f} MB | {_fmt(row['drawn'])} | {_fmt(row['zoom'])} | "
            f"{_fmt(row['pan'])} | {_fmt(row['worst'])} | {_fmt(row['zoom_cpu'])} | {_fmt(row['pan_cpu'])} | "
            f"{_fmt(row['zoom_in'])} | {_fmt(row['zoom_in_cpu'])} | {_fmt(row['worst_in'])} | "
            f"{_fmt(row['zoom_in_sharp'])} | {_fmt(row['zoom_in_task'])} | {_fmt(row['worst_sharp'])} | "
            f"{_fmt(row['worst_task'])} | "
            f"{_fmt(row['anim_in'])} | {_fmt(row['anim_in_after'])} | {_fmt(row['anim_after_worst'])} | "
            f"{_fmt(row['anim_out'])} | "
            f"{_fmt(row['anim_task_worst'])} |"
        )


if __name__ == "__main__":
    raise SystemExit(main())
