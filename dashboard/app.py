"""bordermon dashboard entry point (``streamlit run dashboard/app.py``).

A first page: what the store holds and what validation set aside. The map, filters and
shareable views arrive with the dashboard work.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # hosted apps run from a checkout

from layers.paths import default_store  # noqa: E402
from layers.store import read_store  # noqa: E402

st.set_page_config(page_title="bordermon — Kosovo–Serbia boundary monitor", layout="wide")
st.title("bordermon")
st.caption(
    "Sourced incidents, reported deployments and KFOR presence along the Kosovo–Serbia boundary "
    "(in Serbian usage, the administrative boundary line)."
)

store = read_store(default_store())
columns = st.columns(4)
figures = [*store.report.counts.items(), ("set aside", store.report.set_aside)]
for column, (label, count) in zip(columns, figures, strict=False):
    column.metric(label, count)
if not store.report.ok:
    st.warning(f"{len(store.report.errors)} problem(s) in the store; these records are set aside.")
    st.code(store.report.format(root=str(store.root)))
st.dataframe(
    store.events[["id", "layer", "category", "title", "start", "location", "confidence", "n_sources"]],
    hide_index=True,
)
