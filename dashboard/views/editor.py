"""Editor: import a file (dry run first) and add or correct an event. Off unless enabled."""

from __future__ import annotations

import streamlit as st

from dashboard.data import load_store
from dashboard.lang import tr
from dashboard.sidebar import render_sidebar, show_notices
from dashboard.views import event_form, importer
from layers.editing import EDITING_ENV, editing_enabled


def render() -> None:
    store = load_store()
    render_sidebar(store.events)
    _ = tr().gettext
    st.title(_("Editor"))
    show_notices(store.report)
    if not editing_enabled():
        st.info(
            _(
                "Editing is off: this app is read-only, as a hosted public app should be. To edit a store "
                "you run yourself, start the dashboard with the environment variable `{setting}=1` "
                "(for example `{setting}=1 python3 dev.py dashboard`). Every change is validated "
                "before it is written, and writes are atomic and locked."
            ).format(setting=EDITING_ENV)
        )
        return
    imports, event = st.tabs([_("Import a file"), _("Add or correct an event")])
    with imports:
        importer.render()
    with event:
        event_form.render(store.events)
