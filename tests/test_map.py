"""Render the map and read the HTML: layers, feature ids, attribution, escaping, assets."""

from __future__ import annotations

import json
import re
import warnings
from datetime import date
from html import escape as html_escape
from html import unescape
from pathlib import Path
from typing import Any

import folium
import geopandas as gpd
import pandas as pd
import pytest

from layers.assets import ASSETS, AssetsMissingWarning, MapAssets, assets_installed
from layers.export import export_html
from layers.filters import Filters
from layers.map import BASEMAPS, MAP_LAYERS, MapReference, build_map, layer_names, read_map_reference
from layers.map_elements import SelectEvent, select_call
from layers.mapdata import BAND_COLORS, encode_events, mapped_mask
from layers.measures import DISTANCE_BANDS, measure_events
from layers.record_state import record_state
from layers.store import read_store
from tests.factories import write_imported_store
from tests.map_factories import HOSTILE, HOSTILE_URL, IN_SERBIA, js_literal, moved, payloads, write_map_store

CDN = {asset.name: asset.cdn_url for asset in ASSETS}


@pytest.fixture(scope="module")
def events(tmp_path_factory: pytest.TempPathFactory) -> gpd.GeoDataFrame:
    return read_store(write_map_store(tmp_path_factory.mktemp("store"))).events


@pytest.fixture(scope="module")
def page(events: gpd.GeoDataFrame) -> str:
    html: str = build_map(events, read_map_reference(), assets="cdn", set_aside=2).get_root().render()
    return html


