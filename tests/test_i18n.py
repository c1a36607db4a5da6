"""The interface's languages: catalogs in step with the code, every label translated,
dates and numbers per locale, Serbian Cyrillic from Latin, no process-wide language."""

from __future__ import annotations

import gettext
import tomllib
from datetime import date
from fnmatch import fnmatch
from pathlib import Path

import pandas as pd
import pytest
from babel.dates import format_date, format_skeleton

from layers import catalogs, i18n, vocabulary
from layers.i18n import LANGUAGES, to_cyrillic, to_latin, translator
from layers.reference import read_gazetteer

ROOT = Path(__file__).resolve().parent.parent
TRANSLATED = [language for language in LANGUAGES if language != "en"]
MISSING = "⟦missing⟧ "


class _Marker(gettext.NullTranslations):
    """A fallback that marks every message the catalog did not answer."""

    def gettext(self, message: str) -> str:
        return MISSING + message


def _vocabulary_messages() -> list[str]:
    tables = [
        vocabulary.LAYER_LABELS,
        vocabulary.LAYER_TITLES,
        vocabulary.CONFIDENCE_LABELS,
        vocabulary.SIDE_LABELS,
        vocabulary.PRECISION_LABELS,
    ]
    labels = [label for table in tables for label in table.values()]
    labels += [style.label for styles in vocabulary.CATEGORY_STYLES.values() for style in styles.values()]
    return labels


def test_catalogs_are_in_step_with_the_code():
    assert catalogs.problems() == []


def test_the_check_names_a_missing_and_a_stale_message(tmp_path):
    (tmp_path / "babel.cfg").write_text("[python: layers/**.py]\n", encoding="utf-8")
    (tmp_path / "layers").mkdir()
    (tmp_path / "layers" / "new.py").write_text(
        'from layers.i18n import N_\nLABEL = N_("Drone sighting")\nOLD = N_("Armed attack")\n',
        encoding="utf-8",
    )
    found = catalogs.problems(tmp_path, ["fr"])
    assert "fr: missing 'Drone sighting'" in found
    assert "fr: stale 'Riot'" in found
    assert not any("'Armed attack'" in line for line in found)


def test_compiled_catalogs_ship_with_the_package():
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"][
        "package-data"
    ]["layers"]
    for language in i18n.CATALOG_LANGUAGES:
        mo = catalogs.catalog_path(language, ".mo").relative_to(ROOT / "layers").as_posix()
        assert any(fnmatch(mo, pattern) for pattern in package_data), mo


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_vocabulary_label_is_translated(language):
    catalog = i18n._catalog(language)  # a fresh copy: the shared translator stays untouched
    catalog.add_fallback(_Marker())
    for label in _vocabulary_messages():
        assert not catalog.gettext(label).startswith(MISSING), (language, label)
    rendered = vocabulary.translated(vocabulary.LAYER_TITLES, language)
    assert rendered["deployment"] != "Reported deployments"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "24 Sep 2023, 03:00 (to the hour)"),
        ("fr", "24 sept. 2023 à 03:00 (à l’heure près)"),
        ("sr_Latn", "24. sep 2023. u 03:00 (s tačnošću do sata)"),
        ("sr_Cyrl", "24. сеп 2023. у 03:00 (с тачношћу до сата)"),
        ("sq", "24 sht 2023, ora 03:00 (me saktësi deri në orë)"),
    ],
)
def test_describe_when_in_each_language(language, expected):
    start = pd.Timestamp("2023-09-24T03:00", tz="Europe/Belgrade")
    assert vocabulary.describe_when(start, None, "hour", lang=language) == expected


def test_periods_and_unknown_dates_in_french():
    start, end = pd.Timestamp("2023-09-01"), pd.Timestamp("2023-10-03")
    assert (
        vocabulary.describe_when(start, end, "day", lang="fr") == "1 sept. 2023 – 3 oct. 2023 (au jour près)"
    )
    assert (
        vocabulary.describe_when(start, None, "month", interval=True, lang="fr")
        == "début : septembre 2023, fin non signalée (au mois près)"
    )
    assert vocabulary.describe_when(None, None, "day", lang="fr") == "date inconnue"


