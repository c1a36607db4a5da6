"""The ``bordermon`` command line."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from layers.dataset import add_convert_command
from layers.export import add_export_command
from layers.ingest.command import add_import_command
from layers.paths import ROOT, STORE_ENV, default_store
from layers.stats import add_stats_command
from layers.store import format_store, read_store

__all__ = ["main"]


def _validate(args: argparse.Namespace) -> int:
    path = Path(args.path) if args.path else default_store()
    try:
        store = read_store(path, columns=())  # the report needs no event fields
    except FileNotFoundError as exc:
        print(f"bordermon validate: {exc}", file=sys.stderr)
        return 2
    print(store.report.format(root=str(path)))
    return 0 if store.report.ok else 1


def _format(args: argparse.Namespace) -> int:
    path = Path(args.path) if args.path else default_store()
    try:
        changed, skipped = format_store(path)
    except FileNotFoundError as exc:
        print(f"bordermon format: {exc}", file=sys.stderr)
        return 2
    for file in changed:
        print(f"rewrote {file}")
    for problem in skipped:
        print(f"skipped: {problem}")
    if not changed and not skipped:
        print("every collection is already in canonical form")
    return 1 if skipped else 0


def _dashboard(args: argparse.Namespace) -> int:
    env = dict(os.environ)
    if args.store:
        env[STORE_ENV] = str(Path(args.store).resolve())
    command = [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard" / "app.py")]
    return subprocess.call(command + list(args.streamlit_args), env=env, cwd=ROOT)


def build_parser() -> argparse.ArgumentParser:
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
    validate.set_defaults(run=_validate)

    fmt = commands.add_parser(
        "format", help="rewrite a store's valid collections in canonical form (stable key order and bytes)"
    )
    fmt.add_argument(
        "path", nargs="?", help="store directory or one .geojson file (default: the shipped store)"
    )
    fmt.set_defaults(run=_format)

    dashboard = commands.add_parser("dashboard", help="open the Streamlit dashboard")
    dashboard.add_argument("--store", help="event store to show (default: the shipped store)")
    dashboard.add_argument("streamlit_args", nargs=argparse.REMAINDER, help="passed on to streamlit run")
    dashboard.set_defaults(run=_dashboard)

    add_stats_command(commands)
    add_import_command(commands)
    add_export_command(commands)
    add_convert_command(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = build_parser().parse_args(argv)
    status: int = args.run(args)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
