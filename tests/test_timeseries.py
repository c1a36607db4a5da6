"""Weekly series and the escalation indicator: weeks, counts, components that add up."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from layers.paths import ROOT, SHIPPED_STORE
from layers.store import empty_events, read_store
from layers.timeseries import (
    CASUALTY_COLUMNS,
    DEFAULT_WEIGHTS,
    ESCALATION_COMPONENTS,
    ESCALATION_INPUTS,
    SIDE_COLUMNS,
    EscalationWeights,
    closure_intervals,
    escalation_index,
    escalation_inputs,
    week_index,
    week_of,
    weekly_casualties,
    weekly_counts,
)
from tests.factories import collection, make_feature, write_json

TZ = "Europe/Belgrade"
JARINJE = [20.69167, 43.21861]
BRNJAK = [20.54833, 42.96194]


def _week(day: str) -> pd.Timestamp:
    return pd.Timestamp(day, tz=TZ)


def _feature(fid: str, coords: list[float] | None = None, **props: Any) -> dict[str, Any]:
    feature = make_feature(fid, **props)
    if coords is not None:
        feature["geometry"] = {"type": "Point", "coordinates": coords}
    if props.get("location_precision") == "none":
        feature["geometry"] = None
    return feature


@pytest.fixture(scope="module")
def events(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Ten events around the Banjska attack, read through the real store reader."""
    features = [
        _feature(
            "ambush",
            category="armed_attack",
            start="2023-09-24T02:00",  # a Sunday: the week of Monday 18 September
            time_precision="hour",
            fatalities=1,
            injured={"min": 2, "max": 3},
        ),
        _feature("siege", category="armed_clash", fatalities={"min": 3, "max": 5}, injured=4),
        _feature("close-jarinje", JARINJE, category="crossing_closure"),
        _feature("reopen-jarinje", JARINJE, category="crossing_reopening", start="2023-10-18"),
        _feature("close-brnjak", BRNJAK, category="crossing_closure", end="2023-10-04"),
        _feature(
            "buildup",
            layer="deployment",
            category="buildup",
            start="2023-09-29",
            side="RS",
            actors=["Serbian Armed Forces"],
        ),
        _feature("uk", layer="kfor", category="reinforcement", start="2023-10-01", actors=["KFOR"]),
        _feature("camp", layer="kfor", category="installation", start="2023-01-01", actors=["KFOR"]),
        _feature("protest", category="protest", start="2023-07-10", side="RS"),
        _feature("statement", category="other", start="2023-09-29", side=None, location_precision="none"),
    ]
    path = write_json(tmp_path_factory.mktemp("store") / "events.geojson", collection(*features))
    store = read_store(path)
    assert store.report.ok and len(store.events) == len(features), store.report.format()
    return store.events


# --------------------------------------------------------------------------- weeks


def test_weeks_start_on_monday_in_belgrade_time() -> None:
    times = pd.Series(
        pd.to_datetime(
            [
                "2023-09-24T02:00:00+02:00",  # Sunday
                "2023-09-24T22:30:00Z",  # Sunday in UTC, Monday 00:30 in Belgrade
                "2023-09-18T00:00:00+02:00",  # Monday midnight
            ],
            utc=True,
        )
    ).dt.tz_convert(TZ)
    assert list(week_of(times)) == [_week("2023-09-18"), _week("2023-09-25"), _week("2023-09-18")]


def test_week_index_crosses_daylight_saving_time() -> None:
    weeks = week_index("2023-10-20", "2023-11-02")
    assert list(weeks) == [_week("2023-10-16"), _week("2023-10-23"), _week("2023-10-30")]
    assert [w.utcoffset() for w in weeks] == [pd.Timedelta(hours=2)] * 2 + [pd.Timedelta(hours=1)]
    assert weeks.name == "week" and len(week_index(None, "2023-01-01")) == 0


# --------------------------------------------------------------------------- counts


