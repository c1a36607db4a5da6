"""A view you can cite: the filters and the selected event, to and from URL parameters.

The dashboard keeps its whole state in the URL, so a link opens exactly the same view in
another browser. Parsing is forgiving: an invalid or stale parameter is dropped with a
notice that says which and why, and the rest of the view still applies.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import geopandas as gpd
import pandas as pd

from layers.density import WEIGHTS as DENSITY_WEIGHTS
from layers.filters import Filters, cited_languages, cited_publishers
from layers.i18n import DEFAULT_LANGUAGE, LANGUAGES, N_, Translator, resolve_language, translator
from layers.validate import EARLIEST, REGION_BOUNDS
from layers.vocabulary import CONFIDENCES, LAYERS, PUBLISHER_KINDS, SIDES

__all__ = [
    "DAY_RANGE",
    "MAX_CASUALTIES",
    "PARAMETERS",
    "PRESETS",
    "Choices",
    "View",
    "choices_of",
    "clip_timeline",
    "parse_view",
    "preset_window",
    "view_params",
]

#: The days a view may name: from the earliest date the store accepts to the last day
#: pandas can hold with room for the longest time rule. A day outside is a typo, and
#: would overflow the time arithmetic of filtering.
DAY_RANGE: tuple[date, date] = (EARLIEST, date(2261, 12, 31))
#: Every URL parameter a view has; any other is named in a notice and ignored.
PARAMETERS: tuple[str, ...] = (
    "preset",
    "start",
    "end",
    "as_of",
    "layers",
    "cat",
    "actor",
    "side",
    "conf",
    "q",
    "pub",
    "kind",
    "lang_src",
    "killed",
    "injured",
    "event",
    "timeline",
    "lang",
    "density",
    "charts",
    "c",
    "z",
    "play",
)
#: The value of ``charts`` in an address that opens the map page's weekly charts.
WEEKLY_CHARTS = "weekly"
#: The largest casualty threshold a view may hold: a bigger one is a typo.
MAX_CASUALTIES = 100_000
#: Time-window presets: key → label (translated where it is shown).
PRESETS: dict[str, str] = {
    "all": N_("All dates"),
    "sep-oct-2023": N_("September–October 2023"),
    "last-30-days": N_("Last 30 days of data"),
    "custom": N_("Custom window"),
}


@dataclass(frozen=True)
class View:
    """What the researcher sees: a preset (or custom window), filters and a selection.

    ``lang`` is the interface language the URL names (:data:`layers.i18n.LANGUAGES`);
    None leaves it to the reader's browser, so a link without one opens in theirs.
    """

    filters: Filters = field(default_factory=Filters)
    preset: str = "all"
    selected: str | None = None
    lang: str | None = None
    #: The density drawn under the incidents: "count", "casualties", or none.
    density: str | None = None
    #: The map page's weekly charts (by category, casualties) open: drawn only then.
    charts: bool = False
    #: Where the map looks: its centre (lat, lon) and zoom, as the reader left it.
    centre: tuple[float, float] | None = None
    zoom: int | None = None
    #: The day playback shows on the map (kept in the address by the map as it plays).
    play: date | None = None
    notices: tuple[str, ...] = field(default=(), compare=False)
    #: A window chosen on the timeline (first and last day), inside the time window of
    #: ``filters``: the map, the key figures and the table show only its days.
    timeline: tuple[date, date] | None = None

    @property
    def shown_filters(self) -> Filters:
        """The filters of what is shown: ``filters`` narrowed to the timeline's window."""
        if self.timeline is None:
            return self.filters
        return self.filters.with_(start=self.timeline[0], end=self.timeline[1])


def clip_timeline(
    window: tuple[date, date] | None, start: date | None, end: date | None
) -> tuple[date, date] | None:
    """A timeline window kept inside the time window ``start``–``end``; None when they do not meet."""
    if window is None:
        return None
    first = max(window[0], start) if start else window[0]
    last = min(window[1], end) if end else window[1]
    return (first, last) if first <= last else None


def preset_window(preset: str, events: gpd.GeoDataFrame) -> tuple[date | None, date | None]:
    """The (start, end) days of a preset; ``None`` means open on that side."""
    if preset == "sep-oct-2023":
        return date(2023, 9, 1), date(2023, 10, 31)
    if preset == "last-30-days" and not events.empty:
        last = pd.Timestamp(events["start"].max()).date()
        return last - timedelta(days=29), last
    return None, None


