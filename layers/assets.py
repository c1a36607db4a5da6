"""The map's JavaScript, CSS, fonts and images without a CDN.

folium links Leaflet and its companions from CDNs; with no network such a page is
entirely blank. The same files are installed, at the exact versions folium asks for,
from the pinned ``package.json`` / ``package-lock.json`` into ``node_modules/``
(``npm ci --ignore-scripts``). bordermon's own maps need Leaflet alone
(:data:`MAP_ASSET_NAMES`, the one runtime dependency); the rest of folium's links are
development dependencies, for the benchmarks' peer maps and the tests of other folium
maps. This module knows which CDN URL is which installed file (:data:`ASSETS`) and offers
three ways to use them:

- :class:`MapAssets` is where ONE map links its files from: the CDNs, ``file:`` URIs of
  the installed files, or a base URL such as Streamlit's ``/app/static/vendor/``. It is
  carried by the map (:meth:`MapAssets.apply` sets the links of that map's elements);
  nothing process-wide changes, so two maps built with different settings in one
  process, or two sessions of one server, never affect each other;
- :func:`sync_static` copies the files, with the fonts and images their CSS refers
  to, into a directory a web server serves (``dashboard/static/vendor/``);
- :func:`inline_assets` makes a rendered page self-contained: every script and style
  inlined, fonts (woff2) and images as ``data:`` URIs, Leaflet's default marker icons
  set explicitly.

When the files are not installed (no Node.js), maps keep the CDN links and a warning
(:class:`AssetsMissingWarning`) says so once: a map that needs the network, never a
blank one.
"""

from __future__ import annotations

import base64
import html
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from layers.paths import ROOT, write_output

__all__ = [
    "ASSETS",
    "MAP_ASSET_NAMES",
    "NODE_MODULES",
    "PACKAGE_STATIC",
    "STATIC_VENDOR_DIR",
    "STATIC_VENDOR_URL",
    "Asset",
    "AssetsMissingWarning",
    "MapAssets",
    "asset_for_url",
    "asset_url",
    "assets_installed",
    "external_links",
    "inline_assets",
    "missing_assets",
    "rotate_css",
    "sync_static",
    "vendor_files",
]

#: Where ``npm ci`` installs the pinned packages.
NODE_MODULES = ROOT / "node_modules"
#: Files that ship with bordermon itself (the map script, and a generated CSS file).
PACKAGE_STATIC = Path(__file__).resolve().parent / "static"
#: Where the dashboard serves copies of the files from (Streamlit static serving).
STATIC_VENDOR_DIR = ROOT / "dashboard" / "static" / "vendor"
#: The URL under which Streamlit serves :data:`STATIC_VENDOR_DIR`.
STATIC_VENDOR_URL = "/app/static/vendor/"

_JSDELIVR = "https://cdn.jsdelivr.net/npm/"
_CDNJS = "https://cdnjs.cloudflare.com/ajax/libs/"
_BUNDLED = "bordermon/"
_LEAFLET_IMAGES = ("marker-icon.png", "marker-icon-2x.png", "marker-shadow.png")


class AssetsMissingWarning(UserWarning):
    """The pinned map assets are not installed; maps load them from CDNs."""


@dataclass(frozen=True)
class Asset:
    """One file folium links from a CDN, and where the same file is installed.

    Attributes
    ----------
    name : str
        folium's key for the link (``default_js``/``default_css``), e.g. ``"leaflet"``.
    kind : {"js", "css"}
        Script or stylesheet.
    cdn_urls : tuple of str
        Every CDN URL folium, its plugins or branca use for this file.
    path : str
        The file below the vendor directory: ``<npm package>/<file>``, or
        ``bordermon/<file>`` for a file shipped in ``layers/static``.
    inline_paths : tuple of str
        Files that replace ``path`` when the page is inlined (Font Awesome's
        ``all.min.css`` names every font three times; its parts name each once).
    companions : tuple of str
        Files the asset loads at run time without naming them in CSS (Leaflet's
        default marker images).
    licence : str
        The file's licence, for the README and the export's notice.
    """

    name: str
    kind: Literal["js", "css"]
    cdn_urls: tuple[str, ...]
    path: str
    inline_paths: tuple[str, ...] = ()
    companions: tuple[str, ...] = ()
    licence: str = ""

    @property
    def cdn_url(self) -> str:
        """The URL folium's ``Map`` uses (the first of :attr:`cdn_urls`)."""
        return self.cdn_urls[0]


