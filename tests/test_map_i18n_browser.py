"""The exported map in French, Serbian and Albanian, in headless Chromium with the network cut off.

Screenshots go to ``test-output/map-export-<language>.png``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from layers.cli import main
from layers.i18n import translator
from tests.browser import NetworkLog, require_assets, screenshot_path

#: A mapped incident inside Kosovo with many sources (the shipped store).
SIEGE = "2023-09-24-banjska-monastery-siege"

pytestmark = pytest.mark.browser

READY = "window.bordermon && window.bordermon.ready === true"


@pytest.fixture(scope="module", autouse=True)
def assets() -> None:
    require_assets()


@pytest.mark.parametrize(
    ("lang", "legend", "heading", "window", "title"),
    [
        ("fr", "Légende", "Précision et fiabilité", "toutes les dates", "bordermon — limite Kosovo–Serbie"),
        (
            "sq",
            "Legjenda",
            "Saktësia dhe besueshmëria",
            "të gjitha datat",
            "bordermon — vija ndarëse Kosovë–Serbi",
        ),
        (
            "sr_Latn",
            "Legenda",
            "Preciznost i pouzdanost",
            "svi datumi",
            "bordermon — linija između Kosova i Srbije",
        ),
        (
            "sr_Cyrl",
            "Легенда",
            "Прецизност и поузданост",
            "сви датуми",
            "bordermon — линија између Косова и Србије",
        ),
    ],
)
def test_exported_map_speaks_the_language_asked_for(
    offline_page: tuple[Any, NetworkLog],
    tmp_path: Path,
    lang: str,
    legend: str,
    heading: str,
    window: str,
    title: str,
) -> None:
    out = tmp_path / f"map-{lang}.html"
    assert main(["export", "--lang", lang, "--out", str(out)]) == 0
    page, log = offline_page
    page.goto(out.as_uri())
    page.wait_for_function(READY, timeout=20_000)
    assert page.title() == title
    assert page.inner_text(".bm-legend-box summary").casefold() == legend.casefold()
    legend_text = page.inner_text(".bm-legend-box").casefold()  # headings are shown in capitals
    assert heading.casefold() in legend_text and "precision and confidence" not in legend_text
    title_box = page.inner_text(".bm-title")
    assert window in title_box and "Data up to" not in title_box
    # Places keep both local names whatever the language.
    assert "Jarinje / Jarinjë" in page.locator(".bm-label").all_inner_texts()
    # The map script's own words in a popup come from the language's catalog too: the
    # popup the script builds for the siege (a click opens this same element).
    popup = page.evaluate(
        """(id) => {
            const d = bordermon.layers.incident.data;
            const root = bordermon.eventPopup(d, d.id.indexOf(id));
            return {
                terms: Array.from(root.querySelectorAll("dt"), (dt) => dt.textContent),
                heading: root.querySelector(".bm-popup-sources-title").textContent,
                text: root.textContent,
            };
        }""",
        SIEGE,
    )
    facts = [term.casefold() for term in popup["terms"]]
    t = translator(lang)
    assert t.gettext("Place").casefold() in facts and t.gettext("Confidence").casefold() in facts
    assert not {"place", "confidence", "from the boundary", "casualties"} & set(facts), facts
    heading = popup["heading"]
    pattern = re.escape(t.gettext("Sources ({count})")).replace(re.escape("{count}"), r"\d+")
    assert re.fullmatch(pattern, heading), heading
    if lang == "fr":
        assert "Lieu" in popup["text"] and "identifiant : " in popup["text"]
    page.screenshot(path=screenshot_path(f"map-export-{lang}"))
    assert log.page_errors == []
