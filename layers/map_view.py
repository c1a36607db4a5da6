"""Show a view of a map of every event: the map script's call that narrows it in the browser.

A map of 100k events is a 12 MB script that the browser takes seconds to receive, parse
and draw. The dashboard builds it once per store version (:func:`layers.map.build_view_map`)
and, for each view (filters, timeline window, search), sends only this call: one bit per
event of each layer (about 17 KB at 100k events), and what the view changes besides
which events are drawn (the legend and its counts, the counts in the layer control, the
density surface, the days playback spans and the events without a place it names). The
map script (``bordermon.showView`` in ``layers/static/bordermon-map.js``) draws exactly
those events; playback and clicks see no other.
"""

from __future__ import annotations

import base64
from typing import Any

import geopandas as gpd
import numpy as np

from layers.density import density_surface
from layers.filters import Filters
from layers.legend import legend_html
from layers.map import MapViews, group_label, layer_counts
from layers.map_time import time_domain
from layers.mapdata import js_string
from layers.timeline import day_number

__all__ = ["pack_bits", "view_call", "view_literal", "view_script", "view_state"]


def pack_bits(marks: np.ndarray) -> str:
    """Booleans as base64 of their bits, first event in the lowest bit of the first byte."""
    packed = np.packbits(np.asarray(marks, dtype=bool), bitorder="little")
    return base64.b64encode(packed.tobytes()).decode("ascii")


def view_state(views: MapViews, shown: gpd.GeoDataFrame, filters: Filters) -> dict[str, Any]:
    """What the map script is given to show a view: per layer the events it draws, and the rest.

    Parameters
    ----------
    views : MapViews
        Of the map of every event (:func:`layers.map.build_view_map`).
    shown : GeoDataFrame
        The view's events: :func:`layers.filters.filter_events` of the map's events with
        ``filters`` (rows of the same frame, with its index).
    filters : Filters
        The view (its window sets the span of playback).

    Returns
    -------
    dict
        JSON-ready: ``masks`` (layer → :func:`pack_bits` of its events in the view, in
        the payload's order), ``counts`` (layer → events shown), ``names`` (layer → its
        name in the layer control, with the count), ``legend`` (its HTML, every text
        escaped, or None without a legend), ``density`` (``{"url", "bounds"}`` of the
        view's surface, None when it has no incident, absent when the map draws no
        density) and ``time`` (``domain``, first and last day numbers, and ``unplaced``,
        the bits of the events playback names; absent without playback).

    Raises
    ------
    ValueError
        When ``shown`` holds rows that are not events of the map.
    """
    positions = views.index.get_indexer(shown.index)
    if (positions < 0).any():
        raise ValueError("the view's events must be rows of the events the map was built from")
    in_view = np.zeros(len(views.index), dtype=bool)
    in_view[positions] = True
    marks = {layer: in_view[rows] for layer, rows in views.rows.items()}
    totals, counts, band_counts = layer_counts(views.codes, marks)
    state: dict[str, Any] = {
        "masks": {layer: pack_bits(mark) for layer, mark in marks.items()},
        "counts": totals,
        "names": {layer: group_label(views.names[layer], n) for layer, n in totals.items()},
    }
    surface = None
    if views.density is not None:
        surface = density_surface(shown, views.density) if "incident" in views.layers else None
        state["density"] = (
            None
            if surface is None
            else {"url": surface.data_url(), "bounds": [list(surface.bounds[0]), list(surface.bounds[1])]}
        )
    state["legend"] = (
        legend_html(
            list(views.groups), counts, band_counts, names=views.names, lang=views.lang, density=surface
        )
        if views.legend
        else None
    )
    if views.unplaced is not None:
        in_layers = shown[shown["layer"].isin(views.layers)] if not shown.empty else shown
        first, last = time_domain(in_layers, filters)
        state["time"] = {
            "domain": [day_number(first), day_number(last)],
            "unplaced": pack_bits(in_view[views.unplaced]),
        }
    return state


def view_literal(views: MapViews, shown: gpd.GeoDataFrame, filters: Filters) -> str:
    """:func:`view_state` as a JavaScript string literal of its JSON, with no underscore in it.

    st_folium renames "_<hex>" suffixes in the code it is given: ``\\u005f`` is an
    underscore in JavaScript.
    """
    return js_string(view_state(views, shown, filters)).replace("_", "\\u005f")


def view_call(map_name: str, views: MapViews, shown: gpd.GeoDataFrame, filters: Filters) -> str:
    """The map script's call that shows the view ``shown`` on map ``map_name`` (see :func:`view_state`)."""
    return f"bordermon.showView({map_name}, JSON.parse({view_literal(views, shown, filters)}));\n"


def view_script(name: str, view: str, selected: str | None) -> str:
    """A ``<script>`` for the page that holds the map taking views under ``name``.

    It keeps the view (a :func:`view_literal`) and the selected event's id in the page
    and hands them to the map (``bordermon.takeViews``, :class:`layers.map_elements.TakeViews`)
    if it is drawn; a map drawn later takes them itself. Nothing in it is event text but
    the id, written as a JSON string with ``<``, ``>`` and ``&`` escaped.
    """
    return (
        "<script>(function () {"
        f" var name = JSON.parse({js_string(name)});"
        " var views = window.__bordermonViews || (window.__bordermonViews = {});"
        f" var entry = views[name] = {{view: {view}, selected: JSON.parse({js_string(selected)})}};"
        " var take = (window.__bordermonMaps || {})[name];"
        " if (take) { try { take(entry); } catch (e) { /* a map no longer on the page */ } }"
        " })();</script>"
    )
