"""Weekly series of the store: events by category and side, casualties, and escalation.

Weeks are ISO weeks: Monday 00:00 to Sunday 24:00, local time in Kosovo
(Europe/Belgrade). Every series is indexed by the week's Monday as a tz-aware timestamp
(index name ``week``) and covers every week between the first and the last, zeros
included, so that charts show quiet weeks as quiet.

The escalation indicator is a weighted sum whose parts are returned beside the total:
see :func:`escalation_index` and ``docs/methodology-analysis.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal, TypeAlias

import geopandas as gpd
import numpy as np
import numpy.typing as npt
import pandas as pd

from layers.filters import add_calendar_days
from layers.measures import AnalysisReference, measure_events
from layers.validate import LOCAL_TZ
from layers.vocabulary import REPORT_CURRENT_DAYS, SIDES

__all__ = [
    "CASUALTY_COLUMNS",
    "CROSSING_MATCH_KM",
    "DEFAULT_WEIGHTS",
    "ESCALATION_COMPONENTS",
    "ESCALATION_INPUTS",
    "SIDE_COLUMNS",
    "EscalationWeights",
    "closure_intervals",
    "dated_events",
    "dated_starts",
    "escalation",
    "escalation_index",
    "escalation_inputs",
    "week_index",
    "week_of",
    "weekly_casualties",
    "weekly_counts",
]

#: Columns of :func:`weekly_casualties`.
CASUALTY_COLUMNS: tuple[str, ...] = ("fatalities_min", "fatalities_max", "injured_min", "injured_max")
#: Columns of :func:`weekly_counts` with ``by="side"`` (``none``: on neither side).
SIDE_COLUMNS: tuple[str, ...] = (*SIDES, "none")
#: Weighted parts of the escalation indicator, in order; ``total`` is their sum.
ESCALATION_COMPONENTS: tuple[str, ...] = ("incidents", "casualties", "deployments", "crossings", "kfor")
#: Unweighted counts behind the parts (:func:`escalation_inputs`).
ESCALATION_INPUTS: tuple[str, ...] = (
    "incidents",
    "fatalities_min",
    "injured_min",
    "deployment_reports_active",
    "crossings_closed",
    "kfor_events",
)
#: A closure or reopening within this distance (km) of a gazetteer crossing is that crossing's.
CROSSING_MATCH_KM = 2.0

_TZ = LOCAL_TZ.key
_WEEK = pd.Timedelta(days=7)
#: A day or moment: a date, a datetime or pandas Timestamp, an ISO string, or None.
DayLike: TypeAlias = date | datetime | str | None
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class EscalationWeights:
    """The weights of the escalation indicator (all documented in the methodology).

    Mappings are tuples of ``(category, weight)`` pairs so that the value stays hashable;
    a category not listed weighs 0.

    Attributes
    ----------
    incident : tuple of (str, float)
        Points per incident starting in the week, by category. Crossing closures and
        reopenings weigh 0 here: closures count in ``crossing``.
    fatality, injured : float
        Points per person killed / injured (the low end of a reported range).
    deployment : tuple of (str, float)
        Points per deployment report in effect during the week, by category.
    deployment_days : int
        A deployment report without an end is in effect for this many days after its start.
    crossing : float
        Points per crossing closed at some time during the week.
    closure_days : int
        A closure with neither an end nor a later reopening counts as closed this many days.
    kfor : tuple of (str, float)
        Points per KFOR event starting in the week, by category.
    """

    incident: tuple[tuple[str, float], ...] = (
        ("armed_attack", 5.0),
        ("armed_clash", 4.0),
        ("explosion", 3.0),
        ("riot", 3.0),
        ("detention", 2.0),
        ("arrest", 1.0),
        ("protest", 1.0),
        ("other", 1.0),
        ("crossing_closure", 0.0),
        ("crossing_reopening", 0.0),
    )
    fatality: float = 3.0
    injured: float = 0.2
    deployment: tuple[tuple[str, float], ...] = (
        ("buildup", 3.0),
        ("readiness", 3.0),
        ("visit", 1.0),
        ("other", 1.0),
        ("drawdown", 0.0),
    )
    deployment_days: int = REPORT_CURRENT_DAYS  # the map's "as of" view uses the same
    crossing: float = 2.0
    closure_days: int = 30
    kfor: tuple[tuple[str, float], ...] = (
        ("reinforcement", 2.0),
        ("authorisation", 2.0),
        ("operation", 1.0),
        ("other", 0.0),
        ("installation", 0.0),
    )

    def weight(self, table: Literal["incident", "deployment", "kfor"], category: str) -> float:
        """The weight of one category in one of the three tables (0 when not listed)."""
        pairs: tuple[tuple[str, float], ...] = getattr(self, table)
        return float(dict(pairs).get(category, 0.0))


#: The weights the dashboard and ``bordermon stats`` use.
DEFAULT_WEIGHTS = EscalationWeights()


# --------------------------------------------------------------------------- weeks


def _local_naive(times: pd.Series) -> pd.Series:
    """Wall-clock time in Kosovo without a zone: week arithmetic then ignores DST shifts."""
    if isinstance(times.dtype, pd.DatetimeTZDtype):
        return times.dt.tz_convert(_TZ).dt.tz_localize(None)
    return pd.to_datetime(times)


def _monday(local: pd.Series) -> pd.Series:
    day = local.dt.normalize()
    return day - pd.to_timedelta(day.dt.day_of_week, unit="D")


def week_of(times: pd.Series) -> pd.Series:
    """The Monday 00:00 (Europe/Belgrade) starting the ISO week of each time.

    Parameters
    ----------
    times : Series of datetime
        Tz-aware times (naive ones are read as local time in Kosovo).

    Returns
    -------
    Series
        Tz-aware week starts, indexed like ``times``.
    """
    return _monday(_local_naive(times)).dt.tz_localize(_TZ)


def _day(value: DayLike) -> pd.Timestamp | None:
    if value is None:
        return None
    stamp = pd.Timestamp(value)
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert(_TZ).tz_localize(None)
    return stamp


def week_index(first: DayLike, last: DayLike) -> pd.DatetimeIndex:
    """Every week from the one holding ``first`` to the one holding ``last``.

    Returns
    -------
    DatetimeIndex
        Tz-aware Mondays (Europe/Belgrade) named ``week``; empty when either end is None
        or ``last`` comes before ``first``.
    """
    start, stop = _day(first), _day(last)
    if start is None or stop is None or stop < start:
        return pd.DatetimeIndex([], dtype=f"datetime64[us, {_TZ}]", name="week")
    mondays = _monday(pd.Series([start, stop]))
    naive = pd.date_range(mondays.iloc[0], mondays.iloc[1], freq="7D", unit="us")
    return pd.DatetimeIndex(naive.tz_localize(_TZ), name="week")


def _check(events: Any, needed: tuple[str, ...]) -> None:
    if not isinstance(events, pd.DataFrame):
        raise TypeError(f"events must be a (Geo)DataFrame, not {type(events).__name__}")
    missing = [name for name in needed if name not in events.columns]
    if missing:
        raise ValueError(f"events lack column(s) {', '.join(missing)}")


def _open_end(events: pd.DataFrame, weights: EscalationWeights) -> pd.Series:
    """Each event's last moment in effect: its end, or start + N days for open deployments."""
    end = events["end"].copy()
    open_deployment = end.isna() & (events["layer"] == "deployment")
    end[open_deployment] = add_calendar_days(events["start"][open_deployment], weights.deployment_days)
    return end.fillna(events["start"])


