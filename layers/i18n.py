"""The interface in English, French, Serbian and Albanian: gettext catalogs and Babel formats.

Every user-facing sentence in ``layers/`` and ``dashboard/`` is written in English in the
code, marked for extraction (``N_`` for module constants, ``gettext``/``ngettext`` calls on
a :class:`Translator` elsewhere) and translated in the message catalogs
``layers/locale/<language>/LC_MESSAGES/bordermon.po``, compiled to ``.mo`` next to them.
Dates and numbers are formatted per locale with Babel (CLDR data), never by hand.

There is no process-wide language: the dashboard serves many sessions at once, each in its
own language, so every caller asks for ``translator(language)`` and passes it (or the
language code) down. Translators are cached and immutable.

Languages
---------
``en`` (default, the source language: no catalog), ``fr``, ``sr_Latn`` (Serbian, Latin
script), ``sr_Cyrl`` (Serbian, Cyrillic script) and ``sq`` (Albanian). Serbian has one
catalog, in Latin script; Cyrillic is produced from it by :func:`to_cyrillic`, a
one-to-one letter mapping (Serbian orthography has an exact correspondence between the two
scripts), so the two scripts can never say different things and a native reviewer checks
one catalog. Placeholders, markup, codes (``XK``, ``RS``), names of products and licences
and words with letters outside the Serbian alphabet stay in Latin script.
"""

from __future__ import annotations

import gettext
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_skeleton
from babel.numbers import format_decimal as babel_format_decimal
from babel.numbers import format_percent as babel_format_percent
from babel.numbers import get_decimal_symbol, get_group_symbol

__all__ = [
    "CATALOG_LANGUAGES",
    "COMMANDS",
    "DEFAULT_LANGUAGE",
    "DOMAIN",
    "LANGUAGES",
    "LANGUAGE_NAMES",
    "LANG_ENV",
    "LOCALE_DIR",
    "N_",
    "Translator",
    "choose_language",
    "resolve_language",
    "to_cyrillic",
    "translator",
]

#: The interface's languages, English first (the default and the source language).
LANGUAGES: tuple[str, ...] = ("en", "fr", "sr_Latn", "sr_Cyrl", "sq")
DEFAULT_LANGUAGE = "en"
#: Each language as its speakers name it (for a language selector).
LANGUAGE_NAMES: Mapping[str, str] = {
    "en": "English",
    "fr": "Français",
    "sr_Latn": "Srpski (latinica)",
    "sr_Cyrl": "Српски (ћирилица)",
    "sq": "Shqip",
}
#: The languages with a catalog of their own; ``sr_Cyrl`` is derived from ``sr_Latn``.
CATALOG_LANGUAGES: tuple[str, ...] = ("fr", "sr_Latn", "sq")
DOMAIN = "bordermon"
#: The command line's language when ``--lang`` is not given.
LANG_ENV = "BORDERMON_LANG"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def N_(message: str) -> str:
    """Mark a constant for extraction; it is translated where it is shown."""
    return message


_ALIASES = {
    "sr": "sr_Latn",
    "sr_latn": "sr_Latn",
    "sr_cyrl": "sr_Cyrl",
    "sr_rs": "sr_Latn",
    "sr_latn_rs": "sr_Latn",
    "sr_cyrl_rs": "sr_Cyrl",
    "sr_me": "sr_Latn",
    "sr_xk": "sr_Latn",
}


def resolve_language(value: str | None) -> str | None:
    """The interface language for a code such as ``fr-FR``, ``sr-Cyrl``, ``sq_XK``; None if unsupported.

    Case and ``-``/``_`` do not matter; a region is dropped unless it picks a script
    (plain ``sr`` is Serbian in Latin script, the interface's Serbian default).
    """
    if not value:
        return None
    code = value.strip().replace("-", "_").split(".")[0].lower()
    if code in _ALIASES:
        return _ALIASES[code]
    if code.startswith("sr_"):
        return "sr_Cyrl" if "cyrl" in code.split("_") else "sr_Latn"
    base = code.split("_")[0]
    return base if base in LANGUAGES else None


def choose_language(asked: str | None = None) -> str:
    """The command line's language: ``asked`` (``--lang``), else ``$BORDERMON_LANG``, else English.

    Raises
    ------
    ValueError
        When the language asked for, or the variable, is not one bordermon speaks.
    """
    configured = os.environ.get(LANG_ENV, "").strip()
    if asked is None and not configured:
        return DEFAULT_LANGUAGE
    language = resolve_language(asked if asked is not None else configured)
    if language is None:
        named = f"--lang {asked}" if asked is not None else f"{LANG_ENV}={configured}"
        raise ValueError(f"{named}: unknown language; choose from {', '.join(LANGUAGES)}")
    return language


