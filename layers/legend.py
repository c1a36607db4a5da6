"""The map's legend, drawn in SVG with the same outlines as the map script's symbols."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from layers.density import BANDWIDTH_KM, RAMP, Density
from layers.i18n import DEFAULT_LANGUAGE, N_, Translator, translator
from layers.mapdata import (
    BAND_COLORS,
    CONFIDENCE_LABELS,
    NOT_MEASURED,
    SEVERITY_LABELS,
    SEVERITY_RADII,
    STYLES,
)
from layers.measures import DISTANCE_BANDS
from layers.vocabulary import translated

__all__ = ["legend_html"]

#: What the legend says the colours mean when incidents are coloured by distance band.
_BAND_NOTE = N_("Colour: distance to the Kosovo–Serbia boundary (UTM 34N).")


def _esc(text: Any) -> str:
    return html.escape(str(text), quote=True)


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


def _band_legend(band_counts: dict[str, int], t: Translator) -> str:
    """The distance bands, from deep in Serbia to deep in Kosovo, with their counts.

    The bands of the scale are always listed, so it reads as one; "outside Kosovo and
    Serbia" and "not measured" only when an event is in them.
    """
    parts = ['<ul class="bm-bands">', _note(t.gettext(_BAND_NOTE))]
    scale = DISTANCE_BANDS[:-1]
    for label, count in band_counts.items():
        if label in scale or count:
            color = BAND_COLORS.get(label, NOT_MEASURED[1])
            name = t.gettext(label)  # a band of layers.measures, or "distance not measured"
            parts.append(_item(_svg_symbol("circle", color), f"{name} ({t.format_decimal(count)})"))
    parts.append("</ul>")
    return "".join(parts)


def _density_legend(density: Density, t: Translator) -> str:
    """What the density's colours mean: the ramp, its unit and scale, and who is left out."""
    stops = "".join(
        f'<stop offset="{i / (len(RAMP) - 1):.2f}" stop-color="{color}"/>' for i, color in enumerate(RAMP)
    )
    ramp = (
        '<svg width="120" height="12" viewBox="0 0 120 12" aria-hidden="true">'
        f'<defs><linearGradient id="bm-density-ramp">{stops}</linearGradient></defs>'
        '<rect x="0" y="1" width="120" height="10" fill="url(#bm-density-ramp)"'
        ' stroke="#999" stroke-width="0.5"/>'
        "</svg>"
    )
    peak = t.format_decimal(density.peak, digits=2 if density.peak < 10 else 1)
    km = t.format_decimal(BANDWIDTH_KM, digits=0)
    if density.weight == "casualties":
        unit = t.gettext(
            "People killed or injured per km² (the lower figure of each report), "
            "smoothed over {km} km: 0 to {peak}."
        )
    else:
        unit = t.gettext("Incidents per km², smoothed over {km} km: 0 to {peak}.")
    heading = t.gettext("Density of incidents")
    parts = [f"<h2>{_esc(heading)}</h2><ul>", f"<li>{ramp}</li>", _note(unit.format(km=km, peak=peak))]
    parts.append(_note(t.gettext("An approximate place is spread over its circle of uncertainty.")))
    if density.left_out:
        left_out = t.ngettext(
            "{n} incident without a position is not part of it.",
            "{n} incidents without a position are not part of it.",
            density.left_out,
        )
        parts.append(_note(left_out.format(n=t.format_decimal(density.left_out))))
    parts.append("</ul>")
    return "".join(parts)


