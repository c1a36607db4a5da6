"""The stats report's tables are column operations, and say exactly what the row-by-row code said.

``reference_format_stats`` below is the earlier implementation, one ``.loc`` lookup per
event (97 s at 100,000 events), kept as the oracle: the column version must print the
same text, character for character, on the shipped store and on events placed to hit
every rounding and sign edge. Days, plurals and shares are the English report's
(``layers.i18n``); the other languages' words are tested in ``test_cli_i18n.py``.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from layers.i18n import translator
from layers.measures import SIDE_NAMES
from layers.paths import SHIPPED_STORE
from layers.stats import EVENT_FIELDS, Stats, _plain, compute_stats, format_stats, stats_json
from layers.store import read_store
from layers.timeseries import CASUALTY_COLUMNS, ESCALATION_COMPONENTS
from layers.vocabulary import LAYERS
from tests.factories import collection, make_feature, write_json

EN = translator("en")
#: The side measured in words where it is not a code (``line``: "on the line").
SIDE_WORDS = {code: name for code, name in SIDE_NAMES.items() if code not in ("XK", "RS")}


def _km(value: Any, signed: bool = True) -> str:
    if value is None or pd.isna(value):
        return "—"
    if round(float(value), 1) == 0:
        return "0.0"  # not "-0.0": a sign that close to the line says nothing
    return f"{value:+.1f}" if signed else f"{value:.1f}"


def _yes(value: Any, area: bool) -> str:
    if value is None or pd.isna(value):
        return "partly" if area else "maybe"
    return "yes" if bool(value) else "no"


def _table(header: list[str], rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]

    def line(cells: list[str]) -> str:
        out = [
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(out).rstrip()

    return [line(header), line(["-" * w for w in widths]), *(line(r) for r in rows)]


def _event_rows(stats: Stats) -> list[list[str]]:
    rows = []
    measured = stats.measures["side_measured"].notna()
    for index in stats.measures.index[measured.to_numpy()]:
        event, m = stats.events.loc[index], stats.measures.loc[index]
        area = event.geometry.geom_type not in ("Point",)
        best, lo, hi = m["distance_to_boundary_km"], m["distance_min_km"], m["distance_max_km"]
        spread = "" if abs(hi - lo) < 0.05 else f"{_km(lo)} to {_km(hi)}"
        kfor = "" if pd.isna(m["nearest_kfor"]) else f"{m['nearest_kfor']} {_km(m['nearest_kfor_km'], False)}"
        if str(m["nearest_kfor_confidence"]) == "low":
            kfor += "*"
        rows.append(
            [
                str(event["id"]),
                EN.format_day(event["start"].date()),
                "—" if pd.isna(event["side"]) else str(event["side"]),
                SIDE_WORDS.get(str(m["side_measured"]), str(m["side_measured"])),
                _km(best),
                spread,
                _yes(m["in_gsz"], area),
                _yes(m["in_asz"], area),
                f"{m['nearest_crossing']} {_km(m['nearest_crossing_km'], False)}",
                kfor,
            ]
        )
    return rows


def _week_label(week: pd.Timestamp) -> str:
    iso = week.isocalendar()
    return f"{iso.year}-W{iso.week:02d} ({EN.format_day(week.date())})"


def reference_format_stats(stats: Stats, *, title: str = "") -> str:
    """The readable report of ``bordermon stats``: per-event measures, zones, weekly series."""
    out = [title] if title else []
    total = len(stats.events)
    rows = _event_rows(stats)
    out += [
        f"{total} event{'s' if total != 1 else ''} in the view; {len(rows)} with a position "
        f"{'are' if len(rows) != 1 else 'is'} measured.",
        "",
        "Distance to the Kosovo–Serbia boundary, km: + inside Kosovo, − outside it; the range",
        "covers the record's stated uncertainty or the extent of its area. GSZ/ASZ: historical 1999",
        "safety zones (5 / 25 km, Serbian side): 'partly' = an area reaching across a zone's edge,",
        "'maybe' = a position whose uncertainty (or the line's, within 0.1 km) straddles an edge.",
        "",
    ]
    header = [
        "id",
        "start",
        "side",
        "measured",
        "km",
        "range km",
        "GSZ",
        "ASZ",
        "nearest crossing km",
        "nearest KFOR km",
    ]
    out += _table(header, rows, right={4})
    if any(r[-1].endswith("*") for r in rows):
        out.append("* unverified position of the KFOR installation (gazetteer confidence low)")
    unmeasured = total - len(rows)
    if unmeasured:
        out.append(
            f"{unmeasured} events have no position (precision none) and are not measured."
            if unmeasured != 1
            else "1 event has no position (precision none) and is not measured."
        )

    if not stats.zones.empty:
        out += ["", "Deployment zones (area events): area and share within 5 / 25 km of the line"]
        zone_rows = [
            [
                str(stats.events.loc[index, "id"]),
                f"{z['area_km2']:,.0f}",
                EN.format_percent(z["share_within_5km"]),
                EN.format_percent(z["share_within_25km"]),
                _km(z["min_distance_km"], False),
            ]
            for index, z in stats.zones.iterrows()
        ]
        out += _table(["id", "area km²", "≤5 km", "≤25 km", "min km"], zone_rows, right={1, 2, 3, 4})

    out += [
        "",
        "Weekly activity (weeks in which events start; killed and injured as low–high of reported ranges)",
    ]
    counts = stats.by_layer.reindex(columns=list(LAYERS), fill_value=0)
    week_rows = []
    started = counts.sum(axis=1) > 0
    for week in counts.index[started.to_numpy()]:
        c, s, k = counts.loc[week], stats.by_side.loc[week], stats.casualties.loc[week]
        low, high = (
            k[list(CASUALTY_COLUMNS)].astype(int).tolist()[::2],
            k[list(CASUALTY_COLUMNS)].astype(int).tolist()[1::2],
        )
        week_rows.append(
            [
                _week_label(week),
                *(str(int(c[layer])) for layer in LAYERS),
                str(int(s["XK"])),
                str(int(s["RS"])),
                f"{low[0]}–{high[0]}" if low[0] != high[0] else str(low[0]),
                f"{low[1]}–{high[1]}" if low[1] != high[1] else str(low[1]),
            ]
        )
    out += _table(["week", *LAYERS, "XK", "RS", "killed", "injured"], week_rows, right=set(range(1, 8)))

    out += ["", "Escalation indicator (points; total = sum of the parts; docs/methodology-analysis.md)"]
    esc_rows = [
        [
            _week_label(week),
            *(f"{stats.escalation.loc[week, c]:.1f}" for c in (*ESCALATION_COMPONENTS, "total")),
        ]
        for week in stats.escalation.index[(stats.escalation["total"] != 0).to_numpy()]
    ]
    out += _table(["week", *ESCALATION_COMPONENTS, "total"], esc_rows, right=set(range(1, 7)))
    return "\n".join(out)


AREA = {
    "type": "Polygon",
    "coordinates": [[[20.55, 43.05], [20.75, 43.05], [20.75, 43.25], [20.55, 43.25], [20.55, 43.05]]],
}


def _edge_store(root: Path, n: int = 400, seed: int = 3) -> Path:
    """Points over the region and hugging the line, areas, lines, and events without a place."""
    rng = random.Random(seed)
    features = []
    for i in range(n):
        props: dict[str, Any] = {"start": f"2023-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"}
        roll = rng.random()
        if roll < 0.1:
            props.update(location_precision="none")
        elif roll < 0.3:
            props.update(location_precision="approximate", uncertainty_km=rng.choice([0.05, 0.5, 3, 30]))
        if rng.random() < 0.3:
            props["fatalities"] = {"min": 1, "max": rng.randint(1, 4)}
        if rng.random() < 0.2:
            props["side"] = rng.choice(["RS", "disputed", None])
        feature = make_feature(f"e{i}", **props)
        if roll < 0.1:
            feature["geometry"] = None
        elif roll < 0.15:
            feature["geometry"] = AREA
            feature["properties"]["location_precision"] = "area"
        elif roll < 0.6:  # near the line between Jarinje and Brnjak: rounding of small distances
            feature["geometry"]["coordinates"] = [
                round(20.60 + rng.random() * 0.25, 5),
                round(43.13 + rng.random() * 0.12, 5),
            ]
        else:
            feature["geometry"]["coordinates"] = [
                round(19.9 + rng.random() * 2.0, 5),
                round(42.0 + rng.random() * 1.4, 5),
            ]
        features.append(feature)
    return write_json(root / "edge.geojson", collection(*features))


def _stats(path: Path) -> Stats:
    store = read_store(path)
    assert store.report.set_aside == 0, store.report.format()
    return compute_stats(store.events)


@pytest.mark.parametrize("which", ["shipped", "edges"])
def test_column_tables_print_what_the_row_by_row_code_printed(tmp_path: Path, which: str) -> None:
    stats = _stats(SHIPPED_STORE if which == "shipped" else _edge_store(tmp_path))
    expected = reference_format_stats(stats, title="t")
    assert format_stats(stats, title="t") == expected
    assert expected.count("\n") > 20


def test_small_distances_print_without_a_sign(tmp_path: Path) -> None:
    text = format_stats(_stats(_edge_store(tmp_path)))
    assert " -0.0 " not in text and " +0.0 " not in text
    assert "0.0" in text


@pytest.mark.parametrize("which", ["shipped", "edges"])
def test_json_records_are_what_the_value_by_value_code_gave(tmp_path: Path, which: str) -> None:
    stats = _stats(SHIPPED_STORE if which == "shipped" else _edge_store(tmp_path))
    joined = pd.concat([stats.events.drop(columns="geometry"), stats.measures], axis=1)
    expected = [{name: _plain(row.get(name)) for name in EVENT_FIELDS} for row in joined.to_dict("records")]
    document = stats_json(stats)
    assert document["events"] == expected
    zones = [
        {"id": str(stats.events.loc[index, "id"]), **{k: _plain(v) for k, v in row.items()}}
        for index, row in zip(stats.zones.index, stats.zones.to_dict("records"), strict=True)
    ]
    assert document["zones"] == zones
    assert zones or which == "edges"  # the shipped store has deployment areas
    assert any(record["in_gsz"] is None for record in expected)
    assert any(record["distance_to_boundary_km"] is None for record in expected)
