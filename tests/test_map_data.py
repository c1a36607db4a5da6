"""The compact payloads of the map: precision kinds, text tables, sources, escaping."""

from __future__ import annotations

import itertools
import json
from datetime import date

import numpy as np
import pandas as pd
import pytest
import shapely

from layers.jsontext import orjson_text
from layers.mapdata import (
    BAND_COLORS,
    NOT_MEASURED,
    ORIGIN,
    _encode_shape,
    _shape_encoder,
    _shared_shapes,
    describe_casualties,
    describe_distance,
    describe_when,
    encode_events,
    encode_reference,
    js_string,
    mapped_mask,
    severity_classes,
)
from layers.measures import DISTANCE_BANDS, measure_events
from layers.reference import read_gazetteer
from layers.store import empty_events, read_store
from tests.map_factories import HOSTILE, js_literal, write_map_store


@pytest.fixture(scope="module")
def events(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    return read_store(write_map_store(tmp_path_factory.mktemp("store"))).events


@pytest.fixture(scope="module")
def measures(events: pd.DataFrame) -> pd.DataFrame:
    return measure_events(events)


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
    assert describe_casualties(3, 4, pd.NA, pd.NA, lang="sq") == (
        "të vrarë: 3–4 (burimet nuk pajtohen); të plagosur: nuk raportohet"
    )
    assert describe_casualties(1200, 1200, 0, 0, lang="fr") == "tués : 1\u202f200; blessés : 0"
    assert describe_casualties(pd.NA, pd.NA, pd.NA, pd.NA, lang="sr_Cyrl") == "није пријављено"


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


def _standard_js_string(payload: object) -> str:
    """js_string's text as the standard library writes it (the formula it had before orjson)."""
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    text = text.replace("\\", "\\\\").replace("'", "\\'")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    # Beyond the BMP, the JSON escapes of the UTF-16 pair (their backslashes doubled).
    units = (c.encode("utf-16-be", "surrogatepass").hex() for c in text)
    pairs = (f"\\\\u{u[:4]}\\\\u{u[4:]}" if len(u) == 8 else "" for u in units)
    return "'" + "".join(p or c for c, p in zip(text, pairs, strict=True)) + "'"


@pytest.mark.parametrize(
    ("payload", "fast"),
    [
        ({"text": HOSTILE, "more": "it's \\ fine\u2029\u2028 & <b>", "none": None}, True),
        ([0.1, -0.0, 123456789.125, 2.5, 1e15], True),
        ([0.1, 1e-05, 1.5e-07, 1e16, 5e-324], False),  # exponents: orjson's digits may differ
        ({"x": list(range(-5, 5)), "y": [2**63 - 1, -(2**63)], "z": (1, "two")}, True),
        ({"big": 2**64}, False),
        ({"nested": [[None, 0.25], {"deep": [None, 1.0, "0.001"]}], "ok": True}, True),
        ({"nested": [None, {"deep": ["0.00001"]}]}, False),  # looks like a number orjson writes so
        ({"keys": {1: "not a str key"}}, False),
        (["".join(chr(c) for c in range(0x20)) + "\x7f\u00e9\u0107\u0451\U0001f600"], True),
        (["lone \udc00 surrogate"], False),
        (["NATO \U0001f1f7\U0001f1f8 Vu\u010di\u0107", 1e-05], False),
        ([float(i) / 8 for i in range(2000)] + [None], True),
        ([1e308, 1e308, None], False),  # finite, though they sum beyond the largest float
    ],
)
def test_js_string_is_the_standard_library_s_text_by_either_path(payload: object, fast: bool) -> None:
    assert (orjson_text(payload) is not None) is fast
    literal = js_string(payload)
    assert literal == _standard_js_string(payload)
    # Nothing beyond the BMP: Python holds the page two bytes a character, not four.
    assert all(ord(c) <= 0xFFFF for c in literal)
    if "\udc00" not in literal:  # a lone surrogate is no UTF-8: JavaScript reads it, Python's json too
        assert json.loads(js_literal(literal[1:-1])) == json.loads(json.dumps(payload))


@pytest.mark.parametrize(
    "payload",
    [
        float("nan"),
        [1, 2.0, float("inf")],
        {"a": [None, {"b": [0.5, -float("inf"), None]}]},
        {"c": (None, float("nan"))},
        {"d": [None, "x", [[float("nan")]]]},
    ],
)
def test_js_string_refuses_nan_and_infinity_as_before(payload: object) -> None:
    with pytest.raises(ValueError, match="Out of range float values are not JSON compliant"):
        js_string(payload)


def test_js_string_refuses_what_json_has_no_value_for() -> None:
    with pytest.raises(TypeError, match="not JSON serializable"):
        js_string({"day": date(2023, 9, 24)})
    with pytest.raises(TypeError, match="not JSON serializable"):
        js_string([np.int64(3)])


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


# --------------------------------------------------------------------------- distances

_DISTANCE_KEYS = {"color_by", "bands", "b", "d", "dn", "dx", "distance"}


def test_without_measures_the_payload_has_no_distances(events: pd.DataFrame) -> None:
    assert _DISTANCE_KEYS.isdisjoint(encode_events(events, "incident"))


def test_measures_give_each_event_its_band_and_distance(events: pd.DataFrame, measures: pd.DataFrame) -> None:
    payload = encode_events(events, "incident", measures=measures)
    assert payload["color_by"] == "category"
    n = len(payload["id"])
    assert all(len(payload[column]) == n for column in ("b", "d", "dn", "dx"))
    band_of = dict(zip(events["id"], measures["distance_band"].astype(object), strict=True))
    assert [payload["bands"][code]["label"] for code in payload["b"]] == [band_of[i] for i in payload["id"]]
    assert [band["color"] for band in payload["bands"]] == [*BAND_COLORS.values(), NOT_MEASURED[1]]
    km = dict(zip(events["id"], measures["distance_to_boundary_km"], strict=True))
    i = _row(payload, "inc-approx")  # ± 5 km around a point 27.2 km inside Kosovo
    assert (payload["d"][i], payload["dn"][i], payload["dx"][i]) == (round(km["inc-approx"] * 10), 50, 50)
    exact = _row(payload, "inc-exact")
    assert payload["dn"][exact] == payload["dx"][exact] == 0


def test_colouring_by_band_is_recorded_in_the_payload(events: pd.DataFrame, measures: pd.DataFrame) -> None:
    payload = encode_events(events, "incident", measures=measures, color_by="distance_band")
    assert payload["color_by"] == "distance_band"


def test_an_event_without_a_measure_is_not_measured(events: pd.DataFrame, measures: pd.DataFrame) -> None:
    blank = measures.copy()
    row = events.index[events["id"] == "inc-exact"][0]
    blank.loc[row, "distance_band"] = None
    blank.loc[row, ["distance_to_boundary_km", "distance_min_km", "distance_max_km"]] = np.nan
    payload = encode_events(events, "incident", measures=blank, color_by="distance_band")
    i = _row(payload, "inc-exact")
    assert payload["b"][i] == len(DISTANCE_BANDS) and payload["d"][i] == 0
    assert payload["bands"][payload["b"][i]] == {
        "label": NOT_MEASURED[0],
        "color": NOT_MEASURED[1],
        "text": "",
    }


def test_bad_measures_are_refused(events: pd.DataFrame, measures: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="needs the events' measures"):
        encode_events(events, "incident", color_by="distance_band")
    with pytest.raises(ValueError, match="unknown color_by"):
        encode_events(events, "incident", measures=measures, color_by="side")
    with pytest.raises(ValueError, match="indexed like events"):
        encode_events(events, "incident", measures=measures.iloc[:2])
    with pytest.raises(ValueError, match="lack distance_band"):
        encode_events(events, "incident", measures=measures.drop(columns="distance_band"))
    with pytest.raises(TypeError):
        encode_events(events, "incident", measures=measures.to_dict())  # type: ignore[arg-type]


def test_describe_distance() -> None:
    assert (
        describe_distance("5–25 km in Kosovo", 11.5, 10.2, 12.2)
        == "11.5 km inside Kosovo (10.2–12.2 km given the uncertainty)"
    )
    assert describe_distance(">25 km in Serbia", -33.18) == "33.2 km inside Serbia"
    assert (
        describe_distance("0–5 km in Serbia", -1.96, -13.5, -1.96, extent=True)
        == "2.0 km inside Serbia (2.0–13.5 km over its extent)"
    )
    assert (
        describe_distance("across the line", 0.0, -3.2, 4.1, extent=True)
        == "across the line (from 3.2 km outside to 4.1 km inside Kosovo over its extent)"
    )
    assert describe_distance("on the line", 0.04, 0.04, 0.04) == "on the line, within 0.1 km"
    assert (
        describe_distance("outside Kosovo and Serbia", -19.43)
        == "19.4 km from the line, outside Kosovo and Serbia"
    )
    assert describe_distance(None, None) == describe_distance(pd.NA, float("nan")) == ""


# Machado, Oliveira & Fernandes (2009), full severity, on linear sRGB.
_VISION = {
    "normal": np.eye(3),
    "protanopia": np.array(
        [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]]
    ),
    "deuteranopia": np.array(
        [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]]
    ),
    "tritanopia": np.array(
        [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.308900]]
    ),
}


