#!/usr/bin/env python3
"""How long a reader waits for the dashboard, in Chromium: first page, filter changes, bytes, memory.

Builds a synthetic store of N incidents (the map benchmark's generator), starts the real
app (``streamlit run``) on it and drives it in headless Chromium (``/usr/bin/chromium``
with the tests' settings; only the app's own server is reachable):

- cold page: the first visit after the server starts (it reads the store);
- first page: a new session once the store is warm (a new browser context), from
  navigation until the page has settled: no script run under way or stale element, and
  the map drawn (``data-bordermon-ready``), all for 0.5 s;
- websocket bytes: what the server sent over the websocket during that first page, and
  by kind of message (the element each message draws: the map's component, a chart, a
  table...); and during each filter change; besides, what came over HTTP from the app
  (scripts, styles, the map's script file), as sent (compressed where the server does);
- filter change: from the reader's last input (the click, or the Enter key, as the page
  received it) until the page has settled again, for each of: untick
  the incidents layer, tick it again, search a word, clear the search, search another word
  (a different one in each round: a view the server has not computed yet), clear it
  again, pick the last 30 days, back to all dates; the filters are cleared between measured changes, so every
  change starts from the full view;
- server memory: resident set size of the server process after the run, and its peak
  (with ``--warm`` the store is validated before the server starts, as for a server
  restarted on an unchanged store: it reads snapshots, and the peak is the dashboard's
  own, not the first validation's);
- with ``--profile``: the browser's main thread during each change, from the change until
  the page settled, by part (Chromium's sampling profiler): Streamlit's own scripts,
  Vega (the charts), the map's script, Chromium's native work (style, layout, paint:
  "(program)"), garbage collection, idle.

How "settled" is seen: a script in the page checks it at every animation frame (no script
run under way or stale element, the map drawn, the key figures shown) and notes the last
moment the page was busy or its document changed (a chart drawn, a table's rows: Vega
draws a chart after its element has arrived, which a look at the elements alone misses);
the benchmark reads that note every 0.2 s (one small evaluation) and takes the page as
settled once it has been quiet for 0.5 s after the change's script run finished. Asking
the page through the browser's debugging protocol at every 50 ms instead (``--poll``, how
earlier figures were taken) runs several queries on the page's main thread while it works,
and times from before the benchmark's driver has found the element to click: both count in
what is measured.

Medians over ``--repeat`` rounds, and the load average, are printed.

    .venv/bin/python bench/bench_dashboard.py [--events 10000 100000] [--repeat 3] [--profile] [--warm]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_map import write_store  # noqa: E402

from layers.assets import sync_static  # noqa: E402
from layers.store import read_store  # noqa: E402
from layers.vocabulary import LAYER_TITLES  # noqa: E402
from tests.browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402 - the same browser the tests drive

# A script run under way, or an element left from the last one.
_BUSY_SELECTOR = (
    '[data-testid="stStatusWidgetRunningIcon"], [data-testid="stStatusWidgetRunningManIcon"], '
    '[data-stale="true"]'
)
_BUSY = f"() => !!document.querySelector({_BUSY_SELECTOR!r})"
_MAP_READY = "() => !!(window.bordermon && window.bordermon.ready === true)"
_QUIET_S = 0.5
# In the app's top frame (see the module's docstring): the last input the page received,
# and the last moment it was busy (or its document changed), on the page's clock (ms since
# 1970, as ``time.time()``).
_WATCH = """(() => {
  if (window.top !== window) return;
  const now = () => performance.timeOrigin + performance.now();
  const w = window.__settle = {input: performance.timeOrigin, active: now(), now: now};
  for (const type of ["pointerdown", "keydown"]) {
    addEventListener(type, (e) => { if (e.isTrusted) w.input = w.active = now(); }, true);
  }
  const busy = BUSY_SELECTOR;
  const mapReady = (doc) => {
    for (const frame of doc.querySelectorAll("iframe")) {
      try {
        const win = frame.contentWindow;
        if ((win.bordermon && win.bordermon.ready === true) || mapReady(win.document)) return true;
      } catch (e) { /* a frame of another origin, or gone */ }
    }
    return false;
  };
  const figures = () => Array.from(document.querySelectorAll('[data-testid="stMarkdownContainer"]'))
    .some((el) => el.textContent.startsWith("Showing"));
  // What a canvas holds inside is its fallback content, read by screen readers only (the
  // table's grid refreshes it a moment after drawing): it does not count.
  const drawn = (m) => {
    const el = m.target.nodeType === 1 ? m.target : m.target.parentElement;
    return !el || el.tagName === "CANVAS" || !el.closest("canvas");
  };
  new MutationObserver((changes) => { if (changes.some(drawn)) w.active = now(); })
    .observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
  const check = () => {
    if (!document.body || document.querySelector(busy) || !mapReady(document) || !figures()) w.active = now();
    requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
})()""".replace("BUSY_SELECTOR", repr(_BUSY_SELECTOR))
_STATE = "() => [window.__settle.input, window.__settle.active, window.__settle.now()]"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start(store: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "BORDERMON_STORE": str(store)}
    command = [
        sys.executable, "-m", "streamlit", "run", "dashboard/app.py",
        "--server.port", str(port), "--server.address", "127.0.0.1", "--server.headless", "true",
    ]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return process, url
        except OSError:
            time.sleep(0.2)  # polling, not waiting for readiness
    process.kill()
    raise TimeoutError("the dashboard did not start")


def _memory(pid: int) -> tuple[float, float]:
    """Resident set size and its peak, in MB."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line
    )
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def _map_ready(page: Any) -> bool:
    for frame in page.frames:
        try:
            if frame.evaluate(_MAP_READY):
                return True
        except Exception:  # a frame may navigate or detach while we look
            continue
    return False


