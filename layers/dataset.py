"""The store as a partitioned GeoParquet dataset, for when it outgrows one machine.

``bordermon convert --to geoparquet OUT`` writes the valid events of a store (or of a
view of it) as a Hive-partitioned GeoParquet dataset: ``layer=<layer>/year=<year>/``
directories of Parquet files, sorted by ``start`` in row groups of
:data:`ROW_GROUP_ROWS` events, each with a GeoParquet 1.1 ``bbox`` covering column. Every
command accepts such a dataset as ``--store``: :func:`read_dataset` reads only the
partitions and row groups a view can touch (pyarrow dataset filters on layer, time and
bounding box), then the view is applied exactly as for a GeoJSON store.

Columns are those of :data:`layers.store.EVENT_COLUMNS`, as in a snapshot
(:func:`layers.snapshot.frame_to_table`): the sources as a list of structs of texts, one
field per field of a source; the other lists and mappings (title translations, actors,
disputes, tags, external ids, extensions) as JSON text; geometry as WKB in
longitude/latitude (EPSG:4326). The validation report of the source store (what was set
aside and why) is kept beside the data in :data:`MARKER`. DuckDB or dask-geopandas read the
same files (docs/geoparquet.md).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import shapely

from layers.paths import STORE_ENV, OutputPathError, ensure_output_outside_store
from layers.snapshot import frame_to_table, table_to_frame
from layers.validate import LAYERS, LOCAL_TZ, SCHEMA_VERSION, Problem, ValidationReport

__all__ = [
    "MARKER",
    "ROW_GROUP_ROWS",
    "NotADatasetError",
    "add_convert_command",
    "is_dataset",
    "read_dataset",
    "write_dataset",
]

#: File at the top of a dataset: what it is, its schema version and its validation report.
MARKER = "bordermon-dataset.json"
#: Events per row group: small enough for time and bbox statistics to skip most of a file.
ROW_GROUP_ROWS = 20_000
#: 2: the ``title_i18n`` column; a dataset of format 1 lacks it and is converted again.
#: 3: the sources as a list of structs (:data:`layers.snapshot.SOURCES_TYPE`), not JSON text.
_FORMAT = 3
#: Columns a dataset adds to the events: the partition year, the GeoParquet bbox covering,
#: and each event's position in the source store (so a read gives the store's order).
_AUXILIARY = ("year", "bbox", "store_order")


def is_dataset(path: Path) -> bool:
    """True when ``path`` is a directory written by :func:`write_dataset`."""
    return (path / MARKER).is_file()


def _with_auxiliary(events: gpd.GeoDataFrame) -> pa.Table:
    table = frame_to_table(events)
    years = events["start"].dt.tz_convert(LOCAL_TZ.key).dt.year.astype("int32").to_numpy()
    bounds = shapely.bounds(events.geometry.to_numpy())  # NaN for events without a position
    fields = {
        name: pa.array(bounds[:, i], mask=~(bounds[:, i] == bounds[:, i]))
        for i, name in enumerate(("xmin", "ymin", "xmax", "ymax"))
    }
    bbox = pa.StructArray.from_arrays(list(fields.values()), names=list(fields))
    table = table.append_column("store_order", pa.array(range(len(events)), type=pa.int64()))
    table = table.append_column("year", pa.array(years, type=pa.int32()))
    table = table.append_column("bbox", bbox)
    geo = json.loads(table.schema.metadata[b"geo"])
    geo["columns"]["geometry"]["covering"] = {
        "bbox": {name: ["bbox", name] for name in ("xmin", "ymin", "xmax", "ymax")}
    }
    metadata = {**table.schema.metadata, b"geo": json.dumps(geo).encode()}
    metadata.pop(b"pandas", None)  # partition columns come back from the paths, not from pandas
    return table.replace_schema_metadata(metadata)


class NotADatasetError(FileExistsError):
    """The output path holds something other than a bordermon dataset: it is not replaced."""


def write_dataset(events: gpd.GeoDataFrame, out: Path, report: ValidationReport | None = None) -> list[Path]:
    """Write events as a partitioned GeoParquet dataset at ``out`` (replaced whole).

    The dataset is written beside ``out`` and renamed into place, so a reader sees the
    old dataset or the new one. Returns the data files written.
    """
    out = Path(out)
    if out.exists() and not is_dataset(out) and (not out.is_dir() or any(out.iterdir())):
        raise NotADatasetError(f"{out} exists and is not a bordermon dataset; not replacing it")
    table = _with_auxiliary(events.reset_index(drop=True))
    table = table.sort_by([("layer", "ascending"), ("start", "ascending"), ("store_order", "ascending")])
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        ds.write_dataset(
            table,
            staging,
            format="parquet",
            partitioning=ds.partitioning(
                pa.schema([("layer", pa.string()), ("year", pa.int32())]), flavor="hive"
            ),
            basename_template="part-{i}.parquet",
            max_rows_per_group=ROW_GROUP_ROWS,
            min_rows_per_group=min(ROW_GROUP_ROWS, max(1, table.num_rows)),
            file_options=ds.ParquetFileFormat().make_write_options(compression="zstd"),
            existing_data_behavior="overwrite_or_ignore",
        )
        report = report or ValidationReport()
        marker = {
            "bordermon_dataset": _FORMAT,
            "schema_version": SCHEMA_VERSION,
            "events": table.num_rows,
            "set_aside": report.set_aside,
            "files": report.files,
            "problems": [[p.file, p.index, p.id, p.field, p.reason, p.severity] for p in report.problems],
        }
        (staging / MARKER).write_text(
            json.dumps(marker, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old.", dir=out.parent))
            os.replace(out, old / out.name)
            os.replace(staging, out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return sorted(out.rglob("*.parquet"))


def _day_start(day: date) -> pa.Scalar:
    moment = pd.Timestamp(day.isoformat(), tz=LOCAL_TZ.key).to_pydatetime()
    return pa.scalar(moment, type=pa.timestamp("us", tz=LOCAL_TZ.key))


def _filter(
    layers: Sequence[str] | None,
    start: date | None,
    end: date | None,
    bbox: tuple[float, float, float, float] | None,
) -> Any:
    """A pyarrow expression keeping every event a view can show (a superset: exact after)."""
    keep = pc.scalar(True)
    if layers is not None:
        keep &= pc.field("layer").isin(list(layers))
    if end is not None:
        keep &= pc.field("year") <= end.year
        keep &= pc.field("start") < _day_start(end + timedelta(days=1))
    if start is not None:
        # An event without an end may still be in effect (a deployment report, a KFOR
        # installation): only events that ended before the window can be left out.
        keep &= pc.field("end").is_null() | (pc.field("end") >= _day_start(start))
    if bbox is not None:
        west, south, east, north = bbox
        keep &= (
            (pc.field("bbox", "xmin") <= east)
            & (pc.field("bbox", "xmax") >= west)
            & (pc.field("bbox", "ymin") <= north)
            & (pc.field("bbox", "ymax") >= south)
        )
    return keep


def read_dataset(
    path: Path,
    *,
    columns: Sequence[str] | None = None,
    layers: Sequence[str] | None = None,
    start: date | None = None,
    end: date | None = None,
    bbox: tuple[float, float, float, float] | None = None,
    undecoded: Sequence[str] = (),
) -> tuple[gpd.GeoDataFrame, ValidationReport]:
    """Read the events of a dataset that a view can show, and the source store's report.

    Only partitions (layer, year) and row groups (``start``, ``end`` and ``bbox``
    statistics) that can hold such events are read. The result may hold a few more events
    than the view (those whose own time cannot be ruled out from the file statistics):
    apply :func:`layers.filters.filter_events` to it as to any store. With ``bbox``
    (west, south, east, north in degrees) only events whose bounding box meets it are
    kept; events without a position are then left out.

    Parameters
    ----------
    path : Path
        The dataset directory.
    columns : sequence of str, optional
        Event columns to read (default all); ``id``, ``layer`` and the geometry should be
        among them.
    layers, start, end, bbox : optional
        The view to read for.
    undecoded : sequence of str, optional
        Nested columns left as stored (:func:`layers.store.read_store`).
    """
    from layers.store import EVENT_COLUMNS, empty_events  # the store reads datasets through here

    marker = json.loads((path / MARKER).read_text(encoding="utf-8"))
    if marker.get("bordermon_dataset") != _FORMAT or marker.get("schema_version") != SCHEMA_VERSION:
        raise ValueError(f"{path} is a dataset of another version of bordermon; convert the store again")
    report = ValidationReport(
        problems=[Problem(*row) for row in marker.get("problems", [])],
        set_aside=int(marker.get("set_aside", 0)),
        files=int(marker.get("files", 0)),
    )
    dataset = ds.dataset(path, format="parquet", partitioning="hive", exclude_invalid_files=True)
    wanted = [name for name in EVENT_COLUMNS if columns is None or name in columns]
    table = dataset.to_table(columns=[*wanted, "store_order"], filter=_filter(layers, start, end, bbox))
    table = table.sort_by("store_order").drop_columns(["store_order"])
    table = table.cast(pa.schema([_field(table.schema.field(name)) for name in table.column_names]))
    template = empty_events()
    events = table_to_frame(table, template, undecoded=undecoded) if table.num_rows else template[wanted]
    counts = events["layer"].value_counts()
    report.counts = {**dict.fromkeys(LAYERS, 0), **{str(k): int(v) for k, v in counts.items()}}
    return events, report


def _field(field: pa.Field) -> pa.Field:
    # Hive partition values come back as dictionary-encoded strings.
    if pa.types.is_dictionary(field.type):
        return pa.field(field.name, field.type.value_type)
    return field


# --------------------------------------------------------------------------- command


def _run_convert(args: argparse.Namespace) -> int:
    from layers.cliargs import UsageError, check_view, open_store, store_path
    from layers.filters import Filters, filter_events
    from layers.i18n import translator

    lang = args.lang
    t = translator(lang)
    store = store_path(args.store)
    # A store given as one file keeps its directory free of outputs too.
    home = store if store.is_dir() else store.parent
    try:
        out = ensure_output_outside_store(args.out, home, directory=True, lang=lang)
    except OutputPathError as exc:
        raise UsageError(str(exc)) from None
    filters = Filters(start=args.start, end=args.end, layers=tuple(args.layer or LAYERS))
    check_view(filters, lang)
    source = open_store(args.store, lang=lang)
    view = filter_events(source.events, filters)
    try:
        files = write_dataset(view, out, source.report)
    except NotADatasetError:
        refused = t.gettext("{path} exists and is not a bordermon dataset; not replacing it")
        print(f"bordermon convert: {refused.format(path=out)}", file=sys.stderr)
        return 2
    except OSError as exc:  # FileExistsError among them
        print(f"bordermon convert: {exc}", file=sys.stderr)
        return 2
    events = t.ngettext("{count} event", "{count} events", len(view)).format(
        count=t.format_decimal(len(view))
    )
    written = t.ngettext("{count} file", "{count} files", len(files)).format(
        count=t.format_decimal(len(files))
    )
    print(t.gettext("wrote {events} in {files} to {path}").format(events=events, files=written, path=out))
    if source.report.set_aside:
        count = source.report.set_aside
        print(
            t.ngettext(
                "{count} record set aside by validation is not in it (see bordermon validate)",
                "{count} records set aside by validation are not in it (see bordermon validate)",
                count,
            ).format(count=t.format_decimal(count))
        )
    return 0


def add_convert_command(commands: Any) -> None:
    """Register ``convert`` on the ``bordermon`` sub-command parser."""
    from layers.cliargs import add_lang_argument, parse_day  # the store reads datasets: import late

    convert = commands.add_parser(
        "convert", help="write the store (or a view of it) as a partitioned GeoParquet dataset"
    )
    convert.add_argument("--to", choices=["geoparquet"], required=True, help="output format")
    convert.add_argument("out", help="dataset directory to write (outside the store; replaced whole)")
    convert.add_argument(
        "--store", help=f"store directory or one .geojson file (default: ${STORE_ENV} or the shipped store)"
    )
    convert.add_argument("--start", type=parse_day, help="first day of the view (YYYY-MM-DD)")
    convert.add_argument("--end", type=parse_day, help="last day of the view (YYYY-MM-DD)")
    convert.add_argument("--layer", action="append", choices=LAYERS, help="keep only this layer (repeatable)")
    add_lang_argument(convert)
    convert.set_defaults(run=_run_convert)
