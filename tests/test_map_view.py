"""A view of a map of every event shows exactly what the map of that view draws.

The dashboard draws one map of the store and narrows it in the browser (``view_call``);
the export still builds the map of one view (``build_map(filters=...)``). For each view
here, the state sent for it is compared with the map of that view, part by part: the
events of each layer, the layer control's names, the legend, the density surface, the
span of playback and the events without a place it names.
"""

from __future__ import annotations

import base64
import json
import re
from datetime import date
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from layers.filters import Filters, filter_events
from layers.map import MapViews, build_map, build_view_map, read_map_reference
from layers.map_view import pack_bits, view_call, view_literal, view_script, view_state
from layers.measures import measure_events
from layers.paths import SHIPPED_STORE
from layers.store import read_store
from tests.map_factories import js_literal, payloads

_LITERAL = r"'((?:[^'\\]|\\.)*)'"
_LEGEND = re.compile(
    r"bordermon\.addControl\([^,]+, JSON\.parse\(" + _LITERAL + r"\), \"bottomleft\", \"bm-legend-box\"\)"
)
_TIME = re.compile(r"bordermon\.time\.install\([^,]+, JSON\.parse\(" + _LITERAL + r"\)\)")

VIEWS = {
    "everything": Filters(),
    "incidents": Filters(layers=("incident",)),
    "autumn 2023": Filters(start=date(2023, 9, 1), end=date(2023, 10, 31)),
    "killed": Filters(min_killed=1),
    "search": Filters(text="Jarinje"),
    "nothing": Filters(text="no event says this"),
}
OPTIONS: dict[str, dict[str, Any]] = {
    "category, density": {"density": "count", "info": False, "timeline": False},
    "distance band": {"color_by": "distance_band", "info": False},
}


@pytest.fixture(scope="module")
def events() -> gpd.GeoDataFrame:
    return read_store(SHIPPED_STORE).events


@pytest.fixture(scope="module")
def measures(events: gpd.GeoDataFrame) -> pd.DataFrame:
    return measure_events(events)


@pytest.fixture(scope="module", params=list(OPTIONS))
def whole(
    request: pytest.FixtureRequest, events: gpd.GeoDataFrame, measures: pd.DataFrame
) -> tuple[dict[str, Any], str, MapViews]:
    options = {**OPTIONS[request.param], "measures": measures}
    m, views = build_view_map(events, read_map_reference(), **options)
    return options, m.get_root().render(), views


def _bits(text: str, n: int) -> np.ndarray:
    raw = np.frombuffer(base64.b64decode(text), dtype=np.uint8)
    return np.unpackbits(raw, bitorder="little")[:n].astype(bool)


def _overlay_names(page: str) -> list[str]:
    block = re.search(r"overlays :\s*\{(.*?)\}", page, re.DOTALL)
    assert block, "no layer control"
    return [json.loads(name) for name in re.findall(r'("[^"]+") :', block.group(1))]


def _time(page: str) -> dict[str, Any]:
    found = _TIME.search(page)
    assert found, "no playback"
    config: dict[str, Any] = json.loads(js_literal(found.group(1)))
    return config