def _settled(page: Any, started: float, timeout: float = 600, rerun: _Socket | None = None) -> float:
    """Seconds from ``started`` until the page became quiet (and stayed so for 0.5 s).

    With ``rerun`` (the page's websocket), the page counts as quiet only once a script
    run has finished after ``started``: a change whose rerun starts late would otherwise
    pass for settled before its elements turn stale (Streamlit marks them only after a
    moment, and shows its running icon later still).
    """
    quiet_since: float | None = None
    runs = rerun.finished if rerun is not None else 0
    while True:
        now = time.perf_counter()
        if now - started > timeout:
            raise TimeoutError("the page did not settle")
        quiet = (
            (rerun is None or rerun.finished > runs)
            and not page.evaluate(_BUSY)
            and _map_ready(page)
            and page.get_by_text("Showing").count() > 0
        )
        if not quiet:
            quiet_since = None
        elif quiet_since is None:
            quiet_since = now
        elif now - quiet_since >= _QUIET_S:
            return quiet_since - started
        page.wait_for_timeout(50)  # polling interval


def _settled_in_page(page: Any, timeout: float = 600, rerun: _Socket | None = None) -> float:
    """Seconds from the page's last input (or its navigation) until it became quiet, as it noted.

    The page notes its own state (``_WATCH``); it is asked every 0.2 s. With ``rerun``, as
    in :func:`_settled`, only once a script run has finished after the call.
    """
    runs = rerun.finished if rerun is not None else 0
    started = time.perf_counter()
    while True:
        if time.perf_counter() - started > timeout:
            raise TimeoutError("the page did not settle")
        if rerun is None or rerun.finished > runs:
            first, active, now = page.evaluate(_STATE)
            if now - active >= _QUIET_S * 1000:
                return float(active - first) / 1000
        page.wait_for_timeout(200)


