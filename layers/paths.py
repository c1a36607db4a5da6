"""Where bordermon's shipped data lives, and the settings that point elsewhere."""

from __future__ import annotations

import os
import sys
from pathlib import Path

__all__ = [
    "CACHE_ENV",
    "GEODATA",
    "REFERENCE_DIR",
    "ROOT",
    "SCHEMA_PATH",
    "SHIPPED_STORE",
    "STORE_ENV",
    "default_cache",
    "default_store",
]

ROOT = Path(__file__).resolve().parent.parent
GEODATA = ROOT / "geodata"
SHIPPED_STORE = GEODATA / "events"
REFERENCE_DIR = GEODATA / "reference"
SCHEMA_PATH = GEODATA / "schema" / "event.schema.json"
#: Environment variable naming another event store (a directory or one file).
STORE_ENV = "BORDERMON_STORE"
#: Environment variable naming the cache directory of validated snapshots (``off``: none).
CACHE_ENV = "BORDERMON_CACHE"
_CACHE_OFF = ("off", "0", "no", "none")


def default_store() -> Path:
    """The store to read when none is named: ``$BORDERMON_STORE``, else the shipped one."""
    configured = os.environ.get(STORE_ENV, "").strip()
    return Path(configured).expanduser() if configured else SHIPPED_STORE


def default_cache() -> Path | None:
    """The directory of validated snapshots, or None when ``$BORDERMON_CACHE`` is ``off``.

    ``$BORDERMON_CACHE`` when set, else the user's cache directory of the platform:
    ``$XDG_CACHE_HOME/bordermon`` (``~/.cache/bordermon``) on Linux and other Unix,
    ``~/Library/Caches/bordermon`` on macOS, ``%LOCALAPPDATA%\\bordermon\\Cache`` on Windows.
    Everything in it can be deleted at any time; it is made again when needed.
    """
    configured = os.environ.get(CACHE_ENV, "").strip()
    if configured.lower() in _CACHE_OFF:
        return None
    if configured:
        return Path(configured).expanduser()
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA", "").strip()
        return (Path(base) if base else Path.home() / "AppData" / "Local") / "bordermon" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "bordermon"
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(xdg) if xdg else Path.home() / ".cache") / "bordermon"
