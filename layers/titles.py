"""An event's title in the reader's language, and the title as it was recorded.

Event content stays in the language it was recorded in. Where the store has a
translation of an event's title (``title_i18n``, keyed by :data:`layers.vocabulary.TITLE_LANGUAGES`),
a reader of that language is shown the translation, and every place that shows it keeps
the recorded title one click away. The Cyrillic interface reads the Serbian translation,
written in Latin script, transliterated (:func:`layers.i18n.to_cyrillic`), as it reads
its catalog. Where there is no translation in the reader's language the recorded title
is shown, and nothing else.
"""

from __future__ import annotations

import pandas as pd

from layers.i18n import DEFAULT_LANGUAGE, resolve_language, to_cyrillic

__all__ = ["shown_titles", "title_key"]


def title_key(lang: str) -> str:
    """The ``title_i18n`` key a reader of ``lang`` reads: ``sr_Cyrl`` reads ``sr_Latn``.

    Raises
    ------
    ValueError
        When ``lang`` is not one of :data:`layers.i18n.LANGUAGES`.
    """
    code = resolve_language(lang)
    if code is None:
        raise ValueError(f"unknown language {lang!r}")
    return "sr_Latn" if code == "sr_Cyrl" else code


def shown_titles(events: pd.DataFrame, lang: str = DEFAULT_LANGUAGE) -> tuple[pd.Series, pd.Series]:
    """The title each event shows in ``lang``, and its recorded title where that differs.

    Parameters
    ----------
    events : DataFrame
        Events with a ``title`` column and, optionally, ``title_i18n`` (read by
        :func:`layers.store.read_store`); without it every event shows its title.
    lang : str
        The interface language (:data:`layers.i18n.LANGUAGES`).

    Returns
    -------
    (Series, Series)
        Both indexed like ``events``, of dtype ``string``: the title to show (the
        translation into ``lang`` where there is one, else the recorded title), and the
        recorded title where a translation is shown instead (missing elsewhere).
    """
    titles = events["title"].astype("string")
    recorded = pd.Series(pd.NA, index=events.index, dtype="string")
    key = title_key(lang)
    if "title_i18n" not in events.columns or events.empty:
        return titles, recorded
    found = [item.get(key) if type(item) is dict else None for item in events["title_i18n"]]
    if not any(found):
        return titles, recorded
    if resolve_language(lang) == "sr_Cyrl":  # the Serbian translation, in Cyrillic script
        found = [to_cyrillic(text) if text else text for text in found]
    translated = pd.Series(found, index=events.index, dtype="string")
    differs = (translated.notna() & (translated != titles)).fillna(False).astype(bool)
    return titles.mask(differs, translated), titles.where(differs, recorded)
