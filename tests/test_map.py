"""Render the map and read the HTML: layers, feature ids, attribution, escaping, assets."""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Iterator
from datetime import date
from html import escape as html_escape
from pathlib import Path

import folium
import geopandas as gpd
import pytest

from layers.assets import ASSETS, AssetsMissingWarning, use_cdn_assets, use_local_assets
from layers.filters import Filters
from layers.map import BASEMAPS, MAP_LAYERS, MapReference, build_map, layer_names, read_map_reference
from layers.mapdata import mapped_mask
from layers.store import read_store
from tests.map_factories import HOSTILE, HOSTILE_URL, payloads, write_map_store

CDN = {asset.name: asset.cdn_url for asset in ASSETS}


@pytest.fixture(scope="module")
def events(tmp_path_factory: pytest.TempPathFactory) -> gpd.GeoDataFrame:
    return read_store(write_map_store(tmp_path_factory.mktemp("store"))).events


@pytest.fixture(scope="module")
def page(events: gpd.GeoDataFrame) -> str:
    html: str = build_map(events, read_map_reference(), assets="cdn", set_aside=2).get_root().render()
    return html


@pytest.fixture
def restore_assets() -> Iterator[None]:
    yield
    use_cdn_assets()


def _overlay_names(page: str) -> list[str]:
    block = re.search(r"overlays :\s*\{(.*?)\}", page, re.DOTALL)
    assert block, "no layer control"
    return [json.loads(name) for name in re.findall(r'("[^"]+") :', block.group(1))]


def test_layer_control_lists_every_group_with_counts(page: str, events: gpd.GeoDataFrame) -> None:
    mapped = events[mapped_mask(events)]
    counts = mapped["layer"].value_counts()
    names = layer_names()
    assert _overlay_names(page) == [
        f"{names['incident']} ({counts['incident']})",
        f"{names['deployment']} ({counts['deployment']})",
        f"{names['kfor']} ({counts['kfor']})",
        "Kosovo–Serbia boundary",
        "Crossings and places",
        "1999 safety zones GSZ/ASZ (historical)",
        "Countries",
    ]
    for name, _url, _attr, _zoom, _sub in BASEMAPS.values():
        assert f'"{name}"' in page


def test_feature_ids_of_every_mapped_event_are_in_the_page(page: str, events: gpd.GeoDataFrame) -> None:
    data = payloads(page)
    for layer in ("incident", "deployment", "kfor"):
        expected = events[(events["layer"] == layer) & mapped_mask(events)]["id"]
        assert sorted(data[layer]["id"]) == sorted(expected)
    assert "inc-none" not in page


def test_reference_layers_are_drawn(page: str) -> None:
    data = payloads(page)
    assert {"countries", "boundary", "safety_zones", "crossings", "places", "kfor_sites"} <= set(data)
    labels = [f["properties"].get("label") for f in data["crossings"]["features"]]
    assert "Jarinje / Jarinjë" in labels
    zones = [f["properties"].get("label") for f in data["safety_zones"]["features"]]
    assert "GSZ 1999 (historical)" in zones and "ASZ 1999 (historical)" in zones
    unverified = [
        f["properties"]["label"]
        for f in data["kfor_sites"]["features"]
        if "unverified" in f["properties"]["s"]
    ]
    assert unverified and all("position unverified" in label for label in unverified)


def test_attributions_and_sources_note(page: str) -> None:
    assert "© OpenStreetMap contributors" in page
    assert "https://opendatacommons.org/licenses/odbl/1-0/" in page
    assert "https://www.openstreetmap.org/copyright" in page
    assert "https://carto.com/attributions" in page
    assert "GeoNames" in page and "Wikipedia" in page
    assert "every event lists its sources" in page


def test_title_box_states_window_filters_counts_and_date(events: gpd.GeoDataFrame) -> None:
    view = Filters(start=date(2023, 9, 1), end=date(2023, 9, 30), confidences=("confirmed", "reported"))
    html = build_map(events, MapReference(), filters=view, set_aside=3, assets="cdn").get_root().render()
    text = html.replace("\\u003c", "<").replace("\\u003e", ">")
    assert "1 Sep 2023 – 30 Sep 2023" in text
    assert "Filter: confidence: confirmed, reported" in text
    assert "Data up to 5 Oct 2023 (latest date in the store)" in text
    assert "1 event in this view without a known location: not on the map" in text
    assert "3 records set aside by validation" in text
    assert "<title>bordermon — Kosovo–Serbia boundary</title>" in html


