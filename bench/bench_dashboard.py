"""How long the dashboard takes, server-side, to rerun after a filter change.

Builds a synthetic store of N incidents (default 10,000; the map benchmark's generator),
points the app at it, lets the first run read and cache it, then times reruns that change
a filter, as Streamlit's AppTest runs them (the script, every layers call, the map
build and the serialisation of every element; not the browser's drawing).

    .venv/bin/python bench/bench_dashboard.py [--events 10000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_map import write_store  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        store = write_store(Path(tmp), args.events)
        os.environ["BORDERMON_STORE"] = str(store)
        at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=300)
        started = time.perf_counter()
        at.run()
        first = time.perf_counter() - started
        if at.exception:
            print(at.exception)
            return 1
        categories = at.multiselect(key="categories").options
        changes = [
            (
                "category",
                lambda i: at.multiselect(key="categories").set_value([categories[i % len(categories)]]),
            ),
            (
                "text search",
                lambda i: at.text_input(key="q").set_value(["attack", "police", "", "kfor"][i % 4]),
            ),
            ("time window", lambda i: at.selectbox(key="preset").set_value(["all", "last-30-days"][i % 2])),
            ("layer toggle", lambda i: at.checkbox(key="layer_kfor").set_value(i % 2 == 0)),
        ]
        print(f"{args.events:,} events; first run (reads and validates the store): {first:.2f} s")
        print("filter change → rerun (server-side), median of", args.repeat)
        worst = 0.0
        for name, change in changes:
            times = []
            for i in range(args.repeat):
                change(i)
                started = time.perf_counter()
                at.run()
                times.append(time.perf_counter() - started)
                assert not at.exception, at.exception
            median = statistics.median(times)
            worst = max(worst, median)
            print(f"  {name:<13} {median:.2f} s  (runs: {', '.join(f'{t:.2f}' for t in times)})")
        print(f"slowest median: {worst:.2f} s (target ≤ 1.0 s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
