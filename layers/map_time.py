"""Playback and the timeline of the map: the time script, its words and its first state.

``layers/static/bordermon-time.js`` runs in the browser, with no server and no rerun per
frame: a play control (play/pause, step back and forward by a day or a week, a speed)
with the current date shown large, and, under it, a timeline of the view's events stacked
by layer, on which a dragged window narrows the map. It draws through the time hook of
``bordermon-map.js`` from the days each event covers (:mod:`layers.timeline`, carried in
the event payloads). This module places the script and its styles in the page, with the
words in the map's language and the days it spans.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
from branca.element import Figure
from folium.template import Template

from layers.filters import Filters
from layers.i18n import DEFAULT_LANGUAGE, translator
from layers.map_elements import RawMarkup, ScriptedElement
from layers.mapdata import js_string, number_marks
from layers.timeline import day_number, encode_days
from layers.timeseries import dated_starts
from layers.titles import shown_titles
from layers.vocabulary import LAYER_TITLES, LAYERS, translated

__all__ = ["TimeControl", "time_config", "time_domain", "time_order"]

_STATIC = Path(__file__).resolve().parent / "static"


@lru_cache(maxsize=1)
def _script() -> str:
    code = (_STATIC / "bordermon-time.js").read_text(encoding="utf-8")
    if "</" in code or "<!--" in code:  # it is inlined into a <script> element
        raise ValueError("bordermon-time.js must not contain '</' or '<!--'")
    return code


@lru_cache(maxsize=1)
def _stylesheet() -> str:
    return "<style>\n" + (_STATIC / "bordermon-time.css").read_text(encoding="utf-8") + "</style>"


def time_domain(events: gpd.GeoDataFrame, filters: Filters) -> tuple[date, date]:
    """The days playback and the timeline span: the view's window, else its dated events' span.

    An open side of the window is closed by the events (their first and last start; an
    open start such as a camp present before the record sets no span, as in the charts).
    With no event and no window, today.
    """
    start, end = filters.start, filters.end
    # The start column alone: selecting the dated rows of every column copies the texts.
    dated = dated_starts(events)
    if start is None:
        start = pd.Timestamp(dated.min()).date() if not dated.empty else end or date.today()
    if end is None:
        end = pd.Timestamp(dated.max()).date() if not dated.empty else start
    return (start, end) if start <= end else (end, start)


def time_config(
    events: gpd.GeoDataFrame,
    filters: Filters,
    *,
    timeline: bool = True,
    window: tuple[date, date] | None = None,
    day: date | None = None,
    lang: str = DEFAULT_LANGUAGE,
    unplaced: gpd.GeoDataFrame | None = None,
) -> dict[str, Any]:
    """What the time script is given: the words, the days it spans and its first state.

    Parameters
    ----------
    events : GeoDataFrame
        The events drawn on the map (they set the span when the view's window is open).
    filters : Filters
        The view.
    timeline : bool
        Draw the timeline under the play control (the export); the dashboard has its own.
    window, day : optional
        A window already chosen on the timeline, and a day of playback to open on.
    lang : str
        The language of the words (:data:`layers.i18n.LANGUAGES`); dates are written as
        bordermon writes them in that language.
    unplaced : GeoDataFrame, optional
        The view's events that have no place on the map: playback names those of each
        step under the date (their titles, their days as :func:`layers.timeline.encode_days`
        gives them, their layer as an index into :data:`layers.vocabulary.LAYERS`).
    """
    t = translator(lang)
    first, last = time_domain(events, filters)
    return {
        "lang": t.language,
        "domain": [day_number(first), day_number(last)],
        "timeline": timeline,
        "window": [day_number(window[0]), day_number(window[1])] if window else None,
        "day": day_number(day) if day else None,
        "names": translated(LAYER_TITLES, lang),
        "months": list(t.day_templates()),
        "axisMonths": list(t.month_templates()),
        "numbers": number_marks(t),
        "unplaced": _unplaced(unplaced, lang),
        "words": {
            "play": t.gettext("Play"),
            "pause": t.gettext("Pause"),
            "back": t.gettext("Step back"),
            "forward": t.gettext("Step forward"),
            # TRANSLATORS: playback advances by one step: a day or a week.
            "step": t.gettext("Step"),
            "day": t.gettext("Day"),
            "week": t.gettext("Week"),
            "speed": t.gettext("Speed"),
            # TRANSLATORS: playback keeps what ended shortly before the day shown, faded.
            "trail": t.gettext("Trail"),
            "trail_off": t.gettext("No trail"),
            "trail_week": t.gettext("One week"),
            "trail_month": t.gettext("Four weeks"),
            "all": t.gettext("All dates"),
            "span": t.gettext("{first} – {last}"),
            "shown": t.gettext("{count} shown"),
            "clear": t.gettext("Clear the window"),
            "drag": t.gettext("Drag across the timeline to show a window of time; click to show all"),
            "unplaced": t.gettext("Without a place on the map:"),
        },
    }


def _unplaced(events: gpd.GeoDataFrame | None, lang: str) -> dict[str, Any] | None:
    """Events without a map position, in time order: ids, layers, days and titles (in ``lang``
    where the store translates them: :func:`layers.titles.shown_titles`)."""
    if events is None or events.empty:
        return None
    rows = time_order(events)
    return {
        "id": rows["id"].astype(str).tolist(),
        "layer": [LAYERS.index(layer) for layer in rows["layer"].tolist()],
        **encode_days(rows),
        "title": shown_titles(rows, lang)[0].astype(str).tolist(),
    }


def time_order(events: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Events in the order the time script lists them: by start, ties in their order."""
    return events.sort_values("start", kind="stable")


class TimeControl(ScriptedElement):
    """The time script and its call for one map; add it after the event layers."""

    _template = Template(
        "{% macro script(this, kwargs) %}{{ this.code }}\n"
        "bordermon.time.install({{ this.map_name }}, JSON.parse({{ this.config }}));\n"
        "{% endmacro %}"
    )

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__()
        self._name = "BordermonTime"
        self.code = _script()
        self.config = js_string(config)

    def render(self, **kwargs: Any) -> str:
        figure = self.get_root()
        if isinstance(figure, Figure) and "bordermon_time_style" not in figure.header._children:
            figure.header.add_child(RawMarkup(_stylesheet()), name="bordermon_time_style")
        return super().render(**kwargs)
