"""The selected event in full: every field, its linked events, every source as a link."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import streamlit as st

from dashboard.text import md, md_url
from layers.tables import casualty_text, measure_facts
from layers.vocabulary import LAYER_TIME_RULES, describe_when


def select(event_id: str | None) -> None:
    st.session_state["selected"] = event_id


def render_detail(events: gpd.GeoDataFrame, event_id: str, measures: pd.DataFrame) -> None:
    """Draw the detail panel of one event of ``events`` (the whole store), with its measures."""
    matches = events[events["id"] == event_id]
    if matches.empty:
        st.info(f"Event {md(event_id)} is not in the store.")
        return
    event = matches.iloc[0]
    st.subheader(md(event["title"], inline=True))
    st.button("Close", key="close_detail", on_click=select, args=(None,), icon=":material/close:")
    lasts = LAYER_TIME_RULES[str(event["layer"])].lasts
    when = describe_when(event["start"], event["end"], event["time_precision"], interval=lasts)
    place = str(event["location"])
    if pd.notna(event["municipality"]):
        place += f", {event['municipality']}"
    precision = str(event["location_precision"])
    if precision == "approximate" and pd.notna(event["uncertainty_km"]):
        precision += f", within about {event['uncertainty_km']:g} km"
    facts = {
        "When": when,
        "Where": f"{place} — side: {event['side'] if pd.notna(event['side']) else 'neither'}",
        "Location precision": precision,
        "Layer / category": f"{event['layer']} / {str(event['category']).replace('_', ' ')}",
        "Actors": "; ".join(event["actors"]) or "not named",
        "Fatalities": casualty_text(event["fatalities_min"], event["fatalities_max"]),
        "Injured": casualty_text(event["injured_min"], event["injured_max"]),
        "Confidence": str(event["confidence"]),
        "Id": str(event["id"]),
    }
    if pd.notna(event["geometry_note"]):
        facts["How it is drawn"] = str(event["geometry_note"])
    area = event.geometry is not None and event.geometry.geom_type != "Point"
    facts.update(measure_facts(measures.loc[matches.index[0]].to_dict(), area=area))
    st.markdown("\n".join(f"- **{name}:** {md(value)}" for name, value in facts.items()))
    st.markdown(md(event["summary"]))

    for dispute in event["disputes"]:
        st.markdown(f"**Sources disagree on {md(dispute['field'])}:**")
        lines = []
        for claim in dispute["claims"]:
            link = f" ([source]({md_url(claim['source_url'])}))" if claim.get("source_url") else ""
            lines.append(f"- {md(claim['by'])}: {md(claim['claim'])}{link}")
        st.markdown("\n".join(lines))

    st.markdown(f"**Sources ({len(event['sources'])})**")
    lines = []
    for source in event["sources"]:
        via = f", carrying {md(source['original_publisher'])}" if source.get("original_publisher") else ""
        lines.append(
            f"- [{md(source['title'])}]({md_url(source['url'])}) — {md(source['publisher'])}{via}, "
            f"{md(source['published'])}, language: {md(source['language'])}"
        )
    st.markdown("\n".join(lines))

    if pd.notna(event["group"]):
        linked = events[(events["group"] == event["group"]) & (events["id"] != event_id)].sort_values("start")
        if not linked.empty:
            st.markdown(f"**Linked events** (group {md(event['group'])})")
            for _, other in linked.iterrows():
                st.button(
                    f"{other['start']:%Y-%m-%d} · {md(other['title'], inline=True)}",
                    key=f"linked_{other['id']}",
                    on_click=select,
                    args=(str(other["id"]),),
                )
