"""The dashboard in each language under AppTest: every page, no English left, the selector and the URL.

A word left in English is found by rendering each page twice, in English and in the
language under test, and comparing what the reader sees: the text of headings,
paragraphs, captions, notices, key figures, widget labels, help and options, buttons,
table headers and chart titles. A text that reads the same in both is either event
content (titles, summaries, names and sources stay as recorded), a number or a date
code, a proper name, a message whose translation happens to be the English word, or the
Methodology page's prose (shown as written, under a translated note). Anything else is a
message the code forgot to translate.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from streamlit.testing.v1 import AppTest

from dashboard.mapscript import script_of
from layers import catalogs
from layers.filters import cited_languages, cited_publishers
from layers.i18n import LANGUAGE_NAMES, LANGUAGES, to_cyrillic, translator
from layers.paths import ROOT, SHIPPED_STORE
from layers.store import read_store
from tests.factories import collection, make_feature, write_json
from tests.map_factories import payloads

APP = str(ROOT / "dashboard" / "app.py")
TIMEOUT = 90
TRANSLATED = [language for language in LANGUAGES if language != "en"]
PAGES = ("overview", "analysis", "methodology", "editor")
EVENTS = read_store(SHIPPED_STORE).events
#: An event with a disputed field, several sources and linked events.
SELECTED = "2023-09-24-banjska-monastery-siege"
#: Names that read the same in every language: the product, formats, codes, forces.
PROPER_NAMES = {"bordermon", "GeoJSON", "CSV", "KFOR", "HTML", "XK", "RS", "ACLED", "UCDP GED"}
_WORD = re.compile(r"[^\W\d_]{2,}")
_URL = re.compile(r"https?://[^\s)]+")
_NUMBER_OR_CODE = re.compile(r"[\d\s.,:–\-+%/()×]*|[\w-]+\.(?:md|geojson|csv|json)|YYYY-MM-DD")


def page(name: str, lang: str, event: str = SELECTED) -> AppTest:
    """One page of the app on its own, with ``lang=`` in the URL."""
    script = (
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\n"
        f"from dashboard.views import {name}\n{name}.render()\n"
    )
    at = AppTest.from_string(script, default_timeout=TIMEOUT)
    at.query_params["lang"] = lang
    if name in ("overview", "analysis"):
        at.query_params["event"] = event  # the event's panel too: its facts, sources, linked events
    return at.run()


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text).replace("\u2060", "").strip()


def _walk(node: Any) -> Iterator[Any]:
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


def _chart_titles(spec: Any) -> Iterator[str]:
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key == "title" and isinstance(value, str):
                yield value
            else:
                yield from _chart_titles(value)
    elif isinstance(spec, list):
        for item in spec:
            yield from _chart_titles(item)


def shown_texts(at: AppTest) -> set[str]:
    """Every text of the page a reader sees (unescaped), with chart titles and table headers."""
    found: list[str] = []
    for node in _walk(at._tree):
        proto = getattr(node, "proto", None)
        if proto is None or not hasattr(proto, "ListFields"):
            continue
        for field, value in proto.ListFields():
            if field.name in {"label", "body", "help", "placeholder"} and isinstance(value, str):
                found.append(value)
            elif field.name == "options":
                found.extend(str(option) for option in value)
            elif field.name == "columns" and isinstance(value, str) and value.startswith("{"):
                found.extend(str(c.get("label")) for c in json.loads(value).values() if c.get("label"))
            elif field.name == "spec" and isinstance(value, str):
                found.extend(_chart_titles(json.loads(value)))
    return {text for text in (_unescape(t) for t in found) if text}


def _event_content() -> set[str]:
    content: set[str] = set()
    for column in ("id", "title", "summary", "location", "municipality", "group"):
        content |= {str(v) for v in EVENTS[column].dropna()}
    for items in EVENTS["actors"]:
        content |= set(items)
    for sources in EVENTS["sources"]:
        content |= {str(s.get(key)) for s in sources for key in ("publisher", "title", "url") if s.get(key)}
    for disputes in EVENTS["disputes"]:
        content |= {
            str(c.get(key)) for d in disputes for c in d["claims"] for key in ("by", "claim") if c.get(key)
        }
    # The sidebar offers the publishers cited (by their register's names) and the sources'
    # language codes; a code without a CLDR name reads as itself in every language.
    return content | set(cited_publishers(EVENTS)) | set(cited_languages(EVENTS))


def _docs_prose() -> str:
    return " ".join(
        (ROOT / "docs" / name).read_text(encoding="utf-8")
        for name in ("methodology.md", "methodology-analysis.md")
    )


def _words(texts: Any) -> set[str]:
    parts = texts if isinstance(texts, list | tuple) else [texts]
    return {word for text in parts for word in _WORD.findall(str(text))}


def _same_words(language: str) -> set[str]:
    """Words that ``language`` writes as English does in some message (French ``Incidents``,
    ``sources``), and the words of proper names."""
    source = "sr_Latn" if language == "sr_Cyrl" else language
    with catalogs.catalog_path(source).open("rb") as handle:
        catalog = read_po(handle)
    script = (lambda text: to_cyrillic(text, message=True)) if language == "sr_Cyrl" else str
    same = _words(list(PROPER_NAMES))
    for message in catalog:
        if message.id and message.string:
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            same |= _words(message.id) & _words([script(text) for text in strings])
    return same


def untranslated(english: set[str], other: set[str], language: str, *, prose: str = "") -> list[str]:
    """Texts of the ``language`` render that read as they do in English, and are none of the exceptions.

    A text passes when, with the event content and web addresses it quotes taken out, it
    has no word left but words that ``language`` writes as English does.
    """
    content = sorted(_event_content() | set(LANGUAGE_NAMES.values()), key=len, reverse=True)
    same = _same_words(language)
    left = []
    for text in sorted(english & other):
        if _NUMBER_OR_CODE.fullmatch(text) or (prose and text.strip("*") in prose):
            continue
        residue = _URL.sub(" ", text)
        for quoted in content:
            if quoted in residue:  # whole words only: an actor "I" leaves "Incidents" alone
                residue = re.sub(rf"(?<!\w){re.escape(quoted)}(?!\w)", " ", residue)
        if _words(residue) <= same:
            continue
        left.append(text)
    return left


@pytest.fixture(scope="module")
def english() -> dict[str, set[str]]:
    return {name: shown_texts(page(name, "en")) for name in PAGES}


@pytest.fixture(autouse=True)
def editing(monkeypatch: pytest.MonkeyPatch) -> None:
    """The Editor page with its form and import tab, as a maintainer sees it."""
    monkeypatch.setenv("BORDERMON_EDITING", "1")


@pytest.mark.parametrize("language", TRANSLATED)
@pytest.mark.parametrize("name", PAGES)
def test_every_page_renders_in_the_language_with_nothing_left_in_english(
    english: dict[str, set[str]], name: str, language: str
) -> None:
    at = page(name, language)
    assert not at.exception, at.exception
    texts = shown_texts(at)
    prose = _docs_prose() if name == "methodology" else ""
    assert untranslated(english[name], texts, language, prose=prose) == []
    # The sidebar names the language chosen, in that language.
    assert at.sidebar.selectbox(key="lang").value == language


@pytest.mark.parametrize("language", ["en", *TRANSLATED])
def test_the_charts_write_days_and_numbers_as_the_language_does(language: str) -> None:
    """Vega-Lite writes "Jan 01, 2023" and "4.0" whatever the page; each chart is told the language's."""
    at = page("analysis", language)
    assert not at.exception, at.exception
    specs = [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]
    assert len(specs) >= 3
    t = translator(language)
    for spec in specs:
        assert spec["config"]["locale"]["number"]["decimal"] == t.decimal_symbol
    weekly = [set(_strings(spec)) for spec in specs if "week_text" in json.dumps(spec)]
    assert len(weekly) >= 2  # the escalation indicator and the side chart
    for strings in weekly:
        # The axis's labels and the tooltip's week, written by the language's templates.
        assert {t.vega_day("datum.value"), t.vega_day("datum.week")} <= strings
        assert any(t.day_templates()[8] in text for text in strings)  # September


