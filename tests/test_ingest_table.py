"""Input files that cannot be imported at all: one clear line each, and no change to the store."""

from __future__ import annotations

import csv
import gc
import time
from pathlib import Path

import pytest

from layers.ingest import MAX_IMPORT_BYTES, ImportFileError, plan_import
from layers.ingest.acled import CURRENT_COLUMNS
from layers.ingest.table import MAX_COLUMNS, MAX_LINE_BYTES, load_input, read_csv_table

DATA = Path(__file__).parent / "data"
ACLED = DATA / "acled" / "current-layout.csv"
HEADER = ",".join(CURRENT_COLUMNS)


def _row(**values: str) -> str:
    row = dict.fromkeys(CURRENT_COLUMNS, "")
    row.update(
        event_id_cnty="XKX1", event_date="2023-06-02", time_precision="1", event_type="Protests",
        sub_event_type="Peaceful protest", actor1="Protesters (Kosovo)", location="Zvecan",
        latitude="42.9075", longitude="20.84028", geo_precision="1", source="KoSSev", notes="n",
        fatalities="0",
    )  # fmt: skip
    row.update(values)
    return ",".join(row[c] for c in CURRENT_COLUMNS)


BAD_INPUTS: list[tuple[str, bytes, str]] = [
    ("empty", b"", "is empty"),
    ("blank", b" \n\r\n  \n", "is empty"),
    ("header-only", (HEADER + "\n").encode(), "has a header but no data rows"),
    (
        "latin-2",
        (HEADER + "\n" + _row(location="Zvečan") + "\n").encode("cp1250"),
        "is not UTF-8 (byte 0xE8 at offset",
    ),
    ("utf-16", (HEADER + "\n").encode("utf-16"), "is UTF-16 text; re-export it as UTF-8"),
    ("xlsx", b"PK\x03\x04\x14\x00\x06\x00rest-of-a-workbook", "is a ZIP archive (an Excel .xlsx workbook?)"),
    ("gzip", b"\x1f\x8b\x08\x00compressed", "is gzip-compressed"),
    ("nul-byte", (HEADER + "\n" + _row() + "\n").encode().replace(b"Zvecan", b"Zve\x00can", 1), "NUL byte"),
    (
        "extra-field",
        (HEADER + "\n" + _row() + "\n" + _row(notes="a,b") + "\n").encode(),
        "broken CSV at line 3: 32 fields where the header has 31",
    ),
    (
        "unclosed-quote",
        (HEADER + "\n" + _row() + "\n" + _row(notes='"never closed') + "\n" + _row() + "\n").encode(),
        "the quoted field that starts on line 3 is never closed",
    ),
    (
        "wrong-columns",
        b"date,place,lat,lon\n2023-09-24,Banjska,42.97,20.78\n",
        "missing ACLED column(s): event_id_cnty, event_date, time_precision",
    ),
    (
        "ucdp-given-as-acled",
        (DATA / "ucdp" / "ged-23.1.csv").read_bytes(),
        "this looks like a UCDP GED file — import it with `import ucdp`",
    ),
    (
        "one-column-missing",
        (HEADER.replace(",notes,", ",note,") + "\n" + _row() + "\n").encode(),
        "missing ACLED column(s): notes",
    ),
]


@pytest.mark.parametrize(("name", "raw", "message"), BAD_INPUTS, ids=[c[0] for c in BAD_INPUTS])
def test_bad_input_is_one_clear_line(tmp_path: Path, name: str, raw: bytes, message: str) -> None:
    path = tmp_path / f"{name}.csv"
    path.write_bytes(raw)
    with pytest.raises(ImportFileError) as caught:
        plan_import("acled", path, tmp_path / "store")
    text = str(caught.value)
    assert message in text
    assert text.startswith(f"{name}.csv: ") and "\n" not in text
    assert not (tmp_path / "store").exists()


def test_the_offset_of_the_first_non_utf8_byte() -> None:
    raw = "a,b\nok,Zvečan\n".encode("cp1250")
    with pytest.raises(ImportFileError, match=r"byte 0xE8 at offset 10, line 2\)"):
        read_csv_table(raw, "x.csv")


