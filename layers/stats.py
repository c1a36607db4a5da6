"""``bordermon stats``: the analysis measures of a store, as a table or as JSON.

The command reads a store, applies the same :class:`layers.filters.Filters` as the
dashboard, and reports per-event measures (:mod:`layers.measures`), deployment zones,
and the weekly series and escalation indicator (:mod:`layers.timeseries`).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd

from layers.cliargs import (
    add_lang_argument,
    check_view,
    open_store,
    parse_day,
    set_aside_fields,
    set_aside_line,
)
from layers.filter_args import add_source_arguments, cited_filters, source_filters, uses_sources
from layers.filters import Filters, filter_events
from layers.i18n import DEFAULT_LANGUAGE, N_, Translator, translator
from layers.measures import MEASURE_COLUMNS, SIDE_NAMES, AnalysisReference, measure_events, zone_measures
from layers.paths import STORE_ENV
from layers.snapshot import NESTED_COLUMNS
from layers.store import EVENT_COLUMNS
from layers.timeseries import (
    CASUALTY_COLUMNS,
    DEFAULT_WEIGHTS,
    ESCALATION_COMPONENTS,
    EscalationWeights,
    escalation,
    weekly_casualties,
    weekly_counts,
)
from layers.validate import LAYERS

__all__ = [
    "EVENT_FIELDS",
    "FORMULA",
    "STATS_COLUMNS",
    "Stats",
    "add_stats_command",
    "compute_stats",
    "format_stats",
    "run_stats",
    "stats_json",
]

#: Columns of each event record in ``--json``, in order.
EVENT_FIELDS: tuple[str, ...] = (
    "id",
    "layer",
    "category",
    "start",
    "side",
    "location_precision",
    "uncertainty_km",
    *MEASURE_COLUMNS,
)
#: Free text that no measure, series or table of ``stats`` uses: not read (the summary
#: alone is the store's largest column, and every selection of the frame would copy it).
_UNUSED_TEXT = (
    "title",
    "title_i18n",
    "summary",
    "municipality",
    "geometry_note",
    "external_ids",
    "extensions",
)
#: Event columns ``bordermon stats`` reads: none of the lists (actors, sources, ...) and
#: none of the free text above.
STATS_COLUMNS: tuple[str, ...] = tuple(
    name for name in EVENT_COLUMNS if name not in NESTED_COLUMNS and name not in _UNUSED_TEXT
)

ObjectArray = npt.NDArray[np.object_]
BoolArray = npt.NDArray[np.bool_]

FORMULA = (
    "total = incidents + casualties + deployments + crossings + kfor, "
    "per ISO week (Monday, Europe/Belgrade): "
    "incidents = sum of incident weights by category (incidents starting in the week); "
    "casualties = fatality weight x killed (low end) + injured weight x injured (low end); "
    "deployments = sum of deployment weights of reports in effect during the week "
    "(a report without an end counts for deployment_days); "
    "crossings = crossing weight x crossings closed at some time in the week; "
    "kfor = sum of KFOR weights by category (events starting in the week). "
    "See docs/methodology-analysis.md."
)


@dataclass(frozen=True)
class Stats:
    """Everything ``bordermon stats`` reports, as frames (for the dashboard too).

    Attributes
    ----------
    events : GeoDataFrame
        The events of the view, in store order.
    measures : DataFrame
        :func:`layers.measures.measure_events` of ``events``.
    zones : DataFrame
        :func:`layers.measures.zone_measures` of the deployment events with an area.
    by_layer, by_side, by_category, casualties, escalation, inputs : DataFrame
        Weekly series over the same weeks (:mod:`layers.timeseries`).
    weights : EscalationWeights
        The weights the indicator used.
    """

    events: gpd.GeoDataFrame
    measures: pd.DataFrame
    zones: pd.DataFrame
    by_layer: pd.DataFrame
    by_side: pd.DataFrame
    by_category: pd.DataFrame
    casualties: pd.DataFrame
    escalation: pd.DataFrame
    inputs: pd.DataFrame
    weights: EscalationWeights

    def active_weeks(self) -> pd.DatetimeIndex:
        """Weeks in which any series is not zero (the rest carry no information)."""
        frames = (self.by_layer, self.casualties, self.escalation, self.inputs)
        busy = pd.concat([f.astype(float) for f in frames], axis=1).ne(0).any(axis=1)
        return pd.DatetimeIndex(busy.index[busy.to_numpy()], name="week")


def compute_stats(
    events: gpd.GeoDataFrame,
    *,
    start: date | None = None,
    end: date | None = None,
    weights: EscalationWeights = DEFAULT_WEIGHTS,
    reference: AnalysisReference | None = None,
) -> Stats:
    """Measure a view of the store and build its weekly series (no printing).

    Parameters
    ----------
    events : GeoDataFrame
        The events of the view (already filtered).
    start, end : date, optional
        Window of the weekly series; default the events' own span.
    weights : EscalationWeights
        Weights of the escalation indicator.
    reference : AnalysisReference, optional
        Reference geography; default the shipped files.
    """
    deployments = events[(events["layer"] == "deployment") & events.geometry.notna()]
    zones = zone_measures(deployments, reference)
    zones = zones[zones["area_km2"] > 0]
    window = {"start": start, "end": end}
    points, counts = escalation(events, weights=weights, reference=reference, **window)
    return Stats(
        events=events,
        measures=measure_events(events, reference),
        zones=zones,
        by_layer=weekly_counts(events, "layer", **window),
        by_side=weekly_counts(events, "side", **window),
        by_category=weekly_counts(events, "category", **window),
        casualties=weekly_casualties(events, **window),
        escalation=points,
        inputs=counts,
        weights=weights,
    )


# --------------------------------------------------------------------------- JSON


def _plain(value: Any, digits: int = 3) -> Any:
    """A JSON-ready value: NA and NaN become null, floats are rounded to metres."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, bool):
        return value
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()  # numpy scalars
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, digits)
    if isinstance(value, bool | int | str):
        return value
    return str(value)