_FA = "@fortawesome/fontawesome-free/css/"

#: The files folium 0.20 links for a map, its awesome-markers icons and MarkerCluster,
#: each pinned to the version folium names (markercluster: 1.5.3, the first release on
#: npm with built files; awesome-markers 2.0.2 is published on npm by drmonty; the
#: Bootstrap 3.0.0 glyphicons CSS is not on npm, glyphicons-only-bootstrap is).
ASSETS: tuple[Asset, ...] = (
    Asset(
        "leaflet",
        "js",
        (f"{_JSDELIVR}leaflet@1.9.3/dist/leaflet.js",),
        "leaflet/dist/leaflet.js",
        companions=tuple(f"leaflet/dist/images/{name}" for name in _LEAFLET_IMAGES),
        licence="BSD-2-Clause",
    ),
    Asset(
        "leaflet_css",
        "css",
        (f"{_JSDELIVR}leaflet@1.9.3/dist/leaflet.css",),
        "leaflet/dist/leaflet.css",
        licence="BSD-2-Clause",
    ),
    Asset(
        "jquery",
        "js",
        ("https://code.jquery.com/jquery-3.7.1.min.js", f"{_CDNJS}jquery/3.7.1/jquery.min.js"),
        "jquery/dist/jquery.min.js",
        licence="MIT",
    ),
    Asset(
        "bootstrap",
        "js",
        (f"{_JSDELIVR}bootstrap@5.2.2/dist/js/bootstrap.bundle.min.js",),
        "bootstrap/dist/js/bootstrap.bundle.min.js",
        licence="MIT",
    ),
    Asset(
        "bootstrap_css",
        "css",
        (f"{_JSDELIVR}bootstrap@5.2.2/dist/css/bootstrap.min.css",),
        "bootstrap/dist/css/bootstrap.min.css",
        licence="MIT",
    ),
    Asset(
        "glyphicons_css",
        "css",
        ("https://netdna.bootstrapcdn.com/bootstrap/3.0.0/css/bootstrap-glyphicons.css",),
        "glyphicons-only-bootstrap/css/bootstrap.min.css",
        licence="MIT",
    ),
    Asset(
        "awesome_markers_font_css",
        "css",
        (f"{_JSDELIVR}@fortawesome/fontawesome-free@6.2.0/css/all.min.css",),
        f"{_FA}all.min.css",
        inline_paths=(
            f"{_FA}fontawesome.min.css",
            f"{_FA}solid.min.css",
            f"{_FA}regular.min.css",
            f"{_FA}brands.min.css",
        ),
        licence="CC-BY-4.0 AND OFL-1.1 AND MIT",
    ),
    Asset(
        "awesome_markers",
        "js",
        (f"{_CDNJS}Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.js",),
        "drmonty-leaflet-awesome-markers/js/leaflet.awesome-markers.js",
        licence="MIT",
    ),
    Asset(
        "awesome_markers_css",
        "css",
        (f"{_CDNJS}Leaflet.awesome-markers/2.0.2/leaflet.awesome-markers.css",),
        "drmonty-leaflet-awesome-markers/css/leaflet.awesome-markers.css",
        licence="MIT",
    ),
    Asset(
        "awesome_rotate_css",
        "css",
        (
            "https://cdn.jsdelivr.net/gh/python-visualization/folium/folium/templates/"
            "leaflet.awesome.rotate.min.css",
        ),
        f"{_BUNDLED}leaflet.awesome.rotate.min.css",
        licence="MIT",
    ),
    Asset(
        "markerclusterjs",
        "js",
        (f"{_CDNJS}leaflet.markercluster/1.1.0/leaflet.markercluster.js",),
        "leaflet.markercluster/dist/leaflet.markercluster.js",
        licence="MIT",
    ),
    Asset(
        "markerclustercss",
        "css",
        (f"{_CDNJS}leaflet.markercluster/1.1.0/MarkerCluster.css",),
        "leaflet.markercluster/dist/MarkerCluster.css",
        licence="MIT",
    ),
    Asset(
        "markerclusterdefaultcss",
        "css",
        (f"{_CDNJS}leaflet.markercluster/1.1.0/MarkerCluster.Default.css",),
        "leaflet.markercluster/dist/MarkerCluster.Default.css",
        licence="MIT",
    ),
)

