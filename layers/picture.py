"""Print-ready static pictures of a view: PNG, SVG and PDF drawn with geopandas and matplotlib.

A journalist drops the picture into an article, so everything a reader needs to judge it
is in the picture itself: a title, the time window, the data's date, a legend naming
every drawn layer, a scale bar and a north arrow, the sources line and the ODbL
attribution of the boundary. Nothing is drawn more precisely than the record allows: an
approximate position is drawn with its uncertainty circle, an area as an area, and events
without a position are counted in the footnote, never placed.

The map is drawn in UTM zone 34N (:data:`layers.reference.MEASURE_CRS`), whose central
meridian (21° E) runs through Kosovo: grid north is true north to within a degree and
the scale bar is true across the picture. No tiles are fetched. The figure is built
without pyplot (no global state) and written without timestamps, so the same inputs give
the same SVG bytes.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

import geopandas as gpd
import pandas as pd

from layers.i18n import DEFAULT_LANGUAGE, N_, Translator, to_cyrillic, translator
from layers.record_state import RecordState
from layers.reference import MEASURE_CRS, label_order
from layers.vocabulary import CATEGORY_STYLES, LAYER_TITLES, LAYERS

# matplotlib is imported where a picture is drawn, not with this module: `bordermon export`
# reads FORMATS and PRESETS for its options, and an HTML export never loads matplotlib.
if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["FORMATS", "PRESETS", "PictureReference", "draw_picture", "picture_extent"]

PictureFormat = Literal["png", "svg", "pdf"]
#: Output formats, by file extension.
FORMATS: tuple[PictureFormat, ...] = ("png", "svg", "pdf")
#: Page sizes in inches: A4 landscape for print, 16:9 for slides and the web.
PRESETS: dict[str, tuple[float, float]] = {"a4": (11.69, 8.27), "16:9": (13.333, 7.5)}
ATTRIBUTION = N_(
    "Boundary and countries: © OpenStreetMap contributors, ODbL 1.0. Places: GeoNames (CC BY 4.0)."
)
#: The default title (translated when drawn).
TITLE = N_("Kosovo–Serbia boundary")

# Symbol of each shape of :data:`layers.vocabulary.CATEGORY_STYLES` as a matplotlib marker.
_MARKERS = {"triangle": "^", "star": "*", "circle": "o", "square": "s", "diamond": "D", "pentagon": "p"}
_MARKERS["hexagon"] = "h"
_MARGIN_M = 15_000
_DPI = 200


@dataclass(frozen=True)
class PictureReference:
    """The reference geography a picture draws; any part may be missing (None)."""

    countries: gpd.GeoDataFrame | None = None
    boundary: gpd.GeoDataFrame | None = None
    safety_zones: gpd.GeoDataFrame | None = None
    gazetteer: gpd.GeoDataFrame | None = None


def _projected(frame: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame | None:
    if frame is None or frame.empty:
        return None
    return frame.to_crs(MEASURE_CRS)


def picture_extent(
    events: gpd.GeoDataFrame, boundary: gpd.GeoDataFrame | None
) -> tuple[float, float, float, float]:
    """The part of the world a picture shows, in UTM 34N metres (minx, miny, maxx, maxy).

    The boundary and every drawn event fit, with a margin; the box is then widened to
    nothing less than 60 km a side so that a single event still shows its surroundings.
    """
    parts = [frame for frame in (_projected(boundary), _projected(_drawable(events))) if frame is not None]
    if not parts:
        # Kosovo and its neighbourhood when there is nothing to fit.
        return (330_000.0, 4_630_000.0, 600_000.0, 4_830_000.0)
    bounds = pd.concat([frame.geometry.bounds for frame in parts])
    minx, miny = bounds["minx"].min() - _MARGIN_M, bounds["miny"].min() - _MARGIN_M
    maxx, maxy = bounds["maxx"].max() + _MARGIN_M, bounds["maxy"].max() + _MARGIN_M
    grow_x, grow_y = max(0.0, 60_000 - (maxx - minx)) / 2, max(0.0, 60_000 - (maxy - miny)) / 2
    return (minx - grow_x, miny - grow_y, maxx + grow_x, maxy + grow_y)


def _drawable(events: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Events with a position the record allows us to draw (precision other than ``none``)."""
    if events.empty:
        return events
    keep = events.geometry.notna() & ~events.geometry.is_empty & (events["location_precision"] != "none")
    return events[keep]


#: The most characters a legend line holds in the legend's column (7.5 pt, 30% of the page).
_LEGEND_WIDTH = 46


def _place_label(row: Any, cyrillic: bool = False) -> str:
    """Both names, Serbian first (transliterated in a Cyrillic picture; Albanian stays Latin)."""
    sr, sq = str(row["name_sr"]), str(row["name_sq"])
    serbian = to_cyrillic(sr) if cyrillic else sr
    return serbian if sr == sq or sq in ("", "None", "nan") else f"{serbian} / {sq}"


