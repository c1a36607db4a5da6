"""The test command also lints (ruff) and type-checks (mypy) the code."""

from __future__ import annotations

import subprocess
import sys

from layers.paths import ROOT


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )


def test_ruff_lint_is_clean() -> None:
    result = _run("ruff", "check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean() -> None:
    result = _run("ruff", "format", "--check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_on_layers_is_clean() -> None:
    result = _run(
        "mypy", "--no-incremental", "--cache-dir", "/dev/null" if sys.platform != "win32" else "nul"
    )
    assert result.returncode == 0, result.stdout + result.stderr
