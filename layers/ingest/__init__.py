"""Bring data into the store: ACLED and UCDP imports and GeoJSON merges.

The two calls an editor (the command line, or the dashboard's editor page) needs::

    plan = plan_import("acled", "export.csv", store)   # a dry run: nothing is written
    print(plan.format())                               # rows read, new, outside, duplicates, rejected
    result = apply_import(plan)                        # under the store's lock, atomically

Every row read is accounted for: new, outside the region, duplicate (never merged), or
rejected with its line and reason. A file that cannot be imported at all raises
:class:`ImportFileError` with one line. Column mappings and precision tables are in
``docs/imports.md``.
"""

from __future__ import annotations

from layers.ingest.dedupe import PLACE_TOLERANCE_KM
from layers.ingest.model import (
    MAX_IMPORT_BYTES,
    Candidate,
    Duplicate,
    ImportFileError,
    Progress,
    Rejected,
)
from layers.ingest.plan import (
    IMPORT_KINDS,
    IMPORTS_DIR,
    ImportKind,
    ImportPlan,
    ImportResult,
    apply_import,
    detect_kind,
    plan_import,
)
from layers.ingest.region import DEFAULT_MAX_DISTANCE_KM, classify_points

__all__ = [
    "DEFAULT_MAX_DISTANCE_KM",
    "IMPORTS_DIR",
    "IMPORT_KINDS",
    "MAX_IMPORT_BYTES",
    "PLACE_TOLERANCE_KM",
    "Candidate",
    "Duplicate",
    "ImportFileError",
    "ImportKind",
    "ImportPlan",
    "ImportResult",
    "Progress",
    "Rejected",
    "apply_import",
    "classify_points",
    "detect_kind",
    "plan_import",
]
