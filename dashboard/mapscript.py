"""The map's script served as a file of the app, not sent in the page's messages.

At 100k events the script of the dashboard's map is 12–14 MB. Given to ``st_folium`` as
its ``script`` argument it travels in the component's websocket message: uncompressed,
re-encoded and hashed by the server on every rerun, never cached by the browser. Written
once per content as a file under the app's static directory
(``server.enableStaticServing``), it is fetched over HTTP like Leaflet itself:
compressed by the server, kept by the browser (a later visit revalidates it), and the
component's arguments shrink to a line that calls it. Where the app's directory cannot
be written, the script travels in the message as before.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from functools import lru_cache
from pathlib import Path
from typing import Any

from layers.paths import ROOT

__all__ = ["MAP_SCRIPTS_DIR", "MAP_SCRIPTS_URL", "script_of", "served_script"]

#: Where the map scripts are written (git-ignored), and the URL Streamlit serves them under.
MAP_SCRIPTS_DIR = ROOT / "dashboard" / "static" / "maps"
MAP_SCRIPTS_URL = "/app/static/maps/"
#: Files not used for this long are removed when another is written (a file in use is
#: touched at least once an hour, see :func:`served_script`).
_UNUSED_S = 24 * 3600
_TOUCH_S = 3600


@lru_cache(maxsize=8)
def _name(script: str) -> str:
    # Cached: a rerun passes the very same string (its hash kept by Python), and
    # hashing 14 MB again would cost tens of milliseconds each time.
    return hashlib.sha256(script.encode("utf-8")).hexdigest()[:24]


def _write(path: Path, name: str, script: str) -> None:
    """The script as a function that builds the map and returns it (its variables stay its own)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    body = (
        "(window.bordermonMaps = window.bordermonMaps || {})"
        f"[{json.dumps(name)}] = function () {{\n{script}\nreturn map_div;\n}};\n"
    )
    partial = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    partial.write_text(body, encoding="utf-8")
    os.replace(partial, path)  # readers never see half a file


def _prune(directory: Path, keep: Path) -> None:
    now = time.time()
    for old in directory.glob("*.js"):
        try:
            if old != keep and now - old.stat().st_mtime > _UNUSED_S:
                old.unlink()
        except OSError:  # another process removed it first
            continue


def served_script(arguments: dict[str, Any], directory: Path = MAP_SCRIPTS_DIR) -> dict[str, Any]:
    """``st_folium``'s arguments with the map's script in a served file, loaded after Leaflet.

    Call it on each use of the arguments: the file is written when missing (another
    process may have pruned it) and touched when it has not been for an hour. The
    script ``st_folium`` runs becomes ``var map_div = …()``: the map the file builds,
    under the name the component expects. With an unwritable directory the arguments
    come back as they are.
    """
    script = arguments["script"]
    name = _name(script)
    path = directory / f"{name}.js"
    try:
        age: float | None = time.time() - path.stat().st_mtime
    except OSError:  # not there (yet, or any more), or no directory to hold it
        age = None
    try:
        if age is None:
            _write(path, name, script)
            _prune(directory, keep=path)
        elif age > _TOUCH_S:
            path.touch()
    except OSError:  # a read-only app directory: the script travels in the message
        return arguments
    url = MAP_SCRIPTS_URL + path.name
    return {
        **arguments,
        "script": f"var map_div = window.bordermonMaps[{json.dumps(name)}]();\n",
        "js_links": [*arguments["js_links"], url],
    }


def script_of(arguments: dict[str, Any], directory: Path = MAP_SCRIPTS_DIR) -> str:
    """The map's whole script in ``st_folium``'s arguments: inline, or read back from its served file."""
    served = [link for link in arguments.get("js_links", []) if link.startswith(MAP_SCRIPTS_URL)]
    if not served:
        return str(arguments["script"])
    return (directory / served[-1].removeprefix(MAP_SCRIPTS_URL)).read_text(encoding="utf-8")