def _lab(color: str, vision: np.ndarray) -> np.ndarray:
    srgb = np.array([int(color[k : k + 2], 16) for k in (1, 3, 5)]) / 255
    linear = np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)
    xyz_matrix = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    xyz = xyz_matrix @ np.clip(vision @ linear, 0, 1) / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def test_band_colours_diverge_from_the_line_and_stay_apart_for_colour_blind_readers() -> None:
    assert tuple(BAND_COLORS) == DISTANCE_BANDS
    lightness = {band: _lab(color, _VISION["normal"])[0] for band, color in BAND_COLORS.items()}
    serbia = [lightness[band] for band in DISTANCE_BANDS[:3]]
    kosovo = [lightness[band] for band in DISTANCE_BANDS[5:8]]
    assert serbia == sorted(serbia) and kosovo == sorted(kosovo, reverse=True)  # darker with depth
    for name, vision in _VISION.items():
        labs = {band: _lab(color, vision) for band, color in BAND_COLORS.items()}
        for (a, lab_a), (b, lab_b) in itertools.combinations(labs.items(), 2):
            assert np.linalg.norm(lab_a - lab_b) > 20, (name, a, b)


def test_identical_areas_of_a_layer_are_sent_once_and_every_report_kept() -> None:
    """The shipped store's deployment reports drawn with one band: one shape, every report."""
    events = read_store().events
    payload = encode_events(events, "deployment")
    rows = events[(events["layer"] == "deployment") & mapped_mask(events)]
    shapes = rows[rows.geometry.geom_type != "Point"]
    twins = shapes[shapes.geometry.to_wkb().duplicated(keep=False)]
    assert len(twins) >= 4
    rows_of = [_row(payload, event_id) for event_id in twins["id"]]
    first = min(rows_of)
    assert list(payload["geom"]) == [str(first)]  # the band once
    assert payload["share"] == {str(row): first for row in rows_of if row != first}
    assert sorted(payload["id"]) == sorted(rows["id"])  # every report is still there
    # Different areas are not merged, and a layer without twins shares nothing.
    incidents = encode_events(events, "incident")
    assert incidents["share"] == {}
    assert len(incidents["geom"]) == int(
        ((events["layer"] == "incident") & mapped_mask(events) & (events.geometry.geom_type != "Point")).sum()
    )


