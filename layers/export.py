"""Export the map of a view as one standalone HTML file, or as a picture (``bordermon export``).

The file carries the title, the time window and filters, the data's date, the sources
note and the attributions. By default it is self-contained: Leaflet, bordermon's map
script, styles and images are inlined (:func:`layers.assets.inline_assets`), so it opens
with the network off, tiles aside. With ``self_contained=False`` it links Leaflet from
its CDN instead (a smaller file that needs the network).

Same inputs → byte-identical output: folium's random element ids are replaced by ids
derived from each element's position in the map, and nothing depends on the clock.

``--format png|svg|pdf`` draws the same view as a print-ready static map instead
(:mod:`layers.picture`: no browser, no tiles; SVG byte-identical for the same inputs).
"""

from __future__ import annotations

import argparse
import hashlib
import html
import sys
import warnings
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd
import pandas as pd
from branca.element import Element

from layers.assets import AssetsMissingWarning, assets_installed, external_links, inline_assets
from layers.cliargs import (
    UsageError,
    check_view,
    listed,
    open_store,
    parse_day,
    set_aside_line,
    store_path,
    unreadable_files,
)
from layers.filter_args import add_source_arguments, cited_filters, source_filters, uses_sources
from layers.filters import CONFIDENCES, SIDES, Filters, filter_events
from layers.i18n import DEFAULT_LANGUAGE, LANG_ENV, LANGUAGES, Translator, choose_language, translator
from layers.map import BASEMAPS, DEFAULT_TITLE, MAP_LAYERS, MapReference, build_map, data_date
from layers.mapdata import mapped_mask
from layers.paths import STORE_ENV, OutputPathError, ensure_output_outside_store, write_output
from layers.picture import FORMATS, PRESETS, PictureReference, draw_picture
from layers.record_state import RecordState, record_state
from layers.reference import read_boundary, read_countries, read_gazetteer, read_safety_zones
from layers.store import EVENT_COLUMNS, EventStore
from layers.validate import LAYERS
from layers.vocabulary import describe_window

__all__ = [
    "EXPORT_COLUMNS",
    "LAYER_ALIASES",
    "add_export_command",
    "assign_stable_ids",
    "export_html",
    "export_picture",
    "parse_layers",
    "write_html",
    "write_output",
]

#: Event columns the map and its filters use: disputes, tags, external ids and extensions
#: are not drawn, so ``bordermon export`` does not read them.
EXPORT_COLUMNS: tuple[str, ...] = tuple(
    name for name in EVENT_COLUMNS if name not in ("disputes", "tags", "external_ids", "extensions")
)
# The summary is not drawn either; only --text searches it. It is the store's largest text
# column (~0.7 KB an event), and every selection of the frame copies it.
_UNSEARCHED_COLUMNS: tuple[str, ...] = tuple(name for name in EXPORT_COLUMNS if name != "summary")


def assign_stable_ids(root: Element, salt: str = "bordermon") -> None:
    """Give every element of a folium tree an id derived from its position, not chance.

    folium names each element's JavaScript variable after a random 32-hex id. These ids
    keep that form (so they cannot collide with text in the page) but depend only on
    the element's place in the tree: the same map renders to the same bytes.
    """
    counter = 0
    stack: list[Any] = [root]
    while stack:
        node = stack.pop(0)
        node._id = hashlib.sha256(f"{salt}:{counter}".encode()).hexdigest()[:32]
        counter += 1
        for attr in ("header", "html", "script"):
            child = getattr(node, attr, None)
            if isinstance(child, Element) and child is not node:
                stack.append(child)
        stack.extend(node._children.values())


