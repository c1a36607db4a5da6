"""The command line in French, Albanian and Serbian: reports, messages, numbers, and nothing left in English.

Each command runs as a user runs it (a child process), with ``--lang`` or with
``BORDERMON_LANG``. English left over is found the way ``tests/test_app_i18n.py`` finds it
on the dashboard: the same command runs in English and in the language under test, and a
line that reads the same in both must be made of the store's codes, ids, paths, numbers
and names only.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from layers import reasons
from layers.cli import build_parser
from layers.i18n import COMMANDS, LANGUAGES, to_cyrillic
from layers.ingest import ImportFileError, plan_import
from layers.paths import SHIPPED_STORE
from layers.reasons import translate_reason
from layers.validate import LAYERS, check_feature
from tests.factories import collection, make_feature, write_json
from tests.hostile import HOSTILE_FEATURES
from tests.ingest_fixtures import ACLED_CURRENT, ACLED_OLDER, UCDP_EXTRACT, UCDP_GED
from tests.test_app_i18n import untranslated

ROOT = Path(__file__).resolve().parent.parent
TRANSLATED = [language for language in LANGUAGES if language != "en"]
WINDOW = ("--start", "2023-09-01", "--end", "2023-10-31")


def _bordermon(*args: str, lang: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "BORDERMON_LANG"}
    if lang is not None:
        env["BORDERMON_LANG"] = lang
    code = "import sys; from layers.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run(
        [sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True, env=env, check=False
    )


#: Runs several commands in one child process (a command costs far less than starting
#: Python with the geospatial libraries): each as ``main`` runs it, its output captured,
#: ``BORDERMON_LANG`` set or unset before it as asked.
_SEVERAL = """
import contextlib, io, json, os, sys
from layers.cli import main
results = []
for args, lang in json.load(sys.stdin):
    os.environ.pop("BORDERMON_LANG", None)
    if lang is not None:
        os.environ["BORDERMON_LANG"] = lang
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(args)
        except SystemExit as stop:  # argparse refusing a word
            code = stop.code if isinstance(stop.code, int) else 1
    results.append([code, out.getvalue(), err.getvalue()])
