#!/usr/bin/env python3
"""Benchmark playback on the exported map: frames per second in headless Chromium.

Run on demand (never inside the test suite):

    .venv/bin/python bench/bench_playback.py                      # 10k events, 3 page loads
    .venv/bin/python bench/bench_playback.py --sizes 10000 100000 --repeat 5

For each size it writes the synthetic store of ``bench/bench_map.py`` (incidents inside
the region over five years, 80 % exact points, 15 % approximate, 5 % areas; one in five
known only to the week or the month, drawn faded), exports the map without base map
tiles and opens it in headless Chromium (``/usr/bin/chromium`` with the tests' settings,
network cut off). Playback then runs as a reader runs it, through the play control, as
fast as it can go (one step per animation frame: the speed is set above the display's
rate), for ``--seconds`` seconds, in two ways:

- by day: each frame draws the events of one day (a handful at 10k);
- by week with a four-week trail: each frame draws a week and, faded, what ended in the
  four weeks before it (about 5 % of the events at once).

Frames per second = frames drawn (each a new set of events computed and the canvas
drawn) / seconds. The frame work is the median time from a step to the end of the
animation frame that draws it. Medians over ``--repeat`` page loads; the load average is
printed with the results.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_map import write_store  # noqa: E402 - the same synthetic store as the map benchmark

from layers.assets import assets_installed  # noqa: E402
from layers.export import export_html  # noqa: E402
from layers.map import read_map_reference  # noqa: E402
from layers.store import read_store  # noqa: E402
from tests.browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

#: Plays for a while through the play control; returns frames drawn, seconds and frame work.
_PLAY = """async ([unit, trail, seconds]) => {
  const p = bordermon.time.player, T = bordermon.time;
  p.unit = unit; p.trail = trail; p.speed = 1000;  // one step per animation frame
  p.setDay(p.domain[0]);
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const work = [];
  let last = T.frames;
  const sample = () => { if (T.frames !== last) { work.push(T.lastFrameMs); last = T.frames; } };
  const frames0 = T.frames, t0 = performance.now();
  p.play();
  while (performance.now() - t0 < seconds * 1000 && p.playing) {
    await new Promise(r => requestAnimationFrame(r));
    sample();
  }
  const elapsed = (performance.now() - t0) / 1000, frames = T.frames - frames0;
  p.pause();
  work.sort((a, b) => a - b);
  return {frames: frames, seconds: elapsed, work: work.length ? work[work.length >> 1] : null,
          shown: Object.values(bordermon.time.counts()).reduce((a, b) => a + b, 0)};
}"""
_MODES = {"day": (1, 0), "week, 4-week trail": (7, 28)}


def _load() -> str:
    return ", ".join(f"{value:.1f}" for value in os.getloadavg())


def measure(path: Path, repeat: int, seconds: float) -> dict[str, dict[str, Any]]:
    """Per mode: median frames per second and frame work over ``repeat`` page loads."""
    from playwright.sync_api import sync_playwright

    results: dict[str, dict[str, list[float]]] = {mode: {"fps": [], "work": []} for mode in _MODES}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            for _ in range(repeat):
                page = browser.new_page(viewport={"width": 1280, "height": 800})
                page.route(
                    "**/*",
                    lambda r: r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort(),
                )
                page.goto(path.as_uri(), wait_until="load", timeout=240_000)
                page.wait_for_function("window.bordermon && bordermon.ready === true", timeout=240_000)
                for mode, (unit, trail) in _MODES.items():
                    run = page.evaluate(_PLAY, [unit, trail, seconds])
                    results[mode]["fps"].append(run["frames"] / run["seconds"])
                    if run["work"] is not None:
                        results[mode]["work"].append(run["work"])
                page.close()
        finally:
            browser.close()
    return {
        mode: {
            "fps": statistics.median(values["fps"]),
            "work": statistics.median(values["work"]) if values["work"] else None,
            "runs": len(values["fps"]),
        }
        for mode, values in results.items()
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000])
    parser.add_argument("--repeat", type=int, default=3, help="page loads per size")
    parser.add_argument("--seconds", type=float, default=4.0, help="playback time per mode and load")
    args = parser.parse_args(argv)
    if not assets_installed():
        print("bench_playback: the map assets are not installed (npm ci --ignore-scripts)", file=sys.stderr)
        return 2
    if not CHROMIUM.exists():
        print(f"bench_playback: {CHROMIUM} is missing", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="bordermon-bench-playback-"))
    reference = read_map_reference()
    print(f"load average at start: {_load()} (2 cores)")
    rows = []
    for n in args.sizes:
        events = read_store(write_store(work, n)).events
        page = work / f"playback-{n}.html"
        page.write_text(export_html(events, reference=reference, basemap="none"), encoding="utf-8")
        for mode, result in measure(page, args.repeat, args.seconds).items():
            row = {"n": n, "mode": mode, **result}
            rows.append(row)
            work_ms = "—" if result["work"] is None else f"{result['work']:.1f} ms"
            print(
                f"{n:>7,} by {mode}: {result['fps']:.1f} frames/s, frame work {work_ms} "
                f"({result['runs']} loads; load average {_load()})",
                flush=True,
            )
    print()
    print(f"load average at the end: {_load()} (2 cores)")
    print("| events | playback | frames per second | frame work |")
    print("|---:|---|---:|---:|")
    for row in rows:
        work_ms = "—" if row["work"] is None else f"{row['work']:.1f} ms"
        print(f"| {row['n']:,} | by {row['mode']} | {row['fps']:.1f} | {work_ms} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