def export_html(
    events: gpd.GeoDataFrame,
    *,
    filters: Filters | None = None,
    color_by: Literal["category", "distance_band"] = "category",
    measures: pd.DataFrame | None = None,
    layers: Sequence[str] = MAP_LAYERS,
    reference: MapReference | None = None,
    title: str = DEFAULT_TITLE,
    basemap: str = "osm",
    set_aside: int = 0,
    unreadable: int = 0,
    as_of_data: date | None = None,
    record: RecordState | None = None,
    self_contained: bool = True,
    lang: str = DEFAULT_LANGUAGE,
    density: Literal["count", "casualties"] | None = None,
) -> str:
    """The standalone HTML page of the map of a view.

    Parameters
    ----------
    events : GeoDataFrame
        The store's events (all of them: the view is selected with ``filters``, and the
        data's date is the latest date in ``events``).
    filters : Filters, optional
        Time window and other filters (:class:`layers.filters.Filters`).
    color_by : {"category", "distance_band"}
        Colour incidents by category or by distance band to the boundary.
    measures : DataFrame, optional
        :func:`layers.measures.measure_events` of ``events``, if already computed.
        See :func:`layers.map.build_map` for both.
    layers : sequence of str
        Layer groups (:data:`layers.map.MAP_LAYERS`).
    reference : MapReference, optional
        Reference geography; default the shipped one. ``MapReference()`` draws the
        events without it.
    title : str
        Title of the page and of the map.
    basemap : {"osm", "light", "none"}
        Base map shown first.
    set_aside : int
        Records the store's validation set aside (stated on the map).
    unreadable : int
        Store files that could not be read at all (stated on the map).
    as_of_data : date, optional
        The data's date; default the latest date in ``events``.
    record : RecordState, optional
        What the store draws on, stated in the title box: pass
        :func:`layers.record_state.record_state` of the store to date its imports; default
        worked out from ``events`` (:func:`layers.map.build_map`).
    self_contained : bool
        Inline every asset (default). When the assets are not installed the page links
        the CDNs instead, and an :class:`layers.assets.AssetsMissingWarning` says so.
    lang : str
        The language of the title box, legend and layer names (:data:`layers.i18n.LANGUAGES`).
    density : {"count", "casualties"}, optional
        Also draw the density of the incidents under their symbols (see
        :func:`layers.map.build_map`).

    Returns
    -------
    str
        The HTML page. The same arguments always give the same string.
    """
    m = build_map(
        events,
        reference,
        filters=filters,
        color_by=color_by,
        measures=measures,
        layers=layers,
        title=title,
        basemap=basemap,
        set_aside=set_aside,
        unreadable=unreadable,
        as_of_data=as_of_data,
        record=record,
        assets="cdn",
        lang=lang,
        density=density,
    )
    root = m.get_root()
    assign_stable_ids(root)
    page: str = root.render()
    t = translator(lang)
    page = page.replace("<html>", f'<html lang="{t.language.replace("_", "-")}">', 1)
    noscript = html.escape(t.gettext("This map needs JavaScript; its data is embedded in this file."))
    page = page.replace("<body>", f"<body>\n<noscript>{noscript}</noscript>", 1)
    if not self_contained:
        return _with_cdn_notice(page, t)
    if not assets_installed():
        warnings.warn(
            "the map assets are not installed (run `npm ci --ignore-scripts`): the exported file links "
            "Leaflet from its CDN and needs the network to show the map",
            AssetsMissingWarning,
            stacklevel=2,
        )
        return _with_cdn_notice(page, t)
    page = inline_assets(page)
    left = external_links(page)
    if left:
        raise RuntimeError(f"the export still links {', '.join(left)}; add these assets to layers/assets.py")
    return page


# Shown by a page that links Leaflet from its CDN when the scripts did not load (offline):
# a few lines that run without Leaflet, instead of a blank page.
_CDN_NOTICE_STYLE = (
    "position:fixed;top:0;left:0;right:0;z-index:10000;margin:0;padding:12px 16px;"
    "background:#fff3cd;color:#1a1a1a;border-bottom:1px solid #c9a227;"
    "font:15px/1.4 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif"
)
_CDN_NOTICE_SCRIPT = (
    "<script>window.addEventListener('DOMContentLoaded', function () {"
    " if (typeof L === 'undefined') { document.getElementById('bm-scripts-missing').hidden = false; } });"
    "</script>"
)