def dated_events(events: pd.DataFrame) -> pd.DataFrame:
    """The events whose start is an event of the record: all but open starts.

    An open start (``start_open``, e.g. a KFOR camp present before the record) says since
    when something was there, not that something began then: it neither counts in the
    week of its start nor sets the span of a series. When every event has an open start,
    all are returned, so a selection of standing installations still has a span.
    """
    dated = events[~_open_start(events)]
    return dated if not dated.empty else events


def dated_starts(events: pd.DataFrame) -> pd.Series:
    """``dated_events(events)["start"]``, without selecting every other column too."""
    starts = events["start"]
    dated = starts[~_open_start(events)]
    return dated if not dated.empty else starts


def _category_weights(category: pd.Series, pairs: tuple[tuple[str, float], ...]) -> pd.Series:
    """:meth:`EscalationWeights.weight` of each category, looked up once per distinct value."""
    table = dict(pairs)
    codes, uniques = pd.factorize(category.astype(object), use_na_sentinel=True)
    # A missing category (code -1) reads as "<NA>", which no table lists: weight 0.
    found = np.asarray([float(table.get(str(value), 0.0)) for value in uniques] + [0.0], dtype=float)
    return pd.Series(found[codes], index=category.index)


def _open_start(events: pd.DataFrame) -> npt.NDArray[np.bool_]:
    if "start_open" not in events.columns:
        return np.zeros(len(events), dtype=bool)
    opened: npt.NDArray[np.bool_] = events["start_open"].fillna(False).to_numpy(dtype=bool)
    return opened


