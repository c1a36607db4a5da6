"""The density of incidents: what it counts, where it puts an uncertain place, what it leaves out."""

from __future__ import annotations

import io
import math
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from layers.cli import main
from layers.density import density_surface
from layers.export import export_html
from layers.store import read_store
from tests.factories import collection, make_feature, write_json

BANJSKA = (20.7825, 42.97139)


def _events(tmp_path: Path, *features: dict) -> object:
    path = write_json(tmp_path / "events.geojson", collection(*features))
    return read_store(path).events


def _value_at(density: object, lon: float, lat: float) -> float:
    """The surface's value at a point (nearest cell)."""
    (south, west), (north, east) = density.bounds  # type: ignore[attr-defined]
    values = density.values  # type: ignore[attr-defined]
    ny, nx = values.shape
    y = math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))
    y0 = math.log(math.tan(math.pi / 4 + math.radians(south) / 2))
    y1 = math.log(math.tan(math.pi / 4 + math.radians(north) / 2))
    row = int((y - y0) / (y1 - y0) * ny)
    col = int((lon - west) / (east - west) * nx)
    return float(values[min(max(row, 0), ny - 1), min(max(col, 0), nx - 1)])


def test_each_placed_incident_counts_once_and_unplaced_ones_are_left_out(tmp_path: Path) -> None:
    no_place = make_feature("no-place", location_precision="none")
    no_place["geometry"] = None
    deployment = make_feature("deployment", layer="deployment", category="troop_movement")
    events = _events(
        tmp_path,
        make_feature("a"),
        make_feature("b", location_precision="approximate", uncertainty_km=5),
        no_place,
        deployment,
    )
    density = density_surface(events)
    assert density is not None
    assert density.counted == 2  # the deployment is not an incident; the third has no place
    assert density.left_out == 1
    assert density.total() == pytest.approx(2.0, rel=0.01)


def test_casualty_weight_is_the_low_bound_of_killed_plus_injured(tmp_path: Path) -> None:
    events = _events(
        tmp_path,
        make_feature("a", fatalities={"min": 3, "max": 5}, injured=2),
        make_feature("b", fatalities=None, injured=None),  # unknown: adds nothing
    )
    density = density_surface(events, "casualties")
    assert density is not None
    assert density.counted == 1
    assert density.total() == pytest.approx(5.0, rel=0.01)
    assert density_surface(_events(tmp_path, make_feature("c")), "casualties") is None


def test_an_approximate_place_is_spread_over_its_circle(tmp_path: Path) -> None:
    exact = density_surface(_events(tmp_path, make_feature("exact")))
    spread = density_surface(
        _events(tmp_path, make_feature("approx", location_precision="approximate", uncertainty_km=10))
    )
    assert exact is not None and spread is not None
    lon, lat = BANJSKA
    # 5 km north (2.5 bandwidths): the tail of an exact point, well inside a 10 km circle.
    north = lat + 5 / 111.2
    assert _value_at(exact, lon, north) < 0.1 * _value_at(exact, lon, lat)
    assert _value_at(spread, lon, north) > 0.5 * _value_at(spread, lon, lat)
    assert spread.peak < exact.peak / 5  # the same one incident, not piled on a pixel
    assert spread.total() == pytest.approx(exact.total(), rel=0.01)


def test_unknown_weight_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="choose from count, casualties"):
        density_surface(_events(tmp_path, make_feature("a")), "heat")  # type: ignore[arg-type]


def test_the_image_is_transparent_where_nothing_is_and_north_up(tmp_path: Path) -> None:
    density = density_surface(_events(tmp_path, make_feature("a")))
    assert density is not None
    image = Image.open(io.BytesIO(density.png())).convert("RGBA")
    alpha = np.asarray(image)[..., 3]
    assert alpha[0, 0] == 0 and alpha[-1, -1] == 0
    row, col = np.unravel_index(int(alpha.argmax()), alpha.shape)
    ny, nx = alpha.shape
    assert abs(row - ny / 2) <= 2 and abs(col - nx / 2) <= 2  # the one point is at the centre


def test_the_exported_map_draws_it_with_its_legend_only_when_asked(tmp_path: Path) -> None:
    events = read_store().events
    # The map script names the density's class (to follow a dashboard view), so the
    # density is looked for as what the page draws: its pane, overlay and legend ramp.
    drawn = ('"pane": "bm-density"', "bm-density-ramp")
    plain = export_html(events, lang="fr")
    assert not any(mark in plain for mark in drawn)
    page = export_html(events, density="casualties", lang="fr")
    assert page.count("data:image/png;base64,") >= 1 and all(mark in page for mark in drawn)
    assert "Densité des incidents" in page
    assert "Personnes tuées ou blessées par km²" in page
    assert "sans position" in page  # the shipped record has incidents without a position


def test_density_is_for_the_html_map_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["export", "--density", "count", "--format", "png", "--out", str(tmp_path / "x.png")])
    assert code == 2
    assert "--density draws on the HTML map only" in capsys.readouterr().err
    assert not (tmp_path / "x.png").exists()


def test_the_layer_control_names_the_density_in_the_maps_language() -> None:
    from layers.map import build_map

    html = build_map(read_store().events, density="count", lang="sq").get_root().render()
    assert "Dendësia e incidenteve" in html
