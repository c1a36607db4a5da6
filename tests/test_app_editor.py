"""The editor page under AppTest, on a copy of the store: corrections change only what was edited."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from layers.paths import ROOT, SHIPPED_STORE
from layers.store import canonical_feature, dumps_collection, read_store
from tests.factories import SOURCE, collection, make_feature, write_json

SAVE = "FormSubmitter:event-Save"
SCRIPT = (
    f"import sys\nsys.path.insert(0, {str(ROOT)!r})\nfrom dashboard.views import editor\neditor.render()\n"
)


def editor(store: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("BORDERMON_STORE", str(store))
    monkeypatch.setenv("BORDERMON_EDITING", "1")
    at = AppTest.from_string(SCRIPT, default_timeout=60).run()
    assert not at.exception, at.exception
    return at


def snapshot(store: Path) -> dict[str, bytes]:
    return {p.relative_to(store).as_posix(): p.read_bytes() for p in sorted(store.rglob("*.geojson"))}


def pick(at: AppTest, event_id: str) -> AppTest:
    at.selectbox(key="editor_event").set_value(event_id).run()
    assert not at.exception, at.exception
    return at


def plain(markdown: str) -> str:
    """Markdown as it reads: the app escapes every special character of store and user text."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")


def messages(at: AppTest) -> str:
    return plain(
        " | ".join([s.value for s in at.success] + [i.value for i in at.info] + [e.value for e in at.error])
    )


@pytest.fixture
def shipped_copy(tmp_path: Path) -> Path:
    store = tmp_path / "store"
    shutil.copytree(SHIPPED_STORE, store)
    return store


#: Translations of a title, made up for the tests (the shipped record has none).
TITLES = {"fr": "Titre en français", "sr_Latn": "Naslov na srpskom", "sq": "Titulli në shqip"}


def write_canonical(path: Path, features: list[dict[str, Any]], meta: dict[str, Any] | None = None) -> None:
    """Write features as the store writes them, so that an unedited save can change no byte."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dumps_collection([canonical_feature(f) for f in features], meta), encoding="utf-8")


def translate_first_of_each_file(store: Path) -> list[str]:
    """Give the first event of every collection file translations of its title (a test store)."""
    translated = []
    for file in sorted(store.glob("*.geojson")):
        data = json.loads(file.read_text(encoding="utf-8"))
        first = data["features"][0]
        first["properties"]["title_i18n"] = dict(TITLES)
        write_canonical(file, data["features"], data["bordermon"])
        translated.append(first["id"])
    return translated


def test_saving_every_shipped_event_unedited_writes_identical_bytes(
    shipped_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Open each event of every layer in the form and save it untouched: no byte changes.

    The store writes nothing when an update is the event it holds, so any field the form
    loses or alters on the way makes a write, and the bytes differ.

    The copy also translates the title of the first event of each file, so that events
    with and without ``title_i18n`` both go through the form.
    """
    translated = translate_first_of_each_file(shipped_copy)
    events = read_store(shipped_copy).events
    assert sorted(events.loc[events["title_i18n"].map(bool), "id"]) == sorted(translated)
    # The store holds every kind the form must carry through unchanged.
    assert set(events["layer"]) == {"incident", "deployment", "kfor"}
    assert events.geometry.isna().any() and (events.geometry.geom_type == "Polygon").any()
    assert (events["injured_min"] != events["injured_max"]).any()  # a {min, max} count range
    assert events["disputes"].map(bool).any() and events["extensions"].map(bool).any()
    assert events["sources"].map(lambda items: any("original_publisher" in s for s in items)).sum() >= 10
    before = snapshot(shipped_copy)
    at = editor(shipped_copy, monkeypatch)
    for event_id in events["id"]:
        pick(at, event_id).button(key=SAVE).click().run()
        assert not at.exception, (event_id, at.exception)
        assert f"Nothing changed in {event_id}:" in messages(at), (event_id, messages(at))
        changed = [name for name, data in snapshot(shipped_copy).items() if data != before[name]]
        assert changed == [], f"saving {event_id} unedited changed {changed}"


