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

  // The visible pixels of a sprite, premultiplied, for stamping many symbols into one
  // buffer (see blitSymbols).
  function spritePixels(image) {
    var src = image.data, n = 0, p;
    for (p = 3; p < src.length; p += 4) {
      if (src[p]) { n += 1; }
    }
    var dx = new Int16Array(n), dy = new Int16Array(n), words = new Uint32Array(n), keep = new Uint16Array(n);
    var bytes = new Uint8ClampedArray(words.buffer), j = 0;
    for (p = 0; p < src.length; p += 4) {
      var a = src[p + 3];
      if (!a) { continue; }
      dx[j] = (p / 4) % image.width;
      dy[j] = Math.floor(p / 4 / image.width);
      bytes[4 * j] = Math.round((src[p] * a) / 255);
      bytes[4 * j + 1] = Math.round((src[p + 1] * a) / 255);
      bytes[4 * j + 2] = Math.round((src[p + 2] * a) / 255);
      bytes[4 * j + 3] = a;
      keep[j] = 255 - a;
      j += 1;
    }
    return { n: n, dx: dx, dy: dy, words: words, keep: keep, width: image.width, height: image.height };
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
      var pixels = spritePixels(g.getImageData(0, 0, size * ratio, size * ratio));
      var image = offscreen && c.transferToImageBitmap ? c.transferToImageBitmap() : c;
      sprites[key] = { image: image, half: half, size: size, scaled: ratio !== 1, pixels: pixels };
    }
    return sprites[key];
  }

  // ------------------------------------------------------------------ spatial index

  var D2R = Math.PI / 180, MAX_LAT = 85.0511287798;

  // Leaflet's EPSG:3857 pixel coordinates at zoom 0 ("world" units): at zoom z a point
  // lies at world * 2^z minus the pixel origin. Computed once per event, so a zoom or
  // pan step only multiplies and adds.
  function worldX(lng) {
    return 256 * (0.5 + lng / 360);
  }
  function worldY(lat) {
    var sin = Math.sin(Math.max(Math.min(MAX_LAT, lat), -MAX_LAT) * D2R);
    return 256 * (0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI));
  }
  function worldOf(map, lat, lng) {
    if (map.options.crs === L.CRS.EPSG3857) {
      return [worldX(lng), worldY(lat)];
    }
    var p = map.project([lat, lng], 0);
    return [p.x, p.y];
  }
  function zoomFactor(map) {
    var crs = map.options.crs;
    return crs.scale(map.getZoom()) / crs.scale(0);
  }

  // A static grid over the items' boxes in world units, built once per layer: which
  // items can lie in a box is answered by visiting the cells it covers (CSR arrays).
  // Results come back in item order, the order they are drawn in.
  function GridIndex(x0s, y0s, x1s, y1s) {
    var n = x0s.length, k, i, j;
    var minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (k = 0; k < n; k++) {
      if (x0s[k] < minX) { minX = x0s[k]; }
      if (y0s[k] < minY) { minY = y0s[k]; }
      if (x1s[k] > maxX) { maxX = x1s[k]; }
      if (y1s[k] > maxY) { maxY = y1s[k]; }
    }
    var g = Math.max(1, Math.min(256, Math.ceil(Math.sqrt(n / 4))));
    this.n = n;
    this.g = g;
    this.minX = minX;
    this.minY = minY;
    this.maxX = maxX;
    this.maxY = maxY;
    this.cw = (maxX - minX) / g || 1;
    this.ch = (maxY - minY) / g || 1;
    this.x0s = x0s;
    this.y0s = y0s;
    this.x1s = x1s;
    this.y1s = y1s;
    var start = new Int32Array(g * g + 1), total = 0;
    for (k = 0; k < n; k++) {
      var c = this._cells(x0s[k], y0s[k], x1s[k], y1s[k]);
      for (j = c[1]; j <= c[3]; j++) {
        for (i = c[0]; i <= c[2]; i++) {
          start[j * g + i + 1] += 1;
          total += 1;
        }
      }
    }
    for (i = 0; i < g * g; i++) {
      start[i + 1] += start[i];
    }
    var fill = start.slice(0, g * g), items = new Int32Array(total);
    for (k = 0; k < n; k++) {
      var d = this._cells(x0s[k], y0s[k], x1s[k], y1s[k]);
      for (j = d[1]; j <= d[3]; j++) {
        for (i = d[0]; i <= d[2]; i++) {
          items[fill[j * g + i]++] = k;
        }
      }
    }
    this.start = start;
    this.items = items;
    this.spans = total !== n;  // some item covers several cells: results need de-duplicating
    this.result = new Int32Array(n);
    this.seen = new Uint32Array(this.spans ? n : 0);
    this.stamp = 0;
  }
  GridIndex.prototype._cells = function (x0, y0, x1, y1) {
    var g = this.g;
    var clamp = function (v) { return Math.max(0, Math.min(g - 1, v)); };
    return [
      clamp(Math.floor((x0 - this.minX) / this.cw)), clamp(Math.floor((y0 - this.minY) / this.ch)),
      clamp(Math.floor((x1 - this.minX) / this.cw)), clamp(Math.floor((y1 - this.minY) / this.ch))
    ];
  };
  // Items whose box meets [x0, x1] × [y0, y1]: their count; the items are result[0..count).
  GridIndex.prototype.query = function (x0, y0, x1, y1) {
    var out = this.result, count = 0, k;
    if (!this.n || x1 < this.minX || x0 > this.maxX || y1 < this.minY || y0 > this.maxY) {
      return 0;
    }
    var x0s = this.x0s, y0s = this.y0s, x1s = this.x1s, y1s = this.y1s;
    var c = this._cells(x0, y0, x1, y1), g = this.g;
    if ((c[2] - c[0] + 1) * (c[3] - c[1] + 1) * 2 >= g * g) {
      // Most of the grid: one pass over the items is cheaper, and already in order.
      for (k = 0; k < this.n; k++) {
        if (x1s[k] >= x0 && x0s[k] <= x1 && y1s[k] >= y0 && y0s[k] <= y1) {
          out[count++] = k;
        }
      }
      return count;
    }
    var stamp = (this.stamp = (this.stamp + 1) >>> 0 || 1), seen = this.seen;
    for (var j = c[1]; j <= c[3]; j++) {
      for (var i = c[0]; i <= c[2]; i++) {
        var cell = j * g + i;
        for (var q = this.start[cell], end = this.start[cell + 1]; q < end; q++) {
          k = this.items[q];
          if (x1s[k] < x0 || x0s[k] > x1 || y1s[k] < y0 || y0s[k] > y1) {
            continue;
          }
          if (this.spans) {
            if (seen[k] === stamp) { continue; }
            seen[k] = stamp;
          }
          out[count++] = k;
        }
      }
    }
    out.subarray(0, count).sort();
    return count;
  };
  B.GridIndex = GridIndex;

  // The world box of a box of layer pixels (the renderer's bounds), widened by pixels.
  function worldBox(map, f, b, margin) {
    var o = map.getPixelOrigin();
    return [
      (b.min.x - margin + o.x) / f, (b.min.y - margin + o.y) / f,
      (b.max.x + margin + o.x) / f, (b.max.y + margin + o.y) / f
    ];
  }

  // ------------------------------------------------------------------ time hook

  // bordermon-time.js (playback, timeline window) sets `show` on a layer's SymbolSet and
  // AreaSet: one byte per event of the layer, 0 hidden, 1 shown, 2 shown faded; null
  // (the default) draws every event. The draw loops and clicks pass their in-view list
  // through timeShown, which keeps the shown items at the front of the list (their
  // count returned) and the faded ones in set._fadedList (set._fadedCount), drawn first
  // and translucent; for clicks (all true) faded ones are kept in the list too. After
  // changing `show` the time script asks for one redraw.
  var FADED_ALPHA = 0.35;
  function timeShown(set, list, count, all) {
    var show = set.show, n = 0, nf = 0;
    set._fadedCount = 0;
    if (!show) {
      return count;
    }
    var ev = set._e.event, faded = set._fadedList;
    if (!faded || faded.length < count) {
      faded = set._fadedList = new Int32Array(list.length);
    }
    for (var q = 0; q < count; q++) {
      var k = list[q], v = show[ev[k]];
      if (set._sharing && set._sharing[ev[k]]) {  // an area several reports share: shown while one is
        v = set._sharing[ev[k]].reduce(function (most, i) { return most === 1 || show[i] === 1 ? 1 : Math.max(most, show[i]); }, 0);
      }
      if (v === 1 || (all && v)) {
        list[n++] = k;
      } else if (v === 2) {
        faded[nf++] = k;
      }
    }
    set._fadedCount = nf;
    return n;
  }
  B.FADED_ALPHA = FADED_ALPHA;

  // ------------------------------------------------------------------ symbols

  // Stamping many symbols: each sprite's pixels are composited (source-over,
  // premultiplied) into one buffer, which is then drawn once. Equivalent to one
  // drawImage per symbol, and several times faster on a canvas drawn in software
  // (100k drawImage calls take ~0.3–0.5 s; this pass a fraction of it).
  var BLIT_MIN = 2000;
  var blit = { words: new Uint32Array(0), canvas: null };
  function blitSymbols(ctx, b, list, count, xs, ys, st, images) {
    var ratio = L.Browser.retina ? 2 : 1;
    var bx = Math.floor(b.min.x), by = Math.floor(b.min.y);
    var W = Math.ceil((b.max.x - bx) * ratio), H = Math.ceil((b.max.y - by) * ratio);
    if (W <= 0 || H <= 0 || W * H > 16e6) {
      return false;
    }
    if (blit.words.length < W * H) {
      blit.words = new Uint32Array(W * H);
    }
    // Premultiplied pixels, one 32-bit word each; two channels per multiply (R|B, G|A).
    var buf = blit.words;
    buf.fill(0, 0, W * H);
    for (var q = 0; q < count; q++) {
      var k = list[q], px = images[st[k]].pixels;
      var X = Math.round((xs[k] - images[st[k]].half - bx) * ratio);
      var Y = Math.round((ys[k] - images[st[k]].half - by) * ratio);
      var inside = X >= 0 && Y >= 0 && X + px.width <= W && Y + px.height <= H;
      var dx = px.dx, dy = px.dy, words = px.words, keep = px.keep, n = px.n;
      for (var j = 0; j < n; j++) {
        var x = X + dx[j], y = Y + dy[j];
        if (!inside && (x < 0 || y < 0 || x >= W || y >= H)) {
          continue;
        }
        var o = y * W + x, dst = buf[o], inv = keep[j];
        if (inv === 0 || dst === 0) {
          buf[o] = words[j];
        } else {
          buf[o] = (words[j] + ((((dst & 0xff00ff) * inv) >>> 8) & 0xff00ff) +
            ((((dst >>> 8) & 0xff00ff) * inv) & 0xff00ff00)) >>> 0;
        }
      }
    }
    var bytes = new Uint8ClampedArray(buf.buffer, 0, W * H * 4);
    // ImageData holds straight (not premultiplied) colour.
    for (var p = 0, end = W * H; p < end; p++) {
      var word = buf[p], alpha = word >>> 24;
      if (alpha && alpha < 255) {
        var f = 255 / alpha, c = 4 * p;
        bytes[c] = bytes[c] * f;
        bytes[c + 1] = bytes[c + 1] * f;
        bytes[c + 2] = bytes[c + 2] * f;
      }
    }
    if (!blit.canvas) {
      blit.canvas = document.createElement("canvas");
    }
    var c2 = blit.canvas;
    if (c2.width < W || c2.height < H) {
      c2.width = Math.max(c2.width, W);
      c2.height = Math.max(c2.height, H);
    }
    c2.getContext("2d").putImageData(new ImageData(bytes, W, H), 0, 0);
    ctx.globalAlpha = 1;
    ctx.drawImage(c2, 0, 0, W, H, bx, by, W / ratio, H / ratio);
    return true;
  }

  // All the symbols of one layer as ONE Leaflet path: coordinates in typed arrays,
  // projected in one loop, found through a grid index, and only those in view drawn.
  // One Leaflet object per event costs ~10 µs to create and add, and one more link in
  // the canvas's draw list; 100k of them take seconds. Draw order is entry order: last
  // is on top.

  // st_folium sends the clicked object's tooltip text back to Python
  // (returned_objects=["last_object_clicked_tooltip"]). bordermon's event layers answer
  // with the id of the event clicked, so the dashboard selects exactly that event even
  // where several share a place. No tooltip is shown: only getTooltip() is read.
  // An event chosen in a popup listing several (_pick, see choose) is reported instead.
  var CLICK_MARK = { _content: "bordermon event id" };
  function hitTooltip() {
    var event = this._pick >= 0 ? this._pick : this._hit >= 0 ? this._e.event[this._hit] : -1;
    var id = event >= 0 ? this.options.ids[event] : "";
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
    getTooltip: hitTooltip,

    // World coordinates and the index, once.
    _world: function () {
      if (this._index) {
        return;
      }
      var n = this._n, wx = new Float64Array(n), wy = new Float64Array(n);
      for (var k = 0; k < n; k++) {
        var w = worldOf(this._map, this._e.lat[k], this._e.lng[k]);
        wx[k] = w[0];
        wy[k] = w[1];
      }
      this._wx = wx;
      this._wy = wy;
      this._index = new GridIndex(wx, wy, wx, wy);
    },

    _project: function () {
      this._world();
      var map = this._map, n = this._n, x = this._x, y = this._y, wx = this._wx, wy = this._wy;
      var origin = map.getPixelOrigin(), f = zoomFactor(map), ox = origin.x, oy = origin.y;
      // Whole pixels, as Leaflet rounds: sprites stamped at fractions are resampled.
      for (var k = 0; k < n; k++) {
        x[k] = Math.round(wx[k] * f) - ox;
        y[k] = Math.round(wy[k] * f) - oy;
      }
      var index = this._index, w = this._maxReach();
      this._f = f;
      this._pxBounds = n
        ? L.bounds([index.minX * f - ox - w, index.minY * f - oy - w], [index.maxX * f - ox + w, index.maxY * f - oy + w])
        : undefined;
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

    // Symbols within the canvas area being drawn, found through the index, in order.
    _inView: function (b, margin) {
      var box = worldBox(this._map, this._f, b, margin);
      return this._index.query(box[0], box[1], box[2], box[3]);
    },

    _updatePath: function () {
      var renderer = this._renderer;
      if (!renderer || !renderer._drawing || !this._n) {
        return;
      }
      var ctx = renderer._ctx, b = renderer._redrawBounds || renderer._bounds;
      var styles = this.options.styles, st = this._e.style, x = this._x, y = this._y;
      var images = styles.map(sprite), drawn = this._drawn;
      var count = this._inView(b, this._maxReach()), list = this._index.result, q, k;
      count = timeShown(this, list, count);
      for (q = 0; q < this._fadedCount; q++) {  // time hook: faded first, underneath
        k = this._fadedList[q];
        drawn[k] = 1;
        var fs = images[st[k]];
        ctx.globalAlpha = FADED_ALPHA;
        ctx.drawImage(fs.image, x[k] - fs.half, y[k] - fs.half, fs.size, fs.size);
      }
      for (q = 0; q < count; q++) {
        drawn[list[q]] = 1;
      }
      this.lastDrawn = count + this._fadedCount;
      if (count >= BLIT_MIN && blitSymbols(ctx, b, list, count, x, y, st, images)) {
        return;
      }
      ctx.globalAlpha = 1;
      for (q = 0; q < count; q++) {
        k = list[q];
        var s = images[st[k]], half = s.half;
        if (s.scaled) {
          ctx.drawImage(s.image, x[k] - half, y[k] - half, s.size, s.size);
        } else {
          ctx.drawImage(s.image, x[k] - half, y[k] - half);
        }
      }
    },

    // The topmost symbol under a point (radius plus the renderer's tolerance).
    _containsPoint: function (p) {
      var styles = this.options.styles, st = this._e.style, tol = this._renderer.options.tolerance || 0;
      var reach = this._maxReach(), best = -1;
      var count = this._inView({ min: p, max: p }, reach), list = this._index.result;
      count = timeShown(this, list, count, true);  // time hook
      for (var q = 0; q < count; q++) {
        var k = list[q], r = styles[st[k]].radius + tol;
        var dx = this._x[k] - p.x, dy = this._y[k] - p.y;
        if (dx * dx + dy * dy <= r * r) {
          best = k;  // the list is in draw order: the last hit is on top
        }
      }
      this._hit = best;
      return best >= 0;
    },

    // Events with at least one symbol drawn since the last zoom (for tests and counts).
    drawnEvents: function () {
      var seen = {};
      for (var k = 0; k < this._n; k++) {
        if (this._drawn[k]) {
          seen[this._e.event[k]] = true;
        }
      }
      return seen;
    },

    // Every event with a symbol under a layer point (as _containsPoint reaches), topmost
    // first, each once: events that share a place are all reachable (see openAt).
    eventsAt: function (p) {
      if (!this._map || !this._index) {
        return [];
      }
      var styles = this.options.styles, st = this._e.style, tol = this._renderer.options.tolerance || 0;
      var count = this._inView({ min: p, max: p }, this._maxReach()), list = this._index.result;
      count = timeShown(this, list, count, true);  // time hook: what playback hides is not listed
      var out = [], seen = {};
      for (var q = count - 1; q >= 0; q--) {
        var k = list[q], r = styles[st[k]].radius + tol, dx = this._x[k] - p.x, dy = this._y[k] - p.y;
        var event = this._e.event[k];
        if (dx * dx + dy * dy <= r * r && !seen[event]) {
          seen[event] = true;
          out.push(event);
        }
      }
      return out;
    }
  });
  B.SymbolSet = SymbolSet;

  // ------------------------------------------------------------------ areas

  // Uncertainty circles, areas and lines of one layer as ONE Leaflet path on the same
  // canvas as the symbols: geometry in world units computed once, a grid index over
  // their boxes, and only those in view drawn, consecutive ones of one look as one path
  // (one fill and one stroke). Overlapping areas of one look are filled as one shape.
  var ELLIPSE = 0, POLYGON = 1, LINE = 2;
  var circleSprites = {}, circleSpriteCount = 0;
  function circleSprite(s, rx, ry) {
    var key = styleKey(s) + "|" + rx + "|" + ry;
    var found = circleSprites[key];
    if (found) {
      return found;
    }
    if (circleSpriteCount > 2000) {  // a long session at many zooms: start again
      circleSprites = {};
      circleSpriteCount = 0;
    }
    var ratio = L.Browser.retina ? 2 : 1, pad = Math.ceil((s.weight || 0) / 2) + 1;
    var hx = rx + pad, hy = ry + pad;
    var offscreen = typeof OffscreenCanvas !== "undefined";
    var c = offscreen ? new OffscreenCanvas(2 * hx * ratio, 2 * hy * ratio) : document.createElement("canvas");
    c.width = 2 * hx * ratio;
    c.height = 2 * hy * ratio;
    var g = c.getContext("2d");
    g.scale(ratio, ratio);
    g.beginPath();
    g.ellipse(hx, hy, rx, ry, 0, 0, Math.PI * 2, false);
    if (s.fill) {
      g.globalAlpha = s.fillOpacity;
      g.fillStyle = s.fillColor || s.color;
      g.fill();
    }
    if (s.weight) {
      g.setLineDash(s._dash || []);
      g.globalAlpha = s.opacity;
      g.lineWidth = s.weight;
      g.strokeStyle = s.color;
      g.stroke();
    }
    var image = offscreen && c.transferToImageBitmap ? c.transferToImageBitmap() : c;
    circleSpriteCount += 1;
    return (circleSprites[key] = { image: image, hx: hx, hy: hy });
  }
  var AreaSet = L.Path.extend({
    options: { interactive: true, stroke: false },

    // items: {kind, event, style, lat, lng, radius (metres, circles), parts (flat
    // [lng, lat, …] rings or lines, shapes)}; options.styles, options.ids.
    initialize: function (items, options) {
      L.setOptions(this, options);
      this._tooltip = CLICK_MARK;
      this._e = items;
      this._n = items.kind.length;
      this._drawn = new Uint8Array(this._n);
      this._hit = -1;
      var holed = new Uint8Array(this._n);
      for (var k = 0; k < this._n; k++) {
        holed[k] = items.parts[k] && items.parts[k].length > 1 && items.kind[k] === POLYGON ? 1 : 0;
      }
      this._holed = holed;
    },

    getTooltip: hitTooltip,

    _world: function () {
      if (this._index) {
        return;
      }
      var e = this._e, n = this._n, map = this._map;
      var x0 = new Float64Array(n), y0 = new Float64Array(n), x1 = new Float64Array(n), y1 = new Float64Array(n);
      var cx = new Float64Array(n), cy = new Float64Array(n), rx = new Float64Array(n), ry = new Float64Array(n);
      var parts = new Array(n);
      for (var k = 0; k < n; k++) {
        if (e.kind[k] === ELLIPSE) {
          // As L.Circle projects: the box of the circle's north and south points.
          var lat = e.lat[k], lng = e.lng[k], latR = e.radius[k] / 6371000 / D2R;
          var top = worldOf(map, lat + latR, lng), bottom = worldOf(map, lat - latR, lng);
          cx[k] = (top[0] + bottom[0]) / 2;
          cy[k] = (top[1] + bottom[1]) / 2;
          var lat2 = map.unproject([cx[k], cy[k]], 0).lat;
          var lngR = Math.acos((Math.cos(latR * D2R) - Math.sin(lat * D2R) * Math.sin(lat2 * D2R)) /
            (Math.cos(lat * D2R) * Math.cos(lat2 * D2R))) / D2R;
          rx[k] = isNaN(lngR) ? 0 : cx[k] - worldOf(map, lat2, lng - lngR)[0];
          ry[k] = cy[k] - top[1];
          x0[k] = cx[k] - rx[k];
          x1[k] = cx[k] + rx[k];
          y0[k] = cy[k] - ry[k];
          y1[k] = cy[k] + ry[k];
        } else {
          var minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
          parts[k] = e.parts[k].map(function (flat) {
            var out = new Float64Array(flat.length);
            for (var j = 0; j + 1 < flat.length; j += 2) {
              var w = worldOf(map, flat[j + 1], flat[j]);
              out[j] = w[0];
              out[j + 1] = w[1];
              minX = Math.min(minX, w[0]);
              maxX = Math.max(maxX, w[0]);
              minY = Math.min(minY, w[1]);
              maxY = Math.max(maxY, w[1]);
            }
            return out;
          });
          x0[k] = minX;
          y0[k] = minY;
          x1[k] = maxX;
          y1[k] = maxY;
        }
      }
      this._w = { cx: cx, cy: cy, rx: rx, ry: ry, parts: parts };
      this._index = new GridIndex(x0, y0, x1, y1);
    },

    _maxWeight: function () {
      var styles = this.options.styles, w = 0;
      for (var s = 0; s < styles.length; s++) {
        w = Math.max(w, styles[s].weight || 0);
      }
      return w + 1;
    },

    _project: function () {
      this._world();
      var map = this._map, index = this._index, o = map.getPixelOrigin(), f = zoomFactor(map);
      var w = this._maxWeight();
      this._f = f;
      this._origin = o;
      this._pxBounds = this._n
        ? L.bounds([index.minX * f - o.x - w, index.minY * f - o.y - w], [index.maxX * f - o.x + w, index.maxY * f - o.y + w])
        : undefined;
      this._drawn.fill(0);
    },

    _update: function () {
      if (this._map) {
        this._updatePath();
      }
    },

    // Adds item k to the current path.
    _path: function (ctx, k) {
      var f = this._f, ox = this._origin.x, oy = this._origin.y, w = this._w;
      if (this._e.kind[k] === ELLIPSE) {
        var x = w.cx[k] * f - ox, y = w.cy[k] * f - oy;
        var rx = Math.max(Math.round(w.rx[k] * f), 1), ry = Math.max(Math.round(w.ry[k] * f), 1);
        ctx.moveTo(x + rx, y);
        ctx.ellipse(x, y, rx, ry, 0, 0, Math.PI * 2, false);
        return;
      }
      var closed = this._e.kind[k] === POLYGON, parts = w.parts[k];
      for (var i = 0; i < parts.length; i++) {
        var flat = parts[i];
        for (var j = 0; j + 1 < flat.length; j += 2) {
          ctx[j ? "lineTo" : "moveTo"](flat[j] * f - ox, flat[j + 1] * f - oy);
        }
        if (closed) {
          ctx.closePath();
        }
      }
    },

    // A circle of uncertainty: stamped from an image of its look and size (drawn once),
    // which a canvas drawn in software does many times faster than filling and
    // stroking a path per circle; large ones (few are in view) are drawn as paths.
    _circle: function (ctx, k, s) {
      var f = this._f, w = this._w;
      var x = Math.round(w.cx[k] * f - this._origin.x), y = Math.round(w.cy[k] * f - this._origin.y);
      var rx = Math.max(Math.round(w.rx[k] * f), 1), ry = Math.max(Math.round(w.ry[k] * f), 1);
      if (rx > 128 || ry > 128) {
        ctx.beginPath();
        this._path(ctx, k);
        this._fillStroke(ctx, s, "nonzero");
        return;
      }
      var c = circleSprite(s, rx, ry);
      ctx.globalAlpha = 1;
      ctx.drawImage(c.image, x - c.hx, y - c.hy, 2 * c.hx, 2 * c.hy);
    },

    _fillStroke: function (ctx, s, rule) {
      if (s.fill) {
        ctx.globalAlpha = s.fillOpacity;
        ctx.fillStyle = s.fillColor || s.color;
        ctx.fill(rule);
      }
      if (s.weight) {
        ctx.setLineDash(s._dash || []);
        ctx.globalAlpha = s.opacity;
        ctx.lineWidth = s.weight;
        ctx.strokeStyle = s.color;
        ctx.lineCap = "round";
        ctx.lineJoin = "round";
        ctx.stroke();
      }
    },

    _updatePath: function () {
      var renderer = this._renderer;
      if (!renderer || !renderer._drawing || !this._n) {
        return;
      }
      var ctx = renderer._ctx, b = renderer._redrawBounds || renderer._bounds;
      var box = worldBox(this._map, this._f, b, this._maxWeight());
      var count = this._index.query(box[0], box[1], box[2], box[3]), list = this._index.result;
      var styles = this.options.styles, st = this._e.style, holed = this._holed, drawn = this._drawn;
      var q = 0;
      count = timeShown(this, list, count);
      this._drawFaded(ctx);  // time hook
      this.lastDrawn = count + this._fadedCount;
      var kinds = this._e.kind;
      while (q < count) {
        var first = list[q], look = st[first], s = styles[look];
        if (kinds[first] === ELLIPSE) {
          this._circle(ctx, first, s);
          drawn[first] = 1;
          q += 1;
          continue;
        }
        // A run of one look is one path (one fill, one stroke); a polygon with holes is
        // drawn alone, even-odd.
        ctx.beginPath();
        this._path(ctx, first);
        drawn[first] = 1;
        q += 1;
        if (!holed[first]) {
          while (q < count && st[list[q]] === look && kinds[list[q]] !== ELLIPSE && !holed[list[q]]) {
            this._path(ctx, list[q]);
            drawn[list[q]] = 1;
            q += 1;
          }
        }
        this._fillStroke(ctx, s, holed[first] ? "evenodd" : "nonzero");
      }
      ctx.globalAlpha = 1;
      ctx.setLineDash([]);
    },

    // Time hook: the faded areas, one at a time, translucent.
    _drawFaded: function (ctx) {
      for (var q = 0; q < this._fadedCount; q++) {
        var k = this._fadedList[q], s = this.options.styles[this._e.style[k]];
        if (!s._faded) {
          s._faded = L.extend({}, s, { opacity: s.opacity * FADED_ALPHA, fillOpacity: s.fillOpacity * FADED_ALPHA });
        }
        this._drawn[k] = 1;
        if (this._e.kind[k] === ELLIPSE) {
          this._circle(ctx, k, s._faded);
        } else {
          ctx.beginPath();
          this._path(ctx, k);
          this._fillStroke(ctx, s._faded, this._holed[k] ? "evenodd" : "nonzero");
        }
      }
    },

    // The topmost area under a point: inside a circle or polygon, or on a line.
    _containsPoint: function (p) {
      var tol = this._renderer.options.tolerance || 0, f = this._f, o = this._origin;
      var box = worldBox(this._map, f, { min: p, max: p }, tol + this._maxWeight());
      var count = this._index.query(box[0], box[1], box[2], box[3]), list = this._index.result;
      count = timeShown(this, list, count, true);  // time hook
      var px = (p.x + o.x) / f, py = (p.y + o.y) / f, w = this._w;
      this._hit = -1;
      for (var q = count - 1; q >= 0; q--) {
        var k = list[q], kind = this._e.kind[k], s = this.options.styles[this._e.style[k]];
        var near = ((s.weight || 0) / 2 + tol) / f;
        if (kind === ELLIPSE) {
          var dx = (px - w.cx[k]) / (w.rx[k] + near), dy = (py - w.cy[k]) / (w.ry[k] + near);
          if (dx * dx + dy * dy <= 1) {
            this._hit = k;
            return true;
          }
        } else if ((kind === POLYGON && inside(w.parts[k], px, py)) || nearLine(w.parts[k], px, py, near, kind === POLYGON)) {
          this._hit = k;
          return true;
        }
      }
      return false;
    },

    drawnEvents: function () {
      var seen = {}, sharing = this._sharing || {}, show = this.show;
      for (var k = 0; k < this._n; k++) {
        if (this._drawn[k]) {
          var event = this._e.event[k];
          if (!sharing[event]) {
            seen[event] = true;
            continue;
          }
          // An area several reports share stands for each of them that is shown.
          sharing[event].forEach(function (i) {
            if (!show || show[i]) {
              seen[i] = true;
            }
          });
        }
      }
      return seen;
    },

    // What an event's area is, for tests: {kind, radius (m, circles), style}.
    itemOf: function (eventIndex) {
      for (var k = 0; k < this._n; k++) {
        if (this._e.event[k] === eventIndex) {
          var kind = ["circle", "polygon", "line"][this._e.kind[k]];
          return { kind: kind, radius: kind === "circle" ? this._e.radius[k] : null, style: this.options.styles[this._e.style[k]] };
        }
      }
      return null;
    }
  });
  B.AreaSet = AreaSet;

  // Even-odd point in polygon over every ring (world units).
  function inside(rings, x, y) {
    var c = false;
    for (var r = 0; r < rings.length; r++) {
      var a = rings[r], n = a.length / 2;
      for (var i = 0, j = n - 1; i < n; j = i++) {
        var xi = a[2 * i], yi = a[2 * i + 1], xj = a[2 * j], yj = a[2 * j + 1];
        if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) {
          c = !c;
        }
      }
    }
    return c;
  }
  function nearLine(parts, x, y, d, closed) {
    for (var r = 0; r < parts.length; r++) {
      var a = parts[r], n = a.length / 2;
      for (var i = closed ? 0 : 1; i < n; i++) {
        var j = i === 0 ? n - 1 : i - 1;
        var x1 = a[2 * j], y1 = a[2 * j + 1], x2 = a[2 * i], y2 = a[2 * i + 1];
        var dx = x2 - x1, dy = y2 - y1, len = dx * dx + dy * dy;
        var t = len ? Math.max(0, Math.min(1, ((x - x1) * dx + (y - y1) * dy) / len)) : 0;
        var ex = x1 + t * dx - x, ey = y1 + t * dy - y;
        if (ex * ex + ey * ey <= d * d) {
          return true;
        }
      }
    }
    return false;
  }

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
      map._bordermonRenderer = L.canvas({ padding: 0.1, tolerance: 3 });
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

  // A number as the map's language writes it (d.locale, from Python): 1.5, 1,5; with
  // "digits", exactly that many decimals, as layers.i18n's format_decimal.
  function number(d, value, digits) {
    var options = digits === undefined ? { maximumFractionDigits: 3 } : { minimumFractionDigits: digits, maximumFractionDigits: digits };
    return value.toLocaleString(d.locale || "en", options);
  }

  // Where the event lies relative to the boundary, from the measures the payload carries
  // (none without them): the same words as layers.mapdata.describe_distance.
  function distanceText(d, i) {
    var band = d.bands ? d.bands[d.b[i]] : null;
    if (!band || !band.text) {
      return null;
    }
    var t = d.distance;
    var km = function (steps) { return number(d, Math.abs(steps) * t.step, 1); };
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
    var w = d.words;
    row(dl, d.interval ? w.period : w.date, text(d, d.w[i]));
    row(dl, w.place, text(d, d.l[i]));
    row(dl, w.actors, text(d, d.a[i]));
    if (!d.interval) {
      row(dl, w.casualties, text(d, d.q[i]));
    }
    row(dl, w.confidence, d.confidences[d.f[i]][1]);
    var precision = d.precisions[d.p[i]][1];
    if (d.r[i] > 0 && d.p[i] !== 0) {
      precision = w.within.replace("{precision}", precision).replace("{km}", number(d, d.r[i] / 1000));
    }
    if (d.k[i] === 2 && !(d.r[i] > 0)) {
      precision = w.unmapped.replace("{precision}", precision);
    }
    row(dl, w.location, precision);
    row(dl, w.boundary, distanceText(d, i));
    row(dl, w.note, text(d, d.o[i]));
    root.appendChild(dl);
    var first = d.so[i], count = d.sn[i];
    root.appendChild(el("div", "bm-popup-sources-title", w.sources.replace("{count}", number(d, count))));
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
    root.appendChild(el("div", "bm-popup-id", w.id.replace("{id}", d.id[i])));
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
  function areaStyle(d, i, color, edge) {
    var conf = d.confidences[d.f[i]][0];
    var soft = conf === "claimed" || conf === "disputed";
    return {
      color: edge || color,
      weight: 1.5,
      opacity: 0.9,
      dashArray: d.p[i] === 0 ? null : "6 4",
      fill: true,
      fillColor: soft ? hatch(color) : color,
      fillOpacity: soft ? 0.7 : conf === "confirmed" ? 0.3 : 0.18
    };
  }

  // An area several reports share (a drawing convention, not a position each): one light
  // outline and a faint fill, whatever the reports' confidence.
  function sharedStyle(color, edge, filled) {
    return {
      color: edge || color, weight: filled ? 1 : 3, opacity: filled ? 0.7 : 0.5, dashArray: "6 4",
      fill: filled, fillColor: color, fillOpacity: 0.07
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
    // Offsets of each event's sources in the flat list d.s.
    d.so = new Int32Array(d.sn.length + 1);
    for (var q = 0; q < d.sn.length; q++) {
      d.so[q + 1] = d.so[q] + d.sn[q];
    }
    var n = d.id.length;
    var looks = {};
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
    // Events drawn with one shared area (layers/mapdata.py merges identical areas of a
    // layer, e.g. a band several reports use as a drawing convention): the area is drawn
    // once, light, by its first event, and its popup lists every report (see openAt).
    var sharing = {};
    Object.keys(d.share || {}).forEach(function (other) {
      var first = d.share[other];
      (sharing[first] || (sharing[first] = [first])).push(Number(other));
    });
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
    var shapes = { kind: [], event: [], style: [], lat: [], lng: [], radius: [], parts: [] };
    var areaStyles = [], areaIndex = {};
    function area(kind, look, index, ll, metres, parts) {
      var key = styleKey(look), s = areaIndex[key];
      if (s === undefined) {
        s = areaIndex[key] = areaStyles.length;
        look._dash = look.dashArray ? String(look.dashArray).split(/[, ]+/).map(Number) : null;
        areaStyles.push(look);
      }
      shapes.kind.push(kind);
      shapes.event.push(index);
      shapes.style.push(s);
      shapes.lat.push(ll ? ll[0] : NaN);
      shapes.lng.push(ll ? ll[1] : NaN);
      shapes.radius.push(metres || 0);
      shapes.parts.push(parts || null);
    }
    function shifted(flat) {
      var out = new Float64Array(flat.length);
      for (var j = 0; j + 1 < flat.length; j += 2) {
        out[j] = ox + flat[j] / scale;
        out[j + 1] = oy + flat[j + 1] / scale;
      }
      return out;
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
            var ring = areaStyle(d, i, color);
            ring.dashArray = null;
            ring.weight = 1;
            ring.opacity = 0.75;
            if (kind === 1) {
              // A circle of uncertainty is a hint, not an area: keep it faint.
              ring.fillOpacity = isSoft ? 0.3 : 0.07;
            }
            area(ELLIPSE, ring, i, ll, d.r[i]);
          }
          // The centre of an uncertain place: a hollow symbol, never a filled pin.
          symbol(ll, symbolStyle(looks, cat, color, radius, isSoft, true, edge), i);
        } else {
          var g = d.geom[String(i)];
          if (!g) {
            continue;  // drawn with the event whose area it shares
          }
          if (g[0] === "P") {
            // Every ring of every part; even-odd inside one event keeps its holes.
            var rings = [];
            g[1].forEach(function (polygonRings) { polygonRings.forEach(function (ring) { rings.push(shifted(ring)); }); });
            area(POLYGON, sharing[i] ? sharedStyle(color, edge, true) : areaStyle(d, i, color, edge), i, null, 0, rings);
          } else if (g[0] === "L") {
            area(LINE, sharing[i] ? sharedStyle(color, edge, false) : {
              color: color, weight: 4, opacity: isSoft ? 0.55 : 0.9, fill: false,
              dashArray: d.p[i] === 0 ? null : "8 5"
            }, i, null, 0, g[1].map(shifted));
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
    var areas = new AreaSet(
      {
        kind: Uint8Array.from(shapes.kind),
        event: Int32Array.from(shapes.event),
        style: Uint16Array.from(shapes.style),
        lat: Float64Array.from(shapes.lat),
        lng: Float64Array.from(shapes.lng),
        radius: Float64Array.from(shapes.radius),
        parts: shapes.parts
      },
      { renderer: r, styles: areaStyles, ids: d.id }
    );
    group.addLayer(areas);
    group.addLayer(symbols);
    register(map, order, areas);
    register(map, order + 100, symbols);
    areas._sharing = Object.keys(sharing).length ? sharing : null;  // null: no lookup per item
    group.on("click", function (e) { openAt(map, e); });
    B.layers[key] = {
      key: key, data: d, group: group, areas: areas, symbols: symbols, events: n,
      objects: shapes.kind.length + lat.length, sharing: sharing
    };
    return B.layers[key];
  };

  // The events of a layer that are drawn: on the map, inside the drawn canvas area.
  B.drawnEvents = function (key) {
    var layer = B.layers[key], seen = {};
    if (!layer || !B.map || !B.map.hasLayer(layer.group)) {
      return 0;
    }
    if (layer.areas._map) {
      L.extend(seen, layer.areas.drawnEvents());
    }
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
        lyr._bordermonRank = props.rank === undefined ? 0 : props.rank;
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
          lyr.bindPopup(newPopup(map, { minWidth: 0 }).setContent(function () { return referencePopup(props); }));
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
    B.reference[key] = { key: key, group: group, layer: layer, features: count, map: map };
    return B.reference[key];
  };

  // ------------------------------------------------------------------ words

  // The words this script writes itself come from Python in the map's language
  // (layers/map_elements.py, MapWords); "{count}" is replaced by a number.
  B.setWords = function (map, words) {
    map._bordermonWords = words;
  };
  function word(map, key, count) {
    var text = (map._bordermonWords || {})[key] || key;
    return count === undefined ? text : text.replace("{count}", String(count));
  }

  // ------------------------------------------------------------------ popups

  // Popups live in a pane above the control corners (Leaflet puts them under the legend
  // and the title box): the pane sits outside the map pane and follows its moves, so
  // popups keep Leaflet's own positions and autopan.
  var POPUP_PANE = "bordermonPopups";
  function popupPane(map) {
    if (!map.getPane(POPUP_PANE)) {
      var pane = map.createPane(POPUP_PANE, map.getContainer());
      pane.style.zIndex = 1100;  // the control corners are at 1000
      var follow = function () { L.DomUtil.setPosition(pane, map._getMapPanePos()); };
      map.on("move zoom viewreset resize", follow);
      follow();
    }
    return POPUP_PANE;
  }

  // Never taller or wider than the map: the content scrolls inside, and autopan then
  // brings the whole popup into view.
  var Popup = L.Popup.extend({
    _updateLayout: function () {
      var box = this._map && this._map.getContainer();
      if (box && box.clientHeight) {
        this.options.maxHeight = Math.max(100, box.clientHeight - 100);
        this.options.maxWidth = Math.max(160, Math.min(this.options.widest, box.clientWidth - 70));
        this.options.minWidth = Math.min(this.options.narrowest, this.options.maxWidth);
      }
      L.Popup.prototype._updateLayout.call(this);
    }
  });
  function newPopup(map, options) {
    var o = L.extend({ widest: 380, narrowest: 260, className: "bm-popup-wrap", autoPanPadding: [10, 10] }, options);
    o.pane = popupPane(map);
    o.maxWidth = o.widest;
    o.minWidth = o.narrowest = o.minWidth === undefined ? o.narrowest : o.minWidth;
    return new Popup(o);
  }
  function showPopup(map, latlng, content) {
    var open = map._bordermonPopup;
    if (open && open.isOpen() && open.getLatLng().equals(latlng)) {
      open.setContent(content);  // from a list to one of its events: the same popup
      return open;
    }
    map._bordermonPopup = newPopup(map).setLatLng(latlng).setContent(content).openOn(map);
    return map._bordermonPopup;
  }

  function layerOf(set) {
    var keys = Object.keys(B.layers);
    for (var q = 0; q < keys.length; q++) {
      var layer = B.layers[keys[q]];
      if (layer.symbols === set || layer.areas === set) {
        return layer;
      }
    }
    return null;
  }

  // Every event with a symbol under a layer point, on every event layer shown; the
  // clicked layer's first, topmost first.
  function eventsAt(map, first, p) {
    var out = [];
    [first].concat(Object.keys(B.layers).map(function (k) { return B.layers[k]; })).forEach(function (layer, n) {
      if ((n > 0 && layer === first) || !layer.symbols._map || layer.symbols._map !== map) {
        return;
      }
      layer.symbols.eventsAt(p).forEach(function (index) {
        out.push({ layer: layer, set: layer.symbols, index: index });
      });
    });
    return out;
  }

  // A click on an event layer: the event's popup, or, where several events share the
  // pixel (or one area stands for several reports), a list of them, each one click
  // from its own popup. What st_folium reports is the topmost event, then the one chosen.
  function openAt(map, e) {
    var target = e.sourceTarget || e.layer, layer = layerOf(target);
    if (!layer || !(target instanceof SymbolSet || target instanceof AreaSet)) {
      return;
    }
    if (e.bmChosen) {
      showEvent(map, e.bmChosen, e.latlng, e.bmList);
      return;
    }
    if (target._hit < 0) {
      return;
    }
    target._pick = -1;
    var index = target._e.event[target._hit], entries, heading, at;
    if (target instanceof SymbolSet) {
      at = target.latLngOf(target._hit);
      entries = eventsAt(map, layer, e.layerPoint || map.latLngToLayerPoint(e.latlng));
      heading = word(map, "events_here", entries.length);
    } else {
      at = e.latlng;
      entries = (layer.sharing[index] || [index]).map(function (i) { return { layer: layer, set: target, index: i }; });
      heading = word(map, "shared_area", entries.length);
    }
    if (entries.length < 2) {
      showEvent(map, { layer: layer, set: target, index: index }, at);
    } else {
      showList(map, { entries: entries, heading: heading }, at);
    }
  }

  function showEvent(map, entry, latlng, list) {
    var content = eventPopup(entry.layer.data, entry.index);
    if (list) {
      var back = el("button", "bm-popup-back", "← " + word(map, "back_to_list"));
      back.type = "button";
      L.DomEvent.on(back, "click", function (ev) {
        L.DomEvent.stop(ev);
        showList(map, list, latlng);
      });
      content.insertBefore(back, content.firstChild);
    }
    return showPopup(map, latlng, content);
  }

  function showList(map, list, latlng) {
    var root = el("div", "bm-popup bm-popup-list");
    root.appendChild(el("div", "bm-popup-kind", list.heading));
    var items = el("ul", "bm-popup-choices");
    list.entries.forEach(function (entry) {
      var d = entry.layer.data, i = entry.index;
      var button = el("button", "bm-choice");
      button.type = "button";
      button.setAttribute("data-event-id", d.id[i]);
      button.appendChild(el("span", "bm-choice-title", text(d, d.t[i])));
      var meta = [d.label, d.categories[d.c[i]].label, text(d, d.w[i])].filter(Boolean).join(" · ");
      button.appendChild(el("span", "bm-choice-meta", meta));
      L.DomEvent.on(button, "click", function (ev) {
        L.DomEvent.stop(ev);
        choose(entry, list, latlng);
      });
      var li = el("li");
      li.appendChild(button);
      items.appendChild(li);
    });
    root.appendChild(items);
    return showPopup(map, latlng, root);
  }

  // An event chosen from a list: a click on its layer object, so that st_folium reports
  // this event (see hitTooltip) and the layer's handler opens its popup.
  function choose(entry, list, latlng) {
    entry.set._pick = entry.index;
    entry.set.fire("click", { latlng: latlng, bmChosen: entry, bmList: list }, true);
  }
  B.choose = choose;

  // ------------------------------------------------------------------ selection

  // The selected event (the dashboard's table or URL, an export's ?event=): a ring
  // around it, or its outline, in a pane above the events; the map moves only when it
  // is not in view.
  function findEvent(id) {
    var keys = Object.keys(B.layers);
    for (var q = 0; q < keys.length; q++) {
      var layer = B.layers[keys[q]], i = layer.data.id.indexOf(id);
      if (i >= 0) {
        return { layer: layer, index: i };
      }
    }
    return null;
  }
  B.select = function (map, id) {
    if (map._bordermonSelection) {
      map.removeLayer(map._bordermonSelection);
      map._bordermonSelection = null;
    }
    B.selected = null;
    var found = id ? findEvent(String(id)) : null;
    if (!found) {
      return null;
    }
    if (!map.getPane("bordermonSelection")) {
      var pane = map.createPane("bordermonSelection");
      pane.style.zIndex = 450;  // above the event canvas (400), under markers and labels
      pane.style.pointerEvents = "none";
      map._bordermonSelectionRenderer = L.svg({ pane: "bordermonSelection", padding: 0.5 });
    }
    var d = found.layer.data, i = found.index, ox = d.origin[0], oy = d.origin[1], scale = d.scale;
    var at = L.latLng(oy + d.y[i] / scale, ox + d.x[i] / scale);
    var shared = d.share && d.share[String(i)] !== undefined ? d.share[String(i)] : i;
    var shape = d.geom[String(shared)];
    var base = { renderer: map._bordermonSelectionRenderer, interactive: false, fill: false, className: "bm-selected" };
    var halo = L.extend({}, base, { color: "#ffffff", weight: 7, opacity: 0.9 });
    var line = L.extend({}, base, { color: "#111111", weight: 3, opacity: 1 });
    var ring = found.layer.data.radii[d.v[i]] + 7;
    var group = L.featureGroup();
    if (shape && (shape[0] === "P" || shape[0] === "L")) {
      var parts = [];
      (shape[0] === "P" ? [].concat.apply([], shape[1]) : shape[1]).forEach(function (flat) {
        parts.push(latlngs(flat, ox, oy, scale));
      });
      group.addLayer(L.polyline(parts, halo)).addLayer(L.polyline(parts, line));
    }
    group.addLayer(L.circleMarker(at, L.extend({ radius: ring }, halo)));
    group.addLayer(L.circleMarker(at, L.extend({ radius: ring }, line)));
    group.addTo(map);
    map._bordermonSelection = group;
    var bounds = group.getBounds(), view = map.getBounds().pad(-0.08);
    if (!view.contains(bounds)) {
      if (bounds.getNorthEast().equals(bounds.getSouthWest())) {
        map.panTo(at, { animate: false });
      } else {
        map.fitBounds(bounds, { animate: false, maxZoom: map.getZoom(), padding: [20, 20] });
      }
    }
    B.selected = { id: d.id[i], layer: found.layer.key, lat: at.lat, lng: at.lng };
    return B.selected;
  };

  function selectFromAddress(map) {
    var wanted = /[?&]event=([^&#]*)/.exec(window.location.search);
    if (wanted) {
      try {
        B.select(map, decodeURIComponent(wanted[1].replace(/\+/g, " ")));
      } catch (err) {
        if (!(err instanceof URIError)) {
          throw err;
        }
      }
    }
  }

  // ------------------------------------------------------------------ labels

  // Place, camp, country and zone labels. Where two overlap, the one of lower priority
  // (layers/reference.py, label_priority: the same rule as the static picture) is
  // hidden until a zoom separates them. Labels are placed again when the map's size or
  // the page's styles change: st_folium adds Leaflet's stylesheet after the map is drawn,
  // and a centred label measured before it was as wide as the map (~450 px off).
  function placeLabels(map, again) {
    var items = [];
    Object.keys(B.reference).forEach(function (key) {
      var ref = B.reference[key];
      if (ref.map !== map || ref.layer._map !== map) {
        return;
      }
      ref.layer.eachLayer(function (lyr) {
        var t = lyr.getTooltip && lyr.getTooltip();
        if (t && t._map && t._container) {
          items.push({ t: t, rank: lyr._bordermonRank, order: items.length });
        }
      });
    });
    if (again) {
      items.forEach(function (item) { item.t.update(); });
    }
    items.sort(function (a, b) { return a.rank - b.rank || a.order - b.order; });
    var boxes = items.map(function (item) {
      var c = item.t._container, pos = L.DomUtil.getPosition(c);
      return [pos.x, pos.y, pos.x + c.offsetWidth, pos.y + c.offsetHeight];
    });
    var kept = [];
    items.forEach(function (item, n) {
      var b = boxes[n];
      var clash = kept.some(function (o) { return b[0] < o[2] && o[0] < b[2] && b[1] < o[3] && o[1] < b[3]; });
      L.DomUtil[clash ? "addClass" : "removeClass"](item.t._container, "bm-label-hidden");
      if (!clash) {
        kept.push(b);
      }
    });
    map._bordermonLabelsPlaced = (map._bordermonLabelsPlaced || 0) + 1;
  }
  B.placeLabels = placeLabels;

  function watchLabels(map) {
    var pending = false, again = false;
    function schedule(full) {
      again = again || full;
      if (pending) {
        return;
      }
      pending = map._bordermonLabelsPending = true;
      requestAnimationFrame(function () {
        pending = map._bordermonLabelsPending = false;
        var whole = again;
        again = false;
        placeLabels(map, whole);
      });
    }
    map.on("zoomend overlayadd overlayremove", function () { schedule(false); });
    map.on("resize", function () { schedule(true); });
    Array.prototype.forEach.call(document.querySelectorAll('link[rel="stylesheet"]'), function (link) {
      if (!link.sheet) {
        link.addEventListener("load", function () { schedule(true); });
      }
    });
    if (document.fonts && document.fonts.ready) {
      document.fonts.ready.then(function () { schedule(true); });
    }
    schedule(true);
  }

  // ------------------------------------------------------------------ legend

  // On a small map the legend starts folded (its summary unfolds it).
  var SMALL_MAP = { width: 600, height: 420 };
  function foldKeyBox(map) {
    var box = map.getContainer(), details = box.querySelector(".bm-legend-box details");
    if (!details) {
      return;
    }
    if (!box.clientWidth || !box.clientHeight) {
      map.once("resize", function () { foldKeyBox(map); });
      return;
    }
    if (box.clientWidth < SMALL_MAP.width || box.clientHeight < SMALL_MAP.height) {
      details.open = false;
      L.DomUtil.addClass(box, "bm-small");  // the attribution keeps clear of the legend's toggle
    }
  }

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

  // ------------------------------------------------------------------ the address
  // A view is its address. The map's centre and zoom are kept in it (c=lat,lon&z=zoom)
  // beside the rest of the view: in the query of the dashboard's page (this map runs in
  // a same-origin frame of it), in the fragment (#c=…&z=…) of an exported file, which
  // has no server to read a query. Opening the address restores them.

  // The outermost window of this origin: the dashboard's page, or this file itself.
  function hostWindow() {
    var host = window, w = window;
    try {
      while (w.parent && w.parent !== w) {
        w = w.parent;
        if (!w.location.href) {
          break;
        }
        host = w;
      }
    } catch (e) {
      // a frame of another origin (a site embedding the map): stop below it
    }
    return host;
  }

  function addressParams(host) {
    var text = host === window ? location.hash.replace(/^#/, "") : host.location.search.replace(/^\?/, "");
    return new URLSearchParams(text);
  }

  B.address = {
    // The value of one parameter of the view's address, or null.
    get: function (key) {
      return addressParams(hostWindow()).get(key);
    },
    // Set (or, with null, remove) parameters of the address without a reload or a new
    // history entry; the other parameters are kept as they are.
    set: function (values) {
      var host = hostWindow(), params = addressParams(host);
      Object.keys(values).forEach(function (key) {
        if (values[key] === null || values[key] === undefined) {
          params.delete(key);
        } else {
          params.set(key, values[key]);
        }
      });
      var text = params.toString().replace(/%2C/g, ",");
      try {
        if (host === window) {
          history.replaceState(history.state, "", location.pathname + location.search + (text ? "#" + text : ""));
        } else {
          var loc = host.location;
          host.history.replaceState(host.history.state, "", loc.pathname + (text ? "?" + text : "") + loc.hash);
        }
      } catch (e) {
        // a file:// page in a browser that refuses replaceState: the link is still copied
      }
    },
    // The full address of this view, as a reader would share it.
    link: function () {
      var host = hostWindow();
      try {
        return host.location.href;
      } catch (e) {
        return location.href;
      }
    }
  };

  // A centre and zoom the address names, when valid; else null.
  function addressPlace() {
    var c = B.address.get("c"), z = B.address.get("z");
    if (!c || !z || !/^\d{1,2}$/.test(z)) {
      return null;
    }
    var parts = c.split(",").map(Number);
    var zoom = Number(z);
    if (parts.length !== 2 || !isFinite(parts[0]) || !isFinite(parts[1]) || zoom < 5 || zoom > 19) {
      return null;
    }
    if (Math.abs(parts[0]) > 85 || Math.abs(parts[1]) > 180) {
      return null;
    }
    return { center: [parts[0], parts[1]], zoom: zoom };
  }

  function round(value, digits) {
    var f = Math.pow(10, digits);
    return String(Math.round(value * f) / f);
  }

  // Where this map looks, as address parameters (5 decimals: about a metre).
  function placeParams(map) {
    var c = map.getCenter();
    return { c: round(c.lat, 5) + "," + round(c.lng, 5), z: String(map.getZoom()) };
  }

  // Keep the address in step with the map as the reader moves it. A map redrawn in the
  // same page (a Streamlit rerun after a filter change) opens where the last one was.
  function followPlace(map) {
    var host = hostWindow();
    map.on("moveend", function () {
      var place = placeParams(map);
      host.__bordermonPlace = place;
      B.address.set(place);
    });
  }

  // Fit the map to bounds at once, without animation: an animated fitBounds would
  // project and draw every layer twice.
  B.fitView = function (map, bounds) {
    map.fitBounds(bounds, { animate: false });
  };

  // Set the first view before any layer is added. The address's centre and zoom win
  // over the region's bounds; in a page that redraws its map, the last map's do.
  B.openView = function (map, bounds) {
    B.ready = false;  // a new map (a Streamlit rerun): not drawn yet
    var kept = hostWindow().__bordermonPlace;
    var place = addressPlace();
    if (kept && kept.c) {
      var parts = kept.c.split(",").map(Number);
      map.setView([parts[0], parts[1]], Number(kept.z), { animate: false });
      B.address.set(kept);
    } else if (place) {
      map.setView(place.center, place.zoom, { animate: false });
    } else {
      B.fitView(map, bounds);
    }
    followPlace(map);
  };

  // "Copy link": the address of exactly this view (filters, selection, centre and zoom).
  B.addShareControl = function (map, words) {
    var Share = L.Control.extend({
      onAdd: function () {
        var box = L.DomUtil.create("div", "leaflet-bar bm-share");
        var button = L.DomUtil.create("a", "bm-share-button", box);
        button.href = "#";
        button.setAttribute("role", "button");
        button.title = words.help;
        button.textContent = words.copy;
        var status = L.DomUtil.create("div", "bm-share-status", box);
        status.setAttribute("role", "status");
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.on(button, "click", function (e) {
          L.DomEvent.preventDefault(e);
          B.address.set(placeParams(map));
          var url = B.address.link();
          function done() {
            status.textContent = words.copied;
            box.setAttribute("data-copied", url);
            setTimeout(function () { status.textContent = ""; }, 4000);
          }
          function manual() {
            // No clipboard here (a page not served over https, a frame without the
            // permission): show the link, selected, to copy by hand.
            status.textContent = "";
            var input = L.DomUtil.create("input", "bm-share-link", status);
            input.type = "text";
            input.readOnly = true;
            input.value = url;
            input.setAttribute("aria-label", words.manual);
            input.focus();
            input.select();
            box.setAttribute("data-copied", url);
          }
          if (navigator.clipboard && navigator.clipboard.writeText) {
            navigator.clipboard.writeText(url).then(done, manual);
          } else {
            manual();
          }
        });
        return box;
      }
    });
    return new Share({ position: "topleft" }).addTo(map);
  };

  // Leaflet focuses the map on mousedown, so that the arrow keys pan it. focus() also
  // scrolls every scrolling ancestor to show the whole map, through an iframe too: in the
  // dashboard, a map reaching below the window moved up under the pointer between
  // mousedown and click, and the click landed beside the symbol. Focus in place.
  function focusInPlace(map) {
    var keyboard = map.keyboard;
    if (!keyboard) {
      return;
    }
    var enabled = keyboard.enabled();
    if (enabled) {
      keyboard.disable(); // unhooks Leaflet's own mousedown listener
    }
    keyboard._onMouseDown = function () {
      if (!this._focused) {
        this._map.getContainer().focus({ preventScroll: true });
      }
    };
    if (enabled) {
      keyboard.enable();
    }
  }

  B.markReady = function (map, initialBase, blankName, apply) {
    focusInPlace(map);
    if (apply) {
      apply(initialBase === blankName ? blankName : initialBase);
    }
    restack(map);
    B.map = map;
    popupPane(map);
    watchLabels(map);
    foldKeyBox(map);
    selectFromAddress(map);  // an exported page opened as map.html?event=<id>
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
