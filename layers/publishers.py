"""The publisher register: who published each cited page, and what kind of publisher it is.

``geodata/publishers.csv`` names every publisher the store cites, by web domain: its name,
its kind (wire agency, broadcaster, government, ...), its country and its main language.
A source is looked up by the host of its URL; a sub-domain falls back to its parent
(``rs.n1info.com`` → ``n1info.com``), so one row covers a publisher's editions unless a
more specific row says otherwise.

Validation uses it for three rules (:func:`source_problems`): every cited domain is in
the register (so the register stays complete); an event graded ``confirmed`` rests on at
least two independent publishers or on one primary (official) source; and pages of
aggregators, partisan outlets and reference works never count towards that support.
Two sources are independent when their publishers differ: the publisher is the
register's name for the domain, or the source's ``original_publisher`` when the page
carries another outlet's report (an agency story on a broadcaster's site is the
agency's).

A second register named by ``$BORDERMON_PUBLISHERS`` adds rows to the shipped one (a row
for a domain already registered replaces it), for stores that cite other outlets.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from layers import reasons
from layers.paths import GEODATA

__all__ = [
    "COLUMNS",
    "KINDS",
    "PRIMARY_KINDS",
    "PUBLISHERS_ENV",
    "REGISTER_PATH",
    "UNSUPPORTING_KINDS",
    "Publisher",
    "Register",
    "RegisterError",
    "SourceCheck",
    "default_register",
    "domain_of",
    "domains_of",
    "independent_publishers",
    "read_register",
    "register_paths",
    "source_problems",
]

REGISTER_PATH = GEODATA / "publishers.csv"
#: Environment variable naming a second register whose rows add to the shipped one.
PUBLISHERS_ENV = "BORDERMON_PUBLISHERS"
COLUMNS: tuple[str, ...] = ("domain", "name", "kind", "country", "language")
KINDS: tuple[str, ...] = (
    "wire",
    "broadcaster",
    "newspaper",
    "government",
    "international_organisation",
    "ngo",
    "research",
    "reference",
    "aggregator",
    "partisan",
)
#: Official sources: one of them is enough to grade an event ``confirmed``.
PRIMARY_KINDS = frozenset({"government", "international_organisation"})
#: Copies, compilations and party outlets: they never count towards confirmation.
UNSUPPORTING_KINDS = frozenset({"aggregator", "partisan", "reference"})

_DOMAIN = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_COUNTRY = re.compile(r"^(?:[A-Z]{2})?$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")


class RegisterError(ValueError):
    """The register file cannot be read: the message names the file, line and reason."""


@dataclass(frozen=True)
class Publisher:
    """One row of the register."""

    domain: str
    name: str
    kind: str
    country: str
    language: str

    @property
    def primary(self) -> bool:
        """An official source (a government or an international organisation)."""
        return self.kind in PRIMARY_KINDS

    @property
    def supporting(self) -> bool:
        """Whether a page of this publisher can support a ``confirmed`` grade."""
        return self.kind not in UNSUPPORTING_KINDS


@dataclass(frozen=True)
class Register:
    """Publishers by domain, with look-up by URL."""

    publishers: Mapping[str, Publisher]
    label: str = "the publisher register"

    def lookup(self, url: str) -> Publisher | None:
        """The publisher of a URL: its host, else the nearest registered parent domain."""
        return _lookup(self, domain_of(url))

    def find_domain(self, domain: str) -> Publisher | None:
        """The publisher of a domain or of its nearest registered parent."""
        return _lookup(self, domain)


def _lookup(register: Register, domain: str) -> Publisher | None:
    labels = domain.split(".")
    for start in range(len(labels) - 1):
        found = register.publishers.get(".".join(labels[start:]))
        if found is not None:
            return found
    return None


def domain_of(url: str) -> str:
    """The lower-case host of a URL, without a trailing dot ('' when it has none)."""
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:
        return ""
    return host.rstrip(".").lower()


#: A plain http(s) URL's host: read here as :func:`domain_of` reads it, without urlsplit.
_PLAIN_HOST = re.compile(r"https?://([A-Za-z0-9.-]+)(?=[/?#]|$)")


def domains_of(urls: Iterable[str]) -> list[str]:
    """:func:`domain_of` of each URL, quicker for plain ones (no port, user or odd character)."""
    match = _PLAIN_HOST.match
    hosts = []
    for url in urls:
        found = match(url)
        hosts.append(found.group(1).rstrip(".").lower() if found else domain_of(url))
    return hosts


def _parse(text: str, label: str) -> dict[str, Publisher]:
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None or tuple(h.strip() for h in header) != COLUMNS:
        raise RegisterError(f"{label}: the header must be {','.join(COLUMNS)}, not {header}")
    found: dict[str, Publisher] = {}
    for row in reader:
        line = reader.line_num
        if not row or all(not cell.strip() for cell in row):
            continue
        if len(row) != len(COLUMNS):
            raise RegisterError(f"{label} line {line}: {len(row)} fields, expected {len(COLUMNS)}")
        domain, name, kind, country, language = (cell.strip() for cell in row)
        reason = None
        if not _DOMAIN.match(domain):
            reason = f"domain {domain!r} is not a lower-case host name (no scheme, no path)"
        elif not name:
            reason = f"{domain}: the name is empty"
        elif kind not in KINDS:
            reason = f"{domain}: kind {kind!r} is not one of {', '.join(KINDS)}"
        elif not _COUNTRY.match(country):
            reason = f"{domain}: country {country!r} is not an ISO 3166 alpha-2 code (XK for Kosovo) or empty"
        elif not _LANGUAGE.match(language):
            reason = f"{domain}: language {language!r} is not an ISO 639 code (mul: several)"
        elif domain in found:
            reason = f"{domain} is listed twice"
        if reason:
            raise RegisterError(f"{label} line {line}: {reason}")
        found[domain] = Publisher(domain, name, kind, country, language)
    return found


def read_register(*paths: str | Path) -> Register:
    """Read one register file, or several where later files add to and replace rows.

    Raises
    ------
    FileNotFoundError
        If a file does not exist.
    RegisterError
        If a file is not a valid register (wrong header, unknown kind, repeated domain...).
    """
    publishers: dict[str, Publisher] = {}
    for path in paths:
        publishers.update(_parse(Path(path).read_text(encoding="utf-8-sig"), str(path)))
    label = " + ".join(Path(p).name for p in paths) or "an empty register"
    return Register(publishers, label)


@lru_cache(maxsize=4)
def _cached_register(files: tuple[tuple[str, float], ...]) -> Register:
    return read_register(*(path for path, _ in files))


def register_paths() -> list[Path]:
    """The register files in force: the shipped one, then ``$BORDERMON_PUBLISHERS`` if set."""
    paths = [REGISTER_PATH]
    extra = os.environ.get(PUBLISHERS_ENV, "").strip()
    if extra:
        paths.append(Path(extra).expanduser())
    return paths


def default_register() -> Register:
    """The shipped register plus ``$BORDERMON_PUBLISHERS``, read once per file version."""
    return _cached_register(tuple((str(p), p.stat().st_mtime) for p in register_paths()))


def _identities(source: Mapping[str, Any], publisher: Publisher) -> frozenset[str]:
    """Who stands behind a page: its original publisher(s), else the register's name.

    An ``original_publisher`` listing several outlets ("RTS, Tanjug") names each of them,
    so the page shares its support with any other page carrying one of them.
    """
    original = source.get("original_publisher")
    return _names(original if isinstance(original, str) else None, publisher.name)


@lru_cache(maxsize=4096)
def _names(original: str | None, name: str) -> frozenset[str]:
    text = original if original is not None and original.strip() else name
    names = frozenset(n.strip().casefold() for n in re.split(r"[,;]", text) if n.strip())
    return names or frozenset({name.casefold()})


def independent_publishers(
    sources: Iterable[Mapping[str, Any]], register: Register | None = None
) -> list[str]:
    """The distinct publishers among sources that can support a ``confirmed`` grade.

    Pages of aggregators, partisan outlets and reference works, and pages whose domain is
    not registered, are left out. A page carrying another outlet's report counts as that
    outlet (``original_publisher``); pages that share an outlet are not independent.

    Returns
    -------
    list of str
        One entry per independent publisher (case-folded names, several joined by ", "
        where a page carries a joint report).
    """
    register = register or default_register()
    return _independent([(s, register.lookup(str(s.get("url", "")))) for s in sources])


def _independent(cited: Sequence[tuple[Mapping[str, Any], Publisher | None]]) -> list[str]:
    """:func:`independent_publishers` of sources already looked up in the register."""
    backers = [_identities(s, p) for s, p in cited if p is not None and p.supporting]
    # Pages resting on fewer outlets first, so that "RTS" and "Tanjug" count as two
    # even when a third page carries "RTS, Tanjug" (which overlaps both).
    counted: list[frozenset[str]] = []
    for names in sorted(backers, key=len):
        if all(names.isdisjoint(other) for other in counted):
            counted.append(names)
    return [", ".join(sorted(names)) for names in counted]


def source_problems(properties: Mapping[str, Any], register: Register | None = None) -> list[tuple[str, str]]:
    """What the register finds wrong with an event's sources, as (field, reason) pairs.

    Every cited domain must be registered, and an event graded ``confirmed`` must rest on
    two independent publishers or one primary (official) source.
    """
    try:
        register = register or default_register()
    except (OSError, RegisterError) as exc:
        return [("sources", reasons.REGISTER_UNREADABLE.format(error=exc))]
    return SourceCheck(register).problems(properties)


class SourceCheck:
    """:func:`source_problems` of many events against one register.

    Each URL's domain is worked out, and each domain looked up in the register, once for
    all the events checked (a store cites the same outlets over and over).
    """

    def __init__(self, register: Register) -> None:
        self.register = register
        self._domains: dict[str, str] = {}
        self._publishers: dict[str, Publisher | None] = {}

    def _domain(self, url: str) -> str:
        found = self._domains.get(url)
        if found is None:
            found = self._domains[url] = domains_of([url])[0]
        return found

    def _publisher(self, domain: str) -> Publisher | None:
        if domain in self._publishers:
            return self._publishers[domain]
        found = self._publishers[domain] = self.register.find_domain(domain)
        return found

    def problems(self, properties: Mapping[str, Any]) -> list[tuple[str, str]]:
        """What the register finds wrong with one event's sources (see :func:`source_problems`)."""
        sources: Sequence[Any] = properties.get("sources") or []
        problems: list[tuple[str, str]] = []
        cited = []
        for n, source in enumerate(sources):
            domain = self._domain(str(source.get("url", "")))
            publisher = self._publisher(domain)
            cited.append((source, publisher))
            if publisher is None:
                problems.append(
                    (
                        f"properties.sources.{n}.url",
                        reasons.UNREGISTERED_DOMAIN.format(
                            domain=domain or reasons.THE_URL, register=self.register.label
                        ),
                    )
                )
        if properties.get("confidence") != "confirmed" or problems:
            return problems
        if any(p is not None and p.primary and _is_primary_page(s, p) for s, p in cited):
            return problems
        support = _independent(cited)
        if not support:
            kinds = sorted({p.kind for _, p in cited if p is not None})
            problems.append(
                (
                    "properties.confidence",
                    reasons.CONFIRMED_ON_WEAK_KINDS.format(kinds=" and ".join(kinds)),
                )
            )
        elif len(support) < 2:
            problems.append(
                (
                    "properties.confidence",
                    reasons.CONFIRMED_ON_ONE_PUBLISHER.format(publisher=support[0]),
                )
            )
        return problems


def _is_primary_page(source: Mapping[str, Any], publisher: Publisher) -> bool:
    # An official site quoting a news outlet is that outlet's report, not an official one.
    original = source.get("original_publisher")
    return not (isinstance(original, str) and original.strip())
