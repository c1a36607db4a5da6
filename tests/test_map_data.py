"""The compact payloads of the map: precision kinds, text tables, sources, escaping."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from layers.mapdata import (
    ORIGIN,
    describe_casualties,
    describe_when,
    encode_events,
    encode_reference,
    js_string,
    mapped_mask,
    severity_classes,
)
from layers.reference import read_gazetteer
from layers.store import empty_events, read_store
from tests.map_factories import HOSTILE, js_literal, write_map_store


@pytest.fixture(scope="module")
def events(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    return read_store(write_map_store(tmp_path_factory.mktemp("store"))).events


def _row(payload: dict, event_id: str) -> int:
    return int(payload["id"].index(event_id))


def _text(payload: dict, column: str, event_id: str) -> str | None:
    index = payload[column][_row(payload, event_id)]
    return None if index < 0 else str(payload["strings"][index])


def test_every_mapped_event_once_and_unmapped_left_out(events: pd.DataFrame) -> None:
    payload = encode_events(events, "incident")
    mapped = events[(events["layer"] == "incident") & mapped_mask(events)]
    assert sorted(payload["id"]) == sorted(mapped["id"])
    assert "inc-none" not in payload["id"]
    n = len(payload["id"])
    for column in ("x", "y", "k", "r", "c", "v", "f", "p", "t", "w", "l", "a", "q", "o", "sn"):
        assert len(payload[column]) == n, column
    assert len(payload["s"]) == sum(payload["sn"])


def test_precision_decides_how_an_event_is_drawn(events: pd.DataFrame) -> None:
    payload = encode_events(events, "incident")
    kind = {i: payload["k"][_row(payload, i)] for i in ("inc-exact", "inc-approx", "inc-area")}
    assert kind == {"inc-exact": 0, "inc-approx": 1, "inc-area": 3}
    assert payload["r"][_row(payload, "inc-approx")] == 5000  # metres
    assert payload["geom"][str(_row(payload, "inc-area"))][0] == "P"
    deployments = encode_events(events, "deployment")
    assert deployments["k"][_row(deployments, "dep-point")] == 2  # a point standing for an area
    assert deployments["r"][_row(deployments, "dep-point")] == 8000


def test_coordinates_are_integers_from_the_origin(events: pd.DataFrame) -> None:
    payload = encode_events(events, "incident")
    i = _row(payload, "inc-exact")
    lon = ORIGIN[0] + payload["x"][i] / payload["scale"]
    lat = ORIGIN[1] + payload["y"][i] / payload["scale"]
    assert (round(lon, 5), round(lat, 5)) == (20.70, 43.20)


def test_popup_texts(events: pd.DataFrame) -> None:
    payload = encode_events(events, "incident")
    assert _text(payload, "t", "inc-exact") == "Shots fired at the Jarinje crossing"
    assert _text(payload, "w", "inc-exact") == "24 Sep 2023 (to the day)"
    assert _text(payload, "w", "inc-hour") == "24 Sep 2023, 02:30 (to the hour)"
    assert _text(payload, "w", "inc-approx") == "week of 1 Jun 2023 (to the week)"
    assert _text(payload, "q", "inc-exact") == "killed 2; injured 1–3 (sources disagree)"
    assert _text(payload, "l", "inc-exact") == "Jarinje / Jarinjë, Leposavić / Leposaviq"
    assert _text(payload, "a", "inc-exact") == "Kosovo Police"
    assert _text(payload, "o", "inc-area") == "the municipality, as the sources give no village"
    assert payload["v"][_row(payload, "inc-exact")] == 2  # 1–4 killed


def test_every_source_is_sent_with_its_link(events: pd.DataFrame) -> None:
    payload = encode_events(events, "incident")
    i = _row(payload, "inc-exact")
    offset = sum(payload["sn"][:i])
    sources = [payload["sources"][k] for k in payload["s"][offset : offset + payload["sn"][i]]]
    texts = [[payload["strings"][j] for j in source] for source in sources]
    assert texts == [
        ["https://example.org/report", "Example Wire", "Test report", "2023-09-24, en"],
        [
            "https://example.org/second",
            "Second Paper",
            "Second report",
            "2023-09-25, sr; report by Wire Agency",
        ],
    ]


def test_interval_layers_state_their_period(events: pd.DataFrame) -> None:
    payload = encode_events(events, "deployment")
    assert payload["interval"] is True
    assert _text(payload, "w", "dep-zone") == "25 Sep 2023 – 5 Oct 2023 (to the day)"
    assert _text(payload, "w", "dep-point") == "from 29 Sep 2023, no end reported (to the day)"


def test_hostile_text_is_kept_exactly(events: pd.DataFrame) -> None:
    payload = encode_events(events, "incident")
    assert _text(payload, "t", "inc-hostile") == HOSTILE
    assert HOSTILE in payload["strings"]


def test_encoding_is_deterministic(events: pd.DataFrame) -> None:
    first = json.dumps(encode_events(events, "incident"), sort_keys=True)
    assert json.dumps(encode_events(events.copy(), "incident"), sort_keys=True) == first


def test_empty_frame_gives_empty_columns() -> None:
    payload = encode_events(empty_events(), "kfor")
    assert payload["id"] == [] and payload["strings"] == [] and payload["sources"] == []


def test_rejects_unknown_layer_and_non_frames(events: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="unknown layer"):
        encode_events(events, "zones")
    with pytest.raises(TypeError):
        encode_events(pd.DataFrame(events), "incident")


def test_describe_when_precisions() -> None:
    ts = pd.Timestamp("2023-09-24T13:05", tz="Europe/Belgrade")
    assert describe_when(ts, None, "year") == "2023 (to the year)"
    assert describe_when(ts, None, "month") == "September 2023 (to the month)"
    assert describe_when(ts, ts, "day") == "24 Sep 2023 (to the day)"
    assert describe_when(None, None, "day") == "date unknown"


def test_describe_casualties() -> None:
    assert describe_casualties(pd.NA, pd.NA, pd.NA, pd.NA) == "not reported"
    assert describe_casualties(0, 0, 4, 4) == "killed 0; injured 4"
    assert describe_casualties(pd.NA, pd.NA, 1, 2) == "killed: not reported; injured 1–2 (sources disagree)"


def test_severity_uses_the_lower_figure() -> None:
    frame = pd.DataFrame(
        {
            "fatalities_min": pd.array([None, 0, 1, 5, 0], dtype="Int64"),
            "injured_min": pd.array([None, 2, 0, 0, 0], dtype="Int64"),
        }
    )
    assert severity_classes(frame).tolist() == [0, 1, 2, 3, 0]


def test_js_string_cannot_close_a_script_and_round_trips() -> None:
    value = {"text": HOSTILE, "more": "it's \\ fine\u2029"}
    literal = js_string(value)
    assert literal.startswith("'") and literal.endswith("'")
    body = literal[1:-1]
    assert "<" not in body and ">" not in body and "\u2028" not in body and "\u2029" not in body
    assert json.loads(js_literal(body)) == value


def test_encode_reference_keeps_display_properties_only() -> None:
    gazetteer = read_gazetteer()
    payload = encode_reference(gazetteer, style="place", label=list(gazetteer["name_sr"]))
    assert len(payload["features"]) == len(gazetteer)
    assert set(payload["features"][0]["properties"]) == {"s", "label"}


def test_reference_coordinates_rounded() -> None:
    gazetteer = read_gazetteer()
    payload = encode_reference(gazetteer.iloc[:1], style="place")
    lon, lat = payload["features"][0]["geometry"]["coordinates"]
    assert round(lon, 5) == lon and round(lat, 5) == lat