@pytest.fixture(scope="module")
def across(events: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The events with one incident moved into Serbia: incidents on both sides of the line."""
    return moved(events, "inc-hour", *IN_SERBIA)


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
        assert "inc-none" not in data[layer]["id"]
    # Not drawn; named only by playback, among the view's events without a place.
    assert page.count("inc-none") == 1 and '"unplaced":{"id":["inc-none"]' in page


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


def _box(html: str) -> str:
    """The title box's markup as written: the page carries it escaped inside a script."""
    text = re.sub(r"\\+u003c", "<", html)
    text = re.sub(r"\\+u003e", ">", text)
    return unescape(re.sub(r'\\+"', '"', text))


def test_title_box_says_what_the_record_draws_on(tmp_path: Path) -> None:
    """A store with a curated file and an ACLED import: the box names both, the import dated."""
    root = write_imported_store(tmp_path)
    events = read_store(root).events
    record = record_state(events, root)
    page = export_html(events, record=record, reference=MapReference(), self_contained=False)
    drawn = re.findall(r'<p class="bm-drawn-from bm-muted">(.*?)</p>', _box(page))
    assert drawn == ["Drawn from: the curated record (2 events), ACLED import of 2 Dec 2026 (1 event)."]
    # The same words in each language of the box.
    albanian = export_html(events, record=record, reference=MapReference(), self_contained=False, lang="sq")
    assert (
        "Burimet e të dhënave: regjistri i kuruar (2 ngjarje), importi ACLED i 2 dhj 2026 (1 ngjarje)."
        in _box(albanian)
    )
    # Without the store's directory the import is named from its file, not dated; a filter
    # changes what is drawn, not what the record draws on.
    view = Filters(text="nothing")
    html = build_map(events, MapReference(), filters=view, assets="cdn").get_root().render()
    assert "Drawn from: the curated record (2 events), ACLED import (1 event)." in _box(html)
    # Events without the store's file column say nothing of where they come from.
    bare = build_map(events.drop(columns="file"), MapReference(), assets="cdn").get_root().render()
    assert "bm-drawn-from" not in _box(bare)


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


@pytest.mark.parametrize("color_by", ["category", "distance_band"])
def test_hostile_text_is_escaped_everywhere(events: gpd.GeoDataFrame, color_by: Any) -> None:
    clean = (
        build_map(events[events["id"] != "inc-hostile"], assets="cdn", color_by=color_by).get_root().render()
    )
    html = build_map(events, assets="cdn", title=HOSTILE, color_by=color_by).get_root().render()
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


def test_each_map_links_leaflet_from_its_own_asset_set(events: gpd.GeoDataFrame) -> None:
    if not assets_installed():
        pytest.skip("map assets not installed")
    served = build_map(events, MapReference(), assets=MapAssets.local("/app/static/vendor/"))
    cdn = build_map(events, MapReference(), assets="cdn")
    served_html, cdn_html = served.get_root().render(), cdn.get_root().render()
    assert '<script src="/app/static/vendor/leaflet/dist/leaflet.js"></script>' in served_html
    assert "cdn.jsdelivr.net" not in served_html
    assert f'<script src="{CDN["leaflet"]}"></script>' in cdn_html and "/app/static/" not in cdn_html
    # Nothing process-wide: a plain folium map still links folium's CDNs.
    plain = folium.Map().get_root().render()
    assert "/app/static/" not in plain and CDN["leaflet"] in plain


def test_missing_assets_fall_back_to_cdn_with_a_warning(events: gpd.GeoDataFrame, tmp_path: Path) -> None:
    with pytest.warns(AssetsMissingWarning, match="npm ci"):
        assets = MapAssets.local("/app/static/vendor/", node_modules=tmp_path)
    html = build_map(events, assets=assets).get_root().render()
    assert f'<script src="{CDN["leaflet"]}"></script>' in html


def test_map_without_events_or_reference_still_renders(events: gpd.GeoDataFrame) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        html = build_map(events.iloc[:0], MapReference(), assets="cdn").get_root().render()
    assert "Incidents (0)" in html and "No events." in html.replace("\\u003c", "<")
    banded = build_map(events.iloc[:0], MapReference(), color_by="distance_band", assets="cdn")
    assert payloads(banded.get_root().render())["incident"]["b"] == []


def test_bad_arguments_are_refused(events: gpd.GeoDataFrame) -> None:
    with pytest.raises(ValueError, match="unknown map layer"):
        build_map(events, layers=("zones",))
    with pytest.raises(ValueError, match="unknown basemap"):
        build_map(events, basemap="satellite")
    with pytest.raises(TypeError):
        build_map(events.drop(columns="geometry"))  # type: ignore[arg-type]
    assert set(MAP_LAYERS) == set(layer_names())


# --------------------------------------------------------------------------- colour by distance band

_LEGEND = re.compile(r"bordermon\.addControl\([^,]+, JSON\.parse\('((?:[^'\\]|\\.)*)'\), \"bottomleft\"")


def _legend(page: str) -> list[tuple[str, str]]:
    """The legend's entries as (symbol markup, text), in order."""
    match = _LEGEND.search(page)
    assert match, "no legend"
    markup = json.loads(js_literal(match.group(1)))
    return [
        (symbol, unescape(text))
        for symbol, text in re.findall(r"<li>(<svg.*?</svg>)?<span[^>]*>(.*?)</span></li>", markup)
    ]


def _band_map(events: gpd.GeoDataFrame, **kwargs: Any) -> str:
    page: str = (
        build_map(events, MapReference(), color_by="distance_band", assets="cdn", **kwargs)
        .get_root()
        .render()
    )
    return page


def test_legend_shows_band_colours_with_counts(across: gpd.GeoDataFrame) -> None:
    legend = _legend(_band_map(across))
    texts = [text for _, text in legend]
    assert "Colour: distance to the Kosovo–Serbia boundary (UTM 34N)." in texts
    incidents = across[(across["layer"] == "incident") & mapped_mask(across)]
    counts = measure_events(incidents)["distance_band"].value_counts()
    assert counts["5–25 km in Serbia"] == 1 and counts["5–25 km in Kosovo"] == 1
    scale = DISTANCE_BANDS[:-1]  # the whole scale, with its empty bands
    entries = [(symbol, text) for symbol, text in legend if text.rsplit(" (", 1)[0] in scale]
    assert [text for _, text in entries] == [f"{band} ({counts[band]})" for band in scale]
    for (symbol, _), band in zip(entries, scale, strict=True):
        assert f'fill="{BAND_COLORS[band]}"' in symbol
    assert not any(text.startswith(("outside Kosovo", "distance not measured")) for text in texts)
    # The categories are told by their shape alone; deployments keep their colours.
    armed_attack = next(symbol for symbol, text in legend if text == "Armed attack (1)")
    assert 'fill="none"' in armed_attack and "<polygon" in armed_attack
    assert "Symbol: category." in texts
    buildup = next(symbol for symbol, text in legend if text == "Build-up (1)")
    assert 'fill="#c51b7d"' in buildup


def test_every_incident_carries_its_band_code(across: gpd.GeoDataFrame) -> None:
    data = payloads(_band_map(across))
    incident = data["incident"]
    assert incident["color_by"] == "distance_band"
    band_of = dict(zip(across["id"], measure_events(across)["distance_band"].astype(object), strict=True))
    labels = [incident["bands"][code]["label"] for code in incident["b"]]
    assert labels == [band_of[event_id] for event_id in incident["id"]]
    assert {"5–25 km in Serbia", "0–5 km in Kosovo", ">25 km in Kosovo"} <= set(labels)
    assert [band["color"] for band in incident["bands"][: len(DISTANCE_BANDS)]] == list(BAND_COLORS.values())
    for layer in ("deployment", "kfor"):  # only incidents change colour
        assert "b" not in data[layer] and "color_by" not in data[layer]
        assert data[layer] == encode_events(across[mapped_mask(across)], layer)


def test_default_map_is_unchanged(events: gpd.GeoDataFrame) -> None:
    page = build_map(events, MapReference(), assets="cdn").get_root().render()
    data = payloads(page)
    for layer in ("incident", "deployment", "kfor"):
        assert data[layer] == encode_events(events[mapped_mask(events)], layer)
    texts = [text for _, text in _legend(page)]
    assert "Colour: distance to the Kosovo–Serbia boundary (UTM 34N)." not in texts
    assert not any(text.startswith(DISTANCE_BANDS) for text in texts)
    assert _legend(
        build_map(events, MapReference(), color_by="category", assets="cdn").get_root().render()
    ) == (_legend(page))


def test_given_measures_are_used_as_they_are(
    across: gpd.GeoDataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    measures = measure_events(across)
    measures["distance_band"] = pd.Categorical(
        [">25 km in Serbia"] * len(measures), categories=list(DISTANCE_BANDS), ordered=True
    )

    def measure_again(*args: Any) -> None:
        raise AssertionError("build_map measured again although measures were given")

    monkeypatch.setattr("layers.map.measure_events", measure_again)
    page = _band_map(across, measures=measures)
    incident = payloads(page)["incident"]
    assert {incident["bands"][code]["label"] for code in incident["b"]} == {">25 km in Serbia"}
    assert ">25 km in Serbia (5)" in [text for _, text in _legend(page)]


def test_store_measures_serve_a_filtered_view(events: gpd.GeoDataFrame) -> None:
    """The dashboard's case: measures of the whole store, a map of part of it."""
    measures = measure_events(events)
    page = _band_map(events, measures=measures, filters=Filters(categories=("protest",)))
    incident = payloads(page)["incident"]
    assert incident["id"] == ["inc-approx"]
    assert [incident["bands"][code]["label"] for code in incident["b"]] == [">25 km in Kosovo"]
    assert ">25 km in Kosovo (1)" in [text for _, text in _legend(page)]


def test_measures_with_category_colours_put_distances_in_popups(events: gpd.GeoDataFrame) -> None:
    page = (
        build_map(events, MapReference(), measures=measure_events(events), assets="cdn").get_root().render()
    )
    incident = payloads(page)["incident"]
    assert incident["color_by"] == "category"
    assert len(incident["b"]) == len(incident["d"]) == len(incident["id"])
    assert "Colour: distance to the Kosovo–Serbia boundary (UTM 34N)." not in [t for _, t in _legend(page)]


def test_bad_colour_arguments_are_refused(events: gpd.GeoDataFrame) -> None:
    with pytest.raises(ValueError, match="unknown color_by"):
        build_map(events, color_by="side")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="indexed like events"):
        build_map(events, color_by="distance_band", measures=measure_events(events).iloc[:1])
    with pytest.raises(TypeError, match="measures must be a DataFrame"):
        build_map(events, measures="distance_band")  # type: ignore[arg-type]


def test_a_selection_reaches_the_map_script_intact() -> None:
    """st_folium renames "_<hex>" in the code it runs: the selected id carries no underscore."""
    for event_id in ("2023-09-24-banjska-ambush", "inc_exact_0", HOSTILE):
        literal = SelectEvent(event_id).event_id
        assert "_" not in literal and "</" not in literal
        assert json.loads(js_literal(literal[1:-1])) == event_id
    assert json.loads(js_literal(SelectEvent(None).event_id[1:-1])) is None
    # The dashboard sends the same call as st_folium's feature-group code.
    call = select_call("map_div", "inc_exact_0")
    assert call.startswith("bordermon.select(map_div, JSON.parse(") and "_" not in call.removeprefix(
        "bordermon.select(map_div"
    )