@pytest.mark.parametrize("name", list(VIEWS))
def test_a_view_shows_what_the_map_of_that_view_draws(
    name: str, events: gpd.GeoDataFrame, whole: tuple[dict[str, Any], str, MapViews]
) -> None:
    options, page, views = whole
    filters = VIEWS[name]
    state = view_state(views, filter_events(events, filters), filters)
    own = build_map(events, read_map_reference(), filters=filters, **options).get_root().render()

    # The events of each layer: the view's bits over the map of everything pick the
    # events the map of the view draws, in the same order.
    everything, drawn = payloads(page), payloads(own)
    for layer in ("incident", "deployment", "kfor"):
        ids = np.asarray(everything[layer]["id"], dtype=object)
        picked = ids[_bits(state["masks"][layer], len(ids))].tolist()
        assert picked == drawn[layer]["id"], layer
        assert state["counts"][layer] == len(picked)
    # The layer control's names with their counts, the legend, the density.
    event_names = [state["names"][layer] for layer in ("incident", "deployment", "kfor")]
    assert [n for n in _overlay_names(own) if n in event_names] == event_names
    legend = _LEGEND.search(own)
    assert legend and state["legend"] == json.loads(js_literal(legend.group(1)))
    if options.get("density"):
        if state["density"] is None:
            assert "L.imageOverlay(" not in own
        else:
            assert "L.imageOverlay(" in own and state["density"]["url"] in own
            assert json.dumps(state["density"]["bounds"]) in own
    else:
        assert "density" not in state
    # Playback: the same span of days, the same events without a place named.
    config, base = _time(own), _time(page)
    assert state["time"]["domain"] == config["domain"]
    unplaced = base["unplaced"]["id"] if base["unplaced"] else []
    named = np.asarray(unplaced, dtype=object)[_bits(state["time"]["unplaced"], len(unplaced))].tolist()
    assert named == (config["unplaced"]["id"] if config["unplaced"] else [])


def test_the_call_carries_no_underscore_and_parses_back(
    events: gpd.GeoDataFrame, whole: tuple[dict[str, Any], str, MapViews]
) -> None:
    _options, _page, views = whole
    filters = VIEWS["autumn 2023"]
    shown = filter_events(events, filters)
    call = view_call("map_div", views, shown, filters)
    assert call.startswith("bordermon.showView(map_div, JSON.parse('") and call.endswith("'));\n")
    assert "_" not in call.removeprefix("bordermon.showView(map_div")  # st_folium renames "_<hex>"
    body = call[len("bordermon.showView(map_div, JSON.parse('") : -len("'));\n")]
    assert json.loads(js_literal(body)) == view_state(views, shown, filters)


def test_bits_count_from_the_lowest_bit_of_the_first_byte() -> None:
    marks = np.zeros(11, dtype=bool)
    marks[[0, 9]] = True
    assert base64.b64decode(pack_bits(marks)) == bytes([0b00000001, 0b00000010])
    assert _bits(pack_bits(marks), 11).tolist() == marks.tolist()


def test_a_view_of_other_events_is_refused(
    events: gpd.GeoDataFrame, whole: tuple[dict[str, Any], str, MapViews]
) -> None:
    _options, _page, views = whole
    foreign = events.iloc[:3].set_axis([10_000, 10_001, 10_002])
    with pytest.raises(ValueError, match="rows of the events"):
        view_state(views, foreign, Filters())


def test_a_map_of_every_event_takes_no_filter_or_title_box(events: gpd.GeoDataFrame) -> None:
    with pytest.raises(ValueError, match="no filters"):
        build_view_map(events, filters=Filters(layers=("incident",)))
    with pytest.raises(ValueError, match="no filters"):
        build_view_map(events, info=True)
    twice = pd.concat([events.iloc[:2], events.iloc[:2]])
    with pytest.raises(ValueError, match="unique"):
        build_view_map(gpd.GeoDataFrame(twice, geometry="geometry", crs=events.crs))
    m, _views = build_view_map(events.iloc[:5], info=False)
    assert isinstance(m, folium.Map)


def test_the_page_script_hands_over_the_view_and_an_escaped_selection(
    events: gpd.GeoDataFrame, whole: tuple[dict[str, Any], str, MapViews]
) -> None:
    _options, _page, views = whole
    literal = view_literal(views, events, Filters())
    hostile = "</script><script>alert(1)</script>"
    script = view_script("map", literal, hostile)
    assert script.startswith("<script>") and script.endswith("</script>")
    inner = script.removeprefix("<script>").removesuffix("</script>")
    assert "<" not in inner and ">" not in inner  # the id cannot close the element
    assert literal in inner and "JSON.parse('\"map\"')" in inner
    assert json.loads(js_literal(re.findall(_LITERAL, inner)[-1])) == hostile
    assert "selected: JSON.parse('null')" in view_script("map", literal, None)
