"""Charts of a view, on one time axis: the view's weeks, coloured as the map colours them.

Every weekly chart spans the same weeks (:func:`chart_weeks`): the view's window, or the
span of its dated events when the window is open, so that a KFOR installation present
before the record starts (an open start) does not stretch the axis back to 1999. Category colours and
labels come from :data:`layers.vocabulary.CATEGORY_STYLES`, as on the map.
"""

from __future__ import annotations

from datetime import date

import altair as alt
import geopandas as gpd
import pandas as pd
import streamlit as st

from dashboard.lang import tr
from layers.i18n import DEFAULT_LANGUAGE, N_, translator
from layers.timeseries import (
    ESCALATION_COMPONENTS,
    dated_events,
    week_index,
    weekly_casualties,
    weekly_counts,
)
from layers.views import View
from layers.vocabulary import CATEGORY_STYLES, LAYERS, SIDE_LABELS, category_label, translated

#: Height of the plotting area of each chart, in pixels (the casualty chart as the others).
HEIGHT = 200
#: The band chart (no legend) is fitted whole into its stated height, its axis included.
_AXIS_HEIGHT = 50
_LEGEND_COLUMNS = 4
#: Below this plotting width (a phone) a legend is one column: four ran off the chart.
NARROW_PX = 480


def legend_columns(wide: int = _LEGEND_COLUMNS, narrow: int = 1) -> alt.ExprRef:
    """A legend's columns: ``wide`` where the chart is wide, ``narrow`` where it is a phone's."""
    return alt.ExprRef(expr=f"width < {NARROW_PX} ? {narrow} : {wide}")


def numbers_locale() -> dict[str, object]:
    """A chart's ``config.locale``: the page language's decimal and group marks (Vega writes English)."""
    return {"number": tr().number_locale()}


#: The chart fits the page's width; its height is the plotting area's, and the axis and
#: the legend add theirs (a phone's legend has more rows than a laptop's).
FIT_WIDTH = alt.AutoSizeParams(type="fit-x", contains="padding")


#: The parts of the escalation indicator (:data:`layers.timeseries.ESCALATION_COMPONENTS`) in a legend.
COMPONENT_LABELS: dict[str, str] = {
    "incidents": N_("incidents"),
    "casualties": N_("casualties"),
    "deployments": N_("deployment reports"),
    "crossings": N_("crossings closed"),
    "kfor": N_("KFOR reinforcements"),
}
if tuple(COMPONENT_LABELS) != ESCALATION_COMPONENTS:  # pragma: no cover - a guard for whoever edits them
    raise RuntimeError("COMPONENT_LABELS must name every part of layers.timeseries.ESCALATION_COMPONENTS")
#: Counts of events and people are whole numbers: no tick between two of them.
_COUNT_AXIS = alt.Axis(tickMinStep=1, format="d")
_BOTTOM = alt.Legend(orient="bottom", columns=legend_columns(), labelLimit=0)


def chart_weeks(events: pd.DataFrame, view: View) -> tuple[date, date] | None:
    """First and last Monday of the view's charts (local days), or None with nothing to draw."""
    start, end = view.filters.start, view.filters.end
    dated = dated_events(events)
    if start is None and not dated.empty:
        start = pd.Timestamp(dated["start"].min()).date()
    if end is None and not dated.empty:
        end = pd.Timestamp(dated["start"].max()).date()
    weeks = week_index(start, end)
    if len(weeks) == 0:
        return None
    return weeks[0].date(), weeks[-1].date()


def _day(value: date | pd.Timestamp) -> alt.DateTime:
    return alt.DateTime(year=value.year, month=value.month, date=value.day)


def _x(weeks: tuple[date, date]) -> alt.X:
    """The shared time axis: from the first Monday to the end of the last week.

    Vega-Lite reads a temporal domain as timestamps or DateTime objects, not ISO text
    (text gives an empty chart), hence :func:`_day`.
    """
    first, last = weeks
    stop = pd.Timestamp(last) + pd.Timedelta(days=7)
    return alt.X(
        "yearmonthdate(week):T",
        title=tr().gettext("week (Monday)"),
        scale=alt.Scale(domain=[_day(first), _day(stop)]),
        axis=day_axis(),
    )


def day_axis() -> alt.Axis:
    """A time axis whose days are written in the page's language (Vega-Lite writes English)."""
    return alt.Axis(labelExpr=tr().vega_day("datum.value"))


