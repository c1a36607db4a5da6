"""The dashboard under Streamlit's AppTest: every page, filters, shared URLs, selection, downloads."""

from __future__ import annotations

import csv
import io
import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pandas as pd
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from dashboard.mapscript import script_of
from layers.filters import Filters, filter_events, source_table
from layers.paths import ROOT, SHIPPED_STORE
from layers.record_state import today as record_state_today
from layers.store import read_store
from layers.views import parse_view
from tests.factories import collection, make_feature, write_json

APP = str(ROOT / "dashboard" / "app.py")
EVENTS = read_store(SHIPPED_STORE).events
SIEGE = "2023-09-24-banjska-monastery-siege"
SIEGE_TITLE = str(EVENTS.set_index("id").loc[SIEGE, "title"])
TIMEOUT = 60


def page(name: str) -> AppTest:
    """One page of the app on its own (the pages are functions behind st.navigation)."""
    script = (
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\n"
        f"from dashboard.views import {name}\n{name}.render()\n"
    )
    return AppTest.from_string(script, default_timeout=TIMEOUT)


def app(**params: str | list[str]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in params.items():
        at.query_params[key] = value
    return at.run()


def shown_count(at: AppTest) -> tuple[int, int]:
    text = next(m.value for m in at.markdown if m.value.startswith("Showing"))
    numbers = [int(part.strip("*")) for part in text.split() if part.strip("*").isdigit()]
    return numbers[0], numbers[1]


def table_ids(at: AppTest) -> list[str]:
    return list(at.dataframe[0].value["id"])


def unescape(markdown: str) -> str:
    """Markdown as it reads: the app escapes every special character of store and URL text."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")


def by_date(events: pd.DataFrame) -> list[str]:
    """Ids in the order of the event table: by start, then id."""
    return list(events.sort_values(["start", "id"], kind="stable")["id"])


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.fixture
def media() -> Iterator[list[MediaFileManager]]:
    """Keep the media managers AppTest creates, to run what a download button offers."""
    import streamlit.testing.v1.app_test as app_test

    made: list[MediaFileManager] = []
    original = app_test.MediaFileManager

    class Recording(original):  # type: ignore[misc, valid-type]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            made.append(self)

    app_test.MediaFileManager = Recording
    try:
        yield made
    finally:
        app_test.MediaFileManager = original


def download(at: AppTest, managers: list[MediaFileManager], label: str) -> bytes:
    """What clicking a download button gives: its file is built on demand, as the server does."""
    button = next(b for b in at.get("download_button") if b.proto.label == label)
    manager = managers[-1]
    url = manager.execute_deferred(button.proto.deferred_file_id)
    return bytes(manager.read_file(url.rsplit("/", 1)[-1].split(".")[0]).content)


# --------------------------------------------------------------------------- pages


def test_main_page_runs_and_counts_the_store() -> None:
    at = app()
    assert not at.exception
    assert shown_count(at) == (len(EVENTS), len(EVENTS))
    assert table_ids(at) == by_date(EVENTS)
    assert metrics(at)["Incidents"] == str((EVENTS["layer"] == "incident").sum())


@pytest.mark.parametrize("name", ["overview", "analysis", "methodology", "editor"])
def test_every_page_runs_without_exception(name: str) -> None:
    at = page(name).run()
    assert not at.exception, at.exception


def test_methodology_page_shows_definitions_and_the_validation_report() -> None:
    at = page("methodology").run()
    text = " ".join(m.value for m in at.markdown)
    for words in ("administrative boundary line", "claimed", "approximate", "How to cite a view", "ODbL"):
        assert words in text
    assert any("passed validation" in s.value for s in at.success)


def test_methodology_has_contents_and_names_the_store_without_a_path() -> None:
    at = page("methodology").run()
    contents = next(m.value for m in at.markdown if m.value.startswith("**Contents**"))
    targets = re.findall(r"\]\(#([a-z0-9-]+)\)", contents)
    anchors = [h.proto.anchor for h in [*at.header, *at.subheader]]
    assert len(targets) >= 15 and set(targets) <= set(anchors)
    assert {"confidence", "how-to-cite-a-view", "the-escalation-indicator"} <= set(targets)
    assert targets[-1] == "validation-report-of-this-store"
    shown = [e.value for kind in ("markdown", "caption", "header", "subheader") for e in getattr(at, kind)]
    assert "Store: geodata/events" in [unescape(c.value) for c in at.caption]
    assert not any(str(ROOT) in text for text in shown)


def test_analysis_page_shows_measures_and_the_indicator() -> None:
    at = page("analysis").run()
    headers = [h.value for h in at.header]
    assert "Escalation indicator" in headers and "Distance to the Kosovo–Serbia boundary" in headers
    measures = at.dataframe[1].value
    assert SIEGE_TITLE in list(measures.iloc[:, 0])
    (band_map,) = at.get("component_instance")
    script = script_of(json.loads(band_map.proto.json_args))
    assert "distance to the Kosovo–Serbia boundary (UTM 34N)" in json.loads(json.dumps(script))


def test_pages_use_the_current_width_api() -> None:
    """No deprecation warning (``use_container_width``) on any page's render."""
    logged: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = logged.append  # type: ignore[method-assign]
    logger = logging.getLogger("streamlit.deprecation_util")
    logger.addHandler(handler)
    try:
        for name in ("overview", "analysis", "methodology"):
            assert not page(name).run().exception
    finally:
        logger.removeHandler(handler)
    assert [record.getMessage()[:120] for record in logged] == []


def test_main_map_returns_only_clicks() -> None:
    """Panning and zooming must not rerun the script: only the clicked event comes back."""
    (the_map,) = app().get("component_instance")
    args = json.loads(the_map.proto.json_args)
    assert args["returned_objects"] == ["last_object_clicked_tooltip"]
    assert "distance to the Kosovo–Serbia boundary (UTM 34N)" not in script_of(args)  # colours by category


# --------------------------------------------------------------------------- filters


def test_changing_filters_changes_count_figures_and_table_consistently() -> None:
    at = app()
    at.multiselect(key="categories").set_value(["crossing_closure", "crossing_reopening"]).run()
    expected = filter_events(EVENTS, Filters(categories=("crossing_closure", "crossing_reopening")))
    assert shown_count(at) == (len(expected), len(EVENTS))
    assert table_ids(at) == by_date(expected)
    assert metrics(at)["Incidents"] == str(len(expected))
    assert metrics(at)["Fatalities"] == "0"
    assert at.query_params["cat"] == "crossing_closure,crossing_reopening"

    at.text_input(key="q").set_value("Jarinje reopens").run()
    searched = filter_events(
        EVENTS, Filters(categories=("crossing_closure", "crossing_reopening"), text="Jarinje reopens")
    )
    assert table_ids(at) == by_date(searched)
    assert "2023-10-18-jarinje-crossing-reopening" in table_ids(at) and len(searched) < len(expected)


def test_the_deployment_figure_says_which_day_it_counts() -> None:
    at = app(preset="sep-oct-2023", as_of="2023-10-01")
    assert "Deployments active" in metrics(at)
    assert "on 1 Oct 2023" in [c.value for c in at.caption]
    days = [c.value for c in app(preset="sep-oct-2023").caption if c.value.startswith("on ")]
    assert len(days) == 1 and re.fullmatch(r"on \d{1,2} [A-Z][a-z]{2} 2023", days[0])


def test_source_and_casualty_filters_in_the_sidebar_select_and_reach_the_url() -> None:
    at = app()
    box = next(e for e in at.sidebar.expander if e.label == "Sources and casualties")
    assert box.proto.expanded is False  # folded while unused: the sidebar stays short
    at.multiselect(key="languages").set_value(["en"]).run()
    english = filter_events(EVENTS, Filters(languages=("en",)))
    assert 0 < len(english) < len(EVENTS)
    assert shown_count(at) == (len(english), len(EVENTS)) and table_ids(at) == by_date(english)
    at.number_input(key="min_killed").set_value(1).run()
    killed = filter_events(EVENTS, Filters(languages=("en",), min_killed=1))
    assert 0 < len(killed) < len(english) and table_ids(at) == by_date(killed)
    # A publisher and kind one English source of a killed event has: the view keeps that event.
    first = source_table(killed).query("language == 'en'").iloc[0]
    publisher, kind = str(first["publisher"]), str(first["kind"])
    at.multiselect(key="publisher_kinds").set_value([kind]).run()
    at.number_input(key="min_injured").set_value(1).run()
    at.multiselect(key="publishers").set_value([publisher]).run()
    chosen = Filters(
        publishers=(publisher,), publisher_kinds=(kind,), languages=("en",), min_killed=1, min_injured=1
    )
    shown = filter_events(EVENTS, chosen)
    assert len(shown) > 0 and table_ids(at) == by_date(shown)
    expected = {"pub": publisher, "kind": kind, "lang_src": "en", "killed": "1", "injured": "1"}
    assert {k: at.query_params[k] for k in expected} == expected


def test_a_url_with_source_and_casualty_filters_opens_them_unfolded() -> None:
    at = app(lang_src="sr", injured="10", kind="blog")
    view = parse_view({"lang_src": ["sr"], "injured": ["10"]}, EVENTS)
    expected = filter_events(EVENTS, view.filters)
    assert len(expected) > 0 and table_ids(at) == by_date(expected)
    assert at.multiselect(key="languages").value == ["sr"] and at.number_input(key="min_injured").value == 10
    assert next(e for e in at.sidebar.expander if e.label == "Sources and casualties").proto.expanded
    assert "publisher kind: blog" in unescape(" ".join(w.value for w in at.warning))


def test_time_window_preset_changes_the_count() -> None:
    at = app()
    at.selectbox(key="preset").set_value("sep-oct-2023").run()
    view = parse_view({"preset": ["sep-oct-2023"]}, EVENTS)
    assert shown_count(at)[0] == len(filter_events(EVENTS, view.filters)) < len(EVENTS)


# --------------------------------------------------------------------------- URLs


def test_a_shared_url_restores_the_same_view() -> None:
    params = {"preset": "sep-oct-2023", "layers": "incident", "conf": "confirmed", "q": "banjska"}
    at = app(**params)
    view = parse_view({k: [v] for k, v in params.items()}, EVENTS)
    expected = filter_events(EVENTS, view.filters)
    assert shown_count(at)[0] == len(expected) > 0
    assert table_ids(at) == by_date(expected)
    assert at.selectbox(key="preset").value == "sep-oct-2023"
    assert not at.checkbox(key="layer_kfor").value and at.checkbox(key="layer_incident").value
    assert at.multiselect(key="confidences").value == ["confirmed"]
    assert {k: at.query_params[k] for k in params} == params


def _charts(at: AppTest) -> list[dict[str, Any]]:
    """The Vega-Lite specs of the page's charts, in order."""
    return [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]


def _titles(spec: dict[str, Any]) -> list[str]:
    layers = spec.get("layer", [spec])
    return [layer["encoding"]["y"].get("title", "") for layer in layers if "y" in layer.get("encoding", {})]


def test_the_weekly_charts_are_drawn_only_when_opened_and_the_link_keeps_them_open() -> None:
    at = app(preset="sep-oct-2023")
    panel = at.expander[0]
    assert panel.label.startswith("Weekly charts")
    assert not panel.children  # closed: nothing drawn (and nothing sent) for them
    assert len(_charts(at)) == 1  # the timeline above the map's table
    at.session_state["charts"] = True  # the reader opens the panel
    at.run()
    assert at.query_params["charts"] == "weekly"
    inside = [json.loads(c.proto.spec) for c in at.expander[0].get("vega_lite_chart")]
    titles = [_titles(spec)[0] for spec in inside]
    assert titles == ["events starting that week", "people: solid = low, light = high"]
    shared = app(preset="sep-oct-2023", charts="weekly")  # the link, opened by someone else
    assert shared.session_state["charts"] is True
    assert [_titles(s) for s in _charts(shared)[1:]] == [_titles(s) for s in inside]
    at.session_state["charts"] = False  # closed again: the link loses it
    at.run()
    assert "charts" not in at.query_params and not at.expander[0].children


def test_the_page_links_carry_the_view() -> None:
    """Each page link holds the view as it now is, so a page change is one history entry."""
    at = app(preset="sep-oct-2023", layers="incident", actor=["KFOR", "Kosovo Police"])
    links = at.get("page_link")
    assert [link.proto.page for link in links] == ["", "analysis", "methodology"]
    wanted = {"preset": ["sep-oct-2023"], "layers": ["incident"], "actor": ["KFOR", "Kosovo Police"]}
    assert all(parse_qs(link.proto.query_string) == wanted for link in links)
    at.checkbox(key="layer_kfor").check().run()
    wanted["layers"] = ["incident,kfor"]
    assert all(parse_qs(link.proto.query_string) == wanted for link in at.get("page_link"))


def test_bad_url_parameters_get_notices_and_defaults() -> None:
    at = app(start="2023-99-01", layers="tanks", event="no-such-event", conf="sure")
    assert not at.exception
    warnings = unescape(" ".join(w.value for w in at.warning))
    assert "start='2023-99-01'" in warnings and "tanks" in warnings and "no-such-event" in warnings
    assert shown_count(at)[0] == len(EVENTS)  # no known layer asked for: the default, all layers
    assert at.checkbox(key="layer_incident").value is True


def test_url_notices_stay_until_the_reader_changes_the_view() -> None:
    """A rerun that keeps the view (a click on the map, a row) must not drop the notices.

    Dropping them moved everything below up by their height, the map too, under the
    reader's pointer; they go when the reader makes the view their own.
    """

    def url_notices(at: AppTest) -> str:
        return unescape(" ".join(w.value for w in at.warning))

    at = app(bogus="1", confidence="confirmed", layers="foo")
    first = url_notices(at)
    assert "'bogus'" in first and "'confidence'" in first and "foo" in first
    assert len(at.warning) == 1  # one box, a line each, so the map does not move far down
    at.run()  # what a map click or a table row does, with the selection aside
    assert url_notices(at) == first
    at.session_state["selected"] = SIEGE
    at.run()
    assert url_notices(at) == first and at.query_params["event"] == SIEGE
    at.checkbox(key="layer_kfor").uncheck().run()
    assert "bogus" not in url_notices(at) and "foo" not in url_notices(at)


@pytest.mark.parametrize("key", ["as_of", "start", "end"])
def test_a_day_beyond_any_store_is_a_notice_not_a_traceback(key: str) -> None:
    at = app(**{key: "9999-12-31", "layers": "incident"})
    assert not at.exception, at.exception
    warnings = unescape(" ".join(w.value for w in at.warning))
    assert "9999" in warnings and "outside the dates" in warnings
    assert at.checkbox(key="layer_incident").value and not at.checkbox(key="layer_kfor").value


def test_set_aside_records_are_counted_on_every_page_without_a_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "store"
    bad = make_feature("bad")
    del bad["properties"]["sources"]
    write_json(store / "good.geojson", collection(make_feature("good"), bad))
    (store / "broken.geojson").write_text("{oops", encoding="utf-8")
    monkeypatch.setenv("BORDERMON_STORE", str(store))
    for name in ("overview", "analysis", "editor", "methodology"):
        at = page(name).run()
        assert not at.exception, (name, at.exception)
        shown = [
            e.value for kind in ("warning", "error", "info", "caption", "markdown") for e in getattr(at, kind)
        ]
        assert all(str(tmp_path) not in text for text in shown), name
        if name != "methodology":
            assert any("1 record and 1 unreadable file of the store" in text for text in shown), name


# --------------------------------------------------------------------------- selection


def test_a_selected_event_shows_every_source_and_its_linked_events() -> None:
    event_id = "2023-09-24-banjska-ambush"
    at = app(event=event_id)
    event = EVENTS.set_index("id").loc[event_id]
    text = " ".join(m.value for m in at.markdown)
    for source in event["sources"]:
        assert source["url"].replace("(", "%28").replace(")", "%29") in text
    assert "Distance to the boundary:** 11\\.2 km inside Kosovo \\(from 10\\.2 km inside Kosovo" in text
    assert "Nearest crossing:** Brnjak / Bërnjak, 19\\.0 km" in text
    linked = [b for b in at.button if SIEGE_TITLE in b.label]
    assert len(linked) == 1
    linked[0].click().run()
    assert at.query_params["event"] == SIEGE


# --------------------------------------------------------------------------- downloads


def test_downloads_hold_exactly_the_filtered_events(media: list[MediaFileManager]) -> None:
    at = app(preset="sep-oct-2023", layers="incident")
    view = parse_view({"preset": ["sep-oct-2023"], "layers": ["incident"]}, EVENTS)
    expected = list(filter_events(EVENTS, view.filters)["id"])
    geojson = json.loads(download(at, media, "GeoJSON"))
    assert [f["id"] for f in geojson["features"]] == expected
    assert "distance_to_boundary_km" in geojson["features"][0]["properties"]["x_measures"]
    rows = list(csv.DictReader(io.StringIO(download(at, media, "CSV").decode("utf-8-sig"))))
    assert [r["id"] for r in rows] == by_date(filter_events(EVENTS, view.filters))  # the table, in time order


def test_the_main_page_says_how_current_the_record_is() -> None:
    at = app()
    newest = max(stamp.date() for stamp in [*EVENTS["start"], *EVENTS["end"].dropna()])
    days = (record_state_today() - newest).days
    caption = next(c.value for c in at.caption if "Data up to" in c.value).replace(
        "\\", ""
    )  # markdown-escaped
    assert f"({days} days ago)" in caption and "drawn from the curated record" in caption


def test_picture_downloads_are_the_view_as_png_and_pdf(media: list[MediaFileManager]) -> None:
    at = app(preset="sep-oct-2023", layers="incident")
    png = download(at, media, "PNG picture")
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 50_000
    assert download(at, media, "PDF picture").startswith(b"%PDF-")


def test_csv_download_neutralises_formulas(
    media: list[MediaFileManager], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hostile = make_feature("evil", title="=cmd|' /C calc'!A0", summary="@SUM(1+1)")
    hostile["properties"]["actors"] = ["+danger", "-minus"]
    monkeypatch.setenv(
        "BORDERMON_STORE", str(write_json(tmp_path / "s" / "e.geojson", collection(hostile)).parent)
    )
    at = app()
    row = next(csv.DictReader(io.StringIO(download(at, media, "CSV").decode("utf-8-sig"))))
    assert row["title"] == "'=cmd|' /C calc'!A0"
    assert row["summary"] == "'@SUM(1+1)"
    assert row["actors"] == "'+danger; -minus"


# --------------------------------------------------------------------------- robustness


def test_a_broken_store_file_shows_the_report_and_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "store"
    write_json(store / "good.geojson", collection(make_feature("good")))
    (store / "broken.geojson").write_text("{oops", encoding="utf-8")
    monkeypatch.setenv("BORDERMON_STORE", str(store))
    at = app()
    assert not at.exception
    assert shown_count(at) == (1, 1)
    methodology = page("methodology").run()
    problems = methodology.dataframe[0].value
    assert list(problems["file"]) == ["broken.geojson"] and "invalid JSON" in problems["reason"].iloc[0]


def test_a_missing_store_is_a_message_not_an_exception(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BORDERMON_STORE", str(tmp_path / "nowhere"))
    for at in (app(), page("analysis").run(), page("methodology").run(), page("editor").run()):
        assert not at.exception
        assert "No event store at" in at.error[0].value and "BORDERMON_STORE" in at.error[0].value
        assert str(tmp_path) not in at.error[0].value  # a visitor is never shown a server path


def test_an_edited_store_shows_up_without_a_restart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = tmp_path / "store"
    path = write_json(store / "e.geojson", collection(make_feature("a")))
    monkeypatch.setenv("BORDERMON_STORE", str(store))
    assert shown_count(app()) == (1, 1)
    write_json(path, collection(make_feature("a"), make_feature("b")))
    assert shown_count(app()) == (2, 2)


@pytest.mark.parametrize(("setting", "has_editor"), [(None, False), ("0", False), ("1", True)])
def test_the_editor_page_exists_only_where_editing_is_enabled(
    setting: str | None, has_editor: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if setting is None:
        monkeypatch.delenv("BORDERMON_EDITING", raising=False)
    else:
        monkeypatch.setenv("BORDERMON_EDITING", setting)
    at = app()
    # The pages st.navigation registered (AppTest keeps them; the browser test reads the sidebar).
    names = [p["page_name"] for p in at._registered_pages.values()]
    assert names == ["Map and events", "Analysis", *(["Editor"] if has_editor else []), "Methodology"]


def test_editor_is_off_by_default_and_says_how_to_enable_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BORDERMON_EDITING", raising=False)
    at = page("editor").run()
    assert "BORDERMON_EDITING=1" in at.info[0].value


def test_editor_imports_an_upload_after_a_dry_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Upload an ACLED export: the dry-run report first, nothing written, then Import writes."""
    store = tmp_path / "store"
    write_json(store / "main.geojson", collection(make_feature("a")))
    monkeypatch.setenv("BORDERMON_STORE", str(store))
    monkeypatch.setenv("BORDERMON_EDITING", "1")
    upload = ROOT / "tests" / "data" / "acled" / "current-layout.csv"
    at = page("editor").run()
    assert not at.exception
    before = sorted(p.name for p in store.rglob("*.geojson"))
    at.get("file_uploader")[0].upload(upload.name, upload.read_bytes(), "text/csv")
    at.run()
    assert not at.exception
    numbers = {m.label: m.value for m in at.metric}
    assert int(numbers["rows read"]) > 0 and int(numbers["new events"]) > 0
    assert any("rows read" in c.value for c in at.code)
    assert sorted(p.name for p in store.rglob("*.geojson")) == before  # a dry run writes nothing
    at.button(key="import_apply").click().run()
    assert any("Imported" in s.value for s in at.success), [e.value for e in at.error]
    assert len(read_store(store).events) == 1 + int(numbers["new events"])


def test_editor_form_corrects_an_event_and_refuses_one_without_sources(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "store"
    write_json(store / "main.geojson", collection(make_feature("a")))
    monkeypatch.setenv("BORDERMON_STORE", str(store))
    monkeypatch.setenv("BORDERMON_EDITING", "1")
    at = page("editor").run()
    at.selectbox(key="editor_event").set_value("a").run()
    at.text_input(key="title_a").set_value("Corrected title")
    at.button(key="FormSubmitter:event-Save").click().run()
    assert any("Saved a" in s.value for s in at.success), [e.value for e in at.error]
    assert read_store(store).events["title"].tolist() == ["Corrected title"]

    at.selectbox(key="editor_event").set_value("— a new event —").run()
    at.text_input(key="title_— a new event —").set_value("No sources given")
    at.button(key="FormSubmitter:event-Save").click().run()
    assert any("Not saved" in e.value for e in at.error)
    assert len(read_store(store).events) == 1