def test_weekly_counts_by_side(events: Any) -> None:
    table = weekly_counts(events, "side")
    assert list(table.columns) == list(SIDE_COLUMNS)
    assert table.index[0] == _week("2022-12-26")  # the camp's week (1 January 2023 is a Sunday)
    assert table.loc[_week("2023-09-18")].to_dict() == {"XK": 4, "RS": 0, "disputed": 0, "none": 0}
    assert table.loc[_week("2023-09-25")].to_dict() == {"XK": 1, "RS": 1, "disputed": 0, "none": 1}
    assert table.loc[_week("2023-08-07")].sum() == 0  # quiet weeks are there, as zeros
    assert int(table.to_numpy().sum()) == len(events)


def test_weekly_counts_by_category_keep_layers_apart(events: Any) -> None:
    table = weekly_counts(events, "category", start="2023-09-18", end="2023-10-22")
    assert len(table) == 5
    assert table.loc[_week("2023-09-18"), "incident/armed_attack"] == 1
    assert table.loc[_week("2023-09-18"), "incident/crossing_closure"] == 2
    assert table.loc[_week("2023-09-25"), "kfor/reinforcement"] == 1
    assert table.loc[_week("2023-10-16"), "incident/crossing_reopening"] == 1
    assert "incident/protest" in table.columns and table["incident/protest"].sum() == 0  # outside the window
    by_layer = weekly_counts(events, "layer")
    assert by_layer.sum().to_dict() == {"deployment": 1, "incident": 7, "kfor": 2}


def test_weekly_counts_refuses_an_unknown_grouping(events: Any) -> None:
    with pytest.raises(ValueError, match="by must be"):
        weekly_counts(events, "actor")  # type: ignore[arg-type]


def test_weekly_casualties_sum_low_and_high_ends(events: Any) -> None:
    table = weekly_casualties(events)
    assert list(table.columns) == list(CASUALTY_COLUMNS)
    assert table.loc[_week("2023-09-18")].to_dict() == {
        "fatalities_min": 4,
        "fatalities_max": 6,
        "injured_min": 6,
        "injured_max": 7,
    }
    assert table.drop(index=_week("2023-09-18")).to_numpy().sum() == 0  # null figures add nothing


# --------------------------------------------------------------------------- escalation


EXPECTED = {  # week: (incidents, casualties, deployments, crossings, kfor), worked out by hand
    "2023-07-10": (1, 0, 0, 0, 0),  # a protest
    "2023-09-18": (5 + 4, 3 * (1 + 3) + 0.2 * (2 + 4), 0, 2 * 2, 0),  # attack, clash; both crossings shut
    "2023-09-25": (1, 0, 3, 2 * 2, 2),  # statement; build-up from the 29th; UK reinforcement
    "2023-10-02": (0, 0, 3, 2 * 2, 0),  # Brnjak closed until the 4th
    "2023-10-09": (0, 0, 3, 2 * 1, 0),
    "2023-10-16": (0, 0, 3, 2 * 1, 0),  # Jarinje reopened on the 18th
    "2023-10-23": (0, 0, 3, 0, 0),  # the build-up report counts 30 days: to 29 October
    "2023-10-30": (0, 0, 0, 0, 0),
}


def test_escalation_components_match_hand_computation(events: Any) -> None:
    index = escalation_index(events, start="2023-07-01", end="2023-11-05")
    assert list(index.columns) == [*ESCALATION_COMPONENTS, "total"]
    for week, parts in EXPECTED.items():
        row = index.loc[_week(week)]
        assert row[list(ESCALATION_COMPONENTS)].tolist() == pytest.approx(parts), week
        assert row["total"] == pytest.approx(sum(parts)), week


def test_escalation_components_add_up_to_the_total(events: Any) -> None:
    index = escalation_index(events)
    assert np.array_equal(
        index[list(ESCALATION_COMPONENTS)].sum(axis=1).to_numpy(), index["total"].to_numpy()
    )


