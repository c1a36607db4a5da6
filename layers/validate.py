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
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any, Literal
from zoneinfo import ZoneInfo

import fastjsonschema
import jsonschema
import numpy as np
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from layers.paths import SCHEMA_PATH
from layers.publishers import source_problems
from layers.vocabulary import CATEGORIES, LAYERS, SCHEMA_VERSION

__all__ = [
    "LAYERS",
    "LOCAL_TZ",
    "REGION_BOUNDS",
    "SCHEMA_VERSION",
    "CheckedFeature",
    "Problem",
    "ValidationReport",
    "categories_by_layer",
    "check_collection",
    "check_feature",
    "check_features",
    "decode_json",
    "describe_json_error",
    "event_schema",
    "find_duplicates",
    "layer_counts",
    "parse_time",
]

LOCAL_TZ = ZoneInfo("Europe/Belgrade")
#: Longitude/latitude box of the region (Kosovo, Serbia and their neighbours). A point
#: outside it is almost always a typo or latitude and longitude given the wrong way round.
REGION_BOUNDS: tuple[float, float, float, float] = (18.0, 40.5, 23.5, 46.5)
EARLIEST = date(1900, 1, 1)
#: The largest casualty figure (the schema's ``count`` maximum, 2**53 - 1).
MAX_COUNT = 9_007_199_254_740_991
#: Deepest nesting allowed inside an extension (``x_``) field. Everything else in a
#: feature has a fixed shape; a deeper value would break writing and caching it.
MAX_EXTENSION_DEPTH = 32
#: GeoJSON position: which level of nesting holds ``[lon, lat]`` in each geometry type.
_POSITION_DEPTH = {
    "Point": 0,
    "MultiPoint": 1,
    "LineString": 1,
    "MultiLineString": 2,
    "Polygon": 2,
    "MultiPolygon": 3,
}

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


def categories_by_layer() -> dict[str, tuple[str, ...]]:
    """The categories the schema allows in each layer (see :mod:`layers.vocabulary`)."""
    return dict(CATEGORIES)


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
        return f"must be a whole number >= 0 (at most {MAX_COUNT}), a {{min, max}} range, or null"
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


def _is_number(value: Any) -> bool:
    return type(value) is int or type(value) is float


def _position_problem(position: Any, where: str) -> str | None:
    """Why a GeoJSON position is not ``[lon, lat]`` or ``[lon, lat, height]``, if it is not."""
    if type(position) is not list or not 2 <= len(position) <= 3:
        return f"{where} must be a position [longitude, latitude], found {_kind(position)}"
    for n, value in enumerate(position):
        if not _is_number(value):
            return f"{where}[{n}] must be a number, found {_kind(value)}"
        # Compared before any conversion: a 400-digit integer cannot become a float.
        if type(value) is float and not math.isfinite(value):
            return f"{where}[{n}] is NaN or infinite"
    lon, lat = position[0], position[1]
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        return f"out of range at {where} (longitude ±180, latitude ±90)"
    return None


def _kind(value: Any) -> str:
    if type(value) is list:
        return f"a list of {len(value)}"
    return {str: "a string", bool: "a boolean", dict: "an object", type(None): "null"}.get(
        type(value), f"a {type(value).__name__}"
    )


def _coordinates_problem(kind: str, coordinates: Any) -> str | None:
    """Check the nesting of GeoJSON coordinates (RFC 7946 §3.1) before shapely reads them.

    shapely would accept ``["20.7", "42.9"]`` or ``[[20.7, 42.9]]`` for a point; GeoJSON
    does not, and neither does the store.
    """
    depth = _POSITION_DEPTH.get(kind)
    if depth is None:
        return None  # the schema reports an unknown type
    level: list[tuple[Any, str]] = [(coordinates, "coordinates")]
    for _ in range(depth):
        below: list[tuple[Any, str]] = []
        for items, where in level:
            if type(items) is not list or not items:
                return f"{where} must be a non-empty list for a {kind}, found {_kind(items)}"
            below.extend((item, f"{where}[{n}]") for n, item in enumerate(items))
        level = below
    for position, where in level:
        problem = _position_problem(position, where)
        if problem:
            return problem
    return None


def _check_geometry(raw: Mapping[str, Any]) -> tuple[BaseGeometry | None, str | None, str]:
    """Build the shapely geometry and say what is wrong with it, if anything."""
    problem = _coordinates_problem(str(raw.get("type")), raw.get("coordinates"))
    if problem:
        return None, f"malformed {raw.get('type')} coordinates: {problem}", "geometry.coordinates"
    try:
        geom = shape(raw)
    except (ValueError, TypeError, IndexError, KeyError, AttributeError) as exc:
        return None, f"malformed {raw.get('type')} coordinates ({exc})", "geometry.coordinates"
    coords = shapely.get_coordinates(geom)
    if coords.size == 0:
        return None, "has no coordinates", "geometry.coordinates"
    lon, lat = coords[:, 0], coords[:, 1]
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