def _one(params: Mapping[str, Sequence[str]], key: str) -> str | None:
    values = [v for v in params.get(key, ()) if v != ""]
    return values[-1] if values else None


@dataclass(frozen=True)
class Choices:
    """The values a store's events take for the filters that list them (what a view is checked against)."""

    categories: tuple[str, ...]
    actors: tuple[str, ...]
    publishers: tuple[str, ...]
    languages: tuple[str, ...]


def choices_of(events: gpd.GeoDataFrame) -> Choices:
    """The :class:`Choices` of a store's events, each list sorted.

    Reading every actor and every cited source of every event: at 100k events about a
    second, which a caller holding the store should pay once per version (the dashboard
    does) and give to :func:`parse_view`.
    """
    if events.empty:
        return Choices((), (), (), ())
    return Choices(
        categories=tuple(sorted(set(events["category"].dropna()))),
        actors=tuple(sorted({a for items in events["actors"] for a in items})),
        publishers=tuple(cited_publishers(events)),
        languages=tuple(cited_languages(events)),
    )


@dataclass
class _Notices:
    """The notices of one parse, in the reader's language."""

    t: Translator
    items: list[str] = field(default_factory=list)

    def add(self, message: str, **values: object) -> None:
        self.items.append(message.format(**values))


def _day(params: Mapping[str, Sequence[str]], key: str, notices: _Notices) -> date | None:
    text = _one(params, key)
    if text is None:
        return None
    t = notices.t
    try:
        day = date.fromisoformat(text)
    except ValueError:
        notices.add(
            t.gettext("Ignored {key}={value}: not a date (use YYYY-MM-DD)."), key=key, value=repr(text)
        )
        return None
    first, last = DAY_RANGE
    if not first <= day <= last:
        notices.add(
            t.gettext("Ignored {key}={value}: outside the dates a view can hold ({first} to {last})."),
            key=key,
            value=repr(text),
            first=first,
            last=last,
        )
        return None
    return day


def _threshold(params: Mapping[str, Sequence[str]], key: str, notices: _Notices) -> int:
    text = _one(params, key)
    if text is None:
        return 0
    if not (text.isascii() and text.isdigit()) or int(text) > MAX_CASUALTIES:
        t = notices.t
        notices.add(
            t.gettext("Ignored {key}={value}: expected a whole number from 0 to {maximum}."),
            key=key,
            value=repr(text[:40]),
            maximum=t.format_decimal(MAX_CASUALTIES),
        )
        return 0
    return int(text)


def _choices(
    params: Mapping[str, Sequence[str]],
    key: str,
    allowed: Iterable[str],
    label: str,
    notices: _Notices,
    *,
    split: bool = True,
) -> tuple[str, ...]:
    known = set(allowed)
    raw_values = params.get(key, ())
    values = [v for raw in raw_values for v in (raw.split(",") if split else [raw]) if v]
    unknown = [v for v in values if v not in known]
    if unknown:
        t = notices.t
        # TRANSLATORS: {what} is one of the lower-case nouns "layer", "category", "actor", ...
        notices.add(
            t.gettext("Ignored unknown {what}: {values}."),
            what=t.gettext(label),
            values=", ".join(sorted(set(unknown))),
        )
    return tuple(dict.fromkeys(v for v in values if v in known))


#: Zoom levels a shared view may hold (the region fills the map from about 8).
ZOOM_RANGE: tuple[int, int] = (5, 19)


def _place(
    params: Mapping[str, Sequence[str]], notices: _Notices
) -> tuple[tuple[float, float] | None, int | None]:
    """The map's centre (``c=lat,lon``) and zoom (``z=``); each dropped alone when invalid."""
    t = notices.t
    centre: tuple[float, float] | None = None
    text = _one(params, "c")
    if text is not None:
        west, south, east, north = REGION_BOUNDS
        try:
            lat_text, lon_text = text.split(",")
            lat, lon = float(lat_text), float(lon_text)
        except ValueError:
            notices.add(
                t.gettext("Ignored c={value}: expected the map's centre as latitude,longitude."),
                value=repr(text[:40]),
            )
        else:
            if south <= lat <= north and west <= lon <= east:
                centre = (round(lat, 5), round(lon, 5))
            else:
                notices.add(
                    t.gettext(
                        "Ignored c={value}: outside the region the map shows "
                        "(latitude {south} to {north}, longitude {west} to {east})."
                    ),
                    value=repr(text[:40]),
                    south=south,
                    north=north,
                    west=west,
                    east=east,
                )
    zoom: int | None = None
    text = _one(params, "z")
    if text is not None:
        low, high = ZOOM_RANGE
        if text.isascii() and text.isdigit() and low <= int(text) <= high:
            zoom = int(text)
        else:
            notices.add(
                t.gettext("Ignored z={value}: expected a whole zoom level from {low} to {high}."),
                value=repr(text[:40]),
                low=low,
                high=high,
            )
    return centre, zoom


