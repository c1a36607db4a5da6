"""Charts of a selection: events per week by category, and casualties per week."""

from __future__ import annotations

import altair as alt
import geopandas as gpd
import pandas as pd
import streamlit as st

from layers.timeseries import weekly_casualties, weekly_counts
from layers.views import View


def _window(events: gpd.GeoDataFrame, view: View) -> tuple[object, object]:
    """The chart's span: the view's window, or the events' own span without standing installations."""
    start, end = view.filters.start, view.filters.end
    dated = events[events["category"] != "installation"]
    if dated.empty:
        dated = events
    if start is None:
        start = pd.Timestamp(dated["start"].min()).date()
    if end is None:
        end = pd.Timestamp(dated["start"].max()).date()
    return start, end


def weekly_chart(events: gpd.GeoDataFrame, view: View) -> None:
    """Stacked weekly counts by category, with casualties (low–high) below."""
    if events.empty:
        st.info("No events in this view.")
        return
    start, end = _window(events, view)
    counts = weekly_counts(events, "category", start=start, end=end)
    long = counts.reset_index().melt(id_vars="week", var_name="category", value_name="events")
    long["week"] = long["week"].dt.tz_localize(None)
    long = long[long["events"] > 0]
    bars = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            x=alt.X("yearmonthdate(week):T", title="week (Monday)"),
            y=alt.Y("sum(events):Q", title="events starting that week"),
            color=alt.Color("category:N", title="layer / category"),
            tooltip=[alt.Tooltip("week:T", title="week of"), "category:N", "events:Q"],
        )
        .properties(height=220)
    )
    st.altair_chart(bars, width="stretch")

    casualties = weekly_casualties(events, start=start, end=end).reset_index()
    casualties["week"] = casualties["week"].dt.tz_localize(None)
    if casualties[["fatalities_max", "injured_max"]].to_numpy().sum() == 0:
        st.caption("No casualties reported in this view.")
        return
    rows = []
    for kind in ("fatalities", "injured"):
        part = casualties[["week", f"{kind}_min", f"{kind}_max"]].rename(
            columns={f"{kind}_min": "low", f"{kind}_max": "high"}
        )
        part["kind"] = kind
        rows.append(part)
    frame = pd.concat(rows)
    frame = frame[frame["high"] > 0]
    base = alt.Chart(frame).encode(
        x=alt.X("yearmonthdate(week):T", title="week (Monday)"),
        color=alt.Color("kind:N", title=""),
        xOffset="kind:N",
        tooltip=[alt.Tooltip("week:T", title="week of"), "kind:N", "low:Q", "high:Q"],
    )
    upper = base.mark_bar(opacity=0.35).encode(y=alt.Y("high:Q", title="people: solid = low, light = high"))
    lower = base.mark_bar().encode(y="low:Q")
    st.altair_chart((upper + lower).properties(height=160), width="stretch")
