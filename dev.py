#!/usr/bin/env python3
"""Set up bordermon on this machine and run it: the two commands of the README.

    python3 dev.py dashboard   # install what is missing, then open the dashboard
    python3 dev.py test        # install what is missing, then run the whole test suite

It creates a virtual environment in .venv, installs the project with its test
dependencies, installs the pinned map assets with npm when Node.js is present, and
repeats an install step only when pyproject.toml or package-lock.json has changed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
#: Every dependency (and the test tools) pinned with hashes; see the README to refresh it.
LOCK = ROOT / "requirements-lock.txt"
#: The suite runs on this many cores at most (pytest-xdist): each worker drives its own
#: Chromium and dashboard server, so more would cost memory for little gain.
TEST_WORKERS = 4


def say(message: str) -> None:
    print(f"[bordermon] {message}", flush=True)


def digest(*paths: Path) -> str:
    h = hashlib.sha256()
    for path in paths:
        h.update(path.read_bytes() if path.exists() else b"-")
    return h.hexdigest()


def run(command: list[str], **kwargs: object) -> None:
    result = subprocess.run(command, cwd=ROOT, check=False, **kwargs)  # type: ignore[call-overload]
    if result.returncode != 0:
        sys.exit(f"[bordermon] this step failed (exit {result.returncode}): {' '.join(command)}")


def python_environment() -> None:
    if not PYTHON.exists():
        say("creating the virtual environment in .venv")
        try:
            venv.EnvBuilder(with_pip=True).create(VENV)
        except Exception as exc:  # Debian without python3-venv fails here
            sys.exit(
                f"[bordermon] cannot create .venv ({exc}); on Debian/Ubuntu: apt-get install python3-venv"
            )
    stamp = VENV / ".bordermon-installed"
    wanted = digest(ROOT / "pyproject.toml", LOCK)
    if stamp.exists() and stamp.read_text() == wanted:
        return
    say("installing bordermon and its pinned dependencies into .venv")
    run([str(PYTHON), "-m", "pip", "install", "--quiet", "--upgrade", "pip"])
    # Exactly the versions the tests ran with, each checked against its recorded hash.
    run([str(PYTHON), "-m", "pip", "install", "--quiet", "--require-hashes", "-r", str(LOCK)])
    run([str(PYTHON), "-m", "pip", "install", "--quiet", "--no-deps", "-e", "."])
    stamp.write_text(wanted)


def map_assets(required: bool) -> None:
    """Leaflet and friends from the pinned package-lock.json, so maps work offline."""
    lock = ROOT / "package-lock.json"
    if not lock.exists():
        return
    stamp = ROOT / "node_modules" / ".bordermon-installed"
    wanted = digest(ROOT / "package.json", lock)
    if not (stamp.exists() and stamp.read_text() == wanted):
        npm = shutil.which("npm")
        if npm is None:
            message = "npm (Node.js) is not installed: maps load their scripts from CDNs until it is"
            if required:
                sys.exit(f"[bordermon] {message}; CI needs the local assets")
            say(message)
            return
        say("installing the pinned map assets with npm")
        command = [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"]
        if required:
            run(command)
        elif subprocess.run(command, cwd=ROOT, check=False).returncode != 0:
            say("npm could not install the map assets: maps load their scripts from CDNs until it can")
            return
        stamp.write_text(wanted)
    sync = ROOT / "scripts" / "sync_assets.py"
    if sync.exists():
        run([str(PYTHON), str(sync)])


def main(argv: list[str]) -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - this script may be started by an older Python
        sys.exit(f"[bordermon] Python 3.11 or newer is needed; this is {sys.version.split()[0]}")
    if not argv or argv[0] not in ("dashboard", "test"):
        sys.exit(__doc__)
    command, rest = argv[0], argv[1:]
    python_environment()
    map_assets(required=os.environ.get("CI") == "true")
    if command == "dashboard":
        say("starting the dashboard; open the address Streamlit prints below")
        os.execv(str(PYTHON), [str(PYTHON), "-m", "streamlit", "run", "dashboard/app.py", *rest])
    os.execv(str(PYTHON), [str(PYTHON), "-m", "pytest", *test_workers(rest), *rest])


def test_workers(rest: list[str]) -> list[str]:
    """Spread the suite over the machine's cores, unless the arguments choose (``-n 0``: none)."""
    if any(arg.startswith(("-n", "--numprocesses", "no:xdist")) for arg in rest):
        return []
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    workers = min(cores, TEST_WORKERS)
    return ["-n", str(workers)] if workers > 1 else []


if __name__ == "__main__":
    main(sys.argv[1:])