def format_centre(centre: tuple[float, float]) -> str:
    """``(42.9, 20.87)`` → ``42.9,20.87`` (5 decimals at most: about a metre)."""
    return ",".join(f"{value:.5f}".rstrip("0").rstrip(".") for value in centre)


#: What each checked parameter holds, as a notice names it (lower case, in a sentence).
_WHAT = {
    "layers": N_("layer"),
    "cat": N_("category"),
    "actor": N_("actor"),
    "side": N_("side"),
    "conf": N_("confidence"),
    "pub": N_("publisher"),
    "kind": N_("publisher kind"),
    "lang_src": N_("source language"),
}


def parse_view(
    params: Mapping[str, Sequence[str]],
    events: gpd.GeoDataFrame,
    lang: str = DEFAULT_LANGUAGE,
    choices: Choices | None = None,
) -> View:
    """Read a view from URL parameters (each key maps to all of its values).

    Parameters
    ----------
    params : mapping of str to sequence of str
        e.g. ``{"layers": ["incident"], "actor": ["KFOR", "Kosovo Police"]}``.
    events : GeoDataFrame
        The store's events, to check categories, actors, publishers, source languages and
        the selected id against.
    lang : str
        The language of the notices (:data:`layers.i18n.LANGUAGES`).
    choices : Choices, optional
        :func:`choices_of` the events, when the caller holds it already (computed here
        otherwise).

    Returns
    -------
    View
        The view, with a notice for every parameter that was dropped.
    """
    t = translator(lang)
    choices = choices_of(events) if choices is None else choices
    notices = _Notices(t)
    preset = _one(params, "preset")
    start, end = _day(params, "start", notices), _day(params, "end", notices)
    if preset is not None and preset not in PRESETS:
        notices.add(
            t.gettext("Ignored preset={value}: expected one of {allowed}."),
            value=repr(preset),
            allowed=", ".join(PRESETS),
        )
        preset = None
    if preset is None:
        preset = "custom" if (start or end) else "all"
    if preset != "custom":
        start, end = preset_window(preset, events)
    if start and end and start > end:
        notices.add(
            t.gettext("The window started after it ended ({start} > {end}); the dates were swapped."),
            start=start,
            end=end,
        )
        start, end = end, start

    layers = LAYERS
    if "layers" in params:
        layers = _choices(params, "layers", LAYERS, _WHAT["layers"], notices)
        if not layers and any(value.strip(",") for value in params["layers"]):
            # "layers=" alone is a view of no layer; "layers=tanks" is a typo
            notices.add(
                t.gettext("No known layer asked for: showing the default, all layers ({layers})."),
                layers=", ".join(LAYERS),
            )
            layers = LAYERS
    unknown = sorted(set(params) - set(PARAMETERS))
    if unknown:
        notices.add(
            t.ngettext(
                "Ignored unknown parameter {names}; this app reads {known}.",
                "Ignored unknown parameters {names}; this app reads {known}.",
                len(unknown),
            ),
            names=", ".join(repr(key) for key in unknown),
            known=", ".join(PARAMETERS),
        )
    filters = Filters(
        start=start,
        end=end,
        as_of=_day(params, "as_of", notices),
        layers=layers,
        categories=_choices(params, "cat", choices.categories, _WHAT["cat"], notices),
        actors=_choices(params, "actor", choices.actors, _WHAT["actor"], notices, split=False),
        sides=_choices(params, "side", SIDES, _WHAT["side"], notices),
        confidences=_choices(params, "conf", CONFIDENCES, _WHAT["conf"], notices),
        text=(_one(params, "q") or "")[:200],
        publishers=_choices(params, "pub", choices.publishers, _WHAT["pub"], notices, split=False),
        publisher_kinds=_choices(params, "kind", PUBLISHER_KINDS, _WHAT["kind"], notices),
        languages=_choices(params, "lang_src", choices.languages, _WHAT["lang_src"], notices),
        min_killed=_threshold(params, "killed", notices),
        min_injured=_threshold(params, "injured", notices),
    )
    selected = _one(params, "event")
    if selected is not None and (events.empty or not (events["id"] == selected).any()):
        notices.add(
            t.gettext("Event {id} is not in this store (removed, renamed or never there)."), id=repr(selected)
        )
        selected = None
    timeline = _timeline(params, notices, start, end)
    language = _one(params, "lang")
    chosen = resolve_language(language)
    if language is not None and chosen is None:
        notices.add(
            t.gettext("Ignored lang={value}: expected one of {allowed}."),
            value=repr(language[:40]),
            allowed=", ".join(LANGUAGES),
        )
    density = _one(params, "density")
    if density is not None and density not in DENSITY_WEIGHTS:
        notices.add(
            t.gettext("Ignored density={value}: expected one of {allowed}."),
            value=repr(density[:40]),
            allowed=", ".join(DENSITY_WEIGHTS),
        )
        density = None
    charts = _one(params, "charts")
    if charts is not None and charts != WEEKLY_CHARTS:
        notices.add(
            t.gettext("Ignored charts={value}: expected {allowed}."),
            value=repr(charts[:40]),
            allowed=WEEKLY_CHARTS,
        )
    centre, zoom = _place(params, notices)
    play = _day(params, "play", notices)
    return View(
        filters=filters,
        preset=preset,
        selected=selected,
        lang=chosen,
        density=density,
        charts=charts == WEEKLY_CHARTS,
        centre=centre,
        zoom=zoom,
        play=play,
        notices=tuple(notices.items),
        timeline=timeline,
    )