_SHAPES_WKT = [
    "POLYGON ((20.5 42.9, 20.6 42.9, 20.6 43.0, 20.5 42.9))",
    "POLYGON ((20.5 42.9, 20.6 42.9, 20.6 43.0, 20.5 42.9))",  # a twin
    "POLYGON ((20.500001 42.9, 20.6 42.9, 20.6 43.0, 20.500001 42.9))",  # the same once rounded: a twin
    "POLYGON ((20.5 42.9, 20.6 42.9, 20.6 43, 20.5 42.9), "
    "(20.55 42.93, 20.57 42.93, 20.57 42.95, 20.55 42.93))",  # with a hole
    "POLYGON Z ((20.5 42.9 5, 20.6 42.9 5, 20.6 43.0 5, 20.5 42.9 5))",  # the first, with heights: a twin
    "MULTIPOLYGON (((20.5 42.9, 20.6 42.9, 20.6 43.0, 20.5 42.9)), ((21 42, 21.1 42, 21.1 42.1, 21 42)))",
    "MULTIPOLYGON (((20.5 42.9, 20.6 42.9, 20.6 43.0, 20.5 42.9)))",  # one polygon: as the first, a twin
    "MULTIPOLYGON (((20.5 42.9, 20.6 42.9, 20.6 43.0, 20.5 42.9)), EMPTY)",
    "LINESTRING (20.5 42.9, 20.6 42.9)",
    "MULTILINESTRING ((20.5 42.9, 20.6 42.9))",  # as the line: a twin
    "MULTILINESTRING ((20.5 42.9, 20.6 42.9), (20.7 43, 20.8 43.1, 20.9 43))",
    "LINESTRING (20.5 42.9, 20.6 42.9, 20.5 42.9, 20.6 42.9)",  # the line's coordinates twice: not a twin
    "MULTILINESTRING ((20.5 42.9, 20.6 42.9), (20.5 42.9, 20.6 42.9))",
    "LINEARRING (20.5 42.9, 20.6 42.9, 20.6 43.0, 20.5 42.9)",
    "MULTIPOINT (20.5 42.9, 20.6 43)",
    "GEOMETRYCOLLECTION (POINT (20.5 42.9), LINESTRING (20.5 42.9, 20.6 42.9))",
]