def test_escalation_inputs_are_the_unweighted_counts(events: Any) -> None:
    inputs = escalation_inputs(events, start="2023-09-18", end="2023-10-29")
    assert list(inputs.columns) == list(ESCALATION_INPUTS)
    assert inputs.loc[_week("2023-09-18")].to_dict() == {
        "incidents": 2,
        "fatalities_min": 4,
        "injured_min": 6,
        "deployment_reports_active": 0,
        "crossings_closed": 2,
        "kfor_events": 0,
    }
    assert inputs["deployment_reports_active"].tolist() == [0, 1, 1, 1, 1, 1]


def test_closures_end_at_their_reopening_or_their_own_end(events: Any) -> None:
    closed = closure_intervals(events).set_index("crossing")
    assert closed.loc["crossing-jarinje", "end"] == pd.Timestamp("2023-10-18", tz=TZ)  # the reopening
    assert closed.loc["crossing-brnjak", "end"] == pd.Timestamp("2023-10-04", tz=TZ)  # its own end


def test_a_closure_without_end_or_reopening_lasts_the_documented_days(events: Any) -> None:
    alone = events[events["id"] == "close-jarinje"]
    closed = closure_intervals(alone)
    assert closed["end"].iloc[0] - closed["start"].iloc[0] == pd.Timedelta(days=DEFAULT_WEIGHTS.closure_days)


def test_weights_can_be_changed(events: Any) -> None:
    heavier = EscalationWeights(fatality=10.0)
    week = _week("2023-09-18")
    assert escalation_index(events, weights=heavier).loc[week, "casualties"] == pytest.approx(40 + 1.2)


def test_empty_input_gives_empty_frames_with_columns() -> None:
    empty = empty_events()
    assert list(escalation_index(empty).columns) == [*ESCALATION_COMPONENTS, "total"]
    assert escalation_index(empty).empty and escalation_inputs(empty).empty
    assert list(weekly_counts(empty, "side").columns) == list(SIDE_COLUMNS) and weekly_counts(empty).empty
    assert list(weekly_casualties(empty).columns) == list(CASUALTY_COLUMNS)
    assert closure_intervals(empty).empty
    # An empty view with a window still has its weeks, all zero.
    window = escalation_index(empty, start="2023-09-01", end="2023-09-30")
    assert len(window) == 5 and window.to_numpy().sum() == 0


def test_shipped_store_shows_the_september_october_2023_rise() -> None:
    store = read_store(SHIPPED_STORE)
    if store.events.empty:
        pytest.skip("the shipped store has no events yet")
    index = escalation_index(store.events, start="2023-07-01", end="2023-10-31")
    summer = index.loc[_week("2023-07-03") : _week("2023-08-28"), "total"]
    autumn = index.loc[_week("2023-09-04") : _week("2023-10-30"), "total"]
    assert autumn.max() > summer.max()
    assert autumn.loc[_week("2023-09-18")] > summer.max()  # the week of the Banjska attack
    assert np.allclose(index[list(ESCALATION_COMPONENTS)].sum(axis=1), index["total"])


# --------------------------------------------------------------------------- documentation


