"""``bordermon stats``: the readable table, the JSON for machines, filters and failures."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from layers.cli import main
from layers.paths import SHIPPED_STORE
from layers.stats import STATS_COLUMNS, compute_stats, format_stats, stats_json
from layers.store import read_store
from tests.factories import collection, make_feature, write_json

REQUIRED = (
    "id",
    "distance_to_boundary_km",
    "side",
    "in_gsz",
    "in_asz",
    "nearest_crossing",
    "nearest_crossing_km",
    "nearest_kfor",
    "nearest_kfor_km",
)


def _bordermon(*args: str) -> subprocess.CompletedProcess[str]:
    code = "import sys; from layers.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=False)


@pytest.fixture
def store(tmp_path: Path) -> Path:
    features = [
        make_feature("siege", category="armed_clash", fatalities={"min": 3, "max": 5}),
        make_feature(
            "serbia-2km",  # about 2.5 km into Serbia, west of Jarinje
            category="protest",
            start="2023-10-02",
            side="RS",
            location="Test place in Serbia",
        ),
        make_feature("nowhere", category="other", start="2023-09-26", location_precision="none"),
        make_feature("summer", category="protest", start="2023-07-10"),
    ]
    features[1]["geometry"]["coordinates"] = [20.6650, 43.2340]
    features[2]["geometry"] = None
    return write_json(tmp_path / "events.geojson", collection(*features))


def _json(*args: str) -> dict[str, Any]:
    result = _bordermon("stats", "--json", *args)
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_json_has_one_record_per_event_with_the_measures(store: Path) -> None:
    data = _json("--store", str(store))
    records = {r["id"]: r for r in data["events"]}
    assert list(records) == ["siege", "serbia-2km", "nowhere", "summer"]
    for record in records.values():
        assert set(REQUIRED) <= set(record)
    siege = records["siege"]
    assert 11.0 < siege["distance_to_boundary_km"] < 12.0
    assert siege["in_gsz"] is False and siege["in_asz"] is False
    assert siege["nearest_crossing"] == "Brnjak / Bërnjak" and siege["nearest_crossing_km"] > 0
    assert siege["nearest_kfor"] and siege["nearest_kfor_km"] > 0
    serbia = records["serbia-2km"]
    assert serbia["distance_to_boundary_km"] < 0 and serbia["side_measured"] == "RS"
    assert serbia["in_gsz"] is True and serbia["nearest_crossing"] == "Jarinje / Jarinjë"
    assert records["nowhere"]["distance_to_boundary_km"] is None  # no position: null, not an error


def test_json_has_the_weekly_series_and_the_indicator(store: Path) -> None:
    data = _json("--store", str(store))
    weeks = {w["week"]: w for w in data["weeks"]}
    banjska = weeks["2023-09-18"]
    assert banjska["iso_week"] == "2023-W38"
    assert banjska["by_layer"]["incident"] == 1
    assert banjska["casualties"] == {
        "fatalities_min": 3,
        "fatalities_max": 5,
        "injured_min": 0,
        "injured_max": 0,
    }
    parts = banjska["escalation"]
    assert parts["total"] == pytest.approx(sum(v for k, v in parts.items() if k != "total"))
    assert parts["incidents"] == 4 and parts["casualties"] == 9
    assert "2023-08-07" not in weeks  # weeks where everything is zero are left out
    assert data["weeks_window"]["first"] == "2023-07-10"
    assert data["escalation"]["weights"]["fatality"] == 3
    assert "total = incidents + casualties" in data["escalation"]["formula"]


def test_table_on_the_shipped_store_shows_measures_and_the_indicator() -> None:
    if read_store(SHIPPED_STORE).events.empty:
        pytest.skip("the shipped store has no events yet")
    result = _bordermon("stats")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "2023-09-24-banjska-monastery-siege" in out
    monastery = next(
        line for line in out.splitlines() if line.startswith("2023-09-24-banjska-monastery-siege")
    )
    assert "+11.5" in monastery
    assert "Escalation indicator" in out and "2023-W38" in out
    assert "Deployment zones" in out
    assert "Traceback" not in out + result.stderr


def test_json_on_the_shipped_store_gives_the_banjska_distances() -> None:
    if read_store(SHIPPED_STORE).events.empty:
        pytest.skip("the shipped store has no events yet")
    records = {r["id"]: r for r in _json()["events"]}
    siege = records.get("2023-09-24-banjska-monastery-siege")
    assert siege is not None and 11.0 < siege["distance_to_boundary_km"] < 12.0


def test_window_filters_events_and_weeks(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["stats", "--store", str(store), "--json", "--start", "2023-09-01", "--end", "2023-09-30"]) == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in data["events"]] == ["siege", "nowhere"]
    assert data["weeks_window"] == {
        "first": "2023-08-28",
        "last": "2023-09-25",
        "omitted": data["weeks_window"]["omitted"],
    }


def test_layer_filter(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "--store", str(store), "--json", "--layer", "kfor"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["events"] == [] and data["weeks"] == []


def test_readable_table_by_default(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "--store", str(store)]) == 0
    out = capsys.readouterr().out
    assert "4 events in the view; 3 with a position are measured." in out
    assert "1 event has no position" in out
    assert "+ inside Kosovo" in out
    header = next(line for line in out.splitlines() if line.startswith("id "))
    for column in ("km", "GSZ", "ASZ", "nearest crossing", "nearest KFOR"):
        assert column in header


def test_empty_store_gives_empty_tables(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_json(tmp_path / "empty.geojson", collection())
    assert main(["stats", "--store", str(path)]) == 0
    assert "0 events in the view" in capsys.readouterr().out
    assert main(["stats", "--store", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["events"] == [] and data["weeks"] == [] and data["zones"] == []


def test_missing_store_is_one_line_and_status_2(tmp_path: Path) -> None:
    result = _bordermon("stats", "--store", str(tmp_path / "nope"))
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "no event store" in result.stderr


def test_bad_date_is_refused_by_the_parser(store: Path) -> None:
    result = _bordermon("stats", "--store", str(store), "--start", "2023-02-30")
    assert result.returncode == 2 and "is not a date" in result.stderr


def test_set_aside_records_are_reported_on_stderr(store: Path, tmp_path: Path) -> None:
    bad = make_feature("bad", start="2023-02-30")
    write_json(tmp_path / "more.geojson", collection(bad))
    result = _bordermon("stats", "--store", str(tmp_path))
    assert result.returncode == 0
    assert "1 record set aside, see bordermon validate" in result.stderr


def test_open_starts_put_no_weeks_before_the_record() -> None:
    # Camps present before the record (start_open) were weeks of 1998-W53 and 1999 rows.
    data = _json()
    assert all(w["iso_week"] >= "2022" for w in data["weeks"])
    assert data["weeks_window"]["first"] >= "2022-01-01"
    # ... while the camps themselves are still in the view, measured like every event.
    ids = {r["id"] for r in data["events"]}
    assert {"kfor-installation-camp-bondsteel", "kfor-installation-camp-film-city"} <= ids


def test_source_and_casualty_options(store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def ids(*options: str, path: Path = store) -> list[str]:
        assert main(["stats", "--store", str(path), "--json", *options]) == 0
        return [r["id"] for r in json.loads(capsys.readouterr().out)["events"]]

    assert ids("--min-killed", "1") == ["siege"]
    assert ids("--min-killed", "4") == []  # 3–5 killed: at least 3 by every source, not 4
    assert ids("--publisher", "example wire", "--source-language", "EN") == [
        "siege",
        "serbia-2km",
        "nowhere",
        "summer",
    ]
    assert ids("--publisher-kind", "newspaper") == []
    daily = make_feature(
        "daily",
        injured=2,
        sources=[
            {**make_feature()["properties"]["sources"][0], "url": "https://example.net/d", "language": "sq"}
        ],
    )
    other = write_json(tmp_path / "other.geojson", collection(make_feature("wire"), daily))
    assert ids("--publisher-kind", "newspaper,government", path=other) == ["daily"]
    assert ids("--source-language", "sq", "--min-injured", "2", path=other) == ["daily"]
    assert ids("--publisher", "Example Daily", "--publisher", "Example Wire", path=other) == ["wire", "daily"]


@pytest.mark.parametrize(
    ("option", "value", "named"),
    [
        ("--publisher", "Nobody Times", "unknown publisher 'Nobody Times'; choose from Example Wire"),
        ("--publisher-kind", "blog", "unknown publisher kind 'blog'; choose from wire, broadcaster"),
        ("--source-language", "xx", "unknown source language 'xx'; choose from en"),
    ],
)
def test_unknown_source_values_are_status_2_naming_the_allowed(
    store: Path, option: str, value: str, named: str
) -> None:
    result = _bordermon("stats", "--store", str(store), option, value)
    assert result.returncode == 2 and named in result.stderr
    assert result.stderr.strip().count("\n") == 0 and not result.stdout


def test_a_negative_casualty_threshold_is_refused_by_the_parser(store: Path) -> None:
    result = _bordermon("stats", "--store", str(store), "--min-injured", "-1")
    assert result.returncode == 2 and "'-1' is not a whole number" in result.stderr


@pytest.mark.parametrize("lang", ["en", "sr_Cyrl"])
def test_the_columns_stats_reads_give_what_the_whole_record_gives(lang: str) -> None:
    """``stats`` leaves the free text (title, summary, ...) unread: nothing it prints needs it."""
    whole = read_store(SHIPPED_STORE, cache=None).events
    read = read_store(SHIPPED_STORE, columns=STATS_COLUMNS, cache=None).events
    assert "summary" not in read.columns and "title" not in read.columns
    assert {"summary", "title"} <= set(whole.columns)
    expected, got = compute_stats(whole), compute_stats(read)
    assert format_stats(got, title="t", lang=lang) == format_stats(expected, title="t", lang=lang)
    assert json.dumps(stats_json(got)) == json.dumps(stats_json(expected))