json.dump(results, sys.__stdout__)
"""


def _bordermon_several(
    runs: list[tuple[list[str], str | None]],
) -> list[subprocess.CompletedProcess[str]]:
    """Each (arguments, BORDERMON_LANG) of ``runs`` in turn, in one child process."""
    env = {key: value for key, value in os.environ.items() if key != "BORDERMON_LANG"}
    child = subprocess.run(
        [sys.executable, "-c", _SEVERAL],
        input=json.dumps(runs),
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert child.returncode == 0, child.stderr
    return [
        subprocess.CompletedProcess(args, code, out, err)
        for (args, _), (code, out, err) in zip(runs, json.loads(child.stdout), strict=True)
    ]


def _swapped(fid: str) -> dict[str, Any]:
    feature = make_feature(fid)
    feature["geometry"] = {"type": "Point", "coordinates": [42.9, 20.7]}
    return feature


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """1,200 valid incidents (a number the languages group differently) and four bad records."""
    root = tmp_path_factory.mktemp("broken")
    good = [make_feature(f"ok-{n}") for n in range(1200)]
    bad = [
        make_feature("bad-date", start="2023-02-30"),
        make_feature("bad-range", fatalities={"min": 5, "max": 2}),
        _swapped("swapped"),
        make_feature("bad-category", category="zzz"),
    ]
    write_json(root / "events.geojson", collection(*good, *bad))
    (root / "junk.geojson").write_text("{oops", encoding="utf-8")
    return root


def test_validate_in_french_with_lang(broken: Path) -> None:
    result = _bordermon("validate", str(broken), "--lang", "fr")
    assert result.returncode == 1, result.stderr
    out = result.stdout
    for sentence in (
        "ERREUR  events.geojson, élément 1200 id=bad-date properties.start: "
        "'2023-02-30' n’est pas une date réelle",
        "properties.fatalities: intervalle : minimum 5 > maximum 2",
        "la latitude et la longitude semblent inversées (GeoJSON est [lon, lat])",
        "properties.category: 'zzz' n’est pas l’une des valeurs ['armed_attack'",
    ):
        assert sentence in out, sentence
    assert "junk.geojson (file): JSON invalide à la ligne 1, colonne 2 : " in out
    assert "2 fichiers, 1\u202f200 éléments valides" in out  # CLDR's French grouping: a narrow space
    assert re.search(r"  incident +1\u202f200\n", out) and re.search(r"  écartés +4\n", out)
    assert "5 erreurs, 0 avertissement" in out
    assert "d’après le registre vérifié (1\u202f200 événements)" in out


def test_validate_in_albanian_from_the_environment(broken: Path) -> None:
    result = _bordermon("validate", str(broken), lang="sq")
    assert result.returncode == 1, result.stderr
    out = result.stdout
    assert (
        "GABIM   events.geojson, objekti 1200 id=bad-date properties.start: '2023-02-30' nuk është datë reale"
        in out
    )
    assert "properties.fatalities: intervali: minimumi 5 > maksimumi 2" in out
    assert "2 skedarë, 1\xa0200 objekte të vlefshme" in out  # Albanian groups with a no-break space
    assert re.search(r"  lënë mënjanë +4\n", out)
    assert "5 gabime, 0 paralajmërime" in out
    # --lang wins over the environment.
    assert "No problems found." in _bordermon("validate", "--lang", "en", lang="sq").stdout


def test_stats_in_french_and_albanian() -> None:
    fr = _bordermon("stats", *WINDOW, "--lang", "fr")
    assert fr.returncode == 0, fr.stderr
    siege = next(
        line for line in fr.stdout.splitlines() if line.startswith("2023-09-24-banjska-monastery-siege")
    )
    assert "24 sept. 2023" in siege and "+11,5" in siege and "+10,5 à +12,5" in siege
    assert re.search(r"^\d+ événements dans la vue ; \d+ avec une position sont mesurés\.$", fr.stdout, re.M)
    assert "Distance à la limite Kosovo–Serbie, km : + au Kosovo, − hors du Kosovo" in fr.stdout
    assert "Indicateur d’escalade (points ; total = somme des composantes" in fr.stdout
    assert re.search(r"2023-W38 \(18 sept\. 2023\) +\d+,\d", fr.stdout)  # points with a decimal comma
    sq = _bordermon("stats", *WINDOW, lang="sq")
    assert sq.returncode == 0, sq.stderr
    assert re.search(r"^\d+ ngjarje në pamje; \d+ me pozicion maten\.$", sq.stdout, re.M)
    assert "+11,5" in sq.stdout and "24 sht 2023" in sq.stdout
    assert "Treguesi i përshkallëzimit" in sq.stdout
    # The weekly table's columns in words of the language; KFOR and the side codes as they are.
    assert re.search(r"^semaine +incidents +déploiements +kfor +XK +RS +tués +blessés$", fr.stdout, re.M)
    assert re.search(r"^java +incidentet +dislokimet +kfor +XK +RS ", sq.stdout, re.M)


def test_sources_name_kinds_and_grades_in_words_of_the_language() -> None:
    fr = _bordermon("sources", "--lang", "fr")
    assert fr.returncode == 0, fr.stderr
    lines = fr.stdout.splitlines()
    assert "2022-12-15-serbia-requests-return-of-forces [confirmé]" in lines
    assert any(
        re.fullmatch(r"    Agence de presse +sr  FoNet: https://fonet\.rs/\S+", line) for line in lines
    )
    assert not any(re.match(r" {4}(?:newspaper|wire|broadcaster|aggregator) ", line) for line in lines)


def test_json_is_the_same_in_every_language() -> None:
    commands = (["stats", "--json", *WINDOW], ["sources", "--json"])
    english = _bordermon_several([(command, None) for command in commands])
    assert all(result.returncode == 0 for result in english), [r.stderr for r in english]
    documents = [json.loads(result.stdout) for result in english]
    for language in ("fr", "sq", "sr_Cyrl"):  # a process each: nothing carried over from English
        runs = [([*command, "--lang", language], None) for command in commands]
        runs += [(command, language) for command in commands]
        results = _bordermon_several(runs)
        assert [json.loads(result.stdout) for result in results] == documents * 2, language


def test_export_messages_in_french_and_albanian(tmp_path: Path) -> None:
    fr = _bordermon("export", "--out", str(tmp_path / "carte.html"), *WINDOW, "--cdn", "--lang", "fr")
    assert fr.returncode == 0, fr.stderr
    assert re.match(
        r"carte\.html écrit \(\d+,\d Mo, charge Leaflet depuis son CDN\) : \d+ événements sur la carte, "
        r"\d+ sans lieu ; données jusqu’au ",
        fr.stdout.replace(str(tmp_path) + "/", ""),
    ), fr.stdout
    sq = _bordermon("export", "--out", str(tmp_path / "harta.svg"), "--format", "svg", *WINDOW, lang="sq")
    assert sq.returncode == 0, sq.stderr
    assert re.search(r"u shkrua .*harta\.svg \(\d+,\d MB, SVG, a4\)", sq.stdout), sq.stdout
    refused = _bordermon("export", "--format", "svg", "--density", "count", lang="sq")
    assert refused.returncode == 2
    assert "--density vizaton vetëm në hartën HTML; hiqeni për një figurë" in refused.stderr
    missing = _bordermon("stats", "--store", str(tmp_path / "nowhere"), "--lang", "fr")
    assert missing.returncode == 2
    assert "pas de base d’événements à " in missing.stderr and "variable d’environnement" in missing.stderr
    window = _bordermon("stats", "--start", "2023-10-02", "--end", "2023-10-01", "--lang", "sr_Cyrl")
    assert "период се завршава (2023-10-01) пре него што почиње (2023-10-02)" in window.stderr


# --------------------------------------------------------------------------- English left over

#: Words of a command line that are the same in every language: the command and its codes.
_CODES = re.compile(
    r"(?<![\w-])[a-z0-9]+(?:-[a-z0-9]+){2,}(?![\w-])|"  # event ids: 2022-12-18-kfor-reinforces-jarinje
    r"\bbordermon (?:validate|stats|export|sources|import|convert)\b|"
    rf"\b(?:{'|'.join(LAYERS)}|XK|RS|GSZ|ASZ|KFOR|kfor|Camp [A-Z]\w+(?: \w+)?)\b|"
    r"\bproperties\.\w+|\b[\w.-]+\.(?:geojson|html|svg|md)\b|(?:/[\w.-]+)+|'[^']*'|\[[^\]]*\]"
)


def _lines(result: subprocess.CompletedProcess[str]) -> set[str]:
    texts = (result.stdout + result.stderr).splitlines()
    return {_CODES.sub(" ", line).strip() for line in texts if line.strip()}


def _runs(language: str | None, broken: Path, out: Path) -> set[str]:
    """The lines of seven commands' reports in ``language``, run in one child process."""
    commands = [
        ["validate", str(broken)],
        ["stats", *WINDOW],
        ["export", "--out", str(out / f"{language}.html"), "--cdn", *WINDOW],
        ["export", "--format", "svg", "--density", "count"],
        ["export", "--start", "2023-10-02", "--end", "2023-10-01", "--side", "XX"],
        ["import", "acled", str(ACLED_CURRENT), "--store", str(SHIPPED_STORE), "--dry-run"],
        ["sources"],
    ]
    chosen = ["--lang", language] if language else []
    results = _bordermon_several([([*command, *chosen], None) for command in commands])
    # Each ended as it should: reports, refusals (2) and the broken store's errors (1).
    assert [result.returncode for result in results] == [1, 0, 0, 2, 2, 0, 0], [r.stderr for r in results]
    lines: set[str] = set()
    for result in results:
        lines |= _lines(result)
    return lines


