"""Where bordermon's shipped data lives, and the setting that points elsewhere."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["GEODATA", "REFERENCE_DIR", "ROOT", "SCHEMA_PATH", "SHIPPED_STORE", "STORE_ENV", "default_store"]

ROOT = Path(__file__).resolve().parent.parent
GEODATA = ROOT / "geodata"
SHIPPED_STORE = GEODATA / "events"
REFERENCE_DIR = GEODATA / "reference"
SCHEMA_PATH = GEODATA / "schema" / "event.schema.json"
#: Environment variable naming another event store (a directory or one file).
STORE_ENV = "BORDERMON_STORE"


def default_store() -> Path:
    """The store to read when none is named: ``$BORDERMON_STORE``, else the shipped one."""
    configured = os.environ.get(STORE_ENV, "").strip()
    return Path(configured).expanduser() if configured else SHIPPED_STORE
