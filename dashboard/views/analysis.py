"""Analysis: distances to the boundary, the 1999 zones, nearest places, weekly series, escalation."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from dashboard import charts, mapview
from dashboard.charts import COMPONENT_LABELS
from dashboard.data import load_measures, load_stats, load_store, prepare_search
from dashboard.detail import render_detail
from dashboard.lang import tr
from dashboard.sidebar import render_sidebar, show_notices
from layers.i18n import N_
from layers.paths import ROOT
from layers.tables import csv_bytes
from layers.titles import shown_titles

#: The measures table's columns and their headers (translated where shown; each header unique).
MEASURE_VIEW = {
    "title": N_("event"),
    "distance_to_boundary_km": N_("distance to line, km (+ Kosovo, − outside)"),
    "distance_min_km": N_("min km"),
    "distance_max_km": N_("max km"),
    "side_measured": N_("measured side"),
    "in_gsz": N_("in 1999 GSZ (5 km)"),
    "in_asz": N_("in 1999 ASZ (25 km)"),
    "nearest_crossing": N_("nearest crossing"),
    "nearest_crossing_km": N_("km to the crossing"),
    "nearest_kfor": N_("nearest KFOR installation"),
    "nearest_kfor_km": N_("km to the installation"),
}
#: Headers of the deployment areas table (:func:`layers.measures.zone_measures`).
_ZONE_HEADERS = {
    "title": N_("event"),
    "area_km2": N_("area, km²"),
    "min_distance_km": N_("nearest point to the line, km"),
    "share_within_5km": N_("share within 5 km of the line"),
    "share_within_25km": N_("share within 25 km of the line"),
}
#: Headers of the weekly table beside the parts of the indicator.
_WEEKLY_HEADERS = {"week": N_("week (Monday)"), "total": N_("total")}


def _local(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.reset_index()
    out["week"] = out["week"].dt.tz_localize(None)
    return out


def _weekly_headers(columns: pd.Index) -> dict[str, str]:
    """Headers of the weekly table: each part of the indicator, then its input counts."""
    _ = tr().gettext
    headers = {}
    for column in columns:
        name = str(column)
        if name.endswith(" (count)"):
            part = name.removesuffix(" (count)")
            label = _(COMPONENT_LABELS[part]) if part in COMPONENT_LABELS else part
            headers[name] = _("{part} (count)").format(part=label)
        elif name in COMPONENT_LABELS:
            headers[name] = _("{part} (points)").format(part=_(COMPONENT_LABELS[name]))
        elif name in _WEEKLY_HEADERS:
            headers[name] = _(_WEEKLY_HEADERS[name])
    return headers


def _zone_headers(columns: pd.Index) -> dict[str, Any]:
    _ = tr().gettext
    return {
        str(c): st.column_config.Column(_(_ZONE_HEADERS[str(c)])) for c in columns if str(c) in _ZONE_HEADERS
    }


def render() -> None:
    store = load_store()
    view = render_sidebar(store.events)
    t = tr()
    _ = t.gettext
    st.title(_("Analysis"))
    show_notices(store.report)
    stats = load_stats(view.filters)
    if stats.events.empty:
        st.info(_("No events in this view: widen the time window or clear a filter."))
        return

    st.header(_("Escalation indicator"))
    st.caption(
        _(
            "A weighted weekly sum whose parts are shown, so you can see why it moved: incidents by "
            "severity, casualties, deployment reports in effect, crossings closed, KFOR reinforcements. "
            "The formula, weights and limits are on the Methodology page."
        )
    )
    active = stats.active_weeks()
    weeks = charts.chart_weeks(stats.events, view)
    if weeks is not None:
        st.altair_chart(charts.escalation_chart(stats.escalation, weeks), width="stretch")
    with st.expander(_("Weekly parts and totals (weeks with activity)")):
        table = _local(stats.escalation.loc[active].join(stats.inputs.loc[active].add_suffix(" (count)")))
        st.dataframe(
            table,
            hide_index=True,
            column_config={
                name: st.column_config.Column(h) for name, h in _weekly_headers(table.columns).items()
            },
        )

    st.header(_("Distance to the Kosovo–Serbia boundary"))
    st.caption(_("Incidents coloured by their distance band; click one to see it in full."))
    clicked = mapview.render_map(
        store,
        view,
        color_by="distance_band",
        key="band_map",
        selected=st.session_state.get("selected"),
    )
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
        t.ngettext(
            "{measured} of {count} event has a position and is measured (in UTM 34N).",
            "{measured} of {count} events have a position and are measured (in UTM 34N).",
            len(measured),
        ).format(measured=t.format_decimal(len(mapped)), count=t.format_decimal(len(measured)))
        + " "
        + _(
            "Ranges carry each record's stated uncertainty or the extent of its area; NA in a zone "
            "column means the possible positions straddle the zone's edge."
        )
    )
    bands = mapped["distance_band"].value_counts(sort=False).rename("events").reset_index()
    st.altair_chart(charts.band_chart(bands), width="stretch")
    # Titles in the reader's language where the store translates them; the CSV keeps the record's.
    titles = shown_titles(stats.events, t.language)[0]
    shown = mapped.assign(title=titles).set_index("id")[list(MEASURE_VIEW)]
    km = {c for c in MEASURE_VIEW if c.endswith("_km")}
    st.dataframe(
        shown,
        column_config={
            c: st.column_config.NumberColumn(_(h), format="%.2f")
            if c in km
            else st.column_config.Column(_(h))
            for c, h in MEASURE_VIEW.items()
        },
    )
    st.download_button(
        _("Measures as CSV"), csv_bytes(mapped.reset_index(drop=True)), "bordermon-measures.csv", "text/csv"
    )

    if not stats.zones.empty:
        st.header(_("Reported deployment areas"))
        st.caption(
            _(
                "Areas are a drawing convention where sources give no positions: these figures describe "
                "the drawn area, not where forces are."
            )
        )
        zones = stats.events[["id"]].assign(title=titles).join(stats.zones, how="inner")
        st.dataframe(zones.set_index("id"), column_config=_zone_headers(zones.columns))

    st.header(_("Events per week by side"))
    if weeks is not None:
        st.altair_chart(charts.side_chart(stats.by_side, weeks), width="stretch")
    doc = ROOT / "docs" / "methodology-analysis.md"
    st.caption(_("Method: see the Methodology page ({name}).").format(name=doc.name))
    prepare_search()  # the page is out: the first search will find its text built