#: The assets bordermon's own maps link (:func:`layers.map.build_map`): Leaflet alone.
MAP_ASSET_NAMES: tuple[str, ...] = ("leaflet", "leaflet_css")

_BY_NAME: dict[str, Asset] = {asset.name: asset for asset in ASSETS}
_BY_CDN_URL: dict[str, Asset] = {url: asset for asset in ASSETS for url in asset.cdn_urls}
_CSS_URL = re.compile(r"url\(\s*(['\"]?)([^'\")]+)\1\s*\)")
_FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}")
_SRC_DECL = re.compile(r"src\s*:[^;}]*;?")
_MIME = {
    ".png": "image/png",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".ttf": "font/ttf",
    ".eot": "application/vnd.ms-fontobject",
}


def rotate_css() -> str:
    """The rotation classes of folium's ``Icon(angle=...)`` (``fa-rotate-0`` … ``fa-rotate-359``).

    folium links them from its GitHub repository; the rules are trivial, so bordermon
    generates them (``layers/static/leaflet.awesome.rotate.min.css``).
    """
    rules = "".join(
        f".fa-rotate-{a}{{-webkit-transform:rotate({a}deg);transform:rotate({a}deg)}}" for a in range(360)
    )
    return f"/* fa-rotate-N classes for folium.Icon(angle=N); generated by layers/assets.py */\n{rules}\n"


def _source_file(path: str, node_modules: Path | None = None) -> Path:
    """Where a vendor path lives on disk."""
    if path.startswith(_BUNDLED):
        return PACKAGE_STATIC / path.removeprefix(_BUNDLED)
    return (node_modules or NODE_MODULES) / path


def _css_references(css: str) -> list[str]:
    """Relative file references of a stylesheet (fonts, images), without query or fragment."""
    found: list[str] = []
    for match in _CSS_URL.finditer(css):
        ref = match.group(2).strip()
        if ref.startswith(("data:", "#", "http:", "https:", "//", "/")):
            continue
        ref = re.split(r"[?#]", ref, maxsplit=1)[0]
        if ref and ref not in found:
            found.append(ref)
    return found


def _join(base_path: str, ref: str) -> str:
    """Resolve a relative reference against a vendor path (posix, no file system)."""
    parts = base_path.split("/")[:-1]
    for piece in ref.split("/"):
        if piece == "..":
            if parts:
                parts.pop()
        elif piece not in ("", "."):
            parts.append(piece)
    return "/".join(parts)


def _selected(names: Sequence[str] | None) -> tuple[Asset, ...]:
    if names is None:
        return ASSETS
    unknown = [name for name in names if name not in _BY_NAME]
    if unknown:
        raise ValueError(f"unknown asset(s) {', '.join(unknown)}; known: {', '.join(_BY_NAME)}")
    return tuple(_BY_NAME[name] for name in names)


def vendor_files(node_modules: Path | None = None, names: Sequence[str] | None = None) -> list[str]:
    """Every vendor path the assets need: the files, their inline variants, and what their CSS refers to.

    Parameters
    ----------
    node_modules : Path, optional
        The npm install directory (default :data:`NODE_MODULES`).
    names : sequence of str, optional
        Only these assets (e.g. :data:`MAP_ASSET_NAMES`); default every one.

    Returns
    -------
    list of str
        Paths relative to the vendor directory, in a stable order. Files referred to by a
        stylesheet that are missing on disk are left out (e.g. a font format not shipped).
    """
    paths: list[str] = []
    for asset in _selected(names):
        for path in (asset.path, *asset.inline_paths, *asset.companions):
            if path in paths:
                continue
            paths.append(path)
            source = _source_file(path, node_modules)
            if asset.kind == "css" and source.is_file():
                for ref in _css_references(source.read_text(encoding="utf-8")):
                    target = _join(path, ref)
                    if target not in paths and _source_file(target, node_modules).is_file():
                        paths.append(target)
    return paths


