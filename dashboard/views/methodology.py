"""Methodology: sources, licences, definitions, how to cite, and the validation report."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard.data import load_store
from dashboard.sidebar import render_sidebar, show_notices
from dashboard.text import md
from layers.paths import ROOT

DOCS = ROOT / "docs"


def store_name(root: Path) -> str:
    """The store as a reader may see it: relative to the project, else its name alone."""
    try:
        return root.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return root.name


def render() -> None:
    store = load_store()
    render_sidebar(store.events)
    show_notices()
    st.markdown((DOCS / "methodology.md").read_text(encoding="utf-8"))
    analysis = DOCS / "methodology-analysis.md"
    if analysis.exists():
        st.markdown(analysis.read_text(encoding="utf-8"))

    st.header("Validation report of this store")
    report = store.report
    cols = st.columns(4)
    for col, (layer, count) in zip(cols, report.counts.items(), strict=False):
        col.metric(layer, count)
    cols[3].metric("set aside", report.set_aside)
    if report.problems:
        st.dataframe(
            [
                {
                    "severity": p.severity,
                    "file": p.file,
                    "feature": p.index,
                    "id": p.id,
                    "field": p.field,
                    "reason": p.reason,
                }
                for p in report.problems
            ],
            hide_index=True,
        )
    else:
        st.success(f"All {sum(report.counts.values())} records of {report.files} file(s) passed validation.")
    st.caption(f"Store: {md(store_name(store.root))}")