def weekly(data: pd.DataFrame) -> alt.Chart:
    """A chart of weekly rows (column ``week``), with ``week_text``: its Monday as the page writes a day."""
    return alt.Chart(data).transform_calculate(week_text=tr().vega_day("datum.week"))


def week_tooltip() -> alt.Tooltip:
    """The week of a bar, as the page's language writes a day (a chart made by :func:`weekly`)."""
    return alt.Tooltip("week_text:N", title=tr().gettext("week of"))


def _within(frame: pd.DataFrame, weeks: tuple[date, date]) -> pd.DataFrame:
    """Rows of a weekly frame (column ``week``, naive local Mondays) inside the chart's weeks."""
    first, last = pd.Timestamp(weeks[0]), pd.Timestamp(weeks[1])
    return frame[(frame["week"] >= first) & (frame["week"] <= last)]


def _local(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.reset_index()
    out["week"] = out["week"].dt.tz_localize(None)
    return out


def category_colors(lang: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    """Colour of each category label in ``lang``, for every layer (labels are unique across layers)."""
    t = translator(lang)
    return {
        t.gettext(style.label): style.color for layer in LAYERS for style in CATEGORY_STYLES[layer].values()
    }


def _label(column: str, lang: str) -> str:
    layer, category = column.split("/", 1)
    return category_label(layer, category, lang) if category in CATEGORY_STYLES.get(layer, {}) else column


def category_chart(events: gpd.GeoDataFrame, weeks: tuple[date, date]) -> alt.Chart:
    """Stacked weekly counts by category, coloured and named as on the map."""
    t = tr()
    _ = t.gettext
    counts = _local(weekly_counts(events, "category", start=weeks[0], end=weeks[1]))
    long = counts.melt(id_vars="week", var_name="column", value_name="events")
    long = long[long["events"] > 0].assign(
        category=lambda f: f["column"].map(lambda c: _label(c, t.language))
    )
    colors = category_colors(t.language)
    shown = [label for label in colors if label in set(long["category"])]
    return (
        weekly(long)
        .mark_bar()
        .encode(
            x=_x(weeks),
            y=alt.Y("sum(events):Q", title=_("events starting that week"), axis=_COUNT_AXIS),
            color=alt.Color(
                "category:N",
                title=_("category"),
                scale=alt.Scale(domain=shown, range=[colors[label] for label in shown]),
                legend=alt.Legend(orient="bottom", columns=legend_columns(), labelLimit=0, symbolLimit=0),
            ),
            order=alt.Order("category:N"),
            tooltip=[
                week_tooltip(),
                alt.Tooltip("category:N", title=_("category")),
                alt.Tooltip("events:Q", title=_("events")),
            ],
        )
        .properties(height=HEIGHT, autosize=FIT_WIDTH)
        .configure(locale=numbers_locale())
    )


def casualty_chart(events: gpd.GeoDataFrame, weeks: tuple[date, date]) -> alt.Chart | None:
    """People killed and injured per week (solid = low end, light = high end), or None."""
    t = tr()
    _ = t.gettext
    casualties = _local(weekly_casualties(events, start=weeks[0], end=weeks[1]))
    rows = []
    kinds = {"fatalities": _("killed"), "injured": _("injured")}
    for kind, name in kinds.items():
        part = casualties[["week", f"{kind}_min", f"{kind}_max"]].rename(
            columns={f"{kind}_min": "low", f"{kind}_max": "high"}
        )
        rows.append(part.assign(kind=name))
    frame = pd.concat(rows)
    frame = frame[frame["high"] > 0]
    if frame.empty:
        return None
    base = weekly(frame).encode(
        x=_x(weeks),
        color=alt.Color("kind:N", title=_("people"), sort=list(kinds.values()), legend=_BOTTOM),
        tooltip=[
            week_tooltip(),
            alt.Tooltip("kind:N", title=_("people")),
            alt.Tooltip("low:Q", title=_("low")),
            alt.Tooltip("high:Q", title=_("high")),
        ],
    )
    high = base.mark_bar(opacity=0.35).encode(
        y=alt.Y("high:Q", title=_("people: solid = low, light = high"), axis=_COUNT_AXIS, stack=None)
    )
    low = base.mark_bar().encode(y=alt.Y("low:Q", stack=None))
    chart = alt.layer(high, low).properties(height=HEIGHT, autosize=FIT_WIDTH)
    return chart.configure(locale=numbers_locale())


#: The weekly charts of a view: by category, and casualties (None when none are reported).
WeeklyCharts = tuple[alt.Chart, alt.Chart | None]


def weekly_charts(events: gpd.GeoDataFrame, view: View) -> WeeklyCharts | None:
    """The view's weekly charts, built from weekly counts (not one row per event); None if empty."""
    weeks = chart_weeks(events, view)
    if events.empty or weeks is None:
        return None
    return category_chart(events, weeks), casualty_chart(events, weeks)


def show_weekly(charts: WeeklyCharts | None) -> None:
    """Draw :func:`weekly_charts`: counts by category, casualties (low–high) below on the same weeks."""
    _ = tr().gettext
    if charts is None:
        st.info(_("No events in this view."))
        return
    category, casualties = charts
    st.altair_chart(category, width="stretch")
    if casualties is None:
        st.caption(_("No casualties reported in this view."))
        return
    st.altair_chart(casualties, width="stretch")


def weekly_chart(events: gpd.GeoDataFrame, view: View) -> None:
    """Stacked weekly counts by category, with casualties (low–high) below on the same weeks."""
    show_weekly(weekly_charts(events, view))


def escalation_chart(escalation: pd.DataFrame, weeks: tuple[date, date]) -> alt.Chart:
    """The escalation indicator's weekly parts, stacked."""
    t = tr()
    _ = t.gettext
    names = translated(COMPONENT_LABELS, t.language)
    parts = _within(_local(escalation), weeks).melt(
        id_vars="week", value_vars=list(ESCALATION_COMPONENTS), var_name="component", value_name="points"
    )
    parts = parts.assign(component=parts["component"].map(names))
    return (
        weekly(parts[parts["points"] != 0])
        .mark_bar()
        .encode(
            x=_x(weeks),
            y=alt.Y("sum(points):Q", title=_("escalation points")),
            color=alt.Color(
                "component:N", title=_("part"), sort=[names[c] for c in ESCALATION_COMPONENTS], legend=_BOTTOM
            ),
            tooltip=[
                week_tooltip(),
                alt.Tooltip("component:N", title=_("part")),
                alt.Tooltip("points:Q", title=_("points"), format=".1f"),
            ],
        )
        .properties(height=HEIGHT, autosize=FIT_WIDTH)
        .configure(locale=numbers_locale())
    )


def side_chart(by_side: pd.DataFrame, weeks: tuple[date, date]) -> alt.Chart:
    """Events per week by the side they are recorded on."""
    t = tr()
    _ = t.gettext
    sides = translated(SIDE_LABELS, t.language)
    long = _within(_local(by_side), weeks).melt(id_vars="week", var_name="side", value_name="events")
    long = long[long["events"] > 0].assign(side=lambda f: f["side"].map(lambda s: sides.get(s, _("neither"))))
    return (
        weekly(long)
        .mark_bar()
        .encode(
            x=_x(weeks),
            y=alt.Y("sum(events):Q", title=_("events"), axis=_COUNT_AXIS),
            color=alt.Color("side:N", title=_("side"), legend=_BOTTOM),
            tooltip=[
                week_tooltip(),
                alt.Tooltip("side:N", title=_("side")),
                alt.Tooltip("events:Q", title=_("events")),
            ],
        )
        .properties(height=HEIGHT, autosize=FIT_WIDTH)
        .configure(locale=numbers_locale())
    )


def band_chart(bands: pd.DataFrame) -> alt.Chart:
    """Events per distance band (columns ``distance_band``, ``events``): whole events only."""
    t = tr()
    _ = t.gettext
    shown = bands[bands["events"] > 0]
    shown = shown.assign(distance_band=shown["distance_band"].astype(str).map(_))
    return (
        alt.Chart(shown)
        .mark_bar()
        .encode(
            x=alt.X("events:Q", title=_("events"), axis=_COUNT_AXIS),
            y=alt.Y("distance_band:N", sort=None, title=None),
            tooltip=[
                alt.Tooltip("distance_band:N", title=_("distance band")),
                alt.Tooltip("events:Q", title=_("events")),
            ],
        )
        .properties(height=HEIGHT + _AXIS_HEIGHT)
        .configure(locale=numbers_locale())
    )
