"""The days each event covers on the time line: what the map's playback and timeline draw.

Two spans per event, as whole local calendar days (Europe/Belgrade), numbered from
1970-01-01 (day 0):

- the **recorded** span, ``first`` to ``last``: the day of its ``start`` to the day it
  stops counting under its layer's time rule (:data:`layers.vocabulary.LAYER_TIME_RULES`,
  through :func:`layers.filters.effective_end`); ``last`` is missing for what is ongoing.
  An event overlaps the days ``a`` to ``b`` exactly when :func:`layers.filters.filter_events`
  keeps it for the window ``start=a, end=b``: the map's timeline window filters by it.
- the **shown** span, which playback draws: the recorded span widened to the whole period
  its time precision names. A ``week`` is the seven days from the day recorded ("week of
  24 Sep"), a ``month`` its calendar month, a ``year`` its calendar year; ``hour`` and
  ``day`` are not widened. Widened events are drawn faded: their day is not known.

The map payload (:func:`layers.mapdata.encode_events`) carries these spans compactly;
:func:`shown_between` is the reference the map script's playback is tested against.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from layers.filters import effective_end
from layers.vocabulary import LAYER_TIME_RULES

__all__ = ["COARSE_PRECISIONS", "EPOCH", "day_number", "encode_days", "event_days", "shown_between"]

#: Day 0 of the day numbers.
EPOCH = date(1970, 1, 1)
#: Time precisions coarser than a day: their events are shown for the whole period, faded.
COARSE_PRECISIONS: tuple[str, ...] = ("week", "month", "year")


def day_number(day: date) -> int:
    """A calendar day as a day number (days since 1970-01-01)."""
    return (day - EPOCH).days


def _local_days(times: pd.Series) -> np.ndarray:
    """Day numbers of tz-aware times, by their local calendar day (missing → -2**62)."""
    local = pd.DatetimeIndex(times).tz_localize(None)
    days = local.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]").astype("int64")
    return np.where(local.isna(), np.iinfo("int64").min, days)


def _period_bounds(days: np.ndarray, precision: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First and last day of the period each day stands for under its time precision."""
    as_days = days.astype("datetime64[D]")
    months = as_days.astype("datetime64[M]")
    years = as_days.astype("datetime64[Y]")
    first = np.select(
        [precision == "month", precision == "year"],
        [months.astype("datetime64[D]").astype("int64"), years.astype("datetime64[D]").astype("int64")],
        days,
    )
    last = np.select(
        [precision == "week", precision == "month", precision == "year"],
        [
            days + 6,
            (months + 1).astype("datetime64[D]").astype("int64") - 1,
            (years + 1).astype("datetime64[D]").astype("int64") - 1,
        ],
        days,
    )
    return first, last


def event_days(events: gpd.GeoDataFrame) -> pd.DataFrame:
    """The recorded and shown spans of each event, as day numbers.

    Parameters
    ----------
    events : GeoDataFrame
        Events as read by :func:`layers.store.read_store`.

    Returns
    -------
    DataFrame
        Indexed like ``events``: ``first``, ``last`` (nullable ``Int64``; missing for
        ongoing presence), ``shown_first``, ``shown_last`` (missing when ongoing) and
        ``coarse`` (the time precision is coarser than a day: drawn faded).
    """
    if events.empty:
        empty = pd.array([], dtype="Int64")
        return pd.DataFrame(
            {"first": empty, "last": empty, "shown_first": empty, "shown_last": empty, "coarse": []},
            index=events.index,
        ).astype({"coarse": bool})
    ongoing_layers = [layer for layer, rule in LAYER_TIME_RULES.items() if rule.kind == "ongoing"]
    ongoing = (events["end"].isna() & events["layer"].isin(ongoing_layers)).to_numpy(dtype=bool)
    first = _local_days(events["start"])
    last = _local_days(effective_end(events))
    precision = events["time_precision"].astype(object).where(events["time_precision"].notna(), "day")
    precision = precision.to_numpy(dtype=object)
    period_first, _ = _period_bounds(first, precision)
    recorded_end = events["end"].notna().to_numpy(dtype=bool)
    _, period_last = _period_bounds(np.where(recorded_end, last, first), precision)
    shown_first = np.minimum(first, period_first)
    shown_last = np.maximum(last, period_last)
    out = pd.DataFrame(
        {"first": first, "last": last, "shown_first": shown_first, "shown_last": shown_last},
        index=events.index,
    ).astype("Int64")
    out.loc[ongoing, ["last", "shown_last"]] = pd.NA
    out["coarse"] = np.isin(precision, COARSE_PRECISIONS)
    return out


def shown_between(events: gpd.GeoDataFrame, first: date, last: date) -> pd.Series:
    """Boolean mask: playback shows the event on some day from ``first`` to ``last``.

    The shown span (:func:`event_days`) overlaps the days; for events recorded to the
    hour or the day this is exactly :func:`layers.filters.filter_events` with the window
    ``start=first, end=last``.
    """
    days = event_days(events)
    if days.empty:
        return pd.Series(False, index=events.index, dtype=bool)
    begins = days["shown_first"] <= day_number(last)
    ends = days["shown_last"].isna() | (days["shown_last"] >= day_number(first))
    return (begins & ends).fillna(False).astype(bool)


def encode_days(events: gpd.GeoDataFrame) -> dict[str, Any]:
    """Each event's days (:func:`event_days`) compactly, as the map script reads them.

    ``d0`` is the first day (a day number); ``ts`` each event's first day after ``d0``;
    ``tn`` its recorded length in days less one (-1: ongoing, no end); ``tw`` only for
    events recorded to the week, month or year, by position: ``[before, after]``, how
    many days the shown span reaches before ``ts`` and after the recorded last day.
    """
    days = event_days(events)
    if days.empty:
        return {"d0": 0, "ts": [], "tn": [], "tw": {}}
    first = days["first"].to_numpy(dtype="int64")
    d0 = int(first.min())
    last = days["last"].to_numpy(dtype="int64", na_value=-1)
    ongoing = days["last"].isna().to_numpy(dtype=bool)
    length = np.where(ongoing, -1, last - first)
    shown_last = days["shown_last"].to_numpy(dtype="int64", na_value=0)
    before = first - days["shown_first"].to_numpy(dtype="int64")
    after = np.where(ongoing, 0, shown_last - last)
    widened = {
        str(i): [int(before[i]), int(after[i])] for i in np.flatnonzero(days["coarse"].to_numpy(dtype=bool))
    }
    return {"d0": d0, "ts": (first - d0).tolist(), "tn": length.tolist(), "tw": widened}
