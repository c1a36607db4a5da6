"""The domain's words come from the schema, once, and every value has its label, style and rule."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from layers import vocabulary
from layers.paths import SCHEMA_PATH


def _schema_props() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))["$defs"]["properties"]


def test_enumerations_are_the_schemas():
    props = _schema_props()["properties"]
    assert tuple(props["layer"]["enum"]) == vocabulary.LAYERS
    assert tuple(props["confidence"]["enum"]) == vocabulary.CONFIDENCES
    assert tuple(v for v in props["side"]["enum"] if v is not None) == vocabulary.SIDES
    assert tuple(props["location_precision"]["enum"]) == vocabulary.LOCATION_PRECISIONS
    assert tuple(props["time_precision"]["enum"]) == vocabulary.TIME_PRECISIONS


def test_categories_per_layer_are_the_schemas():
    rules = {
        rule["if"]["properties"]["layer"]["const"]: rule["then"]["properties"]["category"]["enum"]
        for rule in _schema_props()["allOf"]
        if "layer" in rule["if"]["properties"]
    }
    assert {layer: list(values) for layer, values in vocabulary.CATEGORIES.items()} == rules
    for layer, categories in vocabulary.CATEGORIES.items():
        assert set(vocabulary.CATEGORY_STYLES[layer]) == set(categories)


def test_colours_tell_categories_of_a_layer_apart():
    for layer, styles in vocabulary.CATEGORY_STYLES.items():
        named = [style.color for key, style in styles.items() if key != "other"]
        assert len(named) == len(set(named)), layer


def test_vocabulary_is_read_only():
    with pytest.raises(TypeError):
        vocabulary.LAYER_LABELS["incident"] = "x"  # type: ignore[index]


def test_a_category_without_a_style_fails_loudly(monkeypatch):
    categories = dict(vocabulary.CATEGORIES)
    categories["incident"] = (*categories["incident"], "drone_sighting")
    monkeypatch.setattr(vocabulary, "CATEGORIES", categories)
    with pytest.raises(RuntimeError, match="incident category styles: missing \\['drone_sighting'\\]"):
        vocabulary._check()


def test_time_rules():
    rules = vocabulary.LAYER_TIME_RULES
    assert rules["incident"].kind == "instant" and not rules["incident"].lasts
    assert rules["deployment"].days == vocabulary.REPORT_CURRENT_DAYS and rules["deployment"].lasts
    assert rules["kfor"].kind == "ongoing"


@pytest.mark.parametrize(
    ("start", "end", "precision", "interval", "expected"),
    [
        ("2023-09-24T03:00", None, "hour", False, "24 Sep 2023, 03:00 (to the hour)"),
        ("2023-09-24", None, "day", False, "24 Sep 2023 (to the day)"),
        ("2023-09-01", None, "month", False, "September 2023 (to the month)"),
        ("2023-09-01", "2023-10-03", "day", False, "1 Sep 2023 – 3 Oct 2023 (to the day)"),
        ("2023-09-01", None, "day", True, "from 1 Sep 2023, no end reported (to the day)"),
        ("2023-09-18", None, "week", False, "week of 18 Sep 2023 (to the week)"),
        (None, None, "day", False, "date unknown"),
    ],
)
def test_describe_when(start, end, precision, interval, expected):
    def stamp(text):
        return None if text is None else pd.Timestamp(text, tz="Europe/Belgrade")

    assert vocabulary.describe_when(stamp(start), stamp(end), precision, interval=interval) == expected


def test_category_label_falls_back_to_the_value():
    assert vocabulary.category_label("kfor", "installation") == "Installation"
    assert vocabulary.category_label("kfor", "made_up") == "made_up"


def test_every_category_has_its_own_colour() -> None:
    # Charts tell categories apart by colour alone (the map adds a shape).
    colours = [style.color for styles in vocabulary.CATEGORY_STYLES.values() for style in styles.values()]
    assert len(set(colours)) == len(colours)


def test_casualty_thresholds_and_source_languages_read_in_each_language() -> None:
    from layers.vocabulary import describe_casualty_threshold, language_label

    assert describe_casualty_threshold("fatalities", 1) == "any killed"
    assert describe_casualty_threshold("injured", 5) == "at least 5 injured"
    assert describe_casualty_threshold("injured", 0) == ""
    assert describe_casualty_threshold("fatalities", 3, "fr") == "au moins 3 morts"
    assert language_label("sr") == "Serbian (sr)" and language_label("sq", "fr") == "albanais (sq)"
    assert language_label("sq", "sr_Cyrl") == "албански (sq)" and language_label("zzz") == "zzz"


def _varied_times() -> pd.DataFrame:
    """The shipped events' times under every precision, with missing and shifted times added."""
    from layers.paths import SHIPPED_STORE
    from layers.store import read_store

    events = read_store(SHIPPED_STORE, columns=["start", "end", "time_precision"]).events
    frames = [events.assign(time_precision=level) for level in (*vocabulary.TIME_PRECISIONS, None, "decade")]
    varied = pd.concat(frames, ignore_index=True)
    later = varied.assign(
        start=varied["start"] + pd.Timedelta(hours=13, minutes=7),
        end=varied["start"] + pd.Timedelta(days=40),
    )
    gaps = varied.assign(end=pd.Series(pd.NaT, index=varied.index, dtype=varied["end"].dtype))
    gaps.loc[gaps.index[::7], "start"] = pd.NaT
    return pd.concat([varied, later, gaps], ignore_index=True)


@pytest.mark.parametrize("lang", ["en", "fr", "sr_Latn", "sr_Cyrl", "sq"])
def test_describe_when_column_says_what_describe_when_says_of_each_row(lang: str) -> None:
    times = _varied_times()
    mixed = [n % 3 == 0 for n in range(len(times))]
    for interval in (False, True, mixed):
        flags = interval if isinstance(interval, list) else [interval] * len(times)
        found = vocabulary.describe_when_column(
            times["start"], times["end"], times["time_precision"], interval=np.asarray(flags), lang=lang
        )
        expected = [
            vocabulary.describe_when(start, end, precision, interval=bool(flag), lang=lang)
            for start, end, precision, flag in zip(
                times["start"], times["end"], times["time_precision"], flags, strict=True
            )
        ]
        assert found == expected
    assert (
        vocabulary.describe_when_column(times["start"][:0], times["end"][:0], times["time_precision"][:0])
        == []
    )
