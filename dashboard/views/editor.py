"""Editor: import a file (dry run first) and add or correct an event. Off unless enabled."""

from __future__ import annotations

import streamlit as st

from dashboard.data import load_store
from dashboard.sidebar import render_sidebar, show_notices
from dashboard.views import event_form, importer
from layers.editing import EDITING_ENV, editing_enabled


def render() -> None:
    store = load_store()
    render_sidebar(store.events)
    st.title("Editor")
    show_notices(store.report)
    if not editing_enabled():
        st.info(
            "Editing is off: this app is read-only, as a hosted public app should be. To edit a store "
            f"you run yourself, start the dashboard with the environment variable `{EDITING_ENV}=1` "
            f"(for example `{EDITING_ENV}=1 python3 dev.py dashboard`). Every change is validated "
            "before it is written, and writes are atomic and locked."
        )
        return
    imports, event = st.tabs(["Import a file", "Add or correct an event"])
    with imports:
        importer.render()
    with event:
        event_form.render(store.events)