def _too_deep(value: Any, limit: int) -> bool:
    """True when lists or objects nest more than ``limit`` levels (checked without recursion)."""
    level = [value]
    for _ in range(limit + 1):
        below: list[Any] = []
        for item in level:
            if type(item) is list:
                below.extend(item)
            elif type(item) is dict:
                below.extend(item.values())
        if not below:
            return False
        level = below
    return True


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

    uncertainty = props.get("uncertainty_km")
    if type(uncertainty) is float and not math.isfinite(uncertainty):
        problems.append(Problem(file, index, fid, "properties.uncertainty_km", "is NaN or infinite"))
    for name, value in props.items():
        if isinstance(name, str) and name.startswith("x_") and _too_deep(value, MAX_EXTENSION_DEPTH):
            problems.append(
                Problem(
                    file,
                    index,
                    fid,
                    f"properties.{name}",
                    f"is nested more than {MAX_EXTENSION_DEPTH} levels deep",
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
    for checked, found in check_features(features, file=file):
        problems.extend(found)
        if checked is not None and not _publisher_problems(checked, problems):
            kept.append(checked)
    return kept, problems, len(features) - len(kept)


def _publisher_problems(item: CheckedFeature, problems: list[Problem]) -> bool:
    """Check the sources against the publisher register; True when any error was found."""
    found = source_problems(item.feature["properties"])
    problems.extend(Problem(item.file, item.index, item.feature["id"], name, why) for name, why in found)
    return bool(found)


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


def decode_json(text: str) -> tuple[Any, str | None]:
    """Decode JSON text, or say in one line why it cannot be decoded.

    Hostile input fails here as one reason rather than an exception: a syntax error, an
    integer longer than Python will convert (4,300 digits), or nesting deeper than the
    interpreter's recursion limit (a file of 100,000 ``[``).
    """
    try:
        return json.loads(text), None
    except json.JSONDecodeError as exc:
        return None, describe_json_error(exc)
    except RecursionError:
        return None, "invalid JSON: nested too deeply (arrays or objects inside each other)"
    except ValueError as exc:  # an integer with more digits than int() accepts
        return None, f"invalid JSON: {str(exc).split(';')[0]}"


def layer_counts(features: Iterable[CheckedFeature]) -> dict[str, int]:
    counts = dict.fromkeys(LAYERS, 0)
    for item in features:
        layer = item.feature["properties"]["layer"]
        counts[layer] = counts.get(layer, 0) + 1
    return counts


# --------------------------------------------------------------------------- batch checks


@dataclass(frozen=True)
class _FastRules:
    """What the fast path of :func:`check_features` accepts, read from the schema once."""

    id_match: Callable[[str], Any]
    time_match: Callable[[str], bool]
    partial_date_match: Callable[[str], bool]
    url_match: Callable[[str], bool]
    language_match: Callable[[str], bool]
    categories: dict[str, frozenset[str]]
    time_precisions: frozenset[str]
    sides: frozenset[str | None]
    location_precisions: frozenset[str]
    confidences: frozenset[str]
    property_names: frozenset[str]
    required: frozenset[str]
    source_names: frozenset[str]
    source_required: frozenset[str]


@lru_cache(maxsize=1)
def _fast_rules() -> _FastRules:
    schema = event_schema()
    defs = schema["$defs"]
    props = defs["properties"]
    fields = props["properties"]
    source = defs["source"]
    categories: dict[str, frozenset[str]] = {}
    for rule in props["allOf"]:
        layer = rule["if"]["properties"].get("layer", {}).get("const")
        if layer is not None:
            categories[layer] = frozenset(rule["then"]["properties"]["category"]["enum"])
    return _FastRules(
        id_match=re.compile(defs["event_id"]["pattern"]).fullmatch,
        time_match=_memo(re.compile(defs["time"]["pattern"]).fullmatch),
        partial_date_match=_memo(re.compile(defs["partial_date"]["pattern"]).fullmatch),
        url_match=_memo(re.compile(source["properties"]["url"]["pattern"]).fullmatch),
        language_match=_memo(re.compile(source["properties"]["language"]["pattern"]).fullmatch),
        categories=categories,
        time_precisions=frozenset(fields["time_precision"]["enum"]),
        sides=frozenset(fields["side"]["enum"]),
        location_precisions=frozenset(fields["location_precision"]["enum"]),
        confidences=frozenset(fields["confidence"]["enum"]),
        property_names=frozenset(fields),
        required=frozenset(props["required"]),
        source_names=frozenset(source["properties"]),
        source_required=frozenset(source["required"]),
    )


_FEATURE_KEYS = frozenset(("type", "id", "geometry", "properties"))
_POINT_KEYS = frozenset(("type", "coordinates"))
_RANGE_KEYS = frozenset(("min", "max"))


def _memo(match: Callable[[str], Any]) -> Callable[[str], bool]:
    """A pattern check remembering its answers: dates, URLs and languages repeat a lot."""
    answers: dict[str, bool] = {}

    def check(text: str) -> bool:
        answer = answers.get(text)
        if answer is None:
            if len(answers) > 65_536:
                answers.clear()
            answer = answers[text] = match(text) is not None
        return answer

    return check


def _plain_texts(values: Any) -> bool:
    """A list of non-empty strings."""
    return type(values) is list and all(type(v) is str and v for v in values)


def _plain_count(value: Any) -> bool:
    if value is None:
        return True
    if type(value) is int:
        return 0 <= value <= MAX_COUNT
    if type(value) is dict and value.keys() == _RANGE_KEYS:
        low, high = value["min"], value["max"]
        return type(low) is int and type(high) is int and 0 <= low <= high <= MAX_COUNT
    return False


def _plain_source(source: Any, rules: _FastRules) -> bool:
    if type(source) is not dict:
        return False
    keys = source.keys()
    if not (keys <= rules.source_names and rules.source_required <= keys):
        return False
    url, published, language = source["url"], source["published"], source["language"]
    publisher, title = source["publisher"], source["title"]
    original, dataset = source.get("original_publisher", "x"), source.get("dataset_id", "")
    archived, note = source.get("archived_url", "https://x"), source.get("note", "x")
    return bool(
        type(url) is str
        and type(published) is str
        and type(language) is str
        and type(publisher) is str
        and type(title) is str
        and type(original) is str
        and type(dataset) is str
        and type(note) is str
        and type(archived) is str
        and publisher
        and note
        and title
        and original
        and rules.url_match(url)
        and rules.url_match(archived)
        and rules.partial_date_match(published)
        and rules.language_match(language)
    )


def _plain_properties(props: Any, rules: _FastRules) -> bool:
    """True only when the properties certainly pass the schema (False: "not sure")."""
    if type(props) is not dict:
        return False
    keys = props.keys()
    if not rules.required <= keys:
        return False
    extra = keys - rules.property_names
    if extra and not all(
        type(k) is str and k.startswith("x_") and not _too_deep(props[k], MAX_EXTENSION_DEPTH) for k in extra
    ):
        return False
    layer, category, title = props["layer"], props["category"], props["title"]
    time_precision, precision = props["time_precision"], props["location_precision"]
    confidence, side, location = props["confidence"], props["side"], props["location"]
    # Values are looked up in sets only when they are strings (a list would not hash).
    if not (
        type(layer) is str
        and type(category) is str
        and type(title) is str
        and type(time_precision) is str
        and type(precision) is str
        and type(confidence) is str
        and type(location) is str
        and (side is None or type(side) is str)
        and type(props["summary"]) is str
    ):
        return False
    layer_categories = rules.categories.get(layer)
    if (
        layer_categories is None
        or category not in layer_categories
        or not 0 < len(title) <= 300
        or not location
        or time_precision not in rules.time_precisions
        or side not in rules.sides
        or precision not in rules.location_precisions
        or confidence not in rules.confidences
        or not _plain_count(props["fatalities"])
        or not _plain_count(props["injured"])
        or not _plain_texts(props["actors"])
    ):
        return False
    if "uncertainty_km" in keys:
        uncertainty = props["uncertainty_km"]
        if type(uncertainty) not in (int, float) or not 0 < uncertainty <= 200:
            return False
    elif precision == "approximate":
        return False
    start, end = props["start"], props.get("end", "2000-01-01")
    if not (type(start) is str and type(end) is str and rules.time_match(start) and rules.time_match(end)):
        return False
    if not _plain_optional(props, keys):
        return False
    sources = props["sources"]
    if type(sources) is not list or not sources:
        return False
    return all(_plain_source(source, rules) for source in sources)


def _plain_optional(props: dict[str, Any], keys: Any) -> bool:
    """The optional fields that need a check: municipality, geometry_note, group, tags, ..."""
    for name in ("municipality", "group"):
        if name in keys and not (type(props[name]) is str and props[name]):
            return False
    if "geometry_note" in keys and type(props["geometry_note"]) is not str:
        return False
    if "tags" in keys and not _plain_texts(props["tags"]):
        return False
    if "disputes" in keys and props["disputes"] != []:
        return False
    if "external_ids" in keys:
        external = props["external_ids"]
        if type(external) is not dict or not all(
            type(k) is str and type(v) is str for k, v in external.items()
        ):
            return False
    return True


def _plain_point(geometry: Any) -> tuple[float, float] | None:
    if type(geometry) is not dict or geometry.keys() != _POINT_KEYS or geometry["type"] != "Point":
        return None
    coords = geometry["coordinates"]
    if type(coords) is not list or len(coords) != 2:
        return None
    x, y = coords
    if type(x) not in (float, int) or type(y) not in (float, int):
        return None
    if not (-180 <= x <= 180 and -90 <= y <= 90):  # also keeps huge integers from float()
        return None
    return float(x), float(y)


def _parsed(times: dict[str, datetime], text: str) -> datetime:
    parsed = times.get(text)
    if parsed is None:
        parsed = times[text] = parse_time(text)
    return parsed


def check_features(
    features: Sequence[Any], *, file: str = "<feature>", start_index: int = 0
) -> list[tuple[CheckedFeature | None, list[Problem]]]:
    """Validate many features at once; the same results as :func:`check_feature` on each.

    Features that are plainly valid (a point or no geometry, every field of the expected
    type and value) are checked in bulk; geometry and region checks are vectorised. Any
    feature the fast path is not sure about goes through :func:`check_feature`, so the
    problems reported are exactly the ones it reports.

    Parameters
    ----------
    features : sequence
        Decoded GeoJSON Features.
    file : str
        Where the features come from, for the report.
    start_index : int
        Index of the first feature (features are numbered from it, in order).

    Returns
    -------
    list of (CheckedFeature or None, list of Problem)
        One entry per feature, in order, as :func:`check_feature` returns it.
    """
    rules = _fast_rules()
    tomorrow = datetime.now(LOCAL_TZ) + timedelta(days=1)
    earliest = datetime.combine(EARLIEST, datetime.min.time(), LOCAL_TZ)
    results: list[tuple[CheckedFeature | None, list[Problem]] | None] = [None] * len(features)
    fast: list[tuple[int, datetime, datetime | None]] = []
    times: dict[str, datetime] = {}  # the same dates recur: parse each once
    point_rows: list[int] = []
    points: list[tuple[float, float]] = []
    for position, feature in enumerate(features):
        plain = (
            type(feature) is dict
            and feature.keys() == _FEATURE_KEYS
            and feature["type"] == "Feature"
            and type(feature["id"]) is str
            and rules.id_match(feature["id"])
            and _plain_properties(feature["properties"], rules)
        )
        point = None
        if plain:
            geometry, precision = feature["geometry"], feature["properties"]["location_precision"]
            if geometry is None:
                plain = precision == "none"
            else:
                point = _plain_point(geometry)
                plain = point is not None and precision != "none"
        start = end = None
        if plain:
            props = feature["properties"]
            try:
                start = _parsed(times, props["start"])
                end = _parsed(times, props["end"]) if "end" in props else None
            except ValueError:
                plain = False
            else:
                plain = earliest <= start <= tomorrow and (
                    end is None or (earliest <= end <= tomorrow and end >= start)
                )
        if not plain or start is None:
            results[position] = check_feature(feature, file=file, index=start_index + position)
            continue
        fast.append((position, start, end))
        if point is not None:
            point_rows.append(position)
            points.append(point)

    geometries: dict[int, BaseGeometry] = {}
    if points:
        coords = np.asarray(points, dtype="float64")
        west, south, east, north = REGION_BOUNDS
        lon, lat = coords[:, 0], coords[:, 1]
        inside = (lon >= west) & (lon <= east) & (lat >= south) & (lat <= north)
        good = np.isfinite(coords).all(axis=1) & inside
        built = shapely.points(coords)
        for position, ok, geom in zip(point_rows, good.tolist(), built.tolist(), strict=True):
            if ok:
                geometries[position] = geom
            else:
                results[position] = check_feature(features[position], file=file, index=start_index + position)
    for position, start, end in fast:
        if results[position] is not None:
            continue
        feature = features[position]
        geom = geometries.get(position) if feature["geometry"] is not None else None
        results[position] = (CheckedFeature(file, start_index + position, feature, geom, start, end), [])
    return [item for item in results if item is not None]
