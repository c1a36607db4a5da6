"""What the record rests on: every event's sources, their kinds and languages, and the weak spots.

``bordermon sources`` lists, per event, its sources with the publisher's kind (from the
publisher register, :mod:`layers.publishers`) and language, and flags what a careful
reader checks first: an event with a single source, an event resting only on
aggregators, partisan outlets or reference works, a title that is a placeholder or was
rebuilt from the address, and a ``confirmed`` grade without independent support (which
validation refuses, so it can only appear in a store read with another register). It
totals the citations by publisher kind and by language, and says how current the record
is.

``--check-links`` asks each cited address over the network, one request at a time with
a pause between requests to the same host and a timeout, and reports dead links with
the archived copy when the source records one (``archived_url``). It is the only part of
bordermon that uses the network, and only when asked.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from layers.cliargs import add_lang_argument, no_store
from layers.filters import _source_columns
from layers.i18n import DEFAULT_LANGUAGE, N_, translator
from layers.paths import STORE_ENV, default_store
from layers.publishers import KINDS, Register, RegisterError, default_register, independent_publishers
from layers.record_state import describe_freshness, newest_day
from layers.store import read_store
from layers.vocabulary import CONFIDENCE_LABELS, PUBLISHER_KIND_LABELS, language_label, translated

__all__ = [
    "FLAGS",
    "LinkResult",
    "add_sources_command",
    "check_links",
    "event_flags",
    "source_table",
    "sources_report",
]

#: What ``bordermon sources`` flags, and how each reads.
FLAGS: dict[str, str] = {
    "single_source": N_("one source only"),
    "weak_sources_only": N_("only aggregator, partisan or reference pages"),
    "placeholder_title": N_("a source title is a placeholder or rebuilt from its address"),
    "unsupported_confirmed": N_("confirmed without two independent publishers or an official source"),
}
_UNREGISTERED = "unregistered"
_WEAK_KINDS = frozenset({"aggregator", "partisan", "reference"})
_PLACEHOLDER_TITLES = frozenset({"", "untitled", "title", "article", "news", "home", "index", "page", "n/a"})
_COLUMNS = ("id", "title", "confidence", "start", "end", "sources")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")


def _placeholder(title: str, url: str) -> bool:
    """A title that says nothing, or one rebuilt from the last part of the address."""
    if title.strip().casefold() in _PLACEHOLDER_TITLES:
        return True
    last = urllib.parse.urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
    last = re.sub(r"\.(html?|php|aspx?)$", "", last)
    slug = _slug(title)
    return len(slug) > 8 and _slug(last) == slug and title == title.lower()


def source_table(events: gpd.GeoDataFrame, register: Register | None = None) -> pd.DataFrame:
    """One row per citation: the event's id, the source's fields, the publisher's kind.

    Columns: ``id``, ``n`` (the source's place in the event), ``url``, ``publisher``,
    ``register_name``, ``kind`` (``unregistered`` when the domain is not in the register),
    ``language``, ``published``, ``title``, ``archived_url``, ``placeholder_title``.
    Built on :func:`layers.filters.source_table`'s columns: the register is asked once
    per web domain, a title checked once per distinct title and address.
    """
    register = register or default_register()
    texts = ("url", "publisher", "language", "published", "title")
    found = _source_columns(
        events["sources"],
        register,
        ("n", "register_name", "kind"),
        {**dict.fromkeys(texts, ""), "archived_url": None},
    )
    # str() of each recorded value, as the report prints it.
    text = {name: found[f"source.{name}"].astype(str).astype(object) for name in texts}
    pairs = pd.MultiIndex.from_arrays([text["title"], text["url"]])
    codes, distinct = pd.factorize(pairs)
    placeholder = np.asarray([_placeholder(title, url) for title, url in distinct], dtype=bool)[codes]
    kind = found["kind"]
    columns = {
        "id": np.asarray(events["id"].to_numpy(dtype=object))[found["position"]].tolist(),
        "n": found["n"].tolist(),
        "url": text["url"].tolist(),
        "publisher": text["publisher"].tolist(),
        "register_name": found["register_name"].tolist(),
        "kind": np.where(pd.isna(kind), _UNREGISTERED, kind).tolist(),
        "language": text["language"].tolist(),
        "published": text["published"].tolist(),
        "title": text["title"].tolist(),
        "archived_url": found["source.archived_url"].tolist(),
        "placeholder_title": placeholder.tolist(),
    }
    if not len(kind):  # no citation: no column can say its type
        return pd.DataFrame([], columns=list(columns))
    return pd.DataFrame(columns, columns=list(columns))


def event_flags(
    events: gpd.GeoDataFrame, table: pd.DataFrame, register: Register | None = None
) -> pd.DataFrame:
    """Per event (indexed by id): one boolean column per :data:`FLAGS` entry."""
    register = register or default_register()
    by_event = table.groupby("id", sort=False)
    counts = by_event.size().reindex(events["id"], fill_value=0)
    weak = table.assign(weak=table["kind"].isin(_WEAK_KINDS)).groupby("id", sort=False)["weak"].all()
    placeholder = by_event["placeholder_title"].any()
    primary = table["kind"].isin(["government", "international_organisation"]).groupby(table["id"]).any()
    confirmed = events.set_index("id")["confidence"] == "confirmed"
    unsupported = pd.Series(False, index=confirmed.index)
    for event_id in confirmed.index[confirmed]:
        sources = events.loc[events["id"] == event_id, "sources"].iloc[0]
        if not primary.get(event_id, False) and len(independent_publishers(sources, register)) < 2:
            unsupported[event_id] = True
    flags = pd.DataFrame(index=pd.Index(events["id"], name="id"))
    flags["single_source"] = (counts == 1).to_numpy()
    flags["weak_sources_only"] = weak.reindex(flags.index, fill_value=False).astype(bool).to_numpy()
    flags["placeholder_title"] = placeholder.reindex(flags.index, fill_value=False).astype(bool).to_numpy()
    flags["unsupported_confirmed"] = unsupported.reindex(flags.index, fill_value=False).to_numpy()
    return flags


def sources_report(
    events: gpd.GeoDataFrame, *, today: date, register: Register | None = None
) -> dict[str, Any]:
    """Everything ``bordermon sources`` says, as plain data (what ``--json`` prints)."""
    register = register or default_register()
    table = source_table(events, register)
    flags = event_flags(events, table, register)
    latest = newest_day(events)
    by_kind = table["kind"].value_counts().reindex([*KINDS, _UNREGISTERED], fill_value=0)
    report_events = []
    for event_id, title, confidence in zip(events["id"], events["title"], events["confidence"], strict=True):
        cited = table[table["id"] == event_id]
        report_events.append(
            {
                "id": event_id,
                "title": title,
                "confidence": confidence,
                "flags": [name for name in FLAGS if bool(flags.at[event_id, name])],
                "sources": cited.drop(columns=["id"]).to_dict("records"),
            }
        )
    return {
        "events": len(events),
        "citations": len(table),
        "freshness": describe_freshness(latest, today),
        "latest": latest.isoformat() if latest else None,
        "by_kind": {kind: int(n) for kind, n in by_kind.items() if n},
        "by_language": {str(k): int(n) for k, n in table["language"].value_counts().sort_index().items()},
        "flagged": {name: int(flags[name].sum()) for name in FLAGS},
        "per_event": report_events,
    }


def _format(report: Mapping[str, Any], *, today: date, lang: str = DEFAULT_LANGUAGE) -> str:
    """The readable report in the language ``lang``: ids, language codes and addresses as recorded;
    publisher kinds and confidence grades in words of the language."""
    t = translator(lang)
    latest = date.fromisoformat(report["latest"]) if report["latest"] else None
    events = t.ngettext("{count} event", "{count} events", report["events"]).format(
        count=t.format_decimal(report["events"])
    )
    citations = t.ngettext("{count} citation", "{count} citations", report["citations"]).format(
        count=t.format_decimal(report["citations"])
    )
    lines = [
        t.gettext("{events}, {citations}; {freshness}").format(
            events=events, citations=citations, freshness=describe_freshness(latest, today, lang)
        ),
        "",
    ]
    kinds = {**translated(PUBLISHER_KIND_LABELS, lang), _UNREGISTERED: t.gettext("Unregistered publisher")}
    confidences = translated(CONFIDENCE_LABELS, lang)
    cited = {source["kind"] for event in report["per_event"] for source in event["sources"]}
    width = max((len(kinds.get(kind, kind)) for kind in cited), default=0) + 1
    for event in report["per_event"]:
        flags = "; ".join(t.gettext(FLAGS[name]) for name in event["flags"])
        confidence = confidences.get(event["confidence"], event["confidence"])
        lines.append(f"{event['id']} [{confidence}]" + (f"  ! {flags}" if flags else ""))
        for source in event["sources"]:
            marker = "  ? " if source["placeholder_title"] else "    "
            kind = kinds.get(source["kind"], source["kind"])
            lines.append(
                f"{marker}{kind:<{width}} {source['language']:<3} {source['publisher']}: {source['url']}"
            )
    flagged = {name: t.gettext(text) for name, text in FLAGS.items()}
    lines += ["", t.gettext("citations by publisher kind:")]
    lines += [
        f"  {kinds.get(kind, kind):<30} {t.format_decimal(n):>6}" for kind, n in report["by_kind"].items()
    ]
    lines += [t.gettext("citations by language:")]
    lines += [
        f"  {language_label(code, lang):<30} {t.format_decimal(n):>6}"
        for code, n in report["by_language"].items()
    ]
    lines += [t.gettext("flagged events:")]
    width = max(len(text) for text in flagged.values())
    lines += [f"  {flagged[name]:<{width}} {t.format_decimal(n):>6}" for name, n in report["flagged"].items()]
    return "\n".join(lines)


# --------------------------------------------------------------------------- link check


@dataclass(frozen=True)
class LinkResult:
    """What asking one address gave: ``status`` is the HTTP code, or None when no answer came."""

    url: str
    status: int | None
    final_url: str
    error: str = ""

    @property
    def dead(self) -> bool:
        """Not found, gone, a server error, or no answer at all."""
        return self.status is None or self.status >= 400


def _ask(url: str, timeout: float) -> LinkResult:
    headers = {"User-Agent": "bordermon-link-check/1 (one request at a time)"}
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(url, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return LinkResult(url, int(response.status), response.geturl())
        except urllib.error.HTTPError as exc:
            if method == "HEAD" and exc.code in (403, 405, 501):
                continue  # some servers refuse HEAD; ask for the page itself
            return LinkResult(url, exc.code, exc.geturl() or url, str(exc.reason))
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            return LinkResult(url, None, url, f"no answer: {reason}")
    return LinkResult(url, None, url, "no answer")


def check_links(
    urls: Iterable[str],
    *,
    timeout: float = 10.0,
    pause: float = 1.0,
    ask: Callable[[str, float], LinkResult] = _ask,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> list[LinkResult]:
    """Ask each distinct http(s) address once, in order, waiting ``pause`` seconds between
    two requests to the same host."""
    results: list[LinkResult] = []
    last_asked: dict[str, float] = {}
    for url in dict.fromkeys(urls):
        if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
            results.append(LinkResult(url, None, url, "not an http(s) address"))
            continue
        host = urllib.parse.urlsplit(url).netloc
        wait = last_asked.get(host, -1e9) + pause - clock()
        if wait > 0:
            sleep(wait)
        results.append(ask(url, timeout))
        last_asked[host] = clock()
    return results


# --------------------------------------------------------------------------- command line


def _run_sources(args: argparse.Namespace) -> int:
    lang = args.lang
    t = translator(lang)
    path = Path(args.store) if args.store else default_store()
    try:
        store = read_store(path, columns=_COLUMNS)
        register = default_register()
    except FileNotFoundError:
        print(f"bordermon sources: {no_store(path, lang)}", file=sys.stderr)
        return 2
    except RegisterError as exc:
        print(f"bordermon sources: {exc}", file=sys.stderr)
        return 2
    today = date.today()
    report = sources_report(store.events, today=today, register=register)
    if store.report.set_aside:
        report["set_aside"] = store.report.set_aside
    if args.check_links:
        table = pd.DataFrame([s | {"id": e["id"]} for e in report["per_event"] for s in e["sources"]])
        archived = dict(zip(table["url"], table["archived_url"], strict=True)) if not table.empty else {}
        results = check_links(table["url"] if not table.empty else [], timeout=args.timeout, pause=args.pause)
        report["links"] = [
            {
                "url": r.url,
                "status": r.status,
                "final_url": r.final_url,
                "dead": r.dead,
                "error": r.error,
                "archived_url": archived.get(r.url),
            }
            for r in results
        ]
    if args.json:
        json.dump(report, sys.stdout, ensure_ascii=False, indent=2, default=str)
        sys.stdout.write("\n")
    else:
        print(_format(report, today=today, lang=lang))
        if args.check_links:
            dead = [link for link in report["links"] if link["dead"]]
            asked = len(report["links"])
            print(
                t.ngettext(
                    "links: {asked} asked, {dead} dead", "links: {asked} asked, {dead} dead", asked
                ).format(asked=t.format_decimal(asked), dead=t.format_decimal(len(dead)))
            )
            for link in dead:
                why = link["status"] or link["error"]
                line = t.gettext("  dead ({why}): {url}").format(why=why, url=link["url"])
                if link["archived_url"]:
                    line += t.gettext("  archived: {url}").format(url=link["archived_url"])
                print(line)
    if store.report.set_aside:
        count = store.report.set_aside
        unlisted = t.ngettext(
            "{count} record set aside by validation is not listed (`bordermon validate` lists it)",
            "{count} records set aside by validation are not listed (`bordermon validate` lists them)",
            count,
        ).format(count=t.format_decimal(count))
        print(f"bordermon sources: {unlisted}", file=sys.stderr)
    return 0


def add_sources_command(commands: Any) -> None:
    """Add ``bordermon sources`` to the command line's subcommands."""
    sources = commands.add_parser(
        "sources",
        help="every event's sources, publisher kinds and languages, the weak spots, how current the data is",
    )
    sources.add_argument(
        "--store", help=f"event store directory or .geojson file (default: ${STORE_ENV} or the shipped store)"
    )
    sources.add_argument("--json", action="store_true", help="print the report as JSON")
    sources.add_argument(
        "--check-links",
        action="store_true",
        help="ask every cited address over the network (one request at a time) and list dead links",
    )
    sources.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for an answer (10)")
    sources.add_argument(
        "--pause", type=float, default=1.0, help="seconds between two requests to the same host (1)"
    )
    add_lang_argument(sources, "the report's words and numbers (--json is the same in every language)")
    sources.set_defaults(run=_run_sources)