@pytest.mark.parametrize(
    ("language", "day", "number"),
    [
        ("en", "24 Sep 2023", "1,234,567.5"),
        ("fr", "24 sept. 2023", "1\u202f234\u202f567,5"),
        ("sr_Latn", "24. sep 2023.", "1.234.567,5"),
        ("sr_Cyrl", "24. сеп 2023.", "1.234.567,5"),
        ("sq", "24 sht 2023", "1\xa0234\xa0567,5"),
    ],
)
def test_days_and_numbers_per_locale(language, day, number):
    assert vocabulary.format_day(date(2023, 9, 24), lang=language) == day
    assert translator(language).format_decimal(1234567.5) == number
    assert translator(language).format_decimal(2.0, digits=1) in {"2.0", "2,0"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_days_written_from_a_month_template_are_babels_own(language):
    # Each month is asked of Babel once and its days filled in; every day must read as
    # Babel writes it (a leap year, a year holding the day's digits, both centuries).
    days = pd.date_range("2000-01-01", "2000-12-31").append(pd.date_range("2028-01-01", "2028-12-31"))
    for day in [*days.date, date(1999, 12, 31), date(2031, 10, 31)]:
        shown = translator(language).format_day(day)
        assert shown == i18n._babel_day(day, language), day
    assert i18n._day_template(2028, 2, language) is not None  # the template was the one used


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_charts_days_are_written_as_the_page_writes_them(language):
    # The browser fills each month's template in (vega_day): every day of two years, a
    # leap year among them, and days whose digits are the year's, must read as format_day.
    t = translator(language)
    templates = t.day_templates()
    assert len(templates) == 12
    days = pd.date_range("2000-01-01", "2000-12-31").append(pd.date_range("2023-01-01", "2023-12-31"))
    for day in [*days.date, date(2020, 2, 20), date(2011, 11, 11)]:
        filled = templates[day.month - 1].replace("{d}", str(day.day), 1).replace("{y}", str(day.year), 1)
        assert filled == t.format_day(day), day
    expression = t.vega_day("datum.week")
    assert all(template in expression for template in templates)
    assert "month(toDate(datum.week))" in expression and "'{y}', '' + year(toDate(datum.week))" in expression


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_time_axis_writes_months_as_babel_does(language):
    t = translator(language)
    for year in (1999, 2023, 2031):
        for month in range(1, 13):
            wanted = t._script(format_skeleton("yMMM", date(year, month, 1), locale=t.locale))
            assert t.month_templates()[month - 1].replace("{y}", str(year)) == wanted


@pytest.mark.parametrize(
    ("latin", "cyrillic"),
    [
        ("Zvečan", "Звечан"),
        ("Jarinje", "Јариње"),
        ("Leposavić", "Лепосавић"),
        ("Zubin Potok", "Зубин Поток"),
        ("Ljubljana", "Љубљана"),
        ("Njegoš", "Његош"),
        ("džep", "џеп"),
        ("Džep", "Џеп"),
        ("LJUBAV", "ЉУБАВ"),
        ("Đurđevik", "Ђурђевик"),
        ("injekcija", "инјекција"),
        ("Prisustvo KFOR-a", "Присуство КФОР-а"),
        ("Kosovo (XK), Srbija (RS)", "Косово (XK), Србија (RS)"),
        ("{when} (s tačnošću do dana)", "{when} (с тачношћу до дана)"),
        ("Izvor: OpenStreetMap, ODbL", "Извор: OpenStreetMap, ODbL"),
        ("potreban JavaScript", "потребан JavaScript"),
    ],
)
def test_serbian_cyrillic_from_latin(latin, cyrillic):
    assert to_cyrillic(latin) == cyrillic


def test_cyrillic_months_are_cldrs_own():
    """Transliterating Babel's Serbian Latin month names gives CLDR's own Cyrillic ones."""
    for month in range(1, 13):
        day = date(2023, month, 1)
        for pattern in ("MMM", "MMMM"):
            latin = format_date(day, pattern, locale="sr_Latn")
            assert to_cyrillic(latin) == format_date(day, pattern, locale="sr_Cyrl"), (month, pattern)


def test_the_serbian_scripts_say_the_same():
    latin, cyrillic = translator("sr_Latn"), translator("sr_Cyrl")
    for label in _vocabulary_messages():
        text = cyrillic.gettext(label)
        assert text == to_cyrillic(latin.gettext(label))
        assert not any("a" <= ch.lower() <= "z" for ch in text.replace("XK", "").replace("RS", "")), text


@pytest.mark.parametrize(
    ("code", "language"),
    [
        ("fr-FR", "fr"),
        ("FR", "fr"),
        ("sr", "sr_Latn"),
        ("sr-Latn-RS", "sr_Latn"),
        ("sr-Cyrl", "sr_Cyrl"),
        ("sr_Cyrl_RS", "sr_Cyrl"),
        ("sq-XK", "sq"),
        ("en_GB.UTF-8", "en"),
        ("de", None),
        ("", None),
    ],
)
def test_resolve_language(code, language):
    assert i18n.resolve_language(code) == language


def test_an_unknown_language_is_refused():
    with pytest.raises(ValueError, match="unknown language 'de'; choose from en, fr, sr_Latn, sr_Cyrl, sq"):
        translator("de")


def test_languages_are_per_call_not_per_process():
    assert translator("fr").gettext("Incidents") == "Incidents"
    assert translator("sq").gettext("Armed attack") == "Sulm i armatosur"
    assert translator("en").gettext("Armed attack") == "Armed attack"
    assert vocabulary.category_label("incident", "armed_attack") == "Armed attack"
    assert gettext.gettext("Armed attack") == "Armed attack"  # the process-wide gettext is untouched


def test_cyrillic_back_to_latin_gives_every_serbian_place_name_as_written() -> None:
    names = [str(name) for name in read_gazetteer()["name_sr"]]
    assert names and all(to_latin(to_cyrillic(name)) == name for name in names)
    assert to_latin("Љубав и џак, Њиве") == "Ljubav i džak, Njive"
    assert to_latin("Zvečan / Zveçan") == "Zvečan / Zveçan"  # Latin passes through


@pytest.mark.parametrize("language", catalogs.CATALOG_LANGUAGES)
def test_the_review_list_has_every_marked_translation(language: str) -> None:
    text = catalogs.catalog_path(language).read_text(encoding="utf-8")
    marked = sum(line.startswith(f"# {catalogs.REVIEW_MARK}") for line in text.splitlines())
    listed = catalogs.for_review(language)
    assert marked > 0 and len(listed) == marked
    assert all(english and translation for english, translation, _ in listed)
    table = catalogs.review_list([language])
    assert f"## {language}: {marked} to review" in table
    assert table.count("\n| ") == marked + 1  # the header, then one row a translation