def _strings(spec: Any) -> Iterator[str]:
    if isinstance(spec, str):
        yield spec
    elif isinstance(spec, dict):
        for value in spec.values():
            yield from _strings(value)
    elif isinstance(spec, list):
        for item in spec:
            yield from _strings(item)


def test_the_check_finds_a_word_left_in_english() -> None:
    """The comparison is not vacuous: an English label in a French page is found, event content is not."""
    title = str(EVENTS["title"].iloc[0])
    english = {"Time window", "85", title, "Incidents", f"2023-09-24 · {title}", "**3 sources**", "Show all"}
    french = {
        "Période",
        "85",
        title,
        "Incidents",
        f"2023-09-24 · {title}",
        "**3 sources**",
        "Show all",
        "Time window",
    }
    assert untranslated(english, french, "fr") == ["Show all", "Time window"]


def test_the_selector_sets_lang_and_the_whole_app_follows() -> None:
    """No choice: no lang= (the browser decides); a choice: lang= in the URL, titles and pages follow."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert not at.exception
    assert "lang" not in at.query_params
    at.multiselect(key="sides").set_value(["RS"]).run()
    at.sidebar.selectbox(key="lang").set_value("sq").run()
    assert not at.exception
    assert at.query_params["lang"] == "sq" and at.query_params["side"] == "RS"  # the view stays
    sq = translator("sq")
    assert at.title[0].value == sq.gettext("Kosovo–Serbia boundary monitor")
    names = [p["page_name"] for p in at._registered_pages.values()]
    assert (
        names[:2] == [sq.gettext("Map and events"), sq.gettext("Analysis")] != ["Map and events", "Analysis"]
    )
    # Back to English by choice: lang=en is kept, so a shared link opens in English too.
    at.sidebar.selectbox(key="lang").set_value("en").run()
    assert at.query_params["lang"] == "en" and at.title[0].value == "Kosovo–Serbia boundary monitor"


def test_a_link_in_serbian_cyrillic_opens_in_cyrillic_and_a_bad_one_says_so() -> None:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["lang"] = "sr-Cyrl"
    at.run()
    assert at.sidebar.selectbox(key="lang").value == "sr_Cyrl"
    assert at.title[0].value == "Праћење линије између Косова и Србије"
    bad = AppTest.from_file(APP, default_timeout=TIMEOUT)
    bad.query_params["lang"] = "de"
    bad.run()
    assert bad.sidebar.selectbox(key="lang").value == "en"
    assert any("lang='de'" in w.value.replace("\\", "") for w in bad.warning), [w.value for w in bad.warning]


@pytest.mark.parametrize(
    ("language", "shown", "linked", "original"),
    [
        ("fr", "Embuscade à Banjska", "Siège du monastère", "Titre original"),
        ("sq", "Pritë në Banjskë", "Rrethimi i manastirit", "Titulli origjinal"),
        ("sr_Cyrl", "Заседа у Бањској", "Опсада манастира", "Оригинални наслов"),
    ],
)
def test_a_translated_title_is_shown_with_the_recorded_one_a_click_away(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, language: str, shown: str, linked: str, original: str
) -> None:
    """Detail panel, linked events and the table read the translation; the recorded title stays at hand."""
    titles = {"fr": "Embuscade à Banjska", "sr_Latn": "Zaseda u Banjskoj", "sq": "Pritë në Banjskë"}
    others = {"fr": "Siège du monastère", "sr_Latn": "Opsada manastira", "sq": "Rrethimi i manastirit"}
    features = [
        make_feature("ambush", title="Ambush at Banjska", title_i18n=titles, group="banjska"),
        make_feature("siege", title="Siege of the monastery", title_i18n=others, group="banjska"),
        make_feature("plain", title="Protest in Zvečan", start="2023-09-25"),
    ]
    monkeypatch.setenv(
        "BORDERMON_STORE", str(write_json(tmp_path / "store" / "s.geojson", collection(*features)))
    )
    at = page("overview", language, event="ambush")
    assert not at.exception, at.exception
    assert _unescape(at.subheader[0].value) == shown
    (expander,) = [e for e in at.expander if e.label == original]
    assert [_unescape(m.value) for m in expander.markdown] == ["Ambush at Banjska"]
    assert [b.label for b in at.button if linked in _unescape(b.label)], [b.label for b in at.button]
    table = at.dataframe[0].value.set_index("id")
    assert (
        table.loc["ambush", "title"] == shown and table.loc["ambush", "original_title"] == "Ambush at Banjska"
    )
    assert table.loc["plain", "title"] == "Protest in Zvečan"
    # The page's map: its popups read the translation and keep the recorded title.
    (the_map,) = at.get("component_instance")
    data = payloads(script_of(json.loads(the_map.proto.json_args)))["incident"]
    at_ambush = data["id"].index("ambush")
    assert data["strings"][data["t"][at_ambush]] == shown
    assert data["strings"][data["to"][at_ambush]] == "Ambush at Banjska"
    assert data["words"]["original"] == original


def test_an_english_reader_sees_the_recorded_title_and_no_original(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    features = [make_feature("ambush", title="Ambush at Banjska", title_i18n={"fr": "Embuscade à Banjska"})]
    monkeypatch.setenv(
        "BORDERMON_STORE", str(write_json(tmp_path / "store" / "s.geojson", collection(*features)))
    )
    at = page("overview", "en", event="ambush")
    assert _unescape(at.subheader[0].value) == "Ambush at Banjska"
    assert not [e for e in at.expander if e.label == "Original title"]
    assert "original_title" not in at.dataframe[0].value.columns
