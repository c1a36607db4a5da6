"""``bordermon export`` and ``export_html``: standalone, deterministic, the view it was asked for."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

import layers.export as export_module
from layers.assets import ASSETS, AssetsMissingWarning, assets_installed, external_links
from layers.cli import main
from layers.dataset import write_dataset
from layers.export import EXPORT_COLUMNS, export_html, parse_layers, write_html
from layers.filters import Filters
from layers.map import MAP_LAYERS
from layers.paths import CACHE_ENV, ROOT, SHIPPED_STORE
from layers.snapshot import decode_sources
from layers.store import read_store
from tests.factories import SOURCE, collection, make_feature, write_imported_store, write_json
from tests.map_factories import payloads, write_map_store

LEAFLET_CDN = next(a.cdn_url for a in ASSETS if a.name == "leaflet")


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_map_store(tmp_path_factory.mktemp("store"))


def _bordermon(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    code = "import sys; from layers.cli import main; sys.exit(main(sys.argv[1:]))"
    env = {
        "PYTHONPATH": str(ROOT),
        "PATH": "/usr/bin:/bin",
        "PYTHONHASHSEED": "random",
        CACHE_ENV: os.environ[CACHE_ENV],
    }
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=False, cwd=cwd, env=env
    )


def test_same_inputs_give_identical_bytes_across_processes(store_dir: Path, tmp_path: Path) -> None:
    digests = set()
    for name in ("one.html", "two.html"):
        result = _bordermon("export", "--store", str(store_dir), "--out", str(tmp_path / name))
        assert result.returncode == 0, result.stderr
        digests.add(hashlib.sha256((tmp_path / name).read_bytes()).hexdigest())
    assert len(digests) == 1


def _odd_store(root: Path) -> Path:
    """Sources and texts that escaping, ranges, nulls and sharing must all get through."""
    hostile = "</script><!-- <b>ž</b> 'quoted' \\ \"double\" \u2028 & Љубовић"
    odd = make_feature(
        "odd-1",
        title=f"<script>alert(1)</script> {hostile}",
        title_i18n={"fr": "Embuscade « test »", "sr_Latn": "Zasjeda kod Banjske", "sq": "Pritë në Banjskë"},
        start="2023-09-24T02:30:00+02:00",
        end="2023-09-24T21:00:00+02:00",
        time_precision="hour",
        fatalities={"min": 3, "max": 5},
        injured={"min": 0, "max": 12},
        location_precision="approximate",
        uncertainty_km=2.5,
        actors=[hostile, "Kosovo Police"],
        sources=[
            {**SOURCE, "title": hostile, "original_publisher": "Kosovo Online", "dataset_id": "X1"},
            {**SOURCE, "url": "https://example.org/a?b=1&c=2", "published": "2023-09-25", "language": "sq"},
            {**SOURCE, "url": "https://example.org/other", "language": "sr", "title": "Drugi izveštaj"},
            {
                **SOURCE,
                "url": "https://example.org/napad",
                "publisher": "Коссев",
                "title": "Напад код манастира Бањска   «цитат»",
                "language": "sr",
                "archived_url": "https://web.archive.org/web/2023/https://example.org/napad",
                "note": "Republished; the original is gone.",
            },
        ],
        disputes=[
            {
                "field": "fatalities",
                "claims": [
                    {"claim": "3 killed", "by": "Kosovo Police"},
                    {"claim": "5 killed", "by": hostile},
                ],
            }
        ],
    )
    first, second = odd["properties"]["sources"][:2]
    # The first source again without its optional fields (another source on the map: it
    # names no original publisher), and the second shared as it is.
    bare = {key: value for key, value in first.items() if key not in ("original_publisher", "dataset_id")}
    same_sources = make_feature("odd-2", start="2023-10-02", sources=[bare, second])
    no_end = make_feature("odd-3", layer="deployment", category="buildup", start="2023-10-01")
    nowhere = make_feature(
        "odd-4", layer="kfor", category="reinforcement", location_precision="none", actors=[]
    )
    nowhere["geometry"] = None
    write_json(root / "a.geojson", collection(odd, same_sources, no_end, nowhere))
    return root


@pytest.mark.parametrize("which", ["shipped", "odd", "odd dataset"])
def test_sources_left_as_columns_give_the_same_page(which: str, tmp_path: Path) -> None:
    # `bordermon export` reads the sources as the snapshot's columns and the map's encoder
    # factorises them: the page must be the one of the decoded sources, byte for byte.
    root = SHIPPED_STORE if which == "shipped" else _odd_store(tmp_path / "store")
    cache = tmp_path / "cache"
    if which == "odd dataset":  # a GeoParquet dataset (`bordermon convert`) read as a store
        store = read_store(root, cache=cache)
        write_dataset(store.events, tmp_path / "dataset", store.report)
        root = tmp_path / "dataset"
    assert read_store(root, cache=cache).report.set_aside == 0
    decoded = read_store(root, columns=EXPORT_COLUMNS, cache=cache).events
    undecoded = read_store(root, columns=EXPORT_COLUMNS, cache=cache, undecoded=("sources",)).events
    assert isinstance(undecoded["sources"].dtype, pd.ArrowDtype)
    assert decode_sources(undecoded["sources"]) == decoded["sources"].tolist()
    assert undecoded.drop(columns="sources").equals(decoded.drop(columns="sources"))
    for lang in ("en", "sr_Cyrl"):
        page = export_html(decoded, lang=lang, self_contained=False)
        assert export_html(undecoded, lang=lang, self_contained=False) == page
    incidents = payloads(page)["incident"]
    assert sum(incidents["sn"]) == len(incidents["s"]) > 0  # the sources did reach the map
    if which != "shipped":
        assert incidents["sn"] == [4, 2] and len(incidents["sources"]) == 5  # shared ones once
        assert incidents["s"] == [0, 1, 2, 3, 4, 1]


def test_export_is_self_contained(store_dir: Path) -> None:
    if not assets_installed():
        pytest.skip("map assets not installed")
    page = export_html(read_store(store_dir).events)
    assert external_links(page) == []
    assert "<script src=" not in page and '<link rel="stylesheet"' not in page
    assert "L.Icon.Default.mergeOptions" in page
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">')
    assert "<noscript>" in page


def test_cdn_variant_links_leaflet(store_dir: Path) -> None:
    page = export_html(read_store(store_dir).events, self_contained=False)
    assert f'<script src="{LEAFLET_CDN}"></script>' in page
    assert external_links(page) == [LEAFLET_CDN, LEAFLET_CDN.removesuffix(".js") + ".css"]


def test_a_cdn_page_carries_a_notice_for_when_its_scripts_do_not_load(store_dir: Path) -> None:
    linked = export_html(read_store(store_dir).events, self_contained=False, lang="sq")
    assert '<div id="bm-scripts-missing" role="alert" hidden' in linked
    assert "typeof L === 'undefined'" in linked  # shown by a script that needs no Leaflet
    assert "pa internet" in linked and "--cdn" in linked  # in the page's language
    if assets_installed():
        assert "bm-scripts-missing" not in export_html(read_store(store_dir).events)


def test_without_assets_the_export_links_the_cdn_and_warns(
    store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export_module, "assets_installed", lambda: False)
    with pytest.warns(AssetsMissingWarning, match="needs the network"):
        page = export_html(read_store(store_dir).events)
    assert LEAFLET_CDN in page


def test_export_carries_window_title_date_and_attribution(store_dir: Path) -> None:
    events = read_store(store_dir).events
    page = export_html(
        events,
        filters=Filters(start=date(2023, 9, 20), end=date(2023, 9, 30)),
        title="Report: September 2023",
    )
    text = page.replace("\\u003c", "<").replace("\\u003e", ">")
    assert "<title>Report: September 2023</title>" in page
    assert "20 Sep 2023 – 30 Sep 2023" in text
    assert "Data up to 5 Oct 2023" in text
    assert "© OpenStreetMap contributors" in page and "every event lists its sources" in text
    data = payloads(page)
    assert "inc-approx" not in data["incident"]["id"]  # June: outside the window
    assert "inc-exact" in data["incident"]["id"]


def test_cli_export_window_layers_and_summary(
    store_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "sub" / "map.html"
    status = main(
        [
            "export",
            "--store",
            str(store_dir),
            "--start",
            "2023-09-01",
            "--end",
            "2023-09-30",
            "--layers",
            "incidents,boundary,zones",
            "--out",
            str(out),
        ]
    )
    assert status == 0
    said = capsys.readouterr().out
    assert f"wrote {out}" in said and "data up to 5 Oct 2023 (" in said
    data = payloads(out.read_text(encoding="utf-8"))
    assert set(data) == {"incident", "boundary", "safety_zones"}
    assert oct(out.stat().st_mode & 0o777) != oct(0o600)  # shareable, not private


def test_cli_export_defaults_to_the_shipped_store(tmp_path: Path) -> None:
    result = _bordermon("export", "--out", "map.html", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "map.html").stat().st_size > 10_000
    assert "wrote map.html" in result.stdout


def test_cli_export_errors_are_one_line(tmp_path: Path) -> None:
    missing = _bordermon("export", "--store", str(tmp_path / "nope"), "--out", str(tmp_path / "x.html"))
    assert missing.returncode == 2 and missing.stderr.strip().count("\n") == 0
    assert "no event store" in missing.stderr
    bad_layer = _bordermon("export", "--layers", "roads")
    assert bad_layer.returncode == 2 and "unknown layer 'roads'" in bad_layer.stderr
    backwards = _bordermon("export", "--start", "2023-10-01", "--end", "2023-09-01")
    assert backwards.returncode == 2 and "before it starts" in backwards.stderr
    bad_date = _bordermon("export", "--start", "2023-02-30")
    assert bad_date.returncode == 2 and "is not a date" in bad_date.stderr
    assert "Traceback" not in missing.stderr + bad_layer.stderr + backwards.stderr + bad_date.stderr


def test_cli_export_to_stdout(store_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--store", str(store_dir), "--cdn", "--out", "-"]) == 0
    assert capsys.readouterr().out.startswith("<!DOCTYPE html>")


def test_cli_export_dates_the_imports_it_draws_on(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The command reads each import's date from the store: the title box and its report say it."""
    root = write_imported_store(tmp_path / "store")
    assert main(["export", "--store", str(root), "--cdn", "--out", "-", "--lang", "fr"]) == 0
    page = capsys.readouterr().out
    assert "import ACLED du 2 déc. 2026 (1 événement)" in page
    out = tmp_path / "map.html"
    assert main(["export", "--store", str(root), "--cdn", "--out", str(out)]) == 0
    drawn = "the curated record (2 events), ACLED import of 2 Dec 2026 (1 event)"
    assert f"Drawn from: {drawn}." in out.read_text()
    assert f"drawn from {drawn}" in capsys.readouterr().out


