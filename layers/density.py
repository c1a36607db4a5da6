"""Where incidents pile up: a smoothed density surface, honest about where events are.

The density is drawn beside the points, never instead of them. Each incident adds its
weight (one, or the people reported killed or injured) spread over where it may have
happened: an exact position adds it at its point, an approximate one spreads it evenly
over its circle of uncertainty (``uncertainty_km``), an area over a disc of the area's
size around it. Incidents without a position (precision ``none``) are never part of it.
The sum is smoothed with a Gaussian of :data:`BANDWIDTH_KM` and expressed per km² of
ground, so the legend can say what a colour means.

The grid is square in Web Mercator (EPSG:3857) so that it lies exactly on a web map as
one image; the area of each row's cells on the ground is computed from its latitude.
"""

from __future__ import annotations

import base64
import io
import math
from dataclasses import dataclass
from typing import Literal

import geopandas as gpd
import numpy as np
import pandas as pd

#: What each incident weighs: one, or the people reported killed or injured.
WEIGHTS: tuple[str, ...] = ("count", "casualties")
Weight = Literal["count", "casualties"]
#: Standard deviation of the smoothing kernel, on the ground.
BANDWIDTH_KM = 2.0
#: Side of a grid cell on the ground at the grid's mean latitude (the grid is coarsened
#: when the incidents spread wider than :data:`MAX_CELLS` cells a side).
CELL_KM = 0.5
MAX_CELLS = 800
#: Points an approximate position's weight is spread over (a sunflower pattern: even
#: over the disc, the same for every run).
SPREAD_POINTS = 32
#: The colour ramp, low to high (sequential, readable by colour-blind readers, light
#: enough at its low end to leave the points on top legible).
RAMP: tuple[str, ...] = ("#fff7bc", "#fec44f", "#fe9929", "#ec7014", "#cc4c02", "#8c2d04")
_R = 6378137.0  # the EPSG:3857 sphere


@dataclass(frozen=True, eq=False)
class Density:
    """A density surface over ``bounds``, and what its colours mean."""

    #: Weight per km² of ground, rows from south to north, columns west to east.
    values: np.ndarray
    #: The ground area of each row's cells, in km².
    cell_km2: np.ndarray
    #: ((south, west), (north, east)) in degrees: where the grid lies.
    bounds: tuple[tuple[float, float], tuple[float, float]]
    #: The density (per km²) at the ramp's top colour; the ramp is linear from 0.
    peak: float
    weight: str
    #: Incidents that are part of it, and those left out for having no position.
    counted: int
    left_out: int

    def total(self) -> float:
        """The weight the surface holds (the incidents, or the people, it counts)."""
        return float((self.values * self.cell_km2[:, None]).sum())

    def png(self) -> bytes:
        """The surface as an RGBA PNG, north up: transparent where nothing is."""
        return _png(self.values[::-1], self.peak)

    def data_url(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png()).decode("ascii")


