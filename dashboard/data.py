"""Loading, cached at the I/O boundary: one read-only copy of the store per version.

The store is read once per server process and version (its files' names, sizes and
modification times) and held with ``st.cache_resource``: a rerun neither re-reads it nor
copies it (``st.cache_data`` would unpickle the whole frame, 100k events, on every
rerun, for every session). What these functions return is shared between sessions:
callers read it and never modify it in place. A view is an index selection of that
copy, computed once per view and version; the events table is sent a page at a time.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import streamlit as st

from dashboard.lang import tr
from dashboard.text import md
from layers.filters import Filters, filter_events
from layers.measures import measure_events
from layers.paths import STORE_ENV, default_store
from layers.stats import Stats, compute_stats
from layers.store import EventStore, collection_files, read_store
from layers.tables import csv_bytes, events_table, geojson_bytes

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
    return read_store(Path(path))


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


@st.cache_resource(show_spinner=False, max_entries=32)
def _view_index(path: str, stamp: _Stamp, filters: Filters) -> pd.Index:
    return filter_events(_load(path, stamp).events, filters).index


def load_view(filters: Filters) -> gpd.GeoDataFrame:
    """The events of a view (as :func:`layers.filters.filter_events` selects them).

    The selection is computed once per view and store version and kept as an index;
    each call takes those rows of the shared store.
    """
    path, stamp = _configured()
    events = _load(path, stamp).events
    return events.loc[_view_index(path, stamp, filters)]


@st.cache_data(show_spinner=False, max_entries=16)
def _stats(path: str, stamp: _Stamp, filters: Filters) -> Stats:
    events = filter_events(_load(path, stamp).events, filters)
    return compute_stats(events, start=filters.start, end=filters.end)


def load_stats(filters: Filters) -> Stats:
    """Measures and weekly series of a view, computed once per view and store version."""
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
    shown = _load(path, stamp).events.loc[_view_index(path, stamp, filters)]
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