def _frame_weeks(
    events: pd.DataFrame, start: DayLike, end: DayLike, weights: EscalationWeights = DEFAULT_WEIGHTS
) -> pd.DatetimeIndex:
    """The weeks a series covers: the given window, else the span of its dated events."""
    if start is None and events.empty:
        return week_index(None, None)
    first = start if start is not None else dated_starts(events).min()
    last = end if end is not None else _open_end(events, weights).max()
    return week_index(first, last)


def _positions(times: pd.Series, weeks: pd.DatetimeIndex) -> IntArray:
    """Position of each time's week in ``weeks`` (may fall outside 0..len-1)."""
    if len(weeks) == 0:
        return np.zeros(len(times), dtype=np.int64)
    origin = weeks[0].tz_localize(None)
    offset = _monday(_local_naive(times)) - origin
    days: IntArray = offset.dt.days.to_numpy(dtype=np.int64)
    return days // 7


def _by_start(values: pd.Series, positions: IntArray, n_weeks: int) -> npt.NDArray[np.float64]:
    """Sum of values per week of their start; outside the window they are left out."""
    keep = (positions >= 0) & (positions < n_weeks)
    sums = np.zeros(n_weeks)
    np.add.at(sums, positions[keep], values.to_numpy(dtype=float)[keep])
    return sums


def _in_effect(first: IntArray, last: IntArray, values: npt.NDArray[np.float64], n_weeks: int) -> Any:
    """Sum of values per week over intervals [first, last] of week positions (inclusive)."""
    first = np.clip(first, 0, n_weeks)
    last = np.clip(last, -1, n_weeks - 1)
    keep = first <= last
    diff = np.zeros(n_weeks + 1)
    np.add.at(diff, first[keep], values[keep])
    np.add.at(diff, last[keep] + 1, -values[keep])
    return np.cumsum(diff)[:n_weeks]


# --------------------------------------------------------------------------- series


