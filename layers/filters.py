"""Select events by time, layer, category, actor, side, confidence, text, sources and casualties.

One frozen :class:`Filters` value describes a view; the dashboard's sidebar, the shared
URL, ``bordermon export`` and ``bordermon stats`` all build one and call
:func:`filter_events`, so every surface shows the same selection for the same view.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from layers.i18n import DEFAULT_LANGUAGE, N_, to_latin, translator
from layers.publishers import Register, default_register, domains_of
from layers.validate import LOCAL_TZ
from layers.vocabulary import CATEGORIES, CONFIDENCES, LAYERS, PUBLISHER_KINDS, REPORT_CURRENT_DAYS, SIDES

__all__ = [
    "CONFIDENCES",
    "FIRST_DAY",
    "LAST_DAY",
    "REPORT_CURRENT_DAYS",
    "SIDES",
    "Filters",
    "add_calendar_days",
    "cited_languages",
    "cited_publishers",
    "day_out_of_range",
    "effective_end",
    "filter_events",
    "fold_text",
    "in_effect",
    "search_text",
    "source_table",
    "text_matches",
    "time_overlaps",
    "view_problems",
]

_FOREVER = pd.Timestamp("2262-01-01", tz=LOCAL_TZ.key)
#: The days a view can name: times are pandas Timestamps (nanoseconds since 1970, about
#: 1677 to 2262), and "ongoing" is drawn as the first day of 2262.
FIRST_DAY = date(1678, 1, 1)
LAST_DAY = date(2261, 12, 31)


@dataclass(frozen=True)
class Filters:
    """A view of the store. Empty tuples mean "no restriction" for that field.

    Attributes
    ----------
    start, end : date, optional
        Time window, both days included. An event is in the window when its own
        interval (``start`` to ``end``, or the instant ``start``) overlaps it.
    as_of : date, optional
        For interval layers (deployments, KFOR presence): keep only what was in effect on
        that day (see :func:`effective_end`).
    layers : tuple of str
        Layers to keep (default all).
    categories, actors, sides, confidences : tuple of str
        Keep events with one of these values (an event matches an actor filter when any
        of its actors is listed).
    text : str
        Case-insensitive words that must all occur in the title (or one of its
        translations, whatever the reader's language: a shared view finds the same events
        for every reader), summary, location or sources (publisher, title, URL).
    publishers, publisher_kinds, languages : tuple of str
        Keep events citing at least one source of one of these publishers (the register's
        name for the page's web domain), kinds of publisher (the register's kind) or page
        languages (the source's ISO 639 ``language``). When several are set, one source must
        match them all: "a Serbian-language page of a government".
    min_killed, min_injured : int
        Keep events whose reported fatalities (injured) are at least this many by the low
        bound of the reported range: a count given as 2–5 passes a threshold of 2, not of 3;
        an unknown count passes no threshold. 0 is no threshold; 1 is "any killed".
    """

    start: date | None = None
    end: date | None = None
    as_of: date | None = None
    layers: tuple[str, ...] = LAYERS
    categories: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    sides: tuple[str, ...] = ()
    confidences: tuple[str, ...] = ()
    text: str = ""
    publishers: tuple[str, ...] = ()
    publisher_kinds: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    min_killed: int = 0
    min_injured: int = 0

    def with_(self, **changes: object) -> Filters:
        """A copy with some fields changed."""
        return replace(self, **changes)  # type: ignore[arg-type]


def view_problems(filters: Filters, lang: str = DEFAULT_LANGUAGE) -> list[str]:
    """What is wrong with a view, one sentence each in ``lang`` (empty when it can be shown).

    The one set of rules every command and the dashboard apply: each value must be one
    the schema knows (naming the allowed ones), each day within :data:`FIRST_DAY` ..
    :data:`LAST_DAY`, and the window must not end before it starts. Values and codes are
    quoted as given.
    """
    t = translator(lang)
    problems = []
    categories = sorted({c for layer in LAYERS for c in CATEGORIES.get(layer, ())})
    for message, given, allowed in (
        (N_("unknown layer {values}; choose from {allowed}"), filters.layers, tuple(LAYERS)),
        (N_("unknown category {values}; choose from {allowed}"), filters.categories, tuple(categories)),
        (N_("unknown side {values}; choose from {allowed}"), filters.sides, SIDES),
        (N_("unknown confidence {values}; choose from {allowed}"), filters.confidences, CONFIDENCES),
        (
            N_("unknown publisher kind {values}; choose from {allowed}"),
            filters.publisher_kinds,
            PUBLISHER_KINDS,
        ),
    ):
        unknown = [value for value in given if value not in allowed]
        if unknown:
            listed = ", ".join(repr(value) for value in unknown)
            problems.append(t.gettext(message).format(values=listed, allowed=", ".join(allowed)))
    for message, minimum in (
        (N_("the threshold of killed ({value}) is below 0"), filters.min_killed),
        (N_("the threshold of injured ({value}) is below 0"), filters.min_injured),
    ):
        if minimum < 0:
            problems.append(t.gettext(message).format(value=minimum))
    for message, day in (
        (N_("start {problem}"), filters.start),
        (N_("end {problem}"), filters.end),
        (N_("as-of day {problem}"), filters.as_of),
    ):
        problem = day_out_of_range(day, lang) if day is not None else None
        if problem:
            problems.append(t.gettext(message).format(problem=problem))
    if filters.start is not None and filters.end is not None and filters.end < filters.start:
        problems.append(
            t.gettext("the window ends ({end}) before it starts ({start})").format(
                end=filters.end.isoformat(), start=filters.start.isoformat()
            )
        )
    return problems


def day_out_of_range(day: date, lang: str = DEFAULT_LANGUAGE) -> str | None:
    """Why a view cannot name ``day`` (in ``lang``), or None when it can."""
    if FIRST_DAY <= day <= LAST_DAY:
        return None
    return (
        translator(lang)
        .gettext("{day} is outside the days the store can hold ({first} to {last})")
        .format(day=day.isoformat(), first=FIRST_DAY.isoformat(), last=LAST_DAY.isoformat())
    )


def add_calendar_days(times: pd.Series, days: int) -> pd.Series:
    """The same local clock time ``days`` calendar days later.

    Adding ``Timedelta(days=n)`` adds n × 24 hours, which lands an hour early after the
    autumn change of clocks (a day short at midnight). A clock time that falls twice is
    taken the second time, and one that does not exist is moved past the gap, so the
    result is never earlier than ``days`` calendar days.
    """
    if times.empty:
        return times.copy()
    local = times.dt.tz_convert(LOCAL_TZ.key).dt.tz_localize(None) + pd.Timedelta(days=days)
    later = np.zeros(len(local), dtype=bool)  # False: the standard-time (later) instant of a repeated hour
    moved = local.dt.tz_localize(LOCAL_TZ.key, ambiguous=later, nonexistent="shift_forward")
    return moved.dt.tz_convert(times.dt.tz)


def _day_start(day: date) -> pd.Timestamp:
    return pd.Timestamp(day.isoformat(), tz=LOCAL_TZ.key)


def effective_end(events: gpd.GeoDataFrame) -> pd.Series:
    """When each event stops counting, where no ``end`` is recorded.

    An incident without ``end`` is an instant. KFOR presence without ``end`` is ongoing
    (installations stand, reinforcements stay until a source says otherwise). A deployment
    report without ``end`` is current for :data:`REPORT_CURRENT_DAYS` days.
    """
    fallback = events["start"].copy()
    fallback[events["layer"] == "kfor"] = _FOREVER
    is_report = events["layer"] == "deployment"
    fallback[is_report] = add_calendar_days(events.loc[is_report, "start"], REPORT_CURRENT_DAYS)
    return events["end"].fillna(fallback)


def time_overlaps(events: gpd.GeoDataFrame, start: date | None, end: date | None) -> pd.Series:
    """Boolean mask: the event's interval overlaps the window [start, end] (whole days)."""
    mask = pd.Series(True, index=events.index)
    if events.empty:
        return mask
    event_end = effective_end(events)
    if start is not None:
        mask &= event_end >= _day_start(start)
    if end is not None:
        mask &= events["start"] < _day_start(end + timedelta(days=1))
    return mask


def in_effect(events: gpd.GeoDataFrame, day: date) -> pd.Series:
    """Boolean mask: the event is in effect at some time of ``day`` (a whole local calendar day)."""
    begins, ends = _day_start(day), _day_start(day + timedelta(days=1))
    return (events["start"] < ends) & (effective_end(events) >= begins)


# Letters that Unicode does not decompose into a base letter and a mark, as people type
# them without the diacritic.
_UNDECOMPOSED = str.maketrans({"đ": "d", "ħ": "h", "ł": "l", "ø": "o", "ı": "i"})
_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def fold_text(text: str) -> str:
    """Text as search compares it: case and diacritics dropped (``Radoičić`` → ``radoicic``)."""
    return _MARKS.sub("", unicodedata.normalize("NFKD", text.casefold())).translate(_UNDECOMPOSED)


@lru_cache(maxsize=1)
def _letter_classes() -> dict[str, str]:
    """Each plain letter → a regex class of it and the Latin letters that fold to it."""
    groups: dict[str, set[str]] = {}
    for code in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00)):
        letter = chr(code).casefold()
        base = fold_text(letter)
        if len(letter) == len(base) == 1 and base.isascii() and base != letter:
            groups.setdefault(base, {base}).add(letter)
    return {base: "[" + "".join(sorted(letters)) + "]" for base, letters in groups.items()}


