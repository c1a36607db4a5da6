"""Read an input file: its bytes within the size limit, and a CSV export as a string table.

Every problem with the file as a whole (too big, empty, not UTF-8, a spreadsheet or an
archive instead of CSV, broken quoting, missing columns) raises :class:`ImportFileError`
with one line that names the file and says what to do. Problems with single rows are
left to the importers, which reject those rows and keep the others.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from layers import reasons
from layers.ingest.model import MAX_IMPORT_BYTES, ImportFileError

__all__ = [
    "MAX_COLUMNS",
    "MAX_LINE_BYTES",
    "ColumnSelector",
    "CsvTable",
    "check_table_shape",
    "check_text",
    "load_input",
    "read_csv_table",
]

_MAGIC = (
    (b"PK\x03\x04", reasons.FILE_ZIP),
    (b"\x1f\x8b", reasons.FILE_GZIP),
    (b"\xd0\xcf\x11\xe0", reasons.FILE_OLD_OFFICE),
    (b"\xff\xfe", reasons.FILE_UTF16),
    (b"\xfe\xff", reasons.FILE_UTF16),
)


#: Most columns a CSV may have. ACLED exports have 31, UCDP GED 49; a file with a million
#: columns kept an import busy for over ten minutes at 4 GB.
MAX_COLUMNS = 1_000
#: Longest line a CSV may have, in bytes: the csv module's own field limit (128 KiB), far
#: beyond any ACLED or UCDP row.
MAX_LINE_BYTES = 128 * 1024
_CHUNK = 32 * 1024 * 1024


def _size(n: int) -> str:
    return f"{n / 1024**3:.1f} GB" if n >= 1024**3 else f"{n / 1024**2:.0f} MB"


def load_input(source: str | Path | bytes, name: str | None = None) -> tuple[bytes, str]:
    """The bytes of an input and the name to report it by.

    Parameters
    ----------
    source : str, Path or bytes
        A file path, or the file's content (an upload).
    name : str, optional
        Name to show in reports; default the file name, or ``"upload"`` for bytes.

    Raises
    ------
    ImportFileError
        If the file is missing, is a directory, or is larger than
        :data:`~layers.ingest.model.MAX_IMPORT_BYTES` (checked before reading).
    """
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        label = name or "upload"
        if len(data) > MAX_IMPORT_BYTES:
            raise ImportFileError(label, _too_big(len(data)))
        return data, label
    path = Path(source)
    label = name or path.name
    if not path.exists():
        raise ImportFileError(str(path), reasons.FILE_NOT_FOUND)
    if not path.is_file():
        raise ImportFileError(str(path), reasons.FILE_IS_A_DIRECTORY)
    size = path.stat().st_size
    if size > MAX_IMPORT_BYTES:
        raise ImportFileError(label, _too_big(size))
    try:
        return path.read_bytes(), label
    except OSError as exc:
        raise ImportFileError(label, reasons.FILE_CANNOT_BE_READ.format(error=exc.strerror)) from None


def _too_big(size: int) -> str:
    return reasons.FILE_TOO_BIG.format(size=_size(size), limit=_size(MAX_IMPORT_BYTES))


def check_text(data: bytes, label: str) -> None:
    """Refuse input that is empty, binary, or not UTF-8, with one line saying so.

    Raises
    ------
    ImportFileError
        With the byte offset and line of the first byte that is not UTF-8.
    """
    if not data or data.isspace():  # (isspace makes no copy of a big file; strip would)
        raise ImportFileError(label, reasons.EMPTY_FILE)
    for magic, reason in _MAGIC:
        if data.startswith(magic):
            raise ImportFileError(label, reason)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        byte = f"0x{data[exc.start]:02X}"
        raise ImportFileError(
            label, reasons.FILE_NOT_UTF8_AT.format(byte=byte, offset=exc.start, line=line)
        ) from None
    nul = data.find(b"\x00")
    if nul >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise ImportFileError(label, reasons.FILE_NUL_BYTE.format(offset=nul, line=line))


def _longest_line(data: bytes) -> tuple[int, int]:
    """The length in bytes of the longest line and its number (from 1), without copying."""
    view = np.frombuffer(data, dtype=np.uint8)
    breaks = [np.flatnonzero(view[at : at + _CHUNK] == 10) + at for at in range(0, len(view), _CHUNK)]
    ends = np.concatenate([*breaks, np.asarray([len(view)])])
    starts = np.concatenate([np.asarray([0]), ends[:-1] + 1])
    lengths = ends - starts
    longest = int(lengths.argmax())
    return int(lengths[longest]), longest + 1


def check_table_shape(data: bytes, label: str) -> None:
    """Refuse a CSV with overlong lines or too many columns, before parsing it.

    Raises
    ------
    ImportFileError
        Naming the line and the limit (:data:`MAX_LINE_BYTES`, :data:`MAX_COLUMNS`).
    """
    length, line = _longest_line(data)
    if length > MAX_LINE_BYTES:
        raise ImportFileError(
            label,
            reasons.FILE_LINE_TOO_LONG.format(line=line, length=f"{length:,}", limit=f"{MAX_LINE_BYTES:,}"),
        )
    first = data.split(b"\n", 1)[0].decode("utf-8-sig", errors="replace")
    columns = len(next(csv.reader([first]), []))
    if columns > MAX_COLUMNS:
        raise ImportFileError(
            label, reasons.FILE_TOO_MANY_COLUMNS.format(columns=f"{columns:,}", limit=f"{MAX_COLUMNS:,}")
        )


@dataclass
class CsvTable:
    """A CSV file read as strings: every cell a ``str`` (empty when blank), no guessing.

    Attributes
    ----------
    frame : DataFrame
        One row per data row, columns named by the header (stripped, lower case).
    label : str
        The file's name, for reports.
    header : list of str
        Every column of the file, in order (``frame`` holds the ones read).
    layout : str
        The layout recognised (an ACLED or UCDP layout).
    """

    frame: pd.DataFrame
    label: str
    data: bytes = field(repr=False)
    header: list[str] = field(default_factory=list)
    layout: str = "CSV"
    rows: int = field(init=False, default=0)
    _lines: np.ndarray | None = field(default=None, repr=False)

    def __len__(self) -> int:
        return self.rows

    def __post_init__(self) -> None:
        self.rows = len(self.frame)

    def lines(self) -> np.ndarray:
        """The line of the file on which each data row starts (the header is line 1).

        Rows can span lines (quoted newlines in ACLED notes), so this is worked out from
        the file, once, on first use.
        """
        if self._lines is None:
            self._lines = _record_lines(self.data, self.frame)
        return self._lines

    def release(self) -> None:
        """Let go of the file's bytes and the table (line numbers, once worked out, stay)."""
        self.lines()
        self.frame = self.frame.iloc[:0]
        self.data = b""

    def line_of(self, positions: Iterable[int]) -> list[int | None]:
        """Lines for rows given by position (0 = the first data row)."""
        lines = self.lines()
        return [int(lines[p]) if lines[p] > 0 else None for p in positions]


