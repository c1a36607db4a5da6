"""docs/imports.md documents every mapping the importers apply, and every option."""

from __future__ import annotations

import argparse
import re

from layers.ingest import DEFAULT_MAX_DISTANCE_KM, MAX_IMPORT_BYTES, PLACE_TOLERANCE_KM, acled, ucdp
from layers.ingest.command import add_import_command
from layers.ingest.region import GAP_TOLERANCE_KM
from layers.paths import ROOT

DOC = (ROOT / "docs" / "imports.md").read_text(encoding="utf-8")


def _row(*cells: str) -> re.Pattern[str]:
    """A table row whose cells start with these texts (in order, other cells between allowed)."""
    return re.compile(r"^\| " + r" \|(?: [^|\n]* \|)*? ".join(re.escape(c) for c in cells) + r" \|", re.M)


def test_acled_tables() -> None:
    for event_type, category in acled.CATEGORIES.items():
        assert _row(event_type, f"`{category}`").search(DOC), event_type
    for sub_type, category in acled.SUB_EVENT_CATEGORIES.items():
        assert _row(sub_type, f"`{category}`").search(DOC), sub_type
    for code, (radius, _) in acled.GEO_PRECISION.items():
        assert _row(code, "approximate", f"{radius:g}").search(DOC), code
    for code, precision in acled.TIME_PRECISION.items():
        assert _row(code, precision).search(DOC), code
    assert acled.ACLED_URL in DOC


def test_ucdp_tables() -> None:
    for code, (category, label) in ucdp.VIOLENCE.items():
        assert _row(code, label, f"`{category}`").search(DOC), code
    for code, (radius, _) in ucdp.WHERE_PRECISION.items():
        cells = ("exact", "–") if radius is None else ("approximate", f"{radius:g}")
        assert _row(code, *cells).search(DOC), code
    assert _row("7", "rejected (no position in the region)").search(DOC)
    for code, precision in ucdp.DATE_PRECISION.items():
        assert _row(code, precision).search(DOC), code
    assert ucdp.UCDP_URL in DOC


def test_limits_and_tolerances() -> None:
    assert f"{MAX_IMPORT_BYTES // 1024**2} MB" in DOC
    assert f"default {DEFAULT_MAX_DISTANCE_KM:g} km" in DOC
    assert f"within {PLACE_TOLERANCE_KM:g} km plus both uncertainty radii" in DOC
    assert f"nearest neighbouring country within {GAP_TOLERANCE_KM:g} km" in DOC


def test_every_option_is_documented() -> None:
    parser = argparse.ArgumentParser()
    add_import_command(parser.add_subparsers())
    options = {
        option
        for action in parser._subparsers._group_actions[0].choices["import"]._actions  # type: ignore[union-attr]
        for option in action.option_strings
        if option.startswith("--") and option != "--help"
    }
    for option in options:
        assert re.search(rf"^\| `{option}\b", DOC, re.M), option


def test_the_readme_points_here() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "`bordermon import" in readme and "docs/imports.md" in readme