def _plain_column(values: pd.Series) -> list[Any]:
    """:func:`_plain` of a whole column: converted by type once, not value by value."""
    missing = values.isna().to_numpy()
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        text = values.dt.strftime("%Y-%m-%dT%H:%M:%S%z")  # +0200; isoformat writes +02:00
        out: list[Any] = (text.str.slice(0, -2) + ":" + text.str.slice(-2)).tolist()
    elif pd.api.types.is_float_dtype(values.dtype):
        out = [round(v, 3) for v in values.to_numpy(dtype=float, na_value=np.nan).tolist()]
    elif pd.api.types.is_bool_dtype(values.dtype):
        out = values.fillna(False).to_numpy(dtype=bool).tolist()
    elif pd.api.types.is_integer_dtype(values.dtype):
        out = values.fillna(0).to_numpy(dtype=np.int64).tolist()
    else:
        out = values.astype(object).map(str).tolist()
    return [None if gone else value for value, gone in zip(out, missing.tolist(), strict=True)]


def _records(frame: pd.DataFrame, weeks: pd.DatetimeIndex) -> dict[str, dict[str, Any]]:
    rows = frame.loc[weeks]
    return {
        week.date().isoformat(): {str(k): _plain(v) for k, v in row.items()}
        for week, row in zip(weeks, rows.to_dict("records"), strict=True)
    }


