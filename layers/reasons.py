"""Why a record was set aside, in words, and in the reader's language.

Validation, and an import's column mapping before it (an ACLED or UCDP row rejected for
its columns), write each reason in English, from one of the templates below, and keep it
as text: the reason travels in the store's snapshots, in ``--json`` documents and in the
CSV of the validation report exactly as written, so a file reads the same whoever made
it. Where a person reads it (``bordermon validate``, the import report and its dry run,
the Methodology page), :func:`translate_reason` finds the template the text was written
from, translates the template and puts the values back: field names, codes, quoted values
and numbers stay as they were, except a measured distance (``{km}``) and a day
(``{day}``), written in the reader's format. A value that is itself a reason (a
coordinate problem inside "malformed Point coordinates: …") is translated the same way.

The JSON Schema's own messages (``'x' is not one of [...]``) are matched by templates
written as the validator writes them; a message with no template is shown as written.
"""

from __future__ import annotations

import re
import string
from datetime import date
from functools import lru_cache

from layers.i18n import DEFAULT_LANGUAGE, N_, translator

__all__ = ["REASONS", "translate_reason"]

# --- validation of a feature (layers.validate) ---
NOT_AN_OBJECT = N_("is a JSON {kind}, not an object")
NOT_THE_SCHEMA = N_("does not match the schema")
MISSING = N_("missing (a required field)")
EMPTY_LIST = N_("must not be empty (at least one entry is required)")
UNKNOWN_FIELDS = N_("unknown field(s): {fields}")
BAD_COUNT = N_("must be a whole number >= 0 (at most {most}), a {{min, max}} range, or null")
NOT_ISO_DATE = N_("{value} is not an ISO 8601 date (YYYY-MM-DD) or date-time")
NOT_A_REAL_DATE = N_("{value} is not a real date")
TOO_EARLY = N_("{value} is before {earliest}; a typo in the year?")
IN_THE_FUTURE = N_("{value} is in the future; the store records what happened")
END_BEFORE_START = N_("{end} is before start {start}")
RANGE_INVERTED = N_("range min {low} > max {high}")
NOT_FINITE = N_("is NaN or infinite")
TOO_DEEP = N_("is nested more than {depth} levels deep")
NONE_WITH_GEOMETRY = N_("is 'none' but the feature has a geometry; give its precision")
NULL_GEOMETRY = N_("is null but location_precision is {precision}; use 'none' for events without a position")
MALFORMED = N_("malformed {geometry} coordinates: {problem}")
MALFORMED_ERROR = N_("malformed {geometry} coordinates ({error})")
NO_COORDINATES = N_("has no coordinates")
INVALID_GEOMETRY = N_("invalid geometry: {why}")
OUTSIDE_REGION = N_("point ({x}, {y}) lies far outside the region (lon {west}–{east}, lat {south}–{north})")
OUTSIDE_REGION_SWAPPED = N_(
    "point ({x}, {y}) lies far outside the region (lon {west}–{east}, lat {south}–{north}); "
    "it looks like latitude and longitude are swapped (GeoJSON is [lon, lat])"
)
NOT_A_NON_EMPTY_LIST = N_("{where} must be a non-empty list for a {geometry}, found {kind}")
NOT_A_POSITION = N_("{where} must be a position [longitude, latitude], found {kind}")
NOT_A_NUMBER = N_("{where} must be a number, found {kind}")
POSITION_NOT_FINITE = N_("{where} is NaN or infinite")
POSITION_OUT_OF_RANGE = N_("out of range at {where} (longitude ±180, latitude ±90)")
TITLE_TOO_LONG = N_("is {length} characters long; a title has at most {most}")
TITLE_BLANK = N_("must not be empty or only spaces; leave the language out instead")
TITLE_IN_CYRILLIC = N_(
    "is in Cyrillic script; Serbian is stored in Latin script (the Cyrillic interface transliterates)"
)
UNKNOWN_TITLE_LANGUAGE = N_("{key} is not a language titles are translated into; use {languages}")
UNKNOWN_TITLE_LANGUAGE_SERBIAN = N_(
    "{key} is not a language titles are translated into; use {languages} (Serbian is written once, "
    "in Latin script, as sr_Latn: the Cyrillic interface transliterates)"
)
# What a value was found to be (inside the three reasons above).
KIND_LIST = N_("a list of {count}")
KIND_STRING = N_("a string")
KIND_BOOLEAN = N_("a boolean")
KIND_OBJECT = N_("an object")
KIND_NULL = N_("null")
KIND_OTHER = N_("a {type}")
# --- a collection file (layers.validate, layers.store) ---
NOT_A_COLLECTION = N_("is {found}, not a FeatureCollection")
FEATURES_NOT_A_LIST = N_("must be a list of Features")
OTHER_SCHEMA_VERSION = N_("is {found}; this version of bordermon reads {version}")
DUPLICATE_ID = N_("duplicate id: already used by {file} feature {index}")
NOT_UTF8 = N_("is not UTF-8 text (byte {byte})")
UNREADABLE = N_("cannot be read: {error}")
EMPTY_FILE = N_("is empty")
INVALID_JSON_AT = N_("invalid JSON at line {line}, column {column}: {error}")
JSON_TOO_DEEP = N_("invalid JSON: nested too deeply (arrays or objects inside each other)")
INVALID_JSON = N_("invalid JSON: {error}")
# --- the sources against the publisher register (layers.publishers) ---
REGISTER_UNREADABLE = N_("the publisher register cannot be read: {error}")
UNREGISTERED_DOMAIN = N_("{domain} is not in {register}; add its publisher")
THE_URL = N_("the URL")
CONFIRMED_ON_WEAK_KINDS = N_("is 'confirmed' but cites only {kinds} pages; grade it 'reported'")
CONFIRMED_ON_ONE_PUBLISHER = N_(
    "is 'confirmed' on one publisher ({publisher}); it needs two independent publishers or one "
    "official source, else grade it 'reported'"
)
# --- an import's duplicates (layers.ingest) ---
ID_IN_STORE = N_("id already in the store ({file})")
SAME_DATASET_ID = N_("same dataset id {value} as {existing} ({file})")
SAME_SOURCE_ID = N_("same {dataset} id {value} as {existing} ({file})")
POSSIBLE_DUPLICATE = N_(
    "possible duplicate of {existing} ({file}): {km} km apart, both {kind}, theirs on {day} — "
    "held back for review"
)
REPEATED_IN_FILE = N_("repeats {where} of this file ({id})")
WHERE_LINE = N_("line {line}")
WHERE_FEATURE = N_("feature {record}")
# --- an import's rows, before validation: the column mapping (layers.ingest) ---
# TRANSLATORS: {value} is the row's value, quoted as it was in the file.
ROW_NOT_AN_ID = N_("{value} cannot be used in an event id")
ROW_MISSING = N_("missing")
ROW_NO_ACLED_ID = N_("missing (every ACLED row has an event id)")
ROW_NO_GED_ID = N_("missing (every GED row has an id)")
ROW_NOT_A_DATE_ACLED = N_("{value} is not a date (write 2023-09-24 or 24 September 2023)")
ROW_NOT_A_DATE_GED = N_("{value} is not a date (write 2023-09-24)")
ROW_ACLED_TIME_PRECISION = N_("{value} is not an ACLED time precision (1, 2 or 3)")
ROW_ACLED_GEO_PRECISION = N_("{value} is not an ACLED geo precision (1, 2 or 3)")
# TRANSLATORS: {types} are ACLED's own names of its event types, in English.
ROW_ACLED_EVENT_TYPE = N_("{value} is not an ACLED event type ({types})")
ROW_ACLED_NO_LOCATION = N_("missing (no location, admin3, admin2 or admin1)")
ROW_GED_VIOLENCE = N_("{value} is not a GED type of violence (1, 2 or 3)")
# TRANSLATORS: where_prec is a column's name: keep it as it is.
ROW_GED_WHERE_PRECISION_7 = N_("7: international waters or airspace has no position in the region")
ROW_GED_WHERE_PRECISION = N_("{value} is not a GED location precision (1 to 7)")
ROW_GED_DATE_PRECISION = N_("{value} is not a GED date precision (1 to 5)")
# TRANSLATORS: date_start is a column's name: keep it as it is.
ROW_GED_END_BEFORE_START = N_("{end} is before date_start {start}")
# TRANSLATORS: low, best and high are the names of UCDP's columns: keep them as they are.
ROW_GED_ESTIMATES = N_("estimates out of order (low {low}, best {best}, high {high}); low <= best <= high")
# TRANSLATORS: where_coordinates, adm_2 and adm_1 are columns' names: keep them as they are.
ROW_GED_NO_LOCATION = N_("missing (no place name in where_coordinates, adm_2, adm_1)")
ROW_NO_COORDINATES = N_("missing: the row has no coordinates")
ROW_NOT_DECIMAL_DEGREES = N_("{value} is not a number (write decimal degrees with a point, e.g. 42.97139)")
ROW_OUT_OF_RANGE = N_("out of range (latitude ±90, longitude ±180)")
ROW_SWAPPED = N_("latitude and longitude look swapped (the point is far outside the region)")
ROW_NOT_A_COUNT = N_("{value} is not a whole number >= 0")
# --- a file an import cannot read at all (layers.ingest: ImportFileError) ---
FILE_NOT_FOUND = N_("no such file")
FILE_IS_A_DIRECTORY = N_("is a directory, not a file")
FILE_CANNOT_BE_READ = N_("cannot be read ({error})")
# TRANSLATORS: {size} and {limit} are sizes such as "600 MB".
FILE_TOO_BIG = N_(
    "is {size}; the import limit is {limit} — split the export (by year, or to Kosovo and Serbia) "
    "and import the parts"
)
FILE_ZIP = N_("is a ZIP archive (an Excel .xlsx workbook?), not CSV; save or export it as CSV (UTF-8)")
FILE_GZIP = N_("is gzip-compressed; decompress it first")
FILE_OLD_OFFICE = N_("is an old Excel/Office file, not CSV; save or export it as CSV (UTF-8)")
FILE_UTF16 = N_("is UTF-16 text; re-export it as UTF-8")
FILE_NOT_UTF8_AT = N_("is not UTF-8 (byte {byte} at offset {offset}, line {line}); re-export it as UTF-8")
FILE_NOT_UTF8 = N_("is not UTF-8; re-export it as UTF-8 ({error})")
FILE_NUL_BYTE = N_("has a NUL byte at offset {offset} (line {line}); it is not a text file")
FILE_LINE_TOO_LONG = N_(
    "line {line} is {length} bytes long; the limit is {limit} bytes per line (is it a CSV export of "
    "ACLED or UCDP?)"
)
FILE_TOO_MANY_COLUMNS = N_(
    "line 1 (the header) has {columns} columns; the limit is {limit} (is it a CSV export of ACLED or UCDP?)"
)
CSV_FIELD_COUNT = N_(
    "broken CSV at line {line}: {saw} fields where the header has {expected} (an unquoted comma, or a "
    "quote out of place?)"
)
CSV_QUOTE_NOT_CLOSED = N_("broken CSV: the quoted field that starts on line {line} is never closed")
# TRANSLATORS: {detail} is the CSV reader's own message, in English.
CSV_BROKEN = N_("broken CSV: {detail}")
CSV_NO_DATA_ROWS = N_("has a header but no data rows")
# TRANSLATORS: `import ucdp` and `import acled` are commands: keep them as they are.
MISSING_ACLED_COLUMNS = N_("missing ACLED column(s): {columns}")
MISSING_ACLED_COLUMNS_UCDP = N_(
    "missing ACLED column(s): {columns}; this looks like a UCDP GED file — import it with `import ucdp`"
)
MISSING_ACLED_COLUMNS_OTHER = N_(
    "missing ACLED column(s): {columns}; this does not look like an ACLED export"
)
MISSING_GED_COLUMNS = N_("missing UCDP GED column(s): {columns}")
MISSING_GED_COLUMNS_ACLED = N_(
    "missing UCDP GED column(s): {columns}; this looks like an ACLED export — import it with `import acled`"
)
MISSING_GED_COLUMNS_OTHER = N_(
    "missing UCDP GED column(s): {columns}; this does not look like a UCDP GED file"
)
NOT_GEOJSON = N_("is {found}, not a GeoJSON FeatureCollection or Feature")
OTHER_BORDERMON_SCHEMA = N_("is bordermon schema {found}; this version reads {version}")
FEATURES_NOT_GEOJSON = N_("'features' must be a list of GeoJSON Features")
NO_FEATURES = N_("has no features")
# --- the JSON Schema validator's own messages, as it writes them ---
SCHEMA_TYPE = N_("{value} is not of type {types}")
SCHEMA_ENUM = N_("{value} is not one of {allowed}")
SCHEMA_CONST = N_("{value} was expected")
SCHEMA_UNEXPECTED = N_("{value} was unexpected")
SCHEMA_UNEXPECTED_MANY = N_("{values} were unexpected")
SCHEMA_NO_REGEX = N_("{value} does not match any of the regexes: {patterns}")
SCHEMA_PATTERN = N_("{value} does not match {pattern}")
SCHEMA_NON_EMPTY = N_("{value} should be non-empty")
SCHEMA_TOO_SHORT = N_("{value} is too short")
SCHEMA_TOO_LONG = N_("{value} is too long")
SCHEMA_NONE_OF = N_("{value} is not valid under any of the given schemas")
SCHEMA_MINIMUM = N_("{value} is less than the minimum of {limit}")
SCHEMA_EXCLUSIVE_MINIMUM = N_("{value} is less than or equal to the minimum of {limit}")
SCHEMA_MAXIMUM = N_("{value} is greater than the maximum of {limit}")
SCHEMA_EXCLUSIVE_MAXIMUM = N_("{value} is greater than or equal to the maximum of {limit}")
SCHEMA_NOT_UNIQUE = N_("{value} has non-unique elements")

