"""The one sidebar every page shares; its state lives in the URL so a view can be cited."""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import streamlit as st

from dashboard.data import store_choices
from dashboard.lang import browser_language, page_language, tr
from dashboard.text import md
from layers.density import WEIGHTS as DENSITY_WEIGHTS
from layers.filters import Filters
from layers.i18n import LANGUAGE_NAMES, LANGUAGES
from layers.validate import ValidationReport
from layers.views import MAX_CASUALTIES, PRESETS, View, clip_timeline, parse_view, preset_window, view_params
from layers.vocabulary import (
    CONFIDENCE_LABELS,
    CONFIDENCES,
    LAYER_TITLES,
    LAYERS,
    PUBLISHER_KIND_LABELS,
    PUBLISHER_KINDS,
    SIDE_LABELS,
    SIDES,
    category_name,
    describe_window,
    language_label,
)

#: The keys of the view's widgets, as the reader set them: the sidebar's, and the map
#: page's panel of weekly charts (``charts``, open or closed).
WIDGET_KEYS: tuple[str, ...] = (
    "lang", "preset", "window", "as_of", *(f"layer_{layer}" for layer in LAYERS),
    "categories", "actors", "sides", "confidences", "q",
    "publishers", "publisher_kinds", "languages", "min_killed", "min_injured", "density", "charts",
)  # fmt: skip


def label(value: str) -> str:
    """``crossing_closure`` → ``Crossing closure``."""
    return value.replace("_", " ").capitalize()


def capitalised(text: str) -> str:
    """A lower-case label at the head of a line: ``confirmed`` → ``Confirmed``."""
    return text[:1].upper() + text[1:]


def _data_range() -> tuple[date, date]:
    """First and last day of the store's dated events (an open start sets no range)."""
    choices = store_choices()
    return choices.first_day, choices.last_day


def _seed(view: View, events: gpd.GeoDataFrame) -> None:
    """Put a view parsed from the URL into the widgets' state, once per session."""
    first, last = _data_range()
    f = view.filters
    state = st.session_state
    state["lang"] = view.lang or page_language()
    state["lang_chosen"] = view.lang is not None  # a link's language is kept; else the browser's
    state["preset"] = view.preset
    start = min(max(f.start or first, first), last)
    end = max(min(f.end or last, last), start)
    state["window"] = (start, end)
    state["as_of"] = f.as_of
    for layer in LAYERS:
        state[f"layer_{layer}"] = layer in f.layers
    state["categories"] = list(f.categories)
    state["actors"] = list(f.actors)
    state["sides"] = list(f.sides)
    state["confidences"] = list(f.confidences)
    state["q"] = f.text
    state["publishers"] = list(f.publishers)
    state["publisher_kinds"] = list(f.publisher_kinds)
    state["languages"] = list(f.languages)
    state["min_killed"] = f.min_killed
    state["min_injured"] = f.min_injured
    state["selected"] = view.selected
    state["density"] = view.density
    state["charts"] = view.charts
    # Where the map looks is kept in the address by the map itself as the reader moves
    # it (see bordermon-map.js); the app carries the place the address opened with.
    state["map_place"] = (view.centre, view.zoom)
    state["map_play"] = view.play
    state["timeline"] = view.timeline
    state["notices"] = view.notices
    state.pop("notices_view", None)  # the view they apply to: the first one drawn


def _density_label(weight: str | None) -> str:
    _ = tr().gettext
    if weight == "count":
        return _("One per incident")
    if weight == "casualties":
        return _("Weighted by people killed or injured")
    return _("Not drawn")