def stats_json(stats: Stats) -> dict[str, Any]:
    """The JSON document of ``bordermon stats --json``.

    Returns
    -------
    dict
        ``events`` (one record per event, :data:`EVENT_FIELDS`), ``zones`` (deployment
        areas), ``weeks`` (one record per week with any activity: counts by layer, side
        and ``layer/category``, casualties, escalation parts and total, and their inputs)
        and ``escalation`` (formula and weights).
    """
    joined = pd.concat([stats.events.drop(columns=stats.events.geometry.name), stats.measures], axis=1)
    values = [_plain_column(joined[name]) for name in EVENT_FIELDS]
    events = [dict(zip(EVENT_FIELDS, row, strict=True)) for row in zip(*values, strict=True)]
    zone_names = ["id", *(str(name) for name in stats.zones.columns)]
    zone_values = [
        _plain_column(stats.events.loc[stats.zones.index, "id"].astype(str)),
        *(_plain_column(stats.zones[name]) for name in stats.zones.columns),
    ]
    zones = [dict(zip(zone_names, row, strict=True)) for row in zip(*zone_values, strict=True)]
    active = stats.active_weeks()
    parts = {
        "by_layer": _records(stats.by_layer, active),
        "by_side": _records(stats.by_side, active),
        "by_category": _records(stats.by_category, active),
        "casualties": _records(stats.casualties, active),
        "escalation": _records(stats.escalation, active),
        "escalation_inputs": _records(stats.inputs, active),
    }
    weeks = [
        {
            "week": week.date().isoformat(),
            "iso_week": f"{week.isocalendar().year}-W{week.isocalendar().week:02d}",
            **{name: part[week.date().isoformat()] for name, part in parts.items()},
        }
        for week in active
    ]
    all_weeks = stats.escalation.index
    return {
        "events": events,
        "zones": zones,
        "weeks": weeks,
        "weeks_window": {
            "first": all_weeks[0].date().isoformat() if len(all_weeks) else None,
            "last": all_weeks[-1].date().isoformat() if len(all_weeks) else None,
            "omitted": "weeks in the window where every count and the indicator are zero",
        },
        "escalation": {
            "formula": FORMULA,
            "components": [*ESCALATION_COMPONENTS, "total"],
            "weights": {
                "incident": dict(stats.weights.incident),
                "fatality": stats.weights.fatality,
                "injured": stats.weights.injured,
                "deployment": dict(stats.weights.deployment),
                "deployment_days": stats.weights.deployment_days,
                "crossing": stats.weights.crossing,
                "closure_days": stats.weights.closure_days,
                "kfor": dict(stats.weights.kfor),
            },
        },
    }


# --------------------------------------------------------------------------- table


