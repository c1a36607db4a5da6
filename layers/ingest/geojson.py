"""Read features to merge from another bordermon store file or a plain GeoJSON file.

Each feature is checked against the store's schema and rules exactly as the store's own
files are (:func:`layers.validate.check_features`); the ones that fail are rejected with
every problem, the others are written in canonical form. A plain GeoJSON file whose
properties are not in the store's schema is read, and every feature is rejected with its
reasons: nothing is guessed.
"""

from __future__ import annotations

from typing import Any

from layers import reasons
from layers.ingest.model import Candidate, ImportFileError, Rejected
from layers.ingest.table import check_text
from layers.store import canonical_feature
from layers.validate import SCHEMA_VERSION, check_features, decode_json

__all__ = ["read_geojson_features", "validate_geojson_features"]


def read_geojson_features(data: bytes, label: str) -> list[Any]:
    """Decode a FeatureCollection (or a single Feature) and return its features.

    Raises
    ------
    ImportFileError
        If the file is empty, not UTF-8, not JSON, not GeoJSON features, of another
        schema version, or has no features.
    """
    check_text(data, label)
    decoded, reason = decode_json(data.decode("utf-8-sig"))
    if reason is not None:
        raise ImportFileError(label, reason)
    if isinstance(decoded, dict) and decoded.get("type") == "Feature":
        return [decoded]
    if not isinstance(decoded, dict) or decoded.get("type") != "FeatureCollection":
        found = decoded.get("type") if isinstance(decoded, dict) else type(decoded).__name__
        raise ImportFileError(label, reasons.NOT_GEOJSON.format(found=repr(found)))
    meta = decoded.get("bordermon")
    if isinstance(meta, dict) and meta.get("schema_version") not in (None, SCHEMA_VERSION):
        version = meta.get("schema_version")
        raise ImportFileError(
            label, reasons.OTHER_BORDERMON_SCHEMA.format(found=repr(version), version=SCHEMA_VERSION)
        )
    features = decoded.get("features")
    if not isinstance(features, list):
        raise ImportFileError(label, reasons.FEATURES_NOT_GEOJSON)
    if not features:
        raise ImportFileError(label, reasons.NO_FEATURES)
    return features


def validate_geojson_features(features: list[Any], label: str) -> tuple[list[Candidate], list[Rejected]]:
    """Check features against the schema; valid ones come back in canonical form.

    Returns
    -------
    (list of Candidate, list of Rejected)
        Valid features (numbered from 1 in the file), and every problem of the others.
    """
    candidates: list[Candidate] = []
    rejected: list[Rejected] = []
    for position, (checked, problems) in enumerate(check_features(features, file=label)):
        record = position + 1
        if checked is None:
            rejected.extend(Rejected(record, None, p.id, p.field, p.reason) for p in problems)
            continue
        checked.feature = canonical_feature(checked.feature)
        candidates.append(Candidate(record, None, checked))
    return candidates, rejected