def render_sidebar(events: gpd.GeoDataFrame) -> View:
    """Draw the filters, keep the URL in step with them, and return the view."""
    state = st.session_state
    if not state.get("view_seeded"):
        params = {key: st.query_params.get_all(key) for key in st.query_params}
        _seed(parse_view(params, events, page_language(), choices=store_choices()), events)
        state["view_seeded"] = True
    else:
        # Each page draws its own copy of these widgets, and a widget new to a page
        # starts from its default; set through the state, the view carries across.
        for key in WIDGET_KEYS:
            if key in state:
                state[key] = state[key]

    first, last = _data_range()
    bar = st.sidebar
    language = _language_selector()
    t = tr()
    _ = t.gettext
    bar.header(_("View"))
    preset = bar.selectbox(
        _("Time window"), list(PRESETS), format_func=lambda key: _(PRESETS[key]), key="preset"
    )
    if preset == "custom":
        start, end = bar.slider(_("Dates"), min_value=first, max_value=max(last, first), key="window")
    else:
        start, end = preset_window(preset, events)
        if start and end:
            bar.caption(describe_window(start, end, t.language))
    as_of = bar.date_input(
        _("Deployments and KFOR as of"),
        key="as_of",
        help=_("Keep only the deployment reports and KFOR presence in effect on this day. Empty: all."),
        format="YYYY-MM-DD",
    )
    bar.subheader(_("Layers"))
    layers = tuple(layer for layer in LAYERS if bar.checkbox(_(LAYER_TITLES[layer]), key=f"layer_{layer}"))
    density = bar.selectbox(
        _("Density of incidents"),
        [None, *DENSITY_WEIGHTS],
        format_func=_density_label,
        key="density",
        placeholder=_("Choose an option"),
        help=_(
            "Where incidents pile up, under their symbols. Incidents without a position are left out; "
            "an approximate place is spread over its circle of uncertainty."
        ),
    )
    bar.subheader(_("Filters"))
    choices = store_choices()  # computed once per store version, not on every rerun
    categories, actors = list(choices.categories), list(choices.actors)
    chosen_categories = bar.multiselect(
        _("Category"),
        categories,
        format_func=lambda c: category_name(c, t.language),
        key="categories",
        placeholder=_("Choose options"),
    )
    chosen_actors = bar.multiselect(_("Actor"), actors, key="actors", placeholder=_("Choose options"))
    sides = bar.multiselect(
        _("Side"),
        list(SIDES),
        format_func=lambda s: _(SIDE_LABELS[s]),
        key="sides",
        placeholder=_("Choose options"),
    )
    confidences = bar.multiselect(
        _("Confidence"),
        list(CONFIDENCES),
        format_func=lambda c: capitalised(_(CONFIDENCE_LABELS[c])),
        key="confidences",
        placeholder=_("Choose options"),
    )
    text = bar.text_input(_("Search titles, summaries and sources"), key="q", max_chars=200)

    view = View(
        filters=_sources_and_casualties(
            events,
            Filters(
                start=start,
                end=end,
                as_of=as_of if isinstance(as_of, date) else None,
                layers=layers,
                categories=tuple(chosen_categories),
                actors=tuple(chosen_actors),
                sides=tuple(sides),
                confidences=tuple(confidences),
                text=text,
            ),
        ),
        preset=preset,
        selected=state.get("selected"),
        lang=language,
        density=density,
        charts=bool(state.get("charts", False)),
        centre=state.get("map_place", (None, None))[0],
        zoom=state.get("map_place", (None, None))[1],
        play=state.get("map_play"),
        # The window dragged on the overview's timeline, kept inside the time window.
        timeline=clip_timeline(state.get("timeline"), start, end),
    )
    state["timeline"] = view.timeline
    _keep_notices_while_unchanged(view)
    wanted = view_params(view)
    if {key: st.query_params.get_all(key) for key in st.query_params} != wanted:
        st.query_params.from_dict(wanted)  # only on a change: each write adds a history entry
    bar.caption(_("The address bar holds this view: copy it to cite or share exactly what you see."))
    return view


def _keep_notices_while_unchanged(view: View) -> None:
    """The URL notices stay until the reader changes the view, not only for one run.

    A rerun that keeps the view (a click on the map selects an event) would otherwise drop
    them, and everything below, the map too, would move up under the reader's pointer.
    """
    state = st.session_state
    drawn = (view.filters, view.preset, view.lang)
    if state.setdefault("notices_view", drawn) != drawn:
        state["notices"] = ()


def _choose_language() -> None:
    st.session_state["lang_chosen"] = True


