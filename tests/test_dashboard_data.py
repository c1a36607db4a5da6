"""The dashboard's data layer under AppTest: one shared copy of the store per version,
views as index selections, one map per store version narrowed to each view, the table sent
in pages."""

from __future__ import annotations

import copy
import gc
import threading
import weakref
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import dashboard.data
import dashboard.mapview
from dashboard.data import TABLE_PAGE_ROWS
from layers.filters import Filters, filter_events, search_text
from layers.paths import ROOT
from layers.store import read_store
from tests.factories import collection, make_feature, write_json

APP = str(ROOT / "dashboard" / "app.py")
TIMEOUT = 60


def _store(directory: Path, n: int) -> Path:
    days = [f"2023-{1 + i % 12:02d}-{1 + i % 28:02d}" for i in range(n)]
    features = [make_feature(f"ev-{i:04d}", start=day, title=f"Event {i}") for i, day in enumerate(days)]
    write_json(directory / "events.geojson", collection(*features))
    return directory


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Calls of read_store, build_view_map and view_literal made by the dashboard (caches emptied first)."""
    st.cache_resource.clear()
    st.cache_data.clear()
    calls = {"read_store": 0, "build_view_map": 0, "view_literal": 0}

    def counting(name: str, function: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            calls[name] += 1
            return function(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(dashboard.data, "read_store", counting("read_store", dashboard.data.read_store))
    for name in ("build_view_map", "view_literal"):
        monkeypatch.setattr(dashboard.mapview, name, counting(name, getattr(dashboard.mapview, name)))
    return calls


def _run(at: AppTest) -> AppTest:
    at.run()
    assert not at.exception, at.exception
    return at


def test_the_store_is_read_once_per_version_and_shared_by_sessions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, counted: dict[str, int]
) -> None:
    store = _store(tmp_path / "store", 30)
    monkeypatch.setenv("BORDERMON_STORE", str(store))
    first = _run(AppTest.from_file(APP, default_timeout=TIMEOUT))
    first.text_input(key="q").set_value("Event 1")
    _run(first)
    _run(AppTest.from_file(APP, default_timeout=TIMEOUT))  # a second session
    assert counted["read_store"] == 1
    # Shared, not copied: every caller gets the very same frame (no unpickling per rerun).
    version = dashboard.data.store_version()
    assert dashboard.data._load(*version) is dashboard.data._load(*version)
    _store(tmp_path / "store", 31)  # a new version of the store
    again = _run(AppTest.from_file(APP, default_timeout=TIMEOUT))
    assert counted["read_store"] == 2
    assert any("**31**" in m.value for m in again.markdown)


def test_the_map_is_built_once_and_each_view_shown_in_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, counted: dict[str, int]
) -> None:
    monkeypatch.setenv("BORDERMON_STORE", str(_store(tmp_path / "store", 12)))
    at = _run(AppTest.from_file(APP, default_timeout=TIMEOUT))
    assert counted == {"read_store": 1, "build_view_map": 1, "view_literal": 1}
    _run(at)  # a rerun that changes nothing of the view (as a click on the map does)
    assert counted == {"read_store": 1, "build_view_map": 1, "view_literal": 1}
    at.text_input(key="q").set_value("Event 1")
    _run(at)  # another view: shown in the same map, which is not built again
    assert counted == {"read_store": 1, "build_view_map": 1, "view_literal": 2}
    at.text_input(key="q").set_value("")
    _run(at)  # back to a view seen before: nothing computed again
    assert counted == {"read_store": 1, "build_view_map": 1, "view_literal": 2}


def test_the_text_searched_is_built_once_per_version_ahead_of_the_first_search(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, counted: dict[str, int]
) -> None:
    store = _store(tmp_path / "store", 30)
    monkeypatch.setenv("BORDERMON_STORE", str(store))
    started, built = threading.Event(), []
    let_go = threading.Event()

    def building(events: Any) -> Any:
        started.set()
        let_go.wait(TIMEOUT)  # held until the test lets it go
        built.append(len(events))
        return search_text(events)

    monkeypatch.setattr(dashboard.data, "search_text", building)
    monkeypatch.setattr(dashboard.data, "SEARCH_AHEAD_DELAY_S", 0.0)  # 10 s after the page, in use
    at = _run(AppTest.from_file(APP, default_timeout=TIMEOUT))
    # The page is out, and the text a search looks in is being built beside it, not in it.
    assert started.wait(TIMEOUT) and built == []
    # A search meanwhile waits for that build: it is not built a second time.
    timer = threading.Timer(0.5, let_go.set)
    timer.start()
    at.text_input(key="q").set_value("Event 1")
    _run(at)
    timer.join()
    assert built == [30]
    for word in ("Event 2", "event 29"):
        at.text_input(key="q").set_value(word)
        _run(at)
    other = AppTest.from_file(APP, default_timeout=TIMEOUT)
    other.query_params["q"] = "Event 7"
    _run(other)  # another session, another word
    assert built == [30]
    events = read_store(store).events
    for word in ("Event 1", "Event 2", "event 29", "Event 7"):
        held = dashboard.data._view_index(*dashboard.data.store_version(), Filters(text=word))
        assert list(held) == list(filter_events(events, Filters(text=word)).index), word
        assert 0 < len(held) < 30, word  # a narrower view, not the whole store


def test_the_text_built_ahead_in_pieces_is_the_text_built_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events = read_store(_store(tmp_path / "store", 30)).events
    pieces: list[int] = []

    def building(part: Any) -> Any:
        pieces.append(len(part))
        return search_text(part)

    monkeypatch.setattr(dashboard.data, "search_text", building)
    monkeypatch.setattr(dashboard.data, "SEARCH_AHEAD_PIECE", 7)
    ahead = dashboard.data._SearchText(events)
    ahead.build_ahead()
    assert pieces == [7, 7, 7, 7, 2]  # the interpreter free between them
    pd.testing.assert_series_equal(ahead.get(), search_text(events))
    assert pieces == [7, 7, 7, 7, 2]  # a search finds it built
    empty = dashboard.data._SearchText(events.iloc[:0])
    empty.build_ahead()
    assert empty.get().empty


def test_the_events_table_is_sent_a_page_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, counted: dict[str, int]
) -> None:
    n = 2 * TABLE_PAGE_ROWS + 50
    monkeypatch.setenv("BORDERMON_STORE", str(_store(tmp_path / "store", n)))
    at = _run(AppTest.from_file(APP, default_timeout=TIMEOUT))
    first_page = list(at.dataframe[0].value["id"])
    assert len(first_page) == TABLE_PAGE_ROWS
    pager = at.number_input(key="table_page")
    assert pager.max == 3
    pager.set_value(3)
    _run(at)
    last_page = list(at.dataframe[0].value["id"])
    assert len(last_page) == 50
    assert not set(first_page) & set(last_page)
    # Pages follow the table's time order across the whole view, not within a page only.
    starts = dashboard.data.load_store().events.set_index("id")["start"]
    assert starts.loc[first_page].max() <= starts.loc[last_page].min()
    assert any(f"of {n:,}" in c.value for c in at.caption)


def test_the_store_s_equal_nested_values_are_shared_and_unchanged(tmp_path: Path) -> None:
    from layers.store import read_store

    features = [
        make_feature(f"ev-{i}", actors=["Kosovo Police", f"Unit {i % 2}"], tags=["riot"] if i == 3 else [])
        for i in range(6)
    ]
    write_json(tmp_path / "events.geojson", collection(*features))
    events = read_store(tmp_path, cache=None).events
    before = events.copy()
    before[["actors", "sources", "tags", "title_i18n"]] = before[
        ["actors", "sources", "tags", "title_i18n"]
    ].map(copy.deepcopy)
    dashboard.data.share_equal_values(events)
    for name in ("actors", "sources", "tags", "disputes", "title_i18n", "external_ids", "extensions"):
        assert events[name].tolist() == before[name].tolist(), name
    actors, sources, tags = events["actors"], events["sources"], events["tags"]
    assert actors.iloc[0][0] is actors.iloc[5][0] and actors.iloc[0][1] is actors.iloc[2][1]
    assert sources.iloc[0][0]["publisher"] is sources.iloc[4][0]["publisher"]
    assert tags.iloc[0] is tags.iloc[1] and tags.iloc[3] == ["riot"]
    assert events["title_i18n"].iloc[0] is events["title_i18n"].iloc[5] == {}


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def test_the_resident_store_is_kept_out_of_the_collector_s_walks(tmp_path: Path) -> None:
    """Streamlit collects fully after every script run: the store, read once per version,
    is frozen so that collection does not walk it; a cycle frozen with one version is
    collected when the next version is read."""
    st.cache_resource.clear()
    left = _Cycle()
    gone = weakref.ref(left)
    try:
        store = _store(tmp_path / "store", 5)
        events = dashboard.data._load(str(store), dashboard.data.store_stamp(store)).events
        sources = events["sources"].iloc[0]
        assert gc.is_tracked(sources)
        assert gc.get_freeze_count() > 0
        assert not any(item is sources for item in gc.get_objects())  # not walked by a collection
        del left
        gc.collect()
        assert gone() is not None  # frozen with the first version: not collected meanwhile
        store = _store(tmp_path / "store", 6)  # the next version
        dashboard.data._load(str(store), dashboard.data.store_stamp(store))
        assert gone() is None  # the next version's read collected it
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        st.cache_resource.clear()
