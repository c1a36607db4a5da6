"""Editor: import a file (dry run first) and add or correct an event. Off unless enabled."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from dashboard.data import load_store
from dashboard.mapview import served_assets
from dashboard.sidebar import label, render_sidebar
from dashboard.views import importer
from layers.editing import (
    EDITING_ENV,
    EventForm,
    editing_enabled,
    feature_from_form,
    form_from_event,
    slug_id,
)
from layers.map import build_map, read_map_reference
from layers.paths import default_store
from layers.store import StoreError, frame_to_features, save_event
from layers.vocabulary import CATEGORIES, CONFIDENCES, LAYERS, LOCATION_PRECISIONS, SIDES, TIME_PRECISIONS

SOURCE_COLUMNS = ["url", "publisher", "published", "language", "title"]
NEW = "— a new event —"


def _position_picker(form: EventForm, chosen: str) -> tuple[float | None, float | None]:
    st.caption("Click the map to set the position, or type it below.")
    store = load_store()
    m = build_map(
        store.events.iloc[:0],
        read_map_reference(),
        info=False,
        legend=False,
        height="320px",
        assets=served_assets(),
    )
    result = st_folium(m, height=320, use_container_width=True, returned_objects=["last_clicked"], key="pick")
    click = (result or {}).get("last_clicked")
    if click and click != st.session_state.get("editor_click"):
        st.session_state["editor_click"] = click
        st.session_state[f"lon_{chosen}"] = float(click["lng"])
        st.session_state[f"lat_{chosen}"] = float(click["lat"])
    cols = st.columns(2)  # keyed by event, so picking another event shows its own position
    lon = cols[0].number_input("Longitude", value=form.lon, format="%.5f", key=f"lon_{chosen}")
    lat = cols[1].number_input("Latitude", value=form.lat, format="%.5f", key=f"lat_{chosen}")
    return lon, lat


def _event_form(events: pd.DataFrame) -> None:
    choices = [NEW, *events["id"].tolist()]
    chosen = st.selectbox(
        "Event", choices, help="Pick an event to correct it, or add a new one.", key="editor_event"
    )
    layer = st.selectbox("Layer", LAYERS, format_func=label, key="editor_layer")
    if chosen == NEW:
        form = EventForm(id="", layer=layer, category="other", title="", summary="", start=date.today())
    else:
        row = events[events["id"] == chosen]
        form = form_from_event(frame_to_features(row)[0])
    lon, lat = _position_picker(form, chosen)
    with st.form("event"):
        categories = CATEGORIES[layer]
        form.layer = layer
        form.category = st.selectbox(
            "Category",
            categories,
            index=categories.index(form.category) if form.category in categories else 0,
            format_func=label,
        )
        form.title = st.text_input("Title", form.title, key=f"title_{chosen}")
        form.summary = st.text_area("Summary", form.summary)
        cols = st.columns(4)
        form.start = cols[0].date_input("Start", form.start)
        form.start_time = cols[1].text_input("Time (HH:MM, local)", form.start_time)
        form.end = cols[2].date_input("End (optional)", form.end)
        precisions = list(TIME_PRECISIONS)
        form.time_precision = cols[3].selectbox(
            "Time precision", precisions, index=precisions.index(form.time_precision)
        )
        cols = st.columns(3)
        form.location = cols[0].text_input("Place (Serbian / Albanian)", form.location)
        form.municipality = cols[1].text_input("Municipality", form.municipality)
        sides = [None, *SIDES]
        form.side = cols[2].selectbox(
            "Side", sides, index=sides.index(form.side), format_func=lambda s: s or "neither"
        )
        cols = st.columns(2)
        kinds = list(LOCATION_PRECISIONS)
        form.location_precision = cols[0].selectbox(
            "Location precision", kinds, index=kinds.index(form.location_precision)
        )
        form.uncertainty_km = cols[1].number_input(
            "Uncertainty (km, if approximate)", value=form.uncertainty_km
        )
        form.lon, form.lat = lon, lat
        form.actors = st.text_input("Actors (separated by ;)", "; ".join(form.actors)).split(";")
        cols = st.columns(4)
        fmin, fmax = form.fatalities
        imin, imax = form.injured
        form.fatalities = (
            cols[0].number_input("Fatalities (low)", value=fmin, min_value=0, step=1),
            cols[1].number_input("Fatalities (high)", value=fmax, min_value=0, step=1),
        )
        form.injured = (
            cols[2].number_input("Injured (low)", value=imin, min_value=0, step=1),
            cols[3].number_input("Injured (high)", value=imax, min_value=0, step=1),
        )
        form.confidence = st.selectbox("Confidence", CONFIDENCES, index=CONFIDENCES.index(form.confidence))
        st.markdown(
            "**Sources** — at least one: address, publisher, date published (YYYY-MM-DD), language, title"
        )
        sources = st.data_editor(
            pd.DataFrame(list(form.sources) or [dict.fromkeys(SOURCE_COLUMNS, "")], columns=SOURCE_COLUMNS),
            num_rows="dynamic",
            hide_index=True,
        )
        form.sources = sources.to_dict("records")
        form.group = st.text_input("Group (links events of one operation)", form.group)
        form.tags = st.text_input("Tags (separated by ;)", "; ".join(form.tags)).split(";")
        submitted = st.form_submit_button("Save", type="primary")
    if not submitted:
        return
    update = chosen != NEW
    if not update:
        form.id = slug_id(form.title or "event", form.start, events["id"])
    try:
        written = save_event(feature_from_form(form), default_store(), update=update)
    except StoreError as error:
        st.error("Not saved: " + str(error).splitlines()[0])
        for problem in error.problems:
            st.write(f"- `{problem.field}`: {problem.reason}")
        return
    st.success(f"Saved {form.id} in {written.name}.")


def render() -> None:
    store = load_store()
    render_sidebar(store.events)
    st.title("Editor")
    if not editing_enabled():
        st.info(
            "Editing is off: this app is read-only, as a hosted public app should be. To edit a store "
            f"you run yourself, start the dashboard with the environment variable `{EDITING_ENV}=1` "
            f"(for example `{EDITING_ENV}=1 python3 dev.py dashboard`). Every change is validated "
            "before it is written, and writes are atomic and locked."
        )
        return
    imports, event = st.tabs(["Import a file", "Add or correct an event"])
    with imports:
        importer.render()
    with event:
        _event_form(store.events)
