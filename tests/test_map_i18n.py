"""The HTML map in the interface's languages: title box, legend, layer control, page language."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import geopandas as gpd
import pytest

from layers.export import export_html
from layers.filters import Filters
from layers.i18n import translator
from layers.map import basemap_attribution, basemap_names, build_map, layer_names, read_map_reference
from layers.map_reference import reference_payloads
from layers.mapdata import encode_events
from layers.picture import _place_label
from layers.store import read_store
from tests.factories import collection, make_feature, write_json
from tests.map_factories import HOSTILE, js_literal, payloads, write_map_store

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def events(tmp_path_factory: pytest.TempPathFactory) -> gpd.GeoDataFrame:
    return read_store(write_map_store(tmp_path_factory.mktemp("store"))).events


def _render(events: gpd.GeoDataFrame, lang: str, **kwargs: object) -> str:
    view = Filters(start=date(2023, 9, 1), end=date(2023, 9, 30), confidences=("claimed",))
    page: str = (
        build_map(events, read_map_reference(), filters=view, set_aside=3, assets="cdn", lang=lang, **kwargs)
        .get_root()
        .render()
    )
    # The boxes' HTML travels as JSON inside a script: undo its escapes to read it.
    return re.sub(r"\\(.)", r"\1", page.replace("\\u003c", "<").replace("\\u003e", ">"))


def _raw(events: gpd.GeoDataFrame, lang: str) -> str:
    page: str = build_map(events, read_map_reference(), assets="cdn", lang=lang).get_root().render()
    return page


def test_a_french_map(events: gpd.GeoDataFrame) -> None:
    text = _render(events, "fr")
    for expected in (
        "<title>bordermon — limite Kosovo–Serbie</title>",
        "1 sept. 2023 – 30 sept. 2023",
        "Filtre : fiabilité : affirmé par une seule partie",
        "Données jusqu’au 5 oct. 2023 (date la plus récente de la base).",
        "3 enregistrements écartés par la validation : non affichés.",
        "<summary>Légende</summary>",
        "Précision et fiabilité",
        "Fiabilité : confirmé, signalé, affirmé par une seule partie, contesté.",
        "aucune victime signalée",
        "© les contributeurs d’OpenStreetMap</a>",
        '"Points de passage et lieux"',
        "(position non vérifiée)",  # reference layers: labels and popups
        "zone de référence historique, plus en vigueur",
        "chef-lieu de commune",
    ):
        assert expected in text, expected
    assert re.search(r"Sur la carte : \d+ incidents?, \d+ déploiements?, \d+ données? KFOR\.", text)
    for english in ("Legend", "Precision and confidence", "Data up to", "set aside by validation"):
        # As a word, not inside the map script's names (replaceLegend).
        assert not re.search(rf"(?<![\w.]){english}\b", text), english


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("sq", ["<summary>Legjenda</summary>", "Saktësia dhe besueshmëria", "Të dhënat deri më 5 tet 2023"]),
        (
            "sr_Latn",
            ["<summary>Legenda</summary>", "Preciznost i pouzdanost", "Podaci zaključno sa 5. okt 2023."],
        ),
        (
            "sr_Cyrl",
            ["<summary>Легенда</summary>", "Прецизност и поузданост", "Подаци закључно са 5. окт 2023."],
        ),
    ],
)
def test_albanian_and_serbian_maps(events: gpd.GeoDataFrame, lang: str, expected: list[str]) -> None:
    text = _render(events, lang)
    for item in expected:
        assert item in text, item
    assert not re.search(r"\bLegend\b", text)


def test_event_payload_labels_and_when_per_language(events: gpd.GeoDataFrame) -> None:
    payload = encode_events(events, "incident", lang="fr")
    assert payload["label"] == "Incident"
    labels = {category["key"]: category["label"] for category in payload["categories"]}
    assert labels["armed_attack"] == "Attaque armée" and labels["crossing_closure"].startswith("Fermeture")
    assert dict(payload["confidences"])["claimed"] == "affirmé par une seule partie"
    assert any(text.endswith("(au jour près)") for text in payload["strings"])
    english = encode_events(events, "incident")
    assert any(text.endswith("(to the day)") for text in english["strings"])
    cyrillic = encode_events(events, "deployment", lang="sr_Cyrl")
    assert cyrillic["label"] == "Распоређивање снага (према извештајима)"


def test_layer_names_per_language() -> None:
    assert layer_names()["places"] == "Crossings and places"
    assert layer_names("sq")["places"] == "Pikëkalime dhe vende"
    assert layer_names("sr_Cyrl")["boundary"] == "Линија између Косова и Србије"


def test_exported_page_says_its_language(events: gpd.GeoDataFrame) -> None:
    page = export_html(events, lang="sr_Cyrl", self_contained=False)
    assert '<html lang="sr-Cyrl">' in page
    assert "Овој карти је потребан JavaScript" in page
    assert '<html lang="en">' in export_html(events, self_contained=False)


def test_a_title_given_is_kept_as_it_is(events: gpd.GeoDataFrame) -> None:
    assert "<title>Vue du 24 septembre</title>" in _render(events, "fr", title="Vue du 24 septembre")


def test_no_message_hides_inside_an_f_string() -> None:
    """Babel's extractor does not read inside f-strings: a message there would never be translated."""
    pattern = re.compile(r"""\bf(["']).*?\b(?:gettext|ngettext|N_)\(\s*["']""")
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in ("layers", "dashboard")
        for path in sorted((ROOT / folder).rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert found == []


def test_the_words_the_map_script_writes_are_translated(events: gpd.GeoDataFrame) -> None:
    text = _render(events, "fr")
    for expected in ("Événements à cet endroit ({count})", "Retour à la liste"):
        assert expected in text, expected
    for english in ("Events at this place", "Back to the list", "drawn with this same area"):
        assert english not in text, english


#: Translations made up for the test (the shipped record has none); one carries markup.
TRANSLATED = {"fr": "Embuscade à Banjska", "sr_Latn": "Zaseda kod Banjske, Ljig", "sq": HOSTILE}


@pytest.fixture(scope="module")
def translated(tmp_path_factory: pytest.TempPathFactory) -> gpd.GeoDataFrame:
    unplaced = make_feature("unplaced", title="Talks in Brussels", location_precision="none", side=None)
    unplaced["geometry"] = None
    unplaced["properties"]["title_i18n"] = {"fr": "Pourparlers à Bruxelles"}
    features = [
        make_feature("ambush", title="Ambush at Banjska", title_i18n=TRANSLATED),
        make_feature("plain", title="Protest in Zvečan", start="2023-09-25"),
        unplaced,
    ]
    path = write_json(tmp_path_factory.mktemp("translated") / "s.geojson", collection(*features))
    return read_store(path).events


@pytest.mark.parametrize(
    ("lang", "title", "original"),
    [
        ("fr", "Embuscade à Banjska", "Titre original"),
        ("sr_Latn", "Zaseda kod Banjske, Ljig", "Originalni naslov"),
        ("sr_Cyrl", "Заседа код Бањске, Љиг", "Оригинални наслов"),
        ("sq", HOSTILE, "Titulli origjinal"),
        ("en", "Ambush at Banjska", None),
    ],
)
def test_an_exported_popup_shows_the_languages_title_and_keeps_the_recorded_one(
    translated: gpd.GeoDataFrame, lang: str, title: str, original: str | None
) -> None:
    page = export_html(translated, lang=lang, self_contained=False)
    data = payloads(page)["incident"]
    at = data["id"].index("ambush")
    assert data["strings"][data["t"][at]] == title
    plain = data["id"].index("plain")
    assert data["strings"][data["t"][plain]] == "Protest in Zvečan"
    if original is None:
        assert "to" not in data  # nothing shown translated: the page is as it was
        return
    assert data["words"]["original"] == original
    assert data["strings"][data["to"][at]] == "Ambush at Banjska" and data["to"][plain] == -1


def test_translated_titles_reach_the_page_only_as_escaped_data(translated: gpd.GeoDataFrame) -> None:
    clean = export_html(translated, lang="fr", self_contained=False)
    page = export_html(translated, lang="sq", self_contained=False)
    for tag in ("<script", "</script>", "<img", "<!--"):
        assert page.count(tag) == clean.count(tag), tag
    assert HOSTILE in payloads(page)["incident"]["strings"]


def test_playback_names_an_unplaced_event_by_its_translated_title(translated: gpd.GeoDataFrame) -> None:
    assert "Pourparlers à Bruxelles" in export_html(translated, lang="fr", self_contained=False)
    english = export_html(translated, lang="en", self_contained=False)
    assert "Talks in Brussels" in english and "Pourparlers" not in english


def test_base_maps_attribution_and_countries_in_the_language(events: gpd.GeoDataFrame) -> None:
    text = _render(events, "fr")
    for expected in (
        '"Sans tuiles (hors ligne, impression)"',
        '"Clair (CARTO)"',
        "Limite, territoires : <a href=",
        '"Macédoine du Nord"',
        '"Serbie"',
    ):
        assert expected in text, expected
    for english in (
        "No tiles",
        "Light (CARTO)",
        "> contributors",
        "Boundary, countries",
        '"North Macedonia"',
    ):
        assert english not in text, english
    osm = '<a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
    assert basemap_attribution("osm", "fr") == f"© les contributeurs d’{osm}"
    assert (
        basemap_attribution("light")
        == f'© {osm} contributors © <a href="https://carto.com/attributions">CARTO</a>'
    )
    # The tiles' attribution travels JSON-escaped in the page (© and ’ as \u escapes).
    assert _raw(events, "fr").count('"attribution": "\\u00a9 les contributeurs d\\u2019') == 2
    albanian = _render(events, "sq")
    assert '"Kosova"' in albanian and '"Maqedonia e Veriut"' in albanian and '"Mali i Zi"' in albanian
    assert "Vija, territoret: " in albanian


def test_serbian_place_names_in_cyrillic_albanian_ones_in_latin() -> None:
    payloads = reference_payloads(read_map_reference(), "sr_Cyrl")
    labels = {
        feature["properties"].get("label")
        for part in payloads.values()
        for feature in json.loads(js_literal(part.payload[1:-1]))["features"]
    }
    for expected in (
        "Северна Митровица / Mitrovica e Veriut",
        "Звечан / Zveçan",
        "Јариње / Jarinjë",
        "Зубин Поток",
    ):
        assert expected in labels, expected
    assert {"Косово", "Србија", "Северна Македонија"} <= labels  # the countries
    assert not {"Severna Mitrovica / Mitrovica e Veriut", "Zvečan / Zveçan"} & labels
    latin = reference_payloads(read_map_reference(), "sr_Latn")
    assert "Severna Mitrovica / Mitrovica e Veriut" in latin["places"].payload
    assert "Zvečan / Zveçan" in latin["places"].payload


def test_serbian_place_names_in_a_cyrillic_picture() -> None:
    row = {"name_sr": "Zvečan", "name_sq": "Zveçan"}
    assert _place_label(row, cyrillic=True) == "Звечан / Zveçan"
    assert _place_label(row) == "Zvečan / Zveçan"
    assert _place_label({"name_sr": "Raška", "name_sq": "Raška"}, cyrillic=True) == "Рашка"


def _positions(lang: str) -> dict[str, str]:
    """Each gazetteer place's popup title → what its "Position" row says."""
    found = {}
    for part in reference_payloads(read_map_reference(), lang).values():
        for feature in json.loads(js_literal(part.payload[1:-1]))["features"]:
            rows = dict(feature["properties"].get("rows") or [])
            position = rows.get(translator(lang).gettext("Position"))
            if position:
                found[feature["properties"]["title"]] = position
    return found


def test_a_place_popup_says_in_words_how_sure_its_position_is() -> None:
    english = _positions("en")
    assert english["Zvečan / Zveçan"] == "from the cited source (a gazetteer or encyclopedia entry)"
    assert english["Severna Mitrovica / Mitrovica e Veriut"] == "approximate: its sources agree only roughly"
    assert english["Camp Film City"] == "unverified approximation"
    assert not {"high", "medium", "low"} & set(english.values())  # no bare grade left
    french = _positions("fr")
    assert french["Zvečan / Zveçan"] == (
        "d’après la source citée (un répertoire géographique ou une encyclopédie)"
    )
    assert french["Severna Mitrovica / Mitrovica e Veriut"] == (
        "approximative : ses sources ne concordent qu’à peu près"
    )
    assert french["Camp Film City"] == "approximation non vérifiée"
    assert _positions("sr_Cyrl")["Северна Митровица / Mitrovica e Veriut"] == (
        "приближан: извори се слажу само оквирно"
    )


def test_names_of_products_and_camps_stay_in_latin_script_in_serbian_cyrillic() -> None:
    assert basemap_names("sr_Cyrl")["light"] == "Светла (CARTO)"
    camps = json.loads(
        js_literal(reference_payloads(read_map_reference(), "sr_Cyrl")["kfor_sites"].payload[1:-1])
    )
    serbian = translator("sr_Cyrl").gettext("Serbian")
    rows = {f["properties"]["title"]: dict(f["properties"]["rows"]) for f in camps["features"]}
    assert rows["Camp Novo Selo"][serbian] == "Camp Novo Selo"
