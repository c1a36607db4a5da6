"""Map and events: the count, key figures, the map, the selected event, timeline, table, downloads."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from functools import partial
from typing import Any

import streamlit as st

from dashboard import charts, mapview
from dashboard.data import (
    TABLE_PAGE_ROWS,
    csv_download,
    events_page,
    geojson_download,
    load_measures,
    load_store,
    prepare_search,
    view_figures,
    view_timeline_chart,
    view_weekly_charts,
)
from dashboard.detail import render_detail
from dashboard.lang import tr
from dashboard.layout import FIGURE_PX, FIGURES_KEY
from dashboard.sidebar import render_sidebar, show_notices
from dashboard.text import md
from dashboard.timeline import render_timeline
from layers.paths import default_store
from layers.record_state import record_state
from layers.tables import KeyFigures, table_headers
from layers.vocabulary import REPORT_CURRENT_DAYS


def _range(low: int, high: int) -> str:
    t = tr()
    if low == high:
        return t.format_decimal(low)
    return t.gettext("{low}–{high}").format(low=t.format_decimal(low), high=t.format_decimal(high))


def _columns(columns: Sequence[str], lang: str) -> dict[str, Any]:
    """Each column of the events table under its header in the reader's language."""
    headers = table_headers(columns, lang)
    config: dict[str, Any] = {name: st.column_config.Column(header) for name, header in headers.items()}
    config["sources"] = st.column_config.TextColumn(headers["sources"], width="medium")
    return config


def _figures(shown: int, total: int, f: KeyFigures) -> None:
    t = tr()
    _ = t.gettext
    st.markdown(
        t.ngettext(
            "Showing **{shown}** of **{total}** event", "Showing **{shown}** of **{total}** events", total
        ).format(shown=t.format_decimal(shown), total=t.format_decimal(total))
    )
    # A row that wraps: five figures on a laptop, three then two on a phone, laid out by
    # the containers themselves from the first paint (a stylesheet comes a moment later,
    # dashboard/layout.py). Streamlit's columns stack on a phone: the map, first drawn
    # 800-970 px down, below the first screen, jumped up under the reader's thumb when
    # the rules came.
    row = st.container(key=FIGURES_KEY, horizontal=True, gap="xsmall")
    cols = [row.container(width=FIGURE_PX, gap=None) for _i in range(5)]
    cols[0].metric(_("Incidents"), t.format_decimal(f.incidents))
    disagree = _("Ranges where sources disagree")
    cols[1].metric(_("Fatalities"), _range(*f.fatalities), help=disagree)
    cols[2].metric(_("Injured"), _range(*f.injured), help=disagree)
    day = f.deployments_day
    cols[3].metric(
        _("Deployments active"),
        t.format_decimal(f.deployments_active),
        help=_(
            "Deployment reports in effect on the day shown: the 'as of' day, or else the last day with "
            "data in the selection (a report without a sourced end counts for {days} days)"
        ).format(days=REPORT_CURRENT_DAYS),
    )
    if day is not None:  # under the figure: a label this long would be cut off
        cols[3].caption(_("on {day}").format(day=t.format_day(day)))
    cols[4].metric(_("KFOR reinforcements"), t.format_decimal(f.reinforcements))


def render() -> None:
    store = load_store()
    events = store.events
    whole = render_sidebar(events)
    # What is shown: the view narrowed to the window dragged on the timeline, if any.
    view = replace(whole, filters=whole.shown_filters)
    t = tr()
    _ = t.gettext
    st.title(_("Kosovo–Serbia boundary monitor"))
    st.caption(
        _(
            "Sourced incidents, reported military deployments and KFOR presence along the "
            "Kosovo–Serbia boundary (in Serbian usage, the administrative boundary line)."
        )
    )
    state = record_state(events, default_store())
    freshness = state.line(t.language)
    st.caption(
        md(freshness[:1].upper() + freshness[1:] + "."), help=_("The newest date of any event in the store.")
    )
    show_notices(store.report)

    figures = view_figures(view.filters)
    _figures(figures.shown, len(events), figures)

    clicked = mapview.render_map(store, view, selected=st.session_state.get("selected"))
    if clicked and clicked != st.session_state.get("selected"):
        st.session_state["selected"] = clicked
        st.rerun()
    render_timeline(whole, view_timeline_chart(whole))
    if figures.not_mapped:
        st.caption(
            t.ngettext(
                "{count} event of this selection has no map position (precision 'none'); "
                "it appears in the timeline and the table.",
                "{count} events of this selection have no map position (precision 'none'); "
                "they appear in the timeline and the table.",
                figures.not_mapped,
            ).format(count=t.format_decimal(figures.not_mapped))
        )

    selected = st.session_state.get("selected")
    if selected:
        with st.container(border=True):
            render_detail(events, selected, load_measures())

    # Drawn only when the reader opens them: at 100k events the browser took 0.6-1 s of
    # every change back to the whole record to draw these two charts again.
    weekly = _("Weekly charts: events by category, casualties")
    with st.expander(weekly, key="charts", on_change="rerun") as panel:
        if panel.open:
            charts.show_weekly(view_weekly_charts(view.filters))

    st.subheader(_("Events"))
    pages = max(1, -(-figures.shown // TABLE_PAGE_ROWS))
    page = 0
    if pages > 1:
        label = _("Page (of {pages})").format(pages=t.format_decimal(pages))
        page = int(st.number_input(label, 1, pages, 1, key="table_page")) - 1
        st.caption(
            _(
                "Rows {first}–{last} of {total}; the CSV and GeoJSON downloads below hold every event of "
                "this view."
            ).format(
                first=t.format_decimal(page * TABLE_PAGE_ROWS + 1),
                last=t.format_decimal(min((page + 1) * TABLE_PAGE_ROWS, figures.shown)),
                total=t.format_decimal(figures.shown),
            )
        )
    table, _total = events_page(view.filters, page, lang=t.language)
    picked = st.dataframe(
        table.drop(columns=["summary"]),
        hide_index=True,
        on_select="rerun",
        selection_mode="single-row",
        key="table",
        column_config=_columns(table.columns, t.language),
    )
    rows = picked.selection.rows if picked else []
    if rows:
        chosen = str(table.iloc[rows[0]]["id"])
        if chosen != selected:
            st.session_state["selected"] = chosen
            st.rerun()

    st.subheader(_("Download what is shown"))
    st.caption(_("Files are built when you click: exactly the events of this view, with their measures."))
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
    prepare_search()  # the page is out: the first search will find its text built