def _word_pattern(word: str) -> str:
    """A regex that finds ``word`` in case-folded text whatever its diacritics.

    A word typed in Serbian Cyrillic (a reader of the Cyrillic interface types
    ``Звечан``) also finds its Latin spelling, the script the record is written in.
    """
    classes = _letter_classes()
    pattern = "".join(classes.get(char, re.escape(char)) for char in fold_text(to_latin(word)))
    if to_latin(word) != word:
        pattern = f"(?:{pattern}|{re.escape(word.casefold())})"
    return pattern


def _translated_titles(events: gpd.GeoDataFrame) -> pd.Series:
    """The translations of each event's title (``title_i18n``) as one text; empty when none."""
    if "title_i18n" not in events.columns:
        return pd.Series("", index=events.index, dtype="string")
    joined = [" ".join(item.values()) if type(item) is dict else "" for item in events["title_i18n"]]
    return pd.Series(joined, index=events.index, dtype="string")


def search_text(events: gpd.GeoDataFrame) -> pd.Series:
    """Per event, the text a search looks in, case-folded: titles, summary, places and sources.

    Building it reads every source of every event: at 100k events about a second. A
    caller searching one set of events again and again (the dashboard, once per store
    version) builds it once and gives it to :func:`text_matches` or :func:`filter_events`.
    """
    sources = events["sources"].map(
        lambda items: " ".join(
            f"{s.get('publisher', '')} {s.get('title', '')} {s.get('url', '')}" for s in items
        )
    )
    haystack = (
        events["title"].fillna("")
        + " "
        + _translated_titles(events)
        + " "
        + events["summary"].fillna("")
        + " "
        + events["location"].fillna("")
        + " "
        + events["municipality"].fillna("")
        + " "
        + sources.astype("string")
    )
    return haystack.str.casefold()


