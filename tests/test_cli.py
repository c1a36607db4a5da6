"""``bordermon validate``: the report, the counts, the exit status, and no traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from layers.cli import main
from tests.factories import collection, make_feature, write_json


def _bordermon(*args: str) -> subprocess.CompletedProcess[str]:
    code = "import sys; from layers.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=False)


def test_validate_shipped_store_is_clean_and_counts_layers() -> None:
    result = _bordermon("validate")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No problems found." in result.stdout
    for layer in ("incident", "deployment", "kfor", "set aside"):
        assert layer in result.stdout


def test_validate_broken_store_lists_file_feature_field_and_fails(tmp_path: Path) -> None:
    bad = make_feature("bad", start="2023-02-30")
    write_json(tmp_path / "events.geojson", collection(make_feature("ok"), bad))
    (tmp_path / "junk.geojson").write_text("{oops", encoding="utf-8")
    result = _bordermon("validate", str(tmp_path))
    assert result.returncode == 1
    assert (
        "events.geojson feature 1 id=bad properties.start: '2023-02-30' is not a real date" in result.stdout
    )
    assert "junk.geojson (file): invalid JSON at line 1" in result.stdout
    assert "incident          1" in result.stdout and "set aside         1" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_validate_one_file(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    path = write_json(tmp_path / "one.geojson", collection(make_feature("a")))
    assert main(["validate", str(path)]) == 0
    assert "1 file, 1 valid feature" in capsys.readouterr().out


def test_validate_missing_path_is_one_line(tmp_path: Path) -> None:
    result = _bordermon("validate", str(tmp_path / "nope"))
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0 and "no event store" in result.stderr
