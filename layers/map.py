"""Build bordermon's map: GeoDataFrames in, one ``folium.Map`` out.

The same builder serves the dashboard (``st_folium``) and the static export
(:mod:`layers.export`). It draws:

- base maps: OpenStreetMap, a light basemap (CARTO), and "no tiles", switchable, each
  with its attribution;
- a vector context that reads without tiles: country polygons, the Kosovo–Serbia
  boundary, place labels in Serbian and Albanian;
- toggleable layer groups in a layer control: incidents (symbol and colour by category,
  or colour by distance band to the boundary; size by severity), reported deployment
  zones (styled by confidence, with their reported period), KFOR presence, the boundary,
  the historical 1999 GSZ/ASZ, crossings and places;
- a title box (title, time window, filters, counts, the data's date, sources and
  attribution) and a legend.

Events are drawn from compact columnar payloads (:mod:`layers.mapdata`) by
``layers/static/bordermon-map.js`` on one canvas: a page of 100k events builds in about
a second. Events whose place is approximate are drawn as an uncertainty circle with a
hollow centre symbol, areas as hatched or translucent polygons, and events without a
position are counted, not drawn. Every piece of text reaches the page escaped.

The parts a reader looks for live beside it: the folium elements that place the map
script's calls (:mod:`layers.map_elements`), the reference geography
(:mod:`layers.map_reference`), the title box (:mod:`layers.map_title`) and the legend
(:mod:`layers.legend`).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from branca.element import Figure

from layers.assets import MapAssets
from layers.density import WEIGHTS, Density, Weight, density_surface
from layers.filters import Filters, filter_events
from layers.i18n import DEFAULT_LANGUAGE, N_, translator
from layers.legend import legend_html
from layers.map_elements import (
    Attribution,
    BlankBase,
    ControlBox,
    EventLayer,
    FitView,
    MapScript,
    MapWords,
    ReadyMark,
    ReferenceLayer,
    ShareControl,
)
from layers.map_reference import (
    OSM_COPYRIGHT,
    MapReference,
    read_map_reference,
    reference_attribution,
    reference_payloads,
)
from layers.map_time import TimeControl, time_config, time_order
from layers.map_title import data_date, title_html
from layers.mapdata import COLOR_BY, encode_events, mapped_mask
from layers.measures import measure_events
from layers.record_state import RecordState, record_state
from layers.validate import LAYERS
from layers.vocabulary import translated

__all__ = [
    "BASEMAPS",
    "DEFAULT_SHOWN",
    "DEFAULT_TITLE",
    "MAP_LAYERS",
    "REGION_VIEW",
    "LayerCodes",
    "MapReference",
    "MapViews",
    "basemap_attribution",
    "basemap_names",
    "build_map",
    "build_view_map",
    "data_date",
    "layer_names",
    "read_map_reference",
]

#: Layer groups, in the order of the layer control: the three event layers, then the
#: reference layers.
MAP_LAYERS: tuple[str, ...] = (
    "incident",
    "deployment",
    "kfor",
    "boundary",
    "places",
    "safety_zones",
    "countries",
)
#: Groups shown when the map opens; the 1999 zones are historical and start hidden.
DEFAULT_SHOWN: tuple[str, ...] = ("incident", "deployment", "kfor", "boundary", "places", "countries")
DEFAULT_TITLE = N_("bordermon — Kosovo–Serbia boundary")
#: The view the map opens on, (south, west), (north, east): the boundary with a margin.
REGION_VIEW: tuple[tuple[float, float], tuple[float, float]] = ((41.85, 19.95), (43.35, 21.85))

_OSM_LINK = f'<a href="{OSM_COPYRIGHT}">OpenStreetMap</a>'
_OSM_ATTR = N_("© {openstreetmap} contributors")
_CARTO_ATTR = '© <a href="https://carto.com/attributions">CARTO</a>'
#: Base maps: key → (name in the layer control, tile URL, attribution, max zoom, subdomains).
#: Names and attributions are messages, translated where the map is built
#: (:func:`basemap_names`, :func:`basemap_attribution`); ``{openstreetmap}`` is the link.
BASEMAPS: dict[str, tuple[str, str | None, str, int, str]] = {
    "osm": ("OpenStreetMap", "https://tile.openstreetmap.org/{z}/{x}/{y}.png", _OSM_ATTR, 19, "abc"),
    "light": (
        N_("Light (CARTO)"),
        "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png",
        _OSM_ATTR,
        20,
        "abcd",
    ),
    "none": (N_("No tiles (offline, print)"), None, "", 19, ""),
}


def basemap_names(lang: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    """Each base map's name in the layer control, in the language ``lang``."""
    t = translator(lang)
    return {key: t.gettext(name) for key, (name, *_rest) in BASEMAPS.items()}


