"""Provenance and documentation are tested: an undocumented data file or setting fails."""

from __future__ import annotations

import re

import pytest

from layers.editing import EDITING_ENV
from layers.i18n import LANG_ENV
from layers.parallel import WORKERS_ENV
from layers.paths import CACHE_ENV, GEODATA, ROOT, STORE_ENV
from layers.publishers import PUBLISHERS_ENV

GEODATA_README = (GEODATA / "README.md").read_text(encoding="utf-8")
DATA_FILES = sorted(
    p.relative_to(GEODATA).as_posix()
    for p in GEODATA.rglob("*")
    if p.is_file() and p.name != "README.md" and not p.name.startswith(".")
)


def _section(heading: str) -> str:
    """The text under a ``### heading`` of geodata/README.md, up to the next heading."""
    match = re.search(rf"^### {re.escape(heading)}\n(.*?)(?=^##|\Z)", GEODATA_README, re.S | re.M)
    assert match, f"geodata/README.md has no section '### {heading}'"
    return match.group(1)


@pytest.mark.parametrize("name", [n for n in DATA_FILES if n.endswith(".json") or n.endswith(".geojson")])
def test_every_data_file_has_source_licence_and_date(name: str) -> None:
    section = _section(name).casefold()
    assert "source" in section or "written for this project" in section, f"{name}: no source"
    assert re.search(r"licen[cs]e|odbl|cc by|mit", section), f"{name}: no licence"
    assert re.search(r"\b(19|20)\d\d\b|date", section), f"{name}: no date"


def test_every_file_under_geodata_is_named_in_its_readme() -> None:
    missing = [name for name in DATA_FILES if name not in GEODATA_README]
    assert not missing, f"not described in geodata/README.md: {missing}"


def test_readme_holds_the_two_commands_and_ci_runs_the_test_one() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = re.findall(r"^(python3 dev\.py \w+)", readme, re.M)
    assert commands == ["python3 dev.py dashboard", "python3 dev.py test"]
    assert "python3 dev.py test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_settings_are_documented() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for setting in (STORE_ENV, EDITING_ENV, PUBLISHERS_ENV, CACHE_ENV, WORKERS_ENV, LANG_ENV):
        assert f"`{setting}`" in readme, f"{setting} is not documented in README.md"


def test_attribution_stands_next_to_the_osm_data() -> None:
    notice = (GEODATA / "reference" / "NOTICE-ODbL.md").read_text(encoding="utf-8")
    assert "© OpenStreetMap contributors" in notice and "Open Database License" in notice
    assert "© OpenStreetMap contributors" in GEODATA_README
