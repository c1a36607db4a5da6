"""The overview's timeline: the view's events per week, stacked by layer, with a window to drag.

The window dragged on it is the view's ``timeline`` (:class:`layers.views.View`): the
sidebar keeps it in the URL (``timeline=FIRST..LAST``), and the map, the key figures and
the table show only its days. The chart is Vega-Lite's, through Streamlit: a brush on the
time axis, reported back when it changes (``on_select``), drawn again from the URL after
a reload.
"""

from __future__ import annotations

from datetime import date, timedelta

import altair as alt
import geopandas as gpd
import pandas as pd
import streamlit as st

from dashboard.charts import (
    FIT_WIDTH,
    chart_weeks,
    day_axis,
    legend_columns,
    numbers_locale,
    week_tooltip,
    weekly,
)
from dashboard.lang import tr
from layers.timeseries import weekly_counts
from layers.views import View
from layers.vocabulary import CATEGORY_STYLES, LAYER_TITLES, LAYERS

__all__ = ["CHART_KEY", "render_timeline", "timeline_chart", "window_of_selection"]

#: The chart's widget key; its selection is read in the callback.
CHART_KEY = "timeline_chart"
_BRUSH = "window"
#: The plotting area's height; the axis and the legend add theirs (see FIT_WIDTH).
_HEIGHT = 110


def _moment(day: date) -> alt.DateTime:
    return alt.DateTime(year=day.year, month=day.month, date=day.day)


def layer_colors() -> dict[str, str]:
    """A layer's colour on the timeline: its first category's, as on the map's timeline."""
    return {layer: next(iter(CATEGORY_STYLES[layer].values())).color for layer in LAYERS}


def timeline_chart(events: gpd.GeoDataFrame, view: View) -> alt.Chart | None:
    """Events per week stacked by layer, with the view's window as a brush (None: nothing to draw)."""
    weeks = chart_weeks(events, view)
    if events.empty or weeks is None:
        return None
    _ = tr().gettext
    counts = weekly_counts(events, "layer", start=weeks[0], end=weeks[1]).reset_index()
    counts["week"] = counts["week"].dt.tz_localize(None)
    long = counts.melt(id_vars="week", var_name="layer", value_name="events")
    long = long[long["events"] > 0]
    names = {layer: _(LAYER_TITLES[layer]) for layer in LAYERS}
    long = long.assign(layer=long["layer"].map(names))
    colors = layer_colors()
    stop = weeks[1] + timedelta(days=7)
    brush = alt.selection_interval(
        name=_BRUSH,
        encodings=["x"],
        value={"x": [_moment(view.timeline[0]), _moment(view.timeline[1] + timedelta(days=1))]}
        if view.timeline
        else alt.Undefined,
    )
    return (
        weekly(long)
        .mark_bar()
        .encode(
            x=alt.X(
                "yearmonthdate(week):T",
                title=_("week (Monday)"),
                scale=alt.Scale(domain=[_moment(weeks[0]), _moment(stop)]),
                axis=day_axis(),
            ),
            y=alt.Y("sum(events):Q", title=_("events"), axis=alt.Axis(tickMinStep=1, format="d")),
            color=alt.Color(
                "layer:N",
                title=None,
                scale=alt.Scale(domain=list(names.values()), range=[colors[layer] for layer in LAYERS]),
                legend=alt.Legend(orient="top", columns=legend_columns(len(LAYERS))),
            ),
            tooltip=[week_tooltip(), "layer:N", "events:Q"],
        )
        .add_params(brush)
        .properties(height=_HEIGHT, autosize=FIT_WIDTH)
        .configure(locale=numbers_locale())
    )


def _nearest_day(milliseconds: float) -> date:
    """The calendar day whose midnight is nearest a time the brush reports (ms since 1970).

    The brush's edges are times of day in the browser's zone: rounding to the nearest
    midnight reads a window of whole days back as those days, in any zone within ±12 h.
    """
    moment = pd.Timestamp(milliseconds, unit="ms") + pd.Timedelta(hours=12)
    return moment.date()


def window_of_selection(selection: object) -> tuple[date, date] | None:
    """The days of a brush as Streamlit reports it (``{field: [start_ms, end_ms]}``), or None."""
    if not isinstance(selection, dict) or not selection:
        return None
    values = next(iter(selection.values()))
    if not isinstance(values, list | tuple) or len(values) != 2:
        return None
    first = _nearest_day(float(min(values)))
    last = max(first, _nearest_day(float(max(values))) - timedelta(days=1))
    return first, last


def _window_chosen() -> None:
    state = st.session_state
    chosen = state[CHART_KEY].selection.get(_BRUSH) if CHART_KEY in state else None
    state["timeline"] = window_of_selection(chosen)


def _clear() -> None:
    st.session_state["timeline"] = None


def render_timeline(view: View, chart: alt.Chart | None) -> None:
    """Draw the view's timeline (:func:`timeline_chart` of all of its time window) with its brush."""
    _ = tr().gettext
    if chart is None:
        return
    st.altair_chart(chart, on_select=_window_chosen, selection_mode=_BRUSH, key=CHART_KEY, width="stretch")
    if view.timeline is None:
        st.caption(_("Drag across the timeline to show a window of time; click to show all"))
        return
    cols = st.columns([4, 1])
    cols[0].caption(
        _("Showing {first} – {last}: the map, the key figures and the table follow this window.").format(
            first=tr().format_day(view.timeline[0]), last=tr().format_day(view.timeline[1])
        )
    )
    cols[1].button(_("Clear the window"), on_click=_clear, key="timeline_clear", icon=":material/close:")