def _record_lines(data: bytes, frame: pd.DataFrame) -> np.ndarray:
    n_records = len(frame)
    breaks = data.count(b"\n")
    physical = breaks if data.endswith(b"\n") else breaks + 1
    if physical == n_records + 1:  # one line per row, no blank lines: the common case
        return np.arange(2, n_records + 2, dtype="int64")
    # Rows that span lines (line breaks in quoted notes): count the breaks inside each row.
    inside = np.zeros(n_records, dtype="int64")
    for name in frame.columns:
        inside += frame[name].str.count("\n").fillna(0).to_numpy(dtype="int64")
    spans = inside + 1
    if int(spans.sum()) + 1 == physical:  # no blank lines either: the spans add up
        starts: np.ndarray = 2 + np.cumsum(spans) - spans
        return starts
    return _record_lines_by_csv(data, n_records)


def _record_lines_by_csv(data: bytes, n_records: int) -> np.ndarray:
    """Where each row starts, found by the csv module (blank lines, lone CRs, ...)."""
    text = data.decode("utf-8-sig")
    starts: list[int] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    previous = 0
    # The csv module's field limit is process-wide, so it is left alone: lines are at most
    # that long (check_table_shape), and only a quoted field spanning lines past it
    # leaves the lines after it unknown (0).
    with contextlib.suppress(csv.Error):
        for row in reader:
            if row and any(cell.strip() for cell in row):
                starts.append(previous + 1)
            previous = reader.line_num
    lines = np.zeros(n_records, dtype="int64")  # 0: unknown
    found = np.asarray(starts[1 : n_records + 1], dtype="int64")
    lines[: len(found)] = found
    return lines


