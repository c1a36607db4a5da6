"""The benchmarks' files keep every run: a new run is a section above the earlier ones."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from bench.results import record, revision

INTRO = "# Command line\n\nHow it is measured: whole processes.\n\n"
OLDER = "## 3 December 2026, abc1234\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nNotes kept as they were.\n"


def test_a_run_goes_above_the_earlier_ones_and_keeps_them_byte_for_byte(tmp_path: Path) -> None:
    path = tmp_path / "RESULTS-cli.md"
    path.write_text(INTRO + OLDER, encoding="utf-8")
    record(path, "Command line", "\n| a | b |\n|---|---|\n| 3 | 4 |\n", day=date(2026, 12, 4), code="def5678")
    text = path.read_text(encoding="utf-8")
    assert text == INTRO + "## 4 December 2026, def5678\n\n| a | b |\n|---|---|\n| 3 | 4 |\n\n" + OLDER
    record(path, "Command line", "third", day=date(2026, 12, 5), code="0a0a0a0")
    again = path.read_text(encoding="utf-8")
    assert again.startswith(INTRO + "## 5 December 2026, 0a0a0a0\n\nthird\n\n## 4 December 2026, def5678")
    assert again.endswith(text[len(INTRO) :])  # everything before is still there, unchanged


def test_a_new_file_gets_its_title_and_a_file_without_runs_keeps_its_introduction(tmp_path: Path) -> None:
    new = tmp_path / "RESULTS-new.md"
    record(new, "Import benchmark", "- import: 6.99 s", day=date(2026, 12, 4), code="def5678")
    assert (
        new.read_text(encoding="utf-8")
        == "# Import benchmark\n\n## 4 December 2026, def5678\n\n- import: 6.99 s\n"
    )
    bare = tmp_path / "RESULTS-bare.md"
    bare.write_text("# Measures\n\nIntroduction.\n", encoding="utf-8")
    record(bare, "Measures", "figures", day=date(2026, 12, 4), code="def5678")
    assert (
        bare.read_text(encoding="utf-8")
        == "# Measures\n\nIntroduction.\n\n## 4 December 2026, def5678\n\nfigures\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "RESULTS-bare.md",
        "RESULTS-new.md",
    ]  # no temporary file left


def test_the_code_measured_is_this_checkout() -> None:
    assert re.fullmatch(r"[0-9a-f]{7,}( with changes not committed)?", revision())