def _with_cdn_notice(page: str, t: Translator) -> str:
    """The page with a notice it shows when its scripts, linked from a CDN, did not load."""
    lines = (
        t.gettext("This map could not load its scripts: this file links them from the internet."),
        t.gettext("The default export (without --cdn) is self-contained and works offline."),
    )
    notice = "".join(f'<p style="margin:2px 0">{html.escape(line)}</p>' for line in lines)
    block = f'<div id="bm-scripts-missing" role="alert" hidden style="{_CDN_NOTICE_STYLE}">{notice}</div>'
    return page.replace("</noscript>", f"</noscript>\n{block}\n{_CDN_NOTICE_SCRIPT}", 1)


def export_picture(
    events: gpd.GeoDataFrame,
    *,
    filters: Filters | None = None,
    layers: Sequence[str] = MAP_LAYERS,
    title: str = DEFAULT_TITLE,
    fmt: Literal["png", "svg", "pdf"] = "png",
    preset: str = "a4",
    set_aside: int = 0,
    record: RecordState | None = None,
    lang: str = DEFAULT_LANGUAGE,
) -> bytes:
    """The view as a static picture (:func:`layers.picture.draw_picture`).

    ``events`` is the whole store, as for :func:`export_html`: the view is selected with
    ``filters`` and ``layers``, and the data's date is the latest date in ``events``.
    ``record`` is what the store draws on (:func:`layers.record_state.record_state` of the
    store, to date its imports); by default it is worked out from ``events`` when they
    carry the store's ``file`` column. ``lang`` is the language of the picture's words;
    the default title is translated.
    """
    filters = filters or Filters()
    shown = filter_events(events, filters)
    shown = shown[shown["layer"].isin([layer for layer in LAYERS if layer in layers])]
    reference = PictureReference(
        countries=read_countries(),
        boundary=read_boundary() if "boundary" in layers else None,
        safety_zones=read_safety_zones() if "safety_zones" in layers else None,
        gazetteer=read_gazetteer() if "places" in layers else None,
    )
    return draw_picture(
        shown,
        reference=reference,
        fmt=fmt,
        preset=preset,
        title=translator(lang).gettext(title) if title == DEFAULT_TITLE else title,
        window=describe_window(filters.start, filters.end, lang),
        data_date=data_date(events),
        set_aside=set_aside,
        record=record if record is not None or "file" not in events.columns else record_state(events),
        lang=lang,
    )


def write_html(page: str, out: str | Path) -> Path:
    """Write a page atomically (a temporary file beside it, then a rename); returns the path."""
    return write_output(page.encode("utf-8"), out)


# --------------------------------------------------------------------------- command line

#: Other names accepted by ``--layers`` for the groups of :data:`layers.map.MAP_LAYERS`.
LAYER_ALIASES: dict[str, str] = {
    "incidents": "incident",
    "deployments": "deployment",
    "zones": "safety_zones",
    "safety-zones": "safety_zones",
    "gsz": "safety_zones",
    "asz": "safety_zones",
    "crossings": "places",
    "gazetteer": "places",
}


def parse_layers(text: str, lang: str = DEFAULT_LANGUAGE) -> tuple[str, ...]:
    """Layer groups from a comma-separated list (``all`` for every group); raises ValueError (in ``lang``)."""
    names = [part.strip().lower() for part in text.split(",") if part.strip()]
    if not names or names == ["all"]:
        return MAP_LAYERS
    chosen = []
    for name in names:
        key = LAYER_ALIASES.get(name, name.replace("-", "_"))
        if key not in MAP_LAYERS:
            message = translator(lang).gettext("unknown layer {name}; choose from {allowed} (or all)")
            raise ValueError(message.format(name=repr(name), allowed=", ".join(MAP_LAYERS)))
        if key not in chosen:
            chosen.append(key)
    return tuple(key for key in MAP_LAYERS if key in chosen)