_FIELDS = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")
_EOF = re.compile(r"EOF inside string starting at row (\d+)")


def _parser_error(label: str, exc: Exception) -> ImportFileError:
    message = str(exc)
    if match := _FIELDS.search(message):
        expected, line, saw = match.groups()
        return ImportFileError(label, reasons.CSV_FIELD_COUNT.format(line=line, saw=saw, expected=expected))
    if match := _EOF.search(message):
        line = int(match.group(1)) + 1
        return ImportFileError(label, reasons.CSV_QUOTE_NOT_CLOSED.format(line=line))
    detail = message.replace("Error tokenizing data. C error: ", "").strip().rstrip(".")
    return ImportFileError(label, reasons.CSV_BROKEN.format(detail=detail))


#: Told the header (names stripped, lower case), says which layout it is and which
#: columns to read, or raises ImportFileError naming the missing ones.
ColumnSelector = Callable[[list[str], str], tuple[str, list[str]]]


def read_csv_table(data: bytes, label: str, select: ColumnSelector | None = None) -> CsvTable:
    """Read CSV bytes into a table of strings.

    Parameters
    ----------
    data : bytes
        The file, UTF-8 with or without a byte-order mark.
    label : str
        The file's name, for messages.
    select : callable, optional
        Called with the header and ``label`` before the rows are read; returns the
        layout's name and the columns to keep, or raises :class:`ImportFileError` when
        columns are missing.

    Returns
    -------
    CsvTable

    Raises
    ------
    ImportFileError
        If the file is empty, not UTF-8, binary, has too many columns or too long lines,
        lacks columns, has broken quoting, or has a header and no data rows.
    """
    check_text(data, label)
    check_table_shape(data, label)
    options: dict[str, Any] = {"dtype": str, "encoding": "utf-8-sig", "engine": "c", "na_filter": False}
    try:
        header = [str(c).strip().lower() for c in pd.read_csv(io.BytesIO(data), nrows=0, **options).columns]
        layout, wanted = select(header, label) if select is not None else ("CSV", header)
        # Every column is read (with ``usecols`` pandas would silently drop the extra
        # fields of a row with an unquoted comma instead of reporting the broken line).
        frame = pd.read_csv(io.BytesIO(data), **options)
    except pd.errors.EmptyDataError:
        raise ImportFileError(label, reasons.EMPTY_FILE) from None
    except pd.errors.ParserError as exc:
        raise _parser_error(label, exc) from None
    except UnicodeDecodeError as exc:  # already checked; kept for safety
        raise ImportFileError(label, reasons.FILE_NOT_UTF8.format(error=exc.reason)) from None
    frame.columns = header
    frame = frame.loc[:, ~frame.columns.duplicated()][[c for c in dict.fromkeys(wanted) if c in header]]
    if frame.empty:
        raise ImportFileError(label, reasons.CSV_NO_DATA_ROWS)
    return CsvTable(frame=frame, label=label, data=data, header=header, layout=layout)
