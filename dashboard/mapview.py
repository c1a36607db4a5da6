"""The map of the view through ``st_folium``, clicks that select an event, and the map downloads."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from functools import partial
from typing import Any, Literal

import folium
import folium.elements
import streamlit as st
import streamlit_folium

from dashboard.data import load_measures, load_store, load_view, release_memory, store_version
from dashboard.lang import tr
from dashboard.layout import MAP_HEIGHTS
from dashboard.mapscript import served_script
from layers.assets import MAP_ASSET_NAMES, STATIC_VENDOR_DIR, STATIC_VENDOR_URL, MapAssets, assets_installed
from layers.cliargs import unreadable_files
from layers.density import WEIGHTS as DENSITY_WEIGHTS
from layers.export import export_html, export_picture
from layers.filters import Filters
from layers.map import MapViews, build_view_map, read_map_reference
from layers.map_elements import TakeViews
from layers.map_view import view_literal, view_script
from layers.record_state import record_state
from layers.store import EventStore
from layers.views import View

#: What the map sends back: only clicks (the clicked event's id, as its tooltip);
#: panning and zooming do not rerun the script.
_RETURNED = ("last_object_clicked_tooltip",)


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
    color_by: Literal["category", "distance_band"] = "category",
    key: str = "map",
    selected: str | None = None,
) -> str | None:
    """Draw the map of the view; return the id of an event the reader clicked, if any.

    With ``color_by="distance_band"`` incidents are coloured by their distance to the
    boundary, from the store's cached measures. The ``selected`` event (from the table,
    the URL or a click) is ringed and brought into view, without drawing the map again.
    Its height is that of ``key`` in :data:`dashboard.layout.MAP_HEIGHTS`.
    """
    assets = served_assets()
    if assets.source == "cdn":
        st.caption(
            tr().gettext(
                "Map scripts load from public CDNs: run `python3 dev.py dashboard` with Node.js "
                "installed to serve them from this app."
            )
        )
    path, stamp = store_version()
    density = view.density if view.density in DENSITY_WEIGHTS else None
    args, _views = _map_component(path, stamp, density, color_by, assets, tr().language, key)
    args = served_script(args)  # the map's megabytes over HTTP, once per browser (dashboard/mapscript.py)
    hash_key = args["key"]

    def changed() -> None:  # as st_folium keeps the map's last value under its key
        st.session_state[key] = st.session_state.get(hash_key, {})

    # The component's arguments are the same for every view and selection: Streamlit
    # sends the browser a reference to the map it holds, and the map stays drawn.
    # Its frame keeps its room from the page's first paint (MAP_HEIGHTS).
    height = MAP_HEIGHTS[key]
    with st.container(height=height, border=False, key=f"{key}_frame"):
        result: dict[str, Any] = streamlit_folium._component_func(
            **args, height=height, width=None, on_change=changed
        )
    # The view and the selection go to that map through the page (a few KB per view).
    literal = _view_literal(path, stamp, view.filters, density, color_by, assets, tr().language, key)
    with st.container(key=f"{key}_view"):  # takes no room (dashboard/layout.css)
        st.html(view_script(key, literal, selected), unsafe_allow_javascript=True)
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


@st.cache_resource(show_spinner=False, max_entries=4)
def _map_component(
    path: str,
    stamp: Any,
    density: str | None,
    color_by: Literal["category", "distance_band"],
    assets: MapAssets,
    lang: str,
    key: str,
) -> tuple[dict[str, Any], MapViews]:
    """What ``st_folium`` sends for the map of every event of the store, built once per store version.

    Every input of the map is a parameter, so part of the key; the view is not one: a
    view is shown in the map already drawn (:func:`_view_code`). Shared by every session
    and rerun (``st.cache_resource``): a first visit, a rerun and a change of view
    neither build nor render the map again. The arguments are the same strings each
    time, so the browser keeps the map as it is drawn. ``st_folium`` renders the map and
    rewrites its script on every call (at 100k events a 12 MB script, several regular
    expressions over it); this does what it does, once.
    """
    store = load_store()
    m, views = build_view_map(
        store.events,
        read_map_reference(),
        set_aside=store.report.set_aside,
        collapsed_control=True,
        color_by=color_by,
        measures=load_measures() if color_by == "distance_band" else None,
        assets=assets,
        density=density,
        lang=lang,
        timeline=False,  # the page draws its own timeline under the map (dashboard/timeline.py)
    )
    TakeViews(key).add_to(m)  # the view and the selection come from the page (render_map)
    arguments = _folium_arguments(m, key)
    del m  # the map's elements and payload dicts: only the strings are kept
    release_memory()
    return arguments, views


@st.cache_resource(show_spinner=False, max_entries=32)
def _view_literal(
    path: str,
    stamp: Any,
    filters: Filters,
    density: str | None,
    color_by: Literal["category", "distance_band"],
    assets: MapAssets,
    lang: str,
    key: str,
) -> str:
    """What the map of every event is given to show the view ``filters``, once per view.

    About 17 KB per 100k events (a bit per event), more with a density surface: the map
    draws exactly the view's events (:func:`layers.map_view.view_state`).
    """
    _args, views = _map_component(path, stamp, density, color_by, assets, lang, key)
    return view_literal(views, load_view(filters), filters)


def _folium_arguments(m: folium.Map, key: str) -> dict[str, Any]:
    """The arguments ``st_folium`` (streamlit-folium, as locked) gives its component, for ``m``.

    The same steps in the same order: render, take the HTML, the header and the
    rewritten script, the links, and the key derived from the script.
    """
    sf = streamlit_folium
    m.get_root().render()
    m.render()
    html, header = sf._get_html(m), sf._get_header(m)
    script = sf._get_map_string(m)
    css_links: list[str] = []
    js_links: list[str] = []
    for element in _elements(m):
        css_links.extend(href for _, href in getattr(element, "default_css", []))
        js_links.extend(src for _, src in getattr(element, "default_js", []))
    return {
        "script": script,
        "header": header,
        "html": html,
        "id": sf.get_full_id(m),
        "key": sf.generate_js_hash(script, key, False),
        "returned_objects": list(_RETURNED),
        "default": dict.fromkeys(_RETURNED),
        "zoom": None,
        "center": None,
        "feature_group": None,
        "return_on_hover": False,
        "layer_control": None,
        "pixelated": False,
        "css_links": list(dict.fromkeys(css_links)),
        "js_links": list(dict.fromkeys(js_links)),
        "wrap_longitude": False,
    }


def _elements(element: Any) -> Any:
    """Every element of a map that may carry script or stylesheet links, depth first."""
    if isinstance(element, folium.elements.JSCSSMixin):
        yield element
    for child in getattr(element, "_children", {}).values():
        yield from _elements(child)


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