def _language_selector() -> str | None:
    """The interface language, first in the sidebar; the URL's ``lang=`` once one is chosen.

    Each language is named in itself, so a reader finds theirs whatever the page is in.
    Until the reader (or the link) picks one, the page follows the browser and the URL
    names none, so that a shared link opens in its reader's language.
    """
    state = st.session_state
    if state.get("lang") not in LANGUAGES:
        state["lang"] = page_language()
    language = st.sidebar.selectbox(
        tr().gettext("Language"),
        list(LANGUAGES),
        format_func=LANGUAGE_NAMES.__getitem__,
        key="lang",
        on_change=_choose_language,
    )
    if state.get("lang_chosen") or language != browser_language():
        return str(language)
    return None


def _sources_and_casualties(events: gpd.GeoDataFrame, filters: Filters) -> Filters:
    """Add the source and casualty filters, folded away so the sidebar stays short."""
    state = st.session_state
    active = any(
        state.get(key) for key in ("publishers", "publisher_kinds", "languages", "min_killed", "min_injured")
    )
    t = tr()
    _ = t.gettext
    box = st.sidebar.expander(_("Sources and casualties"), expanded=active)
    source_help = _("An event is kept when one of its sources matches every choice made here.")
    choices = store_choices()
    publishers = box.multiselect(
        _("Publisher"),
        list(choices.publishers),
        key="publishers",
        placeholder=_("Choose options"),
        help=source_help,
    )
    kinds = box.multiselect(
        _("Kind of publisher"),
        list(PUBLISHER_KINDS),
        format_func=lambda kind: _(PUBLISHER_KIND_LABELS[kind]),
        key="publisher_kinds",
        placeholder=_("Choose options"),
        help=source_help,
    )
    languages = box.multiselect(
        _("Language of the source"),
        list(choices.languages),
        format_func=lambda code: language_label(code, t.language),
        key="languages",
        placeholder=_("Choose options"),
    )
    min_killed = box.number_input(
        _("At least this many killed (1: any killed)"),
        min_value=0,
        max_value=MAX_CASUALTIES,
        step=1,
        key="min_killed",
        help=_(
            "Counts the low bound of the reported range: an event reported as 2–5 killed passes 2, "
            "not 3; an unknown count passes no threshold. 0: no threshold."
        ),
    )
    min_injured = box.number_input(
        _("At least this many injured"),
        min_value=0,
        max_value=MAX_CASUALTIES,
        step=1,
        key="min_injured",
        help=_(
            "Counts the low bound of the reported range: an event reported as 2–5 injured passes 2, "
            "not 3; an unknown count passes no threshold. 0: no threshold."
        ),
    )
    return filters.with_(
        publishers=tuple(publishers),
        publisher_kinds=tuple(kinds),
        languages=tuple(languages),
        min_killed=int(min_killed),
        min_injured=int(min_injured),
    )


def show_notices(report: ValidationReport | None = None) -> None:
    """Tell the reader which URL parameters could not be used, and what was set aside.

    The count of set-aside records and unreadable files names no path: the Methodology
    page lists each with its file (relative to the store), feature, field and reason.
    """
    notices = st.session_state.get("notices", ())
    if notices:  # one box, a line each: a box each pushed the map down by their number
        lines = [md(notice, inline=True) for notice in notices]
        st.warning(
            lines[0] if len(lines) == 1 else "\n".join(f"- {line}" for line in lines),
            icon=":material/link_off:",
        )
    if report is None or (not report.set_aside and report.ok):
        return
    t = tr()
    unreadable = sum(1 for p in report.errors if p.index is None)
    what = t.ngettext("{count} record", "{count} records", report.set_aside).format(
        count=t.format_decimal(report.set_aside)
    )
    if unreadable:
        files = t.ngettext("{count} unreadable file", "{count} unreadable files", unreadable).format(
            count=t.format_decimal(unreadable)
        )
        what = t.gettext("{first} and {second}").format(first=what, second=files)
    st.warning(
        t.gettext(
            "Set aside by validation and not shown: {what} of the store. "
            "The Methodology page lists each with its file, field and reason."
        ).format(what=what),
        icon=":material/report:",
    )