def weekly_counts(
    events: pd.DataFrame,
    by: Literal["category", "side", "layer"] = "category",
    *,
    start: DayLike = None,
    end: DayLike = None,
) -> pd.DataFrame:
    """Events per week, by category, side or layer, counted in the week they start.

    Parameters
    ----------
    events : DataFrame
        Events as read by :func:`layers.store.read_store` (usually filtered).
    by : {"category", "side", "layer"}
        ``category`` gives columns ``layer/category`` (categories such as ``other``
        exist in several layers); ``side`` gives :data:`SIDE_COLUMNS` (the recorded
        side; ``none`` for events on neither side); ``layer`` one column per layer.
    start, end : date, optional
        Window of weeks; default from the first start to the last end or start.

    Returns
    -------
    DataFrame
        Integer counts, one row per week (index ``week``), one column per value.
    """
    if by not in ("category", "side", "layer"):
        raise ValueError(f"by must be 'category', 'side' or 'layer', not {by!r}")
    _check(events, ("layer", "category", "side", "start", "end"))
    weeks = _frame_weeks(events, start, end)
    if by == "side":
        labels = events["side"].astype("string").fillna("none")
        columns = list(SIDE_COLUMNS)
    elif by == "layer":
        labels = events["layer"].astype("string")
        columns = sorted(labels.dropna().unique())
    else:
        labels = events["layer"].astype("string") + "/" + events["category"].astype("string")
        columns = sorted(labels.dropna().unique())
    table = pd.DataFrame(0, index=weeks, columns=pd.Index(columns, dtype=object), dtype="int64")
    if events.empty or len(weeks) == 0:
        return table
    positions = _positions(events["start"], weeks)
    keep = (positions >= 0) & (positions < len(weeks)) & ~_open_start(events)
    # Counted as one array of (week, label) cells: a crosstab groups in Python.
    codes = table.columns.get_indexer(labels.to_numpy(dtype=object)[keep])  # -1: a missing label
    rows = positions[keep]
    counted = codes >= 0
    cells = np.bincount(
        rows[counted] * len(columns) + codes[counted], minlength=len(weeks) * len(columns)
    ).reshape(len(weeks), len(columns))
    return pd.DataFrame(cells.astype("int64"), index=weeks, columns=table.columns)


def weekly_casualties(events: pd.DataFrame, *, start: DayLike = None, end: DayLike = None) -> pd.DataFrame:
    """People killed and injured per week, low and high ends of the reported ranges.

    Figures count in the week the event starts. An event with no figure (unknown or not
    reported) adds nothing, so these are sums of what the sources report, not estimates.

    Returns
    -------
    DataFrame
        Integer columns :data:`CASUALTY_COLUMNS`, one row per week (index ``week``).
    """
    _check(events, ("start", "end", "layer", *CASUALTY_COLUMNS))
    weeks = _frame_weeks(events, start, end)
    positions = _positions(events["start"], weeks)
    columns = {
        name: _by_start(pd.to_numeric(events[name]).fillna(0), positions, len(weeks)).astype("int64")
        for name in CASUALTY_COLUMNS
    }
    return pd.DataFrame(columns, index=weeks, columns=list(CASUALTY_COLUMNS))


