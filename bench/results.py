"""Where a benchmark keeps its figures: each run a dated section at the top of its file.

A ``RESULTS-*.md`` file is the history of a benchmark: the runs before and after each
change, with the machine's load and the code they measured. Writing a run over the whole
file, as the scripts once did, lost every earlier round; ``record`` adds the run as a new
section above the others (newest first, below the file's title and introduction) and
keeps everything else byte for byte.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from datetime import date
from pathlib import Path

__all__ = ["record", "revision"]

ROOT = Path(__file__).resolve().parent.parent


def revision() -> str:
    """The code measured: the commit, marked when the work tree has changes; or "revision unknown"."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "revision unknown"
    return f"{commit} with changes not committed" if dirty else commit


def record(path: Path, title: str, section: str, *, day: date | None = None, code: str | None = None) -> None:
    """Add a run (markdown, without heading) to the benchmark's file ``path`` as its newest section.

    A new file starts with ``# title``. The section's heading names the day and the code
    measured (``revision()`` unless ``code`` is given). The file is replaced at once (a
    temporary file renamed over it), never left half-written.
    """
    heading = f"## {(day or date.today()).strftime('%-d %B %Y')}, {code or revision()}"
    block = f"{heading}\n\n{section.strip()}\n\n"
    text = path.read_text(encoding="utf-8") if path.exists() else f"# {title}\n\n"
    first = re.search(r"^## ", text, re.M)
    if first:
        out = text[: first.start()] + block + text[first.start() :]
    else:  # a title and an introduction only: the run goes below them
        out = text.rstrip("\n") + "\n\n" + block.rstrip("\n") + "\n"
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(out)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