#: Every template a set-aside reason is written from (the module's constants).
REASONS: tuple[str, ...] = tuple(
    value for name, value in list(globals().items()) if name.isupper() and isinstance(value, str)
)


def _pattern(template: str) -> re.Pattern[str]:
    """A regular expression that matches the texts ``template`` writes, a group per value."""
    parts = []
    for literal, name, _spec, _conversion in string.Formatter().parse(template):
        parts.append(re.escape(literal))
        if name is not None:
            # A name used twice matches the same text twice.
            parts.append(f"(?P={name})" if f"(?P<{name}>" in "".join(parts) else f"(?P<{name}>.+?)")
    return re.compile("".join(parts), re.DOTALL)


@lru_cache(maxsize=1)
def _patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    # The template with the most fixed words first: "… are swapped (…)" before its shorter form.
    ordered = sorted(REASONS, key=lambda t: len(re.sub(r"\{[^{}]*\}", "", t)), reverse=True)
    return tuple((template, _pattern(template)) for template in ordered)


@lru_cache(maxsize=65_536)
def translate_reason(reason: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """``reason`` in the language ``lang``, its values kept; as written when no template matches.

    >>> translate_reason("range min 5 > max 2", "fr")
    'intervalle : minimum 5 > maximum 2'
    """
    t = translator(lang)
    if t.language == DEFAULT_LANGUAGE:
        return reason
    for template, pattern in _patterns():
        found = pattern.fullmatch(reason)
        if found is None:
            continue
        values = {name: _value(name, value, lang) for name, value in found.groupdict().items()}
        # Values are put back as they were: only the template's words change script.
        return t.gettext(template).format(**values)
    return reason


def _value(name: str, value: str, lang: str) -> str:
    """A value of a reason for the reader: a measured distance and a day in the language's
    format (``0,3``, ``24 sept. 2023``); any other value as written, or translated if it is
    itself a reason."""
    t = translator(lang)
    if name == "km" and re.fullmatch(r"\d+(?:\.\d+)?", value):
        return t.format_decimal(float(value), digits=len(value.partition(".")[2]))
    if name == "day" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return t.format_day(date.fromisoformat(value))
        except ValueError:
            return value
    return translate_reason(value, lang)