@pytest.fixture(scope="module")
def english(broken: Path, tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    return _runs(None, broken, tmp_path_factory.mktemp("en"))


@pytest.mark.parametrize("language", TRANSLATED)
def test_no_english_left_in_the_reports(
    english: set[str], broken: Path, tmp_path: Path, language: str
) -> None:
    other = _runs(language, broken, tmp_path)
    assert len(english) > 40  # the comparison has something to compare
    assert untranslated(english, other, language) == []


def test_the_check_finds_an_english_line(english: set[str]) -> None:
    french = {"Aucun problème trouvé.", "No problems found.", "  incident   1\u202f200"}
    found = untranslated(english | {"No problems found."}, french, "fr")
    assert found == ["No problems found."]


# --------------------------------------------------------------------------- reasons


def _reasons() -> set[str]:
    features = [feature for _, feature, _ in HOSTILE_FEATURES]
    features += [
        make_feature("a", start="2023-02-30"),
        make_feature("b", start="1800-01-01"),
        make_feature("c", start="2999-01-01"),
        make_feature("d", end="2001-01-01"),
        make_feature("e", fatalities={"min": 5, "max": 2}),
        make_feature("f", category="zzz"),
        make_feature("g", layer=3),
        make_feature("h", title=""),
        make_feature("i", uncertainty_km=-1),
        make_feature("j", sources=[]),
        make_feature("k", zzz=1),
        make_feature("l", location_precision="none"),
        _swapped("m"),
        make_feature("n", title_i18n={"de": "Titel", "sr_Cyrl": "Наслов", "fr": " "}),
        make_feature("o", title_i18n={"sq": "Ç" * 400}),
        [1],
    ]
    return {problem.reason for feature in features for problem in check_feature(feature)[1]}


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_reason_validation_gives_is_translated(language: str) -> None:
    reasons = _reasons()
    assert len(reasons) > 15
    left = [reason for reason in reasons if translate_reason(reason, language) == reason]
    assert left == []


#: Rows that break every rule of the column mappings the fixture files leave unbroken.
_BAD_ACLED = """\
event_id_cnty,event_date,time_precision,event_type,sub_event_type,actor1,actor2,location,latitude,longitude,geo_precision,source,notes,fatalities
,2023-07-01,1,Protests,Peaceful protest,A,,Zvecan,42.9,20.8,1,S,n,0
bad id!,2023-07-01,1,Protests,Peaceful protest,A,,Zvecan,42.9,20.8,1,S,n,0
XKX1,,1,Protests,Peaceful protest,A,,Zvecan,42.9,20.8,1,S,n,0
XKX2,2023-07-01,9,Protests,Peaceful protest,A,,Zvecan,42.9,20.8,x,S,n,0
XKX3,2023-07-01,1,Protests,Peaceful protest,A,,,95,20.8,1,S,n,-1
"""
_BAD_UCDP = """\
id,type_of_violence,side_a,side_b,where_prec,where_coordinates,latitude,longitude,date_prec,date_start,date_end,best,low,high
,1,A,B,1,Zvecan,42.9,20.8,1,2023-07-01,2023-07-01,0,0,0
1,9,A,B,8,Zvecan,42.9,20.8,6,2023-07-02,2023-07-01,0,0,0
2,1,A,B,1,,42.9,20.8,1,,2023-07-01,0,0,0
"""


def _import_reasons() -> set[str]:
    """Every reason the import fixtures' rows are rejected for, and the rows above."""
    plans = [plan_import("acled", path, SHIPPED_STORE) for path in (ACLED_CURRENT, ACLED_OLDER)]
    plans += [plan_import("ucdp", path, SHIPPED_STORE) for path in (UCDP_GED, UCDP_EXTRACT)]
    plans.append(plan_import("acled", _BAD_ACLED.encode(), SHIPPED_STORE, name="bad-acled.csv"))
    plans.append(plan_import("ucdp", _BAD_UCDP.encode(), SHIPPED_STORE, name="bad-ucdp.csv"))
    return {problem.reason for plan in plans for problem in [*plan.rejected, *plan.duplicates]}


def test_the_import_fixtures_write_every_row_reason() -> None:
    written = _import_reasons()
    templates = {name: value for name, value in vars(reasons).items() if name.startswith("ROW_")}
    assert len(templates) > 20
    unused = [
        name
        for name, template in templates.items()
        if not any(reasons._pattern(template).fullmatch(reason) for reason in written)
    ]
    assert unused == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_reason_an_import_gives_is_translated(language: str) -> None:
    written = _import_reasons()
    left = [reason for reason in written if translate_reason(reason, language) == reason]
    assert left == []


def test_the_dry_run_report_in_french_names_rejected_rows_in_french() -> None:
    result = _bordermon(
        "import", "acled", str(ACLED_CURRENT), "--store", str(SHIPPED_STORE), "--dry-run", "--lang", "fr"
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    for line in (
        "  ligne 11 (XKX9009) latitude/longitude: manquant : la ligne n’a pas de coordonnées",
        "  ligne 12 (XKX9010) latitude: '42,9075' n’est pas un nombre (écrire des degrés décimaux "
        "avec un point, p. ex. 42.97139)",
        "  ligne 13 (XKX9011) event_date: '24/09/2023' n’est pas une date (écrire 2023-09-24 ou "
        "24 September 2023, comme ACLED)",
        "  ligne 14 (XKX9012) latitude/longitude: la latitude et la longitude semblent inversées "
        "(le point est loin hors de la région)",
        "  ligne 16 (XKX9014) event_type: 'Unrest' n’est pas un type d’événement ACLED (Battles, "
        "Violence against civilians, Explosions/Remote violence, Riots, Protests, Strategic developments)",
    ):
        assert line in out.splitlines(), line
    # The distance and the day of a possible duplicate in French: a decimal comma, a French day.
    assert "à 0,3 km, tous deux incident/armed_clash, le leur le 24 sept. 2023" in out
    assert out.rstrip().endswith("Essai à blanc : rien n’a été écrit.")


_ACLED_HEADER = "event_id_cnty,event_date,time_precision,event_type,sub_event_type,actor1,actor2,location"
#: Files an import refuses as a whole, by the reason it gives (kind, content).
_REFUSED: dict[str, tuple[str, bytes]] = {
    "empty": ("acled", b"  \n"),
    "zip": ("acled", b"PK\x03\x04workbook"),
    "gzip": ("acled", b"\x1f\x8bpacked"),
    "office": ("acled", b"\xd0\xcf\x11\xe0sheet"),
    "utf-16": ("acled", "id\n".encode("utf-16")),
    "not-utf-8": ("acled", "event_id_cnty\nZvečan\n".encode("cp1250")),
    "nul": ("acled", b"event_id_cnty\n\x00\n"),
    "long-line": ("acled", b"a\n" + b"x" * (200 * 1024) + b"\n"),
    "many-columns": ("acled", b",".join(b"c%d" % n for n in range(1_500)) + b"\n"),
    "field-count": ("acled", f"{_ACLED_HEADER}\n1,2,3,4,5,6,7,8,9,10\n".encode()),
    "open-quote": ("acled", f'{_ACLED_HEADER}\n1,"2023-07-01,1\n'.encode()),
    "no-rows": (
        "ucdp",
        b"id,type_of_violence,side_a,side_b,where_prec,latitude,longitude,date_prec,"
        b"date_start,date_end,best,low,high\n",
    ),
    "acled-columns": ("acled", b"event_id_cnty,event_date\n1,2\n"),
    "acled-given-ucdp": ("acled", b"id,where_prec,date_prec,best\n1,1,1,1\n"),
    "acled-given-other": ("acled", b"a,b\n1,2\n"),
    "ucdp-columns": ("ucdp", b"id,best\n1,2\n"),
    "ucdp-given-acled": ("ucdp", b"event_id_cnty,x\n1,2\n"),
    "ucdp-given-other": ("ucdp", b"a,b\n1,2\n"),
    "not-geojson": ("geojson", b'{"type": "Point", "coordinates": [20, 42]}'),
    "features-not-a-list": ("geojson", b'{"type": "FeatureCollection", "features": {}}'),
    "no-features": ("geojson", b'{"type": "FeatureCollection", "features": []}'),
    "other-schema": (
        "geojson",
        b'{"type": "FeatureCollection", "bordermon": {"schema_version": 99}, "features": []}',
    ),
    "bad-json": ("geojson", b"{oops"),
}


@pytest.mark.parametrize("case", list(_REFUSED))
def test_a_refused_file_is_told_in_every_language(case: str) -> None:
    kind, data = _REFUSED[case]
    with pytest.raises(ImportFileError) as refused:
        plan_import(kind, data, SHIPPED_STORE, name="export.csv")
    error = refused.value
    assert str(error) == f"export.csv: {error.reason}" == error.describe("en")
    for language in TRANSLATED:
        told = error.describe(language)
        assert told.startswith("export.csv: ") and told != str(error), (language, told)


def test_a_missing_or_too_big_file_is_told_in_every_language(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for path in (tmp_path / "missing.csv", tmp_path):
        with pytest.raises(ImportFileError) as refused:
            plan_import("acled", path, SHIPPED_STORE)
        assert all(refused.value.describe(language) != str(refused.value) for language in TRANSLATED)
    monkeypatch.setattr("layers.ingest.table.MAX_IMPORT_BYTES", 10)
    with pytest.raises(ImportFileError) as refused:
        plan_import("acled", ACLED_CURRENT, SHIPPED_STORE)
    assert refused.value.describe("fr").startswith("current-layout.csv: pèse ")


def test_the_import_command_refuses_a_file_in_french() -> None:
    wrong = _bordermon("import", "ucdp", str(ACLED_CURRENT), "--store", str(SHIPPED_STORE), "--lang", "fr")
    assert wrong.returncode == 2
    assert wrong.stderr.startswith(
        "bordermon import: current-layout.csv: colonne(s) UCDP GED manquante(s) : id, "
    )
    assert wrong.stderr.rstrip().endswith(
        "; cela ressemble à un export ACLED — importez-le avec `import acled`"
    )
    far = _bordermon("import", "acled", str(ACLED_CURRENT), "--max-distance-km", "600", lang="sq")
    assert far.returncode == 2
    assert far.stderr == "bordermon import: --max-distance-km duhet të jetë ndërmjet 0 dhe 500, jo 600.0\n"


def test_column_names_stay_in_latin_script_in_serbian_cyrillic() -> None:
    estimates = "estimates out of order (low 3, best 2, high 5); low <= best <= high"
    assert translate_reason(estimates, "sr_Cyrl") == (
        "процене нису по реду (low 3, best 2, high 5); мора бити low <= best <= high"
    )
    assert translate_reason("missing (no location, admin3, admin2 or admin1)", "sr_Cyrl") == (
        "недостаје (нема location, admin3, admin2 ни admin1)"
    )
    assert translate_reason("2023-07-01 is before date_start 2023-07-02", "sr_Cyrl") == (
        "2023-07-01 је пре date_start 2023-07-02"
    )
    assert translate_reason("has no features", "sr_Cyrl") == "не садржи ниједан Feature објекат"
    assert (
        translate_reason(
            "missing ACLED column(s): a; this looks like a UCDP GED file — import it with `import ucdp`",
            "sr_Cyrl",
        )
        == "недостају ACLED колоне: a; ово личи на UCDP GED датотеку — увезите је са `import ucdp`"
    )
    assert translate_reason("is 'none' but the feature has a geometry; give its precision", "sr_Cyrl") == (
        "је 'none', али објекат има геометрију; наведите њену прецизност"
    )


def test_a_reason_keeps_its_values_and_an_unknown_text_stays() -> None:
    reason = "malformed Point coordinates: coordinates[0] must be a number, found a string"
    assert translate_reason(reason, "fr") == (
        "coordonnées Point mal formées : coordinates[0] doit être un nombre, "
        "trouvé : une chaîne de caractères"
    )
    assert (
        translate_reason("'x' is not one of ['a', 'b']", "sr_Cyrl")
        == "'x' није једна од вредности ['a', 'b']"
    )
    assert translate_reason("something no template wrote", "sq") == "something no template wrote"
    assert translate_reason(reason) == reason


def test_the_commands_kept_in_latin_script_are_the_command_lines() -> None:
    parser = build_parser()
    subcommands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert set(COMMANDS) == set(subcommands.choices)
    assert to_cyrillic("Izvori: bordermon sources.", message=True) == "Извори: bordermon sources."
