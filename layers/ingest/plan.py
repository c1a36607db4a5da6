"""Plan an import (a dry run that reports everything), then apply it to the store.

:func:`plan_import` reads the file, maps and validates every row, keeps the rows in the
region and checks them against the store: every row read ends up in exactly one of
*new*, *outside the region*, *duplicate* or *rejected*, and the plan says which and why.
Nothing is written. :func:`apply_import` then takes the store's lock, checks the new
events against the store again (another editor may have written meanwhile), and writes
them, in one atomic write, to the import's own collection file under ``imports/``.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import geopandas as gpd

from layers.i18n import DEFAULT_LANGUAGE, N_, translator
from layers.ingest.acled import map_acled
from layers.ingest.acled import select_columns as acled_columns
from layers.ingest.build import MappedRows
from layers.ingest.dedupe import find_duplicates, find_possible_duplicates, index_store, store_stamp
from layers.ingest.geojson import read_geojson_features, validate_geojson_features
from layers.ingest.model import Candidate, Duplicate, Progress, Rejected, report_progress
from layers.ingest.region import DEFAULT_MAX_DISTANCE_KM, classify_points
from layers.ingest.table import CsvTable, load_input, read_csv_table
from layers.ingest.ucdp import map_ucdp
from layers.ingest.ucdp import select_columns as ucdp_columns
from layers.paths import default_store
from layers.reasons import REPEATED_IN_FILE
from layers.store import (
    StoreError,
    canonical_feature,
    events_frame,
    read_collection_file,
    store_lock,
    write_collection,
)
from layers.validate import SCHEMA_VERSION, check_features

__all__ = [
    "IMPORTS_DIR",
    "IMPORT_KINDS",
    "MAX_DISTANCE_KM",
    "ImportKind",
    "ImportPlan",
    "ImportResult",
    "apply_import",
    "detect_kind",
    "plan_import",
]

ImportKind = Literal["acled", "ucdp", "geojson"]
IMPORT_KINDS: tuple[ImportKind, ...] = ("acled", "ucdp", "geojson")
#: Directory of the store that receives imports, one collection file per imported file.
IMPORTS_DIR = "imports"
#: The farthest from the boundary (km) a CSV import keeps events in Serbia.
MAX_DISTANCE_KM = 500
_CHUNK = 20_000


@dataclass
class ImportPlan:
    """What an import would do, row by row; nothing has been written.

    Every row read is counted once: ``rows_read == len(new) + outside + len(duplicates)
    + rejected_rows``.

    Attributes
    ----------
    kind : str
        ``acled``, ``ucdp`` or ``geojson``.
    name : str
        The input file's name.
    sha256 : str
        Digest of the input's bytes (names the collection file it writes).
    layout : str
        The file's layout as recognised (e.g. the current ACLED layout).
    store : Path
        The store it was planned against.
    target : str
        The collection file (relative to the store) that receives the new events.
    max_distance_km : float
        How far into Serbia from the boundary rows were kept (CSV imports).
    rows_read : int
        Data rows (CSV) or features (GeoJSON) in the file.
    new : list of Candidate
        The events that would be written, in file order.
    outside : int
        Rows outside the region (not in Kosovo, nor in Serbia within the distance).
    duplicates : list of Duplicate
        Rows already in the store (same id or source id), possible duplicates held back
        for review (same place, day and type), and rows repeated in the file.
    rejected : list of Rejected
        Every problem of every row that could not be imported, in file order.
    timings : dict
        Seconds spent per stage.
    store_stamp : tuple
        The store's files (name, size, modification time) when it was checked; applying
        the plan checks again only if they have changed.
    """

    kind: ImportKind
    name: str
    sha256: str
    layout: str
    store: Path
    target: str
    max_distance_km: float
    rows_read: int
    new: list[Candidate] = field(default_factory=list)
    outside: int = 0
    duplicates: list[Duplicate] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    store_stamp: tuple[tuple[str, int, int], ...] = field(default=(), repr=False)

    @property
    def features(self) -> list[dict[str, Any]]:
        """The new events as GeoJSON features, in canonical form."""
        return [c.feature for c in self.new]

    @property
    def rejected_rows(self) -> int:
        """How many rows were rejected (a row can have several problems)."""
        return len({r.record for r in self.rejected})

    @property
    def possible_duplicates(self) -> list[Duplicate]:
        """Rows held back because a stored event has the same place, day and type."""
        return [d for d in self.duplicates if d.kind == "same_place_day_type"]

    def counts(self) -> dict[str, int]:
        """The numbers of the report, for a table or metrics."""
        return {
            "rows read": self.rows_read,
            "new events": len(self.new),
            "outside the region": self.outside,
            "duplicates": len(self.duplicates),
            "rejected rows": self.rejected_rows,
        }

    def events(self) -> gpd.GeoDataFrame:
        """The new events as an events frame (as :func:`layers.store.read_store` gives)."""
        return events_frame([c.checked for c in self.new])

    def format(self, *, limit: int = 30, lang: str = DEFAULT_LANGUAGE) -> str:
        """The dry-run report, in the language ``lang``: counts, then duplicates and rejected rows.

        Parameters
        ----------
        limit : int
            At most this many duplicates and this many rejections are listed; the rest
            are counted.
        lang : str
            The report's language; ids, fields, files and quoted values stay as they are.
        """
        t = translator(lang)
        kinds: dict[str, int] = {}
        for duplicate in self.duplicates:
            kinds[duplicate.kind] = kinds.get(duplicate.kind, 0) + 1
        # One call per kind, with its words written out, for the extractor to find.
        detail = {
            "same_id": lambda n: t.ngettext("{count} with the same id", "{count} with the same id", n),
            "same_source_id": lambda n: t.ngettext(
                "{count} with the same source id", "{count} with the same source id", n
            ),
            "same_place_day_type": lambda n: t.ngettext(
                "{count} possible duplicate held back for review",
                "{count} possible duplicates held back for review",
                n,
            ),
            "repeated_in_file": lambda n: t.ngettext(
                "{count} repeated in the file", "{count} repeated in the file", n
            ),
        }
        dup_detail = ", ".join(
            detail[k](kinds[k]).format(count=t.format_decimal(kinds[k])) for k in detail if kinds.get(k)
        )
        if self.kind != "geojson":
            region = t.gettext("not in Kosovo, nor in Serbia within {km} km of the boundary").format(
                km=t.format_decimal(self.max_distance_km)
            )
        else:
            region = t.gettext("GeoJSON merges are not filtered by region")
        labels = [
            t.gettext("rows read"),
            t.gettext("new events"),
            t.gettext("outside the region"),
            t.gettext("duplicates"),
            t.gettext("rejected rows"),
        ]
        width = max(20, *(len(label) + 1 for label in labels))
        numbers = [self.rows_read, len(self.new), self.outside, len(self.duplicates), self.rejected_rows]
        rows = [
            f"  {label:<{width}}{t.format_decimal(n):>8}" for label, n in zip(labels, numbers, strict=True)
        ]
        rows[1] += f"   → {self.target}"
        rows[2] += f"   ({region})"
        if dup_detail:
            rows[3] += f"   ({dup_detail})"
        heading = t.gettext("Import {file} ({layout}) into {store}").format(
            file=self.name, layout=t.gettext(self.layout), store=self.store
        )
        lines = [heading, *rows]
        if self.duplicates:
            lines.append(t.gettext("Duplicates (not imported):"))
            lines.extend(f"  {d.describe(lang)}" for d in self.duplicates[:limit])
            if len(self.duplicates) > limit:
                more = len(self.duplicates) - limit
                lines.append("  " + t.gettext("… and {count} more").format(count=t.format_decimal(more)))
        if self.rejected:
            lines.append(t.gettext("Rejected:"))
            lines.extend(f"  {r.describe(lang)}" for r in self.rejected[:limit])
            if len(self.rejected) > limit:
                more = len(self.rejected) - limit
                lines.append(
                    "  "
                    + t.ngettext("… and {count} more problem", "… and {count} more problems", more).format(
                        count=t.format_decimal(more)
                    )
                )
        return "\n".join(lines)


@dataclass
class ImportResult:
    """What :func:`apply_import` wrote.

    Attributes
    ----------
    path : Path or None
        The collection file written, or None when there was nothing new.
    written : int
        Events written.
    skipped : list of Duplicate
        Events of the plan that turned out to be in the store when writing (another
        import or editor wrote them after the plan was made); not written.
    """

    path: Path | None
    written: int
    skipped: list[Duplicate] = field(default_factory=list)


@contextmanager
def _timed(timings: dict[str, float], stage: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] = timings.get(stage, 0.0) + time.perf_counter() - started


def detect_kind(name: str, data: bytes) -> ImportKind | None:
    """Guess the kind of an input from its name and first line (for an upload form)."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if name.lower().endswith((".geojson", ".json")) or head.startswith(b"{"):
        return "geojson"
    first = head.split(b"\n", 1)[0].lower()
    if b"event_id_cnty" in first:
        return "acled"
    if b"where_prec" in first and b"date_prec" in first:
        return "ucdp"
    return None


def _target(kind: str, name: str, digest: str) -> str:
    stem = re.sub(r"[^a-z0-9]+", "-", Path(name).stem.lower()).strip("-")[:40] or "upload"
    return f"{IMPORTS_DIR}/{kind}-{stem}-{digest[:10]}.geojson"


def _csv_candidates(
    kind: ImportKind,
    table: CsvTable,
    max_distance_km: float,
    timings: dict[str, float],
    progress: Progress | None,
) -> tuple[list[Candidate], list[Rejected], int, str]:
    with _timed(timings, "map"):
        rows, problems = map_acled(table) if kind == "acled" else map_ucdp(table)
        lines = table.lines()
        rejected = problems.rejected()
        source_ids = problems.ids.to_numpy(dtype=object)
        table.release()  # the file and its full table are no longer needed
        del problems
    report_progress(progress, N_("mapping"), 0.3)
    with _timed(timings, "region"):
        where = classify_points(rows.lon, rows.lat, max_distance_km)
        kept: MappedRows = rows.take(where.inside)
        outside = len(rows) - len(kept)
        del rows
    with _timed(timings, "build"):
        features = kept.features(where.side[where.inside].tolist())
        positions = kept.positions
        del kept
    report_progress(progress, N_("validating"), 0.4)
    candidates: list[Candidate] = []
    invalid: list[Rejected] = []
    with _timed(timings, "validate"):
        for first in range(0, len(features), _CHUNK):
            chunk = features[first : first + _CHUNK]
            for offset, (checked, found) in enumerate(
                check_features(chunk, file=table.label, start_index=first)
            ):
                position = int(positions[first + offset])
                record, line = position + 1, int(lines[position]) or None
                if checked is not None:
                    candidates.append(Candidate(record, line, checked))
                else:
                    source_id = str(source_ids[position]) or None
                    invalid.extend(Rejected(record, line, source_id, p.field, p.reason) for p in found)
            report_progress(progress, N_("validating"), 0.4 + 0.4 * (first + len(chunk)) / len(features))
    return candidates, sorted(rejected + invalid, key=lambda r: r.record), outside, table.layout


def _repeats(candidates: Sequence[Candidate]) -> tuple[list[Candidate], list[Duplicate]]:
    """Keep the first of rows that share an id or a source id; the later ones are duplicates."""
    by_id: dict[str, Candidate] = {}
    by_key: dict[tuple[str, str], Candidate] = {}
    unique: list[Candidate] = []
    repeats: list[Duplicate] = []
    for candidate in candidates:
        fid, keys = candidate.id, candidate.keys
        earlier = by_id.get(fid)
        for key in keys if earlier is None else ():
            if key in by_key:
                earlier = by_key[key]
                break
        if earlier is not None:
            reason = REPEATED_IN_FILE.format(where=earlier.where, id=earlier.id)
            repeats.append(Duplicate(candidate, "repeated_in_file", earlier.id, None, reason))
            continue
        by_id[fid] = candidate
        for key in keys:
            by_key.setdefault(key, candidate)
        unique.append(candidate)
    return unique, repeats


def plan_import(
    kind: str,
    source: str | Path | bytes,
    store: str | Path | None = None,
    *,
    name: str | None = None,
    max_distance_km: float = DEFAULT_MAX_DISTANCE_KM,
    progress: Progress | None = None,
) -> ImportPlan:
    """Read, map, validate and deduplicate an input file against a store; write nothing.

    Parameters
    ----------
    kind : str
        ``acled`` (ACLED CSV export), ``ucdp`` (UCDP GED CSV) or ``geojson`` (a bordermon
        or plain GeoJSON file to merge).
    source : str, Path or bytes
        The file, or its content (an upload).
    store : str or Path, optional
        The store to import into; default :func:`layers.paths.default_store`.
    name : str, optional
        The name to report the input by (default its file name; ``upload`` for bytes).
    max_distance_km : float
        CSV imports keep events in Kosovo, and in Serbia within this distance of the
        boundary (default 25 km).
    progress : callable, optional
        Called as ``progress(stage, fraction)`` while the import runs.

    Returns
    -------
    ImportPlan

    Raises
    ------
    ImportFileError
        If the file cannot be imported at all (one line, naming the file).
    StoreError
        If a file of the store cannot be read.
    ValueError
        If ``kind`` or ``max_distance_km`` is not valid.
    """
    if kind not in IMPORT_KINDS:
        raise ValueError(f"unknown import kind {kind!r}; expected one of {', '.join(IMPORT_KINDS)}")
    if not 0 <= max_distance_km <= MAX_DISTANCE_KM:
        raise ValueError(f"max_distance_km must be between 0 and {MAX_DISTANCE_KM}, not {max_distance_km!r}")
    import_kind: ImportKind = kind
    timings: dict[str, float] = {}
    root = Path(store) if store is not None else default_store()
    report_progress(progress, N_("reading"), 0.0)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="bordermon-index") as pool:
        # The store is indexed beside the reading and checking of the input: reading its
        # snapshots and projecting its points mostly leave the interpreter free.
        stamp = store_stamp(root)  # taken first: a write while indexing changes it
        indexing = pool.submit(index_store, root)
        candidates, rejected, rows_read, outside, layout, label, digest = _input_candidates(
            import_kind, source, name, max_distance_km, timings, progress
        )
        report_progress(progress, N_("checking duplicates"), 0.8)
        with _timed(timings, "dedupe"):
            index = indexing.result()
    with _timed(timings, "dedupe"):
        # Rows the store already has are named as such, even when the file repeats them;
        # then repeats within the file; then possible duplicates of what is left.
        fresh, known = find_duplicates(candidates, index, check_place=False)
        unique, repeats = _repeats(fresh)
        new, possible = find_possible_duplicates(unique, index)
        duplicates = known + possible
    report_progress(progress, N_("done"), 1.0)
    return ImportPlan(
        kind=import_kind,
        name=label,
        sha256=digest,
        layout=layout,
        store=root,
        target=_target(import_kind, label, digest),
        max_distance_km=float(max_distance_km),
        rows_read=rows_read,
        new=new,
        outside=outside,
        duplicates=sorted(repeats + duplicates, key=lambda d: d.record),
        rejected=rejected,
        timings=timings,
        store_stamp=stamp,
    )


