"""The map of the view through ``st_folium``, clicks that select an event, and the map downloads."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from datetime import date
from functools import partial
from typing import Any, Literal

import folium
import streamlit as st
from streamlit_folium import st_folium

from dashboard.data import load_measures, load_store, load_view, store_version
from dashboard.lang import tr
from layers.assets import MAP_ASSET_NAMES, STATIC_VENDOR_DIR, STATIC_VENDOR_URL, MapAssets, assets_installed
from layers.cliargs import unreadable_files
from layers.density import WEIGHTS as DENSITY_WEIGHTS
from layers.export import export_html, export_picture
from layers.map import build_map, read_map_reference
from layers.record_state import record_state
from layers.store import EventStore
from layers.views import View


def served_assets() -> MapAssets:
    """Where the dashboard's maps link Leaflet from: the copies this app serves, else the CDN.

    A value each map carries (``build_map(assets=...)``); nothing process-wide is changed.
    """
    if assets_installed(names=MAP_ASSET_NAMES) and STATIC_VENDOR_DIR.is_dir():
        return MapAssets.local(STATIC_VENDOR_URL)
    return MapAssets.cdn()


def render_map(
    store: EventStore,
    view: View,
    *,
    height: int = 560,
    color_by: Literal["category", "distance_band"] = "category",
    key: str = "map",
) -> str | None:
    """Draw the map of the view; return the id of an event the reader clicked, if any.

    With ``color_by="distance_band"`` incidents are coloured by their distance to the
    boundary, from the store's cached measures.
    """
    assets = served_assets()
    if assets.source == "cdn":
        st.caption(
            tr().gettext(
                "Map scripts load from public CDNs: run `python3 dev.py dashboard` with Node.js "
                "installed to serve them from this app."
            )
        )
    m = _map_of_view(store, view, color_by, assets, key)
    result: dict[str, Any] = st_folium(
        m,
        height=height,
        use_container_width=True,
        # Only clicks come back (the clicked event's id, as its tooltip): panning and
        # zooming do not rerun the script.
        returned_objects=["last_object_clicked_tooltip"],
        key=key,
    )
    clicked = (result or {}).get("last_object_clicked_tooltip")
    if not clicked or clicked == st.session_state.get(f"handled_{key}"):
        return None
    st.session_state[f"handled_{key}"] = clicked
    return str(clicked) if (store.events["id"] == str(clicked)).any() else None


def picture_bytes(view: View, fmt: Literal["png", "pdf"], lang: str = "en") -> bytes:
    """The print-ready static picture of exactly this view (:func:`layers.export.export_picture`)."""
    store = load_store()
    return export_picture(
        store.events,
        filters=view.filters,
        fmt=fmt,
        set_aside=store.report.set_aside,
        record=record_state(store.events, store.root),
        lang=lang,
    )


def picture_downloads(containers: Sequence[Any], view: View) -> None:
    """PNG and PDF buttons for the static picture of this view, built only when clicked."""
    t = tr()
    labels = {"png": t.gettext("PNG picture"), "pdf": t.gettext("PDF picture")}
    for container, fmt, mime in zip(
        containers, ("png", "pdf"), ("image/png", "application/pdf"), strict=True
    ):
        container.download_button(
            labels[fmt],
            partial(picture_bytes, view, fmt, t.language),
            f"bordermon-map-{date.today().isoformat()}.{fmt}",
            mime,
            icon=":material/image:",
            on_click="ignore",
            key=f"download_{fmt}",
            help=t.gettext(
                "A print-ready static map of this view (A4): legend, scale bar, sources and attribution."
            ),
        )


def _map_of_view(
    store: EventStore,
    view: View,
    color_by: Literal["category", "distance_band"],
    assets: MapAssets,
    key: str,
) -> folium.Map:
    """The map of a view, built once per session while the view and the store stay the same.

    A rerun that does not change the view (a click on the map, a row of the table, a
    page of the table) reuses it: nothing is filtered or encoded again, and the browser
    receives the same script, so it keeps the map as it is drawn.
    """
    lang = tr().language
    signature = (store_version(), view.filters, view.density, color_by, assets, lang)
    kept = st.session_state.get(f"_built_{key}")
    if kept is not None and kept[0] == signature:
        # st_folium renames parts of the map it renders: it gets a copy each time (the
        # payload strings are shared, not copied), and the same script comes out.
        built: folium.Map = copy.deepcopy(kept[1])
        return built
    m = build_map(
        load_view(view.filters),
        read_map_reference(),
        filters=view.filters,
        set_aside=store.report.set_aside,
        info=False,  # the page says what is shown; on a 500 px map the boxes crowd it
        collapsed_control=True,
        color_by=color_by,
        measures=load_measures() if color_by == "distance_band" else None,
        assets=assets,
        density=view.density if view.density in DENSITY_WEIGHTS else None,
        lang=lang,
        timeline=False,  # the page draws its own timeline under the map (dashboard/timeline.py)
    )
    st.session_state[f"_built_{key}"] = (signature, m)
    return copy.deepcopy(m)


def html_download(container: Any, view: View) -> None:
    """A button that downloads the self-contained HTML map of exactly this view.

    The page (about 1.5 MB with every script inlined) is built only when clicked.
    """

    t = tr()
    lang = t.language

    def build() -> bytes:
        store = load_store()
        page = export_html(
            store.events,
            filters=view.filters,
            set_aside=store.report.set_aside,
            unreadable=len(unreadable_files(store.report)),
            record=record_state(store.events, store.root),
            density=view.density if view.density in DENSITY_WEIGHTS else None,
            lang=lang,
        )
        return page.encode("utf-8")

    container.download_button(
        t.gettext("HTML map"),
        build,
        f"bordermon-map-{date.today().isoformat()}.html",
        "text/html",
        icon=":material/download:",
        on_click="ignore",
        key="download_html",
        help=t.gettext("One self-contained file: opens in any browser, offline (base map tiles aside)."),
    )
