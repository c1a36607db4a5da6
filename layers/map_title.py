"""The map's title box: what is shown, for which window and filters, from which data.

Every piece of text is escaped here: the box's HTML is set as it is by the map script.
"""

from __future__ import annotations

import html
from datetime import date
from typing import Any

import geopandas as gpd

from layers.filters import Filters
from layers.i18n import DEFAULT_LANGUAGE, Translator, translator
from layers.map_reference import ODBL, OSM_COPYRIGHT
from layers.record_state import RecordState, newest_day
from layers.vocabulary import (
    CONFIDENCE_LABELS,
    PUBLISHER_KIND_LABELS,
    category_name,
    describe_casualty_threshold,
    describe_window,
    language_label,
    translated,
)

__all__ = ["data_date", "title_html"]


def _esc(text: Any) -> str:
    return html.escape(str(text), quote=True)


def data_date(events: gpd.GeoDataFrame) -> date | None:
    """The data's date: the latest start or end of any event (:func:`layers.record_state.newest_day`)."""
    return newest_day(events)


def _window_text(filters: Filters, lang: str = DEFAULT_LANGUAGE) -> str:
    return describe_window(filters.start, filters.end, lang)


def _filter_text(filters: Filters, t: Translator) -> list[str]:
    parts = []
    if filters.as_of:
        parts.append(
            t.gettext("deployments and KFOR in effect on {day}").format(day=t.format_day(filters.as_of))
        )
    if filters.categories:
        named = ", ".join(category_name(c, t.language) for c in filters.categories)
        parts.append(t.gettext("category: {values}").format(values=named))
    if filters.actors:
        parts.append(t.gettext("actor: {values}").format(values=", ".join(filters.actors)))
    if filters.sides:
        parts.append(t.gettext("side: {values}").format(values=", ".join(filters.sides)))  # XK, RS: codes
    if filters.confidences:
        grades = translated(CONFIDENCE_LABELS, t.language)
        named = ", ".join(grades.get(c, c) for c in filters.confidences)
        parts.append(t.gettext("confidence: {values}").format(values=named))
    if filters.text.strip():
        parts.append(t.gettext("text: “{text}”").format(text=filters.text.strip()))
    if filters.publishers:
        parts.append(t.gettext("cited publisher: {values}").format(values=", ".join(filters.publishers)))
    if filters.publisher_kinds:
        kinds = translated(PUBLISHER_KIND_LABELS, t.language)
        named = ", ".join(kinds.get(k, k) for k in filters.publisher_kinds)
        parts.append(t.gettext("kind of publisher: {values}").format(values=named))
    if filters.languages:
        named = ", ".join(language_label(code, t.language) for code in filters.languages)
        parts.append(t.gettext("source language: {values}").format(values=named))
    for count, minimum in (("fatalities", filters.min_killed), ("injured", filters.min_injured)):
        if minimum > 0:
            threshold = describe_casualty_threshold(count, minimum, t.language)
            parts.append(t.gettext("{threshold} (low end of the reported range)").format(threshold=threshold))
    return parts


def _counts(shown: dict[str, int], t: Translator) -> list[str]:
    counts = []
    for layer, n in shown.items():
        count = t.format_decimal(n)
        if layer == "incident":
            counts.append(t.ngettext("{count} incident", "{count} incidents", n).format(count=count))
        elif layer == "deployment":
            counts.append(t.ngettext("{count} deployment", "{count} deployments", n).format(count=count))
        else:
            counts.append(t.ngettext("{count} KFOR record", "{count} KFOR records", n).format(count=count))
    return counts


def title_html(
    title: str,
    filters: Filters,
    shown: dict[str, int],
    not_mapped: int,
    set_aside: int,
    as_of_data: date | None,
    has_reference: bool,
    lang: str = DEFAULT_LANGUAGE,
    unreadable: int = 0,
    record: RecordState | None = None,
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
    lang : str
        The language of the box (:data:`layers.i18n.LANGUAGES`).
    unreadable : int
        Store files validation could not read at all (their events are unknown).
    record : RecordState, optional
        What the store draws on (:func:`layers.record_state.record_state`): the curated
        record and each import with its date, stated under the data's date.
    """
    t = translator(lang)
    # A <details> box: on a small map the script folds it to its title line (the summary),
    # which opens the whole box; open on a large map.
    lines = [
        f'<details class="bm-title-fold" open><summary><h1>{_esc(title)}</h1></summary>',
        f'<p class="bm-window"><b>{_esc(_window_text(filters, lang))}</b></p>',
    ]
    for part in _filter_text(filters, t):
        text = t.gettext("Filter: {filter}").format(filter=part)
        lines.append(f'<p class="bm-muted">{_esc(text)}</p>')
    counts = _counts(shown, t)
    if counts:
        on_map = t.gettext("On the map: {counts}.").format(counts=", ".join(counts))
        lines.append(f'<p class="bm-counts">{_esc(on_map)}</p>')
    if not_mapped:
        text = t.ngettext(
            "{count} event in this view without a known location: not on the map.",
            "{count} events in this view without a known location: not on the map.",
            not_mapped,
        ).format(count=t.format_decimal(not_mapped))
        lines.append(f'<p class="bm-not-mapped">{_esc(text)}</p>')
    if set_aside:
        text = t.ngettext(
            "{count} record set aside by validation: not shown.",
            "{count} records set aside by validation: not shown.",
            set_aside,
        ).format(count=t.format_decimal(set_aside))
        lines.append(f'<p class="bm-set-aside">{_esc(text)}</p>')
    if unreadable:
        text = t.ngettext(
            "{count} store file could not be read: its events are not shown.",
            "{count} store files could not be read: their events are not shown.",
            unreadable,
        ).format(count=t.format_decimal(unreadable))
        lines.append(f'<p class="bm-set-aside">{_esc(text)}</p>')
    data_text = t.gettext("No events.")
    if as_of_data:
        data_text = t.gettext("Data up to {day} (latest date in the store).").format(
            day=t.format_day(as_of_data)
        )
    lines.append(f'<p class="bm-data-date bm-muted">{_esc(data_text)}</p>')
    if record is not None:
        drawn = t.gettext("Drawn from: {sources}.").format(sources=record.drawn_from(t.language))
        lines.append(f'<p class="bm-drawn-from bm-muted">{_esc(drawn)}</p>')
    sources = t.gettext(
        "Sources: every event lists its sources; click it to read them. "
        "Positions are drawn no more precisely than the sources allow."
    )
    lines.append(f'<p class="bm-sources bm-muted">{_esc(sources)}</p>')
    if has_reference:
        contributors = t.gettext("© OpenStreetMap contributors")
        # The links are put in after escaping: the translation holds their places.
        attribution = _esc(
            t.gettext(
                "Reference data: {osm}, {odbl} (boundary, countries, 1999 zones); GeoNames, CC BY 4.0 "
                "and Wikipedia, CC BY-SA 4.0 (places)."
            )
        ).format(
            osm=f'<a href="{OSM_COPYRIGHT}">{_esc(contributors)}</a>',
            odbl=f'<a href="{ODBL}">ODbL 1.0</a>',
        )
        lines.append(f'<p class="bm-attribution bm-muted">{attribution}</p>')
    lines.append("</details>")
    return "\n".join(lines)