def basemap_attribution(key: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """The attribution line (HTML) of a base map's tiles, in the language ``lang``."""
    template = BASEMAPS[key][2]
    if not template:
        return ""
    line = translator(lang).gettext(template).format(openstreetmap=_OSM_LINK)
    return f"{line} {_CARTO_ATTR}" if key == "light" else line


_GROUP_NAMES: dict[str, str] = {
    "incident": N_("Incidents"),
    "deployment": N_("Reported deployments"),
    "kfor": N_("KFOR presence"),
    "boundary": N_("Kosovo–Serbia boundary"),
    "places": N_("Crossings and places"),
    "safety_zones": N_("1999 safety zones GSZ/ASZ (historical)"),
    "countries": N_("Countries"),
}
#: The density's name in the layer control (not a layer group of the store or reference).
_DENSITY_NAME = N_("Density of incidents")
# The words the map script writes itself ("{count}" is a number of events, two or more).
_SCRIPT_WORDS: dict[str, str] = {
    "events_here": N_("Events at this place ({count})"),
    "shared_area": N_("Reports drawn with this same area ({count})"),
    "back_to_list": N_("Back to the list"),
}
# Draw order on the shared canvas (symbols get +100): areas at the back.
_ORDER = {
    "countries": 10,
    "safety_zones": 20,
    "deployment": 30,
    "kfor": 35,
    "incident": 40,
    "boundary": 50,
    "places": 60,
}


def layer_names(lang: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    """Map layer key → group name in the layer control (without counts), in ``lang``."""
    return translated(_GROUP_NAMES, lang)


def build_map(
    events: gpd.GeoDataFrame,
    reference: MapReference | None = None,
    *,
    filters: Filters | None = None,
    color_by: Literal["category", "distance_band"] = "category",
    measures: pd.DataFrame | None = None,
    layers: Sequence[str] = MAP_LAYERS,
    shown: Sequence[str] | None = None,
    title: str = DEFAULT_TITLE,
    basemap: str = "osm",
    set_aside: int = 0,
    unreadable: int = 0,
    as_of_data: date | None = None,
    record: RecordState | None = None,
    info: bool = True,
    legend: bool = True,
    collapsed_control: bool = False,
    assets: MapAssets | Literal["cdn"] = "cdn",
    height: str = "100%",
    lang: str = DEFAULT_LANGUAGE,
    playback: bool = True,
    timeline: bool = True,
    density: Literal["count", "casualties"] | None = None,
) -> folium.Map:
    """Build the map of a view of the store.

    Parameters
    ----------
    events : GeoDataFrame
        Events as read by :func:`layers.store.read_store` (the whole store, or a part of
        it). They are filtered here with ``filters`` (:func:`layers.filters.filter_events`),
        so every surface shows the same selection for the same view.
    reference : MapReference, optional
        Countries, boundary, 1999 zones and gazetteer; default the shipped ones
        (:func:`read_map_reference`). ``MapReference()`` draws the events alone.
    filters : Filters, optional
        The view; default everything. Also described in the title box.
    color_by : {"category", "distance_band"}
        Fill colour of the incidents: by category (default), or by distance band to the
        Kosovo–Serbia boundary (:data:`layers.mapdata.BAND_COLORS`, measured in UTM 34N),
        with the bands and their counts in the legend. Symbols keep their category's
        shape; deployments and KFOR keep their styles.
    measures : DataFrame, optional
        :func:`layers.measures.measure_events` of ``events`` (or of a frame holding every
        incident drawn), indexed like ``events``: the dashboard passes the measures it
        caches. Without it, ``color_by="distance_band"`` measures the drawn incidents
        against the shipped reference geography (:func:`layers.measures.load_reference`).
        When measures are given or computed, incident popups state the distance to the
        boundary and its range; otherwise nothing is measured.
    layers : sequence of str
        Layer groups to draw, from :data:`MAP_LAYERS`.
    shown : sequence of str, optional
        Groups visible when the map opens (the others are in the layer control,
        unticked). Default :data:`DEFAULT_SHOWN`, plus the 1999 zones when ``layers``
        names them without naming every group.
    title : str
        Shown in the title box.
    basemap : {"osm", "light", "none"}
        The base map shown first; the others stay available in the layer control.
    unreadable : int
        Store files validation could not read (stated on the map, like ``set_aside``).
    set_aside : int
        Records the store's validation set aside, to state in the title box.
    as_of_data : date, optional
        The data's date; default the latest date of ``events`` (:func:`data_date`).
    record : RecordState, optional
        What the store draws on, stated in the title box
        (:func:`layers.record_state.record_state` of the store, which reads each import's
        date); default worked out from ``events`` alone (imports named, not dated), when
        they carry the store's ``file`` column.
    info, legend : bool
        Draw the title box / the legend.
    collapsed_control : bool
        Collapse the layer control to an icon.
    assets : MapAssets or "cdn"
        Where this map links Leaflet from (:class:`layers.assets.MapAssets`): the CDN
        (default, what :mod:`layers.export` inlines) or installed copies. It is this
        map's own setting; no other map changes.
    height : str
        CSS height of the map.
    lang : str
        The language of the title box, legend and layer names (:data:`layers.i18n.LANGUAGES`);
        the default title is translated, a title given is shown as it is.
    playback, timeline : bool
        Draw the play control along the bottom of the map, and under it the timeline on
        which a dragged window narrows the map (:mod:`layers.map_time`; the timeline
        needs the play control). Both run in the browser.
    density : {"count", "casualties"}, optional
        Also draw the density of the view's incidents under the symbols
        (:func:`layers.density.density_surface`), one per incident or weighted by the
        people reported killed or injured, with its scale in the legend. Incidents
        without a position are left out of it; approximate ones are spread over their
        circle of uncertainty.

    Returns
    -------
    folium.Map
        The map; render it with ``m.get_root().render()`` or give it to ``st_folium``.
    """
    m, _views = _build_map(
        events,
        reference,
        filters=filters,
        color_by=color_by,
        measures=measures,
        layers=layers,
        shown=shown,
        title=title,
        basemap=basemap,
        set_aside=set_aside,
        unreadable=unreadable,
        as_of_data=as_of_data,
        record=record,
        info=info,
        legend=legend,
        collapsed_control=collapsed_control,
        assets=assets,
        height=height,
        lang=lang,
        playback=playback,
        timeline=timeline,
        density=density,
    )
    return m


def build_view_map(
    events: gpd.GeoDataFrame, reference: MapReference | None = None, **options: Any
) -> tuple[folium.Map, MapViews]:
    """A map of every event of ``events`` whose view is chosen in the browser, and what choosing needs.

    The map is :func:`build_map` of ``events`` with the same ``options`` and no filter.
    :func:`layers.map_view.view_call` then gives, for the events of any view (a
    :func:`layers.filters.filter_events` of these ``events``), the call of the map
    script that shows exactly those events, with the legend, the layer control's
    counts, the density and the playback span of that view; the map itself is not
    built or sent again. The title box describes one view, so it is left out.

    Raises
    ------
    ValueError
        With ``filters`` or ``info=True``, or when the events' index has duplicates
        (a view is placed by its index).
    """
    if options.get("filters") is not None or options.get("info", False):
        raise ValueError("a map of every event takes no filters and draws no title box (info=False)")
    if not events.index.is_unique:
        raise ValueError("the events' index must be unique: a view's events are found by it")
    m, views = _build_map(events, reference, **{**options, "info": False}, views=True)
    assert views is not None  # views=True
    return m, views


def _build_map(
    events: gpd.GeoDataFrame,
    reference: MapReference | None = None,
    *,
    filters: Filters | None = None,
    color_by: Literal["category", "distance_band"] = "category",
    measures: pd.DataFrame | None = None,
    layers: Sequence[str] = MAP_LAYERS,
    shown: Sequence[str] | None = None,
    title: str = DEFAULT_TITLE,
    basemap: str = "osm",
    set_aside: int = 0,
    unreadable: int = 0,
    as_of_data: date | None = None,
    record: RecordState | None = None,
    info: bool = True,
    legend: bool = True,
    collapsed_control: bool = False,
    assets: MapAssets | Literal["cdn"] = "cdn",
    height: str = "100%",
    lang: str = DEFAULT_LANGUAGE,
    playback: bool = True,
    timeline: bool = True,
    density: Literal["count", "casualties"] | None = None,
    views: bool = False,
) -> tuple[folium.Map, MapViews | None]:
    _check_arguments(events, layers, basemap, color_by, measures)
    if density is not None and density not in WEIGHTS:
        raise ValueError(f"unknown density {density!r}; choose from {', '.join(WEIGHTS)}")
    names = layer_names(lang)
    if title == DEFAULT_TITLE:
        title = translator(lang).gettext(title)
    view = filters or Filters()
    if reference is None:
        reference = read_map_reference()
    if shown is None:
        shown = DEFAULT_SHOWN
        if "safety_zones" in layers and set(layers) != set(MAP_LAYERS):
            shown = (*shown, "safety_zones")
    selected = filter_events(events, view)
    if not selected.empty and selected.crs is not None and not selected.crs.equals("EPSG:4326"):
        selected = selected.to_crs("EPSG:4326")

    m = _new_map(title, height, basemap, assets if isinstance(assets, MapAssets) else MapAssets.cdn(), lang)
    # The encoder draws the rows with a position (mapped_mask) of each layer: selecting
    # them here first would copy every column of half the store once more.
    events_drawn = _add_event_groups(selected, layers, shown, color_by, measures, names, lang)
    groups = events_drawn.groups
    for layer in MAP_LAYERS:
        if layer in layers and layer not in groups:
            groups[layer] = folium.FeatureGroup(name=names[layer], show=layer in shown)
    groups = {layer: groups[layer] for layer in MAP_LAYERS if layer in groups}
    surface = density_surface(selected, density) if density and "incident" in layers else None
    if surface is not None:
        _add_density(m, surface, translator(lang).gettext(_DENSITY_NAME))
    _add_reference(groups, reference, lang)
    for group in groups.values():
        group.add_to(m)

    has_reference = any(
        frame is not None and not frame.empty
        for frame in (reference.countries, reference.boundary, reference.safety_zones, reference.gazetteer)
    )
    if has_reference and any(k in groups for k in ("boundary", "places", "safety_zones", "countries")):
        Attribution(reference_attribution(lang)).add_to(m)
    folium.LayerControl(collapsed=collapsed_control, position="topright").add_to(m)
    # Under the zoom buttons, above the title box: where the map's own controls are.
    t = translator(lang)
    ShareControl(
        {
            "copy": t.gettext("Copy link"),
            "copied": t.gettext("Link copied: it opens this view, with the map where it is now."),
            "manual": t.gettext("The link to this view"),
            "help": t.gettext("Copy the address of exactly this view: filters, selection, centre and zoom."),
        }
    ).add_to(m)
    if info:
        when = as_of_data if as_of_data is not None else data_date(events)
        not_mapped = _not_mapped(selected, layers)
        if record is None and "file" in events.columns:
            record = record_state(events)
        content = title_html(
            title,
            view,
            events_drawn.shown,
            not_mapped,
            set_aside,
            when,
            has_reference,
            lang,
            unreadable,
            record,
        )
        ControlBox(content, "topleft", "bm-title").add_to(m)
    if legend:
        content = legend_html(
            list(groups),
            events_drawn.counts,
            events_drawn.band_counts,
            names=names,
            lang=lang,
            density=surface,
        )
        ControlBox(content, "bottomleft", "bm-legend-box").add_to(m)
    unplaced = None
    if playback and any(layer in LAYERS for layer in layers):
        wanted = selected["layer"].isin(layers).to_numpy(dtype=bool)
        in_layers = selected if wanted.all() else selected[wanted]  # every layer: no copy
        unplaced = in_layers[~mapped_mask(in_layers)] if not in_layers.empty else in_layers
        TimeControl(time_config(in_layers, view, timeline=timeline, lang=lang, unplaced=unplaced)).add_to(m)
    base_names = basemap_names(lang)
    ReadyMark(base_names[basemap], base_names["none"]).add_to(m)
    if not views:
        return m, None
    mapped = mapped_mask(selected).to_numpy(dtype=bool)
    return m, MapViews(
        index=events.index,
        rows={
            layer: events.index.get_indexer(
                selected.index[mapped & (selected["layer"] == layer).to_numpy(dtype=bool)]
            )
            for layer in events_drawn.codes
        },
        codes=events_drawn.codes,
        unplaced=(None if unplaced is None else events.index.get_indexer(time_order(unplaced).index)),
        groups=tuple(groups),
        names=names,
        layers=tuple(layers),
        density=density if surface is not None else None,
        legend=legend,
        lang=lang,
    )


def _add_density(m: folium.Map, surface: Density, name: str) -> None:
    """The density image in its own pane: over the tiles and countries (pane 350), under the events (400)."""
    folium.map.CustomPane("bm-density", z_index=380, pointer_events=False).add_to(m)
    group = folium.FeatureGroup(name=name, show=True)
    folium.raster_layers.ImageOverlay(
        image=surface.data_url(),
        bounds=[list(surface.bounds[0]), list(surface.bounds[1])],
        pane="bm-density",
        interactive=False,
        className="bm-density",
        pixelated=False,  # a smooth surface: the cells are not data
    ).add_to(group)
    group.add_to(m)


def _check_arguments(events: Any, layers: Sequence[str], basemap: str, color_by: str, measures: Any) -> None:
    if not isinstance(events, gpd.GeoDataFrame):
        raise TypeError(f"events must be a GeoDataFrame, not {type(events).__name__}")
    unknown = [layer for layer in layers if layer not in MAP_LAYERS]
    if unknown:
        raise ValueError(f"unknown map layer(s) {', '.join(unknown)}; choose from {', '.join(MAP_LAYERS)}")
    if basemap not in BASEMAPS:
        raise ValueError(f"unknown basemap {basemap!r}; choose from {', '.join(BASEMAPS)}")
    if color_by not in COLOR_BY:
        raise ValueError(f"unknown color_by {color_by!r}; choose from {', '.join(COLOR_BY)}")
    if measures is not None and not isinstance(measures, pd.DataFrame):
        raise TypeError(f"measures must be a DataFrame, not {type(measures).__name__}")


def _new_map(title: str, height: str, basemap: str, assets: MapAssets, lang: str) -> folium.Map:
    """An empty map with the map script, the first view and the base maps."""
    m = folium.Map(
        location=[42.75, 20.9],
        zoom_start=9,
        tiles=None,
        prefer_canvas=True,
        control_scale=True,
        height=height,
        maxZoom=19,
    )
    # This map's own links (instance attributes): Leaflet alone, from where ``assets`` says.
    m.default_js, m.default_css = assets.links()
    MapScript().add_to(m)
    MapWords(translated(_SCRIPT_WORDS, lang)).add_to(m)
    FitView(REGION_VIEW).add_to(m)
    root = m.get_root()
    if isinstance(root, Figure):
        root.title = html.escape(title, quote=True)
    names = basemap_names(lang)
    for key, (_name, url, _attribution, max_zoom, subdomains) in BASEMAPS.items():
        if url is None:
            BlankBase(names[key], show=key == basemap).add_to(m)
        else:
            folium.TileLayer(
                tiles=url,
                attr=basemap_attribution(key, lang),
                name=names[key],
                max_zoom=max_zoom,
                subdomains=subdomains,
                show=key == basemap,
            ).add_to(m)
    return m


@dataclass(frozen=True)
class LayerCodes:
    """What the legend and the layer control count of one event layer's payload, event by event.

    ``c`` are the category codes (indexes into ``categories``), ``b`` the distance band
    codes (indexes into ``bands``) when the incidents are coloured by band, in the
    payload's order.
    """

    categories: tuple[str, ...]
    c: np.ndarray
    bands: tuple[str, ...] | None = None
    b: np.ndarray | None = None


@dataclass(frozen=True)
class MapViews:
    """What a map of every event needs to show a view of them in the browser (:func:`build_view_map`).

    ``rows`` gives, per event layer, the positions in the events (``index``) of the
    events the layer draws, in the order of its payload; ``unplaced`` those of the events
    playback names (the time script's order), or None without playback. The rest is what
    the legend and the layer control of a view are built from.
    """

    index: pd.Index
    rows: dict[str, np.ndarray]
    codes: dict[str, LayerCodes]
    unplaced: np.ndarray | None
    groups: tuple[str, ...]
    names: dict[str, str]
    layers: tuple[str, ...]
    density: Weight | None
    legend: bool
    lang: str


@dataclass
class _EventGroups:
    """The event layers' groups, and what they hold (for the title box and the legend)."""

    groups: dict[str, folium.FeatureGroup]
    counts: dict[str, dict[str, int]]
    shown: dict[str, int]
    band_counts: dict[str, int] | None
    codes: dict[str, LayerCodes]


def group_label(name: str, count: int) -> str:
    """An event layer's name in the layer control: its name and how many events it draws."""
    return f"{name} ({count:,})"


def layer_counts(
    codes: dict[str, LayerCodes], shown: dict[str, np.ndarray] | None = None
) -> tuple[dict[str, int], dict[str, dict[str, int]], dict[str, int] | None]:
    """Events drawn per layer, per layer and category, and per distance band (or None).

    ``shown`` narrows each layer to its events marked True (a view of a map of every
    event); without it every event of the payload counts.
    """
    totals: dict[str, int] = {}
    counts: dict[str, dict[str, int]] = {}
    band_counts: dict[str, int] | None = None
    for layer, code in codes.items():
        keep = shown.get(layer) if shown is not None else None
        c = code.c if keep is None else code.c[keep]
        totals[layer] = len(c)
        per = np.bincount(c, minlength=len(code.categories))
        counts[layer] = {key: int(n) for key, n in zip(code.categories, per, strict=True)}
        if code.bands is not None and code.b is not None:
            b = code.b if keep is None else code.b[keep]
            bands = np.bincount(b, minlength=len(code.bands))
            band_counts = {label: int(n) for label, n in zip(code.bands, bands, strict=True)}
    return totals, counts, band_counts


def _add_event_groups(
    selected: gpd.GeoDataFrame,
    layers: Sequence[str],
    shown: Sequence[str],
    color_by: str,
    measures: pd.DataFrame | None,
    names: dict[str, str],
    lang: str,
) -> _EventGroups:
    """One group per event layer, each with its encoded events (those with a position)."""
    out = _EventGroups({}, {}, {}, None, {})
    for layer in (layer for layer in MAP_LAYERS if layer in layers and layer in LAYERS):
        if layer == "incident" and (measures is not None or color_by == "distance_band"):
            payload = encode_events(
                selected, layer, measures=_incident_measures(selected, measures), color_by=color_by, lang=lang
            )
        else:
            payload = encode_events(selected, layer, lang=lang)
        by_band = layer == "incident" and color_by == "distance_band"
        out.codes[layer] = LayerCodes(
            categories=tuple(cat["key"] for cat in payload["categories"]),
            c=np.asarray(payload["c"], dtype="int64"),
            bands=tuple(band["label"] for band in payload["bands"]) if by_band else None,
            b=np.asarray(payload["b"], dtype="int64") if by_band else None,
        )
        group = folium.FeatureGroup(name=group_label(names[layer], len(payload["id"])), show=layer in shown)
        EventLayer(payload, layer, _ORDER[layer]).add_to(group)
        out.groups[layer] = group
    out.shown, out.counts, out.band_counts = layer_counts(out.codes)
    return out


def _not_mapped(selected: gpd.GeoDataFrame, layers: Sequence[str]) -> int:
    """Events of the view, in the event layers drawn, without a position to draw."""
    if selected.empty:
        return 0
    in_view = selected[selected["layer"].isin([layer for layer in LAYERS if layer in layers])]
    return int((~mapped_mask(in_view)).sum()) if not in_view.empty else 0


def _incident_measures(selected: gpd.GeoDataFrame, measures: pd.DataFrame | None) -> pd.DataFrame:
    """The measures to encode the incidents with: those given, or the drawn incidents' own."""
    if measures is not None:
        return measures
    if selected.empty:
        return measure_events(selected)
    # Only what is drawn is measured: a filtered view of a large store measures little.
    incident = (selected["layer"] == "incident").to_numpy(dtype=bool)
    return measure_events(selected[incident & mapped_mask(selected).to_numpy(dtype=bool)])


def _add_reference(groups: dict[str, folium.FeatureGroup], reference: MapReference, lang: str) -> None:
    for key, part in reference_payloads(reference, lang).items():
        if part.group in groups:
            order = _ORDER[part.group] + (101 if part.symbols else 0)
            ReferenceLayer(part.payload, key, order, part.label_class).add_to(groups[part.group])