def _run_export(args: argparse.Namespace) -> int:
    lang = choose_language(args.lang)  # already chosen by the command line; again when called alone
    t = translator(lang)
    try:
        layers = parse_layers(args.layers, lang)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    filters = Filters(
        start=args.start,
        end=args.end,
        as_of=args.as_of,
        layers=tuple(layer for layer in LAYERS if layer in layers) or LAYERS,
        categories=args.category,
        actors=tuple(args.actor or ()),
        sides=args.side,
        confidences=args.confidence,
        text=args.text or "",
    )
    filters = source_filters(args, filters)
    check_view(filters, lang)
    if args.density and args.format != "html":
        raise UsageError(t.gettext("--density draws on the HTML map only; leave it out for a picture"))
    wanted = args.out or ("bordermon-map.html" if args.format == "html" else f"bordermon-map.{args.format}")
    out = None
    if wanted != "-":
        try:
            out = ensure_output_outside_store(wanted, store_path(args.store), lang=lang)
        except OutputPathError as exc:
            raise UsageError(str(exc)) from None
    columns = EXPORT_COLUMNS if args.text else _UNSEARCHED_COLUMNS
    # The map takes the sources of the events it draws from their columns, never building
    # a list per event; a picture, a text or a source filter reads them decoded.
    searched = args.text or uses_sources(args) or args.format != "html"
    store = open_store(args.store, columns=columns, lang=lang, undecoded=() if searched else ("sources",))
    filters = cited_filters(args, store.events, filters, lang)
    if args.format != "html":
        _write_picture(args, store, filters, layers, lang, out, wanted)
    else:
        _write_page(args, store, filters, layers, lang, out, wanted)
    set_aside = set_aside_line(store.report, lang)
    if set_aside:
        print(f"bordermon export: {set_aside}", file=sys.stderr)
    return 0


def _write(data: bytes, out: Path, wanted: str, lang: str) -> None:
    try:
        write_output(data, out)
    except OSError as exc:
        message = translator(lang).gettext("cannot write {file}: {error}")
        raise UsageError(message.format(file=wanted, error=exc.strerror or exc)) from None


def _write_page(
    args: argparse.Namespace,
    store: EventStore,
    filters: Filters,
    layers: Sequence[str],
    lang: str,
    out: Path | None,
    wanted: str,
) -> None:
    t = translator(lang)
    self_contained = not args.cdn
    if self_contained and not assets_installed():
        missing = t.gettext(
            "the map assets are not installed (run `npm ci --ignore-scripts`, needs Node.js); this file "
            "links Leaflet from its CDN and needs the network to show the map"
        )
        print(f"bordermon export: {missing}", file=sys.stderr)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AssetsMissingWarning)  # said once above, in one line
        page = export_html(
            store.events,
            filters=filters,
            layers=layers,
            title=args.title,
            basemap=args.basemap,
            set_aside=store.report.set_aside,
            unreadable=len(unreadable_files(store.report)),
            record=record_state(store.events, store.root),
            self_contained=self_contained,
            lang=lang,
            density=args.density,
        )
    if out is None:
        sys.stdout.write(page)
        return
    data = page.encode("utf-8")
    size = len(data)
    _write(data, out, wanted, lang)
    shown = filter_events(store.events, filters)
    # Counted on masks: selecting the rows would copy every column once more.
    in_layers = shown["layer"].isin([layer for layer in LAYERS if layer in layers]).to_numpy(dtype=bool)
    mapped = int((mapped_mask(shown).to_numpy(dtype=bool) & in_layers).sum())
    record = record_state(store.events, store.root)
    if self_contained and assets_installed():
        kind = t.gettext("self-contained")
    else:
        kind = t.gettext("links Leaflet from its CDN")
    on_map = t.ngettext("{count} event on the map", "{count} events on the map", mapped).format(
        count=t.format_decimal(mapped)
    )
    unmapped = int(in_layers.sum()) - mapped
    elsewhere = t.ngettext("{count} without a location", "{count} without a location", unmapped).format(
        count=t.format_decimal(unmapped)
    )
    print(
        t.gettext("wrote {file} ({size} MB, {kind}): {on_map}, {unmapped}; {record}").format(
            file=wanted,
            size=t.format_decimal(size / 1e6, digits=1),
            kind=kind,
            on_map=on_map,
            unmapped=elsewhere,
            record=record.line(lang),
        )
    )


