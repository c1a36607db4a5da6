"""The words of bordermon's domain, said once.

Layers, categories, confidence grades, sides and precisions are the enumerations of the
event schema (``geodata/schema/event.schema.json``); this module reads them from there and
adds what the schema cannot carry: how each value reads to a person, how each category is
drawn, and the time rule of each layer (when an event without an ``end`` stops counting).
The kinds of publisher come from the publisher register's one list
(:data:`layers.publishers.KINDS`) and get their labels here.
Every other module, the map script's payload and the dashboard's widgets take their lists
and labels from here, so a new category is added in the schema and given a label and a
style here, and nowhere else. Importing this module fails loudly when the two disagree.

Labels are written in English and marked for translation (:mod:`layers.i18n`); the
functions that return text take the interface language (``lang``, English by default)
and translate at the call, never through a process-wide setting.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from types import MappingProxyType
from typing import Any, Literal

import numpy as np
import pandas as pd

from layers.i18n import DEFAULT_LANGUAGE, LANGUAGES, N_, Translator, to_cyrillic, translator
from layers.paths import SCHEMA_PATH
from layers.publishers import KINDS

__all__ = [
    "CASUALTY_COUNTS",
    "CATEGORIES",
    "CATEGORY_STYLES",
    "CONFIDENCES",
    "CONFIDENCE_LABELS",
    "LAYERS",
    "LAYER_LABELS",
    "LAYER_TIME_RULES",
    "LAYER_TITLES",
    "LOCATION_PRECISIONS",
    "PRECISION_LABELS",
    "PUBLISHER_KINDS",
    "PUBLISHER_KIND_LABELS",
    "REPORT_CURRENT_DAYS",
    "SCHEMA_VERSION",
    "SIDES",
    "SIDE_LABELS",
    "SOURCE_FIELDS",
    "TIME_PRECISIONS",
    "TITLE_LANGUAGES",
    "CategoryStyle",
    "TimeRule",
    "category_label",
    "category_name",
    "describe_casualty_threshold",
    "describe_when",
    "describe_when_column",
    "describe_window",
    "format_day",
    "language_label",
    "schema",
    "translated",
]


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    """The event schema as a dict (read once; callers must not mutate it)."""
    data: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return data


def _props() -> dict[str, Any]:
    props: dict[str, Any] = schema()["$defs"]["properties"]
    return props


def _enum(name: str) -> tuple[str, ...]:
    values = _props()["properties"][name]["enum"]
    return tuple(value for value in values if value is not None)


def _categories() -> dict[str, tuple[str, ...]]:
    found: dict[str, tuple[str, ...]] = {}
    for rule in _props()["allOf"]:
        layer = rule.get("if", {}).get("properties", {}).get("layer", {}).get("const")
        if layer is not None:
            found[layer] = tuple(rule["then"]["properties"]["category"]["enum"])
    return found


#: Version of the event schema, as the schema file states it.
SCHEMA_VERSION: str = schema()["x-bordermon-schema-version"]
#: ``incident``, ``deployment`` (reported military deployment), ``kfor`` (KFOR presence).
LAYERS: tuple[str, ...] = _enum("layer")
#: The fields of a source, in the schema's order (each a text; only some are required).
SOURCE_FIELDS: tuple[str, ...] = tuple(schema()["$defs"]["source"]["properties"])
#: The categories allowed in each layer, in the schema's order.
CATEGORIES: MappingProxyType[str, tuple[str, ...]] = MappingProxyType(_categories())
#: ``confirmed``, ``reported``, ``claimed`` (by one party), ``disputed``.
CONFIDENCES: tuple[str, ...] = _enum("confidence")
#: ``XK`` (Kosovo), ``RS`` (Serbia), ``disputed``; the schema also allows null (neither).
SIDES: tuple[str, ...] = _enum("side")
#: ``exact``, ``approximate`` (with a radius), ``area``, ``none`` (no position).
LOCATION_PRECISIONS: tuple[str, ...] = _enum("location_precision")
#: ``hour`` … ``year``.
TIME_PRECISIONS: tuple[str, ...] = _enum("time_precision")
#: The languages a title may be translated into (``title_i18n``'s keys): the interface's,
#: with Serbian once, in Latin script; the Cyrillic interface transliterates it.
TITLE_LANGUAGES: tuple[str, ...] = tuple(_props()["properties"]["title_i18n"]["properties"])

LAYER_LABELS: MappingProxyType[str, str] = MappingProxyType(
    {"incident": N_("Incident"), "deployment": N_("Reported deployment"), "kfor": N_("KFOR")}
)
#: A layer's name as a group of events (a layer switch, a legend heading).
LAYER_TITLES: MappingProxyType[str, str] = MappingProxyType(
    {"incident": N_("Incidents"), "deployment": N_("Reported deployments"), "kfor": N_("KFOR presence")}
)
CONFIDENCE_LABELS: MappingProxyType[str, str] = MappingProxyType(
    {
        # TRANSLATORS: confidence grades of a record, shown after "Confidence:"; lower case.
        "confirmed": N_("confirmed"),
        "reported": N_("reported"),
        "claimed": N_("claimed by one party"),
        "disputed": N_("disputed"),
    }
)
SIDE_LABELS: MappingProxyType[str, str] = MappingProxyType(
    {"XK": N_("Kosovo (XK)"), "RS": N_("Serbia (RS)"), "disputed": N_("Disputed")}
)
#: How a precision reads in a sentence ("the position is …"); ``none`` is never drawn.
PRECISION_LABELS: MappingProxyType[str, str] = MappingProxyType(
    {
        # TRANSLATORS: completes "the position is …" (a popup line: "Position: exact").
        "exact": N_("exact"),
        "approximate": N_("approximate"),
        "area": N_("an area"),
        "none": N_("not known"),
    }
)
#: The kinds of publisher of the register (:data:`layers.publishers.KINDS`), in its order.
PUBLISHER_KINDS: tuple[str, ...] = KINDS
PUBLISHER_KIND_LABELS: MappingProxyType[str, str] = MappingProxyType(
    {
        "wire": N_("Wire agency"),
        "broadcaster": N_("Broadcaster"),
        "newspaper": N_("Newspaper or news site"),
        "government": N_("Government"),
        "international_organisation": N_("International organisation"),
        "ngo": N_("NGO"),
        "research": N_("Research institute"),
        "reference": N_("Reference work"),
        "aggregator": N_("Aggregator"),
        "partisan": N_("Partisan outlet"),
    }
)
#: The counts a view can set a threshold on (the store's ``fatalities`` and ``injured``).
CASUALTY_COUNTS: tuple[str, ...] = ("fatalities", "injured")


@dataclass(frozen=True)
class CategoryStyle:
    """How one category reads and is drawn: its label, fill colour and symbol."""

    label: str
    color: str
    shape: str


#: Symbol and colour per category, per layer. Shapes group kinds of event (violence:
#: triangle/star; unrest: circle; law enforcement: square; crossings: diamond; each
#: interval layer one shape); colours tell the categories apart, across layers too, since
#: the charts tell categories apart by colour alone (each "other" a pale tint of its layer).
CATEGORY_STYLES: MappingProxyType[str, MappingProxyType[str, CategoryStyle]] = MappingProxyType(
    {
        "incident": MappingProxyType(
            {
                "armed_attack": CategoryStyle(N_("Armed attack"), "#b2182b", "triangle"),
                "armed_clash": CategoryStyle(N_("Armed clash"), "#e66101", "triangle"),
                "explosion": CategoryStyle(N_("Explosion"), "#7b3294", "star"),
                "riot": CategoryStyle(N_("Riot"), "#d6604d", "circle"),
                "protest": CategoryStyle(N_("Protest"), "#f4a582", "circle"),
                "detention": CategoryStyle(N_("Detention"), "#2166ac", "square"),
                "arrest": CategoryStyle(N_("Arrest"), "#67a9cf", "square"),
                "crossing_closure": CategoryStyle(N_("Crossing closure"), "#252525", "diamond"),
                "crossing_reopening": CategoryStyle(N_("Crossing reopening"), "#1b7837", "diamond"),
                "other": CategoryStyle(N_("Other incident"), "#878787", "circle"),
            }
        ),
        "deployment": MappingProxyType(
            {
                "buildup": CategoryStyle(N_("Build-up"), "#c51b7d", "pentagon"),
                "readiness": CategoryStyle(N_("Raised readiness"), "#e7298a", "pentagon"),
                "drawdown": CategoryStyle(N_("Drawdown"), "#4d9221", "pentagon"),
                "visit": CategoryStyle(N_("Visit"), "#8073ac", "pentagon"),
                "other": CategoryStyle(N_("Other deployment"), "#b8a9c9", "pentagon"),
            }
        ),
        "kfor": MappingProxyType(
            {
                "installation": CategoryStyle(N_("Installation"), "#08306b", "hexagon"),
                "reinforcement": CategoryStyle(N_("Reinforcement"), "#2171b5", "hexagon"),
                "authorisation": CategoryStyle(N_("Authorisation"), "#6baed6", "hexagon"),
                "operation": CategoryStyle(N_("Operation"), "#4292c6", "hexagon"),
                "other": CategoryStyle(N_("Other KFOR"), "#9ecae1", "hexagon"),
            }
        ),
    }
)

#: A deployment report with no sourced end is taken as current for this many days after
#: its date (calendar days, local time). A convention, stated on the methodology page,
#: not a fact from the sources.
REPORT_CURRENT_DAYS = 30


@dataclass(frozen=True)
class TimeRule:
    """When an event of a layer stops counting if its sources give no ``end``.

    ``instant``: it happened at its ``start``; ``current``: it counts for ``days``
    calendar days from its ``start``; ``ongoing``: it lasts until a source says otherwise.
    """

    kind: Literal["instant", "current", "ongoing"]
    days: int = 0

    @property
    def lasts(self) -> bool:
        """True for layers whose events last (a missing end reads "no end reported")."""
        return self.kind != "instant"


LAYER_TIME_RULES: MappingProxyType[str, TimeRule] = MappingProxyType(
    {
        "incident": TimeRule("instant"),
        "deployment": TimeRule("current", REPORT_CURRENT_DAYS),
        "kfor": TimeRule("ongoing"),
    }
)


def translated(labels: Mapping[str, str], lang: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    """A table of labels (e.g. :data:`SIDE_LABELS`) in the interface language ``lang``."""
    t = translator(lang)
    return {key: t.gettext(label) for key, label in labels.items()}


def category_label(layer: str, category: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """The label of a category, or the raw value when the pair is unknown."""
    styles = CATEGORY_STYLES.get(layer)
    style = styles.get(category) if styles is not None else None
    return translator(lang).gettext(style.label) if style is not None else category


def category_name(category: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """The label of a category key of any layer (``other``, in several, takes the first's)."""
    for layer in LAYERS:
        if category in CATEGORY_STYLES.get(layer, {}):
            return category_label(layer, category, lang)
    return category


def language_label(code: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """A source's language code as people read it: ``sr`` → ``Serbian (sr)``.

    The name is CLDR's, in the interface language ``lang``; a code CLDR does not name
    reads as itself.
    """
    t = translator(lang)
    name = t.locale.languages.get(code)
    return f"{to_cyrillic(name) if t.cyrillic else name} ({code})" if name else code


def describe_casualty_threshold(count: str, minimum: int, lang: str = DEFAULT_LANGUAGE) -> str:
    """A casualty threshold as people read it: ``any killed``, ``at least 5 injured``.

    The threshold applies to the low end of the reported range (see
    :class:`layers.filters.Filters`): "at least 5" means every source's figure is 5 or
    more. ``count`` is ``fatalities`` or ``injured`` (:data:`CASUALTY_COUNTS`); a minimum
    of 0 or less is no threshold and reads as an empty string.
    """
    t = translator(lang)
    if minimum <= 0:
        return ""
    if count == "fatalities":
        if minimum == 1:
            return t.gettext("any killed")
        return t.gettext("at least {count} killed").format(count=t.format_decimal(minimum))
    if minimum == 1:
        return t.gettext("any injured")
    return t.gettext("at least {count} injured").format(count=t.format_decimal(minimum))


def _missing(value: Any) -> bool:
    return (
        value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))
    )


