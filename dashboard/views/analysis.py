"""Analysis: distances to the boundary, the 1999 zones, nearest places, weekly series, escalation."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts, mapview
from dashboard.data import load_measures, load_stats, load_store
from dashboard.detail import render_detail
from dashboard.sidebar import render_sidebar, show_notices
from layers.paths import ROOT
from layers.tables import csv_bytes

MEASURE_VIEW = {
    "title": "event",
    "distance_to_boundary_km": "distance to line, km (+ Kosovo, − outside)",
    "distance_min_km": "min km",
    "distance_max_km": "max km",
    "side_measured": "measured side",
    "in_gsz": "in 1999 GSZ (5 km)",
    "in_asz": "in 1999 ASZ (25 km)",
    "nearest_crossing": "nearest crossing",
    "nearest_crossing_km": "km",
    "nearest_kfor": "nearest KFOR installation",
    "nearest_kfor_km": "km ",
}


def _local(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.reset_index()
    out["week"] = out["week"].dt.tz_localize(None)
    return out


def render() -> None:
    store = load_store()
    view = render_sidebar(store.events)
    st.title("Analysis")
    show_notices(store.report)
    stats = load_stats(view.filters)
    if stats.events.empty:
        st.info("No events in this view: widen the time window or clear a filter.")
        return

    st.header("Escalation indicator")
    st.caption(
        "A weighted weekly sum whose parts are shown, so you can see why it moved: incidents by "
        "severity, casualties, deployment reports in effect, crossings closed, KFOR reinforcements. "
        "The formula, weights and limits are on the Methodology page."
    )
    active = stats.active_weeks()
    weeks = charts.chart_weeks(stats.events, view)
    if weeks is not None:
        st.altair_chart(charts.escalation_chart(stats.escalation, weeks), width="stretch")
    with st.expander("Weekly parts and totals (weeks with activity)"):
        table = _local(stats.escalation.loc[active].join(stats.inputs.loc[active].add_suffix(" (count)")))
        st.dataframe(table, hide_index=True)

    st.header("Distance to the Kosovo–Serbia boundary")
    st.caption("Incidents coloured by their distance band; click one to see it in full.")
    clicked = mapview.render_map(store, view, height=460, color_by="distance_band", key="band_map")
    if clicked and clicked != st.session_state.get("selected"):
        st.session_state["selected"] = clicked
        st.rerun()
    selected = st.session_state.get("selected")
    if selected:
        with st.container(border=True):
            render_detail(store.events, selected, load_measures())
    measured = stats.events[["id", "title"]].join(stats.measures)
    mapped = measured[measured["distance_to_boundary_km"].notna()]
    st.caption(
        f"{len(mapped)} of {len(measured)} events have a position and are measured (in UTM 34N). "
        "Ranges carry each record's stated uncertainty or the extent of its area; NA in a zone "
        "column means the possible positions straddle the zone's edge."
    )
    bands = mapped["distance_band"].value_counts(sort=False).rename("events").reset_index()
    st.altair_chart(charts.band_chart(bands), width="stretch")
    shown = mapped.set_index("id")[list(MEASURE_VIEW)].rename(columns=MEASURE_VIEW)
    st.dataframe(
        shown,
        column_config={c: st.column_config.NumberColumn(format="%.2f") for c in shown.columns if "km" in c},
    )
    st.download_button(
        "Measures as CSV", csv_bytes(mapped.reset_index(drop=True)), "bordermon-measures.csv", "text/csv"
    )

    if not stats.zones.empty:
        st.header("Reported deployment areas")
        st.caption(
            "Areas are a drawing convention where sources give no positions: these figures describe "
            "the drawn area, not where forces are."
        )
        zones = stats.events[["id", "title"]].join(stats.zones, how="inner")
        st.dataframe(zones.set_index("id"))

    st.header("Events per week by side")
    if weeks is not None:
        st.altair_chart(charts.side_chart(stats.by_side, weeks), width="stretch")
    doc = ROOT / "docs" / "methodology-analysis.md"
    st.caption(f"Method: see the Methodology page ({doc.name}).")