def _kind(payload: bytes | str) -> str:
    """What a message from the server is: the element it draws, or its type."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    msg = ForwardMsg()
    try:
        msg.ParseFromString(payload if isinstance(payload, bytes) else payload.encode())
    except Exception:  # not a ForwardMsg (the protocol may change): counted apart
        return "unparsed"
    kind = str(msg.WhichOneof("type"))
    if kind == "delta":
        delta = msg.delta
        kind = str(delta.WhichOneof("type"))
        if kind == "new_element":
            kind = str(delta.new_element.WhichOneof("type"))
            if kind == "component_instance":
                kind += " " + delta.new_element.component_instance.component_name
    return kind


class _Socket:
    """Bytes the page receives over the websocket, in total and by kind of message."""

    def __init__(self, page: Any) -> None:
        self.total = 0
        self.kinds: dict[str, int] = {}
        self.http = 0  # response bodies over HTTP, as sent
        self.finished = 0  # script runs the server reported finished
        page.on("websocket", lambda ws: ws.on("framereceived", self._frame))
        page.on("requestfinished", self._request)

    def _request(self, request: Any) -> None:
        try:
            self.http += int(request.sizes()["responseBodySize"])
        except Exception:  # a request the page dropped meanwhile
            return

    def _frame(self, payload: bytes | str) -> None:
        size = len(payload)
        self.total += size
        kind = _kind(payload)
        self.kinds[kind] = self.kinds.get(kind, 0) + size
        self.finished += kind == "script_finished"


def _visit(browser: Any, url: str, poll: bool = False) -> tuple[Any, Any, float, _Socket]:
    """A new session: its context, page, seconds until settled and what the websocket received."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    if not poll:
        context.add_init_script(_WATCH)
    page = context.new_page()
    host = url.split("//", 1)[1]
    page.route("**/*", lambda r: r.continue_() if host in r.request.url else r.abort())
    received = _Socket(page)
    started = time.perf_counter()
    page.goto(url, timeout=600_000)
    seconds = _settled(page, started) if poll else _settled_in_page(page)
    return context, page, seconds, received


# A word for "search another word", one per round: a view the server has not computed
# yet in any round (places of the synthetic events).
_OTHER_WORDS = ("Jarinje", "Banjska", "Raška", "Brnjak", "Merdare", "Rudare", "Končulj", "Kuršumlija")


def _changes(page: Any, round_no: int = 0) -> list[tuple[str, Any]]:
    incidents = LAYER_TITLES["incident"]
    sidebar = page.get_by_test_id("stSidebarUserContent")
    search = page.get_by_label("Search titles, summaries and sources")

    def window(name: str) -> None:
        page.get_by_label("Time window").click()
        page.get_by_role("option", name=name).click()

    def type_search(text: str) -> None:
        search.fill(text)
        search.press("Enter")

    return [
        ("untick incidents", lambda: sidebar.get_by_text(incidents, exact=True).click()),
        ("tick incidents", lambda: sidebar.get_by_text(incidents, exact=True).click()),
        ("search a word", lambda: type_search("Riot")),
        ("clear the search", lambda: type_search("")),
        ("search another word", lambda: type_search(_OTHER_WORDS[round_no % len(_OTHER_WORDS)])),
        ("clear it again", lambda: type_search("")),
        ("last 30 days", lambda: window("Last 30 days of data")),
        ("all dates", lambda: window("All dates")),
    ]


def _part(frame: dict[str, Any]) -> str:
    """The part of the page a profiled call frame belongs to."""
    url, name = str(frame["url"]), str(frame["functionName"])
    if name in ("(idle)", "(program)", "(garbage collector)"):
        return name
    if "/maps/" in url or "/vendor/" in url:
        return "map"
    if "vega" in url or "/embed." in url:
        return "vega"
    return "streamlit" if url else "native calls"


def _main_thread(profile: dict[str, Any], seconds: float) -> dict[str, float]:
    """Milliseconds of the main thread by part over the first ``seconds`` of a CPU profile."""
    nodes = {node["id"]: node["callFrame"] for node in profile["nodes"]}
    parts: dict[str, float] = {}
    elapsed = 0.0
    for sample, delta in zip(profile["samples"], profile["timeDeltas"], strict=False):
        elapsed += delta / 1e6
        if elapsed > seconds:
            break
        part = _part(nodes[sample])
        parts[part] = parts.get(part, 0.0) + delta / 1e3
    return parts