# --- Serbian Latin → Cyrillic -------------------------------------------------------------

_LETTERS = dict(
    zip(
        "abcčćdđefghijklmnoprsštuvzž",
        "абцчћдђефгхијклмнопрсштувзж",
        strict=True,
    )
)
_DIGRAPHS = {"lj": "љ", "nj": "њ", "dž": "џ"}
#: Words where the letter pairs are two letters, not a digraph (``nad-živeti``, ``in-jekcija``).
_NOT_DIGRAPHS = ("nadživ", "podžup", "odžal", "injekc", "konjunk", "tanjug")
#: Upper-case abbreviations that Serbian writes in Cyrillic too; other all-capital words of
#: up to four letters (codes such as XK and RS, ABL, UTM) stay as they are.
_CYRILLIC_ABBREVIATIONS = {"KFOR": "КФОР", "NATO": "НАТО", "EU": "ЕУ", "EULEX": "ЕУЛЕКС", "OEBS": "ОЕБС"}
#: Names of products, formats and licences, kept in Latin script.
_KEEP_LATIN = frozenset(
    {
        "bordermon",
        "OpenStreetMap",
        "ODbL",
        "GeoNames",
        "GeoJSON",
        "GeoParquet",
        "Leaflet",
        "Wikipedia",
        "ACLED",
        "CARTO",
        "Office",
        "gzip",
        "Feature",
    }
)
# Placeholders ({name}, %(name)s), markup, entities and web addresses are never transliterated.
_PROTECTED = re.compile(r"\{[^{}]*\}|%(?:\([^)]*\))?[sdif]|<[^>]*>|&[#\w]+;|https?://\S+")
#: bordermon's commands, as a message may name them ("bordermon sources").
COMMANDS: tuple[str, ...] = (
    "validate",
    "format",
    "dashboard",
    "stats",
    "import",
    "export",
    "convert",
    "sources",
)
# In the interface's own messages, code is kept as well: quoted values ('none', 'confirmed'),
# commands (`import ucdp`, bordermon sources), field and column names (location_precision,
# date_start, admin3) ...
_MESSAGE_PROTECTED = re.compile(
    _PROTECTED.pattern
    + r"|'[^'\n]*'|`[^`\n]*`|\b[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+\b|\b[A-Za-z]+[0-9]\w*"
    + rf"|\bbordermon (?:{'|'.join(COMMANDS)})\b"
)
# ... and the column names and JSON words that are plain English words (ACLED's location,
# UCDP's best and high estimates, JSON's null).
_CODE_WORDS = frozenset({"best", "high", "location", "null"})
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def _word_to_cyrillic(word: str) -> str:
    if word in _KEEP_LATIN or word in _CYRILLIC_ABBREVIATIONS:
        return _CYRILLIC_ABBREVIATIONS.get(word, word)
    lower = word.lower()
    if any(ch in "qwxy" for ch in lower) or any(ch not in _LETTERS for ch in lower):
        return word
    if 1 < len(word) <= 4 and word.isupper():
        return word  # a code or an abbreviation: XK, RS, ABL, UTM
    if not word.isupper() and any(ch.isupper() for ch in word[1:]):
        return word  # a product's name in camel case: JavaScript, OpenStreetMap
    split_pairs = any(stem in lower for stem in _NOT_DIGRAPHS)
    out: list[str] = []
    i = 0
    while i < len(word):
        pair = lower[i : i + 2]
        if not split_pairs and pair in _DIGRAPHS:
            letter = _DIGRAPHS[pair]
            out.append(letter.upper() if word[i].isupper() else letter)
            i += 2
            continue
        letter = _LETTERS[lower[i]]
        out.append(letter.upper() if word[i].isupper() else letter)
        i += 1
    return "".join(out)


def to_cyrillic(text: str, *, message: bool = False) -> str:
    """Serbian text in Latin script, in Cyrillic script.

    ``lj``, ``nj`` and ``dž`` become ``љ``, ``њ``, ``џ`` (``Ljig`` → ``Љиг``, ``LJUBAV`` → ``ЉУБАВ``);
    placeholders, markup, short codes in capitals and foreign words are kept as they are.
    With ``message`` (a sentence of the interface, not a name or a title), quoted values,
    field and column names (``'none'``, ``location_precision``, ``admin3``, ``best``) are
    kept too: they are code, typed as written.
    """
    protected = _MESSAGE_PROTECTED if message else _PROTECTED

    def word(found: re.Match[str]) -> str:
        text = found.group()
        return text if message and text in _CODE_WORDS else _word_to_cyrillic(text)

    pieces: list[str] = []
    last = 0
    for match in protected.finditer(text):
        pieces.append(_WORD.sub(word, text[last : match.start()]))
        pieces.append(match.group())
        last = match.end()
    pieces.append(_WORD.sub(word, text[last:]))
    return "".join(pieces)


