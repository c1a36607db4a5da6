"""The dashboard's charts as Vega-Lite specs: one time axis per view, the map's colours, whole counts."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import charts
from layers.filters import filter_events
from layers.paths import ROOT, SHIPPED_STORE
from layers.stats import compute_stats
from layers.store import read_store
from layers.views import View, parse_view
from layers.vocabulary import CATEGORY_STYLES

EVENTS = read_store(SHIPPED_STORE).events
ALL = parse_view({}, EVENTS)
SEP_OCT = parse_view({"preset": ["sep-oct-2023"]}, EVENTS)


def _shown(view: View) -> Any:
    return filter_events(EVENTS, view.filters)


def _day(text: str) -> dict[str, int]:
    """A day as a Vega-Lite DateTime (the form a temporal domain must take)."""
    day = date.fromisoformat(text)
    return {"year": day.year, "month": day.month, "date": day.day}


def _x_domain(spec: dict[str, Any]) -> list[dict[str, int]]:
    layers = spec.get("layer", [spec])
    domains = [layer["encoding"]["x"]["scale"]["domain"] for layer in layers if "encoding" in layer]
    if "encoding" in spec and "x" in spec["encoding"]:
        domains.append(spec["encoding"]["x"]["scale"]["domain"])
    assert domains and all(d == domains[0] for d in domains)
    return list(domains[0])


def _weekly_specs(view: View) -> list[dict[str, Any]]:
    shown = _shown(view)
    weeks = charts.chart_weeks(shown, view)
    assert weeks is not None
    stats = compute_stats(shown, start=view.filters.start, end=view.filters.end)
    casualties = charts.casualty_chart(shown, weeks)
    assert casualties is not None
    made = [
        charts.category_chart(shown, weeks),
        casualties,
        charts.escalation_chart(stats.escalation, weeks),
        charts.side_chart(stats.by_side, weeks),
    ]
    return [chart.to_dict() for chart in made]


def test_weekly_charts_share_the_view_s_weeks() -> None:
    # 1 Sep 2023 is a Friday: its week starts on Monday 28 Aug; 31 Oct's week ends on 6 Nov.
    for spec in _weekly_specs(SEP_OCT):
        assert _x_domain(spec) == [_day("2023-08-28"), _day("2023-11-06")]


def test_open_window_axes_start_with_the_dated_events_not_1999() -> None:
    assert (EVENTS["start"].min().year) == 1999  # the standing installations' placeholder
    dated = EVENTS[EVENTS["category"] != "installation"]
    first = pd.Timestamp(dated["start"].min()).tz_localize(None).normalize()
    monday = first - pd.Timedelta(days=first.day_of_week)
    for spec in _weekly_specs(ALL):
        assert _x_domain(spec)[0] == _day(monday.date().isoformat())
        values = spec["datasets"][next(iter(spec["datasets"]))] if "datasets" in spec else []
        assert all(str(row["week"]) >= monday.isoformat()[:10] for row in values)


def test_category_colours_are_the_map_s_and_tell_every_category_apart() -> None:
    weeks = charts.chart_weeks(EVENTS, ALL)
    assert weeks is not None
    color = charts.category_chart(EVENTS, weeks).to_dict()["encoding"]["color"]
    domain, colours = color["scale"]["domain"], color["scale"]["range"]
    labels = {s.label: s.color for styles in CATEGORY_STYLES.values() for s in styles.values()}
    assert len(domain) > 10
    assert [labels[label] for label in domain] == colours
    assert len(set(colours)) == len(colours)
    # Every label reads in full: the legend neither truncates labels nor hides entries.
    assert color["legend"]["labelLimit"] == 0 and color["legend"]["symbolLimit"] == 0


def test_the_casualty_chart_is_as_tall_as_the_category_chart() -> None:
    specs = _weekly_specs(SEP_OCT)
    # Each fits the page's width only: its plotting area is HEIGHT, and the axis and the
    # legend add their own rows below (a phone's one-column legend has more of them).
    category, casualty = specs[0], specs[1]
    assert category["height"] == casualty["height"] == charts.HEIGHT
    assert category["autosize"] == casualty["autosize"] == {"type": "fit-x", "contains": "padding"}
    legend = category["encoding"]["color"]["legend"]
    assert legend["columns"] == {"expr": f"width < {charts.NARROW_PX} ? 1 : 4"}


def test_counts_are_shown_in_whole_numbers() -> None:
    bands = pd.DataFrame({"distance_band": ["0–1 km", "1–5 km"], "events": [2, 1]})
    for spec in [charts.band_chart(bands).to_dict(), *_weekly_specs(SEP_OCT)[:2]]:
        layers = spec.get("layer", [spec])
        axes = [
            enc["axis"]
            for layer in layers
            for enc in layer.get("encoding", {}).values()
            if isinstance(enc, dict) and enc.get("type") == "quantitative" and "axis" in enc
        ]
        assert axes and all(axis == {"format": "d", "tickMinStep": 1} for axis in axes)


@pytest.mark.parametrize("preset", ["all", "sep-oct-2023"])
def test_analysis_page_charts_start_at_the_view_s_first_week(preset: str) -> None:
    script = (
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\n"
        "from dashboard.views import analysis\nanalysis.render()\n"
    )
    at = AppTest.from_string(script, default_timeout=60)
    at.query_params["preset"] = preset
    at.run()
    assert not at.exception
    view = parse_view({"preset": [preset]}, EVENTS)
    weeks = charts.chart_weeks(_shown(view), view)
    assert weeks is not None and weeks[0] > date(2020, 1, 1)
    specs = [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]
    timed = [
        s
        for s in specs
        if s.get("encoding", s.get("layer", [{}])[0].get("encoding", {})).get("x", {}).get("type")
        == "temporal"
    ]
    assert len(timed) == 2
    for spec in timed:
        assert _x_domain(spec)[0] == _day(weeks[0].isoformat())


def test_the_custom_window_starts_with_the_record_not_with_open_starts() -> None:
    at = AppTest.from_file(str(ROOT / "dashboard" / "app.py"), default_timeout=60)
    at.query_params["preset"] = "custom"
    at.run()
    assert not at.exception
    slider = at.slider(key="window")
    dated = EVENTS[~EVENTS["start_open"]]
    first = pd.Timestamp(dated["start"].min()).date()
    # A date slider keeps its bounds as microseconds since the epoch (UTC midnight).
    assert pd.Timestamp(slider.min, unit="us").date() == first > date(2020, 1, 1)
    assert slider.value[0] == first
    # Filters still treat the camps as present: they are in a window long after their start.
    shown = _shown(parse_view({"preset": ["sep-oct-2023"]}, EVENTS))
    assert shown["start_open"].sum() == EVENTS["start_open"].sum() > 0