def format_day(value: Any, lang: str = DEFAULT_LANGUAGE) -> str:
    """A day as people read it: ``24 Sep 2023`` (``24 sept. 2023`` in French)."""
    return translator(lang).format_day(pd.Timestamp(value))


def _format_instant(value: pd.Timestamp, precision: str, t: Translator) -> str:
    if precision == "year":
        return f"{value.year}"
    if precision == "month":
        return t.format_month(value)
    day = t.format_day(value)
    if precision == "week":
        return t.gettext("week of {day}").format(day=day)
    if precision == "hour":
        return t.gettext("{day}, {time}").format(day=day, time=t.format_time(value))
    return day


@lru_cache(maxsize=8)
def _precision_notes(lang: str) -> dict[str, str]:
    t = translator(lang)
    # One whole sentence per precision, so that each language can word it its own way.
    return {
        "hour": t.gettext("{when} (to the hour)"),
        "day": t.gettext("{when} (to the day)"),
        "week": t.gettext("{when} (to the week)"),
        "month": t.gettext("{when} (to the month)"),
        "year": t.gettext("{when} (to the year)"),
    }


def describe_when(
    start: Any, end: Any, precision: Any, *, interval: bool = False, lang: str = DEFAULT_LANGUAGE
) -> str:
    """A date or period as people read it, with its precision.

    Parameters
    ----------
    start, end : Timestamp or missing
        Local (Europe/Belgrade) times as read from the store; ``end`` may be missing.
    precision : str
        ``hour``, ``day``, ``week``, ``month`` or ``year``.
    interval : bool
        True for layers whose events last (deployments, KFOR presence): a missing end
        reads "no end reported".
    lang : str
        The interface language (:data:`layers.i18n.LANGUAGES`); English by default.

    Returns
    -------
    str
        E.g. ``"24 Sep 2023 (to the day)"``, ``"September 2023 (to the month)"``,
        ``"1 Sep 2023 – 3 Oct 2023 (to the day)"``, ``"from 1 Sep 2023, no end reported (to the day)"``.
    """
    t = translator(lang)
    if _missing(start):
        return t.gettext("date unknown")
    level = str(precision) if not _missing(precision) else "day"
    first = _format_instant(pd.Timestamp(start), level, t)
    if not _missing(end):
        last = _format_instant(pd.Timestamp(end), level, t)
        text = first if last == first else t.gettext("{first} – {last}").format(first=first, last=last)
    elif interval:
        text = t.gettext("from {first}, no end reported").format(first=first)
    else:
        text = first
    note = _precision_notes(t.language).get(level)
    return note.replace("{when}", text) if note is not None else f"{text} (to the {level})"


