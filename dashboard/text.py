"""Store and URL text on a Streamlit page: always shown as text, never as Markdown.

Streamlit renders Markdown (with images, links, colours, LaTeX and emoji codes) in
headers, captions, notices and widget labels. A title or URL parameter written by
someone else must not draw an image from their server or a link of theirs, so every
such text passes through :func:`md` on its way to a page.
"""

from __future__ import annotations

import re

__all__ = ["JOINER", "md", "md_url"]

# The characters that start Markdown syntax (GFM's tables and strikethrough included),
# entities ("&"), setext headings ("="), and the ones Streamlit gives meaning to: ":" for
# colours, "$" for LaTeX.
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:&=])")
# Streamlit expands some text after the Markdown is parsed, so escapes cannot stop it:
# ":smile:" and ":material/warning:" become an emoji or icon, and a bare "http://…",
# "www.…" or "name@host" becomes a link. An invisible word joiner (U+2060) after the
# colon, before the "http" or "www", and after the "@" keeps each one plain text.
JOINER = "\u2060"
_SHORTCODE = re.compile(r"\\:(?=\w)")
_BARE_LINK = re.compile(r"(?i)(?=\b(?:https?:|www\.))|(?<=@)")


def md(text: object, *, inline: bool = False) -> str:
    """Escape text for Streamlit Markdown, so that it shows literally.

    With every punctuation character escaped, no line of the text can start a list,
    heading, quote or fence of its own. ``inline=True`` also turns line breaks into
    spaces, for a header or a label that is one line.
    """
    value = " ".join(str(text).split()) if inline else str(text)
    escaped = _MARKDOWN_SPECIALS.sub(r"\\\1", _BARE_LINK.sub(JOINER, value))
    return _SHORTCODE.sub("\\:" + JOINER, escaped)


def md_url(url: str) -> str:
    """A URL that cannot end a Markdown link early."""
    return (
        url.replace(" ", "%20")
        .replace("(", "%28")
        .replace(")", "%29")
        .replace("<", "%3C")
        .replace(">", "%3E")
    )
