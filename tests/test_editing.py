"""The editor's form becomes a valid feature; corrections keep what the form does not show."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from layers.editing import (
    EventForm,
    FormError,
    edited_feature,
    editing_enabled,
    feature_from_form,
    form_from_event,
    slug_id,
)
from layers.paths import SHIPPED_STORE
from layers.store import StoreError, read_store, save_event
from layers.validate import check_feature
from tests.factories import SOURCE, collection, make_feature, write_json


def _form(**changes: object) -> EventForm:
    values: dict[str, object] = {
        "id": "2023-09-24-test",
        "layer": "incident",
        "category": "armed_clash",
        "title": "Test",
        "summary": "",
        "start": date(2023, 9, 24),
        "location": "Banjska / Banjskë",
        "side": "XK",
        "lon": 20.7825,
        "lat": 42.97139,
        "sources": [dict(SOURCE)],
    }
    values.update(changes)
    return EventForm(**values)  # type: ignore[arg-type]


def test_setting_is_off_unless_turned_on() -> None:
    assert not editing_enabled({})
    assert not editing_enabled({"BORDERMON_EDITING": "0"})
    assert editing_enabled({"BORDERMON_EDITING": "1"}) and editing_enabled({"BORDERMON_EDITING": "yes"})


def test_slug_ids_are_readable_and_unused() -> None:
    assert (
        slug_id("Siege of Banjska Monastery!", date(2023, 9, 24)) == "2023-09-24-siege-of-banjska-monastery"
    )
    assert slug_id("Zvečan clashes", date(2023, 5, 29), taken=["2023-05-29-zvecan-clashes"]) == (
        "2023-05-29-zvecan-clashes-2"
    )


def test_form_gives_a_valid_feature() -> None:
    feature = feature_from_form(
        _form(
            start_time="02:30", time_precision="hour", fatalities=(3, 5), injured=(2, None), actors=["A", " "]
        )
    )
    checked, problems = check_feature(feature)
    assert checked is not None, [str(p) for p in problems]
    props = feature["properties"]
    assert props["start"] == "2023-09-24T02:30:00+02:00"
    assert props["fatalities"] == {"min": 3, "max": 5} and props["injured"] == 2
    assert props["actors"] == ["A"]


def test_a_form_without_sources_is_refused_by_the_store(tmp_path: Path) -> None:
    checked, problems = check_feature(feature_from_form(_form(sources=[{"url": " ", "title": None}])))
    assert checked is None and any(p.field == "properties.sources" for p in problems)


def test_correcting_every_shipped_event_unchanged_changes_no_byte(tmp_path: Path) -> None:
    """Round trip through the form keeps areas, extension fields and every value."""
    store_dir = tmp_path / "store"
    for file in SHIPPED_STORE.glob("*.geojson"):
        (store_dir / file.name).parent.mkdir(parents=True, exist_ok=True)
        (store_dir / file.name).write_bytes(file.read_bytes())
    before = {p.name: p.read_bytes() for p in store_dir.glob("*.geojson")}
    for file in store_dir.glob("*.geojson"):
        for feature in json.loads(file.read_text(encoding="utf-8"))["features"]:
            save_event(feature_from_form(form_from_event(feature)), store_dir, update=True)
    assert {p.name: p.read_bytes() for p in store_dir.glob("*.geojson")} == before


def test_correction_through_the_form_is_saved(tmp_path: Path) -> None:
    root = tmp_path / "store"
    write_json(root / "main.geojson", collection(make_feature("a")))
    form = form_from_event(json.loads((root / "main.geojson").read_text(encoding="utf-8"))["features"][0])
    form.title = "Corrected title"
    form.injured = (1, 4)
    save_event(feature_from_form(form), root, update=True)
    event = read_store(root).events.iloc[0]
    assert event["title"] == "Corrected title" and (event["injured_min"], event["injured_max"]) == (1, 4)


@pytest.mark.parametrize(
    ("typed", "field"), [("25:99", "start_time"), ("noon", "start_time"), ("24:00", "end_time")]
)
def test_a_time_of_day_that_is_not_one_is_a_form_error(typed: str, field: str) -> None:
    with pytest.raises(FormError) as caught:
        feature_from_form(_form(**{field: typed, "end": date(2023, 9, 25)}))
    assert caught.value.field == ("Start time" if field == "start_time" else "End time")
    assert repr(typed) in caught.value.reason and "HH:MM" in caught.value.reason


def test_times_of_day_keep_their_seconds() -> None:
    feature = feature_from_form(_form(start_time="2:05:09"))
    assert feature["properties"]["start"] == "2023-09-24T02:05:09+02:00"
    assert form_from_event(feature).start_time == "02:05:09"


def test_an_edit_changes_only_what_the_form_changed() -> None:
    source = {**SOURCE, "original_publisher": "Wire", "dataset_id": "ACLED-1"}
    stored = make_feature("a", sources=[source], x_kept=[1, 2], start="2023-09-24T02:30:00+02:00")
    form = form_from_event(stored)
    assert edited_feature(stored, form) == stored
    form.summary = "New summary."
    edited = edited_feature(stored, form)
    assert edited["properties"] == {**stored["properties"], "summary": "New summary."}
    assert edited["geometry"] == stored["geometry"]


def test_an_update_keeps_the_layer_unless_asked_to_move_it(tmp_path: Path) -> None:
    root = tmp_path / "store"
    path = write_json(root / "main.geojson", collection(make_feature("a")))
    before = path.read_bytes()
    moved = make_feature("a", layer="kfor", category="installation")
    with pytest.raises(StoreError, match="keeps the layer"):
        save_event(moved, root, update=True)
    assert path.read_bytes() == before
    save_event(moved, root, update=True, change_layer=True)
    assert read_store(root).events["layer"].tolist() == ["kfor"]


def test_title_translations_go_through_the_form_key_by_key() -> None:
    titles = {"fr": "Attaque à Banjska", "sr_Latn": "Napad u Banjskoj", "sq": "Sulm në Banjskë"}
    stored = make_feature("a", title_i18n=dict(titles))
    form = form_from_event(stored)
    assert form.title_i18n == titles
    assert edited_feature(stored, form) == stored  # unedited: unchanged
    form.title_i18n = {**titles, "sr_Latn": "  ", "en": ""}  # one emptied, one left empty
    edited = edited_feature(stored, form)
    assert edited["properties"]["title_i18n"] == {"fr": "Attaque à Banjska", "sq": "Sulm në Banjskë"}
    assert {k: v for k, v in edited["properties"].items() if k != "title_i18n"} == {
        k: v for k, v in stored["properties"].items() if k != "title_i18n"
    }
    form.title_i18n = {"fr": " Attaque corrigée ", "sq": "Sulm në Banjskë"}
    assert edited_feature(stored, form)["properties"]["title_i18n"] == {
        "fr": "Attaque corrigée",
        "sq": "Sulm në Banjskë",
    }
    form.title_i18n = dict.fromkeys(titles, "")
    assert "title_i18n" not in edited_feature(stored, form)["properties"]  # all removed: the field goes


def test_a_form_without_translations_writes_no_title_i18n() -> None:
    assert "title_i18n" not in feature_from_form(_form())["properties"]
    assert "title_i18n" not in feature_from_form(_form(title_i18n={"fr": "", "sq": " "}))["properties"]
    feature = feature_from_form(_form(title_i18n={"fr": "Essai"}))
    assert feature["properties"]["title_i18n"] == {"fr": "Essai"}
    assert check_feature(feature)[0] is not None