def test_a_deployment_keeps_its_layer_and_category_in_the_form(
    shipped_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = pick(editor(shipped_copy, monkeypatch), "kfor-installation-camp-bondsteel")
    assert at.selectbox(key="layer_kfor-installation-camp-bondsteel").value == "kfor"
    assert at.selectbox(key="category_kfor-installation-camp-bondsteel").value == "installation"
    at.text_input(key="title_kfor-installation-camp-bondsteel").set_value("Camp Bondsteel (corrected)")
    at.button(key=SAVE).click().run()
    event = read_store(shipped_copy).events.set_index("id").loc["kfor-installation-camp-bondsteel"]
    assert (event["layer"], event["category"], event["title"]) == (
        "kfor",
        "installation",
        "Camp Bondsteel (corrected)",
    )


def test_moving_an_event_to_another_layer_needs_the_box_ticked(
    shipped_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    event_id = "2023-09-29-white-house-reports-serbian-buildup"
    before = snapshot(shipped_copy)
    at = pick(editor(shipped_copy, monkeypatch), event_id)
    at.selectbox(key=f"layer_{event_id}").set_value("incident").run()
    at.selectbox(key=f"category_{event_id}").set_value("other")
    at.button(key=SAVE).click().run()
    assert "Not saved" in messages(at) and "keeps the layer" in messages(at)
    assert snapshot(shipped_copy) == before
    at.checkbox(key=f"move_{event_id}").check()
    at.button(key=SAVE).click().run()
    assert not at.exception
    event = read_store(shipped_copy).events.set_index("id").loc[event_id]
    assert (event["layer"], event["category"]) == ("incident", "other")


def test_an_edit_keeps_source_fields_the_form_did_not_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = {**SOURCE, "original_publisher": "Wire Agency", "dataset_id": "ACLED-123"}
    store = tmp_path / "store"
    write_json(store / "main.geojson", collection(make_feature("a", sources=[source], x_note="kept")))
    at = pick(editor(store, monkeypatch), "a")
    at.text_input(key="title_a").set_value("Corrected")
    at.button(key=SAVE).click().run()
    assert "Saved a" in messages(at)
    (feature,) = json.loads((store / "main.geojson").read_text(encoding="utf-8"))["features"]
    assert feature["properties"]["title"] == "Corrected"
    assert feature["properties"]["sources"] == [source]
    assert feature["properties"]["x_note"] == "kept"


@pytest.mark.parametrize("typed", ["25:99", "noon", "12:60", "7"])
def test_a_time_that_is_not_one_is_a_field_error(
    typed: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "store"
    write_json(store / "main.geojson", collection(make_feature("a")))
    before = snapshot(store)
    at = pick(editor(store, monkeypatch), "a")
    at.text_input(key="stime_a").set_value(typed)
    at.button(key=SAVE).click().run()
    assert not at.exception, at.exception
    (error,) = at.error
    assert f"Start time: '{typed}' is not a time of day; use HH:MM" in plain(error.value)
    assert snapshot(store) == before


def test_an_actor_or_tag_with_a_semicolon_survives_a_save_and_a_new_one_is_added(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Names are entries, not text split on a separator: "A; B" stays one actor."""
    store = tmp_path / "store"
    feature = make_feature(
        "a", actors=["Srpska lista; its deputies", "Kosovo Police"], tags=["north; Zvečan", "banjska"]
    )
    write_json(store / "main.geojson", collection(feature, make_feature("b", actors=["KFOR"])))
    before = snapshot(store)
    at = pick(editor(store, monkeypatch), "a")
    assert at.multiselect(key="actors_a").value == ["Srpska lista; its deputies", "Kosovo Police"]
    assert "KFOR" in at.multiselect(key="actors_a").options  # the store's other actors, to pick
    at.button(key=SAVE).click().run()
    assert "Nothing changed in a:" in messages(at)
    assert snapshot(store) == before
    at.multiselect(key="actors_a").select("KFOR")
    at.button(key=SAVE).click().run()
    assert "Saved a in main.geojson." in messages(at)
    (saved, _) = json.loads((store / "main.geojson").read_text(encoding="utf-8"))["features"]
    assert saved["properties"]["actors"] == ["Srpska lista; its deputies", "Kosovo Police", "KFOR"]
    assert saved["properties"]["tags"] == ["north; Zvečan", "banjska"]


def test_the_translations_of_a_title_are_edited_one_language_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "store"
    translated = make_feature("a")
    translated["properties"]["title_i18n"] = dict(TITLES)
    write_canonical(store / "main.geojson", [translated, make_feature("b")])
    before = snapshot(store)
    at = pick(editor(store, monkeypatch), "a")
    assert [at.text_input(key=f"title_i18n_{code}_a").value for code in ("en", "fr", "sr_Latn", "sq")] == [
        "",
        *TITLES.values(),
    ]
    at.button(key=SAVE).click().run()
    assert "Nothing changed in a: main.geojson is left as it was." in messages(at)
    assert snapshot(store) == before
    # Emptying one language removes that key and nothing else.
    at.text_input(key="title_i18n_sr_Latn_a").set_value("")
    at.button(key=SAVE).click().run()
    assert "Saved a" in messages(at), messages(at)
    saved, other = json.loads((store / "main.geojson").read_text(encoding="utf-8"))["features"]
    assert saved["properties"]["title_i18n"] == {"fr": TITLES["fr"], "sq": TITLES["sq"]}
    assert {k: v for k, v in saved["properties"].items() if k != "title_i18n"} == {
        k: v for k, v in translated["properties"].items() if k != "title_i18n"
    }
    assert other == canonical_feature(make_feature("b"))
    # A translation that the store would refuse is named, and nothing is written.
    written = snapshot(store)
    at.text_input(key="title_i18n_en_a").set_value("x" * 301)
    at.button(key=SAVE).click().run()
    listed = plain(" ".join(m.value for m in at.markdown))
    assert "Not saved" in messages(at) and "properties.title_i18n.en: is 301 characters long" in listed
    assert snapshot(store) == written


def test_an_event_given_a_translation_and_then_none_has_no_title_i18n(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "store"
    write_canonical(store / "main.geojson", [make_feature("a")])
    before = snapshot(store)
    at = pick(editor(store, monkeypatch), "a")
    at.text_input(key="title_i18n_fr_a").set_value("Événement d’essai")
    at.button(key=SAVE).click().run()
    (saved,) = json.loads((store / "main.geojson").read_text(encoding="utf-8"))["features"]
    assert saved["properties"]["title_i18n"] == {"fr": "Événement d’essai"}
    at.text_input(key="title_i18n_fr_a").set_value(" ")
    at.button(key=SAVE).click().run()
    assert "Saved a" in messages(at), messages(at)
    assert snapshot(store) == before  # back to the bytes it had: no "title_i18n": {}
    assert "title_i18n" not in (store / "main.geojson").read_text(encoding="utf-8")
