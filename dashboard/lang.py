"""The dashboard's interface language: one translator per page run.

Every page writes its words as ``_ = tr().gettext`` then ``_("Layers")``, so the
extraction (``python -m layers.catalogs``) finds them and each reader sees their
language. The language is the sidebar's selector, else the URL's ``lang=`` when it names one of
:data:`layers.i18n.LANGUAGES`, else the browser's preferred language when Streamlit
reports it, else English.
"""

from __future__ import annotations

import streamlit as st

from layers.i18n import DEFAULT_LANGUAGE, LANGUAGES, Translator, resolve_language, translator


def browser_language() -> str:
    """The browser's preferred language when bordermon speaks it, else English."""
    try:
        browser = st.context.locale
    except Exception:  # outside a browser session (AppTest, bare mode): no preference
        browser = None
    return resolve_language(browser) or DEFAULT_LANGUAGE


def page_language() -> str:
    """The language this page run is drawn in (a code of :data:`layers.i18n.LANGUAGES`).

    The sidebar's selector once it is drawn (its value is set before the rerun it
    causes, so the whole page follows at once), else the URL's ``lang=``, else the
    browser's language.
    """
    chosen = st.session_state.get("lang")
    if chosen in LANGUAGES:
        return str(chosen)
    asked = resolve_language(st.query_params.get("lang"))
    if asked is not None:
        return asked
    return browser_language()


def tr() -> Translator:
    """The translator of :func:`page_language`."""
    return translator(page_language())