def _input_candidates(
    kind: ImportKind,
    source: str | Path | bytes,
    name: str | None,
    max_distance_km: float,
    timings: dict[str, float],
    progress: Progress | None,
) -> tuple[list[Candidate], list[Rejected], int, int, str, str, str]:
    """Read, map and validate the input: its candidates, rejected rows, rows read, rows
    outside the region, layout, name and SHA-256."""
    with _timed(timings, "read"):
        data, label = load_input(source, name)
        digest = hashlib.sha256(data).hexdigest()
        select = {"acled": acled_columns, "ucdp": ucdp_columns}.get(kind)
        table = read_csv_table(data, label, select) if select is not None else None
        features = read_geojson_features(data, label) if table is None else []
        del data  # the table holds it while it is needed
    report_progress(progress, N_("reading"), 0.2)
    if table is not None:
        rows_read = len(table)
        candidates, rejected, outside, layout = _csv_candidates(
            kind, table, max_distance_km, timings, progress
        )
    else:
        rows_read, outside, layout = len(features), 0, N_("GeoJSON features")
        with _timed(timings, "validate"):
            candidates, rejected = validate_geojson_features(features, label)
    return candidates, rejected, rows_read, outside, layout, label, digest


def _mark_possible_duplicate(duplicate: Duplicate) -> Candidate:
    feature = dict(duplicate.candidate.feature)
    props = dict(feature["properties"])
    props["x_possible_duplicate_of"] = duplicate.existing_id
    feature["properties"] = props
    candidate = duplicate.candidate
    checked = type(candidate.checked)(
        candidate.checked.file,
        candidate.checked.index,
        canonical_feature(feature),
        candidate.checked.geometry,
        candidate.checked.start,
        candidate.checked.end,
    )
    return Candidate(candidate.record, candidate.line, checked)


