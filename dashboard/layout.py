"""The page layout where Streamlit's options stop: compact key figures, a phone's first screen.

The rules are in ``dashboard/layout.css``; every page gets them from ``app.py``. A style
element alone takes no room on the page.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import streamlit as st

__all__ = ["FIGURES_KEY", "LAYOUT_CSS", "apply_layout"]

LAYOUT_CSS = Path(__file__).with_name("layout.css")
#: The key of the container of the key figures (its CSS class is ``st-key-<key>``).
FIGURES_KEY = "key_figures"


@cache
def _stylesheet() -> str:
    return "<style>\n" + LAYOUT_CSS.read_text(encoding="utf-8") + "</style>"


def apply_layout() -> None:
    """Add the layout rules to the page."""
    st.html(_stylesheet())
