"""The editor's import tab: upload, a dry-run report, then import on request."""

from __future__ import annotations

import hashlib

import streamlit as st

from dashboard.text import md
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
from layers.tables import events_table


def _plan(kind: str, data: bytes, name: str, max_km: float) -> ImportPlan | None:
    key = (kind, hashlib.sha256(data).hexdigest(), max_km, str(default_store()))
    cached = st.session_state.get("import_plan")
    if cached and cached[0] == key:
        plan: ImportPlan = cached[1]
        return plan
    bar = st.progress(0.0, text="Reading…")
    try:
        plan = plan_import(
            kind,  # type: ignore[arg-type]
            data,
            default_store(),
            name=name,
            max_distance_km=max_km,
            progress=lambda stage, fraction: bar.progress(min(max(fraction, 0.0), 1.0), text=stage),
        )
    except (ImportFileError, StoreError) as error:
        bar.empty()
        st.error(md(str(error).splitlines()[0]))
        return None
    bar.empty()
    st.session_state["import_plan"] = (key, plan)
    return plan


def render() -> None:
    st.markdown(
        "Import an **ACLED** or **UCDP GED** CSV export, or merge a **GeoJSON** file. You see a dry-run "
        "report first; nothing is written until you press Import. Column mappings: `docs/imports.md`."
    )
    upload = st.file_uploader("File", type=["csv", "geojson", "json"], key="import_file")
    if upload is None:
        return
    data = upload.getvalue()
    guessed = detect_kind(upload.name, data)
    kinds = list(IMPORT_KINDS)
    cols = st.columns(2)
    kind = cols[0].selectbox("Format", kinds, index=kinds.index(guessed) if guessed in kinds else 0)
    max_km = cols[1].number_input(
        "Keep events in Serbia up to (km from the boundary)", 0.0, 200.0, DEFAULT_MAX_DISTANCE_KM, step=5.0
    )
    plan = _plan(kind, data, upload.name, float(max_km))
    if plan is None:
        return
    counts = plan.counts()
    for col, (name, value) in zip(st.columns(len(counts)), counts.items(), strict=True):
        col.metric(name, value)
    with st.expander("Dry-run report", expanded=bool(plan.duplicates or plan.rejected)):
        st.code(plan.format(limit=200), language=None)
    if plan.new:
        st.markdown("**New events**")
        st.dataframe(events_table(plan.events()).drop(columns=["summary"]), hide_index=True)
    if not plan.new:
        st.info("Nothing new to import.")
        return
    if st.button(f"Import {len(plan.new)} event(s)", type="primary", key="import_apply"):
        try:
            result = apply_import(plan, default_store())
        except (ImportFileError, StoreError) as error:
            st.error(md(str(error).splitlines()[0]))
            return
        st.session_state.pop("import_plan", None)
        where = md(result.path.name) if result.path else "no file"
        st.success(
            f"Imported {result.written} event(s) into {where}; "
            f"{len(result.skipped)} held back as possible duplicates."
        )
