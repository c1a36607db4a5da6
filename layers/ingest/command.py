"""``bordermon import``: the dry-run report, a confirmation, then the write.

Exit status: 0 when the import was written, was a dry run, or had nothing new; 1 when
the write was declined (or not confirmed: without a terminal, ``--yes`` is required);
2 when the file or the store cannot be used, or no store exists at ``--store`` and
``--create`` was not given (one line on stderr; nothing written).
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any, TextIO

from layers.cliargs import add_lang_argument, no_store, store_path
from layers.i18n import DEFAULT_LANGUAGE, translator
from layers.ingest.model import ImportFileError
from layers.ingest.plan import IMPORT_KINDS, MAX_DISTANCE_KM, apply_import, plan_import
from layers.ingest.region import DEFAULT_MAX_DISTANCE_KM
from layers.paths import STORE_ENV
from layers.store import StoreError

__all__ = ["ProgressBar", "add_import_command", "run_import"]


class ProgressBar:
    """A one-line progress bar on a terminal (nothing at all when not a terminal)."""

    def __init__(
        self, stream: TextIO, *, width: int = 30, interval: float = 0.1, lang: str = DEFAULT_LANGUAGE
    ) -> None:
        self.stream = stream
        self.translator = translator(lang)
        self.width = width
        self.interval = interval
        self.enabled = stream.isatty()
        self._last = 0.0
        self._shown = False

    def __call__(self, stage: str, fraction: float) -> None:
        now = time.monotonic()
        if not self.enabled or (now - self._last < self.interval and fraction < 1.0):
            return
        self._last = now
        filled = round(fraction * self.width)
        bar = "#" * filled + "." * (self.width - filled)
        name = self.translator.gettext(stage)
        self.stream.write(f"\r{name[:22]:<22} [{bar}] {fraction * 100:3.0f}%")
        self.stream.flush()
        self._shown = True

    def close(self) -> None:
        """Clear the bar's line."""
        if self._shown:
            self.stream.write("\r" + " " * (self.width + 32) + "\r")
            self.stream.flush()
            self._shown = False


def add_import_command(commands: Any) -> None:
    """Register ``import`` on the ``bordermon`` sub-command parser."""
    parser = commands.add_parser(
        "import",
        help="import an ACLED or UCDP GED export, or merge a GeoJSON file, after a dry-run report",
        description=(
            "Read FILE, report what it would add (rows read, new events, outside the region, "
            "duplicates, rejected rows with line and reason), then write the new events to the "
            "store's imports/ directory, atomically. Re-running an import adds nothing."
        ),
    )
    parser.add_argument("kind", choices=IMPORT_KINDS, help="acled, ucdp (GED) or geojson")
    parser.add_argument("file", help="the CSV export or GeoJSON file")
    parser.add_argument(
        "--store", help=f"store directory to import into (default: ${STORE_ENV} or the shipped store)"
    )
    parser.add_argument(
        "--create", action="store_true", help="make a new store at --store when none exists there"
    )
    parser.add_argument("--dry-run", action="store_true", help="print the report and write nothing")
    parser.add_argument(
        "--max-distance-km",
        type=float,
        default=DEFAULT_MAX_DISTANCE_KM,
        help="keep Serbian events up to this far from the boundary (default: %(default)g; CSV imports)",
    )
    parser.add_argument(
        "--yes", "-y", action="store_true", help="write without asking (needed without a terminal)"
    )
    parser.add_argument(
        "--include-possible-duplicates",
        action="store_true",
        help="also write rows held back as possible duplicates (after reviewing them)",
    )
    parser.add_argument(
        "--limit", type=int, default=30, help="list at most this many duplicates and rejections (default: 30)"
    )
    add_lang_argument(parser, "the report, the question and the messages")
    parser.set_defaults(run=run_import)


def _fail(message: str) -> int:
    print(f"bordermon import: {message}", file=sys.stderr)
    return 2


def run_import(args: argparse.Namespace) -> int:
    """Plan, report, confirm and apply an import; returns the exit status."""
    lang = getattr(args, "lang", None) or DEFAULT_LANGUAGE
    t = translator(lang)
    store = store_path(args.store)
    if not store.exists() and not args.create:
        # A mistyped --store must not quietly become a second, empty store.
        create = t.gettext("{missing}, or add --create to make a new one there")
        return _fail(create.format(missing=no_store(store, lang)))
    if not 0 <= args.max_distance_km <= MAX_DISTANCE_KM:
        distance = t.gettext("--max-distance-km must be between 0 and {most}, not {value}")
        return _fail(distance.format(most=t.format_decimal(MAX_DISTANCE_KM), value=args.max_distance_km))
    progress = ProgressBar(sys.stderr, lang=lang)
    try:
        plan = plan_import(
            args.kind, args.file, store, max_distance_km=args.max_distance_km, progress=progress
        )
    except ImportFileError as exc:
        progress.close()
        return _fail(exc.describe(lang))
    except (StoreError, ValueError) as exc:
        progress.close()
        return _fail(str(exc))
    progress.close()
    print(plan.format(limit=args.limit, lang=lang))
    if args.dry_run:
        print(t.gettext("Dry run: nothing was written."))
        return 0
    count = len(plan.new) + (len(plan.possible_duplicates) if args.include_possible_duplicates else 0)
    if count == 0:
        print(t.gettext("Nothing new to write."))
        return 0
    if not args.yes:
        if not sys.stdin.isatty():
            print(
                t.gettext("Not written: run with --yes to write without a terminal, or --dry-run."),
                file=sys.stderr,
            )
            return 1
        question = t.ngettext(
            "Write {count} event to {file}? [y/N] ", "Write {count} events to {file}? [y/N] ", count
        ).format(count=t.format_decimal(count), file=plan.target)
        # "y" always answers yes, as the prompt shows, whatever the language.
        yes = {"y", "yes", t.gettext("y").casefold(), t.gettext("yes").casefold()}
        if input(question).strip().casefold() not in yes:
            print(t.gettext("Nothing was written."))
            return 1
    try:
        result = apply_import(
            plan, include_possible_duplicates=args.include_possible_duplicates, progress=progress
        )
    except StoreError as exc:
        progress.close()
        return _fail(str(exc))
    progress.close()
    if result.path is not None:
        wrote = t.ngettext("Wrote {count} event to {path}", "Wrote {count} events to {path}", result.written)
        print(wrote.format(count=t.format_decimal(result.written), path=result.path))
    if result.skipped:
        meanwhile = len(result.skipped)
        print(
            t.ngettext(
                "{count} event reached the store meanwhile (another import or an edit); not written:",
                "{count} events reached the store meanwhile (another import or an edit); not written:",
                meanwhile,
            ).format(count=t.format_decimal(meanwhile))
        )
        for duplicate in result.skipped[: args.limit]:
            print(f"  {duplicate.describe(lang)}")
    if result.path is None:
        print(t.gettext("Nothing new to write."))
    return 0