def closure_intervals(
    events: gpd.GeoDataFrame,
    *,
    weights: EscalationWeights = DEFAULT_WEIGHTS,
    reference: AnalysisReference | None = None,
) -> pd.DataFrame:
    """When each crossing was closed, from closure and reopening incidents.

    A closure names its crossing by its position: each part of its geometry within
    :data:`CROSSING_MATCH_KM` of a gazetteer crossing closes that crossing (one event may
    close several). A closure without such a position stands for the place in its
    ``location`` text. The closure lasts until its own ``end``; without one, until the
    next reopening of the same crossing; without either, ``weights.closure_days`` days.

    Returns
    -------
    DataFrame
        Columns ``crossing`` (gazetteer id, or ``location:<text>``), ``event_id``,
        ``start`` and ``end`` (tz-aware), one row per crossing closed by an event.
    """
    _check(events, ("id", "layer", "category", "start", "end", "location"))
    empty = pd.DataFrame(
        {
            "crossing": pd.Series(dtype="string"),
            "event_id": pd.Series(dtype="string"),
            "start": pd.Series(dtype=f"datetime64[us, {_TZ}]"),
            "end": pd.Series(dtype=f"datetime64[us, {_TZ}]"),
        }
    )
    wanted = events[
        (events["layer"] == "incident") & events["category"].isin(("crossing_closure", "crossing_reopening"))
    ]
    if wanted.empty:
        return empty
    parts = wanted.explode(index_parts=False) if isinstance(wanted, gpd.GeoDataFrame) else wanted
    parts = parts.reset_index(drop=True)
    crossing = pd.Series(pd.NA, index=parts.index, dtype="string")
    if isinstance(parts, gpd.GeoDataFrame) and parts.geometry.notna().any():
        measured = measure_events(parts, reference)
        near = measured["nearest_crossing_km"] <= CROSSING_MATCH_KM
        crossing = measured["nearest_crossing_id"].where(near)
    located = "location:" + parts["location"].astype("string").fillna(parts["id"].astype("string"))
    keys = pd.DataFrame(
        {
            "crossing": crossing.fillna(located),
            "event_id": parts["id"].astype("string"),
            "category": parts["category"],
            "start": parts["start"],
            "end": parts["end"],
        }
    ).drop_duplicates(["crossing", "event_id"])
    keys["crossing"] = keys["crossing"].astype("string")
    closures = keys[keys["category"] == "crossing_closure"].sort_values("start")
    reopenings = keys[keys["category"] == "crossing_reopening"][["crossing", "start"]].sort_values("start")
    if closures.empty:
        return empty
    matched = pd.merge_asof(
        closures,
        reopenings.rename(columns={"start": "reopened"}).assign(start=lambda f: f["reopened"]),
        on="start",
        by="crossing",
        direction="forward",
        allow_exact_matches=False,
    )
    fallback = add_calendar_days(matched["start"], weights.closure_days)
    matched["end"] = matched["end"].fillna(matched["reopened"]).fillna(fallback)
    out = matched[["crossing", "event_id", "start", "end"]].reset_index(drop=True)
    return out.astype({"crossing": "string", "event_id": "string"})


def escalation_inputs(
    events: gpd.GeoDataFrame,
    *,
    start: DayLike = None,
    end: DayLike = None,
    weights: EscalationWeights = DEFAULT_WEIGHTS,
    reference: AnalysisReference | None = None,
) -> pd.DataFrame:
    """The unweighted weekly counts behind the escalation indicator.

    Returns
    -------
    DataFrame
        Columns :data:`ESCALATION_INPUTS`, one row per week: ``incidents`` (incidents
        starting in the week, closures and reopenings excluded), ``fatalities_min`` and
        ``injured_min`` (low ends, events starting in the week), ``deployment_reports_active``
        (deployment reports in effect at some time in the week), ``crossings_closed``
        (distinct crossings closed at some time in the week), ``kfor_events`` (KFOR events
        other than installations starting in the week).
    """
    points, counts = _escalation(events, start, end, weights, reference)
    del points
    return counts


def escalation_index(
    events: gpd.GeoDataFrame,
    *,
    start: DayLike = None,
    end: DayLike = None,
    weights: EscalationWeights = DEFAULT_WEIGHTS,
    reference: AnalysisReference | None = None,
) -> pd.DataFrame:
    """A transparent weekly escalation indicator: weighted parts and their sum.

    For week *w*::

        incidents   = Σ incident weight(category)      over incidents starting in w
        casualties  = fatality · Σ fatalities_min + injured · Σ injured_min   (events starting in w)
        deployments = Σ deployment weight(category)    over deployment reports in effect in w
        crossings   = crossing · (crossings closed at some time in w)
        kfor        = Σ kfor weight(category)          over KFOR events starting in w
        total       = incidents + casualties + deployments + crossings + kfor

    Parameters
    ----------
    events : GeoDataFrame
        Events as read by :func:`layers.store.read_store`, usually filtered to a view.
    start, end : date, optional
        Window of weeks; default from the first start to the last end (or start).
    weights : EscalationWeights
        The weights; :data:`DEFAULT_WEIGHTS` unless studying their effect.
    reference : AnalysisReference, optional
        Reference geography for matching closures to crossings.

    Returns
    -------
    DataFrame
        Float columns :data:`ESCALATION_COMPONENTS` and ``total`` (their sum, exactly),
        one row per week (index ``week``). Empty input gives no rows and these columns.
    """
    points, counts = _escalation(events, start, end, weights, reference)
    del counts
    return points


