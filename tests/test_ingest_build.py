"""The shared parsing of CSV cells: dates, numbers, precision codes."""

from __future__ import annotations

import pandas as pd

from layers.ingest.build import count_value, parse_dates, parse_numbers, precision_code


def _series(*values: str) -> pd.Series:
    return pd.Series(values, dtype="str")


def test_dates() -> None:
    values = _series(
        "2023-09-24", " 2023-09-24 ", "2023-9-4", "2023-09-24 00:00:00.000", "24 September 2023",
        "3-Sep-2021", "1 may 2020", "2023-02-30", "31 June 2023", "24/09/2023", "09/24/2023", "",
        "2023-09-24T13:00", "Sept 2023",
    )  # fmt: skip
    expected_dmy = [
        "2023-09-24", "2023-09-24", "2023-09-04", "2023-09-24", "2023-09-24", "2021-09-03",
        "2020-05-01", None, None, None, None, None, None, None,
    ]  # fmt: skip
    got = [None if pd.isna(v) else v for v in parse_dates(values, day_month_year=True)]
    assert got == expected_dmy
    iso_only = [None if pd.isna(v) else v for v in parse_dates(values, day_month_year=False)]
    assert iso_only == [d if n not in (4, 5, 6) else None for n, d in enumerate(expected_dmy)]


def test_numbers_and_codes() -> None:
    numbers = parse_numbers(_series("42.97139", " -20.5 ", "42,97", "4e1", "", "abc")).tolist()
    assert numbers[:2] == [42.97139, -20.5] and numbers[3] == 40.0
    assert [pd.isna(v) for v in numbers] == [False, False, True, False, True, True]
    assert precision_code(_series("1", "2.0", " 3 ", "1.5", "x", "")).tolist() == ["1", "2", "3", "", "", ""]
    assert (
        count_value(2, 2) == 2 and count_value(1, 3) == {"min": 1, "max": 3} and count_value(None, 1) is None
    )
