"""A shared view holds the map's density, centre and zoom; a bad value is named and dropped alone."""

from __future__ import annotations

from layers.store import read_store
from layers.views import parse_view, view_params

EVENTS = read_store().events


def test_density_centre_and_zoom_round_trip_through_the_address() -> None:
    params = {
        "density": ["casualties"],
        "c": ["42.91234,20.85"],
        "z": ["12"],
        "layers": ["incident"],
        "play": ["2023-09-24"],
    }
    view = parse_view(params, EVENTS)
    assert view.notices == ()
    assert (view.density, view.centre, view.zoom) == ("casualties", (42.91234, 20.85), 12)
    assert view.play is not None and view.play.isoformat() == "2023-09-24"
    assert view_params(view) == params
    assert parse_view(view_params(view), EVENTS) == view


def test_each_bad_value_is_named_and_only_it_falls_back() -> None:
    view = parse_view({"density": ["heat"], "c": ["10,10"], "z": ["12"], "conf": ["confirmed"]}, EVENTS)
    assert view.density is None and view.centre is None
    assert view.zoom == 12 and view.filters.confidences == ("confirmed",)
    assert any("density='heat'" in notice for notice in view.notices)
    assert any("c='10,10'" in notice and "outside the region" in notice for notice in view.notices)
    view = parse_view({"c": ["north"], "z": ["40"], "play": ["yesterday"]}, EVENTS)
    assert view.play is None and any("play='yesterday'" in notice for notice in view.notices)
    assert (view.centre, view.zoom) == (None, None)
    assert any("latitude,longitude" in notice for notice in view.notices)
    assert any("z='40'" in notice and "5 to 19" in notice for notice in view.notices)


def test_notices_speak_the_readers_language() -> None:
    view = parse_view({"z": ["x"]}, EVENTS, "fr")
    assert view.notices == ("z='x' ignoré : un niveau de zoom entier de 5 à 19 est attendu.",)
