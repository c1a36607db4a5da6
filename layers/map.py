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
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
from branca.element import Element, Figure, MacroElement
from folium.map import Layer
from folium.template import Template

from layers.assets import ASSETS
from layers.filters import Filters, filter_events
from layers.mapdata import (
    BAND_COLORS,
    COLOR_BY,
    CONFIDENCE_LABELS,
    NOT_MEASURED,
    SEVERITY_LABELS,
    SEVERITY_RADII,
    STYLES,
    encode_events,
    encode_reference,
    js_string,
    mapped_mask,
)
from layers.measures import DISTANCE_BANDS, measure_events
from layers.reference import (
    BOUNDARY_FILE,
    COUNTRIES_FILE,
    GAZETTEER_FILE,
    REFERENCE_DIR,
    SAFETY_ZONES_FILE,
    read_boundary,
    read_countries,
    read_gazetteer,
    read_safety_zones,
)
from layers.validate import LAYERS
from layers.vocabulary import format_day

__all__ = [
    "BASEMAPS",
    "DEFAULT_SHOWN",
    "DEFAULT_TITLE",
    "MAP_LAYERS",
    "REGION_VIEW",
    "MapReference",
    "build_map",
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
DEFAULT_TITLE = "bordermon — Kosovo–Serbia boundary"
#: The view the map opens on, (south, west), (north, east): the boundary with a margin.
REGION_VIEW: tuple[tuple[float, float], tuple[float, float]] = ((41.85, 19.95), (43.35, 21.85))

_OSM_COPYRIGHT = "https://www.openstreetmap.org/copyright"
_ODBL = "https://opendatacommons.org/licenses/odbl/1-0/"
_OSM_ATTR = f'© <a href="{_OSM_COPYRIGHT}">OpenStreetMap</a> contributors'
#: Base maps: key → (name in the layer control, tile URL, attribution, max zoom, subdomains).
BASEMAPS: dict[str, tuple[str, str | None, str, int, str]] = {
    "osm": ("OpenStreetMap", "https://tile.openstreetmap.org/{z}/{x}/{y}.png", _OSM_ATTR, 19, "abc"),
    "light": (
        "Light (CARTO)",
        "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png",
        f'{_OSM_ATTR} © <a href="https://carto.com/attributions">CARTO</a>',
        20,
        "abcd",
    ),
    "none": ("No tiles (offline, print)", None, "", 19, ""),
}
_REFERENCE_ATTRIBUTION = (
    f'Boundary, countries: <a href="{_OSM_COPYRIGHT}">© OpenStreetMap contributors</a> '
    f'(<a href="{_ODBL}">ODbL</a>) · places: GeoNames, Wikipedia'
)
_GROUP_NAMES: dict[str, str] = {
    "incident": "Incidents",
    "deployment": "Reported deployments",
    "kfor": "KFOR presence",
    "boundary": "Kosovo–Serbia boundary",
    "places": "Crossings and places",
    "safety_zones": "1999 safety zones GSZ/ASZ (historical)",
    "countries": "Countries",
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
_STATIC = Path(__file__).resolve().parent / "static"
_KIND_LABELS = {
    "crossing": "crossing point",
    "village": "village",
    "monastery": "monastery",
    "municipality_seat": "municipality seat",
    "town": "town",
    "city": "city",
    "kfor_installation": "KFOR installation",
}
#: What the legend says the colours mean when incidents are coloured by distance band.
_BAND_NOTE = "Colour: distance to the Kosovo–Serbia boundary (UTM 34N)."


@dataclass(frozen=True, eq=False)
class MapReference:
    """The reference geography a map draws; any part may be missing (None).

    Treat it as immutable: the encoded layers are cached per instance, so a map built
    many times (the dashboard, a benchmark) encodes the reference geography once.

    Attributes
    ----------
    countries, boundary, safety_zones, gazetteer : GeoDataFrame or None
        As read by :mod:`layers.reference`.
    """

    countries: gpd.GeoDataFrame | None = None
    boundary: gpd.GeoDataFrame | None = None
    safety_zones: gpd.GeoDataFrame | None = None
    gazetteer: gpd.GeoDataFrame | None = None


def read_map_reference(path: str | Path | None = None) -> MapReference:
    """Read the shipped reference geography (or the files in directory ``path``).

    The same object comes back while the files are unchanged, so the layers encoded
    from it are reused (a dashboard rerun does not encode them again).
    """
    directory = Path(path) if path is not None else REFERENCE_DIR
    files = (COUNTRIES_FILE, BOUNDARY_FILE, SAFETY_ZONES_FILE, GAZETTEER_FILE)
    stamps = tuple((directory / f).stat().st_mtime_ns if (directory / f).exists() else 0 for f in files)
    return _read_map_reference(str(directory.resolve()), stamps)


@lru_cache(maxsize=4)
def _read_map_reference(directory: str, stamps: tuple[int, ...]) -> MapReference:
    del stamps  # part of the cache key only
    return MapReference(
        countries=read_countries(directory),
        boundary=read_boundary(directory),
        safety_zones=read_safety_zones(directory),
        gazetteer=read_gazetteer(directory),
    )


def layer_names() -> dict[str, str]:
    """Map layer key → group name in the layer control (without counts)."""
    return dict(_GROUP_NAMES)


# --------------------------------------------------------------------------- folium elements


@lru_cache(maxsize=1)
def _stylesheet() -> str:
    return "<style>\n" + (_STATIC / "bordermon-map.css").read_text(encoding="utf-8") + "</style>"


@lru_cache(maxsize=1)
def _script() -> str:
    code = (_STATIC / "bordermon-map.js").read_text(encoding="utf-8")
    if "</" in code or "<!--" in code:  # it is inlined into a <script> element
        raise ValueError("bordermon-map.js must not contain '</' or '<!--'")
    return code


def _map_of(element: Element) -> folium.Map:
    node: Any = element
    while node is not None and not isinstance(node, folium.Map):
        node = node._parent
    if node is None:
        raise ValueError("bordermon elements must be added to a folium.Map")
    return node


class _Raw(Element):
    """Fixed markup, inserted as it is (no template: it is not Jinja source)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "Raw"
        self.text = text

    def render(self, **kwargs: Any) -> str:
        return self.text


class _Scripted(MacroElement):
    """A script of bordermon's map (its styles go into the page header once).

    branca's ``MacroElement.render`` compiles the output of the ``script`` macro as a
    Jinja template a second time; with event text inside, ``{{ … }}`` in a title would be
    evaluated. These elements insert their output as it is, and it is megabytes at
    100k events, which a template compiler should not see either.
    """

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]

    def render(self, **kwargs: Any) -> str:
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise TypeError("bordermon elements must be rendered inside a Figure")
        if "bordermon_style" not in figure.header._children:
            figure.header.add_child(_Raw(_stylesheet()), name="bordermon_style")
        script = self._template.module.__dict__["script"]
        figure.script.add_child(_Raw(str(script(self, kwargs))), name=self.get_name())
        for child in self._children.values():
            child.render(**kwargs)
        return ""

    @property
    def map_name(self) -> str:
        return str(_map_of(self).get_name())


class _EventLayer(_Scripted):
    _template = Template(
        "{% macro script(this, kwargs) %}"
        "bordermon.addEvents({{ this.map_name }}, {{ this._parent.get_name() }}, "
        "{{ this.payload }}, {{ this.key|tojson }}, {{ this.order }});\n"
        "{% endmacro %}"
    )

    def __init__(self, payload: dict[str, Any], key: str, order: int) -> None:
        super().__init__()
        self._name = "BordermonEvents"
        self.payload = js_string(payload)
        self.key = key
        self.order = order


class _ReferenceLayer(_Scripted):
    _template = Template(
        "{% macro script(this, kwargs) %}"
        "bordermon.addReference({{ this.map_name }}, {{ this._parent.get_name() }}, "
        "{{ this.payload }}, {{ this.key|tojson }}, {{ this.order }}, {{ this.label_class|tojson }});\n"
        "{% endmacro %}"
    )

    def __init__(self, payload: str, key: str, order: int, label_class: str) -> None:
        super().__init__()
        self._name = "BordermonReference"
        self.payload = payload
        self.key = key
        self.order = order
        self.label_class = label_class


class _Box(_Scripted):
    _template = Template(
        "{% macro script(this, kwargs) %}"
        "bordermon.addControl({{ this.map_name }}, JSON.parse({{ this.content }}), "
        "{{ this.position|tojson }}, {{ this.css_class|tojson }});\n"
        "{% endmacro %}"
    )

    def __init__(self, content_html: str, position: str, css_class: str) -> None:
        super().__init__()
        self._name = "BordermonBox"
        self.content = js_string(content_html)
        self.position = position
        self.css_class = css_class


class _Attribution(_Scripted):
    _template = Template(
        "{% macro script(this, kwargs) %}"
        "if ({{ this.map_name }}.attributionControl) "
        "{ {{ this.map_name }}.attributionControl.addAttribution(JSON.parse({{ this.text }})); }\n"
        "{% endmacro %}"
    )

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "BordermonAttribution"
        self.text = js_string(text)


class _Ready(_Scripted):
    _template = Template(
        "{% macro script(this, kwargs) %}"
        "(function () {"
        " var apply = bordermon.watchBase({{ this.map_name }}, {{ this.blank|tojson }});"
        " bordermon.markReady({{ this.map_name }}, {{ this.initial|tojson }},"
        " {{ this.blank|tojson }}, apply); })();\n"
        "{% endmacro %}"
    )

    def __init__(self, initial: str, blank: str) -> None:
        super().__init__()
        self._name = "BordermonReady"
        self.initial = initial
        self.blank = blank


class _Library(_Scripted):
    """The map script itself, as the first script after the map is created.

    It travels with the map's own script rather than in the page header because
    ``st_folium`` inserts the header with ``innerHTML``, which does not run scripts.
    """

    _template = Template("{% macro script(this, kwargs) %}{{ this.code }}\n{% endmacro %}")

    def __init__(self) -> None:
        super().__init__()
        self._name = "BordermonLibrary"
        self.code = _script()


class _FitView(_Scripted):
    _template = Template(
        "{% macro script(this, kwargs) %}"
        "bordermon.fitView({{ this.map_name }}, {{ this.bounds|tojson }});\n"
        "{% endmacro %}"
    )

    def __init__(self, bounds: Sequence[Sequence[float]]) -> None:
        super().__init__()
        self._name = "BordermonFitView"
        self.bounds = [list(corner) for corner in bounds]


class _BlankBase(Layer):
    """A base layer without tiles: the vector context alone (offline, print)."""

    _template = Template(
        "{% macro script(this, kwargs) %}var {{ this.get_name() }} = L.layerGroup();\n{% endmacro %}"
    )

    def __init__(self, name: str, show: bool) -> None:
        super().__init__(name=name, overlay=False, control=True, show=show)
        self._name = "BlankBase"


# --------------------------------------------------------------------------- text helpers


def _esc(text: Any) -> str:
    return html.escape(str(text), quote=True)


def data_date(events: gpd.GeoDataFrame) -> date | None:
    """The data's date: the latest start or end of any event in the frame, or None."""
    if events.empty:
        return None
    latest = pd.concat([events["start"], events["end"]]).dropna()
    if latest.empty:
        return None
    latest_day: date = pd.Timestamp(latest.max()).date()
    return latest_day


def _window_text(filters: Filters) -> str:
    if filters.start and filters.end:
        return f"{format_day(filters.start)} – {format_day(filters.end)}"
    if filters.start:
        return f"from {format_day(filters.start)}"
    if filters.end:
        return f"up to {format_day(filters.end)}"
    return "all dates"


def _filter_text(filters: Filters) -> list[str]:
    parts = []
    if filters.as_of:
        parts.append(f"deployments and KFOR in effect on {format_day(filters.as_of)}")
    labelled = {key: style.label for styles in STYLES.values() for key, style in styles.items()}
    if filters.categories:
        parts.append("category: " + ", ".join(labelled.get(c, c) for c in filters.categories))
    if filters.actors:
        parts.append("actor: " + ", ".join(filters.actors))
    if filters.sides:
        parts.append("side: " + ", ".join(filters.sides))
    if filters.confidences:
        parts.append("confidence: " + ", ".join(filters.confidences))
    if filters.text.strip():
        parts.append(f"text: “{filters.text.strip()}”")
    return parts


def _plural(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def _title_html(
    title: str,
    filters: Filters,
    shown: dict[str, int],
    not_mapped: int,
    set_aside: int,
    as_of_data: date | None,
    has_reference: bool,
) -> str:
    lines = [f"<h1>{_esc(title)}</h1>", f'<p class="bm-window"><b>{_esc(_window_text(filters))}</b></p>']
    for part in _filter_text(filters):
        lines.append(f'<p class="bm-muted">Filter: {_esc(part)}</p>')
    counts = []
    words = {
        "incident": ("incident", "incidents"),
        "deployment": ("deployment", "deployments"),
        "kfor": ("KFOR record", "KFOR records"),
    }
    for layer, n in shown.items():
        one, many = words[layer]
        counts.append(_plural(n, one, many))
    if counts:
        lines.append(f'<p class="bm-counts">On the map: {_esc(", ".join(counts))}.</p>')
    if not_mapped:
        lines.append(
            f'<p class="bm-not-mapped">{_esc(_plural(not_mapped, "event", "events"))} in this view '
            "without a known location: not on the map.</p>"
        )
    if set_aside:
        lines.append(
            f'<p class="bm-set-aside">{_esc(_plural(set_aside, "record", "records"))} set aside by '
            "validation: not shown.</p>"
        )
    data_text = (
        f"Data up to {format_day(as_of_data)} (latest date in the store)." if as_of_data else "No events."
    )
    lines.append(f'<p class="bm-data-date bm-muted">{_esc(data_text)}</p>')
    lines.append(
        '<p class="bm-sources bm-muted">Sources: every event lists its sources; click it to read them. '
        "Positions are drawn no more precisely than the sources allow.</p>"
    )
    if has_reference:
        lines.append(
            '<p class="bm-attribution bm-muted">Reference data: '
            f'<a href="{_OSM_COPYRIGHT}">© OpenStreetMap contributors</a>, '
            f'<a href="{_ODBL}">ODbL 1.0</a> (boundary, countries, 1999 zones); GeoNames, CC BY 4.0 '
            "and Wikipedia, CC BY-SA 4.0 (places).</p>"
        )
    return "\n".join(lines)


# --------------------------------------------------------------------------- legend


def _points(shape: str, r: float) -> str | None:
    """SVG polygon points of a symbol (the same outlines as the map script)."""
    s3 = float(np.sqrt(3) / 2)
    outlines: dict[str, list[tuple[float, float]]] = {
        "triangle": [(0, -1.25), (1.25 * s3, 0.625), (-1.25 * s3, 0.625)],
        "square": [(-0.9, -0.9), (0.9, -0.9), (0.9, 0.9), (-0.9, 0.9)],
        "diamond": [(0, -1.2), (1.2, 0), (0, 1.2), (-1.2, 0)],
        "pentagon": [
            (1.1 * np.cos(-np.pi / 2 + 2 * np.pi * i / 5), 1.1 * np.sin(-np.pi / 2 + 2 * np.pi * i / 5))
            for i in range(5)
        ],
        "hexagon": [(1.05 * np.cos(2 * np.pi * i / 6), 1.05 * np.sin(2 * np.pi * i / 6)) for i in range(6)],
        "star": [
            (
                (0.5 if i % 2 else 1.25) * np.cos(-np.pi / 2 + np.pi * i / 5),
                (0.5 if i % 2 else 1.25) * np.sin(-np.pi / 2 + np.pi * i / 5),
            )
            for i in range(10)
        ],
    }
    if shape not in outlines:
        return None
    return " ".join(f"{x * r:.2f},{y * r:.2f}" for x, y in outlines[shape])


def _svg_symbol(
    shape: str,
    fill: str,
    radius: float = 6,
    stroke: str = "#1a1a1a",
    width: float = 1,
    dash: str | None = None,
    opacity: float = 0.9,
) -> str:
    box = 2 * radius + 6
    half = box / 2
    style = f'fill="{fill}" fill-opacity="{opacity}" stroke="{stroke}" stroke-width="{width}"'
    if dash:
        style += f' stroke-dasharray="{dash}"'
    points = _points(shape, radius)
    body = f'<circle r="{radius}" {style}/>' if points is None else f'<polygon points="{points}" {style}/>'
    return (
        f'<svg width="{box:g}" height="{box:g}" viewBox="{-half:g} {-half:g} {box:g} {box:g}" '
        f'aria-hidden="true">{body}</svg>'
    )


def _svg_area(color: str, *, hatched: bool = False, dash: str | None = None, opacity: float = 0.3) -> str:
    pattern_id = f"bm-hatch-{color.lstrip('#')}"
    defs = (
        f'<defs><pattern id="{pattern_id}" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(-45)"><line x1="0" y1="0" x2="0" y2="6" stroke="{color}" '
        'stroke-width="2"/></pattern></defs>'
        if hatched
        else ""
    )
    fill = f"url(#{pattern_id})" if hatched else color
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<svg width="22" height="14" viewBox="0 0 22 14" aria-hidden="true">{defs}'
        f'<rect x="1" y="1" width="20" height="12" fill="{fill}" fill-opacity="{1 if hatched else opacity}" '
        f'stroke="{color}" stroke-width="1.5"{dash_attr}/></svg>'
    )


def _svg_line(color: str, width: float, dash: str | None = None, halo: bool = False) -> str:
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    under = '<line x1="1" y1="7" x2="25" y2="7" stroke="#fff" stroke-width="6"/>' if halo else ""
    return (
        f'<svg width="26" height="14" viewBox="0 0 26 14" aria-hidden="true">{under}'
        f'<line x1="1" y1="7" x2="25" y2="7" stroke="{color}" stroke-width="{width}"{dash_attr}/></svg>'
    )


def _item(svg: str, text: str) -> str:
    return f"<li>{svg}<span>{_esc(text)}</span></li>"


def _note(text: str) -> str:
    return f'<li><span class="bm-muted">{_esc(text)}</span></li>'


def _band_legend(band_counts: dict[str, int]) -> str:
    """The distance bands, from deep in Serbia to deep in Kosovo, with their counts.

    The bands of the scale are always listed, so it reads as one; "outside Kosovo and
    Serbia" and "not measured" only when an event is in them.
    """
    parts = ['<ul class="bm-bands">', _note(_BAND_NOTE)]
    scale = DISTANCE_BANDS[:-1]
    for label, count in band_counts.items():
        if label in scale or count:
            color = BAND_COLORS.get(label, NOT_MEASURED[1])
            parts.append(_item(_svg_symbol("circle", color), f"{label} ({count:,})"))
    parts.append("</ul>")
    return "".join(parts)


def _legend_html(
    layers: Sequence[str], counts: dict[str, dict[str, int]], band_counts: dict[str, int] | None = None
) -> str:
    parts = ['<details open><summary>Legend</summary><div class="bm-legend">']
    for layer in ("incident", "deployment", "kfor"):
        if layer not in layers:
            continue
        by_band = layer == "incident" and band_counts is not None
        parts.append(f"<h2>{_esc(_GROUP_NAMES[layer])}</h2><ul>")
        present = counts.get(layer, {})
        styles = STYLES[layer]
        keys = [k for k in styles if present.get(k)] or []
        for key in keys:
            style = styles[key]
            # Coloured by band, a category is its shape alone.
            fill = "none" if by_band else style.color
            parts.append(_item(_svg_symbol(style.shape, fill), f"{style.label} ({present[key]:,})"))
        if not keys:
            parts.append(f"<li><span>{_esc('none in this view')}</span></li>")
        if by_band and keys:
            parts.append(_note("Symbol: category."))
        parts.append("</ul>")
        if by_band and band_counts is not None:
            parts.append(_band_legend(band_counts))
        if layer == "incident":
            parts.append("<ul>")
            for radius, label in zip(SEVERITY_RADII, SEVERITY_LABELS, strict=True):
                size_fill = "none" if by_band else "#9e9e9e"  # a grey would read as a band
                parts.append(_item(_svg_symbol("circle", size_fill, radius), label))
            parts.append(_note("Size: casualties, the lower figure where sources disagree.") + "</ul>")
    if any(layer in layers for layer in ("incident", "deployment", "kfor")):
        parts.append("<h2>Precision and confidence</h2><ul>")
        parts.append(
            _item(
                _svg_symbol("circle", "#ffffff", 5, stroke="#555", width=2, dash="3 2"),
                "place approximate: hollow symbol, dashed circle = uncertainty",
            )
        )
        parts.append(
            _item(_svg_area("#555555", dash="6 4", opacity=0.18), "an area (place not more precise)")
        )
        parts.append(_item(_svg_area("#555555", opacity=0.3), "area, confirmed or reported"))
        parts.append(_item(_svg_area("#555555", hatched=True), "area, claimed or disputed"))
        parts.append(_item(_svg_symbol("circle", "#555555", 5, opacity=0.45), "symbol, claimed or disputed"))
        confidences = ", ".join(CONFIDENCE_LABELS.values())
        parts.append(
            f'<li><span class="bm-muted">{_esc("Confidence: " + confidences + ".")}</span></li></ul>'
        )
    reference_items = []
    if "boundary" in layers:
        reference_items.append(
            _item(_svg_line("#6b1d1d", 2.5, "10 4 2 4", halo=True), "Kosovo–Serbia boundary")
        )
    if "kfor" in layers:
        reference_items.append(
            _item(_svg_symbol("hexagon", "#deebf7", 6, stroke="#08306b", width=2), "KFOR camp (reference)")
        )
        reference_items.append(
            _item(
                _svg_symbol("hexagon", "#ffffff", 6, stroke="#08306b", width=2, dash="3 2", opacity=0.7),
                "KFOR camp, position unverified",
            )
        )
    if "places" in layers:
        reference_items.append(
            _item(_svg_symbol("square", "#ffffff", 4, stroke="#111111", width=2, opacity=1), "crossing point")
        )
        reference_items.append(
            _item(_svg_symbol("circle", "#444444", 3, stroke="#fff", opacity=1), "place (Serbian / Albanian)")
        )
    if "safety_zones" in layers:
        reference_items.append(
            _item(_svg_area("#555555", hatched=True, dash="4 4"), "1999 GSZ (5 km), historical")
        )
        reference_items.append(
            _item(_svg_area("#888888", hatched=True, dash="2 5"), "1999 ASZ (25 km), historical")
        )
    if reference_items:
        parts.append("<h2>Reference</h2><ul>" + "".join(reference_items) + "</ul>")
    parts.append("</div></details>")
    return "".join(parts)


# --------------------------------------------------------------------------- reference layers


def _names(sr: Any, sq: Any) -> str:
    sr_text = "" if sr is None or pd.isna(sr) else str(sr)
    sq_text = "" if sq is None or pd.isna(sq) else str(sq)
    if sr_text and sq_text and sr_text != sq_text:
        return f"{sr_text} / {sq_text}"
    return sr_text or sq_text


def _value(record: dict[str, Any], key: str) -> str:
    value = record.get(key)
    if value is None or (not isinstance(value, list | dict) and pd.isna(value)):
        return ""
    return str(value)


def _label_points(frame: gpd.GeoDataFrame, labels: list[str], style: str) -> gpd.GeoDataFrame:
    points = frame.geometry.representative_point()
    return gpd.GeoDataFrame({"label": labels, "s": style}, geometry=points.to_numpy(), crs=frame.crs)


def _countries_payload(countries: gpd.GeoDataFrame) -> dict[str, Any]:
    styles = [
        "country_xk" if iso == "XK" else "country" for iso in countries.get("iso", [None] * len(countries))
    ]
    shapes = encode_reference(countries, style=styles)
    names = [str(n) for n in countries.get("name_en", [""] * len(countries))]
    labels = encode_reference(_label_points(countries, names, "label"), style="label", label=names)
    shapes["features"].extend(labels["features"])
    return shapes


def _boundary_payload(boundary: gpd.GeoDataFrame) -> dict[str, Any]:
    records = boundary.drop(columns="geometry").to_dict("records")
    rows = [
        [
            ("Note", _value(r, "note")),
            (
                "Length",
                f"{_value(r, 'length_km')} km (measured in UTM 34N)" if _value(r, "length_km") else "",
            ),
            ("Source", _value(r, "source")),
            ("Licence", _value(r, "licence")),
        ]
        for r in records
    ]
    return encode_reference(
        boundary,
        style="boundary",
        title=[_value(r, "name") or "Kosovo–Serbia boundary" for r in records],
        rows=[[row for row in rs if row[1]] for rs in rows],
        links=[[("© OpenStreetMap contributors (ODbL)", _OSM_COPYRIGHT)] for _ in records],
    )


def _zones_payload(zones: gpd.GeoDataFrame) -> dict[str, Any]:
    records = zones.drop(columns="geometry").to_dict("records")
    styles = ["zone_gsz" if r.get("zone") == "GSZ" else "zone_asz" for r in records]
    rows = []
    for r in records:
        established = r.get("established")
        established_text = format_day(pd.Timestamp(established).date()) if established is not None else ""
        rows.append(
            [
                row
                for row in (
                    ("Status", "historical reference zone, not in force"),
                    ("Established", established_text),
                    ("Agreement", _value(r, "agreement")),
                    ("Width", f"{_value(r, 'width_km')} km" if _value(r, "width_km") else ""),
                    ("Area", f"{_value(r, 'area_km2')} km²" if _value(r, "area_km2") else ""),
                    ("Where", _value(r, "side")),
                    ("History", _value(r, "history")),
                )
                if row[1]
            ]
        )
    links = [[(str(url), str(url)) for url in (r.get("sources") or [])] for r in records]
    shapes = encode_reference(
        zones,
        style=styles,
        title=[_value(r, "name") or _value(r, "zone") for r in records],
        rows=rows,
        links=links,
    )
    labels = [f"{_value(r, 'zone')} 1999 (historical)" for r in records]
    label_layer = encode_reference(_label_points(zones, labels, "label"), style="label", label=labels)
    shapes["features"].extend(label_layer["features"])
    return shapes


def _gazetteer_payload(points: gpd.GeoDataFrame, *, kfor: bool) -> dict[str, Any]:
    records = points.drop(columns="geometry").to_dict("records")
    styles, labels, titles, rows, links = [], [], [], [], []
    for r in records:
        unverified = r.get("confidence") == "low"
        names = _names(r.get("name_sr"), r.get("name_sq"))
        english = _value(r, "name_en")
        if kfor:
            styles.append("kfor_site_unverified" if unverified else "kfor_site")
            label = english or names
            labels.append(f"{label} (position unverified)" if unverified else label)
        else:
            styles.append("crossing" if r.get("kind") == "crossing" else "place")
            labels.append(names)
        titles.append(english if english and kfor else names)
        rows.append(
            [
                row
                for row in (
                    ("Serbian", _value(r, "name_sr")),
                    ("Albanian", _value(r, "name_sq")),
                    ("English", english),
                    ("Kind", _KIND_LABELS.get(_value(r, "kind"), _value(r, "kind"))),
                    ("Municipality", _value(r, "municipality")),
                    ("Position", "unverified approximation" if unverified else _value(r, "confidence")),
                    ("Note", _value(r, "note")),
                    ("Source", _value(r, "source")),
                )
                if row[1]
            ]
        )
        url = _value(r, "source_url")
        links.append([(url, url)] if url else [])
    return encode_reference(points, style=styles, label=labels, title=titles, rows=rows, links=links)


# --------------------------------------------------------------------------- the map


def _asset_links(assets: Literal["configured", "cdn"]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Leaflet's script and stylesheet: the only third-party files this map needs."""
    if assets == "cdn":
        by_name = {a.name: a.cdn_url for a in ASSETS}
        return [("leaflet", by_name["leaflet"])], [("leaflet_css", by_name["leaflet_css"])]
    js = [(n, u) for n, u in folium.Map.default_js if n == "leaflet"]
    css = [(n, u) for n, u in folium.Map.default_css if n == "leaflet_css"]
    return js, css


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
    as_of_data: date | None = None,
    info: bool = True,
    legend: bool = True,
    collapsed_control: bool = False,
    assets: Literal["configured", "cdn"] = "configured",
    height: str = "100%",
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
    set_aside : int
        Records the store's validation set aside, to state in the title box.
    as_of_data : date, optional
        The data's date; default the latest date of ``events`` (:func:`data_date`).
    info, legend : bool
        Draw the title box / the legend.
    collapsed_control : bool
        Collapse the layer control to an icon.
    assets : {"configured", "cdn"}
        Leaflet's links: as :func:`layers.assets.use_local_assets` configured folium,
        or the CDN links (what :mod:`layers.export` inlines).
    height : str
        CSS height of the map.

    Returns
    -------
    folium.Map
        The map; render it with ``m.get_root().render()`` or give it to ``st_folium``.
    """
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
    view = filters or Filters()
    if reference is None:
        reference = read_map_reference()
    has_reference = any(
        frame is not None and not frame.empty
        for frame in (reference.countries, reference.boundary, reference.safety_zones, reference.gazetteer)
    )
    if shown is None:
        shown = DEFAULT_SHOWN
        if "safety_zones" in layers and set(layers) != set(MAP_LAYERS):
            shown = (*shown, "safety_zones")
    when = as_of_data if as_of_data is not None else data_date(events)
    selected = filter_events(events, view)
    if not selected.empty and selected.crs is not None and not selected.crs.equals("EPSG:4326"):
        selected = selected.to_crs("EPSG:4326")
    on_map = mapped_mask(selected)
    event_layers = [layer for layer in LAYERS if layer in layers]
    in_view = selected[selected["layer"].isin(event_layers)] if not selected.empty else selected
    not_mapped = int((~mapped_mask(in_view)).sum()) if not in_view.empty else 0

    m = folium.Map(
        location=[42.75, 20.9],
        zoom_start=9,
        tiles=None,
        prefer_canvas=True,
        control_scale=True,
        height=height,
        maxZoom=19,
    )
    m.default_js, m.default_css = _asset_links(assets)
    _Library().add_to(m)
    _FitView(REGION_VIEW).add_to(m)
    root = m.get_root()
    if isinstance(root, Figure):
        root.title = _esc(title)

    for key, (name, url, attribution, max_zoom, subdomains) in BASEMAPS.items():
        if url is None:
            _BlankBase(name, show=key == basemap).add_to(m)
        else:
            folium.TileLayer(
                tiles=url,
                attr=attribution,
                name=name,
                max_zoom=max_zoom,
                subdomains=subdomains,
                show=key == basemap,
            ).add_to(m)

    counts: dict[str, dict[str, int]] = {}
    band_counts: dict[str, int] | None = None
    shown_counts: dict[str, int] = {}
    groups: dict[str, folium.FeatureGroup] = {}
    drawn = selected[on_map] if not selected.empty else selected
    for layer in MAP_LAYERS:
        if layer not in layers:
            continue
        if layer in LAYERS:
            if layer == "incident" and (measures is not None or color_by == "distance_band"):
                payload = encode_events(
                    drawn, layer, measures=_incident_measures(drawn, measures), color_by=color_by
                )
                if color_by == "distance_band":
                    band_counts = _band_counts(payload)
            else:
                payload = encode_events(drawn, layer)
            n = len(payload["id"])
            shown_counts[layer] = n
            codes = np.bincount(np.asarray(payload["c"], dtype="int64"), minlength=len(payload["categories"]))
            counts[layer] = {cat["key"]: int(c) for cat, c in zip(payload["categories"], codes, strict=True)}
            group = folium.FeatureGroup(name=f"{_GROUP_NAMES[layer]} ({n:,})", show=layer in shown)
            _EventLayer(payload, layer, _ORDER[layer]).add_to(group)
            groups[layer] = group
        else:
            group = folium.FeatureGroup(name=_GROUP_NAMES[layer], show=layer in shown)
            groups[layer] = group
    _add_reference(groups, reference)
    for group in groups.values():
        group.add_to(m)

    if has_reference and any(k in groups for k in ("boundary", "places", "safety_zones", "countries")):
        _Attribution(_REFERENCE_ATTRIBUTION).add_to(m)
    folium.LayerControl(collapsed=collapsed_control, position="topright").add_to(m)
    if info:
        content = _title_html(title, view, shown_counts, not_mapped, set_aside, when, has_reference)
        _Box(content, "topleft", "bm-title").add_to(m)
    if legend:
        _Box(_legend_html(list(groups), counts, band_counts), "bottomleft", "bm-legend-box").add_to(m)
    _Ready(BASEMAPS[basemap][0], BASEMAPS["none"][0]).add_to(m)
    return m


def _incident_measures(drawn: gpd.GeoDataFrame, measures: pd.DataFrame | None) -> pd.DataFrame:
    """The measures to encode the incidents with: those given, or the drawn incidents' own."""
    if measures is not None:
        return measures
    if drawn.empty:
        return measure_events(drawn)
    # Only what is drawn is measured: a filtered view of a large store measures little.
    return measure_events(drawn[(drawn["layer"] == "incident").to_numpy(dtype=bool)])


def _band_counts(payload: dict[str, Any]) -> dict[str, int]:
    """Events per distance band (and "not measured") of an encoded layer, in band order."""
    bands = payload["bands"]
    codes = np.bincount(np.asarray(payload["b"], dtype="int64"), minlength=len(bands))
    return {band["label"]: int(c) for band, c in zip(bands, codes, strict=True)}


@lru_cache(maxsize=8)
def _reference_payloads(reference: MapReference) -> dict[str, tuple[str, str, int, str]]:
    """Encoded reference layers: name → (group, JS string, draw order, label class)."""
    out: dict[str, tuple[str, str, int, str]] = {}
    if reference.countries is not None and not reference.countries.empty:
        payload = _countries_payload(reference.countries)
        out["countries"] = ("countries", js_string(payload), _ORDER["countries"], "bm-label-country")
    if reference.boundary is not None and not reference.boundary.empty:
        out["boundary"] = (
            "boundary",
            js_string(_boundary_payload(reference.boundary)),
            _ORDER["boundary"],
            "",
        )
    if reference.safety_zones is not None and not reference.safety_zones.empty:
        payload = _zones_payload(reference.safety_zones)
        out["safety_zones"] = ("safety_zones", js_string(payload), _ORDER["safety_zones"], "bm-label-zone")
    gazetteer = reference.gazetteer
    if gazetteer is None or gazetteer.empty:
        return out
    is_kfor = (gazetteer["kind"] == "kfor_installation").to_numpy(dtype=bool)
    places = gazetteer[~is_kfor]
    crossing = (places["kind"] == "crossing").to_numpy(dtype=bool)
    # Crossings get their own (bold) label class; both live in the "places" group.
    if crossing.any():
        payload = _gazetteer_payload(places[crossing], kfor=False)
        out["crossings"] = ("places", js_string(payload), _ORDER["places"], "bm-label-crossing")
    if (~crossing).any():
        payload = _gazetteer_payload(places[~crossing], kfor=False)
        out["places"] = ("places", js_string(payload), _ORDER["places"], "bm-label-place")
    if is_kfor.any():
        payload = _gazetteer_payload(gazetteer[is_kfor], kfor=True)
        out["kfor_sites"] = ("kfor", js_string(payload), _ORDER["kfor"] + 101, "")
    return out


def _add_reference(groups: dict[str, folium.FeatureGroup], reference: MapReference) -> None:
    for key, (group, payload, order, label_class) in _reference_payloads(reference).items():
        if group in groups:
            _ReferenceLayer(payload, key, order, label_class).add_to(groups[group])