def _draw_reference(ax: Any, reference: PictureReference, handles: list[Any], t: Translator) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    countries = _projected(reference.countries)
    if countries is not None:
        fill = countries["iso"].map({"XK": "#f4f1ea", "RS": "#eeeeee"}).fillna("#fafafa")
        countries.plot(ax=ax, color=fill, edgecolor="#bdbdbd", linewidth=0.4, zorder=0)
    zones = _projected(reference.safety_zones)
    if zones is not None:
        for row, hatch in zip(zones.itertuples(), ("////", "\\\\"), strict=False):
            gpd.GeoSeries([row.geometry], crs=MEASURE_CRS).plot(
                ax=ax, facecolor="none", edgecolor="#9e9ac8", hatch=hatch, linewidth=0.3, zorder=1
            )
        handles.append(
            Patch(
                facecolor="none",
                edgecolor="#9e9ac8",
                hatch="////",
                label=t.gettext("1999 safety zones (historical)"),
            )
        )
    boundary = _projected(reference.boundary)
    if boundary is not None:
        boundary.plot(ax=ax, color="#303030", linewidth=1.4, zorder=3)
        handles.append(Line2D([], [], color="#303030", linewidth=1.4, label=t.gettext(TITLE)))


def _draw_events(ax: Any, events: gpd.GeoDataFrame, handles: list[Any], t: Translator) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    drawn = _projected(_drawable(events))
    if drawn is None:
        return
    approximate = drawn[(drawn["location_precision"] == "approximate") & drawn["uncertainty_km"].notna()]
    if not approximate.empty:
        circles = approximate.geometry.buffer(approximate["uncertainty_km"].to_numpy() * 1000.0, 32)
        circles.plot(
            ax=ax, facecolor="#00000010", edgecolor="#606060", linewidth=0.4, linestyle="--", zorder=4
        )
        handles.append(
            Patch(
                facecolor="#00000010",
                edgecolor="#606060",
                linestyle="--",
                label=t.gettext("position uncertainty (radius)"),
            )
        )
    for layer in LAYERS:
        for category, style in CATEGORY_STYLES[layer].items():
            rows = drawn[(drawn["layer"] == layer) & (drawn["category"] == category)]
            if rows.empty:
                continue
            label = t.gettext("{layer}: {category} ({count})").format(
                layer=t.gettext(LAYER_TITLES[layer]),
                category=t.gettext(style.label),
                count=t.format_decimal(len(rows)),
            )
            points = rows[rows.geometry.geom_type == "Point"]
            shapes = rows[rows.geometry.geom_type != "Point"]
            if not shapes.empty:
                # Reports often share one drawn area (a drawing convention): draw each area once,
                # lightly, so that stacked copies do not read as a stronger signal.
                unique = shapes.geometry.drop_duplicates()
                unique.plot(ax=ax, facecolor=style.color, alpha=0.08, edgecolor="none", zorder=2)
                unique.boundary.plot(ax=ax, color=style.color, linewidth=0.9, linestyle="--", zorder=2)
            if not points.empty:
                points.plot(
                    ax=ax,
                    marker=_MARKERS[style.shape],
                    color=style.color,
                    edgecolor="white",
                    linewidth=0.5,
                    markersize=55,
                    zorder=9,
                )
            handles.append(
                Line2D(
                    [],
                    [],
                    marker=_MARKERS[style.shape],
                    color="none",
                    markerfacecolor=style.color,
                    markeredgecolor="white",
                    markersize=8,
                    label=label,
                )
                if not points.empty
                else Patch(facecolor=style.color + "22", edgecolor=style.color, linestyle="--", label=label)
            )


