"""An installed (non-editable) package finds its schema, register, reference data and store."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_a_regular_install_validates_the_shipped_store(tmp_path: Path) -> None:
    target = tmp_path / "site"
    offline = ["--quiet", "--no-deps", "--no-build-isolation", "--no-index"]
    build = subprocess.run(
        [sys.executable, "-m", "pip", "install", *offline, "--target", str(target), str(ROOT)],
        capture_output=True,
        text=True,
    )
    assert build.returncode == 0, build.stderr[-2000:]
    assert (target / "geodata" / "schema" / "event.schema.json").is_file()
    # Run from elsewhere with only the installed copy on the path (not this checkout).
    env = {**os.environ, "PYTHONPATH": str(target), "BORDERMON_CACHE": "off"}
    env.pop("BORDERMON_STORE", None)
    code = (
        "import sys, layers; assert layers.__file__.startswith(sys.argv[1]), layers.__file__\n"
        "from layers.cli import main; sys.exit(main(['validate']))"
    )
    run = subprocess.run(
        [sys.executable, "-c", code, str(target)], cwd=tmp_path, capture_output=True, text=True, env=env
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert "No problems found." in run.stdout
    assert "valid feature" in run.stdout