def test_parse_layers() -> None:
    assert parse_layers("all") == MAP_LAYERS
    assert parse_layers("zones, incidents,gsz") == ("incident", "safety_zones")
    with pytest.raises(ValueError, match="unknown layer"):
        parse_layers("roads")


def test_write_html_replaces_atomically(tmp_path: Path) -> None:
    target = write_html("<p>one</p>", tmp_path / "a.html")
    write_html("<p>two</p>", target)
    assert target.read_text(encoding="utf-8") == "<p>two</p>"
    assert [p.name for p in tmp_path.iterdir()] == ["a.html"]


def test_cli_export_source_and_casualty_options_select_and_are_stated(
    store_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "killed.html"
    options = ["--min-killed", "1", "--source-language", "sr", "--publisher-kind", "wire"]
    assert main(["export", "--store", str(store_dir), "--cdn", "--out", str(out), *options]) == 0
    assert "wrote" in capsys.readouterr().out
    page = out.read_text(encoding="utf-8")
    data = payloads(page)
    assert list(data["incident"]["id"]) == ["inc-exact"]
    assert "deployment" not in data or not list(data["deployment"]["id"])
    text = page.replace("\\u003c", "<").replace("\\u003e", ">")
    for stated in ("any killed (low end of the reported range)", "Serbian (sr)", "Wire agency"):
        assert stated in text
    assert main(["export", "--store", str(store_dir), "--cdn", "--out", "-", "--min-injured", "2"]) == 0
    assert "inc-exact" not in payloads(capsys.readouterr().out).get("incident", {"id": []})["id"]  # 1–3


def test_cli_export_unknown_source_values_are_status_2(
    store_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    kind = _bordermon("export", "--store", str(store_dir), "--publisher-kind", "tabloid", "--out", "-")
    assert kind.returncode == 2 and "unknown publisher kind 'tabloid'; choose from wire" in kind.stderr
    assert not kind.stdout and "Traceback" not in kind.stderr
    # The page's own name is not the register's: the message names those the store cites.
    assert main(["export", "--store", str(store_dir), "--publisher", "Second Paper", "--out", "-"]) == 2
    said = capsys.readouterr()
    assert "unknown publisher 'Second Paper'; choose from Example Wire" in said.err and not said.out
