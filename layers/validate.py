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
import itertools
import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo

import fastjsonschema
import numpy as np
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from layers import reasons
from layers.i18n import DEFAULT_LANGUAGE, N_, translator
from layers.paths import SCHEMA_PATH
from layers.publishers import RegisterError, SourceCheck, default_register, source_problems
from layers.reasons import translate_reason
from layers.vocabulary import CATEGORIES, LAYERS, SCHEMA_VERSION, TITLE_LANGUAGES

if TYPE_CHECKING:  # jsonschema only explains features that fail (imported then)
    import jsonschema

__all__ = [
    "LAYERS",
    "LOCAL_TZ",
    "REGION_BOUNDS",
    "SCHEMA_VERSION",
    "SEVERITY_LABELS",
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
#: How each severity reads (translated where shown).
SEVERITY_LABELS: dict[str, str] = {"error": N_("error"), "warning": N_("warning")}


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
        return self.describe()

    def describe(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The problem on one line, in the language ``lang``; file, id, field and values as they are."""
        t = translator(lang)
        severity = t.gettext(SEVERITY_LABELS[self.severity])
        where = (
            self.file
            if self.index is None
            else t.gettext("{file} feature {index}").format(file=self.file, index=self.index)
        )
        ident = f" id={self.id}" if self.id else ""
        reason = translate_reason(self.reason, lang)
        return f"{severity.upper():7} {where}{ident} {self.field}: {reason}"


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

    def format(self, *, root: str = "", lang: str = DEFAULT_LANGUAGE) -> str:
        """Render the report for people, in the language ``lang``: problems first, then the counts.

        Layer names stay the store's codes (``incident``): they are what a curator writes.
        """
        t = translator(lang)
        lines = [p.describe(lang) for p in self.problems]
        if lines:
            lines.append("")
        total = sum(self.counts.values())
        files = t.ngettext("{count} file", "{count} files", self.files).format(
            count=t.format_decimal(self.files)
        )
        valid = t.ngettext("{count} valid feature", "{count} valid features", total).format(
            count=t.format_decimal(total)
        )
        label = (
            t.gettext("bordermon store {root}").format(root=root) if root else t.gettext("bordermon store")
        )
        lines.append(t.gettext("{store}: {files}, {valid}").format(store=label, files=files, valid=valid))
        rows = [(layer, self.counts.get(layer, 0)) for layer in LAYERS]
        rows.append((t.gettext("set aside"), self.set_aside))
        width = max(11, *(len(name) for name, _ in rows))
        lines.extend(f"  {name:<{width}} {t.format_decimal(count):>7}" for name, count in rows)
        n_err, n_warn = len(self.errors), len(self.warnings)
        if n_err or n_warn:
            errors = t.ngettext("{count} error", "{count} errors", n_err).format(
                count=t.format_decimal(n_err)
            )
            warnings = t.ngettext("{count} warning", "{count} warnings", n_warn).format(
                count=t.format_decimal(n_warn)
            )
            lines.append(t.gettext("{errors}, {warnings}").format(errors=errors, warnings=warnings))
        else:
            lines.append(t.gettext("No problems found."))
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


def _compiled(part: dict[str, Any]) -> Callable[[Any], Any]:
    """A part of the event schema compiled to Python (its ``$ref`` resolved in the schema)."""
    # fastjsonschema speaks draft-07, which covers every keyword the schema uses.
    document = {key: value for key, value in part.items() if key not in ("$id", "$schema", "$defs")}
    document.update({"$schema": "http://json-schema.org/draft-07/schema#", "$defs": event_schema()["$defs"]})
    return fastjsonschema.compile(copy.deepcopy(document))


@lru_cache(maxsize=1)
def _fast_validator() -> Callable[[Any], Any]:
    # Compiled to Python, the schema checks a feature ~13x faster than jsonschema does.
    return _compiled(event_schema())


@lru_cache(maxsize=1)
def _full_validator() -> jsonschema.Draft202012Validator:
    import jsonschema

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
    problems: list[Problem] = []
    errors = sorted(_full_validator().iter_errors(feature), key=lambda e: list(e.path))
    for error in errors:
        parts = [str(part) for part in error.absolute_path]
        if error.validator == "required":
            missing = error.message.split("'")[1] if "'" in error.message else "?"
            parts.append(missing)
        path = ".".join(parts) or "(feature)"
        if error.validator == "additionalProperties" and parts[-1:] == ["title_i18n"]:
            # One problem per language that is not one, named in the field: title_i18n.de
            known = error.schema.get("properties", {})
            problems.extend(
                Problem(file, index, fid, f"{path}.{key}", _unknown_title_language(key))
                for key in error.instance
                if key not in known
            )
            continue
        problems.append(Problem(file, index, fid, path, _describe(error)))
    return problems or [Problem(file, index, fid, "(feature)", reasons.NOT_THE_SCHEMA)]


def _describe(error: jsonschema.ValidationError) -> str:
    """Say what a schema error means in words a curator can act on."""
    validator = error.validator
    if validator == "required":
        return reasons.MISSING
    if validator == "minItems" and error.validator_value == 1:
        return reasons.EMPTY_LIST
    if validator == "additionalProperties":
        return reasons.UNKNOWN_FIELDS.format(fields=error.message.split("(")[-1].rstrip(")"))
    if validator == "oneOf" and list(error.absolute_path)[-1:] in (["fatalities"], ["injured"]):
        return reasons.BAD_COUNT.format(most=MAX_COUNT)
    if validator == "pattern" and list(error.absolute_path)[-1:] in (["start"], ["end"]):
        return reasons.NOT_ISO_DATE.format(value=repr(error.instance))
    path = list(error.absolute_path)
    translated = path[-2:-1] == ["title_i18n"]
    if validator == "maxLength" and (path[-1:] == ["title"] or translated):
        return reasons.TITLE_TOO_LONG.format(length=len(str(error.instance)), most=error.validator_value)
    if validator == "pattern" and translated and error.validator_value == "\\S":
        return reasons.TITLE_BLANK
    if validator == "pattern" and translated and "\\u0400" in str(error.validator_value):
        return reasons.TITLE_IN_CYRILLIC
    return str(error.message)


def _unknown_title_language(key: str) -> str:
    """Why ``key`` cannot name a translation of a title, and which keys can."""
    serbian = key.lower().startswith("sr")
    template = reasons.UNKNOWN_TITLE_LANGUAGE_SERBIAN if serbian else reasons.UNKNOWN_TITLE_LANGUAGE
    return template.format(key=repr(key), languages=", ".join(TITLE_LANGUAGES))


def _check_time(value: str) -> tuple[datetime | None, str | None]:
    try:
        parsed = parse_time(value)
    except ValueError:
        return None, reasons.NOT_A_REAL_DATE.format(value=repr(value))
    if parsed.date() < EARLIEST:
        return None, reasons.TOO_EARLY.format(value=repr(value), earliest=EARLIEST.isoformat())
    tomorrow = datetime.now(LOCAL_TZ) + timedelta(days=1)
    if parsed > tomorrow:
        return None, reasons.IN_THE_FUTURE.format(value=repr(value))
    return parsed, None


def _is_number(value: Any) -> bool:
    return type(value) is int or type(value) is float


def _position_problem(position: Any, where: str) -> str | None:
    """Why a GeoJSON position is not ``[lon, lat]`` or ``[lon, lat, height]``, if it is not."""
    if type(position) is not list or not 2 <= len(position) <= 3:
        return reasons.NOT_A_POSITION.format(where=where, kind=_kind(position))
    for n, value in enumerate(position):
        if not _is_number(value):
            return reasons.NOT_A_NUMBER.format(where=f"{where}[{n}]", kind=_kind(value))
        # Compared before any conversion: a 400-digit integer cannot become a float.
        if type(value) is float and not math.isfinite(value):
            return reasons.POSITION_NOT_FINITE.format(where=f"{where}[{n}]")
    lon, lat = position[0], position[1]
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        return reasons.POSITION_OUT_OF_RANGE.format(where=where)
    return None


def _kind(value: Any) -> str:
    if type(value) is list:
        return reasons.KIND_LIST.format(count=len(value))
    kinds = {str: reasons.KIND_STRING, bool: reasons.KIND_BOOLEAN, dict: reasons.KIND_OBJECT}
    return {**kinds, type(None): reasons.KIND_NULL}.get(
        type(value), reasons.KIND_OTHER.format(type=type(value).__name__)
    )


def _coordinates_problem(kind: str, coordinates: Any) -> str | None:
    """Check the nesting of GeoJSON coordinates (RFC 7946 §3.1) before shapely reads them.

    shapely would accept ``["20.7", "42.9"]`` or ``[[20.7, 42.9]]`` for a point; GeoJSON
    does not, and neither does the store.
    """
    depth = _POSITION_DEPTH.get(kind)
    if depth is None:
        return None  # the schema reports an unknown type
    flat = [coordinates]
    for _ in range(depth):
        if not all(type(items) is list and items for items in flat):
            break
        flat = [item for items in flat for item in items]
    else:
        if all(
            type(p) is list
            and 2 <= len(p) <= 3
            and all((type(v) is int or (type(v) is float and math.isfinite(v))) for v in p)
            and -180 <= p[0] <= 180
            and -90 <= p[1] <= 90
            for p in flat
        ):
            return None
    # Something is wrong: walk again, naming where.
    level: list[tuple[Any, str]] = [(coordinates, "coordinates")]
    for _ in range(depth):
        below: list[tuple[Any, str]] = []
        for items, where in level:
            if type(items) is not list or not items:
                return reasons.NOT_A_NON_EMPTY_LIST.format(where=where, geometry=kind, kind=_kind(items))
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
        return (
            None,
            reasons.MALFORMED.format(geometry=raw.get("type"), problem=problem),
            "geometry.coordinates",
        )
    try:
        geom = shape(raw)
    except (ValueError, TypeError, IndexError, KeyError, AttributeError, shapely.errors.GEOSException) as exc:
        # (GEOS refuses a line of one position with an exception of its own)
        return (
            None,
            reasons.MALFORMED_ERROR.format(geometry=raw.get("type"), error=exc),
            "geometry.coordinates",
        )
    coords = shapely.get_coordinates(geom)
    if coords.size == 0:
        return None, reasons.NO_COORDINATES, "geometry.coordinates"
    lon, lat = coords[:, 0], coords[:, 1]
    west, south, east, north = REGION_BOUNDS
    outside = (lon < west) | (lon > east) | (lat < south) | (lat > north)
    if outside.any():
        x, y = coords[int(outside.argmax())]
        swapped = west <= y <= east and south <= x <= north
        template = reasons.OUTSIDE_REGION_SWAPPED if swapped else reasons.OUTSIDE_REGION
        bounds = {"west": west, "south": south, "east": east, "north": north}
        return None, template.format(x=f"{x:g}", y=f"{y:g}", **bounds), "geometry.coordinates"
    if not geom.is_valid:
        return None, reasons.INVALID_GEOMETRY.format(why=shapely.is_valid_reason(geom)), "geometry"
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
        return None, [Problem(file, index, None, "(feature)", reasons.NOT_AN_OBJECT.format(kind=kind))]
    problems = _schema_problems(feature, file, index, fid)
    props = feature.get("properties")
    props = props if isinstance(props, dict) else {}

    flagged = {p.field for p in problems}
    start = end = None
    for name in ("start", "end"):
        value = props.get(name)
        if isinstance(value, str) and f"properties.{name}" not in flagged:
            parsed, reason = _check_time(value)
            if reason:
                problems.append(Problem(file, index, fid, f"properties.{name}", reason))
            elif name == "start":
                start = parsed
            else:
                end = parsed
    if start is not None and end is not None and end < start:
        problems.append(
            Problem(
                file,
                index,
                fid,
                "properties.end",
                reasons.END_BEFORE_START.format(end=props["end"], start=props["start"]),
            )
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
                    reasons.RANGE_INVERTED.format(low=value["min"], high=value["max"]),
                )
            )

    uncertainty = props.get("uncertainty_km")
    if type(uncertainty) is float and not math.isfinite(uncertainty):
        problems.append(Problem(file, index, fid, "properties.uncertainty_km", reasons.NOT_FINITE))
    for name, value in props.items():
        if isinstance(name, str) and name.startswith("x_") and _too_deep(value, MAX_EXTENSION_DEPTH):
            problems.append(
                Problem(
                    file,
                    index,
                    fid,
                    f"properties.{name}",
                    reasons.TOO_DEEP.format(depth=MAX_EXTENSION_DEPTH),
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
                    reasons.NONE_WITH_GEOMETRY,
                )
            )
    elif raw_geom is None and precision not in (None, "none"):
        problems.append(
            Problem(
                file,
                index,
                fid,
                "geometry",
                reasons.NULL_GEOMETRY.format(precision=repr(precision)),
            )
        )

    errors = [p for p in problems if p.severity == "error"]
    if errors or start is None:
        return None, problems
    return CheckedFeature(file, index, feature, geom, start, end), problems


def check_collection(
    data: Any, *, file: str, start_index: int = 0
) -> tuple[list[CheckedFeature], list[Problem], int]:
    """Validate a decoded FeatureCollection.

    ``start_index`` numbers its first feature (a run of a larger collection's features,
    validated apart: the results are that collection's for those features).

    Returns
    -------
    (list of CheckedFeature, list of Problem, int)
        The valid features, every problem, and how many features were set aside.
    """
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        found = data.get("type") if isinstance(data, dict) else type(data).__name__
        return [], [Problem(file, None, None, "type", reasons.NOT_A_COLLECTION.format(found=repr(found)))], 0
    features = data.get("features")
    if not isinstance(features, list):
        return [], [Problem(file, None, None, "features", reasons.FEATURES_NOT_A_LIST)], 0
    meta = data.get("bordermon")
    problems: list[Problem] = []
    if isinstance(meta, dict) and meta.get("schema_version") not in (None, SCHEMA_VERSION):
        problems.append(
            Problem(
                file,
                None,
                None,
                "bordermon.schema_version",
                reasons.OTHER_SCHEMA_VERSION.format(
                    found=repr(meta.get("schema_version")), version=SCHEMA_VERSION
                ),
            )
        )
        return [], problems, len(features)
    kept: list[CheckedFeature] = []
    try:  # looked up once per file, not per feature (it checks the register files' times)
        sources: SourceCheck | None = SourceCheck(default_register())
    except (OSError, RegisterError):
        sources = None  # source_problems says so for every feature
    for checked, found in check_features(features, file=file, start_index=start_index):
        problems.extend(found)
        if checked is not None and not _publisher_problems(checked, problems, sources):
            kept.append(checked)
    return kept, problems, len(features) - len(kept)


def _publisher_problems(item: CheckedFeature, problems: list[Problem], sources: SourceCheck | None) -> bool:
    """Check the sources against the publisher register; True when any error was found."""
    props = item.feature["properties"]
    found = sources.problems(props) if sources is not None else source_problems(props)
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
                    reasons.DUPLICATE_ID.format(file=seen.file, index=seen.index),
                )
            )
    return kept, problems


def describe_json_error(exc: json.JSONDecodeError) -> str:
    """A one-line account of a JSON syntax error, with line and column."""
    return reasons.INVALID_JSON_AT.format(line=exc.lineno, column=exc.colno, error=exc.msg)


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
        return None, reasons.JSON_TOO_DEEP
    except ValueError as exc:  # an integer with more digits than int() accepts
        return None, reasons.INVALID_JSON.format(error=str(exc).split(";")[0])


def layer_counts(features: Iterable[CheckedFeature]) -> dict[str, int]:
    counts = dict.fromkeys(LAYERS, 0)
    for item in features:
        layer = item.feature["properties"]["layer"]
        counts[layer] = counts.get(layer, 0) + 1
    return counts


# --------------------------------------------------------------------------- batch checks
#
# check_features gives exactly check_feature's answers, faster. The schema is compiled in
# parts: the shell of a feature (required and unknown fields), each field on its own, and
# the if/then rules with the fields they read. Lists and objects whose schema says no more
# than their items, keys and lengths (sources, actors, a geometry) are taken apart the same
# way; a value that repeats (a layer, a date, a place, a publisher, a null count) is
# checked once per distinct value. Dates, ranges and points are then checked as arrays.
# Any feature that fails anything goes through check_feature, so the report is the one
# check_feature gives; the valid majority never needs its explanations.


def _rule_fields(rules: list[Any]) -> tuple[str, ...] | None:
    """The fields if/then rules read, when they read nothing but fields' values and presence."""
    names: list[str] = []
    for rule in rules:
        if not isinstance(rule, dict) or set(rule) - {"if", "then", "else"}:
            return None
        for part in rule.values():
            if not isinstance(part, dict) or set(part) - {"properties", "required"}:
                return None
            names.extend(part.get("properties", {}))
            names.extend(part.get("required", []))
    return tuple(dict.fromkeys(names))


#: A check of one value that returns True or False: made afresh for each batch of
#: features (:data:`Factory`), so that what it remembers of values lives only as long as
#: the batch.
Check = Callable[[Any], bool]
Factory = Callable[[], Check]
#: Keywords that say nothing about which values pass.
_ANNOTATIONS = frozenset(("description", "title", "$comment", "examples", "default"))
#: JSON types whose values are told apart by their Python type alone.
_STRUCTURED = {"null": type(None), "object": dict, "array": list}


@dataclass(frozen=True)
class _Parts:
    """The schema compiled in parts (see the comment above)."""

    shell: Callable[[Any], Any]
    feature_fields: dict[str, Factory]
    property_fields: dict[str, Factory]
    rules: Callable[[Any], Any]
    rule_fields: tuple[str, ...] | None
    known: frozenset[str]


@lru_cache(maxsize=1)
def _parts() -> _Parts:
    schema = event_schema()
    props = schema["$defs"]["properties"]
    rules = props.get("allOf", [])
    shell_props = {key: value for key, value in props.items() if key not in ("properties", "allOf")}
    shell_props["properties"] = dict.fromkeys(props["properties"], True)
    shell = {key: value for key, value in schema.items() if key != "properties"}
    shell["properties"] = {**dict.fromkeys(schema["properties"], True), "properties": shell_props}
    return _Parts(
        shell=_compiled(shell),
        feature_fields={
            name: _plan(part) for name, part in schema["properties"].items() if name != "properties"
        },
        property_fields={name: _plan(part) for name, part in props["properties"].items()},
        rules=_compiled({"allOf": rules}),
        rule_fields=_rule_fields(rules),
        known=frozenset(props["properties"]),
    )


_ABSENT = object()
_HASHABLE = frozenset((str, int, float, bool, type(None)))


def _passes(check: Callable[[Any], Any], value: Any) -> bool:
    try:
        check(value)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def _stub(feature: Any) -> Any:
    """What the shell of the schema reads of a feature: its keys and its properties' keys."""
    if type(feature) is not dict:
        return feature
    stub = dict.fromkeys(feature)
    props = feature.get("properties")
    stub["properties"] = dict.fromkeys(props) if type(props) is dict else props
    return stub


def _field_passes(check: Callable[[Any], Any], answers: dict[type, dict[Any, bool]], value: Any) -> bool:
    """``check`` on one value, remembered per type and value for values that repeat."""
    kind = type(value)
    if kind not in _HASHABLE:  # lists and objects: checked each time
        return _passes(check, value)
    known = answers.setdefault(kind, {})  # JSON tells true, 1 and 1.0 apart; == does not
    answer = known.get(value)
    if answer is None:  # (a NaN is never found again: it is checked each time)
        answer = known[value] = _passes(check, value)
    return answer


def _resolved(part: Any) -> Any:
    """``part`` itself, or the definition it only refers to (``{"$ref": "#/$defs/x"}``)."""
    while type(part) is dict and set(part) - _ANNOTATIONS == {"$ref"} and part["$ref"].startswith("#/$defs/"):
        part = event_schema()["$defs"][part["$ref"].removeprefix("#/$defs/")]
    return part


def _leaf(part: Any) -> Factory:
    """The compiled check of ``part``, remembering its answer per distinct plain value."""
    compiled = _compiled(part if type(part) is dict else {"allOf": [part]})

    def make() -> Check:
        texts: dict[str, bool] = {}  # most values are texts: looked up first
        answers: dict[type, dict[Any, bool]] = {}

        def check(value: Any) -> bool:
            if type(value) is str:
                answer = texts.get(value)
                if answer is None:
                    answer = texts[value] = _passes(compiled, value)
                return answer
            return _field_passes(compiled, answers, value)

        return check

    return make


def _plan(part: Any) -> Factory:
    """A check of values against one part of the schema, taken apart where that is exact.

    Strings with only length limits are checked directly; arrays with only an item schema
    and length limits item by item; objects with only ``required``, ``properties`` and
    ``additionalProperties`` key by key; a ``oneOf`` whose branches each name a different
    type by the branch the value's type selects. Everything else is compiled whole (a
    :func:`_leaf`). Each part accepts exactly what the schema accepts of plain decoded
    JSON; anything else (a subclass of dict, say) fails here and is explained by
    :func:`check_feature`, which checks it whole.
    """
    part = _resolved(part)
    if part is True or part == {}:
        return lambda: lambda value: True
    if type(part) is not dict:
        return _leaf(part)
    keys = set(part) - _ANNOTATIONS
    kind = part.get("type")
    low: Any = part.get("minLength", part.get("minItems", 0))
    high: Any = part.get("maxLength", part.get("maxItems", math.inf))
    limits_ok = type(low) is int and (high == math.inf or type(high) is int)
    if kind == "string" and keys <= {"type", "minLength", "maxLength"} and limits_ok:
        return lambda: lambda value: type(value) is str and low <= len(value) <= high
    if kind == "array" and keys <= {"type", "items", "minItems", "maxItems"} and limits_ok:
        item_plan = _plan(part.get("items", True))

        def make_array() -> Check:
            item = item_plan()
            return lambda value: type(value) is list and low <= len(value) <= high and all(map(item, value))

        return make_array
    extra = part.get("additionalProperties", True)
    if kind == "object" and keys <= {"type", "required", "properties", "additionalProperties"}:
        if type(extra) not in (bool, dict):
            return _leaf(part)
        property_plans = {name: _plan(sub) for name, sub in part.get("properties", {}).items()}
        extra_plan = _plan(extra) if type(extra) is dict else None
        required = frozenset(part.get("required", ()))

        def make_object() -> Check:
            checks = {name: plan() for name, plan in property_plans.items()}
            other = extra_plan() if extra_plan is not None else None

            def check(value: Any) -> bool:
                if type(value) is not dict or not required <= value.keys():
                    return False
                for name, item in value.items():
                    known = checks.get(name)
                    if known is not None:
                        if not known(item):
                            return False
                    elif extra is False or (other is not None and not other(item)):
                        return False
                return True

            return check

        return make_object
    branches = [_resolved(b) for b in part.get("oneOf", ())]
    types = [b.get("type") if type(b) is dict else None for b in branches]
    if keys == {"oneOf"} and all(type(t) is str for t in types) and len(set(types)) == len(types):
        by_type = {_STRUCTURED[t]: _plan(b) for t, b in zip(types, branches, strict=True) if t in _STRUCTURED}
        whole = _leaf(part)

        def make_choice() -> Check:
            checks = {python_type: plan() for python_type, plan in by_type.items()}
            rest = whole()

            def check(value: Any) -> bool:
                chosen = checks.get(type(value))
                if chosen is not None:
                    return chosen(value)
                if type(value) in _STRUCTURED_TYPES:  # no branch takes that type
                    return False
                return rest(value)

            return check

        return make_choice
    return _leaf(part)


_STRUCTURED_TYPES = frozenset(_STRUCTURED.values())


def _fields_pass(checks: dict[str, Check], value: dict[str, Any]) -> bool:
    """Whether each of ``value``'s fields that has a check passes it."""
    for name, item in value.items():
        check = checks.get(name)
        if check is not None and not check(item):
            return False
    return True


def _schema_passes(features: Sequence[Any]) -> np.ndarray:
    """Whether each feature passes the whole schema (what check_feature's schema says).

    The shell is checked once per distinct set of keys, each field once per distinct
    plain value (lists and objects item by item and key by key, see :func:`_plan`), the
    if/then rules once per distinct combination of the values they read. Features are
    taken one at a time, each field of a feature after the other: the decoded objects of
    one feature lie together in memory.
    """
    parts = _parts()
    shell, rules, names = parts.shell, parts.rules, parts.rule_fields
    top = {name: plan() for name, plan in parts.feature_fields.items()}
    fields = {name: plan() for name, plan in parts.property_fields.items()}
    shells: dict[Any, bool] = {}
    combos: dict[Any, bool] = {}
    passes = np.zeros(len(features), dtype=bool)
    for n, feature in enumerate(features):
        if type(feature) is not dict or type(props := feature.get("properties")) is not dict:
            continue
        key = (len(feature), *feature, *props)  # one tuple: the keys, in order
        answer = shells.get(key)
        if answer is None:
            answer = shells[key] = _passes(shell, _stub(feature))
        if not answer:
            continue
        if not _fields_pass(top, feature) or not _fields_pass(fields, props):
            continue
        if names is None:  # rules that read more than values: feature by feature
            passes[n] = _passes(rules, props)
            continue
        values = [props.get(name, _ABSENT) for name in names]
        # Keyed by type and value: JSON tells true, 1 and 1.0 apart; == does not.
        combo = tuple((type(v), v) for v in values)
        plain = all(type(v) in _HASHABLE or v is _ABSENT for v in values)
        answer = combos.get(combo) if plain else None
        if answer is None:
            answer = _passes(rules, {name: props[name] for name in names if name in props})
            if plain:
                combos[combo] = answer
        passes[n] = answer
    return passes


def _times(texts: Sequence[Any], cache: dict[str, tuple[datetime, float] | None]) -> list[Any]:
    """Each text as (datetime, POSIX seconds), None when it is not an acceptable store time."""
    earliest = datetime.combine(EARLIEST, datetime.min.time(), LOCAL_TZ)
    tomorrow = datetime.now(LOCAL_TZ) + timedelta(days=1)
    out: list[Any] = []
    for text in texts:
        if text is _ABSENT:
            out.append(_ABSENT)
            continue
        if text not in cache:
            try:
                parsed = parse_time(text)
            except ValueError:
                cache[text] = None
            else:
                cache[text] = (parsed, parsed.timestamp()) if earliest <= parsed <= tomorrow else None
        out.append(cache[text])
    return out


def _point_coordinates(geometry: Any) -> tuple[float, float] | None:
    """``[lon, lat]`` of a plain 2-D GeoJSON point within ±180/±90, else None."""
    if type(geometry) is not dict or geometry.get("type") != "Point":
        return None
    coords = geometry["coordinates"]
    if type(coords) is not list or len(coords) != 2:
        return None
    x, y = coords
    if type(x) not in (int, float) or type(y) not in (int, float):
        return None
    # Compared before float(): a 400-digit integer must not reach it (NaN fails here too).
    if not (-180 <= x <= 180 and -90 <= y <= 90):
        return None
    return float(x), float(y)


#: How each GeoJSON type is built from its positions, level after level (:func:`_shapes`).
_BUILDERS: dict[str, tuple[Callable[..., Any], ...]] = {
    "MultiPoint": (shapely.multipoints,),
    "LineString": (shapely.linestrings,),
    "MultiLineString": (shapely.linestrings, shapely.multilinestrings),
    "Polygon": (shapely.linearrings, shapely.polygons),
    "MultiPolygon": (shapely.linearrings, shapely.polygons, shapely.multipolygons),
}


def _parts_of(kind: str, coordinates: Any) -> tuple[list[Any], list[list[int]]] | None:
    """The positions of a plain shape and the number of parts at each level, else None.

    Plain: lists nested as GeoJSON says, none empty; lines of two positions or more, rings
    closed and of four or more (the shapes GeoJSON writers make; anything else is built
    by :func:`_check_geometry`, which says what is wrong with it).
    """
    depth = _POSITION_DEPTH[kind]
    level = [coordinates]
    counts: list[list[int]] = []
    for _ in range(depth):
        if set(map(type, level)) != {list}:
            return None
        sizes = list(map(len, level))
        if min(sizes) == 0:
            return None
        counts.append(sizes)
        level = list(itertools.chain.from_iterable(level))
    if set(map(type, level)) != {list} or set(map(len, level)) != {2}:
        return None  # [lon, lat] positions only (heights are rare: built on their own)
    numbers = set(map(type, itertools.chain.from_iterable(level)))
    if not numbers <= {int, float}:
        return None
    if int in numbers and not all(
        -180 <= v <= 180 for v in itertools.chain.from_iterable(level) if type(v) is int
    ):  # (compared before any conversion: a 400-digit integer cannot become a float)
        return None
    if kind in ("LineString", "MultiLineString") and min(counts[-1]) < 2:
        return None
    if kind in ("Polygon", "MultiPolygon"):
        starts = np.cumsum([0, *counts[-1][:-1]])
        ends = starts + np.asarray(counts[-1]) - 1
        pairs = zip(starts.tolist(), ends.tolist(), strict=True)
        if min(counts[-1]) < 4 or any(level[a] != level[b] for a, b in pairs):
            return None
    return level, counts


def _shapes(raws: Sequence[Any]) -> list[BaseGeometry | None]:
    """Build and check plain non-point shapes all at once (None: build this one on its own).

    The same geometry as :func:`_check_geometry` builds, for every shape whose positions
    are ``[lon, lat]`` numbers inside the region and which is valid.
    """
    out: list[BaseGeometry | None] = [None] * len(raws)
    by_kind: dict[str, list[int]] = {}
    for n, raw in enumerate(raws):
        if type(raw) is dict and raw.get("type") in _BUILDERS:
            by_kind.setdefault(raw["type"], []).append(n)
    for kind, members in by_kind.items():
        found = [_parts_of(kind, raws[n]["coordinates"]) for n in members]
        members = [n for n, parts in zip(members, found, strict=True) if parts is not None]
        parts = [p for p in found if p is not None]
        if not parts:
            continue
        coords = np.asarray(list(itertools.chain.from_iterable(p[0] for p in parts)), dtype="float64")
        west, south, east, north = REGION_BOUNDS
        lon, lat = coords[:, 0], coords[:, 1]
        inside = (lon >= west) & (lon <= east) & (lat >= south) & (lat <= north)
        # Only shapes wholly inside the region are built here (NaN is never inside).
        owner = np.repeat(np.arange(len(parts)), [len(p[0]) for p in parts])
        fine = np.ones(len(parts), dtype=bool)
        fine[owner[~inside]] = False
        coords = coords[fine[owner]]
        members = [n for n, good in zip(members, fine.tolist(), strict=True) if good]
        parts = [p for p, good in zip(parts, fine.tolist(), strict=True) if good]
        if not parts:
            continue
        geoms: Any = coords
        try:  # positions into parts (rings, lines), parts into shapes, level after level
            for level, build in enumerate(_BUILDERS[kind]):
                sizes = np.concatenate([np.asarray(p[1][-1 - level], dtype=np.int64) for p in parts])
                geoms = build(geoms, indices=np.repeat(np.arange(len(sizes)), sizes))
        except (ValueError, shapely.errors.GEOSException):
            continue
        valid = shapely.is_valid(geoms)
        for n, geom, good in zip(members, geoms.tolist(), valid.tolist(), strict=True):
            if good:
                out[n] = geom
    return out


def check_features(
    features: Sequence[Any], *, file: str = "<feature>", start_index: int = 0
) -> list[tuple[CheckedFeature | None, list[Problem]]]:
    """Validate many features at once; the same results as :func:`check_feature` on each.

    The schema is checked field by field, once per distinct value where values repeat;
    dates, casualty ranges, uncertainties and points are checked as arrays. A feature
    that fails anything goes through :func:`check_feature`, so the problems reported are
    exactly the ones it reports.

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
    good = _schema_passes(features)
    rows = np.flatnonzero(good).tolist()
    props = [features[i]["properties"] for i in rows]
    known = _parts().known

    cache: dict[str, tuple[datetime, float] | None] = {}
    starts = _times([p["start"] for p in props], cache)
    ends = _times([p.get("end", _ABSENT) for p in props], cache)
    start_s = np.asarray([np.nan if t is None else t[1] for t in starts], dtype="float64")
    end_s = np.asarray(
        [np.inf if t is _ABSENT else np.nan if t is None else t[1] for t in ends], dtype="float64"
    )
    ok = ~np.isnan(start_s) & ~np.isnan(end_s) & (end_s >= start_s)

    for name in ("fatalities", "injured"):  # a range's min <= max
        ok &= np.asarray(
            [type(v) is not dict or v["min"] <= v["max"] for v in (p[name] for p in props)], dtype=bool
        )
    uncertainty = np.asarray([p.get("uncertainty_km", 1.0) for p in props], dtype="float64")
    ok &= np.isfinite(uncertainty)
    ok &= np.asarray(
        [not any(_too_deep(p[k], MAX_EXTENSION_DEPTH) for k in p.keys() - known) for p in props], dtype=bool
    )

    geometries: dict[int, BaseGeometry | None] = {}
    point_rows: list[int] = []
    points: list[tuple[float, float]] = []
    shape_rows: list[int] = []
    for k, row in enumerate(rows):
        if not ok[k]:
            continue
        raw = features[row]["geometry"]
        precision = props[k]["location_precision"]
        if raw is None:
            ok[k] = precision == "none"
            geometries[row] = None
        elif precision == "none":
            ok[k] = False
        elif (point := _point_coordinates(raw)) is not None:
            point_rows.append(k)
            points.append(point)
        else:
            shape_rows.append(k)
    built = _shapes([features[rows[k]]["geometry"] for k in shape_rows])
    for k, geom in zip(shape_rows, built, strict=True):
        if geom is None:  # not a plain shape: built and checked on its own, as check_feature does
            geom, reason, _ = _check_geometry(features[rows[k]]["geometry"])
            ok[k] = reason is None
        geometries[rows[k]] = geom
    if points:
        coords = np.asarray(points, dtype="float64")
        west, south, east, north = REGION_BOUNDS
        lon, lat = coords[:, 0], coords[:, 1]
        inside = (lon >= west) & (lon <= east) & (lat >= south) & (lat <= north)
        built = shapely.points(coords)
        for k, within, geom in zip(point_rows, inside.tolist(), built.tolist(), strict=True):
            ok[k] = within
            geometries[rows[k]] = geom

    results: list[tuple[CheckedFeature | None, list[Problem]]] = []
    fast = dict(zip(rows, range(len(rows)), strict=True))
    for position, feature in enumerate(features):
        index = start_index + position
        slot = fast.get(position)
        if slot is None or not ok[slot]:
            results.append(check_feature(feature, file=file, index=index))
            continue
        end = ends[slot]
        checked = CheckedFeature(
            file, index, feature, geometries[position], starts[slot][0], None if end is _ABSENT else end[0]
        )
        results.append((checked, []))
    return results