def _sunflower(n: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points evenly over the unit disc, in a fixed order."""
    k = np.arange(n) + 0.5
    r = np.sqrt(k / n)
    theta = k * math.pi * (3.0 - math.sqrt(5.0))
    return r * np.cos(theta), r * np.sin(theta)


def _weights(incidents: gpd.GeoDataFrame, weight: Weight) -> np.ndarray:
    if weight == "count":
        return np.ones(len(incidents))
    # The low bound of each reported range, as the casualty filters count: a report of
    # 2–5 killed adds 2; an unknown count adds nothing.
    killed: np.ndarray = pd.to_numeric(incidents["fatalities_min"], errors="coerce").fillna(0).to_numpy(float)
    injured: np.ndarray = pd.to_numeric(incidents["injured_min"], errors="coerce").fillna(0).to_numpy(float)
    total: np.ndarray = killed + injured
    return total


def density_surface(events: gpd.GeoDataFrame, weight: Weight = "count") -> Density | None:
    """The density of the incidents among ``events``; None when none has a position or weight.

    Parameters
    ----------
    events : GeoDataFrame
        Events as :func:`layers.store.read_store` gives them (any layers: only incidents
        count), in EPSG:4326.
    weight : {"count", "casualties"}
        One per incident, or the low bound of the people reported killed plus injured.
    """
    if weight not in WEIGHTS:
        raise ValueError(f"unknown density weight {weight!r}; choose from {', '.join(WEIGHTS)}")
    if events.empty:
        return None
    # Only the columns used: taking rows of every column of a 100k frame costs seconds.
    columns = ["layer", "location_precision", "uncertainty_km", "fatalities_min", "injured_min"]
    frame = gpd.GeoDataFrame(events[columns], geometry=events.geometry, crs=events.crs)
    incidents = frame[(frame["layer"] == "incident").to_numpy(bool)]
    has_place = (
        incidents.geometry.notna()
        & ~incidents.geometry.is_empty
        & (incidents["location_precision"] != "none")
    ).to_numpy(bool)
    left_out = int((~has_place).sum())
    w_all = _weights(incidents, weight)
    keep = has_place & (w_all > 0)
    placed, w = incidents[keep], w_all[keep]
    if placed.empty:
        return None

    centres = placed.geometry.representative_point()
    lon = centres.x.to_numpy(float)
    lat = centres.y.to_numpy(float)
    # Spread radius on the ground (km): the circle of uncertainty, or an area's own size.
    radius = np.where(
        placed["location_precision"].to_numpy(object) == "exact",
        0.0,
        pd.to_numeric(placed["uncertainty_km"], errors="coerce").fillna(0).to_numpy(float),
    )
    is_area = placed.geometry.geom_type.isin(["Polygon", "MultiPolygon"]).to_numpy()
    if is_area.any():
        areas_km2 = placed[is_area].to_crs(placed[is_area].estimate_utm_crs()).area.to_numpy() / 1e6
        radius[is_area] = np.maximum(radius[is_area], np.sqrt(areas_km2 / math.pi))

    # Web Mercator metres; a ground kilometre at latitude φ is 1000 / cos φ of them.
    x = _R * np.radians(lon)
    y = _R * np.log(np.tan(math.pi / 4 + np.radians(lat) / 2))
    stretch = 1000.0 / np.cos(np.radians(lat))
    spread = radius > 0
    dx, dy = _sunflower(SPREAD_POINTS)
    px = np.concatenate([x[~spread], (x[spread, None] + dx * (radius * stretch)[spread, None]).ravel()])
    py = np.concatenate([y[~spread], (y[spread, None] + dy * (radius * stretch)[spread, None]).ravel()])
    pw = np.concatenate([w[~spread], np.repeat(w[spread] / SPREAD_POINTS, SPREAD_POINTS)])

    mean_stretch = 1000.0 / math.cos(math.radians(float(np.mean(lat))))
    sigma = BANDWIDTH_KM * mean_stretch
    margin = 3 * sigma
    x0, x1 = px.min() - margin, px.max() + margin
    y0, y1 = py.min() - margin, py.max() + margin
    cell = max(CELL_KM * mean_stretch, (x1 - x0) / MAX_CELLS, (y1 - y0) / MAX_CELLS)
    nx, ny = math.ceil((x1 - x0) / cell), math.ceil((y1 - y0) / cell)
    x1, y1 = x0 + nx * cell, y0 + ny * cell
    ix = np.clip(((px - x0) / cell).astype(np.int64), 0, nx - 1)
    iy = np.clip(((py - y0) / cell).astype(np.int64), 0, ny - 1)
    grid = np.bincount(iy * nx + ix, weights=pw, minlength=nx * ny).reshape(ny, nx)
    grid = _smooth(grid, sigma / cell)
    # Per km² of ground: a row's cells cover (cell · cos φ / 1000)² km².
    row_y = y0 + (np.arange(ny) + 0.5) * cell
    row_lat = np.degrees(2 * np.arctan(np.exp(row_y / _R)) - math.pi / 2)
    cell_km2 = (cell * np.cos(np.radians(row_lat)) / 1000.0) ** 2
    grid = grid / cell_km2[:, None]

    peak = float(grid.max())
    if peak <= 0:
        return None
    south, west = _to_degrees(x0, y0)
    north, east = _to_degrees(x1, y1)
    return Density(
        values=grid,
        cell_km2=cell_km2,
        bounds=((south, west), (north, east)),
        peak=peak,
        weight=weight,
        counted=len(placed),
        left_out=left_out,
    )


def _to_degrees(x: float, y: float) -> tuple[float, float]:
    return math.degrees(2 * math.atan(math.exp(y / _R)) - math.pi / 2), math.degrees(x / _R)


def _smooth(grid: np.ndarray, sigma_cells: float) -> np.ndarray:
    """A separable Gaussian blur, truncated at 3σ; the total weight is kept."""
    half = max(1, math.ceil(3 * sigma_cells))
    k = np.exp(-0.5 * (np.arange(-half, half + 1) / max(sigma_cells, 1e-9)) ** 2)
    k /= k.sum()

    def along(row: np.ndarray) -> np.ndarray:
        # "full" then the centre: the row's own length even when the kernel is longer
        full: np.ndarray = np.convolve(row, k, mode="full")
        return full[half : half + len(row)]

    out = np.apply_along_axis(along, 1, grid)
    result: np.ndarray = np.apply_along_axis(along, 0, out)
    return result


def _png(grid: np.ndarray, peak: float) -> bytes:
    """The grid as an RGBA PNG: transparent at zero, the ramp's colours, more opaque when denser."""
    from matplotlib.colors import LinearSegmentedColormap
    from PIL import Image

    level = np.clip(grid / peak, 0.0, 1.0)
    cmap = LinearSegmentedColormap.from_list("bordermon-density", list(RAMP))
    rgba = cmap(level)
    # Below 2 % of the peak nothing is drawn: the surface ends where incidents end.
    rgba[..., 3] = np.where(level < 0.02, 0.0, 0.35 + 0.4 * level)
    image = Image.fromarray((rgba * 255).round().astype(np.uint8), mode="RGBA")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
