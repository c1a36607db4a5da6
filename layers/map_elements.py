"""The folium elements of bordermon's map: each inserts one call of the map script.

``layers/static/bordermon-map.js`` does the drawing; these elements only place its code
and one call per layer, box or setting into the page, in order. Their output is inserted
as it is rather than compiled as a Jinja template (see :class:`ScriptedElement`): it
holds event text, and megabytes of it at 100k events.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import folium
from branca.element import Element, Figure, MacroElement
from folium.map import Layer
from folium.template import Template

from layers.mapdata import js_string

__all__ = [
    "Attribution",
    "BlankBase",
    "ControlBox",
    "EventLayer",
    "FitView",
    "MapScript",
    "MapWords",
    "RawMarkup",
    "ReadyMark",
    "ReferenceLayer",
    "ScriptedElement",
    "SelectEvent",
    "TakeViews",
    "select_call",
]

_STATIC = Path(__file__).resolve().parent / "static"


@lru_cache(maxsize=1)
def _stylesheet() -> str:
    return "<style>\n" + (_STATIC / "bordermon-map.css").read_text(encoding="utf-8") + "</style>"


@lru_cache(maxsize=1)
def _script() -> str:
    code = (_STATIC / "bordermon-map.js").read_text(encoding="utf-8")
    if "</" in code or "<!--" in code:  # it is inlined into a <script> element
        raise ValueError("bordermon-map.js must not contain '</' or '<!--'")
    return code


def _map_of(element: Element) -> folium.Map:
    node: Any = element
    while node is not None and not isinstance(node, folium.Map):
        node = node._parent
    if node is None:
        raise ValueError("bordermon elements must be added to a folium.Map")
    return node


class RawMarkup(Element):
    """Fixed markup, inserted as it is (no template: it is not Jinja source)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "Raw"
        self.text = text

    def render(self, **kwargs: Any) -> str:
        return self.text


class ScriptedElement(MacroElement):
    """A script of bordermon's map (its styles go into the page header once).

    branca's ``MacroElement.render`` compiles the output of the ``script`` macro as a
    Jinja template a second time; with event text inside, ``{{ … }}`` in a title would be
    evaluated. These elements insert their output as it is, and it is megabytes at
    100k events, which a template compiler should not see either.
    """

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]

    def render(self, **kwargs: Any) -> str:
        figure = self.get_root()
        if not isinstance(figure, Figure):
            raise TypeError("bordermon elements must be rendered inside a Figure")
        if "bordermon_style" not in figure.header._children:
            figure.header.add_child(RawMarkup(_stylesheet()), name="bordermon_style")
        script = self._template.module.__dict__["script"]
        figure.script.add_child(RawMarkup(str(script(self, kwargs))), name=self.get_name())
        for child in self._children.values():
            child.render(**kwargs)
        return ""

    @property
    def map_name(self) -> str:
        return str(_map_of(self).get_name())


class EventLayer(ScriptedElement):
    """One event layer's columnar payload (:func:`layers.mapdata.encode_events`), drawn into its group."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "bordermon.addEvents({{ this.map_name }}, {{ this._parent.get_name() }}, "
        "{{ this.payload }}, {{ this.key|tojson }}, {{ this.order }});\n"
        "{% endmacro %}"
    )

    def __init__(self, payload: dict[str, Any], key: str, order: int) -> None:
        super().__init__()
        self._name = "BordermonEvents"
        self.payload = js_string(payload)
        self.key = key
        self.order = order


class ReferenceLayer(ScriptedElement):
    """One encoded reference layer (countries, boundary, zones, places), drawn into its group."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "bordermon.addReference({{ this.map_name }}, {{ this._parent.get_name() }}, "
        "{{ this.payload }}, {{ this.key|tojson }}, {{ this.order }}, {{ this.label_class|tojson }});\n"
        "{% endmacro %}"
    )

    def __init__(self, payload: str, key: str, order: int, label_class: str) -> None:
        super().__init__()
        self._name = "BordermonReference"
        self.payload = payload
        self.key = key
        self.order = order
        self.label_class = label_class


class ControlBox(ScriptedElement):
    """A box on the map (title, legend) holding HTML built in Python with every text escaped."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "bordermon.addControl({{ this.map_name }}, JSON.parse({{ this.content }}), "
        "{{ this.position|tojson }}, {{ this.css_class|tojson }});\n"
        "{% endmacro %}"
    )

    def __init__(self, content_html: str, position: str, css_class: str) -> None:
        super().__init__()
        self._name = "BordermonBox"
        self.content = js_string(content_html)
        self.position = position
        self.css_class = css_class


class Attribution(ScriptedElement):
    """A line added to the map's attribution control."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "if ({{ this.map_name }}.attributionControl) "
        "{ {{ this.map_name }}.attributionControl.addAttribution(JSON.parse({{ this.text }})); }\n"
        "{% endmacro %}"
    )

    def __init__(self, text: str) -> None:
        super().__init__()
        self._name = "BordermonAttribution"
        self.text = js_string(text)


