"""Shared pieces of the import tests: fixture files and a copy of the shipped store."""

from __future__ import annotations

import shutil
from pathlib import Path

from layers.paths import SHIPPED_STORE

DATA = Path(__file__).parent / "data"
ACLED_CURRENT = DATA / "acled" / "current-layout.csv"
ACLED_OLDER = DATA / "acled" / "older-layout.csv"
UCDP_GED = DATA / "ucdp" / "ged-23.1.csv"
UCDP_EXTRACT = DATA / "ucdp" / "ged-extract.csv"

#: Shipped events the fixture rows duplicate (ids are never reused or renumbered).
BANJSKA_SIEGE = "2023-09-24-banjska-monastery-siege"
ZVECAN_CLASHES = "2023-05-29-zvecan-clashes"


def shipped_copy(tmp_path: Path) -> Path:
    """A copy of the shipped store to import into."""
    root = tmp_path / "store"
    shutil.copytree(SHIPPED_STORE, root, ignore=shutil.ignore_patterns(".bordermon.lock"))
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file of a store, by relative path (to prove nothing changed)."""
    if not root.exists():
        return {}
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != ".bordermon.lock"
    }
