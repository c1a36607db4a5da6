"""The dashboard map's script as a served file: written once per content, refreshed while in use,
old ones removed, and in the message as before where the app's directory cannot be written."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from dashboard.mapscript import MAP_SCRIPTS_URL, script_of, served_script

SCRIPT = 'var map_div = L.map("map_div");\nbordermon.addEvents(map_div, group, \'{"id":["a_1"]}\');\n'


def _arguments() -> dict[str, Any]:
    return {"script": SCRIPT, "js_links": ["/app/static/vendor/leaflet/dist/leaflet.js"], "key": "k"}


def test_the_script_is_written_once_and_called_from_the_message(tmp_path: Path) -> None:
    served = served_script(_arguments(), tmp_path)
    (file,) = tmp_path.glob("*.js")
    assert served["js_links"] == [*_arguments()["js_links"], MAP_SCRIPTS_URL + file.name]  # after Leaflet
    assert served["script"] == f'var map_div = window.bordermonMaps["{file.stem}"]();\n'
    assert served["key"] == "k"
    body = file.read_text(encoding="utf-8")
    assert body.startswith(
        f'(window.bordermonMaps = window.bordermonMaps || {{}})["{file.stem}"] = function () {{\n'
    )
    assert SCRIPT in body and body.endswith("\nreturn map_div;\n};\n")
    written = file.stat().st_mtime_ns
    assert served_script(_arguments(), tmp_path) == served
    assert file.stat().st_mtime_ns == written  # not written again
    assert [p.name for p in tmp_path.iterdir()] == [file.name]  # no partial file left


def test_a_removed_file_is_written_again_and_one_in_use_is_kept_fresh(tmp_path: Path) -> None:
    served_script(_arguments(), tmp_path)
    (file,) = tmp_path.glob("*.js")
    file.unlink()  # another process pruned it
    served_script(_arguments(), tmp_path)
    assert file.exists()
    two_hours_ago = time.time() - 2 * 3600
    os.utime(file, (two_hours_ago, two_hours_ago))
    served_script(_arguments(), tmp_path)
    assert time.time() - file.stat().st_mtime < 60


def test_files_unused_for_a_day_go_when_another_is_written(tmp_path: Path) -> None:
    old, recent = tmp_path / "old.js", tmp_path / "recent.js"
    for path in (old, recent):
        path.write_text("// a map", encoding="utf-8")
    two_days_ago = time.time() - 2 * 86400
    os.utime(old, (two_days_ago, two_days_ago))
    served_script(_arguments(), tmp_path)
    assert not old.exists() and recent.exists()


def test_an_unwritable_directory_leaves_the_script_in_the_message(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a directory", encoding="utf-8")
    assert served_script(_arguments(), blocked / "maps") == _arguments()


def test_the_whole_script_reads_back_from_the_arguments(tmp_path: Path) -> None:
    assert script_of(_arguments(), tmp_path) == SCRIPT  # inline, as st_folium would run it
    assert SCRIPT in script_of(served_script(_arguments(), tmp_path), tmp_path)
