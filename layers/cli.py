"""The ``bordermon`` command line."""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import subprocess
import sys
from collections.abc import Collection, Sequence
from pathlib import Path

from layers.cliargs import UsageError, add_lang_argument, no_store, open_store, store_path
from layers.i18n import choose_language, translator
from layers.memory import collector_paused
from layers.paths import ROOT, STORE_ENV
from layers.record_state import record_state
from layers.store import format_store

__all__ = ["build_parser", "main"]

#: Commands defined in their own modules, imported only when asked for: ``validate`` on a
#: large store should not wait for the map and picture libraries to load.
_COMMAND_MODULES: dict[str, tuple[str, str]] = {
    "stats": ("layers.stats", "add_stats_command"),
    "import": ("layers.ingest.command", "add_import_command"),
    "export": ("layers.export", "add_export_command"),
    "convert": ("layers.dataset", "add_convert_command"),
    "sources": ("layers.sources", "add_sources_command"),
}

#: Commands defined in this module.
_BUILT_IN = frozenset({"validate", "format", "dashboard"})


def _validate(args: argparse.Namespace) -> int:
    # The report needs no other fields.
    store = open_store(args.path, columns=("start", "end"), lang=args.lang)
    print(store.report.format(root=str(store.root), lang=args.lang))
    print(record_state(store.events, store.root).line(args.lang))
    return 0 if store.report.ok else 1


def _format(args: argparse.Namespace) -> int:
    t = translator(args.lang)
    path = store_path(args.path)
    try:
        changed, skipped = format_store(path)
    except FileNotFoundError:
        raise UsageError(no_store(path, args.lang)) from None
    for file in changed:
        print(t.gettext("rewrote {file}").format(file=file))
    for problem in skipped:
        print(t.gettext("skipped: {problem}").format(problem=problem.describe(args.lang)))
    if not changed and not skipped:
        print(t.gettext("every collection is already in canonical form"))
    return 1 if skipped else 0


def _dashboard(args: argparse.Namespace) -> int:
    env = dict(os.environ)
    if args.store:
        env[STORE_ENV] = str(Path(args.store).resolve())
    command = [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard" / "app.py")]
    return subprocess.call(command + list(args.streamlit_args), env=env, cwd=ROOT)


def build_parser(only: Collection[str] | None = None) -> argparse.ArgumentParser:
    """The ``bordermon`` parser; with ``only``, just those of the commands kept in other modules."""
    parser = argparse.ArgumentParser(
        prog="bordermon",
        description="Monitor of tension on the Kosovo–Serbia boundary: sourced events on a map.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    validate = commands.add_parser(
        "validate", help="check an event store and list every problem with its file, feature and field"
    )
    validate.add_argument(
        "path",
        nargs="?",
        help=f"store directory or one .geojson file (default: ${STORE_ENV} or the shipped store)",
    )
    add_lang_argument(validate)
    validate.set_defaults(run=_validate)

    fmt = commands.add_parser(
        "format", help="rewrite a store's valid collections in canonical form (stable key order and bytes)"
    )
    fmt.add_argument(
        "path", nargs="?", help="store directory or one .geojson file (default: the shipped store)"
    )
    add_lang_argument(fmt)
    fmt.set_defaults(run=_format)

    dashboard = commands.add_parser("dashboard", help="open the Streamlit dashboard")
    dashboard.add_argument("--store", help="event store to show (default: the shipped store)")
    dashboard.add_argument("streamlit_args", nargs=argparse.REMAINDER, help="passed on to streamlit run")
    dashboard.set_defaults(run=_dashboard)

    for name, (module, function) in _COMMAND_MODULES.items():
        if only is None or name in only:
            getattr(importlib.import_module(module), function)(commands)
    return parser


def _output_closed() -> int:
    """The reader of our output went away (``bordermon validate | head -1``): stop quietly.

    Python would report the failed write, and again when it flushes at exit; pointing
    stdout at the null device leaves nothing to report. The status is the shell's for a
    process ended by SIGPIPE.
    """
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return 128 + 13


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status.

    Every command shares the same endings: 2 with one line on stderr for a value it
    cannot use (:class:`layers.cliargs.UsageError`), and a quiet stop when its output
    is closed early.
    """
    words = list(sys.argv[1:] if argv is None else argv)
    asked = next((word for word in words if not word.startswith("-")), None)
    # Import only the module of the command asked for: `validate` (defined here) needs none
    # of them, and importing the map and picture libraries costs a second before any work.
    only: set[str] | None = None
    if asked in _COMMAND_MODULES:
        only = {asked}
    elif asked in _BUILT_IN:
        only = set()
    args = build_parser(only).parse_args(words)
    if hasattr(args, "lang"):  # every command that reports in words (the dashboard has its own)
        try:
            args.lang = choose_language(args.lang)
        except ValueError as exc:
            print(f"bordermon {args.command}: {exc}", file=sys.stderr)
            return 2
    # A command is one batch in a process of its own: the cyclic collector waits till it
    # ends (layers.memory). The dashboard's server, shared by its sessions, keeps it.
    batch = contextlib.nullcontext() if args.command == "dashboard" else collector_paused()
    try:
        with batch:
            status: int = args.run(args)
        sys.stdout.flush()
    except UsageError as exc:
        print(f"bordermon {args.command}: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return _output_closed()
    return status


if __name__ == "__main__":
    raise SystemExit(main())
