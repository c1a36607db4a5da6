"""The selected event in full: every field, its linked events, every source as a link."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import streamlit as st

from dashboard.lang import tr
from dashboard.text import md, md_url
from layers.tables import casualty_text, measure_facts, table_headers
from layers.titles import shown_titles
from layers.vocabulary import (
    CONFIDENCE_LABELS,
    LAYER_LABELS,
    LAYER_TIME_RULES,
    PRECISION_LABELS,
    SIDE_LABELS,
    category_label,
    describe_when,
    language_label,
)


def select(event_id: str | None) -> None:
    st.session_state["selected"] = event_id


def _field_name(field: str, lang: str) -> str:
    """A disputed field as the events table heads it (``fatalities`` → ``killed``), else as named."""
    return table_headers([field], lang)[field]


def render_detail(events: gpd.GeoDataFrame, event_id: str, measures: pd.DataFrame) -> None:
    """Draw the detail panel of one event of ``events`` (the whole store), with its measures."""
    t = tr()
    _ = t.gettext
    lang = t.language
    matches = events[events["id"] == event_id]
    if matches.empty:
        st.info(_("Event {id} is not in the store.").format(id=md(event_id)))
        return
    event = matches.iloc[0]
    shown, recorded = shown_titles(matches.iloc[:1], lang)
    st.subheader(md(shown.iloc[0], inline=True))
    if pd.notna(recorded.iloc[0]):  # shown translated: the title as recorded, one click away
        with st.expander(_("Original title")):
            st.markdown(md(recorded.iloc[0]))
    st.button(_("Close"), key="close_detail", on_click=select, args=(None,), icon=":material/close:")
    layer = str(event["layer"])
    lasts = LAYER_TIME_RULES[layer].lasts
    when = describe_when(event["start"], event["end"], event["time_precision"], interval=lasts, lang=lang)
    place = str(event["location"])
    if pd.notna(event["municipality"]):
        place += f", {event['municipality']}"
    code = str(event["location_precision"])
    precision = _(PRECISION_LABELS.get(code, code))
    if code == "approximate" and pd.notna(event["uncertainty_km"]):
        precision = _("{precision}, within about {km} km").format(
            precision=precision, km=t.format_decimal(float(event["uncertainty_km"]))
        )
    side = _(SIDE_LABELS[event["side"]]) if event["side"] in SIDE_LABELS else _("neither")
    confidence = str(event["confidence"])
    facts = {
        _("When"): when,
        _("Where"): _("{place} — side: {side}").format(place=place, side=side),
        _("Location precision"): precision,
        _("Layer / category"): "{} / {}".format(
            _(LAYER_LABELS.get(layer, layer)), category_label(layer, str(event["category"]), lang)
        ),
        _("Actors"): "; ".join(event["actors"]) or _("not named"),
        _("Fatalities"): casualty_text(event["fatalities_min"], event["fatalities_max"], lang),
        _("Injured"): casualty_text(event["injured_min"], event["injured_max"], lang),
        _("Confidence"): _(CONFIDENCE_LABELS.get(confidence, confidence)),
        _("Id"): str(event["id"]),
    }
    if pd.notna(event["geometry_note"]):
        facts[_("How it is drawn")] = str(event["geometry_note"])
    area = event.geometry is not None and event.geometry.geom_type != "Point"
    facts.update(measure_facts(measures.loc[matches.index[0]].to_dict(), area=area, lang=lang))
    st.markdown("\n".join(f"- **{name}:** {md(value)}" for name, value in facts.items()))
    st.markdown(md(event["summary"]))

    for dispute in event["disputes"]:
        st.markdown(
            "**"
            + _("Sources disagree on {field}:").format(field=md(_field_name(str(dispute["field"]), lang)))
            + "**"
        )
        lines = []
        source_word = _("source")
        for claim in dispute["claims"]:
            link = f" ([{source_word}]({md_url(claim['source_url'])}))" if claim.get("source_url") else ""
            lines.append(f"- {md(claim['by'])}: {md(claim['claim'])}{link}")
        st.markdown("\n".join(lines))

    count = len(event["sources"])
    st.markdown(
        "**"
        + t.ngettext("{count} source", "{count} sources", count).format(count=t.format_decimal(count))
        + "**"
    )
    lines = []
    for source in event["sources"]:
        via = ""
        if source.get("original_publisher"):
            via = _(", carrying {publisher}").format(publisher=md(source["original_publisher"]))
        language = _("language: {language}").format(
            language=md(language_label(str(source["language"]), lang))
        )
        lines.append(
            f"- [{md(source['title'])}]({md_url(source['url'])}) — {md(source['publisher'])}{via}, "
            f"{md(source['published'])}, {language}"
        )
    st.markdown("\n".join(lines))

    if pd.notna(event["group"]):
        linked = events[(events["group"] == event["group"]) & (events["id"] != event_id)].sort_values("start")
        linked_titles = shown_titles(linked, lang)[0]
        if not linked.empty:
            st.markdown(
                "**" + _("Linked events") + "** " + _("(group {group})").format(group=md(event["group"]))
            )
            for label, other in linked.iterrows():
                st.button(
                    f"{other['start']:%Y-%m-%d} · {md(linked_titles[label], inline=True)}",
                    key=f"linked_{other['id']}",
                    on_click=select,
                    args=(str(other["id"]),),
                )
