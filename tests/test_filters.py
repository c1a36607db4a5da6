"""filter_events: time windows overlap intervals, as-of dates, facets and text search."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from layers.filters import (
    FIRST_DAY,
    LAST_DAY,
    Filters,
    add_calendar_days,
    cited_languages,
    cited_publishers,
    filter_events,
    search_text,
    source_table,
    text_matches,
    view_problems,
)
from layers.paths import default_store
from layers.store import empty_events, read_store
from tests.factories import collection, make_feature, write_json


@pytest.fixture
def events(tmp_path: Path) -> gpd.GeoDataFrame:
    deployment = {"layer": "deployment", "category": "buildup", "side": "RS"}
    features = [
        make_feature("may", start="2023-05-29", category="riot", actors=["KFOR", "Serb protesters"]),
        make_feature("sep", start="2023-09-24T02:00:00+02:00", time_precision="hour", confidence="confirmed"),
        make_feature("closed", start="2023-09-24", end="2023-10-18", category="crossing_closure"),
        make_feature("open-ended", start="2023-09-29", **deployment),
        make_feature("ended", start="2023-05-29", end="2023-06-10", **deployment),
        make_feature(
            "camp", start="1999-01-01", time_precision="year", layer="kfor", category="installation"
        ),
        make_feature("text", start="2023-06-14", title="Three officers detained", side="disputed"),
    ]
    features[6]["properties"]["sources"][0]["publisher"] = "Radio Free Europe"
    second = {**features[1]["properties"]["sources"][0], "url": "https://example.net/a"}
    features[1]["properties"]["sources"].append(second)  # 'confirmed' rests on two publishers
    return read_store(write_json(tmp_path / "s.geojson", collection(*features))).events


def ids(frame: gpd.GeoDataFrame) -> list[str]:
    return list(frame["id"])


def test_no_filter_keeps_everything_in_order(events: gpd.GeoDataFrame) -> None:
    assert ids(filter_events(events, Filters())) == [
        "may",
        "sep",
        "closed",
        "open-ended",
        "ended",
        "camp",
        "text",
    ]


def test_window_includes_both_days_and_overlapping_intervals(events: gpd.GeoDataFrame) -> None:
    window = Filters(start=date(2023, 10, 1), end=date(2023, 10, 31))
    # The closure lasts into October; the report of 29 Sep is current for 30 days; the camp stands.
    assert ids(filter_events(events, window)) == ["closed", "open-ended", "camp"]
    assert ids(filter_events(events, window.with_(start=date(2023, 11, 1), end=None))) == ["camp"]
    day = Filters(start=date(2023, 9, 24), end=date(2023, 9, 24), layers=("incident",))
    assert ids(filter_events(events, day)) == ["sep", "closed"]


def test_as_of_keeps_interval_layers_in_effect(events: gpd.GeoDataFrame) -> None:
    as_of = Filters(as_of=date(2023, 10, 5), layers=("deployment", "kfor"))
    assert ids(filter_events(events, as_of)) == ["open-ended", "camp"]
    assert ids(filter_events(events, as_of.with_(as_of=date(2023, 6, 1)))) == ["ended", "camp"]
    assert ids(filter_events(events, as_of.with_(as_of=date(2023, 10, 30)))) == [
        "camp"
    ]  # report > 30 days old
    incidents_unaffected = Filters(as_of=date(2020, 1, 1), layers=("incident",))
    assert len(filter_events(events, incidents_unaffected)) == 4


def test_facets(events: gpd.GeoDataFrame) -> None:
    assert ids(filter_events(events, Filters(categories=("riot",)))) == ["may"]
    assert ids(filter_events(events, Filters(actors=("KFOR",)))) == ["may"]
    assert ids(filter_events(events, Filters(sides=("disputed",)))) == ["text"]
    assert ids(filter_events(events, Filters(confidences=("confirmed",)))) == ["sep"]
    assert ids(filter_events(events, Filters(layers=("deployment",)))) == ["open-ended", "ended"]


def test_text_search_covers_titles_and_sources(events: gpd.GeoDataFrame) -> None:
    assert ids(filter_events(events, Filters(text="OFFICERS detained"))) == ["text"]
    assert ids(filter_events(events, Filters(text="free europe"))) == ["text"]
    assert ids(filter_events(events, Filters(text="officers nowhere"))) == []


def test_a_search_text_built_once_finds_what_a_search_of_the_events_finds() -> None:
    """The dashboard builds the search text once per store version and gives it to every search."""
    events = read_store(default_store()).events
    searched = search_text(events)
    assert len(searched) == len(events) and searched.index.equals(events.index)
    assert searched.str.contains("banjsk").any()  # case-folded: "Banjska" in titles
    for text in ("banjska", "Zvecan", "Звечан police", "KFOR reinforcements", "nowhere-at-all", ""):
        held = filter_events(events, Filters(text=text), searched=searched)
        assert held.index.equals(filter_events(events, Filters(text=text)).index), text
    assert 0 < len(filter_events(events, Filters(text="Banjska"), searched=searched)) < len(events)
    # A text of other events is refused, not searched.
    with pytest.raises(ValueError, match="search_text"):
        text_matches(events, "banjska", searched.iloc[1:])
    with pytest.raises(ValueError, match="search_text"):
        text_matches(events, "banjska", searched.set_axis(range(1, len(events) + 1)))


def test_text_search_finds_a_title_by_its_translations_in_every_language(tmp_path: Path) -> None:
    """The same text gives the same view whoever reads it: translations are searched in every language."""
    translated = make_feature(
        "translated",
        title="Ambush of a police patrol",
        title_i18n={
            "fr": "Embuscade contre une patrouille",
            "sr_Latn": "Zaseda na patrolu",
            "sq": "Pritë ndaj patrullës",
        },
    )
    features = [translated, make_feature("plain", title="Patrol of KFOR")]
    events = read_store(write_json(tmp_path / "s.geojson", collection(*features))).events
    for typed in ("embuscade", "zaseda", "prite patrulles", "ambush", "EMBUSCADE patrouille"):
        assert ids(filter_events(events, Filters(text=typed))) == ["translated"], typed
    assert ids(filter_events(events, Filters(text="patrol"))) == ["translated", "plain"]
    assert ids(filter_events(events, Filters(text="embuscade kfor"))) == []
    # A frame read without the translations (a subset of columns) searches the title alone.
    assert ids(filter_events(events.drop(columns=["title_i18n"]), Filters(text="zaseda"))) == []


def test_empty_input_gives_empty_frame() -> None:
    result = filter_events(empty_events(), Filters(text="x", start=date(2023, 1, 1)))
    assert isinstance(result, gpd.GeoDataFrame) and result.empty


def test_rejects_a_plain_frame() -> None:
    with pytest.raises(TypeError, match="GeoDataFrame"):
        filter_events([], Filters())  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("Radoicic", ["radoicic"]),
        ("RADOIČIĆ", ["radoicic"]),
        ("Zvecan", ["zvecan", "plain"]),
        ("zvečan", ["zvecan", "plain"]),
        ("Dordevic bernjak", ["dordevic"]),
        ("Priština", ["pristina"]),
        # Typed in Serbian Cyrillic (the Cyrillic interface's readers): the record is in Latin.
        ("Радоичић", ["radoicic"]),
        ("ЗВЕЧАН", ["zvecan", "plain"]),
        ("Ђорђевић Brnjak", []),  # every word must match: the record writes Bërnjak
        ("Ђорђевић Bernjak", ["dordevic"]),
        ("Лепосавић клешње", []),
        ("a.b", []),  # punctuation is literal, not a pattern
    ],
)
def test_text_search_ignores_case_and_diacritics(tmp_path: Path, typed: str, found: list[str]) -> None:
    features = [
        make_feature("radoicic", title="Milan Radoičić admits the attack"),
        make_feature("zvecan", title="Clashes", location="Zvečan / Zveçan"),
        make_feature("plain", title="Protest in Zvecan"),
        make_feature("dordevic", title="Đorđević detained at Bërnjak"),
        make_feature("pristina", title="Talks", summary="Meeting in Priština / Prishtinë"),
        make_feature("other", title="axb"),
    ]
    for feature in features:
        feature["properties"]["municipality"] = "Leposavić / Leposaviq"
    events = read_store(write_json(tmp_path / "s.geojson", collection(*features))).events
    assert list(filter_events(events, Filters(text=typed))["id"]) == found


def test_a_report_counts_thirty_calendar_days_across_the_autumn_clock_change(tmp_path: Path) -> None:
    # Clocks go back on 29 Oct 2023 in Europe/Belgrade: 30 × 24 hours after midnight on
    # 1 Oct is 23:00 on 30 Oct, a day short of 30 calendar days.
    report = make_feature("oct", start="2023-10-01", layer="deployment", category="buildup", side="RS")
    events = read_store(write_json(tmp_path / "s.geojson", collection(report))).events
    assert ids(filter_events(events, Filters(as_of=date(2023, 10, 31)))) == ["oct"]
    assert ids(filter_events(events, Filters(as_of=date(2023, 11, 1)))) == []
    assert ids(filter_events(events, Filters(start=date(2023, 10, 31), end=date(2023, 10, 31)))) == ["oct"]


def test_add_calendar_days_keeps_the_clock_time_over_both_changes() -> None:
    times = pd.Series(
        pd.to_datetime(["2023-10-01 00:00", "2023-03-01 12:00", "2023-09-29 02:30"]).tz_localize(
            "Europe/Belgrade"
        )
    )
    moved = add_calendar_days(times, 30)
    assert [t.isoformat() for t in moved] == [
        "2023-10-31T00:00:00+01:00",
        "2023-03-31T12:00:00+02:00",
        "2023-10-29T02:30:00+01:00",  # 02:30 happens twice that night: the later one
    ]


def test_view_problems_name_the_value_and_the_allowed_ones() -> None:
    assert view_problems(Filters()) == []
    problems = view_problems(
        Filters(categories=("bogus",), sides=("XX",), confidences=("nope",), layers=("roads",))
    )
    text = " | ".join(problems)
    assert "unknown layer 'roads'; choose from incident, deployment, kfor" in text
    assert "unknown category 'bogus'; choose from " in text and "armed_clash" in text
    assert "unknown side 'XX'; choose from XK, RS, disputed" in text
    assert "unknown confidence 'nope'; choose from confirmed, reported, claimed, disputed" in text
    backwards = view_problems(Filters(start=date(2023, 10, 2), end=date(2023, 10, 1)))
    assert backwards == ["the window ends (2023-10-01) before it starts (2023-10-02)"]
    far = view_problems(Filters(as_of=date(9999, 12, 31)))
    assert far == ["as-of day 9999-12-31 is outside the days the store can hold (1678-01-01 to 2261-12-31)"]
    kinds = view_problems(Filters(publisher_kinds=("wire", "blog"), min_injured=-1))
    assert kinds[0].startswith("unknown publisher kind 'blog'; choose from wire, broadcaster, newspaper")
    assert kinds[1:] == ["the threshold of injured (-1) is below 0"]


def test_the_last_day_a_view_can_name_still_filters(events: gpd.GeoDataFrame) -> None:
    assert ids(filter_events(events, Filters(start=LAST_DAY, end=LAST_DAY))) == ["camp"]
    assert ids(filter_events(events, Filters(as_of=LAST_DAY, layers=("kfor",)))) == ["camp"]
    assert filter_events(events, Filters(end=FIRST_DAY)).empty


# ------------------------------------------------------------------ sources and casualties

WIRE_EN = {"url": "https://example.org/w", "publisher": "Example Wire", "language": "en"}
DAILY_SQ = {"url": "https://www.example.net/d", "publisher": "Example Daily", "language": "sq"}
DAILY_EN = {"url": "https://example.net/english", "publisher": "Example Daily", "language": "en"}
MINISTRY_SR = {"url": "https://MINISTRY.example./m", "publisher": "The ministry", "language": "sr"}


def _cited(fid: str, *sources: dict[str, str], **props: object) -> dict[str, object]:
    common = {"published": "2023-09-24", "title": f"Report on {fid}"}
    return make_feature(fid, sources=[{**common, **source} for source in sources], **props)


@pytest.fixture
def cited(tmp_path: Path) -> gpd.GeoDataFrame:
    """Events with one or several sources and casualty counts exact, ranged and unknown."""
    features = [
        _cited("wire", WIRE_EN, fatalities=0, injured=3),
        _cited("daily", DAILY_SQ, fatalities={"min": 1, "max": 4}),
        _cited("both", WIRE_EN, DAILY_SQ, fatalities=4, injured={"min": 2, "max": 10}),
        _cited("ministry", MINISTRY_SR, DAILY_EN, injured=12),
        _cited("unknown", DAILY_EN),
    ]
    store = read_store(write_json(tmp_path / "s.geojson", collection(*features)))
    assert store.report.ok, store.report.format()
    return store.events


def test_source_table_has_one_row_per_source_named_by_the_register(cited: gpd.GeoDataFrame) -> None:
    table = source_table(cited)
    assert list(table["position"]) == [0, 1, 2, 2, 3, 3, 4]
    # The register's name wins over the page's own spelling; the host is read like domain_of.
    assert list(table["publisher"]) == [
        "Example Wire",
        "Example Daily",
        "Example Wire",
        "Example Daily",
        "Example Ministry",
        "Example Daily",
        "Example Daily",
    ]
    assert list(table["kind"]) == [
        "wire",
        "newspaper",
        "wire",
        "newspaper",
        "government",
        "newspaper",
        "newspaper",
    ]
    assert list(table["language"]) == ["en", "sq", "en", "sq", "sr", "en", "en"]
    assert cited_publishers(cited) == ["Example Daily", "Example Ministry", "Example Wire"]
    assert cited_languages(cited) == ["en", "sq", "sr"]


def test_publisher_filter_keeps_events_citing_any_chosen_publisher(cited: gpd.GeoDataFrame) -> None:
    assert ids(filter_events(cited, Filters(publishers=("Example Wire",)))) == ["wire", "both"]
    assert ids(filter_events(cited, Filters(publishers=("Example Ministry", "Example Wire")))) == [
        "wire",
        "both",
        "ministry",
    ]
    assert ids(filter_events(cited, Filters(publishers=("The ministry",)))) == []  # the page's spelling


def test_kind_and_language_filters(cited: gpd.GeoDataFrame) -> None:
    assert ids(filter_events(cited, Filters(publisher_kinds=("government",)))) == ["ministry"]
    assert ids(filter_events(cited, Filters(publisher_kinds=("newspaper",)))) == [
        "daily",
        "both",
        "ministry",
        "unknown",
    ]
    assert ids(filter_events(cited, Filters(languages=("sq",)))) == ["daily", "both"]
    assert ids(filter_events(cited, Filters(languages=("sr", "sq")))) == ["daily", "both", "ministry"]
    assert ids(filter_events(cited, Filters(publisher_kinds=("ngo",)))) == []


def test_source_filters_combined_need_one_source_matching_all(cited: gpd.GeoDataFrame) -> None:
    # "both" cites the wire in English and the daily in Albanian: no English newspaper page.
    english_newspaper = Filters(publisher_kinds=("newspaper",), languages=("en",))
    assert ids(filter_events(cited, english_newspaper)) == ["ministry", "unknown"]
    assert ids(filter_events(cited, Filters(publishers=("Example Wire",), languages=("sq",)))) == []
    # ...and with the other filters as usual
    assert ids(filter_events(cited, english_newspaper.with_(min_injured=1))) == ["ministry"]


def test_casualty_thresholds_use_the_low_bound(cited: gpd.GeoDataFrame) -> None:
    assert ids(filter_events(cited, Filters(min_killed=1))) == ["daily", "both"]  # "any killed"
    assert ids(filter_events(cited, Filters(min_killed=2))) == ["both"]  # 1–4 is not "at least 2"
    assert ids(filter_events(cited, Filters(min_killed=5))) == []
    assert ids(filter_events(cited, Filters(min_injured=3))) == ["wire", "ministry"]  # 2–10 is not
    assert ids(filter_events(cited, Filters(min_injured=2))) == ["wire", "both", "ministry"]
    assert ids(filter_events(cited, Filters(min_killed=1, min_injured=1))) == ["both"]
    assert len(filter_events(cited, Filters(min_killed=0, min_injured=0))) == 5  # unknown counts too


def test_source_filters_on_a_subset_keep_the_frame_index(cited: gpd.GeoDataFrame) -> None:
    subset = cited.iloc[[4, 2, 3]]
    assert ids(filter_events(subset, Filters(languages=("en",)))) == ["unknown", "both", "ministry"]
    assert list(filter_events(subset, Filters(publishers=("Example Wire",))).index) == [cited.index[2]]