def text_matches(events: gpd.GeoDataFrame, text: str, searched: pd.Series | None = None) -> pd.Series:
    """Boolean mask: every word of ``text`` occurs in the event's text or its sources.

    Case and diacritics do not matter: "Radoicic" finds "Radoičić", "zvecan" "Zvečan".
    ``searched`` is :func:`search_text` of ``events`` when the caller holds it.
    """
    words = text.split()
    if not words or events.empty:
        return pd.Series(True, index=events.index)
    haystack = search_text(events) if searched is None else searched
    if len(haystack) != len(events) or not haystack.index.equals(events.index):
        raise ValueError("the search text must be search_text() of these very events")
    mask = pd.Series(True, index=events.index)
    for word in words:
        # The text is folded to lower case only; each word becomes a pattern that accepts
        # any diacritic on its letters, which is much faster than folding every text.
        mask &= haystack.str.contains(_word_pattern(word), regex=True)
    return mask.astype(bool)


def source_table(events: gpd.GeoDataFrame, register: Register | None = None) -> pd.DataFrame:
    """Every source of every event as one row: who published it, what kind, in which language.

    One pass over the sources (no per-event work beyond reading them), then whole-column
    operations; the register is consulted once per distinct web domain.

    Parameters
    ----------
    events : GeoDataFrame
        An events frame (:func:`layers.store.read_store`).
    register : Register, optional
        The publisher register; default :func:`layers.publishers.default_register`.

    Returns
    -------
    DataFrame
        Columns ``position`` (the event's position in ``events``), ``publisher`` (the
        register's name for the page's domain, else the source's own ``publisher``),
        ``kind`` (the register's kind, missing when the domain is not registered) and
        ``language`` (the page's language code).
    """
    columns = _source_columns(events["sources"], register, ("publisher", "kind", "language"))
    return pd.DataFrame(
        {"position": columns.pop("position")} | {k: pd.array(v, dtype="string") for k, v in columns.items()}
    )


