"""The dashboard in French, Albanian and Serbian in real Chromium: the map page, the browser's
language as the default, and ``lang=`` kept across navigation.

Screenshots go to ``test-output/dashboard-map-<language>.png``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from layers.i18n import translator
from layers.vocabulary import LAYER_TITLES
from tests.browser import NetworkLog, block_network, screenshot_path
from tests.test_dashboard_browser import _map_frame, _wait_idle

pytestmark = pytest.mark.browser


@pytest.fixture
def browser_in(chromium: Any, server: str) -> Iterator[Any]:
    """A page in a browser whose preferred language is the one given (``browser_in("fr-FR")``)."""
    contexts = []

    def open_page(locale: str = "en-GB") -> tuple[Any, NetworkLog]:
        context = chromium.new_context(viewport={"width": 1400, "height": 1000}, locale=locale)
        contexts.append(context)
        page = context.new_page()
        return page, block_network(page, allow=[server])

    yield open_page
    for context in contexts:
        context.close()


@pytest.mark.parametrize("lang", ["fr", "sq", "sr_Latn", "sr_Cyrl"])
def test_the_map_page_in_each_language(browser_in: Any, server: str, lang: str) -> None:
    page, log = browser_in()
    t = translator(lang)
    page.goto(f"{server}/?lang={lang}")
    page.get_by_role("heading", name=t.gettext("Kosovo–Serbia boundary monitor")).wait_for(timeout=60_000)
    frame = _map_frame(page)
    _wait_idle(page)
    # The map's layer control and the sidebar speak the language; English is gone from both.
    control = frame.locator(".leaflet-control-layers").text_content()  # folded: text, not shown
    assert t.gettext(LAYER_TITLES["deployment"]) in control and "Reported deployments" not in control
    sidebar = page.locator("section[data-testid='stSidebar']").inner_text()
    assert t.gettext("Time window") in sidebar and "Time window" not in sidebar
    assert page.title() == t.gettext("bordermon — Kosovo–Serbia boundary monitor")
    # The timeline's days as the page writes them ("1 jan 2024"), not Vega's English.
    labels = page.locator("[data-testid='stVegaLiteChart'] svg text").all_text_contents()
    firsts = {t.format_day(date(year, month, 1)) for year in range(2020, 2028) for month in range(1, 13)}
    assert len([label for label in labels if label in firsts]) >= 3, labels
    assert not [label for label in labels if re.fullmatch(r"[A-Z][a-z]{2} \d{2}, \d{4}", label)], labels
    page.screenshot(path=screenshot_path(f"dashboard-map-{lang}"))
    assert log.page_errors == []


def test_the_browsers_language_is_the_default_and_a_choice_survives_navigation(
    browser_in: Any,
    server: str,
) -> None:
    fr = translator("fr")
    page, log = browser_in("fr-FR")
    page.goto(server)
    page.get_by_role("heading", name=fr.gettext("Kosovo–Serbia boundary monitor")).wait_for(timeout=60_000)
    _wait_idle(page)
    assert "lang=" not in page.url  # the browser decided: a shared link opens in its reader's language
    # Choose Albanian in the sidebar: the page follows and the address keeps it.
    sq = translator("sq")
    page.get_by_label(fr.gettext("Language"), exact=True).click()
    page.get_by_role("option", name="Shqip").click()
    page.get_by_role("heading", name=sq.gettext("Kosovo–Serbia boundary monitor")).wait_for(timeout=60_000)
    _wait_idle(page)
    assert "lang=sq" in page.url
    # To the Analysis page by its (Albanian) link: the language travels with the view.
    page.locator("section[data-testid='stSidebar']").get_by_role("link", name=sq.gettext("Analysis")).click()
    page.get_by_role("heading", name=sq.gettext("Escalation indicator")).first.wait_for(timeout=60_000)
    _wait_idle(page)
    assert "/analysis" in page.url and "lang=sq" in page.url, page.url
    page.reload()
    page.get_by_role("heading", name=sq.gettext("Escalation indicator")).first.wait_for(timeout=60_000)
    assert "lang=sq" in page.url
    assert log.page_errors == []


def test_the_analysis_charts_on_a_phone_keep_their_legends_and_days_in_albanian(
    chromium: Any, server: str
) -> None:
    """390 px: each legend is one column inside its chart (four ran off it), the plot keeps its height."""
    t = translator("sq")
    context = chromium.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        page = context.new_page()
        log = block_network(page, allow=[server])
        page.goto(f"{server}/analysis?lang=sq")
        charts = page.locator("[data-testid='stVegaLiteChart']")
        charts.first.locator("svg .role-legend text").first.wait_for(timeout=60_000)
        _wait_idle(page)
        measured = page.evaluate(
            """() => [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')].map((chart) => {
                const right = chart.getBoundingClientRect().right;
                const labels = [...chart.querySelectorAll('svg .role-legend text')];
                const plot = chart.querySelector('svg .role-axis-grid, svg .mark-rule.role-axis-grid');
                return {
                    right,
                    beyond: labels.filter((l) => l.getBoundingClientRect().right > right + 1)
                        .map((l) => l.textContent),
                    labels: labels.length,
                    texts: [...chart.querySelectorAll('svg text')].map((l) => l.textContent),
                    plot: plot ? plot.getBoundingClientRect().height : 0,
                };
            })"""
        )
        with_legends = [chart for chart in measured if chart["labels"]]
        assert len(with_legends) >= 2, measured
        for chart in with_legends:
            assert chart["beyond"] == [], chart
        escalation = measured[0]
        assert t.gettext("crossings closed") in escalation["texts"]  # the legend's longest label, whole
        assert escalation["plot"] >= 150, escalation  # the legend's rows did not squeeze the plot
        page.screenshot(path=screenshot_path("dashboard-analysis-phone-sq"), full_page=True)
        assert log.page_errors == []
    finally:
        context.close()