#: The parts of a time each precision shows (any other precision reads as a day).
_SHOWN_PARTS = {"year": 1, "month": 2, "hour": 5}


def _instant_codes(
    times: pd.Series, levels: np.ndarray, level_codes: np.ndarray, t: Translator
) -> tuple[np.ndarray, list[str]]:
    """:func:`_format_instant` of each time, each distinct shown value formatted once.

    Returns a code per row (-1 where the time is missing) and the text of each code.
    """
    missing = times.isna().to_numpy()
    parts = [times.dt.year, times.dt.month, times.dt.day, times.dt.hour, times.dt.minute]
    values = [part.fillna(0).to_numpy(dtype="int64") for part in parts]
    shown = np.full(len(times), 3, dtype="int64")
    for level, count in _SHOWN_PARTS.items():
        shown[levels == level] = count
    key = level_codes.astype("int64")
    for place, (column, size) in enumerate(zip(values, (10_000, 13, 32, 24, 60), strict=True)):
        key = key * size + np.where(shown > place, column, 0)
    key[missing] = -1
    codes = np.asarray(pd.factorize(key)[0], dtype="int64")
    _, first = np.unique(codes, return_index=True)
    picked = times.iloc[first].tolist()
    texts = [
        "" if missing[row] else _format_instant(pd.Timestamp(value), str(levels[row]), t)
        for row, value in zip(first.tolist(), picked, strict=True)
    ]
    codes[missing] = -1
    return codes, texts


