"""The rules every ``bordermon`` command shares: days, lists, the store, the view, notes.

Each command parses its own arguments, but reads them through these functions, so
that one wrong value gets the same answer everywhere: exit status 2 and one line that
names the value and what is allowed (:class:`UsageError`), never a traceback and never a
silently empty result.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from layers.filters import Filters, day_out_of_range, view_problems
from layers.i18n import DEFAULT_LANGUAGE, LANG_ENV, LANGUAGES, translator
from layers.paths import STORE_ENV, default_store
from layers.record_state import set_aside_text
from layers.store import EventStore, read_store
from layers.validate import ValidationReport

__all__ = [
    "UsageError",
    "add_lang_argument",
    "check_view",
    "listed",
    "no_store",
    "open_store",
    "parse_day",
    "set_aside_fields",
    "set_aside_line",
    "store_path",
    "unreadable_files",
]


class UsageError(Exception):
    """A value a command cannot use: the message is one line; the exit status is 2."""


def add_lang_argument(parser: argparse.ArgumentParser, what: str = "the report and messages") -> None:
    """Add ``--lang`` (the command line resolves it, with ``$BORDERMON_LANG``, before a command runs)."""
    parser.add_argument(
        "--lang", help=f"language of {what}: {', '.join(LANGUAGES)} (default: ${LANG_ENV} or en)"
    )


def no_store(path: Path, lang: str = DEFAULT_LANGUAGE) -> str:
    """The one-line message for a store that is not there, saying how to name one."""
    t = translator(lang)
    hint = t.gettext("name one with --store PATH or the {variable} environment variable").format(
        variable=STORE_ENV
    )
    return t.gettext("no event store at {path}; {hint}").format(path=path, hint=hint)


def parse_day(text: str) -> date:
    """A day for ``--start``, ``--end`` or ``--as-of`` (an :mod:`argparse` type).

    Raises
    ------
    argparse.ArgumentTypeError
        When ``text`` is not ``YYYY-MM-DD`` or lies outside the days the store can hold.
    """
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None
    problem = day_out_of_range(day)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return day


def listed(text: str) -> tuple[str, ...]:
    """The values of a comma-separated option, blanks dropped (an :mod:`argparse` type)."""
    return tuple(part.strip() for part in text.split(",") if part.strip())


def store_path(given: str | None) -> Path:
    """The store a command reads: ``--store``, else ``$BORDERMON_STORE``, else the shipped one."""
    return Path(given).expanduser() if given else default_store()


def open_store(given: str | None, *, lang: str = DEFAULT_LANGUAGE, **options: Any) -> EventStore:
    """Read the store a command names (``options`` go to :func:`layers.store.read_store`).

    Raises
    ------
    UsageError
        When there is no store there; the message (in ``lang``) says how to name one.
    """
    path = store_path(given)
    try:
        return read_store(path, **options)
    except FileNotFoundError:
        raise UsageError(no_store(path, lang)) from None


def check_view(filters: Filters, lang: str = DEFAULT_LANGUAGE) -> None:
    """Refuse a view that names unknown values or an impossible window.

    Raises
    ------
    UsageError
        Naming every problem found (:func:`layers.filters.view_problems`), in ``lang``.
    """
    problems = view_problems(filters, lang)
    if problems:
        raise UsageError("; ".join(problems))


def unreadable_files(report: ValidationReport) -> list[str]:
    """The store files that could not be read at all (their records are unknown)."""
    return [p.file for p in report.errors if p.index is None and p.field == "(file)"]


def set_aside_fields(report: ValidationReport) -> dict[str, Any]:
    """What validation set aside, for a JSON document (``set_aside`` of every ``--json``)."""
    return {
        "records": report.set_aside,
        "unreadable_files": unreadable_files(report),
        "details": "bordermon validate",
    }


def set_aside_line(report: ValidationReport, lang: str = DEFAULT_LANGUAGE) -> str | None:
    """One sentence on what validation set aside, or None when nothing was (in ``lang``)."""
    return set_aside_text(report.set_aside, unreadable_files(report), lang)
