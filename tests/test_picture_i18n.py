"""Static pictures in the interface's languages (``draw_picture(lang=…)``, ``bordermon export --lang``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import geopandas as gpd
import pytest

from layers.picture import PictureReference, draw_picture
from layers.reference import read_boundary, read_safety_zones
from layers.store import read_store
from tests.factories import collection, make_feature, write_json
from tests.test_picture import _svg_texts

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def events(tmp_path: Path) -> gpd.GeoDataFrame:
    features = [
        make_feature("exact", category="armed_attack"),
        make_feature("roughly", category="explosion", location_precision="approximate", uncertainty_km=3),
        make_feature("nowhere", category="arrest", location_precision="none"),
    ]
    features[2]["geometry"] = None
    return read_store(write_json(tmp_path / "s.geojson", collection(*features))).events


def _texts(events: gpd.GeoDataFrame, lang: str) -> list[str]:
    reference = PictureReference(boundary=read_boundary(), safety_zones=read_safety_zones())
    return _svg_texts(draw_picture(events, reference=reference, fmt="svg", set_aside=2, lang=lang))


def test_a_french_picture(events: gpd.GeoDataFrame) -> None:
    texts = _texts(events, "fr")
    for text in (
        "Limite Kosovo–Serbie",
        "Légende",
        "Incidents : Attaque armée (1)",
        "Incidents : Explosion (1)",
        "incertitude de position (rayon)",
        "Zones de sécurité de 1999 (historiques)",
        "Période : toutes les dates.",
    ):
        assert text in texts
    footnote = next(text for text in texts if text.startswith("3 événements dans cette vue"))
    assert "1 sans position sourcée n’est pas tracé" in footnote
    assert "2 enregistrements écartés par la validation ne sont pas affichés" in footnote
    assert any(
        text.startswith("Limite et territoires : © les contributeurs d’OpenStreetMap") for text in texts
    )
    assert not any("Legend" in text or "events in this view" in text for text in texts)


@pytest.mark.parametrize(
    ("lang", "legend", "north", "boundary", "layer"),
    [
        ("sq", "Legjenda", "V", "Vija ndarëse Kosovë–Serbi", "Incidente: Sulm i armatosur (1)"),
        ("sr_Latn", "Legenda", "S", "Linija između Kosova i Srbije", "Incidenti: Oružani napad (1)"),
        ("sr_Cyrl", "Легенда", "С", "Линија између Косова и Србије", "Инциденти: Оружани напад (1)"),
    ],
)
def test_pictures_in_albanian_and_serbian(
    events: gpd.GeoDataFrame, lang, legend, north, boundary, layer
) -> None:
    texts = _texts(events, lang)
    assert {legend, north, boundary, layer} <= set(texts)


def _bordermon(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    code = "import sys; from layers.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run(
        [sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True, env=env
    )


def test_cli_export_lang_fr_writes_a_french_legend(tmp_path: Path) -> None:
    out = tmp_path / "vue.svg"
    window = ["--start", "2023-09-01", "--end", "2023-10-31"]
    result = _bordermon("export", "--format", "svg", "--lang", "fr", "--out", str(out), *window)
    assert result.returncode == 0, result.stderr
    texts = _svg_texts(out.read_bytes())
    assert "bordermon — limite Kosovo–Serbie" in texts and "Légende" in texts
    assert any(text.startswith("Période : 1 sept. 2023 – 31 oct. 2023.  Données jusqu’au ") for text in texts)
    assert any(text.startswith("Incidents : ") for text in texts)


def test_cli_language_from_the_environment_and_refused_languages(tmp_path: Path) -> None:
    env = {**os.environ, "BORDERMON_LANG": "sq"}
    out = tmp_path / "pamje.svg"
    result = _bordermon("export", "--format", "svg", "--out", str(out), env=env)
    assert result.returncode == 0, result.stderr
    assert "Legjenda" in _svg_texts(out.read_bytes())
    refused = _bordermon("export", "--format", "svg", "--lang", "de", "--out", str(tmp_path / "x.svg"))
    assert refused.returncode == 2
    assert "--lang de: unknown language; choose from en, fr, sr_Latn, sr_Cyrl, sq" in refused.stderr
    env["BORDERMON_LANG"] = "klingon"
    assert "BORDERMON_LANG=klingon: unknown language" in _bordermon("export", env=env).stderr


def test_a_serbian_cyrillic_picture_keeps_code_and_camps_in_latin_and_its_legend_on_the_page(
    tmp_path: Path,
) -> None:
    out = tmp_path / "slika.svg"
    window = ["--start", "2023-09-01", "--end", "2023-10-31"]
    result = _bordermon("export", "--format", "svg", "--lang", "sr_Cyrl", "--out", str(out), *window)
    assert result.returncode == 0, result.stderr
    texts = _svg_texts(out.read_bytes())
    assert "Camp Novo Selo" in texts and not any("Цамп" in text for text in texts)
    assert any(text.endswith("Извори сваког догађаја: bordermon sources.") for text in texts)
    # The longest legend label wraps after the layer's name instead of running off the page.
    assert not any(
        len(line) > 46 for text in texts if "(према извештајима)" in text for line in text.split("\n")
    )
    assert any("Распоређивања снага (према извештајима):" in text for text in texts)
    assert "50 км" in texts  # the scale bar
