"""Titles in the reader's language: the translation where the store has one, the recorded title beside it."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from layers.store import read_store
from layers.tables import events_table, geojson_bytes
from layers.titles import shown_titles, title_key
from tests.factories import collection, make_feature, write_json

TITLES = {"fr": "Embuscade à Banjska", "sr_Latn": "Zaseda kod Banjske, Ljubovija", "en": "Ambush at Banjska"}


@pytest.fixture
def events(tmp_path: Path) -> gpd.GeoDataFrame:
    features = [
        make_feature("translated", title="Zaseda kod Banjske", title_i18n=TITLES, start="2023-09-24"),
        make_feature("plain", title="Protest in Zvečan", start="2023-09-25"),
        make_feature("same", title="KFOR", title_i18n={"fr": "KFOR"}, start="2023-09-26"),
    ]
    return read_store(write_json(tmp_path / "s.geojson", collection(*features))).events


@pytest.mark.parametrize(
    ("lang", "shown"),
    [
        ("en", "Ambush at Banjska"),
        ("fr", "Embuscade à Banjska"),
        ("sr_Latn", "Zaseda kod Banjske, Ljubovija"),
        ("sr_Cyrl", "Заседа код Бањске, Љубовија"),  # the Latin translation, transliterated
        ("sq", "Zaseda kod Banjske"),  # none in Albanian: the title as recorded, and nothing else
    ],
)
def test_each_language_reads_its_translation_and_keeps_the_recorded_title(
    events: gpd.GeoDataFrame, lang: str, shown: str
) -> None:
    titles, recorded = shown_titles(events, lang)
    assert titles.dtype == "string" and recorded.dtype == "string"
    assert list(titles.index) == list(events.index)
    assert titles.iloc[0] == shown
    expected = pd.NA if lang == "sq" else "Zaseda kod Banjske"
    assert recorded.iloc[0] is expected or recorded.iloc[0] == expected
    # Without a translation, or with one that reads as the title, no "original" is offered.
    assert list(titles.iloc[1:]) == ["Protest in Zvečan", "KFOR"] and recorded.iloc[1:].isna().all()


def test_a_frame_without_translations_shows_its_titles(events: gpd.GeoDataFrame) -> None:
    titles, recorded = shown_titles(events.drop(columns=["title_i18n"]), "fr")
    assert list(titles) == list(events["title"]) and recorded.isna().all()
    empty, none = shown_titles(events.iloc[:0], "fr")
    assert empty.empty and none.empty


def test_the_title_keys_of_each_interface_language() -> None:
    assert [title_key(lang) for lang in ("en", "fr", "sr_Latn", "sr_Cyrl", "sq", "sr-Cyrl-RS")] == [
        "en",
        "fr",
        "sr_Latn",
        "sr_Latn",
        "sq",
        "sr_Latn",
    ]
    with pytest.raises(ValueError, match="unknown language 'de'"):
        title_key("de")


def test_the_readers_table_shows_the_translation_beside_the_recorded_title(events: gpd.GeoDataFrame) -> None:
    table = events_table(events, lang="fr", labels=True)
    assert list(table.columns[4:6]) == ["title", "original_title"]
    row = table.set_index("id").loc["translated"]
    assert (row["title"], row["original_title"]) == ("Embuscade à Banjska", "Zaseda kod Banjske")
    assert pd.isna(table.set_index("id").loc["plain", "original_title"])
    # Nothing shown translated: no column of originals.
    assert "original_title" not in events_table(events, lang="sq", labels=True).columns
    # A file (the CSV) reads the same whoever made it: titles as recorded, no translations.
    file_table = events_table(events, lang="fr")
    assert "original_title" not in file_table.columns
    assert file_table.set_index("id").loc["translated", "title"] == "Zaseda kod Banjske"


def test_the_geojson_download_keeps_the_translations_as_stored(events: gpd.GeoDataFrame) -> None:
    features = json.loads(geojson_bytes(events))["features"]
    assert [f["properties"].get("title_i18n") for f in features] == [TITLES, None, {"fr": "KFOR"}]
    assert features[0]["properties"]["title"] == "Zaseda kod Banjske"
