"""``bordermon sources``: citations by kind and language, flags, freshness, and the link check."""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from layers.publishers import PUBLISHERS_ENV, Register, default_register
from layers.record_state import describe_freshness
from layers.sources import check_links, event_flags, source_table, sources_report
from layers.store import read_store
from tests.factories import SOURCE, collection, make_feature, write_json

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def register(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Register:
    """The shipped register plus four fictional publishers, used by validation too."""
    path = tmp_path / "publishers.csv"
    path.write_text(
        "domain,name,kind,country,language\n"
        "agg.example,Copy Site,aggregator,,en\n"
        "example.net,Example Ministry,government,XK,en\n"
        "example.org,Example Wire,wire,XK,en\n"
        "paper.example,Example Daily,newspaper,RS,sr\n",
        encoding="utf-8",
    )
    monkeypatch.setenv(PUBLISHERS_ENV, str(path))
    return default_register()


def _source(url: str, **fields: str) -> dict[str, str]:
    return {**SOURCE, "url": url, **fields}


@pytest.fixture
def events(tmp_path: Path, register: Register):
    features = [
        make_feature("single"),
        make_feature(
            "copies",
            sources=[
                _source("https://agg.example/a", publisher="Copy Site"),
                _source("https://agg.example/b", publisher="Copy Site", language="sr"),
            ],
        ),
        make_feature(
            "rebuilt-title",
            sources=[
                _source("https://example.org/news/three-officers-detained", title="three officers detained"),
                _source(
                    "https://paper.example/x", publisher="Example Daily", language="sr", title="Uhapšena tri"
                ),
            ],
        ),
        make_feature(
            "well-sourced",
            start="2023-10-02",
            confidence="confirmed",
            sources=[
                _source("https://example.net/statement"),
                _source("https://paper.example/y", language="sr"),
            ],
        ),
    ]
    return read_store(write_json(tmp_path / "s.geojson", collection(*features)), cache=None).events


def test_table_gives_each_citation_its_kind(events, register) -> None:
    table = source_table(events, register)
    assert list(table["id"]) == [
        "single",
        "copies",
        "copies",
        "rebuilt-title",
        "rebuilt-title",
        "well-sourced",
        "well-sourced",
    ]
    assert list(table["kind"]) == [
        "wire",
        "aggregator",
        "aggregator",
        "wire",
        "newspaper",
        "government",
        "newspaper",
    ]


def test_flags(events, register) -> None:
    flags = event_flags(events, source_table(events, register), register)
    assert flags.loc["single", "single_source"] and not flags.loc["copies", "single_source"]
    assert flags.loc["copies", "weak_sources_only"] and not flags.loc["single", "weak_sources_only"]
    assert flags.loc["rebuilt-title", "placeholder_title"] and not flags.loc["copies", "placeholder_title"]
    assert not flags["unsupported_confirmed"].any()  # the confirmed event has an official source


def test_report_totals_and_freshness(events, register) -> None:
    report = sources_report(events, today=date(2023, 10, 12), register=register)
    assert report["citations"] == 7
    assert report["by_kind"] == {"wire": 2, "newspaper": 2, "government": 1, "aggregator": 2}
    assert report["by_language"] == {"en": 4, "sr": 3}
    assert report["freshness"] == "data up to 2 Oct 2023 (10 days ago)"
    assert report["flagged"] == {
        "single_source": 1,
        "weak_sources_only": 1,
        "placeholder_title": 1,
        "unsupported_confirmed": 0,
    }


def test_freshness_wording() -> None:
    assert describe_freshness(date(2026, 11, 28), date(2026, 12, 2)) == "data up to 28 Nov 2026 (4 days ago)"
    assert describe_freshness(date(2026, 12, 2), date(2026, 12, 2)) == "data up to 2 Dec 2026 (today)"
    assert describe_freshness(None, date(2026, 12, 2)) == "no dated events"


class _Handler(http.server.BaseHTTPRequestHandler):
    def _answer(self) -> None:
        # As a proxy, the server is asked for absolute addresses: answer by their path.
        self.path = urllib.parse.urlsplit(self.path).path
        if self.path == "/ok":
            self.send_response(200)
        elif self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/ok")
        elif self.path == "/no-head" and self.command == "HEAD":
            self.send_response(405)
        elif self.path == "/no-head":
            self.send_response(200)
        elif self.path == "/slow":
            time.sleep(1.5)
            self.send_response(200)
        else:
            self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_HEAD = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_link_check_against_a_local_server(server: str) -> None:
    urls = [
        f"{server}/ok",
        f"{server}/gone",
        f"{server}/moved",
        f"{server}/no-head",
        f"{server}/slow",
        "ftp://x",
    ]
    results = {r.url: r for r in check_links([*urls, f"{server}/ok"], timeout=0.5, pause=0.0)}
    assert len(results) == len(urls)  # each address asked once
    assert results[f"{server}/ok"].status == 200 and not results[f"{server}/ok"].dead
    assert results[f"{server}/gone"].status == 404 and results[f"{server}/gone"].dead
    assert results[f"{server}/moved"].status == 200 and results[f"{server}/moved"].final_url == f"{server}/ok"
    assert results[f"{server}/no-head"].status == 200
    assert results[f"{server}/slow"].dead and results[f"{server}/slow"].status is None
    assert results["ftp://x"].dead


def test_link_check_is_polite_per_host() -> None:
    slept: list[float] = []
    now = [0.0]

    def ask(url: str, timeout: float):
        from layers.sources import LinkResult

        return LinkResult(url, 200, url)

    check_links(
        ["http://a.test/1", "http://a.test/2", "http://b.test/1"],
        pause=2.0,
        ask=ask,
        sleep=lambda s: (slept.append(s), now.__setitem__(0, now[0] + s)),
        clock=lambda: now[0],
    )
    assert slept == [2.0]  # the second request to a.test waits; b.test does not


def test_cli_json_and_dead_links(tmp_path: Path, server: str) -> None:
    store = write_json(
        tmp_path / "store" / "s.geojson",
        collection(
            make_feature(
                "e1",
                sources=[
                    {
                        **SOURCE,
                        "url": "http://example.org/gone",
                        "archived_url": "https://archive.example/gone",
                    },
                ],
            )
        ),
    )
    code = "import sys; from layers.cli import main; sys.exit(main(sys.argv[1:]))"
    # The cited page is asked through a proxy on this machine, as a user behind one would.
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("no_proxy", "http_proxy", "https_proxy")}
    env |= {"http_proxy": server, "BORDERMON_CACHE": str(tmp_path / "cache")}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            code,
            "sources",
            "--store",
            str(store.parent),
            "--json",
            "--check-links",
            "--pause",
            "0",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["events"] == 1 and report["flagged"]["single_source"] == 1
    [link] = report["links"]
    assert link["dead"] and link["status"] == 404 and link["archived_url"] == "https://archive.example/gone"
    text = subprocess.run(
        [
            sys.executable,
            "-c",
            code,
            "sources",
            "--store",
            str(store.parent),
            "--check-links",
            "--pause",
            "0",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
    ).stdout
    assert "links: 1 asked, 1 dead" in text and "archived: https://archive.example/gone" in text


def _table_row_by_row(events: Any, register: Register) -> Any:
    """The citation table as it was built before it rested on layers.filters: one row at a time."""
    import pandas as pd

    from layers.sources import _placeholder

    rows = []
    for event_id, sources in zip(events["id"], events["sources"], strict=True):
        for n, source in enumerate(sources):
            url = str(source.get("url", ""))
            found = register.lookup(url)
            title = str(source.get("title", ""))
            rows.append(
                {
                    "id": event_id,
                    "n": n,
                    "url": url,
                    "publisher": str(source.get("publisher", "")),
                    "register_name": found.name if found else None,
                    "kind": found.kind if found else "unregistered",
                    "language": str(source.get("language", "")),
                    "published": str(source.get("published", "")),
                    "title": title,
                    "archived_url": source.get("archived_url"),
                    "placeholder_title": _placeholder(title, url),
                }
            )
    columns = ["id", "n", "url", "publisher", "register_name", "kind", "language", "published", "title"]
    return pd.DataFrame(rows, columns=[*columns, "archived_url", "placeholder_title"])


def test_table_is_the_row_by_row_table_on_the_shipped_store_and_hostile_sources(events, register) -> None:
    import pandas as pd

    from layers.paths import SHIPPED_STORE

    shipped = read_store(SHIPPED_STORE).events
    odd = events.copy()
    odd.at[odd.index[0], "sources"] = [
        {
            **SOURCE,
            "url": "https://USER@Example.ORG.:8080/a?b#c",
            "archived_url": "https://web.archive.org/x",
        },
        {"url": " https://paper.example/z", "publisher": "P", "title": "untitled"},
        {**SOURCE, "url": "not a url", "language": None},
    ]
    for frame, used in ((shipped, default_register()), (events, register), (odd, register)):
        pd.testing.assert_frame_equal(source_table(frame, used), _table_row_by_row(frame, used))
        pd.testing.assert_frame_equal(
            source_table(frame.iloc[:0], used), _table_row_by_row(frame.iloc[:0], used)
        )
