"""The publisher register and the rules validation draws from it, with broken cases."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from layers.paths import SHIPPED_STORE
from layers.publishers import (
    COLUMNS,
    KINDS,
    PUBLISHERS_ENV,
    REGISTER_PATH,
    Register,
    RegisterError,
    default_register,
    domain_of,
    independent_publishers,
    read_register,
    source_problems,
)
from layers.store import read_store
from tests.factories import collection, make_feature, write_json

HEADER = "domain,name,kind,country,language\n"
ROWS = """domain,name,kind,country,language
agency.example,Example Agency,wire,FR,fr
daily.example,Example Daily,newspaper,XK,sq
edition.daily.example,Example Daily Special,newspaper,XK,en
copies.example,Copies,aggregator,,en
party.example,Party Voice,partisan,RS,sr
ministry.example,Example Ministry,government,RS,sr
radio.example,Free Radio,broadcaster,CZ,en
radio-sq.example,Free Radio,broadcaster,CZ,sq
"""


@pytest.fixture
def register(tmp_path: Path) -> Register:
    path = tmp_path / "publishers.csv"
    path.write_text(ROWS, encoding="utf-8")
    return read_register(path)


def _source(url: str, **extra: Any) -> dict[str, Any]:
    return {"url": url, "publisher": "x", "published": "2023-09-24", "language": "en", "title": "t", **extra}


def _props(confidence: str, *urls: str, **extra: Any) -> dict[str, Any]:
    return {"confidence": confidence, "sources": [_source(u, **extra) for u in urls]}


# --------------------------------------------------------------------------- look-up


def test_domain_of_takes_the_host_in_lower_case() -> None:
    assert domain_of("HTTPS://WWW.Reuters.com./world?x=1") == "www.reuters.com"
    assert domain_of("not a url") == ""


def test_sub_domains_fall_back_to_the_parent_and_a_specific_row_wins(register: Register) -> None:
    assert register.lookup("https://www.agency.example/a")
    found = register.lookup("https://www.agency.example/a")
    assert found is not None and found.name == "Example Agency"
    special = register.lookup("https://edition.daily.example/x")
    assert special is not None and special.name == "Example Daily Special"
    assert register.lookup("https://notagency.example/a") is None  # a suffix is not a parent
    assert register.lookup("https://example/a") is None


def test_primary_and_supporting_follow_the_kind(register: Register) -> None:
    ministry, copies = register.find_domain("ministry.example"), register.find_domain("copies.example")
    assert ministry is not None and ministry.primary and ministry.supporting
    assert copies is not None and not copies.primary and not copies.supporting


# --------------------------------------------------------------------------- independence


def test_one_publisher_on_two_domains_counts_once(register: Register) -> None:
    sources = [_source("https://radio.example/a"), _source("https://radio-sq.example/b")]
    assert independent_publishers(sources, register) == ["free radio"]


def test_a_page_carrying_an_agency_report_counts_as_the_agency(register: Register) -> None:
    sources = [
        _source("https://agency.example/a"),
        _source("https://daily.example/b", original_publisher="Example Agency"),
    ]
    assert independent_publishers(sources, register) == ["example agency"]


def test_pages_sharing_an_agency_are_not_independent(register: Register) -> None:
    joint = _source("https://radio.example/a", original_publisher="Example Agency, Example Daily")
    daily = _source("https://daily.example/b")
    assert independent_publishers([joint, daily], register) == ["example daily"]
    agency = _source("https://agency.example/c")
    # The single-outlet pages count separately; the joint report adds nothing new.
    assert independent_publishers([joint, daily, agency], register) == ["example daily", "example agency"]


def test_aggregators_partisan_and_unknown_pages_give_no_support(register: Register) -> None:
    sources = [
        _source("https://copies.example/a"),
        _source("https://party.example/b"),
        _source("https://x.test/"),
    ]
    assert independent_publishers(sources, register) == []


# --------------------------------------------------------------------------- the rules


def test_an_unregistered_domain_is_an_error_naming_it(register: Register) -> None:
    problems = source_problems(
        _props("reported", "https://agency.example/a", "https://news.unknown.test/b"), register
    )
    assert problems == [("properties.sources.1.url", problems[0][1])]
    assert "news.unknown.test is not in publishers.csv" in problems[0][1]


@pytest.mark.parametrize(
    "urls",
    [
        ("https://agency.example/a", "https://daily.example/b"),  # two independent publishers
        ("https://ministry.example/statement",),  # one official source
        ("https://copies.example/a", "https://ministry.example/statement"),
    ],
)
def test_confirmed_with_enough_support_passes(register: Register, urls: tuple[str, ...]) -> None:
    assert source_problems(_props("confirmed", *urls), register) == []


@pytest.mark.parametrize(
    ("urls", "reason"),
    [
        (("https://agency.example/a",), "on one publisher (example agency)"),
        (("https://radio.example/a", "https://radio-sq.example/b"), "on one publisher (free radio)"),
        (("https://copies.example/a", "https://party.example/b"), "cites only aggregator and partisan pages"),
        (("https://agency.example/a", "https://copies.example/b"), "on one publisher"),
    ],
)
def test_confirmed_without_support_is_an_error(
    register: Register, urls: tuple[str, ...], reason: str
) -> None:
    problems = source_problems(_props("confirmed", *urls), register)
    assert [name for name, _ in problems] == ["properties.confidence"]
    assert reason in problems[0][1]


def test_confirmed_on_two_pages_sharing_an_agency_is_an_error(register: Register) -> None:
    props = {
        "confidence": "confirmed",
        "sources": [
            _source("https://agency.example/a"),
            _source("https://daily.example/b", original_publisher="Example Daily; Example Agency"),
        ],
    }
    [(name, reason)] = source_problems(props, register)
    assert name == "properties.confidence" and "on one publisher" in reason


def test_an_official_site_quoting_a_news_outlet_is_not_an_official_source(register: Register) -> None:
    props = _props("confirmed", "https://ministry.example/press-review", original_publisher="Example Agency")
    assert [name for name, _ in source_problems(props, register)] == ["properties.confidence"]


def test_the_same_sources_pass_when_graded_reported(register: Register) -> None:
    assert source_problems(_props("reported", "https://copies.example/a"), register) == []


# --------------------------------------------------------------------------- the file


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("domain,name,kind,country\n", "the header must be domain,name,kind,country,language"),
        ("domain,name,kind,country,language\na.example,A,blog,XK,sq\n", "line 2: a.example: kind 'blog'"),
        ("domain,name,kind,country,language\nhttps://a.example,A,wire,XK,sq\n", "line 2: domain"),
        ("domain,name,kind,country,language\nA.example,A,wire,XK,sq\n", "not a lower-case host name"),
        ("domain,name,kind,country,language\na.example,,wire,XK,sq\n", "the name is empty"),
        ("domain,name,kind,country,language\na.example,A,wire,Kosovo,sq\n", "country 'Kosovo'"),
        ("domain,name,kind,country,language\na.example,A,wire,XK,Albanian\n", "language 'Albanian'"),
        ("domain,name,kind,country,language\na.example,A,wire,XK\n", "line 2: 4 fields, expected 5"),
        (HEADER + "a.example,A,wire,XK,sq\na.example,B,wire,XK,sq\n", "line 3: a.example is listed twice"),
    ],
)  # fmt: skip
def test_a_broken_register_says_where_and_why(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RegisterError, match=r"bad\.csv") as caught:
        read_register(path)
    assert message in str(caught.value)


def test_a_broken_register_is_reported_by_validation_not_raised(tmp_path: Path, monkeypatch: Any) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("domain,name\n", encoding="utf-8")
    monkeypatch.setenv(PUBLISHERS_ENV, str(bad))
    problems = source_problems(_props("reported", "https://example.org/a"))
    assert problems[0][0] == "sources" and "cannot be read" in problems[0][1]


def test_a_second_register_adds_to_the_shipped_one(tmp_path: Path, monkeypatch: Any) -> None:
    extra = tmp_path / "mine.csv"
    extra.write_text(
        "domain,name,kind,country,language\nlocal.example,Local,newspaper,XK,sq\n", encoding="utf-8"
    )
    monkeypatch.setenv(PUBLISHERS_ENV, str(extra))
    register = default_register()
    assert register.find_domain("local.example") is not None
    assert register.find_domain("reuters.com") is not None
    monkeypatch.delenv(PUBLISHERS_ENV)
    assert default_register().find_domain("local.example") is None


def test_the_shipped_register_is_sorted_by_domain_with_known_kinds() -> None:
    with REGISTER_PATH.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == COLUMNS
    domains = [row[0] for row in rows[1:]]
    assert domains == sorted(domains), "keep geodata/publishers.csv sorted by domain"
    assert {row[2] for row in rows[1:]} <= set(KINDS)
    assert len(read_register(REGISTER_PATH).publishers) == len(domains)


def test_the_shipped_store_cites_only_registered_publishers(monkeypatch: Any) -> None:
    monkeypatch.delenv(PUBLISHERS_ENV)
    register = read_register(REGISTER_PATH)
    unknown = set()
    for path in sorted(SHIPPED_STORE.rglob("*.geojson")):
        for feature in json.loads(path.read_text(encoding="utf-8"))["features"]:
            for source in feature["properties"]["sources"]:
                if register.lookup(source["url"]) is None:
                    unknown.add(domain_of(source["url"]))
    assert not unknown


# --------------------------------------------------------------------------- in validation


def test_validation_sets_aside_an_unsupported_confirmed_event(tmp_path: Path) -> None:
    # The test register names example.org a wire: one page of it cannot confirm.
    features = [make_feature("single", confidence="confirmed"), make_feature("fine", confidence="reported")]
    store = read_store(write_json(tmp_path / "s" / "e.geojson", collection(*features)).parent)
    assert store.events["id"].tolist() == ["fine"]
    assert store.report.set_aside == 1
    [problem] = store.report.errors
    assert (problem.id, problem.field) == ("single", "properties.confidence")


def test_validation_names_an_unregistered_domain(tmp_path: Path) -> None:
    feature = make_feature("stray")
    feature["properties"]["sources"][0]["url"] = "https://www.unregistered.test/story"
    store = read_store(write_json(tmp_path / "s" / "e.geojson", collection(feature)).parent)
    [problem] = store.report.errors
    assert problem.field == "properties.sources.0.url"
    assert "www.unregistered.test is not in" in problem.reason


def test_an_archived_copy_and_a_note_are_accepted_and_checked(tmp_path: Path) -> None:
    good = make_feature("good")
    good["properties"]["sources"][0].update(
        archived_url="https://web.archive.org/web/2023/https://example.org/report", note="a republication"
    )
    bad_url, bad_note = make_feature("bad-url"), make_feature("bad-note")
    bad_url["properties"]["sources"][0]["archived_url"] = "archive of the page"
    bad_note["properties"]["sources"][0]["note"] = ""
    store = read_store(write_json(tmp_path / "s" / "e.geojson", collection(good, bad_url, bad_note)).parent)
    assert store.events["id"].tolist() == ["good"]
    fields = sorted(p.field for p in store.report.errors)
    assert fields == ["properties.sources.0.archived_url", "properties.sources.0.note"]