def _write_picture(
    args: argparse.Namespace,
    store: EventStore,
    filters: Filters,
    layers: Sequence[str],
    lang: str,
    out: Path | None,
    wanted: str,
) -> None:
    data = export_picture(
        store.events,
        filters=filters,
        layers=layers,
        title=args.title,
        fmt=args.format,
        preset=args.preset,
        set_aside=store.report.set_aside,
        record=record_state(store.events, store.root),
        lang=lang,
    )
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    _write(data, out, wanted, lang)
    size = translator(lang).format_decimal(len(data) / 1e6, digits=1)
    wrote = translator(lang).gettext("wrote {file} ({size} MB, {format}, {preset})")
    print(wrote.format(file=wanted, size=size, format=args.format.upper(), preset=args.preset))


def add_export_command(commands: Any) -> None:
    """Add ``bordermon export`` to the command line's subcommands."""
    export = commands.add_parser(
        "export",
        help="write one standalone HTML file of the map (opens offline, tiles aside)",
        description=(
            "Write the map of a view as one HTML file: title, time window, filters, the data's date, "
            "sources and attribution included. Self-contained by default (every script, style and icon "
            "inlined); the same inputs give byte-identical files."
        ),
    )
    export.add_argument(
        "--out", help="output file, or - for stdout (default: bordermon-map.html, or .png/.svg/.pdf)"
    )
    export.add_argument(
        "--format",
        choices=("html", *FORMATS),
        default="html",
        help="html: the interactive map (default); png, svg, pdf: a print-ready static picture",
    )
    export.add_argument(
        "--preset", choices=list(PRESETS), default="a4", help="page of a picture: A4 landscape or 16:9 (a4)"
    )
    export.add_argument(
        "--lang",
        help=f"language of the map's or picture's words and of the messages: {', '.join(LANGUAGES)} "
        f"(default: ${LANG_ENV} or en)",
    )
    export.add_argument(
        "--store", help=f"event store directory or .geojson file (default: ${STORE_ENV} or the shipped store)"
    )
    export.add_argument("--start", type=parse_day, help="first day of the time window (YYYY-MM-DD)")
    export.add_argument("--end", type=parse_day, help="last day of the time window (YYYY-MM-DD)")
    export.add_argument("--as-of", type=parse_day, help="deployments and KFOR presence in effect on this day")
    export.add_argument(
        "--layers",
        default="all",
        help=f"comma-separated layer groups: {', '.join(MAP_LAYERS)} (default: all)",
    )
    export.add_argument("--category", type=listed, default=(), help="only these categories (comma-separated)")
    export.add_argument(
        "--confidence", type=listed, default=(), help=f"only these confidences: {', '.join(CONFIDENCES)}"
    )
    export.add_argument("--side", type=listed, default=(), help=f"only these sides: {', '.join(SIDES)}")
    export.add_argument("--actor", action="append", help="only events naming this actor (repeatable)")
    export.add_argument("--text", help="only events whose text contains all these words")
    add_source_arguments(export)
    export.add_argument("--title", default=DEFAULT_TITLE, help="title of the map (%(default)s)")
    export.add_argument("--basemap", choices=list(BASEMAPS), default="osm", help="base map shown first (osm)")
    export.add_argument(
        "--density",
        choices=("count", "casualties"),
        help="also draw the density of incidents under their symbols: one per incident, or weighted by "
        "the people reported killed or injured (HTML map only)",
    )
    export.add_argument(
        "--cdn",
        action="store_true",
        help="link Leaflet from its CDN instead of inlining it (smaller, needs network)",
    )
    export.set_defaults(run=_run_export)
