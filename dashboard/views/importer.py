"""The editor's import tab: upload, a dry-run report, then import on request."""

from __future__ import annotations

import hashlib

import streamlit as st

from dashboard.lang import tr
from dashboard.text import md
from layers.i18n import N_
from layers.ingest import (
    DEFAULT_MAX_DISTANCE_KM,
    IMPORT_KINDS,
    ImportFileError,
    ImportPlan,
    apply_import,
    detect_kind,
    plan_import,
)
from layers.paths import default_store
from layers.store import StoreError
from layers.tables import events_table, table_headers

#: The dry run's counts (:meth:`layers.ingest.ImportPlan.counts`) as figures' labels.
_COUNT_LABELS = {
    "rows read": N_("rows read"),
    "new events": N_("new events"),
    "outside the region": N_("outside the region"),
    "duplicates": N_("duplicates"),
    "rejected rows": N_("rejected rows"),
}


def _plan(kind: str, data: bytes, name: str, max_km: float) -> ImportPlan | None:
    key = (kind, hashlib.sha256(data).hexdigest(), max_km, str(default_store()))
    cached = st.session_state.get("import_plan")
    if cached and cached[0] == key:
        plan: ImportPlan = cached[1]
        return plan
    bar = st.progress(0.0, text=tr().gettext("Reading…"))
    try:
        plan = plan_import(
            kind,  # type: ignore[arg-type]
            data,
            default_store(),
            name=name,
            max_distance_km=max_km,
            progress=lambda stage, fraction: bar.progress(
                min(max(fraction, 0.0), 1.0), text=tr().gettext(stage)
            ),
        )
    except ImportFileError as error:
        bar.empty()
        st.error(md(error.describe(tr().language)))
        return None
    except StoreError as error:
        bar.empty()
        st.error(md(str(error).splitlines()[0]))
        return None
    bar.empty()
    st.session_state["import_plan"] = (key, plan)
    return plan


def render() -> None:
    t = tr()
    _ = t.gettext
    st.markdown(
        _(
            "Import an **ACLED** or **UCDP GED** CSV export, or merge a **GeoJSON** file. You see a dry-run "
            "report first; nothing is written until you press Import. Column mappings: `docs/imports.md`."
        )
    )
    upload = st.file_uploader(_("File"), type=["csv", "geojson", "json"], key="import_file")
    if upload is None:
        return
    data = upload.getvalue()
    guessed = detect_kind(upload.name, data)
    kinds = list(IMPORT_KINDS)
    cols = st.columns(2)
    kind = cols[0].selectbox(_("Format"), kinds, index=kinds.index(guessed) if guessed in kinds else 0)
    max_km = cols[1].number_input(
        _("Keep events in Serbia up to (km from the boundary)"), 0.0, 200.0, DEFAULT_MAX_DISTANCE_KM, step=5.0
    )
    plan = _plan(kind, data, upload.name, float(max_km))
    if plan is None:
        return
    counts = plan.counts()
    for col, (name, value) in zip(st.columns(len(counts)), counts.items(), strict=True):
        col.metric(_(_COUNT_LABELS[name]) if name in _COUNT_LABELS else name, t.format_decimal(value))
    with st.expander(_("Dry-run report"), expanded=bool(plan.duplicates or plan.rejected)):
        st.code(plan.format(limit=200, lang=t.language), language=None)
    if plan.new:
        st.markdown("**" + _("New events") + "**")
        table = events_table(plan.events(), lang=t.language, labels=True).drop(columns=["summary"])
        st.dataframe(
            table,
            hide_index=True,
            column_config={
                c: st.column_config.Column(h) for c, h in table_headers(table.columns, t.language).items()
            },
        )
    if not plan.new:
        st.info(_("Nothing new to import."))
        return
    new = len(plan.new)
    label = t.ngettext("Import {count} event", "Import {count} events", new).format(
        count=t.format_decimal(new)
    )
    if st.button(label, type="primary", key="import_apply"):
        try:
            result = apply_import(plan, default_store())
        except (ImportFileError, StoreError) as error:
            st.error(md(str(error).splitlines()[0]))
            return
        st.session_state.pop("import_plan", None)
        where = md(result.path.name) if result.path else _("no file")
        imported = t.ngettext(
            "Imported {count} event into {file}.", "Imported {count} events into {file}.", result.written
        ).format(count=t.format_decimal(result.written), file=where)
        held = t.ngettext(
            "{count} held back as a possible duplicate.",
            "{count} held back as possible duplicates.",
            len(result.skipped),
        ).format(count=t.format_decimal(len(result.skipped)))
        st.success(f"{imported} {held}")