def missing_assets(node_modules: Path | None = None, names: Sequence[str] | None = None) -> list[str]:
    """The vendor paths of :data:`ASSETS` (or of the named ones) that are not installed."""
    return [
        path
        for asset in _selected(names)
        for path in (asset.path, *asset.inline_paths, *asset.companions)
        if not _source_file(path, node_modules).is_file()
    ]


def assets_installed(node_modules: Path | None = None, names: Sequence[str] | None = None) -> bool:
    """True when every pinned asset file (or every named one) is installed (``npm ci`` has run)."""
    return not missing_assets(node_modules, names)


_warned: set[str] = set()


def _warn_missing(context: str, node_modules: Path | None) -> None:
    """Warn once per process and place, not on every dashboard rerun."""
    key = f"{context}:{node_modules or NODE_MODULES}"
    if key in _warned:
        return
    _warned.add(key)
    warnings.warn(
        f"{context}: the pinned map assets are not installed (run `npm ci --ignore-scripts`, "
        "needs Node.js); maps load Leaflet and its companions from CDNs and need the network",
        AssetsMissingWarning,
        stacklevel=3,
    )


# --------------------------------------------------------------------------- one map's links


def asset_url(asset: Asset, base_url: str | None = None, node_modules: Path | None = None) -> str:
    """The local URL of an asset: ``base_url`` + its vendor path, or a ``file:`` URI."""
    if base_url is None:
        return _source_file(asset.path, node_modules).resolve().as_uri()
    return base_url.rstrip("/") + "/" + asset.path


_Links = list[tuple[str, str]]


@dataclass(frozen=True)
class MapAssets:
    """Where one map links its scripts and stylesheets from.

    A value a map carries, never a setting of the process: :meth:`apply` gives the
    elements of one map their own ``default_js``/``default_css`` (instance attributes
    that shadow folium's class lists, which stay as folium ships them). ``st_folium``
    and ``Figure.render`` read the instance's lists.

    Attributes
    ----------
    source : {"cdn", "local"}
        folium's CDN links, or the installed files.
    base_url : str, optional
        With ``source="local"``: URL prefix under which the vendor directory is served
        (e.g. :data:`STATIC_VENDOR_URL` after :func:`sync_static`); None for ``file:``
        URIs of the installed files (a page opened on this machine).
    node_modules : Path, optional
        The npm install directory (default :data:`NODE_MODULES`).
    """

    source: Literal["cdn", "local"] = "cdn"
    base_url: str | None = None
    node_modules: Path | None = None

    @classmethod
    def cdn(cls) -> MapAssets:
        """folium's own CDN links (what :mod:`layers.export` renders, then inlines)."""
        return cls("cdn")

    @classmethod
    def local(
        cls,
        base_url: str | None = None,
        node_modules: Path | None = None,
        names: Sequence[str] = MAP_ASSET_NAMES,
    ) -> MapAssets:
        """The installed files, or the CDN links with a warning when they are not installed.

        Parameters
        ----------
        base_url : str, optional
            See :attr:`base_url`.
        node_modules : Path, optional
            The npm install directory (default :data:`NODE_MODULES`).
        names : sequence of str
            The assets the map needs (default :data:`MAP_ASSET_NAMES`): only their
            absence makes it fall back to the CDNs.
        """
        if not assets_installed(node_modules, names):
            _warn_missing("MapAssets.local", node_modules)
            return cls("cdn")
        return cls("local", base_url, node_modules)

    def url(self, url: str) -> str:
        """Where this map loads a file folium links at ``url`` (unknown links stay as they are)."""
        asset = _BY_CDN_URL.get(url)
        if self.source == "cdn" or asset is None:
            return url
        return asset_url(asset, self.base_url, self.node_modules)

    def links(
        self, names: Sequence[str] = MAP_ASSET_NAMES
    ) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        """``(default_js, default_css)`` lists linking the named assets."""
        js: list[tuple[str, str]] = []
        css: list[tuple[str, str]] = []
        for asset in _selected(names):
            (js if asset.kind == "js" else css).append((asset.name, self.url(asset.cdn_url)))
        return js, css

    def apply(self, element: Any) -> Any:
        """Give ``element`` and every element below it links from this asset set; returns it.

        Only the elements of this map get instance attributes: folium's classes, and so
        every other map of the process, are left alone. Elements added afterwards keep
        folium's CDN links until :meth:`apply` is called again.
        """
        stack = [element]
        while stack:
            node = stack.pop()
            for attr in ("default_js", "default_css"):
                links = getattr(node, attr, None)
                if isinstance(links, list):
                    setattr(node, attr, [(name, self.url(url)) for name, url in links])
            stack.extend(getattr(node, "_children", {}).values())
        return element


