"""The test command also lints (ruff) and type-checks (mypy) the code."""

from __future__ import annotations

import re
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


#: A browser step whose value is the Leaflet map (setView and the like return it): Playwright
#: then serialises the map's whole object graph, about 5 s a call. ``void`` discards it.
_RETURNS_THE_MAP = re.compile(
    r"""evaluate\(\s*f?["'](?:\([^)]*\)\s*=>\s*)?(?:window\.\w+\s*=\s*bordermon\.map\b|"""
    r"""bordermon\.map\.(?:setView|fitBounds|panBy|panTo|flyTo|setZoom|zoomIn|zoomOut|closePopup)\()"""
)


def test_no_browser_step_hands_the_map_back_to_python() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, match.start()) + 1}"
        for folder in ("tests", "bench")
        for path in sorted((ROOT / folder).glob("*.py"))
        for text in [path.read_text(encoding="utf-8")]
        for match in _RETURNS_THE_MAP.finditer(text)
    ]
    assert found == [], f"discard the map with void: {found}"
