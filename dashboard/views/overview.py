"""Map and events: the count, key figures, the map, the selected event, timeline, table, downloads."""

from __future__ import annotations

from functools import partial

import streamlit as st

from dashboard import charts, mapview
from dashboard.data import (
    TABLE_PAGE_ROWS,
    csv_download,
    events_page,
    geojson_download,
    load_measures,
    load_store,
    load_view,
)
from dashboard.detail import render_detail
from dashboard.sidebar import render_sidebar, show_notices
from dashboard.text import md
from layers.paths import default_store
from layers.record_state import record_state
from layers.tables import KeyFigures, key_figures
from layers.vocabulary import REPORT_CURRENT_DAYS, format_day


def _figures(shown: int, total: int, f: KeyFigures) -> None:
    st.markdown(f"Showing **{shown}** of **{total}** events")
    cols = st.columns(5)
    cols[0].metric("Incidents", f.incidents)
    low, high = f.fatalities
    cols[1].metric(
        "Fatalities", f"{low}" if low == high else f"{low}–{high}", help="Ranges where sources disagree"
    )
    low, high = f.injured
    cols[2].metric(
        "Injured", f"{low}" if low == high else f"{low}–{high}", help="Ranges where sources disagree"
    )
    day = f.deployments_day
    cols[3].metric(
        "Deployments active",
        f.deployments_active,
        help=(
            "Deployment reports in effect on the day shown: the 'as of' day, or else the last day with "
            f"data in the selection (a report without a sourced end counts for {REPORT_CURRENT_DAYS} days)"
        ),
    )
    if day is not None:  # under the figure: a label this long would be cut off
        cols[3].caption(f"on {format_day(day)}")
    cols[4].metric("KFOR reinforcements", f.reinforcements)


def render() -> None:
    store = load_store()
    events = store.events
    view = render_sidebar(events)
    st.title("Kosovo–Serbia boundary monitor")
    st.caption(
        "Sourced incidents, reported military deployments and KFOR presence along the "
        "Kosovo–Serbia boundary (in Serbian usage, the administrative boundary line)."
    )
    state = record_state(events, default_store())
    freshness = state.line()
    st.caption(
        md(freshness[:1].upper() + freshness[1:] + "."), help="The newest date of any event in the store."
    )
    show_notices(store.report)

    shown = load_view(view.filters)
    figures = key_figures(shown, len(events), view.filters.as_of)
    _figures(len(shown), len(events), figures)

    clicked = mapview.render_map(store, view)
    if clicked and clicked != st.session_state.get("selected"):
        st.session_state["selected"] = clicked
        st.rerun()
    if figures.not_mapped:
        st.caption(
            f"{figures.not_mapped} event(s) of this selection have no map position (precision 'none'); "
            "they appear in the timeline and the table."
        )

    selected = st.session_state.get("selected")
    if selected:
        with st.container(border=True):
            render_detail(events, selected, load_measures())

    st.subheader("Timeline")
    charts.weekly_chart(shown, view)

    st.subheader("Events")
    pages = max(1, -(-len(shown) // TABLE_PAGE_ROWS))
    page = 0
    if pages > 1:
        page = int(st.number_input(f"Page (of {pages:,})", 1, pages, 1, key="table_page")) - 1
        st.caption(
            f"Rows {page * TABLE_PAGE_ROWS + 1:,}–{min((page + 1) * TABLE_PAGE_ROWS, len(shown)):,} "
            f"of {len(shown):,}; the CSV and GeoJSON downloads below hold every event of this view."
        )
    table, _ = events_page(view.filters, page)
    picked = st.dataframe(
        table.drop(columns=["summary"]),
        hide_index=True,
        on_select="rerun",
        selection_mode="single-row",
        key="table",
        column_config={"sources": st.column_config.TextColumn("sources", width="medium")},
    )
    rows = picked.selection.rows if picked else []
    if rows:
        chosen = str(table.iloc[rows[0]]["id"])
        if chosen != selected:
            st.session_state["selected"] = chosen
            st.rerun()

    st.subheader("Download what is shown")
    st.caption("Files are built when you click: exactly the events of this view, with their measures.")
    cols = st.columns(5)
    cols[0].download_button(
        "GeoJSON",
        partial(geojson_download, view.filters),
        "bordermon-events.geojson",
        "application/geo+json",
        icon=":material/download:",
        on_click="ignore",
        key="download_geojson",
    )
    cols[1].download_button(
        "CSV",
        partial(csv_download, view.filters),
        "bordermon-events.csv",
        "text/csv",
        icon=":material/download:",
        on_click="ignore",
        key="download_csv",
    )
    mapview.html_download(cols[2], view)
    mapview.picture_downloads(cols[3:], view)
