#!/usr/bin/env python3
"""Write ``geodata/reference/gazetteer.geojson`` from the hand-curated table below.

Usage::

    python scripts/build_gazetteer.py [--out-dir DIR]

The gazetteer is curated by hand, not derived from a package: each entry carries the
coordinate exactly as its source gives it (lat, lon in WGS84), the source, and a
confidence. Edit the table, run the script, commit both. Output is deterministic:
features sorted by ``id``, compact JSON, one feature a line, final newline.

Confidence: ``high`` for a coordinate read from a cited gazetteer or encyclopedia entry,
``medium`` where sources agree only roughly, ``low`` for positions nobody has verified
(three KFOR camps), which must never be presented as exact.

Vučitrn/Vushtrri is left out: its coordinate would come from GeoNames, and no package
shipping GeoNames data is installed here to read it from.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT_DIR = REPO_ROOT / "geodata" / "reference"
FILE_NAME = "gazetteer.geojson"
GENERATED_BY = "scripts/build_gazetteer.py"

KINDS = frozenset(
    {"crossing", "village", "monastery", "municipality_seat", "town", "city", "kfor_installation"}
)
CONFIDENCES = frozenset({"high", "medium", "low"})
COUNTRIES = frozenset({"XK", "RS"})

GEONAMES = "GeoNames {id}, CC BY 4.0"
UNVERIFIED = (
    "unverified: the cited page confirms only the camp's name and town; the position is an "
    "approximation from the project's research notes"
)


def geonames_url(geonames_id: int) -> str:
    """The GeoNames page of a feature id."""
    return f"https://www.geonames.org/{geonames_id}"


@dataclass(frozen=True)
class Place:
    """One gazetteer entry; ``lat``/``lon`` exactly as the source gives them."""

    id: str
    name_sr: str
    name_sq: str
    name_en: str | None
    kind: str
    country: str
    municipality: str
    lat: float
    lon: float
    source: str
    source_url: str
    confidence: str
    note: str | None = None


PLACES: tuple[Place, ...] = (
    Place(
        id="monastery-banjska",
        name_sr="Manastir Banjska",
        name_sq="Manastiri i Banjskës",
        name_en="Banjska Monastery",
        kind="monastery",
        country="XK",
        municipality="Zvečan / Zveçan",
        lat=42.97139,
        lon=20.78250,
        source="Wikipedia, Banjska Monastery infobox: 42°58′17″N 20°46′57″E (CC BY-SA 4.0)",
        source_url="https://en.wikipedia.org/wiki/Banjska_Monastery",
        confidence="high",
        note="Serbian Orthodox monastery; besieged in the Banjska attack of 24 September 2023.",
    ),
    Place(
        id="village-banjska",
        name_sr="Banjska",
        name_sq="Banjskë",
        name_en=None,
        kind="village",
        country="XK",
        municipality="Zvečan / Zveçan",
        lat=42.9733,
        lon=20.7808,
        source="Wikipedia (fr), Banjska (Zvečan): 42°58′24″N 20°46′51″E (CC BY-SA 4.0)",
        source_url="https://fr.wikipedia.org/wiki/Banjska_(Zvečan)",
        confidence="high",
    ),
    Place(
        id="crossing-jarinje",
        name_sr="Jarinje",
        name_sq="Jarinjë",
        name_en="Jarinje crossing",
        kind="crossing",
        country="XK",
        municipality="Leposavić / Leposaviq",
        lat=43.21861,
        lon=20.69167,
        source="Wikipedia (de), Grenzübergang Jarinje: 43°13′7″N 20°41′30″E (CC BY-SA 4.0)",
        source_url="https://de.wikipedia.org/wiki/Grenzübergang_Jarinje",
        confidence="high",
        note=(
            "Crossing on the road to Raška, north-west of Jarinje village. Serbia calls it "
            "an administrative crossing (administrativni prelaz)."
        ),
    ),
    Place(
        id="crossing-brnjak",
        name_sr="Brnjak",
        name_sq="Bërnjak",
        name_en="Brnjak crossing",
        kind="crossing",
        country="XK",
        municipality="Zubin Potok",
        lat=42.96194,
        lon=20.54833,
        source="Wikipedia (de), Grenzübergang Brnjak: 42°57′43″N 20°32′54″E (CC BY-SA 4.0)",
        source_url="https://de.wikipedia.org/wiki/Grenzübergang_Brnjak",
        confidence="high",
        note=(
            "Crossing on the Gazivode reservoir road to Tutin and Novi Pazar, named after "
            "Brnjak village. Serbia calls it an administrative crossing. The OSM-derived "
            "polygons place this point about 26 m on Serbia's side of the line."
        ),
    ),
    Place(
        id="seat-zvecan",
        name_sr="Zvečan",
        name_sq="Zveçan",
        name_en=None,
        kind="municipality_seat",
        country="XK",
        municipality="Zvečan / Zveçan",
        lat=42.9075,
        lon=20.84028,
        source=GEONAMES.format(id=783770),
        source_url=geonames_url(783770),
        confidence="high",
    ),
    Place(
        id="seat-leposavic",
        name_sr="Leposavić",
        name_sq="Leposaviq",
        name_en=None,
        kind="municipality_seat",
        country="XK",
        municipality="Leposavić / Leposaviq",
        lat=43.10389,
        lon=20.80278,
        source=GEONAMES.format(id=788731),
        source_url=geonames_url(788731),
        confidence="high",
    ),
    Place(
        id="seat-zubin-potok",
        name_sr="Zubin Potok",
        name_sq="Zubin Potok",
        name_en=None,
        kind="municipality_seat",
        country="XK",
        municipality="Zubin Potok",
        lat=42.91444,
        lon=20.68972,
        source=GEONAMES.format(id=783802),
        source_url=geonames_url(783802),
        confidence="high",
    ),
    Place(
        id="seat-north-mitrovica",
        name_sr="Severna Mitrovica",
        name_sq="Mitrovica e Veriut",
        name_en="North Mitrovica",
        kind="municipality_seat",
        country="XK",
        municipality="Severna Mitrovica / Mitrovica e Veriut",
        lat=42.89222,
        lon=20.86861,
        source=(
            "Wikipedia (Scots), North Kosovska Mitrovica: 42°53′32″N 20°52′07″E; the Bulgarian "
            "edition agrees within 300 m (CC BY-SA 4.0)"
        ),
        source_url="https://sco.wikipedia.org/wiki/North_Kosovska_Mitrovica",
        confidence="medium",
    ),
    Place(
        id="seat-raska",
        name_sr="Raška",
        name_sq="Raška",
        name_en=None,
        kind="municipality_seat",
        country="RS",
        municipality="Raška",
        lat=43.28722,
        lon=20.61528,
        source=GEONAMES.format(id=793790),
        source_url=geonames_url(793790),
        confidence="high",
        note="name_sq repeats the official name: no Albanian form is sourced here.",
    ),
    Place(
        id="city-novi-pazar",
        name_sr="Novi Pazar",
        name_sq="Novi Pazar",
        name_en=None,
        kind="city",
        country="RS",
        municipality="Novi Pazar",
        lat=43.13667,
        lon=20.51222,
        source=GEONAMES.format(id=787595),
        source_url=geonames_url(787595),
        confidence="high",
        note="name_sq repeats the official name: no Albanian form is sourced here.",
    ),
    Place(
        id="seat-kursumlija",
        name_sr="Kuršumlija",
        name_sq="Kuršumlija",
        name_en=None,
        kind="municipality_seat",
        country="RS",
        municipality="Kuršumlija",
        lat=43.13826,
        lon=21.27339,
        source=GEONAMES.format(id=788852),
        source_url=geonames_url(788852),
        confidence="high",
        note=("Toplica district. name_sq repeats the official name: no Albanian form is sourced here."),
    ),
    Place(
        id="city-pristina",
        name_sr="Priština",
        name_sq="Prishtinë",
        name_en=None,
        kind="city",
        country="XK",
        municipality="Priština / Prishtinë",
        lat=42.67272,
        lon=21.16688,
        source=GEONAMES.format(id=786714),
        source_url=geonames_url(786714),
        confidence="high",
    ),
    Place(
        id="city-urosevac-ferizaj",
        name_sr="Uroševac",
        name_sq="Ferizaj",
        name_en=None,
        kind="city",
        country="XK",
        municipality="Uroševac / Ferizaj",
        lat=42.37056,
        lon=21.15528,
        source=GEONAMES.format(id=784759),
        source_url=geonames_url(784759),
        confidence="high",
    ),
    Place(
        id="city-pec-peja",
        name_sr="Peć",
        name_sq="Pejë",
        name_en=None,
        kind="city",
        country="XK",
        municipality="Peć / Pejë",
        lat=42.65913,
        lon=20.28828,
        source=GEONAMES.format(id=787157),
        source_url=geonames_url(787157),
        confidence="high",
    ),
    Place(
        id="kfor-camp-bondsteel",
        name_sr="Camp Bondsteel",
        name_sq="Camp Bondsteel",
        name_en="Camp Bondsteel",
        kind="kfor_installation",
        country="XK",
        municipality="Uroševac / Ferizaj",
        lat=42.36567,
        lon=21.2483,
        source=(
            "Wikipedia, Camp Bondsteel infobox: 42°21.94′N 21°14.9′E, from US DoD flight "
            "information publications (CC BY-SA 4.0)"
        ),
        source_url="https://en.wikipedia.org/wiki/Camp_Bondsteel",
        confidence="high",
        note="KFOR Regional Command-East (US-led), near Uroševac/Ferizaj.",
    ),
    Place(
        id="kfor-camp-film-city",
        name_sr="Camp Film City",
        name_sq="Camp Film City",
        name_en="Camp Film City",
        kind="kfor_installation",
        country="XK",
        municipality="Priština / Prishtinë",
        lat=42.6489,
        lon=21.1394,
        source=UNVERIFIED,
        source_url=(
            "https://jfcnaples.nato.int/kfor/media-center/archive/news/2019/"
            "the-christmas-tree-of-kfor-lighted-at-camp-film-city.aspx"
        ),
        confidence="low",
        note=(
            "KFOR headquarters, Pristina, on a ridge above the city. Approximate position "
            "(≈), not verified: do not present as exact."
        ),
    ),
    Place(
        id="kfor-camp-villaggio-italia",
        name_sr="Camp Villaggio Italia",
        name_sq="Camp Villaggio Italia",
        name_en="Camp Villaggio Italia",
        kind="kfor_installation",
        country="XK",
        municipality="Peć / Pejë",
        lat=42.6392,
        lon=20.2653,
        source=UNVERIFIED,
        source_url="https://www.cna.al/english/kosova-bota/kfor-ushtaret-e-lenduar-italiane-kthehen-ne-vendin-e-tyre-i363562",
        confidence="low",
        note=(
            "KFOR Regional Command-West, Belo Polje near Peć/Pejë. Approximate position "
            "(≈), not verified: do not present as exact."
        ),
    ),
    Place(
        id="kfor-camp-novo-selo",
        name_sr="Camp Novo Selo",
        name_sq="Camp Novo Selo",
        name_en="Camp Novo Selo",
        kind="kfor_installation",
        country="XK",
        municipality="Vučitrn / Vushtrri",
        lat=42.7917,
        lon=20.9833,
        source=UNVERIFIED,
        source_url="https://mesazhi.com/kfor-i-vazhdon-stervitjet-per-te-ruajtur-gatishmerine-e-larte-operacionale",
        confidence="low",
        note=(
            "At Novosellë e Maxhunit, Vučitrn/Vushtrri municipality. Approximate position "
            "(≈), not verified: do not present as exact."
        ),
    ),
)

METADATA: dict[str, Any] = {
    "dataset": "gazetteer",
    "description": (
        "Crossings, places and KFOR installations near the Kosovo–Serbia boundary, "
        "curated by hand with a source and a confidence for each point"
    ),
    "source": "cited per feature (GeoNames, Wikipedia)",
    "licence": "CC BY 4.0 (GeoNames); CC BY-SA 4.0 (Wikipedia), as cited per feature",
    "licence_url": "https://creativecommons.org/licenses/by/4.0/",
    "attribution": ("GeoNames (https://www.geonames.org/), CC BY 4.0; Wikipedia contributors, CC BY-SA 4.0"),
    "data_date": "2026-11",
    "data_date_note": (
        "month the table was compiled from the cited sources; per-entry retrieval dates were not recorded"
    ),
    "generated_by": GENERATED_BY,
    "crs": "EPSG:4326 (RFC 7946, lon/lat)",
    "omitted": ("Vučitrn/Vushtrri: no sourced coordinate available offline (no GeoNames package installed)"),
}


def validate(places: tuple[Place, ...]) -> list[str]:
    """Return the problems in the table (empty when it is sound)."""
    problems = []
    seen: set[str] = set()
    for p in places:
        if p.id in seen:
            problems.append(f"{p.id}: duplicate id")
        seen.add(p.id)
        if p.kind not in KINDS:
            problems.append(f"{p.id}: kind {p.kind!r} not in {sorted(KINDS)}")
        if p.confidence not in CONFIDENCES:
            problems.append(f"{p.id}: confidence {p.confidence!r} not in {sorted(CONFIDENCES)}")
        if p.country not in COUNTRIES:
            problems.append(f"{p.id}: country {p.country!r} not in {sorted(COUNTRIES)}")
        if not (p.name_sr and p.name_sq and p.source and p.municipality):
            problems.append(f"{p.id}: a name, the municipality or the source is empty")
        if not p.source_url:
            problems.append(f"{p.id}: no source_url (every place cites the page it comes from)")
        if not (18.0 <= p.lon <= 23.5 and 40.5 <= p.lat <= 46.5):
            problems.append(f"{p.id}: ({p.lat}, {p.lon}) is outside the region")
    return problems


def to_feature(p: Place) -> dict[str, Any]:
    """A GeoJSON Point feature; the coordinate is written exactly as in the table."""
    return {
        "type": "Feature",
        "id": p.id,
        "properties": {
            "id": p.id,
            "name_sr": p.name_sr,
            "name_sq": p.name_sq,
            "name_en": p.name_en,
            "kind": p.kind,
            "country": p.country,
            "municipality": p.municipality,
            "source": p.source,
            "source_url": p.source_url,
            "confidence": p.confidence,
            "note": p.note,
        },
        "geometry": {"type": "Point", "coordinates": [p.lon, p.lat]},
    }


def dumps(places: tuple[Place, ...]) -> str:
    """Serialise the gazetteer: sorted by id, one feature a line, final newline."""

    def dump(obj: Any) -> str:
        return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)

    features = [dump(to_feature(p)) for p in sorted(places, key=lambda p: p.id)]
    return (
        f'{{"type":"FeatureCollection","bordermon":{dump(METADATA)},"features":[\n'
        + ",\n".join(features)
        + "\n]}\n"
    )


def main(argv: list[str] | None = None) -> int:
    """Validate the table and write the file; return the exit status."""
    parser = argparse.ArgumentParser(description="Write the hand-curated gazetteer GeoJSON.")
    parser.add_argument(
        "--out-dir",
        type=Path,
        default=DEFAULT_OUT_DIR,
        help=f"output directory (default: {DEFAULT_OUT_DIR.relative_to(REPO_ROOT)})",
    )
    args = parser.parse_args(argv)
    problems = validate(PLACES)
    if problems:
        for problem in problems:
            print(f"build_gazetteer: error: {problem}", file=sys.stderr)
        return 1
    args.out_dir.mkdir(parents=True, exist_ok=True)
    path = args.out_dir / FILE_NAME
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write(dumps(PLACES))
    print(f"wrote {len(PLACES)} places to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