def test_filters_select_what_is_drawn(events: gpd.GeoDataFrame) -> None:
    view = Filters(categories=("protest",))
    data = payloads(build_map(events, MapReference(), filters=view, assets="cdn").get_root().render())
    assert data["incident"]["id"] == ["inc-approx"]
    assert data["deployment"]["id"] == [] and data["kfor"]["id"] == []


def test_layers_parameter_limits_the_groups(events: gpd.GeoDataFrame) -> None:
    html = build_map(events, layers=("incident", "boundary"), assets="cdn").get_root().render()
    assert _overlay_names(html) == ["Incidents (5)", "Kosovo–Serbia boundary"]
    assert set(payloads(html)) == {"incident", "boundary"}


def test_safety_zones_hidden_unless_asked(events: gpd.GeoDataFrame) -> None:
    def shown(html: str) -> bool:
        name = re.search(r'"1999 safety zones GSZ/ASZ \(historical\)" : (\w+)', html)
        assert name
        return f"{name.group(1)}.addTo(" in html

    assert not shown(build_map(events, assets="cdn").get_root().render())
    assert shown(build_map(events, layers=("incident", "safety_zones"), assets="cdn").get_root().render())


def test_hostile_text_is_escaped_everywhere(events: gpd.GeoDataFrame) -> None:
    clean = build_map(events[events["id"] != "inc-hostile"], assets="cdn").get_root().render()
    html = build_map(events, assets="cdn", title=HOSTILE).get_root().render()
    # No tag, comment or handler from the text reaches the markup: the page has the
    # same elements with and without it.
    for tag in ("<script", "</script>", "<style", "</style>", "<img", "<!--"):
        assert html.count(tag) == clean.count(tag), tag
    title = re.search(r"<title>(.*?)</title>", html, re.DOTALL)
    assert title and title.group(1) == html_escape(HOSTILE)
    # ...and every piece of it arrives intact as data.
    data = payloads(html)["incident"]
    assert HOSTILE in data["strings"] and HOSTILE + " municipality" not in data["strings"]
    assert any(HOSTILE in s and "municipality" in s for s in data["strings"])  # place, municipality
    assert f"{HOSTILE}; Kosovo Police" in data["strings"]  # actors
    assert HOSTILE_URL in data["strings"]


def test_jinja_in_event_text_is_not_evaluated(events: gpd.GeoDataFrame) -> None:
    html = build_map(events, assets="cdn").get_root().render()
    strings = payloads(html)["incident"]["strings"]
    assert any("{{ 7*7 }} {% raw %}" in s for s in strings)


def test_only_leaflet_is_linked_from_the_cdn(page: str) -> None:
    scripts = re.findall(r'<script src="([^"]+)"', page)
    styles = re.findall(r'<link rel="stylesheet" href="([^"]+)"', page)
    assert scripts == [CDN["leaflet"]] and styles == [CDN["leaflet_css"]]


def test_configured_local_assets_are_used(events: gpd.GeoDataFrame, restore_assets: None) -> None:
    if not use_local_assets("/app/static/vendor/"):
        pytest.skip("map assets not installed")
    html = build_map(events).get_root().render()
    assert '<script src="/app/static/vendor/leaflet/dist/leaflet.js"></script>' in html
    assert "cdn.jsdelivr.net" not in html
    plain = folium.Map().get_root().render()  # every folium map, not only ours
    assert "/app/static/vendor/jquery/dist/jquery.min.js" in plain
    assert "/app/static/vendor/glyphicons-only-bootstrap/css/bootstrap.min.css" in plain


def test_missing_assets_fall_back_to_cdn_with_a_warning(
    events: gpd.GeoDataFrame, tmp_path: Path, restore_assets: None
) -> None:
    with pytest.warns(AssetsMissingWarning, match="npm ci"):
        assert use_local_assets("/app/static/vendor/", node_modules=tmp_path) is False
    html = build_map(events).get_root().render()
    assert f'<script src="{CDN["leaflet"]}"></script>' in html


def test_map_without_events_or_reference_still_renders(events: gpd.GeoDataFrame) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        html = build_map(events.iloc[:0], MapReference(), assets="cdn").get_root().render()
    assert "Incidents (0)" in html and "No events." in html.replace("\\u003c", "<")


def test_bad_arguments_are_refused(events: gpd.GeoDataFrame) -> None:
    with pytest.raises(ValueError, match="unknown map layer"):
        build_map(events, layers=("zones",))
    with pytest.raises(ValueError, match="unknown basemap"):
        build_map(events, basemap="satellite")
    with pytest.raises(TypeError):
        build_map(events.drop(columns="geometry"))  # type: ignore[arg-type]
    assert set(MAP_LAYERS) == set(layer_names())