_TO_LATIN = str.maketrans(
    {
        cyrillic_case(letter): latin_case(latin)
        for latin, letter in (*_LETTERS.items(), *_DIGRAPHS.items())
        for cyrillic_case, latin_case in ((str.lower, str.lower), (str.upper, str.capitalize))
    }
)


def to_latin(text: str) -> str:
    """Serbian text in Cyrillic script, in Latin script: the inverse of :func:`to_cyrillic`.

    Every Cyrillic letter has one Latin spelling (``љ`` → ``lj``, ``Џ`` → ``Dž``), so
    this direction needs no exceptions (in a word in capitals ``Љ`` gives ``Lj``, which
    search, blind to case, does not mind); Latin text passes through unchanged.
    """
    return text.translate(_TO_LATIN)


# --- translators ----------------------------------------------------------------------------

#: How a day is written; English keeps bordermon's "24 Sep 2023", the others follow CLDR.
_DAY_PATTERN = {"en": "d MMM y"}


@dataclass(frozen=True)
class Translator:
    """The messages and formats of one language.

    Get one with :func:`translator`; it holds no state that changes, so one instance
    serves every session that reads that language.
    """

    language: str
    catalog: gettext.NullTranslations = field(repr=False, compare=False)

    @property
    def cyrillic(self) -> bool:
        return self.language == "sr_Cyrl"

    @property
    def locale(self) -> Locale:
        """The Babel locale of dates and numbers (Serbian in Latin; see :func:`to_cyrillic`)."""
        return Locale.parse("sr_Latn" if self.cyrillic else self.language)

    def _script(self, text: str) -> str:
        return to_cyrillic(text, message=True) if self.cyrillic else text

    def gettext(self, message: str) -> str:
        """The translation of ``message``, or ``message`` itself when the catalog lacks it."""
        return self._script(self.catalog.gettext(message))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """The form of a message for the number ``n``, by the language's plural rule."""
        return self._script(self.catalog.ngettext(singular, plural, n))

    def pgettext(self, context: str, message: str) -> str:
        """The translation of ``message`` in ``context`` (a word with two meanings)."""
        return self._script(self.catalog.pgettext(context, message))

    def format_day(self, value: date | datetime) -> str:
        """A day: ``24 Sep 2023``, ``24 sept. 2023``, ``24. sep 2023.``, ``24 sht 2023``."""
        return _format_day(value.year, value.month, value.day, self.language)

    def day_templates(self) -> tuple[str, ...]:
        """How a day of each month is written, ``{d}`` for the day and ``{y}`` for the year.

        For what draws days itself, such as a chart's time axis in the browser (see
        :meth:`vega_day`): filled in, each gives :meth:`format_day`'s text.
        """
        return _day_templates(self.language)

    def month_templates(self) -> tuple[str, ...]:
        """How each month of a year is written short on a time axis, ``{y}`` for the year.

        ``Apr {y}``, ``avr. {y}``, ``pri {y}``, ``apr {y}.``: Babel's words, for a browser
        that may not know the language (Chromium writes Albanian months in English).
        """
        return _month_templates(self.language)

    def vega_day(self, value: str = "datum.value") -> str:
        """A Vega expression that writes the day of the time ``value`` as :meth:`format_day` does.

        Vega-Lite writes a chart's days in English (``Jan 01, 2023``) whatever the page's
        language; an axis's ``labelExpr`` or a ``calculate`` transform uses this instead.
        """
        months = json.dumps(list(self.day_templates()), ensure_ascii=False)
        moment = f"toDate({value})"
        return (
            f"replace(replace({months}[month({moment})], '{{d}}', '' + date({moment})), "
            f"'{{y}}', '' + year({moment}))"
        )

    def format_month(self, value: date | datetime) -> str:
        """A month: ``September 2023``, ``septembre 2023``, ``septembar 2023.``, ``shtator 2023``."""
        return _format_month(value.year, value.month, self.language)

    def format_time(self, value: datetime) -> str:
        """A time of day as all four languages write it, on the 24-hour clock: ``03:00``.

        The value's own clock (local time in Kosovo) is kept: no time-zone conversion.
        """
        return f"{value.hour:02d}:{value.minute:02d}"

    def format_decimal(self, number: float | int, *, digits: int | None = None) -> str:
        """A number with the language's separators: ``1,234.5``, ``1 234,5``, ``1.234,5``."""
        pattern = None if digits is None else "#,##0." + "0" * digits if digits else "#,##0"
        return babel_format_decimal(number, format=pattern, locale=self.locale)

    def format_percent(self, number: float) -> str:
        """A share as a whole percentage with the language's sign and spacing: ``25%``, ``25 %``."""
        return babel_format_percent(number, locale=self.locale)

    def number_locale(self) -> dict[str, object]:
        """The language's separators as d3 (and so Vega) reads them, for numbers a browser writes."""
        return {
            "decimal": get_decimal_symbol(self.locale),
            "thousands": get_group_symbol(self.locale),
            "grouping": [3],
            "currency": ["", ""],
        }

    @property
    def decimal_symbol(self) -> str:
        """The mark between whole and decimal part (``.`` or ``,``), for numbers formatted in bulk."""
        return get_decimal_symbol(self.locale)


