"""The source and casualty options of ``bordermon export`` and ``bordermon stats``.

Both commands take the same ``--publisher``, ``--publisher-kind``, ``--source-language``,
``--min-killed`` and ``--min-injured`` options and turn them into the same
:class:`layers.filters.Filters` fields as the dashboard's sidebar and the shared URL.
Publishers and languages are checked against what the store cites, after it is read; an
unknown value is refused with the allowed ones named.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Sequence

import geopandas as gpd

from layers.cliargs import UsageError, listed
from layers.filters import Filters, cited_languages, cited_publishers
from layers.i18n import DEFAULT_LANGUAGE, N_, Translator, translator
from layers.vocabulary import PUBLISHER_KINDS

__all__ = ["add_source_arguments", "cited_filters", "source_filters", "uses_sources"]

_THRESHOLD_HELP = (
    "by the low bound of the reported range (a count reported as 2-5 passes 2, not 3; "
    "an unknown count passes none)"
)


def _count(text: str) -> int:
    if not (text.strip().isascii() and text.strip().isdigit()):
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of 0 or more")
    return int(text)


def add_source_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the source and casualty filter options to a command's parser."""
    parser.add_argument(
        "--publisher",
        action="append",
        help="only events citing a page of this publisher, as the publisher register names it (repeatable)",
    )
    parser.add_argument(
        "--publisher-kind",
        type=listed,
        default=(),
        help=f"only events citing a publisher of these kinds (comma-separated): {', '.join(PUBLISHER_KINDS)}",
    )
    parser.add_argument(
        "--source-language",
        type=listed,
        default=(),
        help="only events citing a page in these languages (comma-separated ISO 639 codes, e.g. sr,sq). "
        "With several source options, one source must match them all",
    )
    parser.add_argument(
        "--min-killed",
        type=_count,
        default=0,
        metavar="N",
        help=f"only events with at least N killed (1: any killed), {_THRESHOLD_HELP}",
    )
    parser.add_argument(
        "--min-injured",
        type=_count,
        default=0,
        metavar="N",
        help=f"only events with at least N injured, {_THRESHOLD_HELP}",
    )


def _resolve(
    asked: Iterable[str], allowed: Sequence[str], unknown: str, none: str, t: Translator
) -> tuple[str, ...]:
    by_fold = {name.casefold(): name for name in allowed}
    chosen: list[str] = []
    for value in asked:
        name = by_fold.get(value.strip().casefold())
        if name is None:
            choices = ", ".join(allowed) if allowed else t.gettext(none)
            raise UsageError(t.gettext(unknown).format(value=repr(value), choices=choices))
        if name not in chosen:
            chosen.append(name)
    return tuple(chosen)


def uses_sources(args: argparse.Namespace) -> bool:
    """Whether the options ask about sources (so the store's sources must be read)."""
    return bool(args.publisher or args.publisher_kind or args.source_language)


def source_filters(args: argparse.Namespace, filters: Filters) -> Filters:
    """``filters`` with the kinds of publisher and casualty thresholds of ``args``.

    Kinds are matched regardless of case; an unknown one is left for
    :func:`layers.cliargs.check_view` to name, with the allowed ones.
    """
    by_fold = {kind.casefold(): kind for kind in PUBLISHER_KINDS}
    kinds = tuple(dict.fromkeys(by_fold.get(k.casefold(), k) for k in args.publisher_kind))
    return filters.with_(publisher_kinds=kinds, min_killed=args.min_killed, min_injured=args.min_injured)


def cited_filters(
    args: argparse.Namespace, events: gpd.GeoDataFrame, filters: Filters, lang: str = DEFAULT_LANGUAGE
) -> Filters:
    """``filters`` with the publishers and source languages of ``args``, checked against the store.

    Publisher names and language codes are matched regardless of case against those the
    store's events cite.

    Raises
    ------
    layers.cliargs.UsageError
        For a publisher or language the store does not cite; the message (in ``lang``)
        names those it does.
    """
    t = translator(lang)
    publishers: tuple[str, ...] = tuple(args.publisher or ())
    languages: tuple[str, ...] = args.source_language
    return filters.with_(
        publishers=_resolve(
            publishers,
            cited_publishers(events) if publishers else [],
            N_("unknown publisher {value}; choose from {choices}"),
            N_("none: the store cites no publisher"),
            t,
        ),
        languages=_resolve(
            languages,
            cited_languages(events) if languages else [],
            N_("unknown source language {value}; choose from {choices}"),
            N_("none: the store cites no source language"),
            t,
        ),
    )