def asset_for_url(url: str) -> Asset | None:
    """The asset a link points at: a CDN URL, or a local URL ending in its vendor path."""
    if url in _BY_CDN_URL:
        return _BY_CDN_URL[url]
    for asset in ASSETS:
        if url.endswith("/" + asset.path):
            return asset
    return None


# --------------------------------------------------------------------------- static serving


def sync_static(
    dest: str | Path = STATIC_VENDOR_DIR,
    node_modules: Path | None = None,
    names: Sequence[str] = MAP_ASSET_NAMES,
) -> list[Path]:
    """Copy the asset files into a directory a web server serves.

    Streamlit serves ``dashboard/static/`` under ``/app/static/`` when
    ``server.enableStaticServing`` is on; it needs real copies (a symlinked folder
    answers HTTP 400). Files whose content is already up to date are left alone.

    Parameters
    ----------
    dest : str or Path
        Target directory (default :data:`STATIC_VENDOR_DIR`); the vendor paths are kept
        below it, e.g. ``dest/leaflet/dist/leaflet.js``.
    node_modules : Path, optional
        The npm install directory (default :data:`NODE_MODULES`).
    names : sequence of str
        The assets to copy: default :data:`MAP_ASSET_NAMES`, what bordermon's maps link.

    Returns
    -------
    list of Path
        Every file now in place (copied or already current); empty when the assets are
        not installed (an :class:`AssetsMissingWarning` is issued then).
    """
    if not assets_installed(node_modules, names):
        _warn_missing("sync_static", node_modules)
        return []
    target_root = Path(dest)
    placed: list[Path] = []
    for path in vendor_files(node_modules, names):
        source = _source_file(path, node_modules)
        target = target_root / path
        data = source.read_bytes()
        if not (target.is_file() and target.read_bytes() == data):
            write_output(data, target)  # atomic: a server never reads a half-copied file
        placed.append(target)
    return placed


# --------------------------------------------------------------------------- inlining


@lru_cache(maxsize=64)
def _data_uri(path: str, mtime_ns: int) -> str:
    del mtime_ns  # part of the cache key only
    file = Path(path)
    mime = _MIME.get(file.suffix.lower(), "application/octet-stream")
    return f"data:{mime};base64,{base64.b64encode(file.read_bytes()).decode('ascii')}"


def _file_data_uri(file: Path) -> str:
    return _data_uri(str(file), file.stat().st_mtime_ns)


def _woff2_only(css: str) -> str:
    """Keep only the woff2 source of each @font-face: enough for every current browser."""

    def one_face(match: re.Match[str]) -> str:
        face = match.group(0)
        woff2 = re.search(r"url\(\s*(['\"]?)([^'\")]+\.woff2)(\?[^'\")]*)?\1\s*\)", face)
        if woff2 is None:
            return face
        kept = f'src:url({woff2.group(2)}) format("woff2");'
        face = _SRC_DECL.sub("", face)
        return face.replace("{", "{" + kept, 1)

    return _FONT_FACE.sub(one_face, css)


def _inline_css_file(path: str, node_modules: Path | None) -> str:
    css = _woff2_only(_source_file(path, node_modules).read_text(encoding="utf-8"))

    def embed(match: re.Match[str]) -> str:
        ref = match.group(2).strip()
        if ref.startswith(("data:", "#", "http:", "https:", "//", "/")):
            return match.group(0)
        file = _source_file(_join(path, re.split(r"[?#]", ref, maxsplit=1)[0]), node_modules)
        if not file.is_file():
            return match.group(0)
        return f'url("{_file_data_uri(file)}")'

    return _CSS_URL.sub(embed, css)


def _safe_in_element(text: str, tag: str) -> str:
    """Text that cannot end its ``<script>``/``<style>`` element early."""
    return re.sub(rf"</({tag})", r"<\\/\1", text, flags=re.IGNORECASE).replace("<!--", "<\\!--")


