"""ensure_output_outside_store: no command output may replace part of the store."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from layers.paths import OutputPathError, ensure_output_outside_store
from tests.factories import collection, make_feature, write_json


@pytest.fixture
def store(tmp_path: Path) -> Path:
    root = tmp_path / "store"
    write_json(root / "incidents.geojson", collection(make_feature("a")))
    return root


def test_a_new_file_beside_the_store_is_fine(store: Path, tmp_path: Path) -> None:
    assert ensure_output_outside_store(tmp_path / "out" / "map.html", store) == tmp_path / "out" / "map.html"
    (tmp_path / "old.html").write_text("old")
    assert ensure_output_outside_store(tmp_path / "old.html", store) == tmp_path / "old.html"


@pytest.mark.parametrize(
    "out",
    [
        "store/incidents.geojson",
        "store/new.html",
        "store/imports/x.html",
        "elsewhere/../store/incidents.geojson",
        "store",
    ],
)
def test_anything_inside_the_store_is_refused(store: Path, tmp_path: Path, out: str) -> None:
    (tmp_path / "elsewhere").mkdir()
    with pytest.raises(OutputPathError, match="inside the store"):
        ensure_output_outside_store(tmp_path / out, store)


def test_links_into_the_store_are_followed(store: Path, tmp_path: Path) -> None:
    (tmp_path / "to-file.html").symlink_to(store / "incidents.geojson")
    (tmp_path / "to-dir").symlink_to(store)
    for out in (tmp_path / "to-file.html", tmp_path / "to-dir" / "map.html"):
        with pytest.raises(OutputPathError, match="inside the store"):
            ensure_output_outside_store(out, store)


def test_a_single_file_store_refuses_only_itself(tmp_path: Path) -> None:
    one = write_json(tmp_path / "one.geojson", collection(make_feature("a")))
    with pytest.raises(OutputPathError, match="inside the store"):
        ensure_output_outside_store(tmp_path / "." / "one.geojson", one)
    assert ensure_output_outside_store(tmp_path / "map.html", one) == tmp_path / "map.html"


def test_not_a_regular_file_or_no_place_to_write(store: Path, tmp_path: Path) -> None:
    (tmp_path / "folder").mkdir()
    with pytest.raises(OutputPathError, match="is a directory"):
        ensure_output_outside_store(tmp_path / "folder", store)
    with pytest.raises(OutputPathError, match="not a regular file"):
        ensure_output_outside_store(os.devnull, store)
    (tmp_path / "plain").write_text("x")
    with pytest.raises(OutputPathError, match="is not a directory"):
        ensure_output_outside_store(tmp_path / "plain" / "map.html", store)