def _source_columns(
    sources: pd.Series,
    register: Register | None,
    wanted: Iterable[str],
    fields: Mapping[str, Any] | None = None,
) -> dict[str, np.ndarray]:
    """Arrays of one item per source: ``position`` and the ``wanted`` columns of :func:`source_table`.

    Only what is asked for is computed: a language filter reads no URL. Besides the
    columns of :func:`source_table`, ``wanted`` may name ``n`` (the source's place in its
    event) and ``register_name`` (the register's name, None when the domain is not
    registered). ``fields`` maps source fields to a default: each comes back as it is
    recorded (the default where it is missing), as ``source.<field>``.
    """
    counts = np.fromiter((len(items) for items in sources), dtype="int64", count=len(sources))
    flat = list(itertools.chain.from_iterable(sources))
    columns = {"position": np.repeat(np.arange(len(sources)), counts)}
    wanted = set(wanted)
    if "n" in wanted:
        firsts = np.repeat(np.cumsum(counts) - counts, counts)
        columns["n"] = np.arange(len(flat), dtype="int64") - firsts
    if "language" in wanted:
        columns["language"] = np.array([s.get("language") for s in flat], dtype=object)
    if wanted & {"publisher", "kind", "register_name"}:
        codes, hosts = pd.factorize(np.array(domains_of([str(s.get("url", "")) for s in flat]), dtype=object))
        found = [(register or default_register()).find_domain(host) for host in hosts]
        names = np.array([p.name if p else None for p in found], dtype=object)
        if "kind" in wanted:
            columns["kind"] = np.array([p.kind if p else None for p in found], dtype=object)[codes]
        if "register_name" in wanted:
            columns["register_name"] = names[codes]
        if "publisher" in wanted:
            registered = names[codes]
            own = np.array([s.get("publisher") for s in flat], dtype=object)
            columns["publisher"] = np.where(pd.isna(registered), own, registered)
    for name, default in (fields or {}).items():
        values = np.empty(len(flat), dtype=object)
        values[:] = [s.get(name, default) for s in flat]
        columns[f"source.{name}"] = values
    return columns


def cited_publishers(events: gpd.GeoDataFrame, register: Register | None = None) -> list[str]:
    """The publishers the events cite (as :func:`source_table` names them), sorted."""
    if events.empty:
        return []
    names = _source_columns(events["sources"], register, ("publisher",))["publisher"]
    return sorted(set(names) - {None}, key=str.casefold)


def cited_languages(events: gpd.GeoDataFrame) -> list[str]:
    """The language codes of the pages the events cite, sorted."""
    if events.empty:
        return []
    return sorted(set(_source_columns(events["sources"], None, ("language",))["language"]) - {None})


def _source_matches(sources: pd.Series, filters: Filters, register: Register | None) -> np.ndarray:
    """Per event: one of its sources matches every source filter (publisher, kind, language)."""
    asked = {"publisher": filters.publishers, "kind": filters.publisher_kinds, "language": filters.languages}
    asked = {column: values for column, values in asked.items() if values}
    columns = _source_columns(sources, register, asked)
    keep = np.ones(len(columns["position"]), dtype=bool)
    for column, values in asked.items():
        keep &= pd.Series(columns[column], dtype=object).isin(values).to_numpy()
    hits = np.zeros(len(sources), dtype=bool)
    hits[columns["position"][keep]] = True
    return hits


def _at_least(low: pd.Series, minimum: int) -> pd.Series:
    return (low >= minimum).fillna(False).astype(bool)


def filter_events(
    events: gpd.GeoDataFrame,
    filters: Filters,
    register: Register | None = None,
    *,
    searched: pd.Series | None = None,
) -> gpd.GeoDataFrame:
    """The events of the view described by ``filters``, in their original order.

    Parameters
    ----------
    events : GeoDataFrame
        An events frame as read by :func:`layers.store.read_store`.
    filters : Filters
        The view.
    register : Register, optional
        The publisher register, for the publisher and kind filters; default
        :func:`layers.publishers.default_register`.
    searched : Series, optional
        :func:`search_text` of ``events``, for the text filter, when the caller holds it
        (built here otherwise).

    Returns
    -------
    GeoDataFrame
        A subset of ``events`` (possibly empty, never None).
    """
    if not isinstance(events, gpd.GeoDataFrame):
        raise TypeError(f"events must be a GeoDataFrame, not {type(events).__name__}")
    if events.empty:
        return events.iloc[:0]
    mask = events["layer"].isin(filters.layers) & time_overlaps(events, filters.start, filters.end)
    if filters.as_of is not None:
        interval_layer = events["layer"].isin(("deployment", "kfor"))
        mask &= ~interval_layer | in_effect(events, filters.as_of)
    if filters.categories:
        mask &= events["category"].isin(filters.categories)
    if filters.sides:
        mask &= events["side"].isin(filters.sides)
    if filters.confidences:
        mask &= events["confidence"].isin(filters.confidences)
    if filters.actors:
        wanted = set(filters.actors)
        mask &= events["actors"].map(lambda actors: not wanted.isdisjoint(actors)).astype(bool)
    if filters.text.strip():
        mask &= text_matches(events, filters.text, searched)
    if filters.min_killed > 0:
        mask &= _at_least(events["fatalities_min"], filters.min_killed)
    if filters.min_injured > 0:
        mask &= _at_least(events["injured_min"], filters.min_injured)
    keep = mask.fillna(False).to_numpy(dtype=bool, copy=True)
    if filters.publishers or filters.publisher_kinds or filters.languages:
        # Sources last, and only of the events still in the view: the costliest test.
        positions = np.flatnonzero(keep)
        keep[positions] = _source_matches(events["sources"].iloc[positions], filters, register)
    return events[keep]
