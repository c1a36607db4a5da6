"""Loading, cached at the I/O boundary: keyed on the store's path and modification times."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import streamlit as st

from dashboard.text import md
from layers.filters import Filters, filter_events
from layers.measures import measure_events
from layers.paths import STORE_ENV, default_store
from layers.stats import Stats, compute_stats
from layers.store import EventStore, collection_files, read_store
from layers.tables import csv_bytes, events_table, geojson_bytes


def store_stamp(path: Path) -> tuple[tuple[str, int, int], ...]:
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


@st.cache_data(show_spinner="Reading the event store…", max_entries=4)
def _load(path: str, stamp: tuple[tuple[str, int, int], ...]) -> EventStore:
    return read_store(Path(path))


def load_store() -> EventStore:
    """The configured store, re-read only when one of its files has changed.

    A store that does not exist stops the page with a message saying how to point the
    app at one; it never reaches the reader as an exception.
    """
    path = default_store()
    if not path.exists():
        st.error(  # the store's name only: a visitor is never shown the server's paths
            f"No event store at the configured place ({md(path.name)}). Set `{STORE_ENV}` to a "
            "directory of .geojson collections or to one file, or unset it to show the shipped store.",
            icon=":material/error:",
        )
        st.stop()
    return _load(str(path), store_stamp(path))


@st.cache_data(show_spinner="Measuring…", max_entries=16)
def _stats(path: str, stamp: tuple[tuple[str, int, int], ...], filters: Filters) -> Stats:
    events = filter_events(_load(path, stamp).events, filters)
    return compute_stats(events, start=filters.start, end=filters.end)


def load_stats(filters: Filters) -> Stats:
    """Measures and weekly series of a view, computed once per view and store version."""
    path = default_store()
    return _stats(str(path), store_stamp(path), filters)


@st.cache_data(show_spinner=False, max_entries=16)
def _measures(path: str, stamp: tuple[tuple[str, int, int], ...]) -> pd.DataFrame:
    return measure_events(_load(path, stamp).events)


def load_measures() -> pd.DataFrame:
    """Per-event measures of the whole store (indexed like its events)."""
    path = default_store()
    return _measures(str(path), store_stamp(path))


def _shown(filters: Filters) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    path = default_store()
    stamp = store_stamp(path)
    shown = filter_events(_load(str(path), stamp).events, filters)
    return shown, _measures(str(path), stamp).loc[shown.index]


def geojson_download(filters: Filters) -> bytes:
    """GeoJSON of exactly the events of a view, with their measures (built when asked for)."""
    shown, measures = _shown(filters)
    return geojson_bytes(shown, measures=measures)


def csv_download(filters: Filters) -> bytes:
    """CSV of exactly the events of a view, with their measures (built when asked for)."""
    shown, measures = _shown(filters)
    return csv_bytes(events_table(shown, measures=measures))
