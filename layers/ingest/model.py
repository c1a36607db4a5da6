"""The records an import reports: file-level errors, rejected rows, duplicates, progress."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

from layers.i18n import DEFAULT_LANGUAGE, translator
from layers.reasons import WHERE_FEATURE, WHERE_LINE, translate_reason
from layers.validate import CheckedFeature

__all__ = [
    "MAX_IMPORT_BYTES",
    "Candidate",
    "Duplicate",
    "DuplicateKind",
    "ImportFileError",
    "Progress",
    "Rejected",
    "report_progress",
    "source_keys",
]

#: Largest file an import reads (512 MiB). Bigger files are refused before reading: split
#: the export (by year, or to the two countries) instead.
MAX_IMPORT_BYTES = 512 * 1024 * 1024

#: Called with a stage name and the fraction done (0.0 to 1.0) while an import runs. The
#: name is English (``reading``, ``validating``, …), marked for the catalogs: whoever shows
#: it translates it.
Progress = Callable[[str, float], None]

DuplicateKind = Literal["same_id", "same_source_id", "same_place_day_type", "repeated_in_file"]


class ImportFileError(ValueError):
    """The input file cannot be imported at all; the message is one line, naming the file.

    Parameters
    ----------
    label : str
        The file's name (or path).
    reason : str
        Why, in English, written from a template of :mod:`layers.reasons`; the message is
        ``label: reason``, and :meth:`describe` gives it in the reader's language.
    """

    def __init__(self, label: str, reason: str) -> None:
        super().__init__(f"{label}: {reason}")
        self.label = label
        self.reason = reason

    def describe(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The message in the language ``lang``; the file's name and values as they are."""
        return f"{self.label}: {translate_reason(self.reason, lang)}"


@dataclass(frozen=True, order=True)
class Rejected:
    """One reason a row (or feature) of the input was not imported.

    Attributes
    ----------
    record : int
        The row's number among the data rows (1 = the first row after the header), or
        the feature's number in a GeoJSON file (1 = the first feature).
    line : int or None
        The line of the file on which the row starts (the header is line 1); None for
        GeoJSON, whose features are counted instead.
    id : str or None
        The row's id in its dataset (ACLED ``event_id_cnty``, UCDP ``id``), or the feature id.
    field : str
        The column or field at fault.
    reason : str
        What is wrong, in words a curator can act on.
    """

    record: int
    line: int | None
    id: str | None
    field: str
    reason: str

    @property
    def where(self) -> str:
        return _where(self.line, self.record)

    def __str__(self) -> str:
        return self.describe()

    def describe(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The rejection on one line, in the language ``lang``; id, field and values as they are."""
        ident = f" ({self.id})" if self.id else ""
        where = _where(self.line, self.record, lang)
        return f"{where}{ident} {self.field}: {translate_reason(self.reason, lang)}"


def _where(line: int | None, record: int, lang: str = DEFAULT_LANGUAGE) -> str:
    """``line 12`` of a CSV file, ``feature 3`` of a GeoJSON file."""
    t = translator(lang)
    if line is not None:
        return t.gettext(WHERE_LINE).format(line=line)
    return t.gettext(WHERE_FEATURE).format(record=record)


def source_keys(feature: dict[str, Any]) -> list[tuple[str, str]]:
    """The ids a feature is known by elsewhere.

    ``(dataset, id)`` for each entry of its ``external_ids``, then ``("dataset_id", id)``
    for each of those ids and each source's ``dataset_id``: a curator who cites ACLED
    record XKX1234 as a source and an import that records it as ``{"acled": "XKX1234"}``
    name the same record.
    """
    props = feature.get("properties")
    if type(props) is not dict:
        return []
    external = props.get("external_ids")
    keys = [(k, v) for k, v in external.items() if type(v) is str] if type(external) is dict else []
    ids = [v for _, v in keys]
    sources = props.get("sources")
    if type(sources) is list:
        for source in sources:
            dataset_id = source.get("dataset_id") if type(source) is dict else None
            if type(dataset_id) is str:
                ids.append(dataset_id)
    keys.extend(("dataset_id", i) for i in dict.fromkeys(ids))
    return keys


@dataclass
class Candidate:
    """A valid, in-region event built from one input row, not yet checked against the store."""

    record: int
    line: int | None
    checked: CheckedFeature

    @property
    def feature(self) -> dict[str, Any]:
        return self.checked.feature

    @property
    def id(self) -> str:
        fid: str = self.checked.feature["id"]
        return fid

    @property
    def where(self) -> str:
        return _where(self.line, self.record)

    @cached_property
    def keys(self) -> list[tuple[str, str]]:
        """Its :func:`source_keys`, worked out once."""
        return source_keys(self.checked.feature)


@dataclass
class Duplicate:
    """An input row that duplicates an event already in the store (or an earlier row).

    Duplicates are never merged: a row with the same id or source id as a stored event
    is not imported again, and a row at the same place, on the same day and of the same
    type as a stored event is held back and listed for review.

    Attributes
    ----------
    candidate : Candidate
        The row, as the event it would have become.
    kind : str
        ``same_id``, ``same_source_id`` (ACLED/UCDP id, or a source's dataset id),
        ``same_place_day_type`` (a possible duplicate, for review) or ``repeated_in_file``.
    existing_id : str
        The stored event (or, for ``repeated_in_file``, the earlier row's event id).
    existing_file : str or None
        The collection file holding it, relative to the store; None within the input file.
    reason : str
        What matched.
    """

    candidate: Candidate
    kind: DuplicateKind
    existing_id: str
    existing_file: str | None
    reason: str = field(default="")

    @property
    def record(self) -> int:
        return self.candidate.record

    @property
    def line(self) -> int | None:
        return self.candidate.line

    def __str__(self) -> str:
        return self.describe()

    def describe(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The duplicate on one line, in the language ``lang``."""
        where = _where(self.candidate.line, self.candidate.record, lang)
        return f"{where} ({self.candidate.id}) {translate_reason(self.reason, lang)}"


def report_progress(progress: Progress | None, stage: str, fraction: float) -> None:
    """Call ``progress`` if there is one (fractions are clamped to 0..1)."""
    if progress is not None:
        progress(stage, min(1.0, max(0.0, fraction)))