def test_areas_and_lines_are_encoded_and_shared_as_one_at_a_time() -> None:
    """The encoder of all shapes at once gives each one's encoding, and twins where they are equal."""
    geoms = shapely.from_wkt(np.asarray(_SHAPES_WKT * 3, dtype=object))
    one_by_one = [_encode_shape(geom) for geom in geoms]
    keys, encode = _shape_encoder(geoms)
    assert [encode(row) for row in range(len(geoms))] == one_by_one
    texts = [json.dumps(shape) for shape in one_by_one]
    for i, j in itertools.combinations(range(len(geoms)), 2):
        if keys[i] is not None and keys[j] is not None:
            assert (keys[i] == keys[j]) is (texts[i] == texts[j]), (_SHAPES_WKT[i % 16], _SHAPES_WKT[j % 16])
    rows = [0, *range(2, len(geoms))]  # some rows left out, as points are
    drawn, share = _shared_shapes(np.concatenate([geoms[:1], geoms]), rows)
    # Every area or line is drawn by the first row with its text, which later rows point to.
    first_of: dict[str, int] = {}
    for row in rows:
        shape = one_by_one[row - 1] if row else one_by_one[0]
        text = json.dumps(shape)
        if shape[0] in ("P", "L") and text in first_of:
            assert share[str(row)] == first_of[text] and str(row) not in drawn
        else:
            first_of.setdefault(text, row)
            assert drawn[str(row)] == shape and str(row) not in share
    assert len(drawn) + len(share) == len(rows)
    assert len(share) > 16  # the list's own twins and its two repeats


def test_reference_labels_carry_their_priority() -> None:
    gazetteer = read_gazetteer()
    payload = encode_reference(
        gazetteer, style="place", label=list(gazetteer["id"]), rank=[3] * len(gazetteer)
    )
    assert {feature["properties"]["rank"] for feature in payload["features"]} == {3}
    assert "rank" not in encode_reference(gazetteer, style="place")["features"][0]["properties"]