def test_a_file_over_the_limit_is_refused_before_reading(tmp_path: Path) -> None:
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as handle:  # sparse: takes no disk space
        handle.truncate(1024**3)
    with pytest.raises(ImportFileError, match=r"huge.csv: is 1.0 GB; the import limit is 512 MB"):
        load_input(huge)
    with pytest.raises(ImportFileError, match="the import limit"):
        load_input(b"x" * (MAX_IMPORT_BYTES + 1), "upload.csv")


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="no such file"):
        load_input(tmp_path / "nope.csv")
    with pytest.raises(ImportFileError, match="is a directory"):
        load_input(tmp_path)


def test_bom_or_not_reads_the_same() -> None:
    raw = ACLED.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    with_bom = read_csv_table(raw, "a.csv")
    without = read_csv_table(raw[3:], "b.csv")
    assert list(with_bom.frame.columns) == list(without.frame.columns) == list(CURRENT_COLUMNS)
    assert with_bom.frame.equals(without.frame)


def test_line_numbers_follow_rows_across_line_breaks_and_blank_lines() -> None:
    text = 'a,b\n1,x\n2,"two\nlines"\n\n3,"three\r\nlines\nhere"\n4,y\n'
    table = read_csv_table(text.encode(), "t.csv")
    assert list(table.frame["a"]) == ["1", "2", "3", "4"]
    assert table.lines().tolist() == [2, 3, 6, 9]
    crlf = read_csv_table(b'a,b\r\n1,x\r\n2,"q\r\nr"\r\n3,z\r\n', "c.csv")
    assert crlf.lines().tolist() == [2, 3, 5]
    plain = read_csv_table(b"a,b\n1,x\n2,y", "p.csv")
    assert plain.lines().tolist() == [2, 3]


def _plan(tmp_path: Path, name: str, raw: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(raw)
    with pytest.raises(ImportFileError) as caught:
        plan_import("acled", path, tmp_path / "store")
    assert not (tmp_path / "store").exists()
    return str(caught.value)


def test_a_million_columns_fail_fast(tmp_path: Path) -> None:
    header = ",".join(f"c{n}" for n in range(1_000_000))
    started = time.perf_counter()
    message = _plan(tmp_path, "wide.csv", (header + "\n" + "1," * 999_999 + "1\n").encode())
    assert time.perf_counter() - started < 10  # it ran for over ten minutes at 4 GB
    assert message.startswith("wide.csv: line 1 is 7,888,889 bytes long; the limit is 131,072 bytes per line")


def test_too_many_columns_in_a_short_header(tmp_path: Path) -> None:
    header = ",".join(f"c{n}" for n in range(MAX_COLUMNS + 1))
    message = _plan(tmp_path, "cols.csv", (header + "\n" + "," * MAX_COLUMNS + "\n").encode())
    assert message == (
        "cols.csv: line 1 (the header) has 1,001 columns; the limit is 1,000 "
        "(is it a CSV export of ACLED or UCDP?)"
    )


def test_a_huge_line_is_named(tmp_path: Path) -> None:
    notes = "x" * (MAX_LINE_BYTES + 10)
    raw = (HEADER + "\n" + _row() + "\n" + _row(event_id_cnty="XKX2", notes=notes) + "\n").encode()
    message = _plan(tmp_path, "long.csv", raw)
    assert message.startswith("long.csv: line 3 is ") and "\n" not in message
    assert read_csv_table((HEADER + "\n" + _row(notes="x" * 1000) + "\n").encode(), "ok.csv").rows == 1


def test_reading_changes_no_process_wide_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Dashboard sessions share the process: the csv field limit and the collector stay as they are."""
    set_limits: list[int] = []
    real_limit = csv.field_size_limit

    def field_size_limit(*new: int) -> int:
        set_limits.extend(new)
        return real_limit(*new)

    monkeypatch.setattr(csv, "field_size_limit", field_size_limit)
    table = read_csv_table(b'a,b\n1,"x\n\ny"\n\n2,z\n', "t.csv")
    assert table.lines().tolist() == [2, 6]  # found by the csv module (a blank line)
    assert set_limits == []

    collector: list[bool] = []
    plan_import(
        "acled", ACLED, tmp_path / "store", progress=lambda stage, done: collector.append(gc.isenabled())
    )
    assert collector and all(collector)
