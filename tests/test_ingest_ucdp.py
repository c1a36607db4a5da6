"""UCDP GED files: death estimates become ranges, precision codes map, bad rows are named."""

from __future__ import annotations

from pathlib import Path

import pytest

from layers.ingest import plan_import
from layers.store import canonical_feature
from tests.ingest_fixtures import BANJSKA_SIEGE, UCDP_EXTRACT, UCDP_GED, shipped_copy


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return shipped_copy(tmp_path)


def test_ged_every_row_accounted_for(store: Path) -> None:
    plan = plan_import("ucdp", UCDP_GED, store)
    assert plan.layout == "UCDP GED, 23.1+ layout (49 columns)"
    assert plan.counts() == {
        "rows read": 9,
        "new events": 3,
        "outside the region": 1,
        "duplicates": 1,
        "rejected rows": 4,
    }
    assert [c.id for c in plan.new] == ["ucdp-900002", "ucdp-900006", "ucdp-900008"]
    assert [(d.line, d.kind, d.existing_id) for d in plan.duplicates] == [
        (2, "same_place_day_type", BANJSKA_SIEGE)
    ]
    assert [(r.line, r.id, r.field, r.reason) for r in plan.rejected] == [
        (4, "900003", "where_prec", "7: international waters or airspace has no position in the region"),
        (
            5,
            "900004",
            "best/low/high",
            "estimates out of order (low 3, best 2, high 5); low <= best <= high",
        ),
        (8, "900007", "date_start", "'2023/09/24' is not a date (write 2023-09-24)"),
        (8, "900007", "date_end", "'2023/09/24' is not a date (write 2023-09-24)"),
        (
            10,
            "900009",
            "latitude",
            "'abc' is not a number (write decimal degrees with a point, e.g. 42.97139)",
        ),
    ]


def test_estimates_and_precision(store: Path) -> None:
    props = {c.id: c.feature["properties"] for c in plan_import("ucdp", UCDP_GED, store).new}
    one_sided = props["ucdp-900002"]  # best 1, low 1, high 2; where_prec 2; date_prec 2 over 4 days
    assert one_sided["fatalities"] == {"min": 1, "max": 2}
    assert one_sided["x_ucdp_best"] == 1
    assert (one_sided["category"], one_sided["location_precision"], one_sided["uncertainty_km"]) == (
        "armed_attack",
        "approximate",
        25,
    )
    assert (one_sided["start"], one_sided["end"], one_sided["time_precision"]) == (
        "2023-06-10",
        "2023-06-13",
        "week",
    )
    assert one_sided["sources"][0]["published"] == "2023-06-14"
    municipality = props["ucdp-900006"]  # where_prec 3, no deaths
    assert (municipality["fatalities"], municipality["uncertainty_km"]) == (0, 15)
    assert "end" not in municipality
    quoted = props["ucdp-900008"]  # a place name with a comma, non-state conflict
    assert quoted["location"] == "Zvečan, Zvečan municipality"
    assert quoted["category"] == "armed_clash" and quoted["fatalities"] == {"min": 0, "max": 1}
    for feature_props in props.values():
        assert feature_props["confidence"] == "reported" and feature_props["side"] == "XK"


def test_exact_location_and_canonical_form(store: Path) -> None:
    plan = plan_import("ucdp", UCDP_GED, store)
    banjska = plan.duplicates[0].candidate.feature["properties"]
    assert banjska["location_precision"] == "exact" and "uncertainty_km" not in banjska
    assert banjska["start"] == "2023-09-24" and "end" not in banjska  # "2023-09-24 00:00:00.000"
    assert banjska["fatalities"] == 4
    assert banjska["sources"][0]["original_publisher"] == "Reuters;AFP"
    for candidate in plan.new:
        assert canonical_feature(candidate.feature) == candidate.feature


def test_an_extract_with_fewer_columns(store: Path) -> None:
    plan = plan_import("ucdp", UCDP_EXTRACT, store)
    assert plan.layout == "UCDP GED, other column set (an older version or an extract)"
    assert [c.id for c in plan.new] == ["ucdp-900002", "ucdp-900006"]
    props = plan.new[0].feature["properties"]
    assert props["location"] == "Leposavić town" and "municipality" not in props
    assert props["sources"][0]["published"] == "2023-06-13"  # no source_date: the end date


def test_an_acled_file_is_not_a_ged_file(store: Path) -> None:
    from layers.ingest import ImportFileError
    from tests.ingest_fixtures import ACLED_CURRENT

    with pytest.raises(ImportFileError, match="looks like an ACLED export"):
        plan_import("ucdp", ACLED_CURRENT, store)
