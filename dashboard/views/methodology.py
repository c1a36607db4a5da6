"""Methodology: sources, licences, definitions, how to cite, and the validation report."""

from __future__ import annotations

import re
from pathlib import Path

import streamlit as st

from dashboard.data import load_store
from dashboard.lang import tr
from dashboard.sidebar import render_sidebar, show_notices
from dashboard.text import md
from layers.i18n import N_
from layers.paths import ROOT
from layers.reasons import translate_reason
from layers.validate import SEVERITY_LABELS
from layers.vocabulary import LAYER_TITLES

DOCS = ROOT / "docs"
PAGES = ("methodology.md", "methodology-analysis.md")
REPORT = N_("Validation report of this store")
#: The report's link target, the same in every language so that a cited link keeps working.
REPORT_ANCHOR = "validation-report-of-this-store"
#: Headers of the validation report's table.
_PROBLEM_HEADERS = {
    "severity": N_("severity"),
    "file": N_("file"),
    "feature": N_("feature"),
    "id": N_("id"),
    "field": N_("field"),
    "reason": N_("reason"),
}


def store_name(root: Path) -> str:
    """The store as a reader may see it: relative to the project, else its name alone."""
    try:
        return root.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return root.name


def anchor(title: str) -> str:
    """``The 1999 safety zones`` → ``the-1999-safety-zones``: a section's link target."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


def sections(text: str) -> list[tuple[int, str, str]]:
    """Split Markdown at its headings: (level, title, body); headings in code fences stay text."""
    found: list[tuple[int, str, list[str]]] = [(0, "", [])]
    fenced = False
    for line in text.splitlines():
        fenced ^= line.startswith("```")
        heading = None if fenced else re.fullmatch(r"(#{1,3}) (.+)", line)
        if heading:
            found.append((len(heading[1]), heading[2].strip(), []))
        else:
            found[-1][2].append(line)
    return [(level, title, "\n".join(body).strip()) for level, title, body in found if title or body]


def _contents(docs: list[list[tuple[int, str, str]]]) -> None:
    lines = []
    for parts in docs:
        for level, title, _ in parts:
            if level in (1, 2):
                lines.append(f"{'  ' * (level - 1)}- [{md(title)}](#{anchor(title)})")
    _ = tr().gettext
    lines.append(f"- [{_(REPORT)}](#{REPORT_ANCHOR})")
    # A plain list, not an expander: following a page link to a page with an expander made
    # Streamlit push one more history entry, so "back" seemed to do nothing.
    st.markdown("**" + _("Contents") + "**\n\n" + "\n".join(lines))


def render() -> None:
    store = load_store()
    render_sidebar(store.events)
    show_notices()
    t = tr()
    _ = t.gettext
    if t.language != "en":
        # The method is long, exact prose: it is shown as written, not machine-translated.
        st.info(
            _(
                "The method is written in English and shown as written; a reviewed translation is "
                "still to come. Every other part of the interface is in your language."
            ),
            icon=":material/translate:",
        )
    docs = [sections((DOCS / name).read_text(encoding="utf-8")) for name in PAGES if (DOCS / name).exists()]
    _contents(docs)
    for parts in docs:
        for level, title, body in parts:
            if level == 1:
                st.header(md(title), anchor=anchor(title))
            elif level == 2:
                st.subheader(md(title), anchor=anchor(title))
            elif level == 3:
                st.markdown(f"**{md(title)}**")
            if body:
                st.markdown(body)

    st.header(_(REPORT), anchor=REPORT_ANCHOR)
    report = store.report
    cols = st.columns(4)
    for col, (layer, count) in zip(cols, report.counts.items(), strict=False):
        col.metric(_(LAYER_TITLES[layer]) if layer in LAYER_TITLES else layer, t.format_decimal(count))
    cols[3].metric(_("set aside"), t.format_decimal(report.set_aside))
    if report.problems:
        st.dataframe(
            [
                {
                    "severity": _(SEVERITY_LABELS[p.severity]),
                    "file": p.file,
                    "feature": p.index,
                    "id": p.id,
                    "field": p.field,
                    "reason": translate_reason(p.reason, t.language),
                }
                for p in report.problems
            ],
            hide_index=True,
            column_config={
                key: st.column_config.Column(_(header)) for key, header in _PROBLEM_HEADERS.items()
            },
        )
    else:
        records = sum(report.counts.values())
        st.success(
            t.ngettext(
                "All {records} records of {files} file passed validation.",
                "All {records} records of {files} files passed validation.",
                report.files,
            ).format(records=t.format_decimal(records), files=t.format_decimal(report.files))
        )
    st.caption(_("Store: {name}").format(name=md(store_name(store.root))))
