"""The map's title box: what is shown, for which window and filters, from which data.

Every piece of text is escaped here: the box's HTML is set as it is by the map script.
"""

from __future__ import annotations

import html
from datetime import date
from typing import Any

import geopandas as gpd
import pandas as pd

from layers.filters import Filters
from layers.map_reference import ODBL, OSM_COPYRIGHT
from layers.mapdata import STYLES
from layers.vocabulary import describe_window, format_day

__all__ = ["data_date", "title_html"]


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
    return describe_window(filters.start, filters.end)


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


def title_html(
    title: str,
    filters: Filters,
    shown: dict[str, int],
    not_mapped: int,
    set_aside: int,
    as_of_data: date | None,
    has_reference: bool,
) -> str:
    """The title box's HTML: title, window, filters, counts, what is set aside or unmapped, the data's date.

    Parameters
    ----------
    title : str
        The map's title.
    filters : Filters
        The view (window and filters are stated).
    shown : dict
        Event layer → events drawn.
    not_mapped, set_aside : int
        Events of the view without a position; records validation set aside.
    as_of_data : date or None
        The data's date (:func:`data_date`).
    has_reference : bool
        Reference geography is drawn: its attribution is added.
    """
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
    data_text = "No events."
    if as_of_data:
        data_text = f"Data up to {format_day(as_of_data)} (latest date in the store)."
    lines.append(f'<p class="bm-data-date bm-muted">{_esc(data_text)}</p>')
    lines.append(
        '<p class="bm-sources bm-muted">Sources: every event lists its sources; click it to read them. '
        "Positions are drawn no more precisely than the sources allow.</p>"
    )
    if has_reference:
        lines.append(
            '<p class="bm-attribution bm-muted">Reference data: '
            f'<a href="{OSM_COPYRIGHT}">© OpenStreetMap contributors</a>, '
            f'<a href="{ODBL}">ODbL 1.0</a> (boundary, countries, 1999 zones); GeoNames, CC BY 4.0 '
            "and Wikipedia, CC BY-SA 4.0 (places).</p>"
        )
    return "\n".join(lines)
