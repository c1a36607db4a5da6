"""Validate bordermon event collections and sort features into kept and set aside.

Validation never drops a record silently and never renumbers: every problem names the
file, the feature's index in that file, its id, the field and the reason, and every
feature that fails is counted as set aside. JSON Schema (``geodata/schema``) checks the
shape of a feature; the checks here cover what a schema cannot express: real calendar
dates, ``end`` not before ``start``, ranges with ``min <= max``, valid geometry,
coordinates inside the region (the usual sign of swapped latitude and longitude), and
ids unique across the whole store.
"""

from __future__ import annotations

import copy
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any, Literal
from zoneinfo import ZoneInfo

import fastjsonschema
import jsonschema
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from layers.paths import SCHEMA_PATH

__all__ = [
    "LAYERS",
    "LOCAL_TZ",
    "REGION_BOUNDS",
    "SCHEMA_VERSION",
    "CheckedFeature",
    "Problem",
    "ValidationReport",
    "check_collection",
    "check_feature",
    "describe_json_error",
    "event_schema",
    "find_duplicates",
    "layer_counts",
    "parse_time",
]

SCHEMA_VERSION = "1.0"
LAYERS: tuple[str, ...] = ("incident", "deployment", "kfor")
LOCAL_TZ = ZoneInfo("Europe/Belgrade")
#: Longitude/latitude box of the region (Kosovo, Serbia and their neighbours). A point
#: outside it is almost always a typo or latitude and longitude given the wrong way round.
REGION_BOUNDS: tuple[float, float, float, float] = (18.0, 40.5, 23.5, 46.5)
EARLIEST = date(1900, 1, 1)

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the store, precise enough to find and fix it."""

    file: str
    index: int | None
    id: str | None
    field: str
    reason: str
    severity: Severity = "error"

    def __str__(self) -> str:
        where = self.file if self.index is None else f"{self.file} feature {self.index}"
        ident = f" id={self.id}" if self.id else ""
        return f"{self.severity.upper():7} {where}{ident} {self.field}: {self.reason}"


@dataclass
class ValidationReport:
    """What validating a store found: problems, and what was kept or set aside.

    Attributes
    ----------
    problems : list of Problem
        Every error and warning, in file and feature order.
    counts : dict
        Valid features per layer.
    set_aside : int
        Features that failed validation and are not shown.
    files : int
        Collection files read.
    """

    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(LAYERS, 0))
    set_aside: int = 0
    files: int = 0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        """True when there is no error (warnings are allowed)."""
        return not self.errors

    def format(self, *, root: str = "") -> str:
        """Render the report for people: problems first, then the counts."""
        lines = [str(p) for p in self.problems]
        if lines:
            lines.append("")
        label = f"bordermon store {root}".rstrip()
        total = sum(self.counts.values())
        lines.append(f"{label}: {self.files} file(s), {total} valid feature(s)")
        for layer in LAYERS:
            lines.append(f"  {layer:<11} {self.counts.get(layer, 0):>7}")
        lines.append(f"  {'set aside':<11} {self.set_aside:>7}")
        n_err, n_warn = len(self.errors), len(self.warnings)
        if n_err or n_warn:
            lines.append(f"{n_err} error(s), {n_warn} warning(s)")
        else:
            lines.append("No problems found.")
        return "\n".join(lines)


@dataclass
class CheckedFeature:
    """A feature that passed validation, with its geometry and times parsed once."""

    file: str
    index: int
    feature: dict[str, Any]
    geometry: BaseGeometry | None
    start: datetime
    end: datetime | None


@lru_cache(maxsize=1)
def event_schema() -> dict[str, Any]:
    """The event JSON Schema, loaded once (a fresh copy each call is not needed)."""
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return loaded


@lru_cache(maxsize=1)
def _fast_validator() -> Any:
    # fastjsonschema compiles the schema to Python and is ~13x faster than jsonschema; it
    # speaks draft-07, which covers every keyword the schema uses.
    schema = copy.deepcopy(event_schema())
    schema["$schema"] = "http://json-schema.org/draft-07/schema#"
    schema.pop("$id", None)
    return fastjsonschema.compile(schema)


@lru_cache(maxsize=1)
def _full_validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(event_schema())


def parse_time(text: str) -> datetime:
    """Parse a store time (ISO 8601 date or datetime) to an aware local datetime.

    A date, or a time without an offset, is local time in Kosovo (Europe/Belgrade).

    Raises
    ------
    ValueError
        If the text is not a real calendar date or time.
    """
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=LOCAL_TZ)
    return parsed.astimezone(LOCAL_TZ)


def _schema_problems(feature: Any, file: str, index: int, fid: str | None) -> list[Problem]:
    try:
        _fast_validator()(feature)
        return []
    except fastjsonschema.JsonSchemaException:
        pass
    problems = []
    errors = sorted(_full_validator().iter_errors(feature), key=lambda e: list(e.path))
    for error in errors:
        parts = [str(part) for part in error.absolute_path]
        if error.validator == "required":
            missing = error.message.split("'")[1] if "'" in error.message else "?"
            parts.append(missing)
        path = ".".join(parts) or "(feature)"
        problems.append(Problem(file, index, fid, path, _describe(error)))
    return problems or [Problem(file, index, fid, "(feature)", "does not match the schema")]


def _describe(error: jsonschema.ValidationError) -> str:
    """Say what a schema error means in words a curator can act on."""
    validator = error.validator
    if validator == "required":
        return "missing (a required field)"
    if validator == "minItems" and error.validator_value == 1:
        return "must not be empty (at least one entry is required)"
    if validator == "additionalProperties":
        return f"unknown field(s): {error.message.split('(')[-1].rstrip(')')}"
    if validator == "oneOf" and list(error.absolute_path)[-1:] in (["fatalities"], ["injured"]):
        return "must be a whole number >= 0, a {min, max} range, or null"
    if validator == "pattern" and list(error.absolute_path)[-1:] in (["start"], ["end"]):
        return f"{error.instance!r} is not an ISO 8601 date (YYYY-MM-DD) or date-time"
    return str(error.message)


def _check_time(value: str, name: str) -> tuple[datetime | None, str | None]:
    try:
        parsed = parse_time(value)
    except ValueError:
        return None, f"{value!r} is not a real date"
    if parsed.date() < EARLIEST:
        return None, f"{value!r} is before {EARLIEST.isoformat()}; a typo in the year?"
    tomorrow = datetime.now(LOCAL_TZ) + timedelta(days=1)
    if parsed > tomorrow:
        return None, f"{value!r} is in the future; {name} records what happened"
    return parsed, None


def _check_geometry(raw: Mapping[str, Any]) -> tuple[BaseGeometry | None, str | None, str]:
    """Build the shapely geometry and say what is wrong with it, if anything."""
    try:
        geom = shape(raw)
    except (ValueError, TypeError, IndexError, KeyError, AttributeError) as exc:
        return None, f"malformed {raw.get('type')} coordinates ({exc})", "geometry.coordinates"
    coords = shapely.get_coordinates(geom)
    if coords.size == 0:
        return None, "has no coordinates", "geometry.coordinates"
    if not all(math.isfinite(v) for v in coords.ravel()):
        return None, "has NaN or infinite coordinates", "geometry.coordinates"
    lon, lat = coords[:, 0], coords[:, 1]
    if (abs(lon) > 180).any() or (abs(lat) > 90).any():
        return None, "coordinates out of range (longitude ±180, latitude ±90)", "geometry.coordinates"
    west, south, east, north = REGION_BOUNDS
    outside = (lon < west) | (lon > east) | (lat < south) | (lat > north)
    if outside.any():
        x, y = coords[int(outside.argmax())]
        swapped = west <= y <= east and south <= x <= north
        hint = "; it looks like latitude and longitude are swapped (GeoJSON is [lon, lat])" if swapped else ""
        return (
            None,
            f"point ({x:g}, {y:g}) lies far outside the region "
            f"(lon {west}–{east}, lat {south}–{north}){hint}",
            "geometry.coordinates",
        )
    if not geom.is_valid:
        return None, f"invalid geometry: {shapely.is_valid_reason(geom)}", "geometry"
    return geom, None, "geometry"


def check_feature(
    feature: Any, *, file: str = "<feature>", index: int = 0
) -> tuple[CheckedFeature | None, list[Problem]]:
    """Validate one feature against the schema and the semantic rules.

    Parameters
    ----------
    feature : object
        A decoded GeoJSON Feature.
    file, index : str, int
        Where the feature comes from, for the report.

    Returns
    -------
    (CheckedFeature or None, list of Problem)
        The parsed feature when it has no error, and every problem found.
    """
    fid = feature.get("id") if isinstance(feature, dict) else None
    fid = fid if isinstance(fid, str) else (None if fid is None else str(fid))
    if not isinstance(feature, dict):
        kind = type(feature).__name__
        return None, [Problem(file, index, None, "(feature)", f"is a JSON {kind}, not an object")]
    problems = _schema_problems(feature, file, index, fid)
    props = feature.get("properties")
    props = props if isinstance(props, dict) else {}

    flagged = {p.field for p in problems}
    start = end = None
    for name in ("start", "end"):
        value = props.get(name)
        if isinstance(value, str) and f"properties.{name}" not in flagged:
            parsed, reason = _check_time(value, "the store")
            if reason:
                problems.append(Problem(file, index, fid, f"properties.{name}", reason))
            elif name == "start":
                start = parsed
            else:
                end = parsed
    if start is not None and end is not None and end < start:
        problems.append(
            Problem(file, index, fid, "properties.end", f"{props['end']} is before start {props['start']}")
        )

    for name in ("fatalities", "injured"):
        value = props.get(name)
        if (
            isinstance(value, dict)
            and isinstance(value.get("min"), int)
            and isinstance(value.get("max"), int)
        ) and value["min"] > value["max"]:
            problems.append(
                Problem(
                    file,
                    index,
                    fid,
                    f"properties.{name}",
                    f"range min {value['min']} > max {value['max']}",
                )
            )

    geom: BaseGeometry | None = None
    raw_geom = feature.get("geometry")
    precision = props.get("location_precision")
    if isinstance(raw_geom, dict) and isinstance(raw_geom.get("coordinates"), list):
        geom, reason, where = _check_geometry(raw_geom)
        if reason:
            problems.append(Problem(file, index, fid, where, reason))
        if precision == "none":
            problems.append(
                Problem(
                    file,
                    index,
                    fid,
                    "properties.location_precision",
                    "is 'none' but the feature has a geometry; give its precision",
                )
            )
    elif raw_geom is None and precision not in (None, "none"):
        problems.append(
            Problem(
                file,
                index,
                fid,
                "geometry",
                f"is null but location_precision is {precision!r}; use 'none' for events without a position",
            )
        )

    errors = [p for p in problems if p.severity == "error"]
    if errors or start is None:
        return None, problems
    return CheckedFeature(file, index, feature, geom, start, end), problems


def check_collection(data: Any, *, file: str) -> tuple[list[CheckedFeature], list[Problem], int]:
    """Validate a decoded FeatureCollection.

    Returns
    -------
    (list of CheckedFeature, list of Problem, int)
        The valid features, every problem, and how many features were set aside.
    """
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        found = data.get("type") if isinstance(data, dict) else type(data).__name__
        return [], [Problem(file, None, None, "type", f"is {found!r}, not a FeatureCollection")], 0
    features = data.get("features")
    if not isinstance(features, list):
        return [], [Problem(file, None, None, "features", "must be a list of Features")], 0
    meta = data.get("bordermon")
    problems: list[Problem] = []
    if isinstance(meta, dict) and meta.get("schema_version") not in (None, SCHEMA_VERSION):
        problems.append(
            Problem(
                file,
                None,
                None,
                "bordermon.schema_version",
                f"is {meta.get('schema_version')!r}; this version of bordermon reads {SCHEMA_VERSION}",
            )
        )
        return [], problems, len(features)
    kept: list[CheckedFeature] = []
    for index, feature in enumerate(features):
        checked, found = check_feature(feature, file=file, index=index)
        problems.extend(found)
        if checked is not None:
            kept.append(checked)
    return kept, problems, len(features) - len(kept)


def find_duplicates(features: Sequence[CheckedFeature]) -> tuple[list[CheckedFeature], list[Problem]]:
    """Keep the first feature of each id; report and set aside the later ones."""
    first: dict[str, CheckedFeature] = {}
    kept: list[CheckedFeature] = []
    problems: list[Problem] = []
    for item in features:
        fid = item.feature["id"]
        seen = first.get(fid)
        if seen is None:
            first[fid] = item
            kept.append(item)
        else:
            problems.append(
                Problem(
                    item.file,
                    item.index,
                    fid,
                    "id",
                    f"duplicate id: already used by {seen.file} feature {seen.index}",
                )
            )
    return kept, problems


def describe_json_error(exc: json.JSONDecodeError) -> str:
    """A one-line account of a JSON syntax error, with line and column."""
    return f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"


def layer_counts(features: Iterable[CheckedFeature]) -> dict[str, int]:
    counts = dict.fromkeys(LAYERS, 0)
    for item in features:
        layer = item.feature["properties"]["layer"]
        counts[layer] = counts.get(layer, 0) + 1
    return counts
