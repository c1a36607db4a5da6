"""Map assets without a CDN: the pinned table, static copies, local links and inlining."""

from __future__ import annotations

import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path

import folium
import folium.plugins
import pytest

from layers.assets import (
    ASSETS,
    MAP_ASSET_NAMES,
    NODE_MODULES,
    PACKAGE_STATIC,
    AssetsMissingWarning,
    MapAssets,
    asset_for_url,
    assets_installed,
    external_links,
    inline_assets,
    missing_assets,
    rotate_css,
    sync_static,
    vendor_files,
)
from layers.paths import ROOT


@pytest.fixture
def installed() -> None:
    """The tests that read the installed files: skipped without them, failed in CI."""
    if not assets_installed():
        reason = f"map assets not installed ({', '.join(missing_assets()[:2])} …): npm ci --ignore-scripts"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)


ALL = tuple(asset.name for asset in ASSETS)


def test_every_link_of_a_folium_map_is_a_known_asset() -> None:
    links = [url for _, url in folium.Map.default_js + folium.Map.default_css]
    links += [
        url for _, url in folium.plugins.MarkerCluster.default_js + folium.plugins.MarkerCluster.default_css
    ]
    for url in links:
        assert asset_for_url(url) is not None, url


def test_package_json_pins_the_versions_folium_asks_for() -> None:
    package = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    pinned = {**package["dependencies"], **package["devDependencies"]}
    assert all(re.fullmatch(r"\d+\.\d+\.\d+", version) for version in pinned.values()), "exact versions only"
    for name, version in {"leaflet": "1.9.3", "jquery": "3.7.1", "bootstrap": "5.2.2"}.items():
        assert pinned[name] == version
        assert any(
            f"{name}@{version}" in url or f"{name}-{version}" in url for a in ASSETS for url in a.cdn_urls
        )
    assert pinned["@fortawesome/fontawesome-free"] == "6.2.0"
    assert pinned["drmonty-leaflet-awesome-markers"] == "2.0.2"
    packages = {a.path.split("/dist/")[0].split("/css/")[0].split("/js/")[0] for a in ASSETS}
    packages = {p for p in packages if not p.startswith("bordermon")}
    for package_dir in packages:
        assert any(package_dir.startswith(name) for name in pinned), package_dir


def test_only_what_the_maps_link_is_a_runtime_dependency() -> None:
    """bordermon's maps link Leaflet alone; folium's other files serve benchmarks and tests."""
    package = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    assert set(package["dependencies"]) == {"leaflet"}
    assert {a.path.split("/")[0] for a in ASSETS if a.name in MAP_ASSET_NAMES} == {"leaflet"}
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    assert lock["packages"][""]["dependencies"] == package["dependencies"]
    assert lock["packages"][""]["devDependencies"] == package["devDependencies"]
    runtime = {name for name, entry in lock["packages"].items() if name and not entry.get("dev")}
    assert runtime == {"node_modules/leaflet"}


def test_lock_file_is_committed_and_names_no_host() -> None:
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    for name in json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["dependencies"]:
        assert f"node_modules/{name}" in lock["packages"], name
        assert "integrity" in lock["packages"][f"node_modules/{name}"]
    assert all("resolved" not in entry for entry in lock["packages"].values())


def test_generated_rotate_css_is_current() -> None:
    assert (PACKAGE_STATIC / "leaflet.awesome.rotate.min.css").read_text(encoding="utf-8") == rotate_css()
    assert ".fa-rotate-359{" in rotate_css()


def _links(m: folium.Map) -> list[str]:
    page = m.get_root().render()
    return re.findall(r'<script src="([^"]+)"', page) + re.findall(
        r'<link rel="stylesheet" href="([^"]+)"', page
    )


def test_asset_links_belong_to_one_map_and_change_nothing_else(installed: None) -> None:
    before = {
        cls: (list(cls.default_js), list(cls.default_css))
        for cls in (folium.Map, folium.plugins.MarkerCluster)
    }
    served = MapAssets.local("/app/static/vendor/").apply(folium.Map(tiles=None))
    on_disk = MapAssets.local().apply(folium.Map(tiles=None))
    cdn = MapAssets.cdn().apply(folium.Map(tiles=None))
    plain = folium.Map(tiles=None)  # built after the others: folium's own links
    assert _links(served)[0] == "/app/static/vendor/leaflet/dist/leaflet.js"
    assert all(url.startswith("/app/static/vendor/") for url in _links(served))
    assert _links(on_disk)[0] == (NODE_MODULES / "leaflet/dist/leaflet.js").resolve().as_uri()
    assert all(url.startswith("file:") for url in _links(on_disk))
    assert _links(cdn) == _links(plain)
    assert all(url.startswith("https://") for url in _links(plain))
    # The first map did not change when the others were built, and no class changed.
    assert _links(served)[0] == "/app/static/vendor/leaflet/dist/leaflet.js"
    assert {cls: (cls.default_js, cls.default_css) for cls in before} == before