def _timeline(
    params: Mapping[str, Sequence[str]], notices: _Notices, start: date | None, end: date | None
) -> tuple[date, date] | None:
    """The timeline window ``timeline=FIRST..LAST``, inside the view's time window."""
    text = _one(params, "timeline")
    if text is None:
        return None
    t = notices.t
    parts = text.split("..")
    if len(parts) != 2 or not all(parts):
        notices.add(
            t.gettext("Ignored {key}={value}: expected two dates, FIRST..LAST (YYYY-MM-DD..YYYY-MM-DD)."),
            key="timeline",
            value=repr(text[:40]),
        )
        return None
    first, last = (_day({"timeline": [part]}, "timeline", notices) for part in parts)
    if first is None or last is None:
        return None  # the bad day has its notice
    window = clip_timeline((min(first, last), max(first, last)), start, end)
    if window is None:
        notices.add(
            t.gettext("Ignored {key}={value}: outside the time window of the view."),
            key="timeline",
            value=repr(text[:40]),
        )
    return window


def view_params(view: View) -> dict[str, list[str]]:
    """URL parameters for a view; defaults are left out so links stay short."""
    f = view.filters
    params: dict[str, list[str]] = {}
    if view.preset != "all":
        params["preset"] = [view.preset]
    if view.preset == "custom":
        if f.start:
            params["start"] = [f.start.isoformat()]
        if f.end:
            params["end"] = [f.end.isoformat()]
    if f.as_of:
        params["as_of"] = [f.as_of.isoformat()]
    if tuple(f.layers) != LAYERS:
        params["layers"] = [",".join(f.layers)]
    for key, values in (("cat", f.categories), ("side", f.sides), ("conf", f.confidences)):
        if values:
            params[key] = [",".join(values)]
    if f.actors:
        params["actor"] = list(f.actors)  # names may hold commas: one parameter each
    if f.text.strip():
        params["q"] = [f.text.strip()]
    if f.publishers:
        params["pub"] = list(f.publishers)  # names may hold commas: one parameter each
    for key, values in (("kind", f.publisher_kinds), ("lang_src", f.languages)):
        if values:
            params[key] = [",".join(values)]
    for key, minimum in (("killed", f.min_killed), ("injured", f.min_injured)):
        if minimum > 0:
            params[key] = [str(minimum)]
    if view.selected:
        params["event"] = [view.selected]
    if view.timeline:
        params["timeline"] = [f"{view.timeline[0].isoformat()}..{view.timeline[1].isoformat()}"]
    if view.lang:
        params["lang"] = [view.lang]
    if view.density:
        params["density"] = [view.density]
    if view.charts:
        params["charts"] = [WEEKLY_CHARTS]
    if view.centre is not None:
        params["c"] = [format_centre(view.centre)]
    if view.zoom is not None:
        params["z"] = [str(view.zoom)]
    if view.play is not None:
        params["play"] = [view.play.isoformat()]
    return params
