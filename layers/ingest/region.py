"""Which imported points lie in the monitored region, and on which side of the boundary.

The region is Kosovo, and Serbia within a chosen distance of the Kosovo–Serbia boundary.
Side and distance follow the one geography engine's rule (:mod:`layers.geography`), so
an imported event gets the side its measures will show: inside Kosovo's polygon is ``XK``
(Kosovo wins where the OpenStreetMap polygons overlap); a point in a gap between the
polygons goes to the nearest neighbour within :data:`~layers.geography.GAP_KM` (Serbia,
along the line), as the sign of its distance to the line says.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from layers.geography import GAP_KM, countries_xy, load_reference, to_measure_crs, within_xy

__all__ = ["DEFAULT_MAX_DISTANCE_KM", "GAP_TOLERANCE_KM", "RegionSides", "classify_points", "to_measure_crs"]

#: Default reach into Serbia: events within 25 km of the boundary (the width of the 1999
#: Air Safety Zone) are kept.
DEFAULT_MAX_DISTANCE_KM = 25.0
#: A point in a gap between the country polygons takes the nearest one's side when it is
#: this close to it (the geography engine's rule).
GAP_TOLERANCE_KM = GAP_KM


@dataclass(frozen=True)
class RegionSides:
    """Where each point lies.

    Attributes
    ----------
    inside : ndarray of bool
        In Kosovo, or in Serbia within the chosen distance of the boundary.
    side : ndarray of object
        ``"XK"``, ``"RS"`` or None (in neither country), for every point.
    """

    inside: np.ndarray
    side: np.ndarray


def classify_points(
    lon: np.ndarray, lat: np.ndarray, max_distance_km: float = DEFAULT_MAX_DISTANCE_KM
) -> RegionSides:
    """Say for each lon/lat point whether it is in the region, and its side.

    Parameters
    ----------
    lon, lat : array-like of float
        Points in EPSG:4326; they must be finite.
    max_distance_km : float
        How far into Serbia from the boundary a point may lie and still be kept (>= 0).

    Returns
    -------
    RegionSides
    """
    if max_distance_km < 0 or not np.isfinite(max_distance_km):
        raise ValueError(f"max_distance_km must be a distance >= 0, not {max_distance_km!r}")
    lon = np.asarray(lon, dtype="float64")
    lat = np.asarray(lat, dtype="float64")
    side = np.full(lon.shape, None, dtype=object)
    if lon.size == 0:
        return RegionSides(inside=np.zeros(0, dtype=bool), side=side)
    ref = load_reference()
    x, y = to_measure_crs(lon, lat)
    iso = countries_xy(x, y, ref)
    in_xk = iso == "XK"
    in_rs = iso == "RS"
    side[in_xk] = "XK"
    side[in_rs] = "RS"
    near = np.zeros(lon.shape, dtype=bool)
    rows = np.flatnonzero(in_rs)
    near[rows] = within_xy(x[rows], y[rows], max_distance_km, ref)  # not measured: only how near
    return RegionSides(inside=in_xk | near, side=side)