@lru_cache(maxsize=8192)
def _format_day(year: int, month: int, day_of_month: int, language: str) -> str:
    template = _day_template(year, month, language)
    if template is not None:
        return template.replace("{d}", str(day_of_month), 1)
    return _babel_day(date(year, month, day_of_month), language)


def _babel_day(day: date, language: str) -> str:
    t = translator(language)
    pattern = _DAY_PATTERN.get(language)
    text = (
        babel_format_date(day, pattern, locale=t.locale)
        if pattern
        else format_skeleton("yMMMd", day, locale=t.locale)
    )
    return t._script(text)


@lru_cache(maxsize=1024)
def _day_template(year: int, month: int, language: str) -> str | None:
    """How every day of a month is written, ``{d}`` for the day: one Babel call a month.

    Babel takes ~60 µs a day, and a store spans thousands of days. The days of a month
    differ only in the day's number; the template is used only when it gives Babel's own
    text for the 1st and the 28th (else each day is asked of Babel).
    """
    last = _babel_day(date(year, month, 28), language)
    template = last.replace("28", "{d}", 1)
    first = _babel_day(date(year, month, 1), language)
    if (
        "{d}" in template
        and template.replace("{d}", "28", 1) == last
        and template.replace("{d}", "1", 1) == first
    ):
        return template
    return None


@lru_cache(maxsize=8)
def _day_templates(language: str) -> tuple[str, ...]:
    templates = []
    for month in range(1, 13):
        # The 28th of 2013: a day and a year that no month's name or the other number holds.
        text = _format_day(2013, month, 28, language)
        template = text.replace("2013", "{y}", 1).replace("28", "{d}", 1)
        for year, day in ((2013, 28), (2026, 1), (1999, 9), (2024, 17)):
            if template.replace("{y}", str(year), 1).replace("{d}", str(day), 1) != _format_day(
                year, month, day, language
            ):
                raise ValueError(f"no template writes the days of month {month} in {language}: {text!r}")
        templates.append(template)
    return tuple(templates)


@lru_cache(maxsize=8)
def _month_templates(language: str) -> tuple[str, ...]:
    t = translator(language)
    templates = []
    for month in range(1, 13):
        text = t._script(format_skeleton("yMMM", date(2013, month, 1), locale=t.locale))
        template = text.replace("2013", "{y}", 1)
        later = t._script(format_skeleton("yMMM", date(2026, month, 1), locale=t.locale))
        if "{y}" not in template or template.replace("{y}", "2026", 1) != later:
            raise ValueError(f"no template writes month {month} in {language}: {text!r}")
        templates.append(template)
    return tuple(templates)


@lru_cache(maxsize=4096)
def _format_month(year: int, month: int, language: str) -> str:
    t = translator(language)
    return t._script(format_skeleton("yMMMM", date(year, month, 1), locale=t.locale))


def _catalog(language: str) -> gettext.NullTranslations:
    if language == DEFAULT_LANGUAGE:
        return gettext.NullTranslations()
    source = "sr_Latn" if language == "sr_Cyrl" else language
    # gettext.translation would search the process-wide LANGUAGE variables and cache
    # globally; read the one compiled catalog this language has, and fail loudly without it.
    with (LOCALE_DIR / source / "LC_MESSAGES" / f"{DOMAIN}.mo").open("rb") as handle:
        return gettext.GNUTranslations(handle)


@lru_cache(maxsize=len(LANGUAGES))
def translator(language: str = DEFAULT_LANGUAGE) -> Translator:
    """The translator of ``language`` (any code :func:`resolve_language` understands).

    Raises
    ------
    ValueError
        When the language is not one of :data:`LANGUAGES`.
    """
    code = resolve_language(language)
    if code is None:
        raise ValueError(f"unknown language {language!r}; choose from {', '.join(LANGUAGES)}")
    return Translator(code, _catalog(code))