def run(
    n: int, repeat: int, work: Path, profile: bool = False, warm: bool = False, poll: bool = False
) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    store = write_store(work, n)
    if warm:  # validated here first: the server starts on snapshots, as after a restart
        read_store(store)
    process, url = _start(store)
    result: dict[str, Any] = {
        "n": n,
        "first": [],
        "bytes": [],
        "http": [],
        "kinds": [],
        "changes": {},
        "change_bytes": {},
        "profiles": {},
    }
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            context, _, result["cold"], _ = _visit(browser, url, poll)
            context.close()
            for round_no in range(repeat):
                context, page, seconds, sent = _visit(browser, url, poll)
                cdp = context.new_cdp_session(page) if profile else None
                if cdp is not None:
                    cdp.send("Profiler.enable")
                    cdp.send("Profiler.setSamplingInterval", {"interval": 200})
                result["first"].append(seconds)
                result["bytes"].append(sent.total)
                result["http"].append(sent.http)
                result["kinds"].append(dict(sent.kinds))
                for name, change in _changes(page, round_no):
                    before = sent.total
                    if cdp is not None:
                        cdp.send("Profiler.start")
                    started = time.perf_counter()
                    change()
                    if poll:
                        settled = _settled(page, started, rerun=sent)
                    else:
                        settled = _settled_in_page(page, rerun=sent)
                    result["changes"].setdefault(name, []).append(settled)
                    if cdp is not None:
                        parts = _main_thread(cdp.send("Profiler.stop")["profile"], settled)
                        result["profiles"].setdefault(name, []).append(parts)
                    result["change_bytes"].setdefault(name, []).append(sent.total - before)
                context.close()
            browser.close()
        result["rss"], result["peak"] = _memory(process.pid)
    finally:
        process.terminate()
        process.wait(timeout=30)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="the main thread by part in each change")
    parser.add_argument(
        "--warm", action="store_true", help="validate the store before the server starts (it reads snapshots)"
    )
    parser.add_argument(
        "--poll",
        action="store_true",
        help="see the page settle by asking it every 50 ms, timed from before each action (as before)",
    )
    args = parser.parse_args(argv)
    sync_static()
    how = "asked every 50 ms (--poll)" if args.poll else "noted by the page, from its last input"
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"load average at start: {load} (2 cores); settled: {how}")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.events:
            r = run(n, args.repeat, Path(tmp), args.profile, args.warm, args.poll)
            all_changes = [t for times in r["changes"].values() for t in times]
            row = {
                "n": n,
                "cold": r["cold"],
                "first": statistics.median(r["first"]),
                "bytes": statistics.median(r["bytes"]) / 1e6,
                "change": statistics.median(all_changes),
                "slowest": max(statistics.median(t) for t in r["changes"].values()),
                "rss": r["rss"],
                "peak": r["peak"],
            }
            rows.append(row)
            print(
                f"{n:,} events: cold page {r['cold']:.1f} s; first page (warm) {row['first']:.2f} s "
                f"(runs {', '.join(f'{t:.2f}' for t in r['first'])}); websocket {row['bytes']:.1f} MB"
            )
            print(f"  first page over HTTP from the app: {statistics.median(r['http']) / 1e6:.2f} MB")
            kinds = r["kinds"][-1]
            print(
                "  first page by message:",
                ", ".join(
                    f"{kind} {size / 1e6:.2f} MB"
                    for kind, size in sorted(kinds.items(), key=lambda kv: -kv[1])[:6]
                ),
            )
            for name, times in r["changes"].items():
                runs = ", ".join(f"{t:.2f}" for t in times)
                sent_mb = statistics.median(r["change_bytes"][name]) / 1e6
                print(f"  {name:<17} {statistics.median(times):.2f} s  (runs: {runs}; {sent_mb:.2f} MB sent)")
                for parts in r["profiles"].get(name, []):
                    ranked = sorted(parts.items(), key=lambda kv: -kv[1])
                    print("    main thread, ms:", ", ".join(f"{part} {ms:.0f}" for part, ms in ranked))
            print(f"  server RSS {row['rss']:.0f} MB, peak {row['peak']:.0f} MB", flush=True)
    print("load average at the end:", ", ".join(f"{v:.1f}" for v in os.getloadavg()))
    print()
    print(
        "| events | cold page | first page (warm) | filter change, median | slowest change "
        "| websocket, first page | server RSS (peak) |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        print(
            f"| {row['n']:,} | {row['cold']:.1f} s | {row['first']:.2f} s | {row['change']:.2f} s | "
            f"{row['slowest']:.2f} s | {row['bytes']:.1f} MB | {row['rss']:.0f} MB ({row['peak']:.0f} MB) |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