def apply_import(
    plan: ImportPlan,
    store: str | Path | None = None,
    *,
    include_possible_duplicates: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Write a plan's new events to the import's own collection file, atomically.

    Under the store's lock the store is read again and every event is checked once more
    for the same id or source id (and, unless included, the same place, day and type),
    so two imports or an import and an editor running at once never write an event
    twice and never lose one. Re-running an import that has been applied writes nothing.

    Parameters
    ----------
    plan : ImportPlan
        From :func:`plan_import`.
    store : str or Path, optional
        The store directory; default the one the plan was made against.
    include_possible_duplicates : bool
        Also write the rows held back as possible duplicates (after review). They carry
        ``x_possible_duplicate_of`` with the stored event's id.
    progress : callable, optional
        Called as ``progress(stage, fraction)``.

    Returns
    -------
    ImportResult

    Raises
    ------
    StoreError
        If the store is a single file, a file of it cannot be read, or the import's
        collection file is not a FeatureCollection. Nothing is written then.
    """
    root = Path(store) if store is not None else plan.store
    if root.is_file():
        raise StoreError(f"{root} is a file; imports write into a store directory")
    report_progress(progress, N_("checking the store"), 0.0)
    with store_lock(root):
        if root == plan.store and plan.store_stamp and store_stamp(root) == plan.store_stamp:
            # Nothing was written since the plan was made: its checks still hold.
            new, skipped = list(plan.new), list[Duplicate]()
        else:
            new, skipped = find_duplicates(plan.new, index_store(root))
        if include_possible_duplicates:
            index = index_store(root)
            held = [_mark_possible_duplicate(d) for d in plan.possible_duplicates]
            extra, skipped_extra = find_duplicates(held, index, check_place=False)
            new = sorted(new + extra, key=lambda c: c.record)
            skipped = sorted(skipped + skipped_extra, key=lambda d: d.record)
        if not new:
            report_progress(progress, N_("done"), 1.0)
            return ImportResult(path=None, written=0, skipped=skipped)
        target = root / plan.target
        report_progress(progress, N_("writing"), 0.5)
        if target.exists():
            data, problem = read_collection_file(target, plan.target)
            if (
                problem is not None
                or not isinstance(data, dict)
                or not isinstance(data.get("features"), list)
            ):
                raise StoreError(f"{plan.target} is not a FeatureCollection; not writing into it")
            meta = data.get("bordermon") if isinstance(data.get("bordermon"), dict) else None
            features = [*data["features"], *(c.feature for c in new)]
        else:
            meta = {
                "schema_version": SCHEMA_VERSION,
                "import": {
                    "kind": plan.kind,
                    "file": plan.name,
                    "sha256": plan.sha256,
                    "layout": plan.layout,
                    "imported": datetime.now(UTC).isoformat(timespec="seconds"),
                },
            }
            features = [c.feature for c in new]
        write_collection(target, features, meta)
    report_progress(progress, N_("done"), 1.0)
    return ImportResult(path=target, written=len(new), skipped=skipped)
