"""Benchmark the map's painting alone: a window of the event layers, per part, in Chromium.

Run on demand (never inside the test suite), on pages written by ``bench_map.py --keep``:

    .venv/bin/python bench/bench_map.py --sizes 100000 --maps bordermon --before main --keep DIR
    .venv/bin/python bench/bench_map_paint.py DIR/bordermon-100000.html DIR/bordermon-before-100000.html

A zoom step to a level not painted yet spends most of its time painting the map's window
(see bench/RESULTS-map.md). This measures that painting without the rest of the step:
each page is opened in headless Chromium (the tests' settings, network cut off), the map
set to zoom 10 over the region, and the incidents' sets paint the 1280 x 800 window (in
two bands, as a step does) into a canvas of their own: the symbols, the area set with its
uncertainty circles only, with its areas and lines only, and everything; "nothing" is
the call alone, what every figure includes besides the painting. Figures are the
CPU time of the page's main thread (Chromium's ``ThreadTime``), the least of ``--runs``
paints, per page load; the pages' loads are interleaved and the load average printed.
Beside them, "step": the CPU time of the zoom step to that view itself (one call of
``setView`` from the page's first view, the map's idle painting stopped before it), for
how much of such a step the painting is, and "next step", the zoom in after it to zoom 11,
a level not painted yet either (the first step pays for things done once).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402 - the same browser the tests drive

PARTS = ("nothing", "symbols", "circles", "areas", "all")

# Defines window.__paint(part): the incidents' window at zoom 10, painted by the sets' own
# paint functions (the area set's circles or areas left out by stubbing the other half).
# The painting the map does when the page is idle (margins, neighbouring zoom levels) is
# stopped first: it would run between the paints and count in their CPU time.
_STOP_IDLE = """() => {
  const B = bordermon;
  for (const key in B.layers) {
    for (const set of [B.layers[key].symbols, B.layers[key].areas]) {
      set._later = () => {};
      if (set._idle) cancelIdleCallback(set._idle);
      set._idle = null;
    }
  }
  return new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
}"""
# The zoom step itself: from the page's first view to zoom 10 over the region, a level not
# painted yet (only the window painted: the idle painting is stopped).
_STEP = "bordermon.map.setView([42.95, 20.85], 10, {animate: false}); 0"
# The next one, to zoom 11 (not painted yet either); then back to 10 (kept).
_NEXT_STEP = "bordermon.map.setZoom(11, {animate: false}); 0"
_BACK = "bordermon.map.setZoom(10, {animate: false}); 0"
_SETUP = """() => {
  const B = bordermon, map = B.map, layer = B.layers.incident;
  const canvas = document.createElement("canvas");
  canvas.width = 1280;
  canvas.height = 800;
  const g = canvas.getContext("2d", {willReadFrequently: true});
  const o = map.getPixelOrigin(), corner = map.containerPointToLayerPoint([0, 0]);
  const X = corner.x + o.x, Y = corner.y + o.y;
  const circles = B.AreaSet.prototype._circles, shapes = B.AreaSet.prototype._shapes, none = () => {};
  window.__paint = (part) => {
    layer.areas._circles = part === "areas" ? none : circles;
    layer.areas._shapes = part === "circles" ? none : shapes;
    for (let top = 0; top < 800; top += 400) {
      if (part === "nothing") break;
      if (part === "symbols" || part === "all") layer.symbols._paint(g, X, Y + top, 1280, 400, 0, top, 1);
      if (part !== "symbols") layer.areas._paint(g, X, Y + top, 1280, 400, 0, top, 1);
    }
    return 0;
  };
}"""


def _thread_time(cdp: Any) -> float:
    metrics = cdp.send("Performance.getMetrics")["metrics"]
    return float(next(m["value"] for m in metrics if m["name"] == "ThreadTime"))


def measure(browser: Any, path: Path, runs: int) -> dict[str, float]:
    """Least main-thread CPU seconds of ``runs`` paints of each part, on one page load."""
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort())
    try:
        page.goto(path.as_uri(), wait_until="load", timeout=240_000)
        page.wait_for_function("window.bordermon && bordermon.ready === true", timeout=240_000, polling=50)
        cdp = page.context.new_cdp_session(page)
        cdp.send("Performance.enable", {"timeDomain": "threadTicks"})
        page.evaluate(_STOP_IDLE)
        before = _thread_time(cdp)
        page.evaluate(_STEP)
        out = {"step": _thread_time(cdp) - before}
        before = _thread_time(cdp)
        page.evaluate(_NEXT_STEP)
        out["next step"] = _thread_time(cdp) - before
        page.evaluate(_BACK)
        page.evaluate(_SETUP)
        for part in PARTS:
            times = []
            for _ in range(runs):
                before = _thread_time(cdp)
                page.evaluate("(part) => window.__paint(part)", part)
                times.append(_thread_time(cdp) - before)
            out[part] = min(times)
        return out
    finally:
        page.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("pages", type=Path, nargs="+", help="exported maps (bench_map.py --keep)")
    parser.add_argument("--loads", type=int, default=3, help="page loads per page, interleaved")
    parser.add_argument("--runs", type=int, default=5, help="paints per part and load (the least is kept)")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    print(f"load average at start: {_load()}")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for _ in range(args.loads):
                for path in args.pages:
                    got = measure(browser, path, args.runs)
                    parts = ", ".join(
                        f"{part} {got[part] * 1000:.0f} ms" for part in ("step", "next step", *PARTS)
                    )
                    print(f"{path.name}: {parts} (CPU, least of {args.runs}); load {_load()}", flush=True)
        finally:
            browser.close()
    print(f"load average at the end: {_load()} (2 cores)")
    return 0


def _load() -> str:
    return ", ".join(f"{value:.1f}" for value in os.getloadavg())


if __name__ == "__main__":
    raise SystemExit(main())
