"""Store and URL text reaches every page as text: no image, link, colour or LaTeX of its own.

The browser half of this check (what Chromium actually draws) is in
``tests/test_dashboard_browser.py``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from layers.paths import ROOT
from tests.factories import collection, make_feature, write_json

APP = str(ROOT / "dashboard" / "app.py")
EVIL = "evil.invalid"
HOSTILE_TITLES = (
    f"![x](http://{EVIL}/x.png)",
    f"[Session expired — log in again](http://{EVIL}/login)",
    ":red[x] :material/warning: :smile: 02:30",
    "$\\LaTeX$ and $$x^2$$",
    f"<img src=x onerror=alert(1)> www.{EVIL} http://{EVIL}/bare mail@{EVIL}",
)
#: Fragments that would be Markdown (or HTML) if they reached a page unescaped.
MARKUP = re.compile(r"(?<!\\)(!\[|\$|<img)|:(?=\w)|(?<!\u2060)(https?\\?:|www\\?\.)(?=\S*evil)|@(?=\w)")
# (":" before a word, a bare "http://…" or "www.…" and "name@host" are expanded into an
# icon, emoji or link after the Markdown is parsed, escaped or not.)


def hostile_store(tmp_path: Path) -> Path:
    """Five events of one operation whose titles, summaries and sources are hostile."""
    features = []
    for i, title in enumerate(HOSTILE_TITLES):
        feature = make_feature(f"hostile-{i}", title=title, summary=f"Summary: {title}", group="op")
        feature["properties"]["sources"][0]["title"] = title
        feature["properties"]["actors"] = [title]
        features.append(feature)
    return write_json(tmp_path / "store" / "hostile.geojson", collection(*features)).parent


def texts(at: AppTest) -> list[str]:
    """The Markdown of every element that renders Markdown, and every widget label."""
    kinds = ("title", "header", "subheader", "markdown", "caption", "warning", "info", "error", "success")
    shown = [element.value for kind in kinds for element in getattr(at, kind)]
    return shown + [b.label for b in at.button] + [c.label for c in at.checkbox]


def unescape(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")


@pytest.mark.parametrize("selected", range(len(HOSTILE_TITLES)))
def test_hostile_titles_are_shown_as_text(
    selected: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BORDERMON_STORE", str(hostile_store(tmp_path)))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["event"] = f"hostile-{selected}"
    at.run()
    assert not at.exception, at.exception
    shown = texts(at)
    assert [unescape(h.value) for h in at.subheader if "x" in h.value][:1] == [HOSTILE_TITLES[selected]]
    linked = [unescape(b.label).split(" · ", 1)[1] for b in at.button if " · " in b.label]
    assert sorted(linked) == sorted(t for i, t in enumerate(HOSTILE_TITLES) if i != selected)
    assert any(HOSTILE_TITLES[selected] in unescape(text) for text in shown if text.startswith("Summary"))
    offending = [text for text in shown if MARKUP.search(text)]
    assert offending == []


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("q", f"![x](http://{EVIL}/x.png)"),
        ("event", f"[Session expired — log in again](http://{EVIL})"),
        ("cat", ":red[x]"),
        ("conf", "$\\LaTeX$"),
        ("as_of", f"<img src=http://{EVIL}/x.png>"),
        (f"![x](http://{EVIL}/k.png)", "1"),
    ],
)
def test_hostile_url_parameters_are_named_as_text(key: str, value: str, tmp_path: Path) -> None:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    offending = [text for text in texts(at) if MARKUP.search(text)]
    assert offending == []
    if key != "q":  # a search is a search, not a notice
        assert any(value in unescape(w.value) or key in unescape(w.value) for w in at.warning)