def _draw_places(
    fig: Figure, ax: Any, gazetteer: gpd.GeoDataFrame | None, cyrillic: bool = False
) -> list[str]:
    """Label places, most important first; a label that would overlap a kept one is left out."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.transforms import Bbox

    places = _projected(gazetteer)
    if places is None:
        return []
    xmin, xmax = ax.get_xlim()
    ymin, ymax = ax.get_ylim()
    inside = places.geometry.x.between(xmin, xmax) & places.geometry.y.between(ymin, ymax)
    places = places[inside]
    # Which label gives way when two overlap: the interactive map's rule (layers.reference).
    places = places.assign(order=label_order(places)).sort_values("order", kind="stable")
    renderer = FigureCanvasAgg(fig).get_renderer()  # type: ignore[no-untyped-call]
    kept: list[Bbox] = []
    shown: list[str] = []
    for row in places.itertuples():
        point = row.geometry
        dot = ax.plot(point.x, point.y, marker="o", markersize=2.5, color="#404040", zorder=7)[0]
        text = ax.annotate(
            # A KFOR camp's name is the camp's own, in Latin script in both languages.
            _place_label(row._asdict(), cyrillic and row.kind != "kfor_installation"),
            (point.x, point.y),
            xytext=(4, 3),
            textcoords="offset points",
            fontsize=7,
            color="#202020",
            zorder=10,
        )
        box = text.get_window_extent(renderer).expanded(1.05, 1.1)
        if any(box.overlaps(other) for other in kept):
            text.remove()
            if row.kind in ("village", "kfor_installation", "monastery"):
                dot.remove()
            continue
        kept.append(box)
        shown.append(str(row.id))
    return shown


def _scale_bar(ax: Any, t: Translator) -> None:
    xmin, xmax = ax.get_xlim()
    ymin, ymax = ax.get_ylim()
    span = xmax - xmin
    length = next(km for km in (100, 50, 20, 10, 5, 2, 1) if km * 1000 <= span / 4) * 1000
    x0, y0 = xmin + span * 0.03, ymin + (ymax - ymin) * 0.04
    ax.plot([x0, x0 + length], [y0, y0], color="black", linewidth=3, solid_capstyle="butt", zorder=9)
    ax.plot([x0, x0 + length / 2], [y0, y0], color="white", linewidth=1.5, solid_capstyle="butt", zorder=10)
    ax.text(
        x0 + length / 2,
        y0 + (ymax - ymin) * 0.012,
        # TRANSLATORS: the length of the picture's scale bar.
        t.gettext("{km} km").format(km=t.format_decimal(length // 1000)),
        ha="center",
        fontsize=7,
        zorder=10,
    )


def _north_arrow(ax: Any, t: Translator) -> None:
    ax.annotate(
        # TRANSLATORS: the letter on the north arrow of a map (Serbian S for sever, Albanian V for veri).
        t.gettext("N"),
        xy=(0.965, 0.95),
        xytext=(0.965, 0.86),
        xycoords="axes fraction",
        ha="center",
        va="center",
        fontsize=10,
        fontweight="bold",
        arrowprops={"facecolor": "black", "width": 3, "headwidth": 9, "headlength": 9},
        zorder=10,
    )


def _sources_line(events: gpd.GeoDataFrame, t: Translator) -> str:
    publishers = sorted(
        {str(source.get("publisher", "")) for sources in events.get("sources", []) for source in sources}
        - {""}
    )
    if not publishers:
        return t.gettext("Sources: none in this view.")
    named = ", ".join(publishers[:8])
    if len(publishers) > 8:
        more = len(publishers) - 8
        named = t.ngettext("{named} and {count} more", "{named} and {count} more", more).format(
            named=named, count=t.format_decimal(more)
        )
    return t.ngettext(
        "Sources ({count} publisher): {named}. Every event's sources: bordermon sources.",
        "Sources ({count} publishers): {named}. Every event's sources: bordermon sources.",
        len(publishers),
    ).format(count=t.format_decimal(len(publishers)), named=named)


def draw_picture(
    events: gpd.GeoDataFrame,
    *,
    reference: PictureReference | None = None,
    fmt: PictureFormat = "png",
    preset: str = "a4",
    title: str | None = None,
    window: str | None = None,
    data_date: date | None = None,
    set_aside: int = 0,
    record: RecordState | None = None,
    extent: Sequence[float] | None = None,
    lang: str = DEFAULT_LANGUAGE,
) -> bytes:
    """Draw a view of events as a static map and return the file's bytes.

    Parameters
    ----------
    events : GeoDataFrame
        The view's events (already filtered), EPSG:4326.
    reference : PictureReference, optional
        Countries, boundary, 1999 zones and places to draw under the events.
    fmt : {"png", "svg", "pdf"}
    preset : {"a4", "16:9"}
        Page size (A4 landscape or a 16:9 slide).
    title, window : str, optional
        The title (default "Kosovo–Serbia boundary", translated), and the time window as
        text (e.g. ``"24 Sep 2023 – 3 Oct 2023"``; default "all dates", translated).
    data_date : date, optional
        How current the record is (the latest date in the store).
    set_aside : int
        Records validation set aside, stated in the footnote.
    record : RecordState, optional
        What the store draws on (:func:`layers.record_state.record_state`), stated under
        the time window.
    extent : (minx, miny, maxx, maxy), optional
        UTM 34N box to show; default :func:`picture_extent`.
    lang : str
        The language of every word of the picture (:data:`layers.i18n.LANGUAGES`); place
        names keep their Serbian and Albanian forms.

    Returns
    -------
    bytes
        The file. SVG and PDF carry no date, so the same inputs give the same bytes.
    """
    import matplotlib
    import matplotlib.patches
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    if fmt not in FORMATS:
        raise ValueError(f"unknown picture format {fmt!r}; choose from {', '.join(FORMATS)}")
    if preset not in PRESETS:
        raise ValueError(f"unknown page preset {preset!r}; choose from {', '.join(PRESETS)}")
    reference = reference or PictureReference()
    t = translator(lang)
    title = t.gettext(TITLE) if title is None else title
    window = t.gettext("all dates") if window is None else window
    with matplotlib.rc_context(
        {"svg.hashsalt": "bordermon", "font.family": "DejaVu Sans", "hatch.linewidth": 0.4}
    ):
        fig = Figure(figsize=PRESETS[preset], dpi=_DPI)
        ax = fig.add_axes((0.02, 0.1, 0.66, 0.78))
        handles: list[Any] = []
        _draw_reference(ax, reference, handles, t)
        _draw_events(ax, events, handles, t)
        minx, miny, maxx, maxy = extent or picture_extent(events, reference.boundary)
        # Keep the map's aspect: widen the short side of the box to the axes' shape.
        width_in, height_in = PRESETS[preset][0] * 0.66, PRESETS[preset][1] * 0.78
        cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
        half_w, half_h = (maxx - minx) / 2, (maxy - miny) / 2
        if half_w / half_h < width_in / height_in:
            half_w = half_h * width_in / height_in
        else:
            half_h = half_w * height_in / width_in
        ax.set_xlim(cx - half_w, cx + half_w)
        ax.set_ylim(cy - half_h, cy + half_h)
        ax.set_aspect("equal")
        ax.set_axis_off()
        ax.add_patch(
            matplotlib.patches.Rectangle(
                (0, 0),
                1,
                1,
                transform=ax.transAxes,
                fill=False,
                edgecolor="#9e9e9e",
                linewidth=0.8,
                zorder=11,
            )
        )
        _draw_places(fig, ax, reference.gazetteer, t.cyrillic)
        _scale_bar(ax, t)
        _north_arrow(ax, t)
        fig.text(0.02, 0.955, title, fontsize=16, fontweight="bold", va="center")
        when = (
            t.gettext("Time window: {window}.  Data up to {day}.").format(
                window=window, day=t.format_day(data_date)
            )
            if data_date
            else t.gettext("Time window: {window}.").format(window=window)
        )
        fig.text(0.02, 0.915, when, fontsize=9, color="#404040", va="center")
        if record is not None:
            drawn = t.gettext("Drawn from: {sources}.").format(sources=record.drawn_from(t.language))
            fig.text(0.02, 0.893, drawn, fontsize=7.5, color="#404040", va="center", gid="drawn-from")
        legend = fig.legend(
            handles=handles,
            # Long labels (Serbian's, French's) wrap rather than run off the page's edge.
            labels=[
                textwrap.fill(str(h.get_label()), _LEGEND_WIDTH, subsequent_indent="  ") for h in handles
            ],
            loc="upper left",
            bbox_to_anchor=(0.7, 0.88),
            fontsize=7.5,
            frameon=False,
            title=t.gettext("Legend"),
            title_fontsize=9,
            alignment="left",
        )
        legend.set_gid("legend")
        unplaced = len(events) - len(_drawable(events))
        notes = [
            t.ngettext("{count} event in this view", "{count} events in this view", len(events)).format(
                count=t.format_decimal(len(events))
            )
        ]
        if unplaced:
            notes.append(
                t.ngettext(
                    "{count} without a sourced position is not drawn",
                    "{count} without a sourced position are not drawn",
                    unplaced,
                ).format(count=t.format_decimal(unplaced))
            )
        if set_aside:
            notes.append(
                t.ngettext(
                    "{count} record set aside by validation is not shown",
                    "{count} records set aside by validation are not shown",
                    set_aside,
                ).format(count=t.format_decimal(set_aside))
            )
        footnote = t.gettext("{notes}. Approximate positions are drawn with their radius.")
        fig.text(0.02, 0.065, footnote.format(notes="; ".join(notes)), fontsize=7)
        fig.text(0.02, 0.045, _sources_line(events, t), fontsize=7, color="#404040")
        credits = t.gettext("{attribution} Map: bordermon, UTM 34N.").format(
            attribution=t.gettext(ATTRIBUTION)
        )
        fig.text(0.02, 0.025, credits, fontsize=7, color="#404040")
        buffer = io.BytesIO()
        metadata: dict[str, Any] = {
            "png": {"Software": None},
            "svg": {"Date": None, "Creator": None},
            "pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None},
        }[fmt]
        FigureCanvasAgg(fig)
        fig.savefig(buffer, format=fmt, metadata=metadata)
    return buffer.getvalue()
