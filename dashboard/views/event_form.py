"""The editor's form: add an event, or correct one without touching what was not edited.

Every widget is keyed by the event it shows, so picking another event shows that event's
own values (its layer and category included), never the previous one's. A correction
writes :func:`layers.editing.edited_feature`: only what the reader changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

from dashboard.data import load_store
from dashboard.lang import tr
from dashboard.mapview import served_assets
from dashboard.sidebar import capitalised
from dashboard.text import md
from layers.editing import (
    SOURCE_FIELDS,
    EventForm,
    FormError,
    edited_feature,
    feature_from_form,
    form_from_event,
    slug_id,
)
from layers.i18n import LANGUAGE_NAMES, N_
from layers.map import build_map, read_map_reference
from layers.paths import default_store
from layers.store import StoreError, frame_to_features, save_event
from layers.vocabulary import (
    CATEGORIES,
    CONFIDENCE_LABELS,
    CONFIDENCES,
    LAYER_LABELS,
    LAYERS,
    LOCATION_PRECISIONS,
    PRECISION_LABELS,
    SIDE_LABELS,
    SIDES,
    TIME_PRECISIONS,
    TITLE_LANGUAGES,
    category_label,
)

#: The choice of a new event in the event picker (a value no event id can take).
NEW = "— a new event —"
#: Headers of the sources table (:data:`layers.editing.SOURCE_FIELDS`).
_SOURCE_HEADERS = {
    "url": N_("address"),
    "publisher": N_("publisher"),
    "published": N_("published"),
    "language": N_("language"),
    "title": N_("title"),
    "original_publisher": N_("original publisher"),
    "dataset_id": N_("dataset id"),
    "archived_url": N_("archived address"),
    "note": N_("note"),
}
#: Time precisions (the schema's ``hour`` … ``year``) as the form names them.
_TIME_PRECISION_LABELS = {
    "hour": N_("to the hour"),
    "day": N_("to the day"),
    "week": N_("to the week"),
    "month": N_("to the month"),
    "year": N_("to the year"),
}


def _position_picker(form: EventForm, chosen: str) -> tuple[float | None, float | None]:
    _ = tr().gettext
    st.caption(_("Click the map to set the position, or type it below."))
    store = load_store()
    m = build_map(
        store.events.iloc[:0],
        read_map_reference(),
        info=False,
        legend=False,
        height="320px",
        assets=served_assets(),
        lang=tr().language,
    )
    result = st_folium(m, height=320, use_container_width=True, returned_objects=["last_clicked"], key="pick")
    click = (result or {}).get("last_clicked")
    if click and click != st.session_state.get("editor_click"):
        st.session_state["editor_click"] = click
        st.session_state[f"lon_{chosen}"] = float(click["lng"])
        st.session_state[f"lat_{chosen}"] = float(click["lat"])
    cols = st.columns(2)  # keyed by event, so picking another event shows its own position
    lon = cols[0].number_input(_("Longitude"), value=form.lon, format="%.5f", key=f"lon_{chosen}")
    lat = cols[1].number_input(_("Latitude"), value=form.lat, format="%.5f", key=f"lat_{chosen}")
    return lon, lat


def _pick(name: str, options: list[Any], current: Any, key: str, **kwargs: Any) -> Any:
    index = options.index(current) if current in options else 0
    return st.selectbox(name, options, index=index, key=key, **kwargs)


def _choices(current: Sequence[str], known: Iterable[str]) -> list[str]:
    """The event's own entries first, in their order, then the store's others, sorted."""
    own = list(dict.fromkeys(current))
    return own + sorted(set(known) - set(own))


def _fields(form: EventForm, k: str, layer: str, known: Mapping[str, Sequence[str]]) -> None:
    """The form's widgets, filled from ``form`` and read back into it (``k``: the event's key)."""
    t = tr()
    _ = t.gettext
    categories = list(CATEGORIES[layer])
    form.category = _pick(
        _("Category"),
        categories,
        form.category,
        f"category_{k}",
        format_func=lambda c: category_label(layer, c, t.language),
    )
    form.title = st.text_input(_("Title"), form.title, key=f"title_{k}")
    with st.expander(_("The title in other languages"), expanded=bool(form.title_i18n)):
        st.caption(
            _(
                "Shown to readers of that language, with the title above one click away. Each says what "
                "the title says, no more; Serbian in Latin script (the Cyrillic interface transliterates "
                "it). Leave a language empty for none."
            )
        )
        form.title_i18n = {
            code: st.text_input(
                LANGUAGE_NAMES[code], form.title_i18n.get(code, ""), key=f"title_i18n_{code}_{k}"
            )
            for code in TITLE_LANGUAGES
        }
    form.summary = st.text_area(_("Summary"), form.summary, key=f"summary_{k}")
    cols = st.columns(5)
    form.start = cols[0].date_input(_("Start"), form.start, key=f"start_{k}")
    form.start_time = cols[1].text_input(
        _("Start time (HH:MM, local)"), form.start_time, key=f"stime_{k}", max_chars=8
    )
    form.end = cols[2].date_input(_("End (optional)"), form.end, key=f"end_{k}")
    form.end_time = cols[3].text_input(
        _("End time (HH:MM, local)"), form.end_time, key=f"etime_{k}", max_chars=8
    )
    form.time_precision = _pick(
        _("Time precision"),
        list(TIME_PRECISIONS),
        form.time_precision,
        f"tp_{k}",
        format_func=lambda p: _(_TIME_PRECISION_LABELS[p]) if p in _TIME_PRECISION_LABELS else p,
    )
    cols = st.columns(3)
    form.location = cols[0].text_input(_("Place (Serbian / Albanian)"), form.location, key=f"place_{k}")
    form.municipality = cols[1].text_input(_("Municipality"), form.municipality, key=f"muni_{k}")
    with cols[2]:
        form.side = _pick(
            _("Side"),
            [None, *SIDES],
            form.side,
            f"side_{k}",
            format_func=lambda s: _(SIDE_LABELS[s]) if s in SIDE_LABELS else _("neither"),
        )
    cols = st.columns(2)
    with cols[0]:
        form.location_precision = _pick(
            _("Location precision"),
            list(LOCATION_PRECISIONS),
            form.location_precision,
            f"lp_{k}",
            format_func=lambda p: capitalised(_(PRECISION_LABELS[p])) if p in PRECISION_LABELS else p,
        )
    form.uncertainty_km = cols[1].number_input(
        _("Uncertainty (km, if approximate)"), value=form.uncertainty_km, key=f"unc_{k}"
    )
    # One entry per actor or tag, never a separator inside the text: an actor's name may
    # hold any character ("Srpska lista; its MPs" stays one name), and a form saved
    # without a change gives back exactly the list it was given.
    form.actors = st.multiselect(
        _("Actors"),
        _choices(form.actors, known.get("actors", ())),
        default=list(form.actors),
        accept_new_options=True,
        key=f"actors_{k}",
        help=_("Pick from the store's actors, or type a new name and press Enter."),
    )
    cols = st.columns(4)
    counts = {
        "fatalities": (form.fatalities, _("Killed (low)"), _("Killed (high)")),
        "injured": (form.injured, _("Injured (low)"), _("Injured (high)")),
    }
    for i, (kind, (bounds, low_label, high_label)) in enumerate(counts.items()):
        low = cols[2 * i].number_input(low_label, value=bounds[0], min_value=0, step=1, key=f"{kind}_lo_{k}")
        high = cols[2 * i + 1].number_input(
            high_label, value=bounds[1], min_value=0, step=1, key=f"{kind}_hi_{k}"
        )
        setattr(form, kind, (low, high))
    form.confidence = _pick(
        _("Confidence"),
        list(CONFIDENCES),
        form.confidence,
        f"conf_{k}",
        format_func=lambda c: capitalised(_(CONFIDENCE_LABELS[c])) if c in CONFIDENCE_LABELS else c,
    )
    st.markdown(
        "**"
        + _("Sources")
        + "** — "
        + _("at least one: address, publisher, date published (YYYY-MM-DD), language, title")
    )
    rows = list(form.sources) or [dict.fromkeys(SOURCE_FIELDS, "")]
    sources = st.data_editor(
        pd.DataFrame(rows, columns=list(SOURCE_FIELDS)),
        num_rows="dynamic",
        hide_index=True,
        key=f"sources_{k}",
        column_config={
            name: st.column_config.Column(_(_SOURCE_HEADERS.get(name, name))) for name in SOURCE_FIELDS
        },
    )
    form.sources = sources.to_dict("records")
    form.group = st.text_input(_("Group (links events of one operation)"), form.group, key=f"group_{k}")
    form.tags = st.multiselect(
        _("Tags"),
        _choices(form.tags, known.get("tags", ())),
        default=list(form.tags),
        accept_new_options=True,
        key=f"tags_{k}",
        help=_("Pick from the store's tags, or type a new one and press Enter."),
    )


def _refused(message: str, problems: list[tuple[str, str]]) -> None:
    st.error(tr().gettext("Not saved: {reason}").format(reason=md(message)))
    if problems:
        st.markdown("\n".join(f"- {md(name)}: {md(reason)}" for name, reason in problems))


def _known_lists(events: pd.DataFrame) -> dict[str, list[str]]:
    """Every actor and tag the store names, to pick from."""
    return {
        name: sorted({item for items in events[name] for item in (items or ())})
        for name in ("actors", "tags")
        if name in events.columns
    }


def render(events: pd.DataFrame) -> None:
    """Pick an event (or a new one), edit it, save it: validated, locked, atomic."""
    t = tr()
    _ = t.gettext
    chosen = st.selectbox(
        _("Event"),
        [NEW, *events["id"].tolist()],
        key="editor_event",
        format_func=lambda choice: _("— a new event —") if choice == NEW else choice,
        help=_("Pick an event to correct it, or add a new one."),
    )
    stored: dict[str, Any] | None = None
    if chosen == NEW:
        form = EventForm(id="", layer=LAYERS[0], category="other", title="", summary="", start=date.today())
    else:
        stored = frame_to_features(events[events["id"] == chosen])[0]
        form = form_from_event(stored)
    k = str(chosen)
    layer = _pick(
        _("Layer"), list(LAYERS), form.layer, f"layer_{k}", format_func=lambda v: _(LAYER_LABELS[v])
    )
    lon, lat = _position_picker(form, k)
    with st.form("event"):
        move = False
        if stored is not None and layer != form.layer:
            move = st.checkbox(
                _("Move this event from the layer {old} to {new}").format(
                    old=_(LAYER_LABELS[form.layer]), new=_(LAYER_LABELS[layer])
                ),
                key=f"move_{k}",
            )
        form.layer = layer
        _fields(form, k, layer, _known_lists(events))
        form.lon, form.lat = lon, lat
        submitted = st.form_submit_button(_("Save"), type="primary")
    if not submitted:
        return
    try:
        if stored is None:
            form.id = slug_id(form.title or "event", form.start, events["id"])
            feature = feature_from_form(form)
        else:
            feature = edited_feature(stored, form)
        written = save_event(feature, default_store(), update=stored is not None, change_layer=move)
    except FormError as error:
        _refused(f"{error.field}: {error.reason}", [])
        return
    except StoreError as error:
        _refused(str(error).splitlines()[0], [(p.field, p.reason) for p in error.problems])
        return
    if not written.written:
        st.info(
            _("Nothing changed in {id}: {file} is left as it was.").format(
                id=md(form.id), file=md(written.path.name)
            )
        )
        return
    st.success(_("Saved {id} in {file}.").format(id=md(form.id), file=md(written.path.name)))
