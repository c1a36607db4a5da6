#!/usr/bin/env python3
"""Copy the pinned map assets from node_modules/ into dashboard/static/vendor/.

Streamlit serves dashboard/static/ under /app/static/ (server.enableStaticServing), so
the dashboard's maps load Leaflet and its companions from the app itself. dev.py runs
this after `npm ci`; run it by hand after installing the assets another way.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from layers.assets import STATIC_VENDOR_DIR, AssetsMissingWarning, sync_static


def main() -> int:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", AssetsMissingWarning)
        placed = sync_static(STATIC_VENDOR_DIR)
    if not placed:
        message = str(caught[0].message) if caught else "nothing to copy"
        print(f"[bordermon] map assets not copied: {message}", file=sys.stderr)
        return 1
    print(f"[bordermon] {len(placed)} map asset files copied to dashboard/static/vendor/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
