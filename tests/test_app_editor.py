"""The editor page under AppTest, on a copy of the store: corrections change only what was edited."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from layers.paths import ROOT, SHIPPED_STORE
from layers.store import read_store
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
    return plain(" | ".join([s.value for s in at.success] + [e.value for e in at.error]))


@pytest.fixture
def shipped_copy(tmp_path: Path) -> Path:
    store = tmp_path / "store"
    shutil.copytree(SHIPPED_STORE, store)
    return store


def test_saving_every_shipped_event_unedited_writes_identical_bytes(
    shipped_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Open each event of every layer in the form and save it untouched: no byte changes."""
    events = read_store(shipped_copy).events
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
        assert f"Saved {event_id}" in messages(at), (event_id, messages(at))
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
    assert "Saved a" in messages(at)
    assert snapshot(store) == before
    at.multiselect(key="actors_a").select("KFOR")
    at.button(key=SAVE).click().run()
    (saved, _) = json.loads((store / "main.geojson").read_text(encoding="utf-8"))["features"]
    assert saved["properties"]["actors"] == ["Srpska lista; its deputies", "Kosovo Police", "KFOR"]
    assert saved["properties"]["tags"] == ["north; Zvečan", "banjska"]
