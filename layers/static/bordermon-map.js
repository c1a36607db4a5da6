/* bordermon map script: draws the compact layers built by layers/mapdata.py.
 *
 * Events arrive as one columnar structure per layer and are drawn on one shared canvas
 * (symbols, uncertainty circles, areas); a popup is built only when an event is clicked.
 * Every piece of event or reference text is set with textContent, never as HTML, and
 * links are made only from http(s) URLs. Licence: MIT (bordermon).
 */
(function () {
  "use strict";
  if (window.bordermon && window.bordermon.version) {
    return;
  }
  var B = (window.bordermon = { version: 1, layers: {}, reference: {}, ready: false, readyAt: null });
  var SQRT3 = Math.sqrt(3) / 2;

  function polygon(n, rotation) {
    var pts = [];
    for (var i = 0; i < n; i++) {
      var a = rotation + (2 * Math.PI * i) / n;
      pts.push([Math.cos(a), Math.sin(a)]);
    }
    return pts;
  }
  function star() {
    var pts = [];
    for (var i = 0; i < 10; i++) {
      var a = -Math.PI / 2 + (Math.PI * i) / 5;
      var r = i % 2 ? 0.5 : 1.25;
      pts.push([r * Math.cos(a), r * Math.sin(a)]);
    }
    return pts;
  }
  // Unit outlines, scaled by the symbol radius; "circle" is drawn as an arc.
  var SHAPES = {
    triangle: [[0, -1.25], [1.25 * SQRT3, 0.625], [-1.25 * SQRT3, 0.625]],
    square: [[-0.9, -0.9], [0.9, -0.9], [0.9, 0.9], [-0.9, 0.9]],
    diamond: [[0, -1.2], [1.2, 0], [0, 1.2], [-1.2, 0]],
    pentagon: polygon(5, -Math.PI / 2).map(function (p) { return [p[0] * 1.1, p[1] * 1.1]; }),
    hexagon: polygon(6, 0).map(function (p) { return [p[0] * 1.05, p[1] * 1.05]; }),
    star: star()
  };
  B.SHAPES = SHAPES;

  // A circle marker drawn as another symbol on a canvas renderer (hit-testing stays a circle).
  var SymbolMarker = L.CircleMarker.extend({
    _updatePath: function () {
      var outline = SHAPES[this.options.shape];
      var renderer = this._renderer;
      if (!outline || !renderer || !renderer._ctx || !(renderer instanceof L.Canvas)) {
        return L.CircleMarker.prototype._updatePath.call(this);
      }
      if (!renderer._drawing || this._empty()) {
        return;
      }
      outlinePath(renderer._ctx, this.options.shape, this._point.x, this._point.y, this._radius);
      renderer._fillStroke(renderer._ctx, this);
    }
  });
  B.SymbolMarker = SymbolMarker;

  function outlinePath(g, shape, x, y, s) {
    var outline = SHAPES[shape];
    g.beginPath();
    if (!outline) {
      g.arc(x, y, s, 0, Math.PI * 2, false);
      return;
    }
    g.moveTo(x + outline[0][0] * s, y + outline[0][1] * s);
    for (var i = 1; i < outline.length; i++) {
      g.lineTo(x + outline[i][0] * s, y + outline[i][1] * s);
    }
    g.closePath();
  }

  // Each look of symbol is drawn once into a small image, then stamped with drawImage:
  // cheaper than a path, a fill and a stroke per symbol.
  var sprites = {};
  function sprite(o) {
    var key = o.sprite;
    if (!sprites[key]) {
      var ratio = L.Browser.retina ? 2 : 1;
      var half = Math.ceil(o.radius * 1.3 + (o.weight || 0) + 1);
      var size = 2 * half;
      // An ImageBitmap stamps fastest; a canvas element where OffscreenCanvas is missing.
      var offscreen = typeof OffscreenCanvas !== "undefined";
      var c = offscreen ? new OffscreenCanvas(size * ratio, size * ratio) : document.createElement("canvas");
      c.width = c.height = size * ratio;
      var g = c.getContext("2d");
      g.scale(ratio, ratio);
      outlinePath(g, o.shape, half, half, o.radius);
      g.globalAlpha = o.fillOpacity;
      g.fillStyle = o.fillColor;
      g.fill();
      if (o.dashArray) {
        g.setLineDash(String(o.dashArray).split(/[, ]+/).map(Number));
      }
      g.globalAlpha = o.opacity === undefined ? 1 : o.opacity;
      g.lineWidth = o.weight;
      g.strokeStyle = o.color;
      g.stroke();
      if (o.edge) {
        // A thin dark rim around the coloured ring, so that pale colours still show.
        outlinePath(g, o.shape, half, half, o.radius + o.weight / 2 + 0.5);
        g.setLineDash([]);
        g.globalAlpha = 0.8;
        g.lineWidth = 1;
        g.strokeStyle = o.edge;
        g.stroke();
      }
      var image = offscreen && c.transferToImageBitmap ? c.transferToImageBitmap() : c;
      sprites[key] = { image: image, half: half, size: size, scaled: ratio !== 1 };
    }
    return sprites[key];
  }

  // All the symbols of one layer as ONE Leaflet path: coordinates in typed arrays,
  // projected in one loop, stamped as images, hit-tested through a grid. One Leaflet
  // object per event costs ~10 µs to create and add, and one more link in the canvas's
  // draw list; 100k of them take seconds. Draw order is entry order: last is on top.
  var D2R = Math.PI / 180, MAX_LAT = 85.0511287798, CELL = 32;

  // st_folium sends the clicked object's tooltip text back to Python
  // (returned_objects=["last_object_clicked_tooltip"]). bordermon's event layers answer
  // with the id of the event clicked, so the dashboard selects exactly that event even
  // where several share a place. No tooltip is shown: only getTooltip() is read.
  var CLICK_MARK = { _content: "bordermon event id" };
  function areaTooltip() {
    var id = this._bordermonId;
    return { getContent: function () { return id; } };
  }
  var SymbolSet = L.Path.extend({
    options: { interactive: true, stroke: false },

    initialize: function (entries, options) {
      L.setOptions(this, options);
      this._tooltip = CLICK_MARK;
      this._e = entries;
      this._n = entries.lat.length;
      this._x = new Float64Array(this._n);
      this._y = new Float64Array(this._n);
      this._drawn = new Uint8Array(this._n);
      this._hit = -1;
    },

    getBounds: function () {
      var b = L.latLngBounds([]);
      for (var k = 0; k < this._n; k++) {
        b.extend([this._e.lat[k], this._e.lng[k]]);
      }
      return b;
    },

    latLngOf: function (k) {
      return L.latLng(this._e.lat[k], this._e.lng[k]);
    },

    // The id of the event under the last click (see CLICK_MARK).
    getTooltip: function () {
      var id = this._hit >= 0 ? this.options.ids[this._e.event[this._hit]] : "";
      return { getContent: function () { return id; } };
    },

    _project: function () {
      var map = this._map, e = this._e, n = this._n, x = this._x, y = this._y;
      var origin = map.getPixelOrigin(), zoom = map.getZoom();
      var minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity, k, p;
      if (map.options.crs === L.CRS.EPSG3857) {
        var scale = map.options.crs.scale(zoom);
        for (k = 0; k < n; k++) {
          var sin = Math.sin(Math.max(Math.min(MAX_LAT, e.lat[k]), -MAX_LAT) * D2R);
          // Whole pixels, as Leaflet rounds: sprites stamped at fractions are resampled.
          x[k] = Math.round(scale * (0.5 + e.lng[k] / 360)) - origin.x;
          y[k] = Math.round(scale * (0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI))) - origin.y;
        }
      } else {
        for (k = 0; k < n; k++) {
          p = map.latLngToLayerPoint([e.lat[k], e.lng[k]]);
          x[k] = p.x;
          y[k] = p.y;
        }
      }
      for (k = 0; k < n; k++) {
        if (x[k] < minX) { minX = x[k]; }
        if (x[k] > maxX) { maxX = x[k]; }
        if (y[k] < minY) { minY = y[k]; }
        if (y[k] > maxY) { maxY = y[k]; }
      }
      var w = this._maxReach();
      this._pxBounds = n ? L.bounds([minX - w, minY - w], [maxX + w, maxY + w]) : undefined;
      this._grid = null;
      this._drawn.fill(0);
    },

    _maxReach: function () {
      var styles = this.options.styles, w = 0;
      for (var s = 0; s < styles.length; s++) {
        w = Math.max(w, sprite(styles[s]).half);
      }
      return w + (this._renderer ? this._renderer.options.tolerance || 0 : 0);
    },

    _update: function () {
      if (this._map) {
        this._updatePath();
      }
    },

    _updatePath: function () {
      var renderer = this._renderer;
      if (!renderer || !renderer._drawing) {
        return;
      }
      var ctx = renderer._ctx, b = renderer._redrawBounds || renderer._bounds;
      var styles = this.options.styles, st = this._e.style, x = this._x, y = this._y;
      var images = styles.map(sprite), drawn = this._drawn;
      var x0 = b.min.x, y0 = b.min.y, x1 = b.max.x, y1 = b.max.y;
      ctx.globalAlpha = 1;
      for (var k = 0; k < this._n; k++) {
        var s = images[st[k]], half = s.half;
        if (x[k] + half < x0 || x[k] - half > x1 || y[k] + half < y0 || y[k] - half > y1) {
          continue;
        }
        if (s.scaled) {
          ctx.drawImage(s.image, x[k] - half, y[k] - half, s.size, s.size);
        } else {
          ctx.drawImage(s.image, x[k] - half, y[k] - half);
        }
        drawn[k] = 1;
      }
    },

    _buildGrid: function () {
      var grid = {}, x = this._x, y = this._y;
      for (var k = 0; k < this._n; k++) {
        var key = Math.floor(x[k] / CELL) + ":" + Math.floor(y[k] / CELL);
        (grid[key] || (grid[key] = [])).push(k);
      }
      this._grid = grid;
    },

    // The topmost symbol under a point (radius plus the renderer's tolerance).
    _containsPoint: function (p) {
      if (!this._grid) {
        this._buildGrid();
      }
      var styles = this.options.styles, st = this._e.style, tol = this._renderer.options.tolerance || 0;
      var reach = this._maxReach(), best = -1;
      var cx0 = Math.floor((p.x - reach) / CELL), cx1 = Math.floor((p.x + reach) / CELL);
      var cy0 = Math.floor((p.y - reach) / CELL), cy1 = Math.floor((p.y + reach) / CELL);
      for (var cx = cx0; cx <= cx1; cx++) {
        for (var cy = cy0; cy <= cy1; cy++) {
          var cell = this._grid[cx + ":" + cy];
          if (!cell) {
            continue;
          }
          for (var j = 0; j < cell.length; j++) {
            var k = cell[j], r = styles[st[k]].radius + tol;
            var dx = this._x[k] - p.x, dy = this._y[k] - p.y;
            if (k > best && dx * dx + dy * dy <= r * r) {
              best = k;
            }
          }
        }
      }
      this._hit = best;
      return best >= 0;
    },

    // Events with at least one symbol drawn in the last redraws (for tests and counts).
    drawnEvents: function () {
      var seen = {};
      for (var k = 0; k < this._n; k++) {
        if (this._drawn[k]) {
          seen[this._e.event[k]] = true;
        }
      }
      return seen;
    }
  });
  B.SymbolSet = SymbolSet;

  var hatches = {};
  function hatch(color) {
    if (!hatches[color]) {
      var c = document.createElement("canvas");
      c.width = c.height = 8;
      var g = c.getContext("2d");
      g.strokeStyle = color;
      g.lineWidth = 1.6;
      g.beginPath();
      g.moveTo(0, 8);
      g.lineTo(8, 0);
      g.moveTo(-2, 2);
      g.lineTo(2, -2);
      g.moveTo(6, 10);
      g.lineTo(10, 6);
      g.stroke();
      hatches[color] = g.createPattern(c, "repeat");
    }
    return hatches[color];
  }
  B.hatch = hatch;

  function renderer(map) {
    if (!map._bordermonRenderer) {
      map._bordermonRenderer = L.canvas({ padding: 0.3, tolerance: 3 });
    }
    return map._bordermonRenderer;
  }

  // The country polygons get their own canvas under the overlays: they are not
  // interactive, and filling them (no tiles) must not redraw 100k events.
  function contextRenderer(map) {
    if (!map._bordermonContext) {
      var pane = map.createPane("bordermonContext");
      pane.style.zIndex = 350;
      pane.style.pointerEvents = "none";
      map._bordermonContext = L.canvas({ pane: "bordermonContext", padding: 0.3 });
    }
    return map._bordermonContext;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined && text !== null) {
      node.textContent = String(text);
    }
    return node;
  }
  function safeUrl(url) {
    return typeof url === "string" && /^https?:\/\//i.test(url) ? url : null;
  }
  function link(text, url) {
    var href = safeUrl(url);
    if (!href) {
      return el("span", null, text);
    }
    var a = el("a", null, text);
    a.setAttribute("href", href);
    a.setAttribute("target", "_blank");
    a.setAttribute("rel", "noopener noreferrer");
    return a;
  }
  function row(dl, label, value) {
    if (value === undefined || value === null || value === "") {
      return;
    }
    dl.appendChild(el("dt", null, label));
    dl.appendChild(el("dd", null, value));
  }

  // Restack after toggling: areas at the back, symbols on top, so a click on a symbol
  // inside a zone or an uncertainty circle opens the symbol's event.
  // Each map keeps its own stack (a Streamlit rerun draws a new map in the same page).
  function register(map, order, group) {
    var stack = map._bordermonStack || (map._bordermonStack = []);
    stack.push({ order: order, group: group });
    stack.sort(function (a, b) { return a.order - b.order; });
  }
  function restack(map) {
    var stack = map._bordermonStack || [];
    for (var i = 0; i < stack.length; i++) {
      var g = stack[i].group;
      if (map.hasLayer(g)) {
        g.bringToFront();
      }
    }
  }
  B.restack = restack;

  // ------------------------------------------------------------------ events

  function text(d, i) {
    return i >= 0 ? d.strings[i] : null;
  }

  // Where the event lies relative to the boundary, from the measures the payload carries
  // (none without them): the same words as layers.mapdata.describe_distance.
  function distanceText(d, i) {
    var band = d.bands ? d.bands[d.b[i]] : null;
    if (!band || !band.text) {
      return null;
    }
    var t = d.distance;
    var km = function (steps) { return (Math.abs(steps) * t.step).toFixed(1); };
    var best = d.d[i], lo = best - d.dn[i], hi = best + d.dx[i];
    var out = band.text.replace("{km}", km(best));
    if (lo === hi) {
      return out;
    }
    var across = lo < 0 && hi > 0;
    var first = across ? lo : Math.min(Math.abs(lo), Math.abs(hi));
    var last = across ? hi : Math.max(Math.abs(lo), Math.abs(hi));
    var span = (across ? t.across : t.range)
      .replace("{low}", km(first))
      .replace("{high}", km(last))
      .replace("{why}", t.why[d.k[i] === 3 ? 1 : 0]);
    return out + " (" + span + ")";
  }
  B.distanceText = distanceText;

  // The fill colour of an event: its category's, or its distance band's.
  function colorOf(d, i) {
    return d.color_by === "distance_band" ? d.bands[d.b[i]].color : d.categories[d.c[i]].color;
  }

  function eventPopup(d, i) {
    var cat = d.categories[d.c[i]];
    var root = el("div", "bm-popup");
    root.setAttribute("data-event-id", d.id[i]);
    root.appendChild(el("div", "bm-popup-kind", d.label + " · " + cat.label));
    root.appendChild(el("h3", "bm-popup-title", text(d, d.t[i])));
    var dl = el("dl", "bm-popup-facts");
    row(dl, d.interval ? "Reported period" : "Date", text(d, d.w[i]));
    row(dl, "Place", text(d, d.l[i]));
    row(dl, "Actors", text(d, d.a[i]));
    if (!d.interval) {
      row(dl, "Casualties", text(d, d.q[i]));
    }
    row(dl, "Confidence", d.confidences[d.f[i]][1]);
    var precision = d.precisions[d.p[i]][1];
    if (d.r[i] > 0 && d.p[i] !== 0) {
      precision += ", within " + (d.r[i] / 1000).toLocaleString("en") + " km";
    }
    if (d.k[i] === 2 && !(d.r[i] > 0)) {
      precision += " (extent not mapped)";
    }
    row(dl, "Location", precision);
    row(dl, "From the boundary", distanceText(d, i));
    row(dl, "Note", text(d, d.o[i]));
    root.appendChild(dl);
    var first = d.so[i], count = d.sn[i];
    root.appendChild(el("div", "bm-popup-sources-title", "Sources (" + count + ")"));
    var list = el("ol", "bm-popup-sources");
    for (var j = 0; j < count; j++) {
      var src = d.sources[d.s[first + j]];
      var li = el("li");
      li.appendChild(el("span", "bm-source-publisher", text(d, src[1])));
      li.appendChild(document.createTextNode(": "));
      li.appendChild(link(text(d, src[2]), text(d, src[0])));
      var meta = text(d, src[3]);
      if (meta) {
        li.appendChild(el("span", "bm-source-meta", " (" + meta + ")"));
      }
      list.appendChild(li);
    }
    root.appendChild(list);
    root.appendChild(el("div", "bm-popup-id", "id: " + d.id[i]));
    return root;
  }
  B.eventPopup = eventPopup;

  function latlngs(flat, ox, oy, scale) {
    var out = [];
    for (var j = 0; j + 1 < flat.length; j += 2) {
      out.push([oy + flat[j + 1] / scale, ox + flat[j] / scale]);
    }
    return out;
  }

  // Fill and outline of areas: solid translucent for confirmed/reported, hatched for
  // claimed/disputed; a dashed outline when the place is approximate or an area. The
  // outline is the fill's colour, or "edge" (coloured by distance band: pale bands).
  function areaStyle(d, i, color, r, edge) {
    var conf = d.confidences[d.f[i]][0];
    var soft = conf === "claimed" || conf === "disputed";
    return {
      renderer: r,
      color: edge || color,
      weight: 1.5,
      opacity: 0.9,
      dashArray: d.p[i] === 0 ? null : "6 4",
      fill: true,
      fillColor: soft ? hatch(color) : color,
      fillOpacity: soft ? 0.7 : conf === "confirmed" ? 0.3 : 0.18
    };
  }

  function styleKey(s) {
    // Everything _fillStroke reads; symbols with the same key look the same.
    var fill = s.fillColor && typeof s.fillColor !== "string" ? "hatch:" + s.color : s.fillColor;
    return [s.color, s.weight, s.opacity, s.dashArray, fill, s.fillOpacity, s.edge].join("|");
  }

  // Symbol looks, shared: each becomes one sprite. The shape is the category's, the
  // colour the category's or the distance band's; "edge" rims a hollow symbol's ring.
  function symbolStyle(cache, cat, color, radius, soft, hollow, edge) {
    var name = cat.key + "|" + color + "|" + radius + "|" + soft + "|" + hollow + "|" + edge;
    if (!cache[name]) {
      var s = hollow
        ? { shape: cat.shape, radius: radius, color: color, weight: 2, dashArray: "3 2",
            fillColor: "#ffffff", fillOpacity: 0.85, edge: edge }
        : { shape: cat.shape, radius: radius, color: "#1a1a1a", weight: 1,
            fillColor: color, fillOpacity: soft ? 0.45 : 0.9 };
      s.sprite = cat.shape + "|" + radius + "|" + styleKey(s);
      cache[name] = s;
    }
    return cache[name];
  }

  B.addEvents = function (map, group, json, key, order) {
    var d = JSON.parse(json);
    var r = renderer(map);
    var ox = d.origin[0], oy = d.origin[1], scale = d.scale;
    var areas = L.featureGroup();
    // Offsets of each event's sources in the flat list d.s.
    d.so = new Int32Array(d.sn.length + 1);
    for (var q = 0; q < d.sn.length; q++) {
      d.so[q + 1] = d.so[q] + d.sn[q];
    }
    var n = d.id.length;
    var objects = 0, looks = {};
    var soft = d.confidences.map(function (c) { return c[0] === "claimed" || c[0] === "disputed"; });
    var byBand = d.color_by === "distance_band";
    // Band colours near the line are pale: outlines of areas and of hollow symbols get
    // a dark edge so they show on any base map.
    var edge = byBand ? "#4d4d4d" : null;
    // Events are drawn grouped by look, larger (more severe) symbols last, on top.
    var buckets = {}, names = [], i;
    for (i = 0; i < n; i++) {
      var name = d.v[i] + "|" + d.c[i] + "|" + (soft[d.f[i]] ? 1 : 0) + (byBand ? "|" + d.b[i] : "");
      if (!buckets[name]) {
        buckets[name] = [];
        names.push(name);
      }
      buckets[name].push(i);
    }
    names.sort();
    var lat = [], lng = [], event = [], style = [], styles = [], styleIndex = {};
    function symbol(ll, look, index) {
      var s = styleIndex[look.sprite];
      if (s === undefined) {
        s = styleIndex[look.sprite] = styles.length;
        styles.push(look);
      }
      lat.push(ll[0]);
      lng.push(ll[1]);
      event.push(index);
      style.push(s);
    }
    function area(obj, index) {
      obj._bordermonIndex = index;
      obj._bordermonId = d.id[index];
      obj._tooltip = CLICK_MARK;
      obj.getTooltip = areaTooltip;
      areas.addLayer(obj);
      objects += 1;
    }
    for (var b = 0; b < names.length; b++) {
      var members = buckets[names[b]];
      for (var m = 0; m < members.length; m++) {
        i = members[m];
        var cat = d.categories[d.c[i]], color = colorOf(d, i);
        var isSoft = soft[d.f[i]];
        var radius = d.radii[d.v[i]];
        var ll = [oy + d.y[i] / scale, ox + d.x[i] / scale];
        var kind = d.k[i];
        if (kind === 0) {
          symbol(ll, symbolStyle(looks, cat, color, radius, isSoft, false), i);
        } else if (kind === 1 || kind === 2) {
          if (d.r[i] > 0) {
            // A thin solid ring: a dashed one costs twice the drawing time at 100k events.
            var ring = areaStyle(d, i, color, r);
            ring.dashArray = null;
            ring.weight = 1;
            ring.opacity = 0.75;
            if (kind === 1) {
              // A circle of uncertainty is a hint, not an area: keep it faint.
              ring.fillOpacity = isSoft ? 0.3 : 0.07;
            }
            area(L.circle(ll, L.extend(ring, { radius: d.r[i] })), i);
          }
          // The centre of an uncertain place: a hollow symbol, never a filled pin.
          symbol(ll, symbolStyle(looks, cat, color, radius, isSoft, true, edge), i);
        } else {
          var g = d.geom[String(i)];
          if (g[0] === "P") {
            var polys = g[1].map(function (rings) {
              return rings.map(function (ringCoords) { return latlngs(ringCoords, ox, oy, scale); });
            });
            area(L.polygon(polys, areaStyle(d, i, color, r, edge)), i);
          } else if (g[0] === "L") {
            var lines = g[1].map(function (line) { return latlngs(line, ox, oy, scale); });
            area(L.polyline(lines, {
              renderer: r, color: color, weight: 4, opacity: isSoft ? 0.55 : 0.9,
              dashArray: d.p[i] === 0 ? null : "8 5"
            }), i);
          } else {
            var pts = latlngs(g[1], ox, oy, scale);
            for (var j = 0; j < pts.length; j++) {
              symbol(pts[j], symbolStyle(looks, cat, color, radius, isSoft, false), i);
            }
          }
        }
      }
    }
    var symbols = new SymbolSet(
      {
        lat: Float64Array.from(lat),
        lng: Float64Array.from(lng),
        event: Int32Array.from(event),
        style: Uint16Array.from(style)
      },
      { renderer: r, styles: styles, ids: d.id }
    );
    group.addLayer(areas);
    group.addLayer(symbols);
    register(map, order, areas);
    register(map, order + 100, symbols);
    group.on("click", function (e) {
      var target = e.sourceTarget || e.layer, index, at;
      if (target instanceof SymbolSet) {
        if (target._hit < 0) {
          return;
        }
        index = target._e.event[target._hit];
        at = target.latLngOf(target._hit);
      } else if (target && target._bordermonIndex !== undefined) {
        index = target._bordermonIndex;
        at = e.latlng;
      } else {
        return;
      }
      L.popup({ maxWidth: 380, minWidth: 260, className: "bm-popup-wrap" })
        .setLatLng(at)
        .setContent(eventPopup(d, index))
        .openOn(map);
    });
    B.layers[key] = {
      key: key, data: d, group: group, areas: areas, symbols: symbols, events: n,
      objects: objects + lat.length
    };
    return B.layers[key];
  };

  // The events of a layer that are drawn: on the map, inside the drawn canvas area.
  B.drawnEvents = function (key) {
    var layer = B.layers[key], seen = {};
    if (!layer || !B.map || !B.map.hasLayer(layer.group)) {
      return 0;
    }
    var bounds = renderer(B.map)._bounds;
    layer.areas.eachLayer(function (l) {
      if (l._map && l._pxBounds && bounds.intersects(l._pxBounds)) {
        seen[l._bordermonIndex] = true;
      }
    });
    if (layer.symbols._map) {
      L.extend(seen, layer.symbols.drawnEvents());
    }
    return Object.keys(seen).length;
  };

  // ------------------------------------------------------------------ reference

  var REFERENCE_STYLES = {
    country: { color: "#8a8a8a", weight: 1, fillColor: "#f5f3ee", fillOpacity: 0.12, interactive: false },
    country_xk: { color: "#8a8a8a", weight: 1, fillColor: "#fbfaf7", fillOpacity: 0.12, interactive: false },
    boundary_halo: { color: "#ffffff", weight: 6, opacity: 0.85, interactive: false },
    boundary: { color: "#6b1d1d", weight: 2.5, opacity: 1, dashArray: "10 4 2 4" },
    zone_gsz: { color: "#555555", weight: 1.2, dashArray: "4 4", fillColor: "#555555", fillOpacity: 0.35, hatch: true },
    zone_asz: { color: "#888888", weight: 1, dashArray: "2 5", fillColor: "#888888", fillOpacity: 0.18, hatch: true },
    crossing: { shape: "square", radius: 4, color: "#111111", weight: 2, fillColor: "#ffffff", fillOpacity: 1 },
    place: { shape: "circle", radius: 3, color: "#ffffff", weight: 1, fillColor: "#444444", fillOpacity: 1 },
    kfor_site: { shape: "hexagon", radius: 6, color: "#08306b", weight: 2, fillColor: "#deebf7", fillOpacity: 0.95 },
    label: { radius: 0, stroke: false, fill: false, interactive: false },
    kfor_site_unverified: {
      shape: "hexagon", radius: 6, color: "#08306b", weight: 2, dashArray: "3 2", fillColor: "#ffffff", fillOpacity: 0.7
    }
  };
  B.REFERENCE_STYLES = REFERENCE_STYLES;

  function referencePopup(props) {
    var root = el("div", "bm-popup bm-popup-reference");
    if (props.title) {
      root.appendChild(el("h3", "bm-popup-title", props.title));
    }
    var dl = el("dl", "bm-popup-facts");
    (props.rows || []).forEach(function (pair) { row(dl, pair[0], pair[1]); });
    root.appendChild(dl);
    if (props.links && props.links.length) {
      var list = el("ul", "bm-popup-sources");
      props.links.forEach(function (pair) {
        var li = el("li");
        li.appendChild(link(pair[0], pair[1]));
        list.appendChild(li);
      });
      root.appendChild(list);
    }
    return root;
  }

  B.addReference = function (map, group, json, key, order, labelClass) {
    var data = JSON.parse(json);
    var r = key === "countries" ? contextRenderer(map) : renderer(map);
    var count = 0;
    var layer = L.geoJSON(data, {
      style: function (feature) {
        var s = L.extend({ renderer: r }, REFERENCE_STYLES[feature.properties.s] || {});
        if (s.hatch) {
          s.fillColor = hatch(s.color);
          s.fillOpacity = 0.8;
        }
        return s;
      },
      pointToLayer: function (feature, latlng) {
        var s = L.extend({ renderer: r }, REFERENCE_STYLES[feature.properties.s] || {});
        return new SymbolMarker(latlng, s);
      },
      onEachFeature: function (feature, lyr) {
        var props = feature.properties;
        count += 1;
        lyr._bordermonKey = key;
        if (props.label) {
          var label = el("span", null, props.label);
          lyr.bindTooltip(label, {
            permanent: true,
            direction: feature.geometry.type === "Point" && props.s !== "label" ? "right" : "center",
            className: "bm-label " + (labelClass || ""),
            interactive: false,
            opacity: 1
          });
        }
        if ((props.rows && props.rows.length) || props.title) {
          lyr.bindPopup(function () { return referencePopup(props); }, { maxWidth: 380 });
        }
      }
    });
    if (key === "boundary") {
      // A white halo under the line keeps it readable on any basemap.
      var halo = L.geoJSON(data, { style: function () { return L.extend({ renderer: r }, REFERENCE_STYLES.boundary_halo); } });
      halo.eachLayer(function (l) { l.options.interactive = false; });
      group.addLayer(halo);
      register(map, order - 1, halo);
    }
    group.addLayer(layer);
    if (key !== "countries") {
      register(map, order, layer);
    }
    B.reference[key] = { key: key, group: group, layer: layer, features: count };
    return B.reference[key];
  };

  // ------------------------------------------------------------------ controls

  B.addControl = function (map, html, position, className) {
    var Box = L.Control.extend({
      onAdd: function () {
        var div = L.DomUtil.create("div", "bm-box " + className);
        // The HTML is built in Python with every piece of text escaped (layers/map.py).
        div.innerHTML = html;
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
        return div;
      }
    });
    return new Box({ position: position }).addTo(map);
  };

  // Countries are drawn faintly over tiles and filled when no tiles are shown, so the
  // map reads the same offline and in print.
  B.watchBase = function (map, blankName) {
    function apply(name) {
      var blank = name === blankName;
      map.getContainer().classList.toggle("bm-no-tiles", blank);
      var ref = B.reference.countries;
      if (ref) {
        ref.layer.setStyle(function (feature) {
          var s = L.extend({}, REFERENCE_STYLES[feature.properties.s]);
          s.fillOpacity = blank ? 1 : s.fillOpacity;
          return s;
        });
      }
    }
    map.on("baselayerchange", function (e) { apply(e.name); });
    // Offline no tile ever loads: fill the countries so the map still reads as a map.
    var loaded = 0, filled = false;
    map.eachLayer(function (layer) {
      if (layer instanceof L.TileLayer) {
        layer.on("tileload", function () { loaded += 1; });
        layer.on("tileerror", function () {
          if (!filled && loaded === 0) {
            filled = true;
            apply(blankName);
          }
        });
      }
    });
    map.on("overlayadd", function () { restack(map); });
    return apply;
  };

  // Set the first view before any layer is added, without animation: an animated
  // fitBounds would project and draw every layer twice.
  B.fitView = function (map, bounds) {
    B.ready = false;  // a new map (a Streamlit rerun): not drawn yet
    map.fitBounds(bounds, { animate: false });
  };

  B.markReady = function (map, initialBase, blankName, apply) {
    if (apply) {
      apply(initialBase === blankName ? blankName : initialBase);
    }
    restack(map);
    B.map = map;
    // Two animation frames: the canvas draws in the first one after the layers are added.
    requestAnimationFrame(function () {
      requestAnimationFrame(function () {
        B.ready = true;
        B.readyAt = performance.now();
        map.getContainer().setAttribute("data-bordermon-ready", "true");
      });
    });
  };
})();