def describe_when_column(
    starts: pd.Series,
    ends: pd.Series,
    precisions: pd.Series,
    *,
    interval: bool | np.ndarray = False,
    lang: str = DEFAULT_LANGUAGE,
) -> list[str]:
    """:func:`describe_when` of every row of three columns, the same texts, much faster.

    Each distinct day (month, year, hour) is formatted once and each distinct sentence
    written once, so a column of 100,000 events costs what its few thousand days cost.

    Parameters
    ----------
    starts, ends : Series of Timestamp
        Times as read from the store (``ends`` may be missing), aligned with each other.
    precisions : Series of str
        ``time_precision`` of each row (missing reads as ``day``).
    interval : bool or array of bool
        For all rows, or per row, as :func:`describe_when` takes it.
    lang : str
        The interface language.
    """
    n = len(starts)
    if n == 0:
        return []
    t = translator(lang)
    levels = precisions.astype(object).where(precisions.notna(), "day").map(str).to_numpy(dtype=object)
    level_codes, level_names = pd.factorize(levels)
    first, first_texts = _instant_codes(starts, levels, level_codes, t)
    last, last_texts = _instant_codes(ends, levels, level_codes, t)
    lasting = np.broadcast_to(np.asarray(interval, dtype=bool), (n,))
    # One sentence per distinct (first, last, precision, interval) of the rows: the four
    # codes packed into one integer (each is small) and factorized at once.
    spans = (len(last_texts) + 1, len(level_names), 2)
    key = ((first + 1) * spans[0] + (last + 1)) * spans[1] + level_codes.astype("int64")
    key = key * spans[2] + lasting.astype("int64")
    sentence, packed = pd.factorize(key)
    packed = np.asarray(packed, dtype="int64")
    uniques = zip(
        (packed // (spans[2] * spans[1] * spans[0]) - 1).tolist(),
        (packed // (spans[2] * spans[1]) % spans[0] - 1).tolist(),
        (packed // spans[2] % spans[1]).tolist(),
        (packed % spans[2]).astype(bool).tolist(),
        strict=True,
    )
    notes = _precision_notes(t.language)
    between = t.gettext("{first} – {last}")
    ongoing = t.gettext("from {first}, no end reported")
    unknown = t.gettext("date unknown")
    texts = []
    for f, last_code, p, lasts in uniques:
        if f < 0:
            texts.append(unknown)
            continue
        level = str(level_names[p])
        text = first_texts[f]
        if last_code >= 0:
            end_text = last_texts[last_code]
            text = text if end_text == text else between.format(first=text, last=end_text)
        elif lasts:
            text = ongoing.format(first=text)
        note = notes.get(level)
        texts.append(note.replace("{when}", text) if note is not None else f"{text} (to the {level})")
    picked: list[str] = np.asarray(texts, dtype=object)[sentence].tolist()
    return picked


def describe_window(start: date | None, end: date | None, lang: str = DEFAULT_LANGUAGE) -> str:
    """A time window as people read it: ``"1 Sep 2023 – 31 Oct 2023"``, ``"all dates"``."""
    t = translator(lang)
    if start and end:
        return t.gettext("{first} – {last}").format(first=t.format_day(start), last=t.format_day(end))
    if start:
        return t.gettext("from {day}").format(day=t.format_day(start))
    if end:
        return t.gettext("up to {day}").format(day=t.format_day(end))
    return t.gettext("all dates")


def _check() -> None:
    """Every schema value has a label, a style and a rule; nothing else has one."""
    problems: list[str] = []
    pairs: list[tuple[str, set[str], set[str]]] = [
        ("layer labels", set(LAYERS), set(LAYER_LABELS)),
        ("layer titles", set(LAYERS), set(LAYER_TITLES)),
        ("layer time rules", set(LAYERS), set(LAYER_TIME_RULES)),
        ("confidence labels", set(CONFIDENCES), set(CONFIDENCE_LABELS)),
        ("side labels", set(SIDES), set(SIDE_LABELS)),
        ("precision labels", set(LOCATION_PRECISIONS), set(PRECISION_LABELS)),
        ("publisher kind labels", set(PUBLISHER_KINDS), set(PUBLISHER_KIND_LABELS)),
        ("layers with categories", set(LAYERS), set(CATEGORIES)),
        ("layers with styles", set(LAYERS), set(CATEGORY_STYLES)),
        ("title translation languages", set(LANGUAGES) - {"sr_Cyrl"}, set(TITLE_LANGUAGES)),
    ]
    pairs += [
        (f"{layer} category styles", set(CATEGORIES.get(layer, ())), set(CATEGORY_STYLES.get(layer, {})))
        for layer in LAYERS
    ]
    for what, wanted, given in pairs:
        if wanted != given:
            problems.append(f"{what}: missing {sorted(wanted - given)}, unknown {sorted(given - wanted)}")
    if problems:
        raise RuntimeError("layers/vocabulary.py disagrees with the event schema: " + "; ".join(problems))


_check()
