"""bordermon dashboard: ``streamlit run dashboard/app.py`` from the repository root.

The pages only wire widgets to :mod:`layers`; the store to show is the setting
``BORDERMON_STORE`` (default: the shipped store in ``geodata/events``). The Editor page
exists only where editing is enabled (``BORDERMON_EDITING=1``): a public app does not
show it at all.
"""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # a hosted app runs this file from a checkout, not an install
    sys.path.insert(0, str(ROOT))

from dashboard.lang import tr  # noqa: E402
from dashboard.layout import apply_layout  # noqa: E402
from dashboard.views import analysis, editor, methodology, overview  # noqa: E402
from layers.editing import editing_enabled  # noqa: E402

_ = tr().gettext
st.set_page_config(
    page_title=_("bordermon — Kosovo–Serbia boundary monitor"),
    page_icon="🗺️",  # an emoji is drawn locally; a material icon is fetched from a font CDN
    layout="wide",
)
apply_layout()
pages = [
    st.Page(overview.render, title=_("Map and events"), icon=":material/map:", url_path="map", default=True),
    st.Page(analysis.render, title=_("Analysis"), icon=":material/insights:", url_path="analysis"),
]
if editing_enabled():
    pages.append(st.Page(editor.render, title=_("Editor"), icon=":material/edit:", url_path="editor"))
pages.append(
    st.Page(methodology.render, title=_("Methodology"), icon=":material/menu_book:", url_path="methodology")
)
# Streamlit's own page links clear the address's parameters; the view (kept in the session)
# then wrote them back as a second history entry, and "back" seemed to do nothing. These
# links carry the view: a page change is one history entry, with the view in it.
links = st.sidebar.container()
try:
    st.navigation(pages, position="hidden").run()
finally:
    view = {key: st.query_params.get_all(key) for key in st.query_params}
    for page in pages:
        links.page_link(page, query_params=view)
    links.divider()