def _doc() -> str:
    return (ROOT / "docs" / "methodology-analysis.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("table", ["incident", "deployment", "kfor"])
def test_every_category_weight_is_documented(table: str) -> None:
    doc = _doc()
    for category, weight in getattr(DEFAULT_WEIGHTS, table):
        assert re.search(rf"`{category}`\s*\|\s*{weight:g}\s*\|", doc), f"{table}/{category} = {weight:g}"


def test_every_scalar_weight_is_documented() -> None:
    doc = _doc()
    for name in ("fatality", "injured", "crossing", "deployment_days", "closure_days"):
        value = getattr(DEFAULT_WEIGHTS, name)
        assert re.search(rf"`{name}`\s*\|\s*{value:g}\s*\|", doc), f"{name} = {value:g}"


def test_documentation_names_the_components() -> None:
    doc = _doc()
    for name in (*ESCALATION_COMPONENTS, "total"):
        assert f"`{name}`" in doc
    assert Path(ROOT / "docs" / "methodology-analysis.md").is_file()


def test_open_reports_and_closures_last_calendar_days_across_the_autumn_clock_change(tmp_path: Path) -> None:
    # Saturday 7 Oct 2023 + 30 calendar days = Monday 6 Nov 00:00; 30 × 24 hours would end
    # at 23:00 on Sunday 5 Nov (clocks went back on 29 Oct), a week earlier in the series.
    report = make_feature("oct", start="2023-10-07", layer="deployment", category="buildup", side="RS")
    events = read_store(write_json(tmp_path / "s.geojson", collection(report))).events
    active = escalation_inputs(events, start="2023-10-30", end="2023-11-12")["deployment_reports_active"]
    assert active.tolist() == [1, 1]
    weights = EscalationWeights(closure_days=30)
    closure = _feature("shut", JARINJE, start="2023-10-07", category="crossing_closure")
    closed_store = read_store(write_json(tmp_path / "c.geojson", collection(closure)))
    closed = closure_intervals(closed_store.events, weights=weights)
    assert closed["end"].tolist() == [pd.Timestamp("2023-11-06", tz=TZ)]


def test_an_open_start_neither_counts_nor_sets_the_span(tmp_path: Path) -> None:
    camp = make_feature(
        "camp", layer="kfor", category="installation", start="1999-01-01", time_precision="year"
    )
    camp["properties"]["start_open"] = True
    features = [camp, make_feature("siege", start="2023-09-24")]
    events = read_store(write_json(tmp_path / "s.geojson", collection(*features))).events
    assert list(events["start_open"]) == [True, False]
    counts = weekly_counts(events, "layer")
    assert list(counts.index) == [_week("2023-09-18")]
    assert counts.loc[_week("2023-09-18")].to_dict() == {"incident": 1, "kfor": 0}
    # Without the flag the same camp is an event of 1999 and the series starts there.
    camp["properties"].pop("start_open")
    plain = read_store(write_json(tmp_path / "t.geojson", collection(*features))).events
    assert weekly_counts(plain, "layer").index[0] == _week("1998-12-28")


def test_category_weights_are_looked_up_per_distinct_value_with_the_same_answers() -> None:
    from layers.timeseries import _category_weights
    from layers.vocabulary import CATEGORIES

    categories = [c for layer in CATEGORIES.values() for c in layer] + ["not-a-category"]
    column = pd.Series([*categories, *categories[::-1], None], dtype="string")
    for table in ("incident", "deployment", "kfor"):
        found = _category_weights(column, getattr(DEFAULT_WEIGHTS, table)).tolist()
        expected = [DEFAULT_WEIGHTS.weight(table, str(value)) for value in column]  # type: ignore[arg-type]
        assert found == expected


def test_weekly_counts_of_a_large_view_match_a_crosstab() -> None:
    events = read_store(SHIPPED_STORE).events
    many = pd.concat([events] * 40, ignore_index=True)
    for by in ("category", "side", "layer"):
        table = weekly_counts(many, by)  # type: ignore[arg-type]
        weeks = week_of(many["start"]).where(~many["start_open"].to_numpy(dtype=bool))
        if by == "category":
            labels = many["layer"] + "/" + many["category"]
        elif by == "side":
            labels = many["side"].fillna("none")
        else:
            labels = many["layer"]
        expected = pd.crosstab(weeks, labels.astype(object))
        found = table.loc[expected.index, expected.columns]
        assert (found.to_numpy() == expected.to_numpy()).all()
        assert int(table.to_numpy().sum()) == int(expected.to_numpy().sum())