def test_apply_reaches_plugins_of_the_map(installed: None) -> None:
    m = folium.Map(tiles=None)
    folium.plugins.MarkerCluster().add_to(m)
    MapAssets.local("/v/", names=ALL).apply(m)
    assert "/v/leaflet.markercluster/dist/leaflet.markercluster.js" in _links(m)
    other = folium.Map(tiles=None)
    folium.plugins.MarkerCluster().add_to(other)
    assert all(url.startswith("https://") for url in _links(other))


def test_missing_assets_warn_and_keep_cdn(tmp_path: Path) -> None:
    with pytest.warns(AssetsMissingWarning):
        assert MapAssets.local(node_modules=tmp_path) == MapAssets.cdn()
    with pytest.warns(AssetsMissingWarning):
        assert sync_static(tmp_path / "out", node_modules=tmp_path) == []


def test_sync_static_copies_what_the_maps_link(installed: None, tmp_path: Path) -> None:
    placed = sync_static(tmp_path)
    relative = {p.relative_to(tmp_path).as_posix() for p in placed}
    assert relative == set(vendor_files(names=MAP_ASSET_NAMES))
    assert {path.split("/")[0] for path in relative} == {"leaflet"}
    assert "leaflet/dist/images/layers.png" in relative


def test_sync_static_copies_files_with_what_their_css_needs(installed: None, tmp_path: Path) -> None:
    placed = sync_static(tmp_path, names=ALL)
    relative = {p.relative_to(tmp_path).as_posix() for p in placed}
    assert relative == set(vendor_files())
    for needed in (
        "leaflet/dist/leaflet.js",
        "leaflet/dist/images/layers.png",
        "leaflet/dist/images/marker-icon-2x.png",
        "@fortawesome/fontawesome-free/webfonts/fa-solid-900.woff2",
        "glyphicons-only-bootstrap/fonts/glyphicons-halflings-regular.woff2",
        "drmonty-leaflet-awesome-markers/css/images/markers-soft.png",
        "bordermon/leaflet.awesome.rotate.min.css",
    ):
        assert needed in relative, needed
    assert all(not p.is_symlink() and p.stat().st_size > 0 for p in placed)
    # Copied through a temporary beside each file, which is gone, with the usual permissions.
    assert [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp")] == []
    assert all(p.stat().st_mode & 0o644 == 0o644 for p in placed)
    before = {p: p.stat().st_mtime_ns for p in placed}
    sync_static(tmp_path, names=ALL)  # up to date: nothing rewritten
    assert {p: p.stat().st_mtime_ns for p in placed} == before


def test_scripts_sync_assets_uses_sync_static() -> None:
    script = (ROOT / "scripts" / "sync_assets.py").read_text(encoding="utf-8")
    assert "sync_static" in script


def test_inline_assets_makes_any_folium_map_self_contained(installed: None) -> None:
    m = folium.Map(location=[42.9, 20.8], zoom_start=9, tiles=None)
    folium.Marker([42.9, 20.8], icon=folium.Icon(icon="info-sign")).add_to(m)
    folium.Marker([42.8, 20.9], icon=folium.Icon(icon="flag", prefix="fa", angle=45)).add_to(m)
    page = m.get_root().render()
    inlined = inline_assets(page)
    assert external_links(inlined) == []
    assert "all.min.css" not in inlined.split("<body>")[0].replace("/css/all.min.css (", "")
    assert "data:font/woff2;base64," in inlined
    assert "data:font/ttf" not in inlined and "application/vnd.ms-fontobject" not in inlined
    assert 'L.Icon.Default.mergeOptions({iconUrl:"data:image/png;base64,' in inlined
    # The inlined files do not end their elements early: the page parses into the same
    # elements, plus the one that sets Leaflet's marker images.
    assert _tags(inlined, "script") == _tags(page, "script") + 1
    assert _tags(inlined, "style") == _tags(page, "style") + _tags(page, "link")


def _tags(page: str, name: str) -> int:
    counter = _TagCounter()
    counter.feed(page)
    return counter.counts.get(name, 0)


class _TagCounter(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.counts: dict[str, int] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.counts[tag] = self.counts.get(tag, 0) + 1


def test_inline_assets_refuses_without_installed_files(tmp_path: Path) -> None:
    page = folium.Map(tiles=None).get_root().render()
    with pytest.raises(FileNotFoundError, match="npm ci"):
        inline_assets(page, node_modules=tmp_path)
    assert inline_assets("<html></html>", node_modules=tmp_path) == "<html></html>"  # nothing linked
