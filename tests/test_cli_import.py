"""``bordermon import``: report first, write only when confirmed, one line for bad input."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from layers.cli import main
from layers.ingest.command import ProgressBar
from tests.ingest_fixtures import ACLED_CURRENT, shipped_copy, snapshot


def _bordermon(*args: str) -> subprocess.CompletedProcess[str]:
    code = "import sys; from layers.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        check=False,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return shipped_copy(tmp_path)


def test_dry_run_prints_the_report_and_writes_nothing(store: Path) -> None:
    before = snapshot(store)
    result = _bordermon("import", "acled", str(ACLED_CURRENT), "--store", str(store), "--dry-run")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "rows read                 17" in out and "new events                 6" in out
    assert "line 12 (XKX9010) latitude: '42,9075' is not a number" in out
    assert "possible duplicate of 2023-09-24-banjska-monastery-siege" in out
    assert out.rstrip().endswith("Dry run: nothing was written.")
    assert result.stderr == ""  # no progress bar without a terminal
    assert snapshot(store) == before


def test_without_a_terminal_yes_is_required(store: Path) -> None:
    before = snapshot(store)
    result = _bordermon("import", "acled", str(ACLED_CURRENT), "--store", str(store))
    assert result.returncode == 1
    assert "run with --yes" in result.stderr
    assert snapshot(store) == before


def test_yes_writes_and_a_rerun_adds_nothing(store: Path) -> None:
    first = _bordermon("import", "acled", str(ACLED_CURRENT), "--store", str(store), "--yes")
    assert first.returncode == 0, first.stderr
    assert "Wrote 6 events to" in first.stdout
    after = snapshot(store)
    again = _bordermon("import", "acled", str(ACLED_CURRENT), "--store", str(store), "--yes")
    assert again.returncode == 0
    assert again.stdout.rstrip().endswith("Nothing new to write.")
    assert snapshot(store) == after


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["acled", "{missing}"], "no such file"),
        (["acled", "{bad}"], "bad.csv: is not UTF-8 (byte 0xE8"),
        (["ucdp", str(ACLED_CURRENT)], "looks like an ACLED export"),
        (
            ["acled", str(ACLED_CURRENT), "--max-distance-km", "-5"],
            "--max-distance-km must be between 0 and 500",
        ),
    ],
    ids=["missing", "not-utf8", "wrong-kind", "bad-distance"],
)
def test_bad_input_is_one_line_exit_2_and_no_change(
    tmp_path: Path, store: Path, args: list[str], message: str
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_bytes("event_id_cnty\nZvečan\n".encode("cp1250"))
    args = [a.format(missing=tmp_path / "missing.csv", bad=bad) for a in args]
    before = snapshot(store)
    result = _bordermon("import", *args, "--store", str(store), "--yes")
    assert result.returncode == 2
    assert result.stderr.startswith("bordermon import: ") and result.stderr.count("\n") == 1
    assert message in result.stderr and "Traceback" not in result.stderr
    assert snapshot(store) == before


def test_asks_on_a_terminal(
    store: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    before = snapshot(store)
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    assert main(["import", "acled", str(ACLED_CURRENT), "--store", str(store)]) == 1
    assert "Nothing was written." in capsys.readouterr().out
    assert snapshot(store) == before
    monkeypatch.setattr("builtins.input", lambda prompt: "y")
    assert main(["import", "acled", str(ACLED_CURRENT), "--store", str(store)]) == 0
    assert "Wrote 6 events" in capsys.readouterr().out


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_draws_on_a_terminal_only() -> None:
    terminal = _Terminal()
    bar = ProgressBar(terminal, width=10, interval=0)
    bar("validating", 0.5)
    bar("done", 1.0)
    bar.close()
    text = terminal.getvalue()
    assert "validating             [#####.....]  50%" in text and "[##########] 100%" in text
    assert text.endswith("\r")
    quiet = io.StringIO()
    silent = ProgressBar(quiet)
    silent("validating", 0.5)
    silent.close()
    assert quiet.getvalue() == ""


def test_progress_bar_names_the_stage_in_the_language() -> None:
    terminal = _Terminal()
    bar = ProgressBar(terminal, width=10, interval=0, lang="fr")
    bar("checking duplicates", 0.8)
    bar("done", 1.0)
    text = terminal.getvalue()
    assert "recherche des doublons [########..]  80%" in text and "terminé" in text