def escalation(
    events: gpd.GeoDataFrame,
    *,
    start: DayLike = None,
    end: DayLike = None,
    weights: EscalationWeights = DEFAULT_WEIGHTS,
    reference: AnalysisReference | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """:func:`escalation_index` and :func:`escalation_inputs` from one computation."""
    return _escalation(events, start, end, weights, reference)


def _escalation(
    events: gpd.GeoDataFrame,
    start: DayLike,
    end: DayLike,
    weights: EscalationWeights,
    reference: AnalysisReference | None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    _check(events, ("id", "layer", "category", "start", "end", "fatalities_min", "injured_min"))
    weeks = _frame_weeks(events, start, end, weights)
    n = len(weeks)
    counts = pd.DataFrame(0.0, index=weeks, columns=list(ESCALATION_INPUTS))
    points = pd.DataFrame(0.0, index=weeks, columns=[*ESCALATION_COMPONENTS, "total"])
    if events.empty or n == 0:
        return points, counts.astype("int64")
    layer, category = events["layer"], events["category"]
    first = _positions(events["start"], weeks)

    incident = (layer == "incident") & ~category.isin(("crossing_closure", "crossing_reopening"))
    incident_weight = _category_weights(category, weights.incident).where(incident, 0.0)
    counts["incidents"] = _by_start(incident.astype(float), first, n)
    points["incidents"] = _by_start(incident_weight, first, n)

    fatalities = pd.to_numeric(events["fatalities_min"]).fillna(0)
    injured = pd.to_numeric(events["injured_min"]).fillna(0)
    counts["fatalities_min"] = _by_start(fatalities, first, n)
    counts["injured_min"] = _by_start(injured, first, n)
    points["casualties"] = (
        weights.fatality * counts["fatalities_min"] + weights.injured * counts["injured_min"]
    )

    deployment = (layer == "deployment").to_numpy()
    if deployment.any():
        last = _positions(_open_end(events, weights), weeks)
        deployment_weight = _category_weights(category, weights.deployment).to_numpy(dtype=float)
        counts["deployment_reports_active"] = _in_effect(
            first[deployment], last[deployment], np.ones(int(deployment.sum())), n
        )
        points["deployments"] = _in_effect(
            first[deployment], last[deployment], deployment_weight[deployment], n
        )

    closed = closure_intervals(events, weights=weights, reference=reference) if "location" in events else None
    if closed is not None and not closed.empty:
        codes, _ = pd.factorize(closed["crossing"])
        c_first = _positions(closed["start"], weeks)
        c_last = _positions(closed["end"], weeks)
        # One row per crossing: a crossing closed twice in a week is one crossing closed.
        grid = np.zeros((codes.max() + 1, n + 1))
        c_first_clip, c_last_clip = np.clip(c_first, 0, n), np.clip(c_last, -1, n - 1)
        keep = c_first_clip <= c_last_clip
        np.add.at(grid, (codes[keep], c_first_clip[keep]), 1.0)
        np.add.at(grid, (codes[keep], c_last_clip[keep] + 1), -1.0)
        crossings = (np.cumsum(grid, axis=1)[:, :n] > 0).sum(axis=0)
        counts["crossings_closed"] = crossings
        points["crossings"] = weights.crossing * crossings

    kfor = (layer == "kfor") & (category != "installation")
    kfor_weight = _category_weights(category, weights.kfor).where(layer == "kfor", 0.0)
    counts["kfor_events"] = _by_start(kfor.astype(float), first, n)
    points["kfor"] = _by_start(kfor_weight, first, n)

    points["total"] = points[list(ESCALATION_COMPONENTS)].sum(axis=1)
    return points, counts.round().astype("int64")
