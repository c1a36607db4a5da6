"""Where bordermon's shipped data lives, and the settings that point elsewhere."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

__all__ = [
    "CACHE_ENV",
    "GEODATA",
    "REFERENCE_DIR",
    "ROOT",
    "SCHEMA_PATH",
    "SHIPPED_STORE",
    "STORE_ENV",
    "OutputPathError",
    "default_cache",
    "default_store",
    "ensure_output_outside_store",
    "write_cache_file",
]

ROOT = Path(__file__).resolve().parent.parent
GEODATA = ROOT / "geodata"
SHIPPED_STORE = GEODATA / "events"
REFERENCE_DIR = GEODATA / "reference"
SCHEMA_PATH = GEODATA / "schema" / "event.schema.json"
#: Environment variable naming another event store (a directory or one file).
STORE_ENV = "BORDERMON_STORE"
#: Environment variable naming the cache directory of validated snapshots (``off``: none).
CACHE_ENV = "BORDERMON_CACHE"
_CACHE_OFF = ("off", "0", "no", "none")


def default_store() -> Path:
    """The store to read when none is named: ``$BORDERMON_STORE``, else the shipped one."""
    configured = os.environ.get(STORE_ENV, "").strip()
    return Path(configured).expanduser() if configured else SHIPPED_STORE


def default_cache() -> Path | None:
    """The directory of validated snapshots, or None when ``$BORDERMON_CACHE`` is ``off``.

    ``$BORDERMON_CACHE`` when set, else the user's cache directory of the platform:
    ``$XDG_CACHE_HOME/bordermon`` (``~/.cache/bordermon``) on Linux and other Unix,
    ``~/Library/Caches/bordermon`` on macOS, ``%LOCALAPPDATA%\\bordermon\\Cache`` on Windows.
    Everything in it can be deleted at any time; it is made again when needed.
    """
    configured = os.environ.get(CACHE_ENV, "").strip()
    if configured.lower() in _CACHE_OFF:
        return None
    if configured:
        return Path(configured).expanduser()
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA", "").strip()
        return (Path(base) if base else Path.home() / "AppData" / "Local") / "bordermon" / "Cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "bordermon"
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(xdg) if xdg else Path.home() / ".cache") / "bordermon"


def write_output(data: bytes, out: str | Path) -> Path:
    """Write a file atomically (a temporary file beside it, then a rename); returns the path.

    The file gets the usual permissions (0666 less the umask): what is written is meant
    to be shared, and ``tempfile.mkstemp`` makes it private.
    """
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_cache_file(path: Path, write: Callable[[BinaryIO], object]) -> None:
    """Write a file of the cache directory atomically; a cache that cannot be written is not used.

    ``write`` fills a temporary file beside ``path``, which then replaces it: a reader
    sees the whole old file or the whole new one. Nothing is raised for an ``OSError``.
    """
    tmp = ""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as handle:
            write(handle)
        os.replace(tmp, path)
    except OSError:
        if tmp:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


class OutputPathError(ValueError):
    """An output path a command must not write to; the message is one line for the user."""


def ensure_output_outside_store(
    out: str | Path, store: str | Path, *, directory: bool = False, lang: str = "en"
) -> Path:
    """Check that a command may write a new file at ``out``; returns it resolved.

    A command's output must never replace part of the store it reads: ``out`` is refused
    when it is a store file, or anywhere inside a store directory, after following
    symbolic links and ``..``. It must also be (or become) a regular file: an existing
    directory, device or pipe is refused, and so is a place whose nearest existing folder
    cannot be written to.

    Parameters
    ----------
    out : str or Path
        The output path as the user gave it.
    store : str or Path
        The store directory or collection file the command reads.
    directory : bool
        The output is a directory the command writes whole (a dataset), not a file: an
        existing directory is then allowed, anything else that is not one is refused.
    lang : str
        The language of the reason given when ``out`` is refused.

    Returns
    -------
    Path
        ``out`` with links and ``..`` resolved (write there).

    Raises
    ------
    OutputPathError
        With a one-line reason.
    """
    from layers.i18n import translator  # light to import for callers that never refuse a path

    t = translator(lang)
    given = Path(out).expanduser()
    target = given.resolve()  # follows a link at ``out`` itself too: its target is what gets replaced
    home = Path(store).expanduser().resolve()
    if target == home or (home.is_dir() and target.is_relative_to(home)):
        message = t.gettext("{path} is inside the store {store}; write the output elsewhere")
        raise OutputPathError(message.format(path=given, store=home))
    if directory and target.exists() and not target.is_dir():
        message = t.gettext("{path} is not a directory; name a directory to write")
        raise OutputPathError(message.format(path=given))
    if not directory and target.exists() and not target.is_file():
        if target.is_dir():
            message = t.gettext("{path} is a directory; name a file to write")
        else:
            message = t.gettext("{path} is not a regular file; name a file to write")
        raise OutputPathError(message.format(path=given))
    folder = target.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    if not folder.is_dir():
        raise OutputPathError(
            t.gettext("{path}: {folder} is not a directory").format(path=given, folder=folder)
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        message = t.gettext("{path}: permission denied (cannot write in {folder})")
        raise OutputPathError(message.format(path=given, folder=folder))
    return target
