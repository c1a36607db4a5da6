"""One set of rules for every command: bad values, far dates, the store's safety, notes, pipes."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from layers.cli import main
from layers.paths import ROOT
from tests.factories import collection, make_feature, write_json
from tests.ingest_fixtures import ACLED_CURRENT, snapshot

CODE = "import sys; from layers.cli import main; sys.exit(main(sys.argv[1:]))"


def _bordermon(*args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-c", CODE, *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        **kwargs,
    )


@pytest.fixture
def store(tmp_path: Path) -> Path:
    root = tmp_path / "store"
    write_json(
        root / "incidents.geojson", collection(make_feature("a"), make_feature("b", start="2023-10-02"))
    )
    return root


@pytest.fixture
def broken_store(store: Path) -> Path:
    write_json(store / "more.geojson", collection(make_feature("bad", start="2023-02-30")))
    (store / "junk.geojson").write_text("{oops", encoding="utf-8")
    return store


def _exit(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        status = main(list(argv))
    except SystemExit as exc:  # argparse's own errors
        status = int(exc.code or 0)
    out, err = capsys.readouterr()
    return status, out, err


# --------------------------------------------------------------------------- #13 item 3


def test_export_refuses_to_overwrite_the_store(store: Path, tmp_path: Path) -> None:
    before = snapshot(store)
    result = _bordermon("export", "--store", str(store), "--out", str(store / "incidents.geojson"))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "inside the store" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(store) == before


def test_export_output_checks(store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = snapshot(store)
    (tmp_path / "elsewhere").mkdir()
    sneaky = tmp_path / "elsewhere" / ".." / "store" / "incidents.geojson"
    status, _, err = _exit(capsys, "export", "--store", str(store), "--out", str(sneaky))
    assert status == 2 and "inside the store" in err
    (tmp_path / "link.html").symlink_to(store / "incidents.geojson")
    status, _, err = _exit(capsys, "export", "--store", str(store), "--out", str(tmp_path / "link.html"))
    assert status == 2 and "inside the store" in err
    picture = ["export", "--format", "png", "--store", str(store), "--out", str(store / "incidents.geojson")]
    status, _, err = _exit(capsys, *picture)
    assert status == 2 and "inside the store" in err
    status, _, err = _exit(capsys, "export", "--store", str(store), "--out", str(tmp_path / "elsewhere"))
    assert (
        status == 2
        and err.strip() == f"bordermon export: {tmp_path / 'elsewhere'} is a directory; name a file to write"
    )
    assert snapshot(store) == before


def test_export_to_an_unwritable_place_is_one_line(store: Path) -> None:
    if not Path("/proc/self").is_dir():
        pytest.skip("needs Linux's /proc, a directory no one can create files in")
    result = _bordermon("export", "--store", str(store), "--cdn", "--out", "/proc/bordermon-map.html")
    assert result.returncode == 2
    assert result.stderr.startswith("bordermon export: ") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


# --------------------------------------------------------------------------- #13 item 9


def test_stats_and_export_report_what_was_set_aside(
    broken_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    expected = "1 record set aside and 1 unreadable store file (junk.geojson), see bordermon validate"
    status, _, err = _exit(capsys, "stats", "--store", str(broken_store))
    assert status == 0 and err.strip() == f"bordermon stats: {expected}"
    status, out, err = _exit(capsys, "stats", "--store", str(broken_store), "--json")
    assert status == 0 and expected in err
    assert json.loads(out)["set_aside"] == {
        "records": 1,
        "unreadable_files": ["junk.geojson"],
        "details": "bordermon validate",
    }
    status, _, err = _exit(
        capsys, "export", "--store", str(broken_store), "--cdn", "--out", str(tmp_path / "m.html")
    )
    assert status == 0 and f"bordermon export: {expected}" in err
    # The exported file says it too, in its title box.
    page = (tmp_path / "m.html").read_text(encoding="utf-8")
    assert "1 record set aside by validation: not shown." in page
    assert "1 store file could not be read: its events are not shown." in page


def test_an_unreadable_file_alone_is_reported(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (store / "junk.geojson").write_text("", encoding="utf-8")
    status, out, err = _exit(capsys, "stats", "--store", str(store), "--json")
    assert status == 0 and "1 unreadable store file (junk.geojson)" in err
    assert json.loads(out)["set_aside"]["unreadable_files"] == ["junk.geojson"]
    status, _, err = _exit(capsys, "stats", "--store", str(store / "incidents.geojson"))
    assert status == 0 and err == ""  # a clean store says nothing


# --------------------------------------------------------------------------- #13 items 5 and 10


def test_unknown_values_are_named_with_the_allowed_ones(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = _exit(
        capsys,
        "export",
        "--store",
        str(store),
        "--out",
        "-",
        "--category",
        "bogus",
        "--side",
        "XX",
        "--confidence",
        "nope",
    )
    assert status == 2 and out == "" and err.count("\n") == 1
    assert "unknown category 'bogus'; choose from " in err and "armed_clash" in err
    assert "unknown side 'XX'; choose from XK, RS, disputed" in err
    assert "unknown confidence 'nope'; choose from confirmed, reported, claimed, disputed" in err
    status, _, err = _exit(capsys, "export", "--store", str(store), "--out", "-", "--layers", "roads")
    assert status == 2 and "unknown layer 'roads'" in err
    status, _, err = _exit(capsys, "stats", "--store", str(store), "--layer", "roads")
    assert status == 2 and "invalid choice: 'roads'" in err and "incident" in err


def test_a_window_that_ends_before_it_starts(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for command in (["stats"], ["export", "--out", "-"]):
        status, out, err = _exit(
            capsys, *command, "--store", str(store), "--start", "2023-10-02", "--end", "2023-10-01"
        )
        assert status == 2 and out == ""
        assert "the window ends (2023-10-01) before it starts (2023-10-02)" in err


@pytest.mark.parametrize(
    "argv",
    [
        ["export", "--as-of", "9999-12-31"],
        ["export", "--end", "9999-12-31"],
        ["stats", "--end", "9999-12-31"],
        ["stats", "--start", "9999-12-31"],
        ["stats", "--start", "0001-01-01"],
    ],
)
def test_days_the_store_cannot_hold(argv: list[str], store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = _exit(capsys, *argv, "--store", str(store))
    assert status == 2 and out == ""
    assert "is outside the days the store can hold (1678-01-01 to 2261-12-31)" in err


def test_the_last_day_the_store_can_hold_works(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = _exit(
        capsys, "stats", "--store", str(store), "--json", "--start", "2023-01-01", "--end", "2261-12-31"
    )
    assert status == 0, err


def test_import_does_not_make_a_store_from_a_typo(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    typo = tmp_path / "stroe"
    status, _, err = _exit(capsys, "import", "acled", str(ACLED_CURRENT), "--store", str(typo), "--yes")
    assert status == 2 and not typo.exists()
    assert f"no event store at {typo}" in err and "--create" in err
    status, out, _ = _exit(
        capsys, "import", "acled", str(ACLED_CURRENT), "--store", str(typo), "--yes", "--create"
    )
    assert status == 0 and "Wrote" in out and any(typo.rglob("*.geojson"))


def test_a_missing_store_says_how_to_name_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["validate", str(tmp_path / "nope")], ["stats", "--store", str(tmp_path / "nope")]):
        status, _, err = _exit(capsys, *argv)
        assert status == 2 and "--store PATH or the BORDERMON_STORE environment variable" in err


# --------------------------------------------------------------------------- #13 item 13, #10 item 15


@pytest.mark.parametrize(
    "argv",
    [
        ["validate"],
        ["stats"],
        ["stats", "--json"],
        ["export", "--cdn", "--out", "-"],
        ["import", "acled", str(ACLED_CURRENT), "--dry-run"],
    ],
)
def test_every_command_stops_quietly_when_its_output_is_closed(argv: list[str]) -> None:
    reader, writer = os.pipe()
    os.close(reader)  # the reader is gone before the command writes its first byte
    try:
        result = subprocess.run(
            [sys.executable, "-c", CODE, *argv],
            stdout=writer,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            check=False,
            cwd=ROOT,
        )
    finally:
        os.close(writer)
    assert "Traceback" not in result.stderr and "BrokenPipeError" not in result.stderr, result.stderr
    assert result.stderr == ""
    assert result.returncode == 141


def test_validate_into_head(tmp_path: Path) -> None:
    bad = [make_feature(f"bad-{i}", start="2023-02-30") for i in range(3000)]  # far more than a pipe holds
    write_json(tmp_path / "bad.geojson", collection(*bad))
    bordermon = shlex.join([sys.executable, "-c", CODE])
    command = f"{bordermon} validate {shlex.quote(str(tmp_path))} | head -1"
    result = subprocess.run(["sh", "-c", command], capture_output=True, text=True, check=False, cwd=ROOT)
    assert result.stdout.startswith("ERROR   bad.geojson feature 0 id=bad-0 properties.start")
    assert result.stdout.count("\n") == 1
    assert result.stderr == ""


# --------------------------------------------------------------------------- #9 item 4 (freshness)


def test_reports_say_how_current_the_record_is(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    drawn = "drawn from the curated record (2 events)"
    status, out, _ = _exit(capsys, "validate", str(store))
    assert status == 0 and out.rstrip().endswith(f"); {drawn}") and "data up to 2 Oct 2023 (" in out
