"""How current the record is, what it draws on, and what was set aside: the words every output uses."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from layers.record_state import ImportedFile, record_state, set_aside_text, today
from layers.store import read_store
from tests.factories import collection, write_imported_store, write_json


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return write_imported_store(tmp_path)


def test_the_line_says_how_old_the_newest_date_is_and_what_it_draws_on(store: Path) -> None:
    events = read_store(store).events
    state = record_state(events, store, on=date(2026, 12, 2))
    assert state.line() == (
        "data up to 28 Nov 2026 (4 days ago); drawn from the curated record (2 events), "
        "ACLED import of 2 Dec 2026 (1 event)"  # 23:30 UTC on 1 Dec is 2 Dec in Kosovo
    )
    assert (
        record_state(events, store, on=date(2026, 11, 28)).line().startswith("data up to 28 Nov 2026 (today)")
    )
    assert (
        record_state(events, store, on=date(2026, 11, 29))
        .line()
        .startswith("data up to 28 Nov 2026 (1 day ago)")
    )
    assert json.dumps(state.fields()) == json.dumps(
        {
            "data_up_to": "2026-11-28",
            "today": "2026-12-02",
            "days_old": 4,
            "curated_events": 2,
            "imports": [
                {
                    "file": "imports/acled-x-0123456789.geojson",
                    "kind": "acled",
                    "imported": "2026-12-02",
                    "events": 1,
                }
            ],
        }
    )


def test_without_the_store_imports_are_named_by_kind(store: Path) -> None:
    state = record_state(read_store(store).events, on=date(2026, 12, 2))
    assert state.drawn_from() == "the curated record (2 events), ACLED import (1 event)"


def test_what_the_record_draws_on_reads_in_each_language(store: Path) -> None:
    state = record_state(read_store(store).events, store, on=date(2026, 12, 2))
    assert state.drawn_from("fr") == (
        "le registre vérifié (2 événements), import ACLED du 2 déc. 2026 (1 événement)"
    )
    assert state.drawn_from("sr_Latn") == (
        "uređena evidencija (2 događaja), uvoz ACLED od 2. dec 2026. (1 događaj)"
    )
    assert state.drawn_from("sq") == "regjistri i kuruar (2 ngjarje), importi ACLED i 2 dhj 2026 (1 ngjarje)"
    # The English words are the commands' words, unchanged; large counts get separators.
    assert (
        state.drawn_from("en")
        == state.drawn_from()
        == ("the curated record (2 events), ACLED import of 2 Dec 2026 (1 event)")
    )
    many = ImportedFile("imports/ucdp-y.geojson", "ucdp", None, 120_000)
    assert many.describe() == "UCDP GED import (120,000 events)"
    assert many.describe("fr") == "import UCDP GED (120\u202f000 événements)"


def test_an_empty_store(tmp_path: Path) -> None:
    write_json(tmp_path / "none.geojson", collection())
    assert record_state(read_store(tmp_path).events, on=date(2026, 12, 2)).line() == (
        "no dated events; drawn from the curated record (0 events)"
    )


def test_today_is_fixed_by_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 14 Nov 2023, 22:13 UTC
    assert today() == date(2023, 11, 14)


def test_set_aside_text() -> None:
    assert set_aside_text(0) is None
    assert set_aside_text(1) == "1 record set aside, see bordermon validate"
    assert set_aside_text(2, ["a.geojson", "b.geojson"]) == (
        "2 records set aside and 2 unreadable store files (a.geojson, b.geojson), see bordermon validate"
    )
