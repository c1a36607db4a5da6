"""Static pictures of a view (``layers.picture`` and ``bordermon export --format``)."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import geopandas as gpd
import pytest

from layers.export import export_picture
from layers.filters import Filters
from layers.picture import PictureReference, _draw_places, draw_picture, picture_extent
from layers.record_state import record_state
from layers.reference import read_boundary, read_gazetteer
from layers.store import read_store
from tests.factories import collection, make_feature, write_imported_store, write_json

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def events(tmp_path: Path) -> gpd.GeoDataFrame:
    area = {"type": "Polygon", "coordinates": [[[20.9, 43.0], [21.1, 43.0], [21.1, 43.2], [20.9, 43.0]]]}
    features = [
        make_feature("exact", category="armed_attack"),
        make_feature("roughly", category="explosion", location_precision="approximate", uncertainty_km=3),
        make_feature("nowhere", category="arrest", location_precision="none"),
        make_feature("zone", layer="deployment", category="buildup", side="RS", location_precision="area"),
        make_feature("camp", layer="kfor", category="installation", start="2023-01-01"),
    ]
    features[2]["geometry"] = None
    features[3]["geometry"] = area
    return read_store(write_json(tmp_path / "s.geojson", collection(*features))).events


def _svg_texts(data: bytes) -> list[str]:
    # matplotlib writes each piece of text before its glyphs as an XML comment.
    return re.findall(r"<!-- (.*?) -->", data.decode("utf-8"))


def test_formats_are_what_they_say(events: gpd.GeoDataFrame) -> None:
    assert draw_picture(events, fmt="png").startswith(b"\x89PNG\r\n\x1a\n")
    assert draw_picture(events, fmt="pdf").startswith(b"%PDF-")
    assert b"<svg" in draw_picture(events, fmt="svg")[:500]
    with pytest.raises(ValueError, match="unknown picture format 'gif'"):
        draw_picture(events, fmt="gif")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown page preset"):
        draw_picture(events, preset="a0")


def test_svg_is_byte_stable(events: gpd.GeoDataFrame) -> None:
    first = draw_picture(events, fmt="svg", window="all dates", data_date=date(2023, 9, 24))
    second = draw_picture(events, fmt="svg", window="all dates", data_date=date(2023, 9, 24))
    assert first == second
    assert first != draw_picture(events, fmt="svg", window="all dates", data_date=date(2023, 9, 25))


def test_legend_names_every_drawn_layer_and_what_is_not_drawn(events: gpd.GeoDataFrame) -> None:
    reference = PictureReference(boundary=read_boundary())
    texts = _svg_texts(
        draw_picture(
            events, reference=reference, fmt="svg", title="Test view", set_aside=2, window="all dates"
        )
    )
    assert "Test view" in texts
    for label in (
        "Incidents: Armed attack (1)",
        "Incidents: Explosion (1)",
        "Reported deployments: Build-up (1)",
        "KFOR presence: Installation (1)",
        "Kosovo–Serbia boundary",
        "position uncertainty (radius)",
    ):
        assert label in texts
    # The arrest has no sourced position: counted, never placed, not in the legend.
    assert not any("Arrest" in text for text in texts)
    footnote = next(text for text in texts if text.startswith("5 events in this view"))
    assert "1 without a sourced position is not drawn" in footnote
    assert "2 records set aside by validation are not shown" in footnote
    assert any("© OpenStreetMap contributors, ODbL 1.0" in text for text in texts)
    assert "N" in texts and any(text.endswith(" km") for text in texts)  # north arrow, scale bar


def test_extent_fits_the_boundary_and_the_events(events: gpd.GeoDataFrame) -> None:
    boundary = read_boundary()
    minx, miny, maxx, maxy = picture_extent(events, boundary)
    box = boundary.to_crs("EPSG:32634").total_bounds
    assert minx < box[0] and miny < box[1] and maxx > box[2] and maxy > box[3]
    lone = picture_extent(events.iloc[:1], None)
    assert lone[2] - lone[0] >= 60_000 and lone[3] - lone[1] >= 60_000


def test_overlapping_place_labels_keep_the_more_important_one() -> None:
    from matplotlib.figure import Figure

    gazetteer = read_gazetteer()
    fig = Figure(figsize=(6, 4), dpi=100)
    ax = fig.add_axes((0, 0, 1, 1))
    # Zoomed out so that Zvečan (a municipality seat) sits under the label of Mitrovica (a city).
    ax.set_xlim(300_000, 640_000)
    ax.set_ylim(4_600_000, 4_850_000)
    shown = _draw_places(fig, ax, gazetteer)
    assert shown and len(shown) < len(gazetteer)
    kinds = gazetteer.set_index("id")["kind"]
    assert all(kinds[place] == "city" for place in shown[: (kinds == "city").sum()])
    # Zoomed in, both are labelled again.
    fig2 = Figure(figsize=(6, 4), dpi=100)
    ax2 = fig2.add_axes((0, 0, 1, 1))
    ax2.set_xlim(480_000, 500_000)
    ax2.set_ylim(4_745_000, 4_765_000)
    zoomed = _draw_places(fig2, ax2, gazetteer)
    assert {"seat-zvecan"} <= set(zoomed)


def _bordermon(*args: str) -> subprocess.CompletedProcess[str]:
    code = "import sys; from layers.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True)


def test_cli_export_formats(tmp_path: Path) -> None:
    window = ["--start", "2023-09-01", "--end", "2023-10-31"]
    for fmt, magic in (("svg", b"<?xml"), ("png", b"\x89PNG"), ("pdf", b"%PDF-")):
        out = tmp_path / f"view.{fmt}"
        result = _bordermon("export", "--format", fmt, "--preset", "16:9", "--out", str(out), *window)
        assert result.returncode == 0, result.stderr
        assert out.read_bytes().startswith(magic)
        assert f"{fmt.upper()}, 16:9" in result.stdout
    again = tmp_path / "again.svg"
    assert (
        _bordermon("export", "--format", "svg", "--preset", "16:9", "--out", str(again), *window).returncode
        == 0
    )
    assert again.read_bytes() == (tmp_path / "view.svg").read_bytes()
    texts = _svg_texts(again.read_bytes())
    assert any(text.startswith("Time window: 1 Sep 2023 – 31 Oct 2023.  Data up to ") for text in texts)


def test_the_picture_says_what_the_record_draws_on(tmp_path: Path) -> None:
    root = write_imported_store(tmp_path / "store")
    events = read_store(root).events
    texts = _svg_texts(draw_picture(events, fmt="svg", record=record_state(events, root), lang="fr"))
    assert (
        "Données tirées de : le registre vérifié (2 événements), import ACLED du 2 déc. 2026 (1 événement)."
        in texts
    )
    assert not any(text.startswith("Drawn from") for text in _svg_texts(draw_picture(events, fmt="svg")))
    # The command reads the import's date from the store.
    out = tmp_path / "view.svg"
    result = _bordermon("export", "--store", str(root), "--format", "svg", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "Drawn from: the curated record (2 events), ACLED import of 2 Dec 2026 (1 event)." in _svg_texts(
        out.read_bytes()
    )


def test_export_picture_draws_only_the_chosen_layers(events: gpd.GeoDataFrame) -> None:
    data = export_picture(events, filters=Filters(), layers=("incident", "boundary"), fmt="svg")
    texts = _svg_texts(data)
    assert "Incidents: Armed attack (1)" in texts and "Kosovo–Serbia boundary" in texts
    assert not any(text.startswith(("KFOR presence", "Reported deployments")) for text in texts)
    assert "1999 safety zones (historical)" not in texts