def legend_html(
    layers: Sequence[str],
    counts: dict[str, dict[str, int]],
    band_counts: dict[str, int] | None = None,
    *,
    names: Mapping[str, str],
    lang: str = DEFAULT_LANGUAGE,
    density: Density | None = None,
) -> str:
    """The legend's HTML: the symbols and counts of the event layers drawn, precision, reference.

    Parameters
    ----------
    layers : sequence of str
        The layer groups on the map.
    counts : dict
        Event layer → category → events drawn; categories without one are not listed.
    band_counts : dict, optional
        Incidents per distance band, when they are coloured by band.
    names : mapping
        Layer group → its name (the headings), in ``lang``.
    lang : str
        The language of the legend (:data:`layers.i18n.LANGUAGES`).
    density : Density, optional
        The density surface drawn (:func:`layers.density.density_surface`): its colours,
        unit and scale are explained after the incidents.
    """
    t = translator(lang)
    heading = t.gettext("Legend")  # (outside the f-string, where the extractor finds it)
    parts = [f'<details open><summary>{_esc(heading)}</summary><div class="bm-legend">']
    for layer in ("incident", "deployment", "kfor"):
        if layer not in layers:
            continue
        by_band = layer == "incident" and band_counts is not None
        parts.append(f"<h2>{_esc(names[layer])}</h2><ul>")
        present = counts.get(layer, {})
        styles = STYLES[layer]
        keys = [k for k in styles if present.get(k)] or []
        for key in keys:
            style = styles[key]
            # Coloured by band, a category is its shape alone.
            fill = "none" if by_band else style.color
            label = f"{t.gettext(style.label)} ({t.format_decimal(present[key])})"
            parts.append(_item(_svg_symbol(style.shape, fill), label))
        if not keys:
            none = t.gettext("none in this view")
            parts.append(f"<li><span>{_esc(none)}</span></li>")
        if by_band and keys:
            parts.append(_note(t.gettext("Symbol: category.")))
        parts.append("</ul>")
        if by_band and band_counts is not None:
            parts.append(_band_legend(band_counts, t))
        if layer == "incident":
            parts.append("<ul>")
            for radius, label in zip(SEVERITY_RADII, SEVERITY_LABELS, strict=True):
                size_fill = "none" if by_band else "#9e9e9e"  # a grey would read as a band
                parts.append(_item(_svg_symbol("circle", size_fill, radius), t.gettext(label)))
            parts.append(
                _note(t.gettext("Size: casualties, the lower figure where sources disagree.")) + "</ul>"
            )
            if density is not None:
                parts.append(_density_legend(density, t))
    if any(layer in layers for layer in ("incident", "deployment", "kfor")):
        heading = t.gettext("Precision and confidence")
        parts.append(f"<h2>{_esc(heading)}</h2><ul>")
        parts.append(
            _item(
                _svg_symbol("circle", "#ffffff", 5, stroke="#555", width=2, dash="3 2"),
                t.gettext("place approximate: hollow symbol, dashed circle = uncertainty"),
            )
        )
        parts.append(
            _item(
                _svg_area("#555555", dash="6 4", opacity=0.18), t.gettext("an area (place not more precise)")
            )
        )
        parts.append(_item(_svg_area("#555555", opacity=0.3), t.gettext("area, confirmed or reported")))
        parts.append(_item(_svg_area("#555555", hatched=True), t.gettext("area, claimed or disputed")))
        parts.append(
            _item(_svg_symbol("circle", "#555555", 5, opacity=0.45), t.gettext("symbol, claimed or disputed"))
        )
        confidences = ", ".join(translated(CONFIDENCE_LABELS, lang).values())
        text = t.gettext("Confidence: {grades}.").format(grades=confidences)
        parts.append(f'<li><span class="bm-muted">{_esc(text)}</span></li></ul>')
    reference_items = []
    if "boundary" in layers:
        reference_items.append(
            _item(_svg_line("#6b1d1d", 2.5, "10 4 2 4", halo=True), t.gettext("Kosovo–Serbia boundary"))
        )
    if "kfor" in layers:
        reference_items.append(
            _item(
                _svg_symbol("hexagon", "#deebf7", 6, stroke="#08306b", width=2),
                t.gettext("KFOR camp (reference)"),
            )
        )
        reference_items.append(
            _item(
                _svg_symbol("hexagon", "#ffffff", 6, stroke="#08306b", width=2, dash="3 2", opacity=0.7),
                t.gettext("KFOR camp, position unverified"),
            )
        )
    if "places" in layers:
        reference_items.append(
            _item(
                _svg_symbol("square", "#ffffff", 4, stroke="#111111", width=2, opacity=1),
                t.gettext("crossing point"),
            )
        )
        reference_items.append(
            _item(
                _svg_symbol("circle", "#444444", 3, stroke="#fff", opacity=1),
                t.gettext("place (Serbian / Albanian)"),
            )
        )
    if "safety_zones" in layers:
        reference_items.append(
            _item(_svg_area("#555555", hatched=True, dash="4 4"), t.gettext("1999 GSZ (5 km), historical"))
        )
        reference_items.append(
            _item(_svg_area("#888888", hatched=True, dash="2 5"), t.gettext("1999 ASZ (25 km), historical"))
        )
    if reference_items:
        heading = t.gettext("Reference")
        parts.append(f"<h2>{_esc(heading)}</h2><ul>" + "".join(reference_items) + "</ul>")
    parts.append("</div></details>")
    return "".join(parts)
