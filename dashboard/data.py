"""Loading, cached at the I/O boundary: one read-only copy of the store per version.

The store is read once per server process and version (its files' names, sizes and
modification times) and held with ``st.cache_resource``: a rerun neither re-reads it nor
copies it (``st.cache_data`` would unpickle the whole frame, 100k events, on every
rerun, for every session). What these functions return is shared between sessions:
callers read it and never modify it in place. A view is an index selection of that
copy, computed once per view and version; the events table is sent a page at a time.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import threading
import time
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import altair as alt
import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import streamlit as st

from dashboard.charts import WeeklyCharts, weekly_charts
from dashboard.lang import tr
from dashboard.text import md
from dashboard.timeline import timeline_chart
from layers.filters import Filters, filter_events, search_text
from layers.measures import measure_events
from layers.paths import STORE_ENV, default_store
from layers.stats import Stats, compute_stats
from layers.store import EventStore, collection_files, read_store
from layers.tables import KeyFigures, csv_bytes, events_table, geojson_bytes, key_figures
from layers.timeseries import dated_events
from layers.views import Choices, View, choices_of

#: Rows of the events table sent to the browser at a time (the full view is one download away).
TABLE_PAGE_ROWS = 200

_Stamp = tuple[tuple[str, int, int], ...]


def store_stamp(path: Path) -> _Stamp:
    """Name, size and modification time of every collection file: changes when the store does."""
    try:
        files = collection_files(path)
    except FileNotFoundError:
        return ()
    stamps = []
    for file in files:
        stat = file.stat()
        stamps.append((str(file), stat.st_size, stat.st_mtime_ns))
    return tuple(stamps)


# Spinners are drawn by the callers, in the reader's language (a decorator's text is fixed).
@st.cache_resource(show_spinner=False, max_entries=2)
def _load(path: str, stamp: _Stamp) -> EventStore:
    hand_back_large_blocks()
    store = read_store(Path(path))
    share_equal_values(store.events)  # not yet shared: no session holds it
    gc.unfreeze()  # what the last version froze is looked at once more (see below)
    release_memory()  # reading 100k events leaves ~100 MB of parsed JSON and Arrow buffers freed
    # Streamlit collects every generation after each script run (``runner.postScriptGC``,
    # against memory building up). With 100k events resident that walk took 0.2-0.3 s and
    # held the interpreter's lock, so a rerun's last elements and its end reached the
    # browser that much later. Everything alive now (the store, the modules, the sessions
    # of the moment) is moved out of the collector's sight until the next version: frozen
    # objects are still freed when nothing refers to them; cycles among them (a store
    # dropped leaves none) wait for the collection just above, at the next version.
    gc.freeze()
    return store


_EMPTY_LIST: list[Any] = []
_EMPTY_DICT: dict[str, Any] = {}


def share_equal_values(events: pd.DataFrame) -> None:
    """Make equal texts and empty lists and mappings of the nested columns one object each.

    Decoding JSON makes a new ``str`` for every text and a new container for every empty
    list or mapping: at 100k events the sources' publishers, languages and dates, the
    actors' names and the mostly empty tags, disputes, translations and identifiers are
    some 65 MB of copies of the same few values. Equal values stay equal (a ``str``
    cannot change; the store is read only, so a shared empty list is never added to).
    Changes the frame in place: call it before the frame is shared.
    """
    texts: dict[str, str] = {}

    def shared(value: Any) -> Any:
        if type(value) is str:
            return texts.setdefault(value, value)
        if type(value) is dict:
            if not value:
                return _EMPTY_DICT
            for key, item in value.items():
                value[key] = shared(item)
        elif type(value) is list:
            if not value:
                return _EMPTY_LIST
            value[:] = [shared(item) for item in value]
        return value

    for name in events.columns:
        if name != "geometry" and events[name].dtype == object:
            # fromiter: a list value stays one value, never spread into the array.
            values = np.fromiter(
                (shared(v) for v in events[name].to_numpy()), dtype=object, count=len(events)
            )
            events[name] = values


def release_memory() -> None:
    """Give memory freed by a large build back to the system.

    The C allocator keeps freed memory for reuse rather than returning it: after the
    store is read or a map of 100k events is built, the server would hold on to the
    peak for good. ``malloc_trim`` (glibc) returns it; elsewhere this only collects.
    Arrow's own pool, where it has one, is asked to return what it keeps too.
    """
    gc.collect()
    pa.default_memory_pool().release_unused()
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to trim
        ctypes.CDLL("libc.so.6").malloc_trim(0)


#: glibc's ``mallopt`` setting of the size from which a block is mapped on its own.
_M_MMAP_THRESHOLD = -3
#: Blocks of a megabyte or more (a map's script, a column of 100k values being built) are
#: mapped on their own and returned to the system as soon as they are freed.
_LARGE_BLOCK = 1 << 20


def hand_back_large_blocks() -> None:
    """Return large blocks to the system when they are freed, not at the next trim.

    Left to itself glibc raises the size from which it maps a block each time it frees
    such a block (up to 32 MB), so the copies of a 13 MB map script made while the map
    of 100k events is built, and Arrow's buffers while the store is read, pile up in
    the heap, and the server's peak grew by them (at 100k events about 80 MB, measured
    with the map's build). For the same reason Arrow allocates through the C allocator,
    not through its own pool (mimalloc), which kept ~70 MB after the store was read.
    Process-wide, idempotent; where glibc is not the C library only Arrow's pool changes.
    """
    if pa.default_memory_pool().backend_name != "system":
        pa.set_memory_pool(pa.system_memory_pool())
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to set
        ctypes.CDLL("libc.so.6").mallopt(_M_MMAP_THRESHOLD, _LARGE_BLOCK)


def _configured() -> tuple[str, _Stamp]:
    path = default_store()
    if not path.exists():
        st.error(  # the store's name only: a visitor is never shown the server's paths
            tr()
            .gettext(
                "No event store at the configured place ({name}). Set `{setting}` to a directory of "
                ".geojson collections or to one file, or unset it to show the shipped store."
            )
            .format(name=md(path.name), setting=STORE_ENV),
            icon=":material/error:",
        )
        st.stop()
    return str(path), store_stamp(path)


def load_store() -> EventStore:
    """The configured store, re-read only when one of its files has changed.

    The same object is shared by every session and rerun until then: read it, never
    modify it. A store that does not exist stops the page with a message saying how to
    point the app at one; it never reaches the reader as an exception.
    """
    with st.spinner(tr().gettext("Reading the event store…")):
        return _load(*_configured())


def store_version() -> tuple[str, _Stamp]:
    """The configured store and its version: a key for anything derived from it."""
    return _configured()


@dataclass(frozen=True)
class StoreChoices(Choices):
    """What the sidebar offers for a store: the values its filters list, and its dated span."""

    first_day: date
    last_day: date


@st.cache_resource(show_spinner=False, max_entries=2)
def _choices(path: str, stamp: _Stamp) -> StoreChoices:
    events = _load(path, stamp).events
    if events.empty:
        today = date.today()
        return StoreChoices((), (), (), (), first_day=today, last_day=today)
    dated = dated_events(events)  # an open start (a camp present before the record) sets no range
    found = choices_of(events)
    return StoreChoices(
        found.categories,
        found.actors,
        found.publishers,
        found.languages,
        first_day=pd.Timestamp(dated["start"].min()).date(),
        last_day=pd.Timestamp(dated["start"].max()).date(),
    )


def store_choices() -> StoreChoices:
    """The sidebar's choices for the configured store, computed once per store version.

    Listing every cited publisher means reading every source of every event: at 100k
    events that is most of a second, which a rerun must not pay again.
    """
    return _choices(*_configured())


#: Seconds after a page is out before the text searched is built (see prepare_search).
SEARCH_AHEAD_DELAY_S = 3.0
#: Events per piece of the text built ahead: each piece holds the interpreter ~10 ms.
SEARCH_AHEAD_PIECE = 4000


class _SearchText:
    """The text a search looks in for one store version: built once, by whoever asks first."""

    def __init__(self, events: gpd.GeoDataFrame) -> None:
        self._events = events
        self._lock = threading.Lock()
        self._text: pd.Series | None = None
        self.scheduled = False

    def get(self) -> pd.Series:
        with self._lock:  # a search while it is being built waits for it
            if self._text is None:
                self._text = search_text(self._events)
            return self._text

    def build_ahead(self) -> None:
        """Build the text beside the server's work: in pieces, the interpreter free between them.

        Built in one go (0.5 s at 100k events, most of it in calls that hold the
        interpreter throughout), it held up the server sending a new session its page and
        the map's script. A search meanwhile waits for this build.
        """
        with self._lock:
            if self._text is not None:
                return
            events, pieces = self._events, []
            for start in range(0, len(events), SEARCH_AHEAD_PIECE) or [0]:
                pieces.append(search_text(events.iloc[start : start + SEARCH_AHEAD_PIECE]))
                time.sleep(0.002)  # the other threads' turn
            self._text = pd.concat(pieces) if len(pieces) > 1 else pieces[0]


@st.cache_resource(show_spinner=False, max_entries=2)
def _search_holder(path: str, stamp: _Stamp) -> _SearchText:
    return _SearchText(_load(path, stamp).events)


def _search_text(path: str, stamp: _Stamp) -> pd.Series:
    # Built once per store version (0.5-1 s at 100k events), then shared: a new word costs
    # its pattern's scan only.
    return _search_holder(path, stamp).get()


def prepare_search() -> None:
    """Have the text a search looks in built for this store version a little later, once.

    The first search of a new server or store version was the slowest filter change
    (1.4 s at 100k events, against 0.3-0.5 s for the next words). Called at the end of a
    page: the text is built in a thread of its own SEARCH_AHEAD_DELAY_S later, in pieces
    (see _SearchText.build_ahead; built at once, it held the interpreter while the server
    sent the page and the map's script, and a new server's first page took seconds
    longer). A search before then builds it itself.
    """
    holder = _search_holder(*_configured())
    if not holder.scheduled:
        holder.scheduled = True
        timer = threading.Timer(SEARCH_AHEAD_DELAY_S, holder.build_ahead)
        timer.daemon = True
        _AHEAD.append(timer)
        timer.start()


#: The builds prepare_search has started or scheduled (see end_search_ahead).
_AHEAD: list[threading.Timer] = []


def end_search_ahead(timeout: float = 30.0) -> None:
    """Cancel the builds of the text searched not yet begun, and wait for those under way.

    For tests: a build scheduled by one test must not run in the next, against its store
    or its stand-ins.
    """
    while _AHEAD:
        timer = _AHEAD.pop()
        timer.cancel()
        timer.join(timeout)


@st.cache_resource(show_spinner=False, max_entries=32)
def _view_index(path: str, stamp: _Stamp, filters: Filters) -> pd.Index:
    events = _load(path, stamp).events
    searched = _search_text(path, stamp) if filters.text.strip() else None
    return filter_events(events, filters, searched=searched).index


def load_view(filters: Filters) -> gpd.GeoDataFrame:
    """The events of a view (as :func:`layers.filters.filter_events` selects them).

    The selection is computed once per view and store version and kept as an index;
    each call takes those rows of the shared store. A view of every event is the
    shared store itself, not a copy of it (read it, never modify it).
    """
    return _view(*_configured(), filters)


def _view(path: str, stamp: _Stamp, filters: Filters) -> gpd.GeoDataFrame:
    events = _load(path, stamp).events
    index = _view_index(path, stamp, filters)
    if len(index) == len(events) and index.equals(events.index):
        return events
    return events.loc[index]


@st.cache_resource(show_spinner=False, max_entries=32)
def _figures(path: str, stamp: _Stamp, filters: Filters) -> KeyFigures:
    return key_figures(_view(path, stamp, filters), len(_load(path, stamp).events), filters.as_of)


def view_figures(filters: Filters) -> KeyFigures:
    """The key figures of a view (:func:`layers.tables.key_figures`), once per view and version."""
    return _figures(*_configured(), filters)


@st.cache_resource(show_spinner=False, max_entries=32)
def _weekly(path: str, stamp: _Stamp, filters: Filters, lang: str) -> WeeklyCharts | None:
    # The charts' words are in the page's language (``lang``, part of the key).
    return weekly_charts(_view(path, stamp, filters), View(filters=filters))


def view_weekly_charts(filters: Filters) -> WeeklyCharts | None:
    """The weekly charts of a view (:func:`dashboard.charts.weekly_charts`), once per view,
    store version and language.

    They hold the view's weekly counts, not its events: the browser receives a few
    hundred rows, and a rerun that keeps the view rebuilds nothing.
    """
    return _weekly(*_configured(), filters, tr().language)


@st.cache_resource(show_spinner=False, max_entries=16)
def _timeline(path: str, stamp: _Stamp, view: View, lang: str) -> alt.Chart | None:
    # The chart's words are in the page's language (``lang``, part of the key).
    return timeline_chart(_view(path, stamp, view.filters), view)


def view_timeline_chart(view: View) -> alt.Chart | None:
    """The timeline of a view (:func:`dashboard.timeline.timeline_chart` of its events), once per
    view, store version and language; the event selected plays no part in it."""
    return _timeline(*_configured(), replace(view, selected=None, notices=()), tr().language)


@st.cache_resource(show_spinner=False, max_entries=4)
def _stats(path: str, stamp: _Stamp, filters: Filters) -> Stats:
    events = _view(path, stamp, filters)
    return compute_stats(events, start=filters.start, end=filters.end)


def load_stats(filters: Filters) -> Stats:
    """Measures and weekly series of a view, computed once per view and store version.

    Shared like the store (``st.cache_resource``): a rerun does not unpickle a copy of
    the view's events and measures. Read it, never modify it.
    """
    with st.spinner(tr().gettext("Measuring…")):
        return _stats(*_configured(), filters)


@st.cache_resource(show_spinner=False, max_entries=2)
def _measures(path: str, stamp: _Stamp) -> pd.DataFrame:
    return measure_events(_load(path, stamp).events)


def load_measures() -> pd.DataFrame:
    """Per-event measures of the whole store (indexed like its events); shared, read only."""
    with st.spinner(tr().gettext("Measuring…")):
        return _measures(*_configured())


@st.cache_resource(show_spinner=False, max_entries=32)
def _table_order(path: str, stamp: _Stamp, filters: Filters) -> pd.Index:
    """The view's rows in the table's order (time, then id), for paging."""
    shown = _view(path, stamp, filters)
    order = np.lexsort((shown["id"].to_numpy(dtype=str), shown["start"].to_numpy()))
    return shown.index[order]


@st.cache_resource(show_spinner=False, max_entries=32)
def _table_page(path: str, stamp: _Stamp, filters: Filters, page: int, rows: int, lang: str) -> pd.DataFrame:
    index = _table_order(path, stamp, filters)[page * rows : (page + 1) * rows]
    return events_table(_load(path, stamp).events.loc[index], lang=lang, labels=True)


def events_page(
    filters: Filters, page: int = 0, rows: int = TABLE_PAGE_ROWS, *, lang: str = "en"
) -> tuple[pd.DataFrame, int]:
    """One page of the events table of a view, and how many events the view has.

    Only the page's rows are built and sent to the browser: a rerun does not ship the
    whole store. Pages count from 0; a page past the end is empty. The readable columns
    are in the language ``lang``.
    """
    path, stamp = _configured()
    total = len(_view_index(path, stamp, filters))
    return _table_page(path, stamp, filters, max(0, page), rows, lang), total


def _shown(filters: Filters) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    shown = load_view(filters)
    return shown, load_measures().loc[shown.index]


def geojson_download(filters: Filters) -> bytes:
    """GeoJSON of exactly the events of a view, with their measures (built when asked for)."""
    shown, measures = _shown(filters)
    return geojson_bytes(shown, measures=measures)


def csv_download(filters: Filters) -> bytes:
    """CSV of exactly the events of a view, with their measures (built when asked for)."""
    shown, measures = _shown(filters)
    return csv_bytes(events_table(shown, measures=measures))