def _leaflet_icons_script(node_modules: Path | None) -> str:
    images = {
        name: _file_data_uri(_source_file(f"leaflet/dist/images/{name}", node_modules))
        for name in _LEAFLET_IMAGES
    }
    return (
        "<script>/* Leaflet's default marker images, inlined: its path detection needs a linked CSS */\n"
        "L.Icon.Default.mergeOptions({"
        f'iconUrl:"{images["marker-icon.png"]}",'
        f'iconRetinaUrl:"{images["marker-icon-2x.png"]}",'
        f'shadowUrl:"{images["marker-shadow.png"]}"'
        "});L.Icon.Default.prototype._getIconUrl=L.Icon.prototype._getIconUrl;</script>"
    )


_SCRIPT_LINK = re.compile(r"<script\b[^>]*\bsrc=(['\"])([^'\"]+)\1[^>]*>\s*</script\s*>", re.IGNORECASE)
_CSS_LINK = re.compile(r"<link\b[^>]*\bhref=(['\"])([^'\"]+)\1[^>]*>", re.IGNORECASE)


def _inline_one(match: re.Match[str], node_modules: Path | None) -> str:
    tag = match.group(0)
    url = html.unescape(match.group(2))
    asset = asset_for_url(url)
    if asset is None:
        return tag
    if tag.lower().startswith("<link") and not re.search(r"rel=(['\"])stylesheet\1", tag, re.IGNORECASE):
        return tag
    if asset.kind == "js":
        code = _source_file(asset.path, node_modules).read_text(encoding="utf-8")
        block = f"<script>/* {asset.path} ({asset.licence}) */\n{_safe_in_element(code, 'script')}\n</script>"
        if asset.name == "leaflet":
            block += _leaflet_icons_script(node_modules)
        return block
    css = "\n".join(_inline_css_file(p, node_modules) for p in (asset.inline_paths or (asset.path,)))
    return f"<style>/* {asset.path} ({asset.licence}) */\n{_safe_in_element(css, 'style')}\n</style>"


def inline_assets(page: str, node_modules: Path | None = None) -> str:
    """Make a rendered folium page self-contained.

    Every ``<script src>`` and stylesheet ``<link>`` that points at a known asset (its
    CDN URL or a local copy) is replaced by the file's content; fonts (woff2 only) and
    images referenced by the CSS become ``data:`` URIs; Leaflet's default marker images
    are set explicitly. Links to files that are not known assets are left as they are
    (see :func:`external_links`).

    Parameters
    ----------
    page : str
        A rendered HTML page.
    node_modules : Path, optional
        The npm install directory (default :data:`NODE_MODULES`).

    Returns
    -------
    str
        The page with the assets inlined.

    Raises
    ------
    FileNotFoundError
        If an asset the page links is not installed; check :func:`assets_installed` first.
    """
    linked = [asset_for_url(url) for url in external_links(page)]
    names = list(dict.fromkeys(asset.name for asset in linked if asset is not None))
    if not assets_installed(node_modules, names):
        missing = ", ".join(missing_assets(node_modules, names)[:3])
        raise FileNotFoundError(
            f"map assets not installed (missing {missing} …); run `npm ci --ignore-scripts`"
        )
    # Scripts and styles are inlined in the order the page links them; Leaflet first. Only
    # the part up to the last link is rewritten: what follows it (a map's data, most of a
    # large page) is joined on once instead of being copied by each pass. Neither pass can
    # match across that point, since it ends a match and a tag ends with it.
    cut = max((m.end() for pattern in (_SCRIPT_LINK, _CSS_LINK) for m in pattern.finditer(page)), default=0)
    head = _SCRIPT_LINK.sub(lambda m: _inline_one(m, node_modules), page[:cut])
    return _CSS_LINK.sub(lambda m: _inline_one(m, node_modules), head) + page[cut:]


def external_links(page: str) -> list[str]:
    """URLs of scripts and stylesheets a page still loads from elsewhere (not inlined)."""
    found = [html.unescape(m.group(2)) for m in _SCRIPT_LINK.finditer(page)]
    found += [
        html.unescape(m.group(2))
        for m in _CSS_LINK.finditer(page)
        if re.search(r"rel=(['\"])stylesheet\1", m.group(0), re.IGNORECASE)
    ]
    return found
