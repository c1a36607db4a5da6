"""The page layout where Streamlit's options stop: compact key figures, a phone's first screen.

The rules are in ``dashboard/layout.css``; every page gets them from ``app.py``. A style
element alone takes no room on the page, and the browser applies it a moment after the
page's first elements: what must hold from the first paint (a map's room,
:data:`MAP_HEIGHTS`) is set on the elements themselves.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import streamlit as st

__all__ = ["FIGURES_KEY", "FIGURE_PX", "LAYOUT_CSS", "MAP_HEIGHTS", "apply_layout"]

LAYOUT_CSS = Path(__file__).with_name("layout.css")
#: The key of the container of the key figures (its CSS class is ``st-key-<key>``).
FIGURES_KEY = "key_figures"
#: The width of one key figure: three to a row on a phone (390 px), five on a laptop.
FIGURE_PX = 112
#: The height of each map of the dashboard, by its key (:func:`dashboard.mapview.render_map`).
#: A map's frame is hidden until its script has loaded; a container of this height keeps
#: its room from the page's first paint, so what is below it (the timeline, the weekly
#: charts' panel) does not jump down under the reader's pointer when the map appears.
MAP_HEIGHTS: dict[str, int] = {"map": 560, "band_map": 460}


@cache
def _stylesheet() -> str:
    return "<style>\n" + LAYOUT_CSS.read_text(encoding="utf-8") + "</style>"


def apply_layout() -> None:
    """Add the layout rules to the page."""
    st.html(_stylesheet())
