"""What every command's report says about the record it shows.

How current it is: the newest date in the store and how long ago that was ("data up to
28 Nov 2026 (4 days ago)", :func:`describe_freshness`); what it draws on:
the curated record and each import with its source and date; and what validation set
aside ("3 records set aside, see bordermon validate"). The commands take these words
from here.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd

from layers.i18n import DEFAULT_LANGUAGE, translator
from layers.validate import LOCAL_TZ

__all__ = [
    "IMPORT_NAMES",
    "ImportedFile",
    "RecordState",
    "describe_freshness",
    "newest_day",
    "record_state",
    "set_aside_text",
    "today",
]

#: Readable names of the import kinds (``imports/<kind>-…geojson``).
IMPORT_NAMES: dict[str, str] = {"acled": "ACLED", "ucdp": "UCDP GED", "geojson": "GeoJSON"}
_IMPORTS_DIR = "imports"
_HEAD = 65_536  # the collection's "bordermon" block comes before its features
_KIND = re.compile(r'"kind"\s*:\s*"([a-z]+)"')
_IMPORTED = re.compile(r'"imported"\s*:\s*"([0-9T:+.Z-]+)"')


def today() -> date:
    """Today in Kosovo, or the day of ``$SOURCE_DATE_EPOCH`` (reproducible builds) when set."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), UTC).astimezone(LOCAL_TZ).date()
    return datetime.now(LOCAL_TZ).date()


def newest_day(events: gpd.GeoDataFrame) -> date | None:
    """The newest date in the record: the latest start or end of any event (None: no events)."""
    if events.empty:
        return None
    times = pd.concat([events["start"], events["end"]]).dropna()
    if times.empty:
        return None
    newest: date = pd.Timestamp(times.max()).date()
    return newest


def describe_freshness(latest: date | None, today: date, lang: str = DEFAULT_LANGUAGE) -> str:
    """How current the record is: ``"data up to 15 Mar 2026 (262 days ago)"`` (in ``lang``)."""
    t = translator(lang)
    if latest is None:
        return t.gettext("no dated events")
    days = (today - latest).days
    count = t.format_decimal(abs(days))
    if days == 0:
        ago = t.gettext("today")
    elif days > 0:
        ago = t.ngettext("{count} day ago", "{count} days ago", days).format(count=count)
    else:
        ago = t.ngettext("{count} day ahead of today", "{count} days ahead of today", -days).format(
            count=count
        )
    return t.gettext("data up to {day} ({ago})").format(day=t.format_day(latest), ago=ago)


@dataclass(frozen=True)
class ImportedFile:
    """One collection of the store's ``imports/`` directory."""

    file: str
    kind: str
    imported: date | None
    events: int

    def describe(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """``ACLED import of 2 Dec 2026 (1 event)``, in the language ``lang``."""
        t = translator(lang)
        name, count = IMPORT_NAMES.get(self.kind, self.kind), t.format_decimal(self.events)
        if self.imported is None:
            text = t.ngettext("{name} import ({count} event)", "{name} import ({count} events)", self.events)
            return text.format(name=name, count=count)
        text = t.ngettext(
            "{name} import of {day} ({count} event)", "{name} import of {day} ({count} events)", self.events
        )
        return text.format(name=name, day=t.format_day(self.imported), count=count)


@dataclass(frozen=True)
class RecordState:
    """How current a store is, and which collections its events come from."""

    newest: date | None
    today: date
    curated: int
    imports: tuple[ImportedFile, ...]

    @property
    def age_days(self) -> int | None:
        return None if self.newest is None else (self.today - self.newest).days

    def drawn_from(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The collections the events come from, in words (in the language ``lang``).

        ``the curated record (85 events), ACLED import of 12 Nov 2026 (3,200 events)``: the
        curated record is named when it has events or nothing else is there.
        """
        t = translator(lang)
        parts = []
        if self.curated or not self.imports:
            text = t.ngettext(
                "the curated record ({count} event)", "the curated record ({count} events)", self.curated
            )
            parts.append(text.format(count=t.format_decimal(self.curated)))
        parts.extend(item.describe(lang) for item in self.imports)
        return ", ".join(parts)

    def line(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """``data up to 28 Nov 2026 (4 days ago); drawn from the curated record (85 events)``."""
        return (
            translator(lang)
            .gettext("{freshness}; drawn from {sources}")
            .format(
                freshness=describe_freshness(self.newest, self.today, lang), sources=self.drawn_from(lang)
            )
        )

    def fields(self) -> dict[str, Any]:
        """The same, for a JSON document."""
        return {
            "data_up_to": self.newest.isoformat() if self.newest else None,
            "today": self.today.isoformat(),
            "days_old": self.age_days,
            "curated_events": self.curated,
            "imports": [
                {
                    "file": item.file,
                    "kind": item.kind,
                    "imported": item.imported.isoformat() if item.imported else None,
                    "events": item.events,
                }
                for item in self.imports
            ],
        }


def _import_meta(path: Path) -> tuple[str | None, date | None]:
    try:
        with path.open("r", encoding="utf-8-sig", errors="replace") as handle:
            head = handle.read(_HEAD)
    except OSError:
        return None, None
    kind, stamp = _KIND.search(head), _IMPORTED.search(head)
    imported = None
    if stamp:
        try:
            imported = datetime.fromisoformat(stamp.group(1)).astimezone(LOCAL_TZ).date()
        except ValueError:
            imported = None
    return (kind.group(1) if kind else None), imported


def set_aside_text(
    records: int, unreadable_files: Sequence[str] = (), lang: str = DEFAULT_LANGUAGE
) -> str | None:
    """One sentence on what validation set aside, or None when nothing was."""
    t = translator(lang)
    parts = []
    if records:
        parts.append(
            t.ngettext("{count} record set aside", "{count} records set aside", records).format(
                count=t.format_decimal(records)
            )
        )
    if unreadable_files:
        n = len(unreadable_files)
        parts.append(
            t.ngettext(
                "{count} unreadable store file ({names})", "{count} unreadable store files ({names})", n
            ).format(count=t.format_decimal(n), names=", ".join(unreadable_files))
        )
    if not parts:
        return None
    what = (
        parts[0]
        if len(parts) == 1
        else t.gettext("{first} and {second}").format(first=parts[0], second=parts[1])
    )
    return t.gettext("{what}, see bordermon validate").format(what=what)


def record_state(
    events: gpd.GeoDataFrame, root: Path | None = None, *, on: date | None = None
) -> RecordState:
    """How current the events are on day ``on`` (default :func:`today`), and what they draw on.

    Parameters
    ----------
    events : GeoDataFrame
        All the store's events (:func:`layers.store.read_store`), not a filtered view.
    root : Path, optional
        The store, to read each import's date from its collection; without it imports are
        named by their kind only.
    on : date, optional
        The day to count from.
    """
    files = events["file"].astype(str) if not events.empty else pd.Series([], dtype=str)
    imported = files.str.startswith(f"{_IMPORTS_DIR}/")
    base = None if root is None else (root if root.is_dir() else root.parent)
    found = []
    for file, count in files[imported].value_counts(sort=False).sort_index().items():
        kind, when = _import_meta(base / str(file)) if base is not None else (None, None)
        if kind is None:
            kind = Path(str(file)).name.split("-", 1)[0]
        found.append(ImportedFile(str(file), kind, when, int(count)))
    return RecordState(
        newest=newest_day(events),
        today=on or today(),
        curated=int((~imported).sum()),
        imports=tuple(found),
    )