def _km_texts(values: Any, signed: bool = True, decimal: str = ".") -> ObjectArray:
    """Kilometres to one decimal, a whole column at once: ``+1.2`` (or ``1.2``), ``0.0``, ``—``.

    ``decimal`` is the language's decimal mark (``+1,2`` in French, Serbian and Albanian).
    """
    numbers = pd.to_numeric(pd.Series(values), errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    missing = np.isnan(numbers)
    text: ObjectArray = np.char.mod("%+.1f" if signed else "%.1f", np.where(missing, 0.0, numbers)).astype(
        object
    )
    text[np.isin(text, ("+0.0", "-0.0"))] = "0.0"  # not "-0.0": a sign that close to the line says nothing
    if decimal != ".":
        text = np.char.replace(text.astype(str), ".", decimal).astype(object)
    text[missing] = "—"
    return text


def _yes_texts(values: Any, area: BoolArray, t: Translator) -> ObjectArray:
    """``yes`` / ``no``, and where undecided ``partly`` (an area) or ``maybe`` (a position)."""
    flags = pd.array(values, dtype="boolean")
    undecided = np.asarray(flags.isna(), dtype=bool)
    yes, no = t.gettext("yes"), t.gettext("no")
    text: ObjectArray = np.where(flags.fillna(False).to_numpy(dtype=bool), yes, no).astype(object)
    text[undecided & area] = t.gettext("partly")
    text[undecided & ~area] = t.gettext("maybe")
    return text


def _table(header: list[str], columns: list[Any], right: set[int]) -> list[str]:
    """Aligned text columns: cells padded, joined by two spaces, trailing space removed."""
    cells = [pd.Series(np.asarray(column, dtype=object), dtype=object).astype(str) for column in columns]
    widths = [
        max(len(h), int(c.str.len().max()) if len(c) else 0) for h, c in zip(header, cells, strict=True)
    ]

    def line(texts: list[str]) -> str:
        padded = (
            t.rjust(w) if i in right else t.ljust(w)
            for i, (t, w) in enumerate(zip(texts, widths, strict=True))
        )
        return "  ".join(padded).rstrip()

    body: list[str] = []
    if cells and len(cells[0]):
        joined = cells[0].str.rjust(widths[0]) if 0 in right else cells[0].str.ljust(widths[0])
        for i, values in enumerate(cells[1:], start=1):
            joined = (
                joined + "  " + (values.str.rjust(widths[i]) if i in right else values.str.ljust(widths[i]))
            )
        body = joined.str.rstrip().tolist()
    return [line(header), line(["-" * w for w in widths]), *body]


def _days(times: pd.Series, t: Translator) -> ObjectArray:
    """Each time's day as the language writes it (each distinct day formatted once)."""
    iso = times.dt.strftime("%Y-%m-%d")
    distinct = {day: t.format_day(date.fromisoformat(day)) for day in iso.dropna().unique()}
    days: ObjectArray = iso.map(distinct).fillna("—").to_numpy(dtype=object)
    return days


def _event_columns(stats: Stats, t: Translator) -> list[ObjectArray]:
    """The per-event table's columns, for the events with a position."""
    measured = stats.measures["side_measured"].notna().to_numpy()
    events, m = stats.events[measured], stats.measures[measured]
    area = (events.geometry.geom_type != "Point").to_numpy()
    mark = t.decimal_symbol
    lo, hi = m["distance_min_km"].to_numpy(dtype=float), m["distance_max_km"].to_numpy(dtype=float)
    spread = np.full(len(lo), "", dtype=object)
    wide = np.flatnonzero(np.abs(hi - lo) >= 0.05)
    if len(wide):
        between = t.gettext("{low} to {high}")
        spread[wide] = [
            between.format(low=low, high=high)
            for low, high in zip(
                _km_texts(lo[wide], decimal=mark), _km_texts(hi[wide], decimal=mark), strict=True
            )
        ]
    crossing = m["nearest_crossing"].astype(str).to_numpy(dtype=object)
    kfor = (
        m["nearest_kfor"].astype(str).to_numpy(dtype=object)
        + " "
        + _km_texts(m["nearest_kfor_km"], False, mark)
    )
    kfor = np.where(m["nearest_kfor"].notna().to_numpy(), kfor, "").astype(object)
    unverified = (m["nearest_kfor_confidence"].astype(str) == "low").to_numpy()
    return [
        events["id"].astype(str).to_numpy(dtype=object),
        _days(events["start"], t),
        events["side"].astype(object).fillna("—").astype(str).to_numpy(dtype=object),
        _measured_sides(m["side_measured"], t),
        _km_texts(m["distance_to_boundary_km"], decimal=mark),
        spread,
        _yes_texts(m["in_gsz"], area, t),
        _yes_texts(m["in_asz"], area, t),
        crossing + " " + _km_texts(m["nearest_crossing_km"], False, mark),
        np.where(unverified, kfor + "*", kfor).astype(object),
    ]


def _measured_sides(sides: pd.Series, t: Translator) -> ObjectArray:
    """The side measured: the codes ``XK`` and ``RS`` as they are, ``line`` and the others in words."""
    words = {code: t.gettext(name) for code, name in SIDE_NAMES.items() if code not in ("XK", "RS")}
    text: ObjectArray = sides.astype(str).map(lambda code: words.get(code, code)).to_numpy(dtype=object)
    return text


def _week_labels(weeks: pd.DatetimeIndex, t: Translator) -> ObjectArray:
    """``2023-W39 (25 Sep 2023)`` for each week: the ISO week and its Monday, as the language writes a day."""
    iso = weeks.isocalendar()
    year, number = iso["year"].astype(str).to_numpy(dtype=object), iso["week"].astype(str).str.zfill(2)
    mondays = _days(pd.Series(weeks, dtype=weeks.dtype), t)
    labels: ObjectArray = year + "-W" + number.to_numpy(dtype=object) + " (" + mondays + ")"
    return labels


def _counts(values: Any) -> ObjectArray:
    text: ObjectArray = np.asarray(values, dtype=np.int64).astype(str).astype(object)
    return text


def _ranges(low: Any, high: Any) -> ObjectArray:
    """``3`` where both ends agree, else ``3–5``."""
    lo, hi = _counts(low), _counts(high)
    text: ObjectArray = np.where(lo == hi, lo, lo + "–" + hi).astype(object)
    return text


#: Headers of the per-event table, as the report names its columns.
_EVENT_HEADER = (
    N_("id"),
    N_("start"),
    N_("side"),
    N_("measured"),
    N_("km"),
    N_("range km"),
    "GSZ",
    "ASZ",
    N_("nearest crossing km"),
    N_("nearest KFOR km"),
)
#: The escalation indicator's parts (:data:`layers.timeseries.ESCALATION_COMPONENTS`) as headers.
_PART_NAMES = {
    "incidents": N_("incidents"),
    "casualties": N_("casualties"),
    "deployments": N_("deployments"),
    "crossings": N_("crossings"),
    "kfor": "kfor",  # the layer's code, as in the weekly table
    "total": N_("total"),
}


def format_stats(stats: Stats, *, title: str = "", lang: str = DEFAULT_LANGUAGE) -> str:
    """The readable report of ``bordermon stats`` in the language ``lang``: measures, zones, weekly series.

    Ids, side codes and place names stay as recorded; numbers and days are written as the
    language writes them.
    """
    t = translator(lang)
    mark = t.decimal_symbol
    out = [title] if title else []
    total = len(stats.events)
    columns = _event_columns(stats, t)
    measured = len(columns[0])
    in_view = t.ngettext("{count} event in the view", "{count} events in the view", total).format(
        count=t.format_decimal(total)
    )
    with_position = t.ngettext(
        "{count} with a position is measured.", "{count} with a position are measured.", measured
    ).format(count=t.format_decimal(measured))
    out += [
        t.gettext("{in_view}; {measured}").format(in_view=in_view, measured=with_position),
        "",
        *t.gettext(
            "Distance to the Kosovo–Serbia boundary, km: + inside Kosovo, − outside it; the range\n"
            "covers the record's stated uncertainty or the extent of its area. GSZ/ASZ: historical 1999\n"
            "safety zones (5 / 25 km, Serbian side): 'partly' = an area reaching across a zone's edge,\n"
            "'maybe' = a position whose uncertainty (or the line's, within 0.1 km) straddles an edge."
        ).splitlines(),
        "",
    ]
    out += _table([t.gettext(h) for h in _EVENT_HEADER], columns, right={4})
    if any(text.endswith("*") for text in columns[-1]):
        out.append(t.gettext("* unverified position of the KFOR installation (gazetteer confidence low)"))
    unmeasured = total - measured
    if unmeasured:
        out.append(
            t.ngettext(
                "{count} event has no position (precision none) and is not measured.",
                "{count} events have no position (precision none) and are not measured.",
                unmeasured,
            ).format(count=t.format_decimal(unmeasured))
        )

    if not stats.zones.empty:
        out += ["", t.gettext("Deployment zones (area events): area and share within 5 / 25 km of the line")]
        zones = stats.zones
        zone_columns = [
            stats.events.loc[zones.index, "id"].astype(str).to_numpy(dtype=object),
            _each_once(zones["area_km2"], lambda v: t.format_decimal(v, digits=0)),
            _each_once(zones["share_within_5km"], t.format_percent),
            _each_once(zones["share_within_25km"], t.format_percent),
            _km_texts(zones["min_distance_km"], False, mark),
        ]
        zone_header = [t.gettext("id"), t.gettext("area km²"), "≤5 km", "≤25 km", t.gettext("min km")]
        out += _table(zone_header, zone_columns, right={1, 2, 3, 4})

    out += [
        "",
        t.gettext(
            "Weekly activity (weeks in which events start; killed and injured as low–high of reported ranges)"
        ),
    ]
    counts = stats.by_layer.reindex(columns=list(LAYERS), fill_value=0)
    weeks = pd.DatetimeIndex(counts.index[(counts.sum(axis=1) > 0).to_numpy()])
    sides, casualties = stats.by_side.loc[weeks], stats.casualties.loc[weeks]
    lows, highs = list(CASUALTY_COLUMNS)[::2], list(CASUALTY_COLUMNS)[1::2]
    week_columns = [
        _week_labels(weeks, t),
        *(_counts(counts.loc[weeks, layer]) for layer in LAYERS),
        _counts(sides["XK"]),
        _counts(sides["RS"]),
        *(_ranges(casualties[lo], casualties[hi]) for lo, hi in zip(lows, highs, strict=True)),
    ]
    layer_columns = {
        # TRANSLATORS: a column of the weekly table: the events of the incident layer that start in the week.
        "incident": t.pgettext("weekly column", "incident"),
        # TRANSLATORS: a column of the weekly table: the reported deployments that start in the week.
        "deployment": t.pgettext("weekly column", "deployment"),
        "kfor": "kfor",  # KFOR's name, as in the escalation table
    }
    week_header = [
        t.gettext("week"),
        *(layer_columns.get(layer, layer) for layer in LAYERS),
        "XK",
        "RS",
        t.gettext("killed"),
        t.gettext("injured"),
    ]
    out += _table(week_header, week_columns, right=set(range(1, 8)))

    out += [
        "",
        t.gettext("Escalation indicator (points; total = sum of the parts; docs/methodology-analysis.md)"),
    ]
    parts = (*ESCALATION_COMPONENTS, "total")
    busy = stats.escalation[(stats.escalation["total"] != 0).to_numpy()]
    esc_columns = [
        _week_labels(pd.DatetimeIndex(busy.index), t),
        *(_points(busy[c].to_numpy(dtype=float), mark) for c in parts),
    ]
    esc_header = [t.gettext("week"), *(t.gettext(_PART_NAMES.get(part, part)) for part in parts)]
    out += _table(esc_header, esc_columns, right=set(range(1, 7)))
    return "\n".join(out)


def _each_once(values: pd.Series, text: Callable[[Any], str]) -> ObjectArray:
    """``text`` of each value, called once per distinct value (a locale's formatter takes ~40 µs)."""
    codes, distinct = pd.factorize(values, use_na_sentinel=False)
    texts: ObjectArray = np.asarray([*(text(v) for v in distinct), ""], dtype=object)[
        codes
    ]  # "": an object array when empty
    return texts


def _points(values: npt.NDArray[np.float64], decimal: str) -> ObjectArray:
    """Points to one decimal, with the language's decimal mark."""
    text = np.char.mod("%.1f", values)
    if decimal != ".":
        text = np.char.replace(text, ".", decimal)
    points: ObjectArray = text.astype(object)
    return points


# --------------------------------------------------------------------------- command


def run_stats(args: argparse.Namespace) -> int:
    """Run ``bordermon stats`` with parsed arguments; returns the exit status.

    Raises
    ------
    layers.cliargs.UsageError
        For a view that cannot be shown, or no store (the command line exits with 2).
    """
    lang = args.lang
    layers = tuple(args.layer) if args.layer else LAYERS
    filters = source_filters(args, Filters(start=args.start, end=args.end, layers=layers))
    check_view(filters, lang)
    # The sources are read only when a source option needs them.
    columns = STATS_COLUMNS + (("sources",) if uses_sources(args) else ())
    store = open_store(args.store, columns=columns, start=args.start, end=args.end, layers=layers, lang=lang)
    filters = cited_filters(args, store.events, filters, lang)
    set_aside = set_aside_line(store.report, lang)
    if set_aside:
        print(f"bordermon stats: {set_aside}", file=sys.stderr)
    view = filter_events(store.events, filters)
    stats = compute_stats(view, start=args.start, end=args.end)
    if args.json:
        document = {**stats_json(stats), "set_aside": set_aside_fields(store.report)}
        print(json.dumps(document, ensure_ascii=False, indent=1))
    else:
        print(format_stats(stats, title=f"bordermon stats: {store.root}", lang=lang))
    return 0


def add_stats_command(commands: Any) -> None:
    """Register ``stats`` on the ``bordermon`` sub-command parser."""
    stats = commands.add_parser(
        "stats",
        help="distances to the boundary, 1999 zones, nearest crossing and KFOR, weekly series and escalation",
    )
    stats.add_argument(
        "--store", help=f"store directory or one .geojson file (default: ${STORE_ENV} or the shipped store)"
    )
    stats.add_argument("--json", action="store_true", help="print JSON for machines instead of tables")
    stats.add_argument("--start", type=parse_day, help="first day of the view (YYYY-MM-DD)")
    stats.add_argument("--end", type=parse_day, help="last day of the view (YYYY-MM-DD)")
    stats.add_argument(
        "--layer", action="append", choices=LAYERS, help="keep only this layer (repeat for several)"
    )
    add_source_arguments(stats)
    add_lang_argument(stats, "the tables' words and numbers (--json is the same in every language)")
    stats.set_defaults(run=run_stats)