class ReadyMark(ScriptedElement):
    """The last call: chooses the first base map and marks the map drawn (``data-bordermon-ready``)."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "(function () {"
        " var apply = bordermon.watchBase({{ this.map_name }}, {{ this.blank|tojson }});"
        " bordermon.markReady({{ this.map_name }}, {{ this.initial|tojson }},"
        " {{ this.blank|tojson }}, apply); })();\n"
        "{% endmacro %}"
    )

    def __init__(self, initial: str, blank: str) -> None:
        super().__init__()
        self._name = "BordermonReady"
        self.initial = initial
        self.blank = blank


class MapScript(ScriptedElement):
    """The map script itself, as the first script after the map is created.

    It travels with the map's own script rather than in the page header because
    ``st_folium`` inserts the header with ``innerHTML``, which does not run scripts.
    """

    _template = Template("{% macro script(this, kwargs) %}{{ this.code }}\n{% endmacro %}")

    def __init__(self) -> None:
        super().__init__()
        self._name = "BordermonLibrary"
        self.code = _script()


class MapWords(ScriptedElement):
    """The words the map script writes itself (popup lists, buttons), in the map's language."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "bordermon.setWords({{ this.map_name }}, JSON.parse({{ this.words }}));\n"
        "{% endmacro %}"
    )

    def __init__(self, words: dict[str, str]) -> None:
        super().__init__()
        self._name = "BordermonWords"
        self.words = js_string(words)


def _id_literal(event_id: str | None) -> str:
    # st_folium renames "_<hex>" suffixes in the code it is given: no underscore is left
    # in the literal (\u005f is one in JavaScript).
    return js_string(event_id).replace("_", "\\u005f")


def select_call(map_name: str, event_id: str | None) -> str:
    """The map script's call that shows ``event_id`` selected on map ``map_name`` (None: none)."""
    return f"bordermon.select({map_name}, JSON.parse({_id_literal(event_id)}));\n"


class SelectEvent(ScriptedElement):
    """Shows an event selected (a ring, in view), or none: :func:`select_call`.

    The dashboard sends the same call as ``st_folium``'s feature-group code, which runs in
    the map already drawn whenever the selection changes, without drawing the map again.
    """

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "bordermon.select({{ this.map_name }}, JSON.parse({{ this.event_id }}));\n"
        "{% endmacro %}"
    )

    def __init__(self, event_id: str | None) -> None:
        super().__init__()
        self._name = "BordermonSelect"
        self.event_id = _id_literal(event_id)


class TakeViews(ScriptedElement):
    """The map takes its view and selection from the page that holds it, under a name.

    The dashboard keeps one map of every event drawn and sends, for each view, a small
    script to the page (:func:`layers.map_view.view_script`); the map applies the latest
    one when it is drawn and each new one as it comes (``bordermon.takeViews``). Add it
    last, after :class:`ReadyMark`.
    """

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "bordermon.takeViews({{ this.map_name }}, {{ this.name|tojson }});\n"
        "{% endmacro %}"
    )

    def __init__(self, name: str) -> None:
        super().__init__()
        self._name = "BordermonTakeViews"
        self.name = name


class FitView(ScriptedElement):
    """The first view, set before any layer is drawn: the address's place, else ``bounds``."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "bordermon.openView({{ this.map_name }}, {{ this.bounds|tojson }});\n"
        "{% endmacro %}"
    )

    def __init__(self, bounds: Sequence[Sequence[float]]) -> None:
        super().__init__()
        self._name = "BordermonFitView"
        self.bounds = [list(corner) for corner in bounds]


class ShareControl(ScriptedElement):
    """The "Copy link" button: the address of exactly this view, with the map's centre and zoom."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "bordermon.addShareControl({{ this.map_name }}, {{ this.words|tojson }});\n"
        "{% endmacro %}"
    )

    def __init__(self, words: dict[str, str]) -> None:
        super().__init__()
        self._name = "BordermonShare"
        self.words = words


class BlankBase(Layer):
    """A base layer without tiles: the vector context alone (offline, print)."""

    _template = Template(
        "{% macro script(this, kwargs) %}var {{ this.get_name() }} = L.layerGroup();\n{% endmacro %}"
    )

    def __init__(self, name: str, show: bool) -> None:
        super().__init__(name=name, overlay=False, control=True, show=show)
        self._name = "BlankBase"
