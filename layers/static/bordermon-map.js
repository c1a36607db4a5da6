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
  // buffer (see stamp).
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
    return { n: n, dx: dx, dy: dy, words: words, keep: keep, width: image.width, height: image.height, rows: rowStarts(dy, image.height) };
  }

  // Where each row of a pixel list (its pixels in row order) starts, and its end: a list
  // stamped across a band's edge visits the rows inside the band only.
  function rowStarts(dy, height) {
    var rows = new Int32Array(height + 1);
    for (var j = 0; j < dy.length; j++) {
      rows[dy[j] + 1] += 1;
    }
    for (var r = 0; r < height; r++) {
      rows[r + 1] += rows[r];
    }
    return rows;
  }

  // Each look of symbol is drawn once into a small image whose pixels are then stamped
  // (see stamp): cheaper than a path, a fill and a stroke per symbol.
  var sprites = {};
  function sprite(o) {
    var key = o.sprite;
    if (!sprites[key]) {
      var ratio = L.Browser.retina ? 2 : 1;
      var half = Math.ceil(o.radius * 1.3 + (o.weight || 0) + 1);
      var size = 2 * half;
      var c = document.createElement("canvas");
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
      sprites[key] = { half: half, pixels: spritePixels(g.getImageData(0, 0, size * ratio, size * ratio)) };
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
    if (count > this.n >> 4) {
      // Many: put them back in order through a flag per item, cheaper than sorting them.
      var flags = this.flags || (this.flags = new Uint8Array(this.n));
      for (q = 0; q < count; q++) {
        flags[out[q]] = 1;
      }
      count = 0;
      for (k = 0; k < this.n; k++) {
        if (flags[k]) {
          flags[k] = 0;
          out[count++] = k;
        }
      }
    } else {
      out.subarray(0, count).sort();
    }
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
  // A look drawn faded, and a pixel list (see spritePixels) stamped faded.
  function fadedStyle(s) {
    if (!s._faded) {
      s._faded = L.extend({}, s, { opacity: (s.opacity === undefined ? 1 : s.opacity) * FADED_ALPHA, fillOpacity: s.fillOpacity * FADED_ALPHA });
      s._faded._key = s._key + "|faded";
      s._faded._ink = null;
      s._faded._rings = null;
    }
    return s._faded;
  }
  function faded(px) {
    if (!px.faded) {
      var n = px.n, out = L.extend({}, px, { words: new Uint32Array(n), keep: new Uint16Array(n), off: null, offW: -1 });
      for (var j = 0; j < n; j++) {
        var w = px.words[j], a = w >>> 24, fa = Math.round(a * FADED_ALPHA), r = a ? fa / a : 0;
        out.words[j] = ((fa << 24) | (Math.round(((w >>> 16) & 255) * r) << 16) |
          (Math.round(((w >>> 8) & 255) * r) << 8) | Math.round((w & 255) * r)) >>> 0;
        out.keep[j] = 255 - fa;
      }
      px.faded = out;
    }
    return px.faded;
  }

  // ------------------------------------------------------------------ raster

  // The event layers are drawn in JavaScript into premultiplied RGBA buffers (one 32-bit
  // word per pixel) rather than through the canvas: on a canvas drawn in software one
  // drawImage per symbol costs 5–10 µs and an uncertainty circle's fill its whole area,
  // and 100k events take seconds. Each set keeps what it drew at the last zoom levels
  // (see Rastered): a pan paints only the strip it uncovers, a zoom back to a level seen
  // before only what was not in view. Every position is a whole device pixel counted
  // from the world's origin at that zoom, so a strip painted later joins the kept part
  // without a seam, and the hatching is anchored to the world, not to the strip.

  function pixelRatio() {
    return L.Browser.retina ? 2 : 1;
  }

  // dst under a premultiplied word of alpha 255 − inv: word + dst × inv / 256 per channel.
  // The products by Math.imul: the same bits as in doubles (they stay under 2³²), in
  // 32-bit integer arithmetic, where products of up to 4.3e9 took the slower doubles.
  // Written out where it runs per pixel (stamp, over, compositeRow): a call per pixel cost
  // a step taken before the compiler had inlined it (a pan right after a zoom).
  function blend(word, dst, inv) {
    return (word + ((Math.imul(dst & 0xff00ff, inv) >>> 8) & 0xff00ff) + (Math.imul((dst >>> 8) & 0xff00ff, inv) & 0xff00ff00)) >>> 0;
  }

  B.blend = blend;

  // Scratch buffers shared by every painter (paint() runs one rectangle at a time).
  var scratch = { words: new Uint32Array(0), image: null, imageWords: new Uint32Array(0) };
  // A cleared buffer of W × H premultiplied pixels. Buffers and the ImageData they are put
  // through are reused whatever the size: allocating them per band makes the garbage
  // collector run in every step.
  function pixels(W, H) {
    if (scratch.words.length < W * H) {
      scratch.words = new Uint32Array(Math.max(W * H, BAND_PIXELS));
    }
    var words = scratch.words.subarray(0, W * H);
    words.fill(0);
    return { words: words, W: W, H: H };
  }
  // A rectangle is painted in bands of at most this many pixels (bounded memory).
  var BAND_PIXELS = 1 << 19;

  // Straight colour from premultiplied, [alpha * 256 + value]: what value * 255 / alpha
  // gives stored in an ImageData (rounded, clamped), looked up instead of computed per
  // pixel and channel.
  var unpremultiplied = null;
  function straight() {
    if (!unpremultiplied) {
      unpremultiplied = new Uint8ClampedArray(256 * 256);
      for (var alpha = 1; alpha < 255; alpha++) {
        var f = 255 / alpha;
        for (var v = 0; v < 256; v++) {
          unpremultiplied[alpha * 256 + v] = v * f;
        }
      }
    }
    return unpremultiplied;
  }

  // Puts a buffer of pixels at (x, y) of a canvas, in the straight alpha ImageData holds.
  function put(g, px, x, y) {
    var W = px.W, H = px.H, image = scratch.image;
    if (!image || image.width < W || image.height < H) {
      image = scratch.image = new ImageData(Math.max(W, image ? image.width : 0), Math.max(H, image ? image.height : 0));
      scratch.imageWords = new Uint32Array(image.data.buffer);
    }
    var S = image.width, out = scratch.imageWords, src = px.words, lut = straight();
    for (var row = 0; row < H; row++) {
      straightRow(out, row * S, src, row * W, W, lut);
    }
    g.putImageData(image, x, y, 0, 0, W, H);
  }
  // One row of put (a function of its own: called per row, it is optimised as a whole
  // instead of through its loop alone, which the compiler left at every row's end).
  function straightRow(out, p, src, q, W, lut) {
    for (var end = p + W; p < end; p++, q++) {
      var word = src[q], alpha = word >>> 24;
      if (alpha && alpha < 255) {
        var at = alpha << 8;
        word = ((alpha << 24) | (lut[at + ((word >>> 16) & 255)] << 16) | (lut[at + ((word >>> 8) & 255)] << 8) |
          lut[at + (word & 255)]) >>> 0;
      }
      out[p] = word;
    }
  }

  // Stamps the pixels of a pixel list (see spritePixels) with their top-left at (X, Y) of
  // a W × H buffer, clipped to it.
  function stamp(buf, W, H, px, X, Y) {
    var dx = px.dx, dy = px.dy, wds = px.words, keep = px.keep, n = px.n, j, x, y, o, dst, inv;
    if (X >= 0 && Y >= 0 && X + px.width <= W && Y + px.height <= H) {
      // Offsets of the pixels in a buffer W wide, kept for the last width used.
      if (px.offW !== W) {
        px.off = px.off || new Int32Array(n);
        for (j = 0; j < n; j++) {
          px.off[j] = dy[j] * W + dx[j];
        }
        px.offW = W;
      }
      var base = Y * W + X, off = px.off;
      for (j = 0; j < n; j++) {
        o = base + off[j];
        dst = buf[o];
        inv = keep[j];
        buf[o] = inv === 0 || dst === 0 ? wds[j] : (wds[j] + ((Math.imul(dst & 0xff00ff, inv) >>> 8) & 0xff00ff) + (Math.imul((dst >>> 8) & 0xff00ff, inv) & 0xff00ff00)) >>> 0;
      }
      return;
    }
    if (X >= W || Y >= H || X + px.width <= 0 || Y + px.height <= 0) {
      return;
    }
    for (j = px.rows[Math.max(0, -Y)], n = px.rows[Math.min(px.height, H - Y)]; j < n; j++) {
      x = X + dx[j];
      y = Y + dy[j];
      if (x < 0 || x >= W) {
        continue;
      }
      o = y * W + x;
      dst = buf[o];
      inv = keep[j];
      buf[o] = inv === 0 || dst === 0 ? wds[j] : (wds[j] + ((Math.imul(dst & 0xff00ff, inv) >>> 8) & 0xff00ff) + (Math.imul((dst >>> 8) & 0xff00ff, inv) & 0xff00ff00)) >>> 0;
    }
  }

  // The common part of rectangles a and b ([x, y, w, h]), or null.
  function intersect(a, b) {
    var x0 = Math.max(a[0], b[0]), y0 = Math.max(a[1], b[1]);
    var x1 = Math.min(a[0] + a[2], b[0] + b[2]), y1 = Math.min(a[1] + a[3], b[1] + b[3]);
    return x1 > x0 && y1 > y0 ? [x0, y0, x1 - x0, y1 - y0] : null;
  }

  // The parts of rectangle a ([x, y, w, h]) outside rectangle b: at most four.
  function subtract(a, b) {
    var ax1 = a[0] + a[2], ay1 = a[1] + a[3], bx1 = b[0] + b[2], by1 = b[1] + b[3];
    var x0 = Math.max(a[0], b[0]), y0 = Math.max(a[1], b[1]), x1 = Math.min(ax1, bx1), y1 = Math.min(ay1, by1);
    if (x1 <= x0 || y1 <= y0) {
      return [a];
    }
    var out = [];
    if (y0 > a[1]) { out.push([a[0], a[1], a[2], y0 - a[1]]); }
    if (y1 < ay1) { out.push([a[0], y1, a[2], ay1 - y1]); }
    if (x0 > a[0]) { out.push([a[0], y0, x0 - a[0], y1 - y0]); }
    if (x1 < ax1) { out.push([x1, y0, ax1 - x1, y1 - y0]); }
    return out;
  }
  B.subtract = subtract;

  // A level's pending parts with what lies in view (a rectangle of its pixels) first, as
  // parts of their own: level.ahead of them. Returns how many pixels they cover.
  function aheadIn(level, view) {
    var first = [], rest = [], area = 0;
    level.pending.forEach(function (r) {
      var now = intersect(r, view);
      if (now) {
        first.push(now);
        area += now[2] * now[3];
        rest = rest.concat(subtract(r, now));
      } else {
        rest.push(r);
      }
    });
    level.pending = first.concat(rest);
    level.ahead = first.length;
    return area;
  }

  // Idle-time painting (a level's margins, the zoom levels next to it) is work for later:
  // it must not hold up the page. A callback paints for at most IDLE_SLICE_MS, then gives
  // the thread back (an idle period lasts up to 50 ms, and a click or a message arriving
  // meanwhile waited for all of it). In a frame of a page of the same origin (the
  // dashboard), it waits besides until that page has not changed for HOST_QUIET_MS (at
  // most HOST_HOLD_MAX_MS): a filter change there is Streamlit redrawing the page's
  // elements, on this same thread, and painting levels meanwhile made it settle later.
  // The levels next to the current one wait until the view has rested MOVE_QUIET_MS: steps
  // taken one after the other (a zoom, then a pan) each make a new current level, whose
  // neighbours set up and painted in between were wasted and held up the next step.
  // A zoom's window painted while its animation plays (see _zoomAnim) is painted in slices
  // of about RUSH_SLICE_MS (bands of a quarter of BAND_PIXELS, 10–60 ms each here), so
  // that a click or a key meanwhile waits no longer.
  var RUSH_SLICE_MS = 30;
  // How long Leaflet animates a zoom (its style sheet's transition).
  var ZOOM_ANIM_MS = 250;
  // Sets of at least MANY items keep the zoom levels next to theirs (cheaper sets paint anew).
  var MANY = 2000;
  var IDLE_SLICE_MS = 12, MOVE_QUIET_MS = 300, HOST_QUIET_MS = 400, HOST_HOLD_MAX_MS = 3000, hostChanged = -Infinity, hostWatched = false;
  function watchHost() {
    hostWatched = true;
    var host = null;
    try {
      host = window.parent !== window && window.parent.document;
    } catch (e) {  // a page of another origin: nothing to watch
      return;
    }
    if (!host || !host.body || !window.MutationObserver) {
      return;
    }
    var changed = function () { hostChanged = performance.now(); };
    var watch = new MutationObserver(changed), inputs = ["pointerdown", "keydown", "input"];
    watch.observe(host.body, { childList: true, subtree: true, attributes: true, characterData: true });
    inputs.forEach(function (type) { host.addEventListener(type, changed, true); });
    window.addEventListener("pagehide", function () {
      watch.disconnect();
      inputs.forEach(function (type) { host.removeEventListener(type, changed, true); });
    });
  }
  // Milliseconds idle-time painting should wait for the page holding the map (0: none).
  function hostWait() {
    if (!hostWatched) {
      watchHost();
    }
    return Math.max(0, Math.ceil(hostChanged + HOST_QUIET_MS - performance.now()));
  }

  // What SymbolSet and AreaSet share: the levels kept and how a view is drawn from them.
  // A level is {f, ratio, x, y, w, h, canvas}: the set's pixels over a rectangle of
  // device pixels counted from the world's origin at zoom factor f.
  var Rastered = {
    // Levels kept per set: the current one, the zoom levels next to it (see _prefetch) and
    // the one before; each is a canvas the size of the renderer's. A small set, cheap to
    // paint, keeps the current level and the one before.
    _keep: function () {
      return this._n >= MANY ? 4 : 2;
    },

    // Forget what was drawn (a change of data or style): the next draw paints anew.
    invalidate: function () {
      (this._levels || []).forEach(function (level) { level.canvas.width = level.canvas.height = 0; });
      this._levels = [];
      this._spare = null;
      this._rush = null;
      if (this._idle) {
        if (this._idle.held) {
          clearTimeout(this._idle.held);
        } else if (window.cancelIdleCallback) {
          window.cancelIdleCallback(this._idle);
        } else {
          clearTimeout(this._idle);
        }
        this._idle = null;
      }
      this._heldAt = null;
      if (this._drawn) {
        this._drawn.fill(0);
      }
      return this;
    },

    // A canvas of w × h, cleared: the one set aside when a level was replaced, if any
    // (allocating a canvas's pixels costs more than clearing them). Kept in memory
    // (willReadFrequently): Chromium otherwise keeps a canvas where putting pixels into
    // it and drawing it elsewhere costs 10–30 ms a band instead of 1.
    _canvas: function (w, h) {
      var c = this._spare;
      if (!c) {
        c = document.createElement("canvas");
        c.getContext("2d", { willReadFrequently: true });
      }
      this._spare = null;
      if (c.width !== w || c.height !== h) {
        c.width = w;
        c.height = h;
      } else {
        c.getContext("2d").clearRect(0, 0, w, h);
      }
      return c;
    },
    _setAside: function (canvas) {
      if (this._spare) {
        this._spare.width = this._spare.height = 0;
      }
      this._spare = canvas;
    },

    redraw: function () {
      this.invalidate();
      return L.Path.prototype.redraw.call(this);
    },

    // A return to a view shown just before (bordermon.showView: a filter ticked again)
    // draws from what was drawn for it. Before the change the level at this zoom is set
    // aside for the view it shows (prev), and the one set aside for the coming view
    // (next), if any, is held; takeBack puts it back once the change is applied. One
    // view is kept; null for either keeps nothing (playback narrows what is drawn).
    changeView: function (prev, next) {
      var kept = this._kept, levels = this._levels || [];
      this._back = kept && next !== null && kept.key === next ? kept.level : null;
      if (kept && !this._back) {
        kept.level.canvas.width = kept.level.canvas.height = 0;
      }
      this._kept = null;
      for (var i = 0; prev !== null && i < levels.length; i++) {
        if (levels[i].f === this._f && levels[i].ratio === pixelRatio()) {
          this._kept = { key: prev, level: levels.splice(i, 1)[0] };
          break;
        }
      }
    },
    takeBack: function () {
      var level = this._back;
      this._back = null;
      if (level) {
        level.prefetched = false;  // the zoom levels next to it were not kept
        (this._levels || (this._levels = [])).unshift(level);
      }
    },

    onRemove: function (map) {
      this.invalidate();
      L.Path.prototype.onRemove.call(this, map);
    },

    // Draws the set over the renderer's bounds b: from the level kept at this zoom where
    // it covers them, painting the rest (see _paint): what is in the map's window now,
    // the margins around it (seen only when the map is dragged) when the page is idle.
    _drawLevel: function (ctx, b) {
      var ratio = pixelRatio(), o = this._origin, f = this._f;
      var x = (b.min.x + o.x) * ratio, y = (b.min.y + o.y) * ratio;
      var w = (b.max.x - b.min.x) * ratio, h = (b.max.y - b.min.y) * ratio;
      var levels = this._levels || (this._levels = []), i;
      // Device pixels painted for the level drawn since it was drawn first (for tests).
      var current = levels[0], carried = this.lastPainted || 0;
      this.lastPainted = 0;
      if (w <= 0 || h <= 0) {
        return;
      }
      var level = this._level(f, ratio, x, y, w, h), view = this._window(level), later = [];
      if (level !== current) {
        this._movedAt = performance.now();
      }
      // The window's parts a zoom left sketched are being painted (see _sketch): not here.
      var sketched = view && this._sketch(level, view, current) ? level.ahead : 0;
      for (i = sketched; i < level.pending.length; i++) {
        var r = level.pending[i], now = view && intersect(r, view);
        if (now) {
          this._paintRect(level, now);
          later = later.concat(subtract(r, now));
        } else {
          later.push(r);
        }
      }
      level.pending = level.pending.slice(0, sketched).concat(later);
      level.ahead = sketched;
      if (level === current) {
        this.lastPainted += carried;
      }
      if (level.pending.length || !level.prefetched) {
        this._later();
      }
      ctx.globalAlpha = 1;
      ctx.drawImage(level.canvas, 0, 0, w, h, b.min.x, b.min.y, w / ratio, h / ratio);
    },

    // The level of zoom factor f over a rectangle (device pixels from the world's origin),
    // made the current one: the one kept if it covers it, else a new one holding what the
    // kept one covers, the rest pending.
    _level: function (f, ratio, x, y, w, h, prefetch) {
      var levels = this._levels, old = null, i;
      for (i = 0; i < levels.length; i++) {
        if (levels[i].f === f && levels[i].ratio === ratio) {
          old = levels.splice(i, 1)[0];
          break;
        }
      }
      var level = old;
      if (!old || old.x !== x || old.y !== y || old.w !== w || old.h !== h) {
        level = { f: f, ratio: ratio, x: x, y: y, w: w, h: h, canvas: this._canvas(w, h), pending: [[0, 0, w, h]], ahead: 0 };
        if (old) {
          var kept = intersect([old.x - x, old.y - y, old.w, old.h], [0, 0, w, h]);
          if (kept) {
            // What the kept one left for later where it is copied stays for later: painted
            // with the rest, in the window now, the margins when the page is idle (painted
            // here it cost a zoom back to a level prefetched in part up to half a window).
            var copied = [kept[0] + x - old.x, kept[1] + y - old.y, kept[2], kept[3]];
            level.canvas.getContext("2d").drawImage(
              old.canvas, copied[0], copied[1], kept[2], kept[3], kept[0], kept[1], kept[2], kept[3]
            );
            level.pending = subtract(level.pending[0], kept);
            for (i = 0; i < old.pending.length; i++) {
              var part = intersect(old.pending[i], copied);
              if (part) {
                level.pending.push([part[0] + old.x - x, part[1] + old.y - y, part[2], part[3]]);
              }
            }
          }
          this._setAside(old.canvas);
        }
      }
      if (prefetch) {
        levels.splice(1, 0, level);
      } else {
        levels.unshift(level);
      }
      while (levels.length > this._keep()) {
        this._setAside(levels.pop().canvas);
      }
      return level;
    },

    // The map's window in a level's pixels.
    _window: function (level) {
      var map = this._map, o = this._origin, ratio = level.ratio, size = map.getSize();
      var corner = map.containerPointToLayerPoint([0, 0]);
      var x0 = Math.floor((corner.x + o.x) * ratio) - level.x, y0 = Math.floor((corner.y + o.y) * ratio) - level.y;
      return intersect([x0, y0, Math.ceil(size.x * ratio) + 1, Math.ceil(size.y * ratio) + 1], [0, 0, level.w, level.h]);
    },

    // Paints a rectangle of a level (its pixels) in bands, at the level's zoom.
    _paintRect: function (level, r) {
      var g = level.canvas.getContext("2d"), band = Math.max(1, Math.floor(BAND_PIXELS / r[2])), f = this._f;
      this._f = level.f;
      this.lastPainted += level === this._levels[0] ? r[2] * r[3] : 0;
      for (var top = r[1]; top < r[1] + r[3]; top += band) {
        this._paint(g, level.x + r[0], level.y + top, r[2], Math.min(band, r[1] + r[3] - top), r[0], top, level.ratio);
      }
      this._f = f;
    },

    // Paints what a level left for later, now.
    _finish: function (level) {
      while (level.pending.length) {
        this._paintRect(level, level.pending.shift());
      }
      level.ahead = 0;
    },

    // Paints what the current level left for later, now (printing, tests), and shows it.
    finish: function () {
      var level = this._levels && this._levels[0];
      if (level && level.pending.length) {
        this._finish(level);
        if (this._renderer) {
          this._renderer._requestRedraw(this);
        }
      }
      return this;
    },

    // The zoom levels next to the current one, over the window they would show around
    // its centre: painted when the page is idle, so that a zoom in or out after a pause
    // finds them ready (a zoom about another point finds part of them). What of them a
    // zoom about the centre would show is painted first, the zoom in's (the next level
    // kept, levels[1]) before the zoom out's, then the current level's margins (a pan
    // paints what it uncovers for less than a zoom paints a window).
    _prefetch: function () {
      var map = this._map, level = this._levels[0], z = map.getZoom(), centre = map.getCenter();
      level.prefetched = true;
      if (this._n < MANY) {
        return;
      }
      [z - 1, z + 1].forEach(function (zoom) {
        if (zoom <= map.getMaxZoom() && zoom >= map.getMinZoom()) {
          this._around(zoom, centre, level.ratio);
        }
      }, this);
    },

    // The level of a zoom over the window the map shows at it about centre, made the next
    // one kept (levels[1]): what of it that window shows is what it leaves for later first
    // (ahead: how many of those parts).
    _around: function (zoom, centre, ratio) {
      var map = this._map, crs = map.options.crs, size = map.getSize(), pad = this._renderer.options.padding;
      var f = crs.scale(zoom) / crs.scale(0);
      var origin = map.project(centre, zoom).subtract(size.divideBy(2)).round();
      var min = size.multiplyBy(-pad).round(), max = min.add(size.multiplyBy(1 + 2 * pad)).round();
      var next = this._level(f, ratio, (min.x + origin.x) * ratio, (min.y + origin.y) * ratio,
        (max.x - min.x) * ratio, (max.y - min.y) * ratio, true);
      aheadIn(next, [-min.x * ratio, -min.y * ratio, Math.ceil(size.x * ratio) + 1, Math.ceil(size.y * ratio) + 1]);
      return next;
    },

    // A zoom the map animates (its buttons, the wheel, a double click, the keys): the
    // window it will show is painted while the animation plays, in slices of about
    // RUSH_SLICE_MS with the page free between them (the idle painting waits meanwhile:
    // it painted the old level's margins in those gaps), so that the zoom's end finds it
    // painted. Painted at the end, as a zoom not animated does, it held the page up for
    // all of it once the animation was over. What is not painted by then is painted at
    // the end. Sets small enough to keep no levels besides paint at the end.
    getEvents: function () {
      return { zoomanim: this._zoomAnim };
    },

    _zoomAnim: function (e) {
      var map = this._map, crs = map.options.crs;
      if (this._n < MANY || !this._renderer || !this._levels || !this._levels.length ||
          crs.scale(e.zoom) / crs.scale(0) === this._f) {
        return;
      }
      var run = this._rushAhead(this._around(e.zoom, e.center, pixelRatio()));
      // The animation starts with the next frame: painting before it would hold it up.
      requestAnimationFrame(function () { setTimeout(run, 0); });
    },

    // This zoom's painting of what a level has ahead (see _around), in slices of about
    // RUSH_SLICE_MS, each in a task of its own: a function that paints one slice and
    // leaves the next for later, and shows what it painted once the level is shown
    // (rush.shown, see _sketch; then in thinner bands, so that a slice holds the next
    // frame up less). Another zoom's painting, or a change of data, ends it.
    _rushAhead: function (level) {
      var self = this, rush = this._rush = { level: level, shown: false };
      var run = function () {
        if (self._rush !== rush || !self._map || self._levels.indexOf(level) < 0) {
          return;
        }
        var began = performance.now();
        while (level.ahead && level.pending.length && performance.now() - began < RUSH_SLICE_MS) {
          self._paintNext(level, rush.shown ? BAND_PIXELS / 8 : BAND_PIXELS / 4);
        }
        if (rush.shown && self._renderer) {
          self._renderer._requestRedraw(self);
        }
        if (level.ahead && level.pending.length) {
          setTimeout(run, 0);
        } else {
          level.ahead = 0;
          self._rush = null;
        }
      };
      return run;
    },

    // A zoom to a level whose window is not painted (not animated: a link opened, a place
    // chosen, a jump of several levels; or animated, and its window not painted by the
    // animation's end), for a set large enough: painted at once, it held the page up for
    // a whole window (0.3 s at 100k events on a quiet machine, twice that on a busy one).
    // Instead the window is sketched at once from a level kept at another zoom that holds
    // it painted (the level before a zoom in, scaled as the zoom's animation scales it:
    // every event where it is, blurred), and painted over in slices of RUSH_SLICE_MS,
    // each shown as it is done, with the page free between them. True when the window's
    // parts left to paint are sketched, first in the level's pending parts (level.ahead
    // of them). A pan (no zoom since the level drawn before, current), a small part of the
    // window or a window no kept level holds is painted at once.
    _sketch: function (level, view, current) {
      var rush = this._rush && this._rush.level === level ? this._rush : null;
      if (rush && rush.shown) {
        return level.ahead > 0;
      }
      if (this._n < MANY || this._map._animatingZoom || (!rush && (!current || current.f === level.f))) {
        return false;
      }
      // The window's parts put first: sketched, or else painted at once (first anyway).
      if (4 * aheadIn(level, view) < view[2] * view[3]) {
        return false;
      }
      var first = level.pending.slice(0, level.ahead), source = this._holding(level, first);
      if (!source) {
        return false;
      }
      var g = level.canvas.getContext("2d"), k = source.f / level.f;
      first.forEach(function (r) {
        g.drawImage(source.canvas, (level.x + r[0]) * k - source.x, (level.y + r[1]) * k - source.y, r[2] * k, r[3] * k,
          r[0], r[1], r[2], r[3]);
      });
      if (!rush) {
        // From the frame after the one that shows the sketch: painting before it held it up.
        var run = this._rushAhead(level);
        requestAnimationFrame(function () { setTimeout(run, 0); });
        rush = this._rush;
      }
      rush.shown = true;
      return true;
    },

    // A level kept at a zoom up to two levels out from level's that holds the rectangles
    // rects of it (level's pixels) painted, or null.
    _holding: function (level, rects) {
      var levels = this._levels;
      for (var i = 0; i < levels.length; i++) {
        var s = levels[i], k = s.f / level.f;
        if (s === level || s.ratio !== level.ratio || k === 1 || k < 0.25 || k > 4) {
          continue;
        }
        var holds = rects.every(function (r) {
          var x0 = Math.floor((level.x + r[0]) * k - s.x), y0 = Math.floor((level.y + r[1]) * k - s.y);
          var x1 = Math.ceil((level.x + r[0] + r[2]) * k - s.x), y1 = Math.ceil((level.y + r[1] + r[3]) * k - s.y);
          var box = [x0, y0, x1 - x0, y1 - y0];
          return x0 >= 0 && y0 >= 0 && x1 <= s.w && y1 <= s.h &&
            !s.pending.some(function (p) { return intersect(p, box); });
        });
        if (holds) {
          return s;
        }
      }
      return null;
    },

    // Paints what a zoom's window still shows sketched (see _sketch) now, and shows it
    // (tests: the window as a zoom not animated painted it at once before).
    settle: function () {
      var level = this._levels && this._levels[0];
      while (level && level.ahead && level.pending.length) {
        this._paintNext(level, BAND_PIXELS);
      }
      if (level && this._rush && this._rush.level === level) {
        this._rush = null;
      }
      if (level && this._renderer) {
        this._renderer._requestRedraw(this);
      }
      return this;
    },

    // Paints the first rows of what a level left for later, about `pixels` of them.
    _paintNext: function (level, pixels) {
      var r = level.pending[0], band = Math.max(1, Math.floor(pixels / r[2]));
      if (r[3] <= band) {
        level.pending.shift();
        level.ahead = Math.max(0, level.ahead - 1);
      } else {
        level.pending[0] = [r[0], r[1] + band, r[2], r[3] - band];
        r = [r[0], r[1], r[2], band];
      }
      this._paintRect(level, r);
    },

    // Paints, band by band while the page is idle: the current level's margins (then shows
    // them), then the levels next to it.
    _later: function () {
      if (this._idle) {
        return;
      }
      var self = this;
      var run = function (deadline) {
        self._idle = null;
        var levels = self._levels, current = levels && levels[0], shown = false;
        if (!self._map || !current) {
          return;
        }
        if (self._map._animatingZoom) {  // the coming level's window is painted meanwhile (_zoomAnim)
          self._idle = { held: setTimeout(function () { self._idle = null; self._later(); }, ZOOM_ANIM_MS) };
          return;
        }
        var wait = hostWait(), now = performance.now();
        self._heldAt = self._heldAt === undefined || self._heldAt === null ? now : self._heldAt;
        if (wait > 0 && now - self._heldAt < HOST_HOLD_MAX_MS) {  // a page that never rests waits no longer
          self._idle = { held: setTimeout(function () { self._idle = null; self._later(); }, wait) };
          return;
        }
        self._heldAt = null;
        var rested = performance.now() - (self._movedAt || 0) >= MOVE_QUIET_MS;
        // (not while a zoom is animated: the map is at the coming zoom already, the set not yet)
        if (!current.prefetched && rested && !self._map._animatingZoom) {
          self._prefetch();
        }
        var began = performance.now();
        while ((deadline.timeRemaining() > 8 && performance.now() - began < IDLE_SLICE_MS) || deadline.didTimeout) {
          // Once the view has rested, the neighbouring levels' windows first (see _prefetch),
          // then what is left in order; before, the current level's margins only.
          var level = null, i;
          for (i = 0; i < levels.length && !level && rested; i++) {
            level = levels[i].ahead ? levels[i] : null;
          }
          for (i = 0; i < (rested ? levels.length : 1) && !level; i++) {
            level = levels[i].pending.length ? levels[i] : null;
          }
          if (!level) {
            break;
          }
          self._paintNext(level, BAND_PIXELS / 32);  // a few ms
          shown = shown || level === current;
          if (deadline.didTimeout) {
            break;
          }
        }
        if (shown) {
          self._renderer._requestRedraw(self);
        }
        if (current.pending.length) {
          self._later();
        } else if (levels.some(function (l) { return l.pending.length; }) || !current.prefetched) {
          if (rested) {
            self._later();
          } else {
            self._idle = { held: setTimeout(function () { self._idle = null; self._later(); },
              Math.ceil((self._movedAt || 0) + MOVE_QUIET_MS - performance.now())) };
          }
        }
      };
      this._idle = window.requestIdleCallback
        ? window.requestIdleCallback(run, { timeout: 2000 })
        : setTimeout(function () { run({ timeRemaining: function () { return 0; }, didTimeout: true }); }, 100);
    },

    // Marks what lies in the drawn area (for drawnEvents and lastDrawn).
    _markInView: function (b) {
      var count = this._inView(b, this._reach()), list = this._index.result, drawn = this._drawn, q;
      count = timeShown(this, list, count);
      for (q = 0; q < count; q++) {
        drawn[list[q]] = 1;
      }
      for (q = 0; q < this._fadedCount; q++) {
        drawn[this._fadedList[q]] = 1;
      }
      this.lastDrawn = count + this._fadedCount;
    },

    // Items whose box meets a box of layer pixels widened by margin, in draw order.
    _inView: function (b, margin) {
      var box = worldBox(this._map, this._f, b, margin);
      return this._index.query(box[0], box[1], box[2], box[3]);
    },

    _update: function () {
      if (this._map) {
        this._updatePath();
      }
    },

    _updatePath: function () {
      var renderer = this._renderer;
      if (!renderer || !renderer._drawing || !this._n) {
        return;
      }
      var b = renderer._bounds;
      this._drawLevel(renderer._ctx, b);
      this._markInView(b);
    },

    // The set's pixel bounds at this zoom (for the renderer's partial redraws), and the
    // zoom factor and origin every drawing uses; recomputed when they change only
    // (Leaflet projects twice per zoom).
    _project: function () {
      this._world();
      var map = this._map, o = map.getPixelOrigin(), f = zoomFactor(map);
      if (this._f === f && this._origin && this._origin.equals(o) && this._pxBounds) {
        return;
      }
      var index = this._index, w = this._reach();
      this._f = f;
      this._origin = o;
      this._pxBounds = this._n
        ? L.bounds([index.minX * f - o.x - w, index.minY * f - o.y - w], [index.maxX * f - o.x + w, index.maxY * f - o.y + w])
        : undefined;
      this._drawn.fill(0);
      this._projected();
    },

    _projected: function () {}
  };

  // ------------------------------------------------------------------ symbols

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

  // All the symbols of one layer as ONE Leaflet path: coordinates in typed arrays, found
  // through a grid index, and only those in view drawn. One Leaflet object per event
  // costs ~10 µs to create and add, and one more link in the canvas's draw list; 100k of
  // them take seconds. Draw order is entry order: last is on top.
  var SymbolSet = L.Path.extend(L.extend({}, Rastered, {
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

    // Layer pixels of every symbol at this zoom (hit-testing), whole pixels as Leaflet rounds.
    _projected: function () {
      var n = this._n, x = this._x, y = this._y, wx = this._wx, wy = this._wy;
      var f = this._f, ox = this._origin.x, oy = this._origin.y;
      for (var k = 0; k < n; k++) {
        x[k] = Math.round(wx[k] * f) - ox;
        y[k] = Math.round(wy[k] * f) - oy;
      }
    },

    _reach: function () {
      var styles = this.options.styles, w = 0;
      for (var s = 0; s < styles.length; s++) {
        w = Math.max(w, sprite(styles[s]).half);
      }
      return w + (this._renderer ? this._renderer.options.tolerance || 0 : 0);
    },

    // Paints the symbols meeting a rectangle of device pixels (X, Y from the world's
    // origin; W × H) at (x, y) of the level's canvas g: each sprite's pixels are
    // composited into one buffer, which is put once.
    _paint: function (g, X, Y, W, H, x, y, ratio) {
      var f = this._f, reach = this._reach();
      var box = [(X / ratio - reach) / f, (Y / ratio - reach) / f, ((X + W) / ratio + reach) / f, ((Y + H) / ratio + reach) / f];
      var count = this._index.query(box[0], box[1], box[2], box[3]), list = this._index.result;
      count = timeShown(this, list, count);
      if (!count && !this._fadedCount) {
        return;
      }
      var images = this.options.styles.map(sprite), st = this._e.style, wx = this._wx, wy = this._wy, q, k, s;
      var px = pixels(W, H), buf = px.words;
      for (q = 0; q < this._fadedCount; q++) {  // time hook: faded first, underneath
        k = this._fadedList[q];
        s = images[st[k]];
        stamp(buf, W, H, faded(s.pixels), (Math.round(wx[k] * f) - s.half) * ratio - X, (Math.round(wy[k] * f) - s.half) * ratio - Y);
      }
      for (q = 0; q < count; q++) {
        k = list[q];
        s = images[st[k]];
        stamp(buf, W, H, s.pixels, (Math.round(wx[k] * f) - s.half) * ratio - X, (Math.round(wy[k] * f) - s.half) * ratio - Y);
      }
      put(g, px, x, y);
    },

    // The topmost symbol under a point (radius plus the renderer's tolerance).
    _containsPoint: function (p) {
      var styles = this.options.styles, st = this._e.style, tol = this._renderer.options.tolerance || 0;
      var reach = this._reach(), best = -1;
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
      var count = this._inView({ min: p, max: p }, this._reach()), list = this._index.result;
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
  }));
  B.SymbolSet = SymbolSet;

  // ------------------------------------------------------------------ areas

  // Uncertainty circles, areas and lines of one layer as ONE Leaflet path on the same
  // canvas as the symbols: geometry in world units computed once, a grid index over
  // their boxes, and only those in view drawn. Circles are drawn first, then areas and
  // lines; within each, items of one look together (one look draws the same wherever it
  // falls in the order). A click finds the topmost in that order.
  //
  // Circles are rasterised here: their fills are summed per pixel (a row span per circle,
  // summed along the row) and composited once per pixel (see familyOf), so 20k
  // overlapping faint circles cost their rows, not their areas; then each ring is
  // stamped from a pixel list of its size. Areas and lines are rasterised too (see
  // _shapes).
  var ELLIPSE = 0, POLYGON = 1, LINE = 2;

  // Scratch arrays of the circles' row sweep (see AreaSet._circles), grown as needed:
  // per circle its centre column, first and last row, family, colour and row spans; the
  // circles by first row; the active ones; one row of running sums per family.
  var circleSweep = { n: 0, H: -1, rows: new Int32Array(0), blocks: new Uint8Array(0), lo: 0, hi: -1 };
  function circleScratch(count, H, families, W) {
    var c = circleSweep;
    if (c.n < count) {
      c.n = count;
      c.cx = new Int32Array(count);
      c.top = new Int32Array(count);
      c.end = new Int32Array(count);
      c.fam = new Uint8Array(count);
      c.r = new Int32Array(count);
      c.g = new Int32Array(count);
      c.b = new Int32Array(count);
      c.spans = new Array(count);
      c.byRow = new Int32Array(count);
      c.active = new Int32Array(count);
    }
    if (c.H < H) {
      c.H = H;
      c.first = new Int32Array(H + 1);
      c.fill = new Int32Array(H);
    }
    if (c.rows.length < 4 * W * families) {
      c.rows = new Int32Array(4 * W * families);
    }
    if (c.blocks.length < (W >> 6) + 2) {
      c.blocks = new Uint8Array((W >> 6) + 2);
    }
    return c;
  }

  // Rows of a filled ellipse of radii rx, ry (device pixels, centred on a pixel corner):
  // for row r (y = r − ry) the pixels lo[r]..hi[r] (relative to the centre) are inside.
  // Looked up once per circle and band: keyed by a number (a string key built per
  // circle cost as much as a row sweep's spans).
  var spans = new Map();
  function ellipseSpans(rx, ry) {
    var key = rx * 1048576 + ry, found = spans.get(key);
    if (found) {
      return found;
    }
    if (spans.size > 4000) {
      spans.clear();
    }
    var lo = new Int32Array(2 * ry), hi = new Int32Array(2 * ry);
    for (var r = 0; r < 2 * ry; r++) {
      var t = (r - ry + 0.5) / ry, hw = rx * Math.sqrt(Math.max(0, 1 - t * t));
      lo[r] = Math.ceil(-hw - 0.5);
      hi[r] = Math.floor(hw - 0.5);
    }
    found = { lo: lo, hi: hi };
    spans.set(key, found);
    return found;
  }

  // The ring of an ellipse stroked w device pixels wide: a pixel list (see spritePixels,
  // coverage 0–1 instead of colour) whose top-left is (−rx − pad, −ry − pad) from the
  // centre. Coverage is the share of each pixel within w / 2 of the outline.
  var rings = {}, ringCount = 0;
  function ringShape(rx, ry, w) {
    var key = rx + "|" + ry + "|" + w;
    if (rings[key]) {
      return rings[key];
    }
    if (ringCount > 4000) {
      rings = {};
      ringCount = 0;
    }
    var half = w / 2, pad = Math.ceil(half) + 2, r0 = (rx + ry) / 2;
    var dx = [], dy = [], cov = [];
    for (var y = -ry - pad; y < ry + pad; y++) {
      var v = y + 0.5, cy = v / ry;
      // The ring's pixels on this row lie between the outline widened and narrowed by pad.
      var outer = (rx + pad) * Math.sqrt(Math.max(0, 1 - (v / (ry + pad)) * (v / (ry + pad)))), inner = -1;
      if (rx > pad && ry > pad && Math.abs(v) < ry - pad) {
        inner = (rx - pad) * Math.sqrt(1 - (v / (ry - pad)) * (v / (ry - pad)));
      }
      for (var x = Math.floor(-outer - 0.5); x <= Math.ceil(outer - 0.5); x++) {
        if (inner > 0 && x + 0.5 > -inner && x + 0.5 < inner) {
          x = Math.ceil(inner - 0.5) - 1;
          continue;
        }
        var cx = (x + 0.5) / rx, e = (Math.sqrt(cx * cx + cy * cy) - 1) * r0;
        var c = Math.min(1, half + 0.5 - Math.abs(e), 2 * half);
        if (c > 0) {
          dx.push(x + rx + pad);
          dy.push(y + ry + pad);
          cov.push(c);
        }
      }
    }
    ringCount += 1;
    return (rings[key] = {
      n: cov.length, dx: Int16Array.from(dx), dy: Int16Array.from(dy), cover: Float32Array.from(cov),
      width: 2 * (rx + pad) + 1, height: 2 * (ry + pad) + 1, pad: pad, looks: {}, rows: rowStarts(dy, 2 * (ry + pad) + 1)
    });
  }
  // A ring in a look's stroke: its pixel list, premultiplied (see stamp). Found per look
  // by a number, once per circle and band.
  function ringPixels(s, rx, ry, ratio) {
    var mine = s._rings || (s._rings = new Map()), key = (rx * 1048576 + ry) * 4 + ratio, found = mine.get(key);
    if (found) {
      return found;
    }
    if (mine.size > 4000) {
      mine.clear();
    }
    var shape = ringShape(rx, ry, (s.weight || 0) * ratio);
    found = shape.looks[s._key];
    if (found) {
      mine.set(key, found);
      return found;
    }
    var rgb = colour(s.color), opacity = s.opacity === undefined ? 1 : s.opacity, n = shape.n;
    var out = L.extend({}, shape, { words: new Uint32Array(n), keep: new Uint16Array(n), off: null, offW: -1 });
    for (var j = 0; j < n; j++) {
      var a = Math.round(255 * opacity * shape.cover[j]);
      out.words[j] = premultiplied(rgb, a);
      out.keep[j] = 255 - a;
    }
    mine.set(key, out);
    return (shape.looks[s._key] = out);
  }

  // "#rrggbb" → [r, g, b].
  function colour(hex) {
    var v = parseInt(String(hex).slice(1, 7), 16);
    return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
  }
  function premultiplied(rgb, a) {
    return ((a << 24) | (Math.round((rgb[2] * a) / 255) << 16) | (Math.round((rgb[1] * a) / 255) << 8) |
      Math.round((rgb[0] * a) / 255)) >>> 0;
  }

  // The fills of circles are composited by family: one opacity, solid or hatched. n
  // layers of opacity a give alpha 1 − (1 − a)ⁿ, in the mean of their colours (for faint
  // fills, what any order of the layers gives to within a few levels). A family's table:
  // alpha (0–255) for n layers, per pixel of the hatching's 8 × 8 tile (anchored to the
  // world) or one cell when solid, [cell * 256 + n].
  var families = {};
  function familyOf(s) {
    var hatched = !!(s.fillColor && typeof s.fillColor !== "string");
    var key = (hatched ? "h" : "s") + s.fillOpacity;
    if (!families[key]) {
      var cover = hatched ? hatchCover("#000000") : [1], alpha = new Uint8Array(cover.length * 256);
      for (var c = 0; c < cover.length; c++) {
        for (var n = 1; n < 256; n++) {
          alpha[c * 256 + n] = Math.round(255 * (1 - Math.pow(1 - s.fillOpacity * cover[c], n)));
        }
      }
      families[key] = { key: key, hatched: hatched, alpha: alpha };
    }
    return families[key];
  }
  // The colour a look's fill is drawn in.
  function fillInk(s) {
    if (!s._ink) {
      var hatched = s.fillColor && typeof s.fillColor !== "string";
      s._ink = colour(hatched ? s.fillColor.bordermonColor || s.color : s.fillColor || s.color);
    }
    return s._ink;
  }

  // ------------------------------------------------------------------ areas, rasterised

  // Coverage (0–255) of the run being drawn, with the list of pixels it touched (so
  // compositing and clearing cost what was drawn, not the band).
  // A fill's coverage is set a span at a time, the spans listed (first and last pixel,
  // row: spans[3 i .. 3 i + 2], ns of them) and composited along them, each covered pixel
  // once: the mask is cleared as it is read.
  var cover = { mask: new Uint8Array(0), touched: new Int32Array(0), n: 0, spans: new Int32Array(3 * 1024), ns: 0 };
  function coverMask(W, H) {
    if (cover.mask.length < W * H) {
      cover.mask = new Uint8Array(W * H);
      cover.touched = new Int32Array(W * H);
    }
    cover.n = 0;
    cover.ns = 0;
    return cover;
  }
  function touch(m, o, c) {
    var mask = m.mask;
    if (!mask[o]) {
      m.touched[m.n++] = o;
      mask[o] = c;
    } else if (c > mask[o]) {
      mask[o] = c;
    }
  }

  // The pixels whose centres lie inside rings (flat world [x, y, …]; f scales world to
  // device pixels), non-zero or even-odd, into a W × H band whose top-left is (X, Y)
  // from the world's origin. Computed from the world's origin, not the band's, so that
  // every band draws a pixel alike.
  var crossings = { x: new Float64Array(64), w: new Int8Array(64) };
  function fillRings(m, W, H, rings, f, X, Y, evenOdd) {
    var top = Infinity, bottom = -Infinity, r, j, i, k;
    for (r = 0; r < rings.length; r++) {
      for (j = 1; j < rings[r].length; j += 2) {
        top = Math.min(top, rings[r][j] * f);
        bottom = Math.max(bottom, rings[r][j] * f);
      }
    }
    var y0 = Math.max(0, Math.ceil(top - 0.5) - Y), y1 = Math.min(H - 1, Math.floor(bottom - 0.5) - Y);
    for (var y = y0; y <= y1; y++) {
      var yc = Y + y + 0.5, n = 0;
      for (r = 0; r < rings.length; r++) {
        var a = rings[r], len = a.length / 2;
        for (i = 0, k = len - 1; i < len; k = i++) {
          var ya = a[2 * k + 1] * f, yb = a[2 * i + 1] * f;
          if ((ya <= yc) === (yb <= yc)) {
            continue;
          }
          var xa = a[2 * k] * f, xb = a[2 * i] * f;
          if (n === crossings.x.length) {
            var gx = new Float64Array(2 * n), gw = new Int8Array(2 * n);
            gx.set(crossings.x);
            gw.set(crossings.w);
            crossings.x = gx;
            crossings.w = gw;
          }
          crossings.x[n] = xa + ((yc - ya) * (xb - xa)) / (yb - ya);
          crossings.w[n] = yb > ya ? 1 : -1;
          n += 1;
        }
      }
      // Sort the row's crossings (few) by x, then walk them.
      var cx = crossings.x, cw = crossings.w;
      for (i = 1; i < n; i++) {
        var tx = cx[i], tw = cw[i];
        for (k = i - 1; k >= 0 && cx[k] > tx; k--) {
          cx[k + 1] = cx[k];
          cw[k + 1] = cw[k];
        }
        cx[k + 1] = tx;
        cw[k + 1] = tw;
      }
      var wind = 0, base = y * W;
      for (i = 0; i + 1 < n; i++) {
        wind += evenOdd ? 1 : cw[i];
        if (evenOdd ? wind % 2 === 1 : wind !== 0) {
          var x0 = Math.max(0, Math.ceil(cx[i] - 0.5) - X), x1 = Math.min(W - 1, Math.floor(cx[i + 1] - 0.5) - X);
          if (x0 <= x1) {
            m.mask.fill(255, base + x0, base + x1 + 1);
            if (3 * m.ns === m.spans.length) {
              var grown = new Int32Array(2 * m.spans.length);
              grown.set(m.spans);
              m.spans = grown;
            }
            m.spans[3 * m.ns] = base + x0;
            m.spans[3 * m.ns + 1] = base + x1;
            m.spans[3 * m.ns + 2] = y;
            m.ns += 1;
          }
        }
      }
    }
  }

  // A line (flat world [x, y, …]; closed: back to the start) stroked hw device pixels
  // either side with round caps and joins, dashed when dash ([on, off, …] device
  // pixels) is given, the pattern starting afresh on each line as a canvas does.
  function strokeLine(m, W, H, flat, f, X, Y, hw, dash, closed) {
    var n = flat.length / 2, along = 0, period = 0, i;
    if (dash && dash.length % 2) {
      dash = dash.concat(dash);  // as a canvas repeats an odd pattern
    }
    if (dash) {
      for (i = 0; i < dash.length; i++) {
        period += dash[i];
      }
      if (!(period > 0)) {
        dash = null;
      }
    }
    for (i = 1; i < n + (closed ? 1 : 0); i++) {
      var a = i - 1, b = i % n;
      var x0 = flat[2 * a] * f, y0 = flat[2 * a + 1] * f, x1 = flat[2 * b] * f, y1 = flat[2 * b + 1] * f;
      var len = Math.sqrt((x1 - x0) * (x1 - x0) + (y1 - y0) * (y1 - y0));
      strokeSegment(m, W, H, X, Y, x0, y0, x1, y1, len, hw, dash, period, along);
      along += len;
    }
  }

  // One segment (device pixels from the world's origin) into the band at X, Y.
  function strokeSegment(m, W, H, X, Y, x0, y0, x1, y1, len, hw, dash, period, along) {
    var reach = hw + 0.5, ux = len ? (x1 - x0) / len : 1, uy = len ? (y1 - y0) / len : 0;
    if (Math.max(x0, x1) + reach < X || Math.min(x0, x1) - reach > X + W ||
        Math.max(y0, y1) + reach < Y || Math.min(y0, y1) - reach > Y + H) {
      return;
    }
    // Step along the longer axis; across it, the few pixels within reach of the line.
    var steep = Math.abs(y1 - y0) > Math.abs(x1 - x0);
    var P = steep ? Y : X, Q = steep ? X : Y, pn = steep ? H : W, qn = steep ? W : H;
    var p0 = steep ? y0 : x0, p1 = steep ? y1 : x1, q0 = steep ? x0 : y0, q1 = steep ? x1 : y1;
    var pmin = Math.min(p0, p1), pmax = Math.max(p0, p1);
    var lo = Math.max(0, Math.floor(pmin - reach) - P), hi = Math.min(pn - 1, Math.ceil(pmax + reach) - P);
    var slope = p1 !== p0 ? (q1 - q0) / (p1 - p0) : 0, spread = reach * Math.sqrt(1 + slope * slope) + 0.5;
    for (var p = lo; p <= hi; p++) {
      var pc = Math.min(Math.max(P + p + 0.5, pmin), pmax), qc = q0 + (pc - p0) * slope;
      var qa = Math.max(0, Math.floor(qc - spread) - Q), qb = Math.min(qn - 1, Math.ceil(qc + spread) - Q);
      for (var q = qa; q <= qb; q++) {
        var px = (steep ? Q + q : P + p) + 0.5 - x0, py = (steep ? P + p : Q + q) + 0.5 - y0;
        var t = px * ux + py * uy, perp = px * uy - py * ux, off = t < 0 ? -t : t > len ? t - len : 0;
        if (perp >= hw + 0.5 || perp <= -hw - 0.5) {
          continue;  // beyond the stroke whatever the dashes (its distance is at least |perp|)
        }
        if (dash) {
          var pos = along + (t < 0 ? 0 : t > len ? len : t), gap;
          if (dash.length === 2) {
            var phase = pos % period;
            gap = phase <= dash[0] ? 0 : Math.min(phase - dash[0], period - phase);
          } else {
            gap = dashGap(dash, period, pos);
          }
          if (gap > off) {
            off = gap;
          }
        }
        var dist = off ? Math.sqrt(perp * perp + off * off) : perp < 0 ? -perp : perp;
        var c = Math.min(1, hw + 0.5 - dist, 2 * hw);
        if (c > 0) {
          touch(m, (steep ? p : q) * W + (steep ? q : p), Math.round(255 * c));
        }
      }
    }
  }

  // How far a position along a dashed line is from the nearest dash (0 on one).
  function dashGap(dash, period, pos) {
    var phase = pos % period, best = Infinity, at = 0;
    for (var d = 0; d < dash.length; d += 2) {
      for (var k = -1; k <= 1; k++) {
        var a = at + k * period, b = a + dash[d];
        if (phase >= a && phase <= b) {
          return 0;
        }
        best = Math.min(best, Math.abs(phase - a), Math.abs(phase - b));
      }
      at += dash[d] + dash[d + 1];
    }
    return best;
  }

  // Composites a run's fill coverage (a look's colour, solid or hatched) and clears it.
  function compositeFill(buf, m, W, X, Y, s, ratio) {
    var hatched = s.fillColor && typeof s.fillColor !== "string", sh = ratio === 2 ? 1 : 0;
    var key = s._key + "|fill", lut = luts[key];
    if (!lut) {
      var rgb = fillInk(s), tile = hatched ? hatchCover("#000000") : [1];
      lut = luts[key] = new Uint32Array(tile.length);
      for (var c = 0; c < tile.length; c++) {
        lut[c] = premultiplied(rgb, Math.round(255 * s.fillOpacity * tile[c]));
      }
    }
    var spans = m.spans;
    for (var i = 0; i < 3 * m.ns; i += 3) {
      var y = spans[i + 2], base = y * W;
      if (hatched) {
        fillSpanHatched(buf, m.mask, base, spans[i] - base, spans[i + 1] - base, lut, (((y + Y) >> sh) & 7) * 8, X, sh);
      } else {
        fillSpan(buf, m.mask, spans[i], spans[i + 1], lut[0]);
      }
    }
    m.ns = 0;
  }
  // The pixels of a span from o to end still covered (not composited by an earlier span
  // of the run), composited and cleared.
  function fillSpan(buf, mask, o, end, word) {
    for (; o <= end; o++) {
      if (mask[o]) {
        mask[o] = 0;
        over(buf, o, word);
      }
    }
  }
  function fillSpanHatched(buf, mask, base, a, z, lut, cell, X, sh) {
    for (var x = a; x <= z; x++) {
      var o = base + x;
      if (mask[o]) {
        mask[o] = 0;
        over(buf, o, lut[cell + (((x + X) >> sh) & 7)]);
      }
    }
  }
  function compositeStroke(buf, m, s) {
    var key = s._key + "|stroke", lut = luts[key], mask = m.mask, touched = m.touched;
    if (!lut) {
      var rgb = colour(s.color), opacity = s.opacity === undefined ? 1 : s.opacity;
      lut = luts[key] = new Uint32Array(256);
      for (var c = 0; c < 256; c++) {
        lut[c] = premultiplied(rgb, Math.round(opacity * c));
      }
    }
    for (var i = 0; i < m.n; i++) {
      var o = touched[i];
      over(buf, o, lut[mask[o]]);
      mask[o] = 0;
    }
    m.n = 0;
  }
  // Premultiplied colour words of a look's fill (per hatching cell) or stroke (per coverage).
  var luts = {};
  function over(buf, o, word) {
    var a = word >>> 24, dst = buf[o], inv = 255 - a;
    if (!a) {
      return;
    }
    buf[o] = inv === 0 || dst === 0 ? word : (word + ((Math.imul(dst & 0xff00ff, inv) >>> 8) & 0xff00ff) + (Math.imul((dst >>> 8) & 0xff00ff, inv) & 0xff00ff00)) >>> 0;
  }

  // The circles' row sweep (see AreaSet._circles), one row at a time in functions of their
  // own: called per row, they are optimised whole, where loops inside one long call were
  // compiled on their own and left at every row's end.
  //
  // Each active circle's span on row y into its family's running sums: + at its start, −
  // after its end; circles past their last row leave the list (its new length returned).
  // c.lo, c.hi: the columns the spans cover; blocks: the 64-pixel blocks they meet.
  function sweepRow(c, na, y, W, rows, F, blocks) {
    var active = c.active, lo = W, hi = -1;
    for (var t = 0; t < na; t++) {
      var j = active[t];
      if (y >= c.end[j]) {
        active[t--] = active[--na];
        continue;
      }
      var sp = c.spans[j], r = y - c.top[j], a = c.cx[j] + sp.lo[r], z = c.cx[j] + sp.hi[r];
      if (a < 0) { a = 0; }
      if (z >= W) { z = W - 1; }
      if (a > z) { continue; }
      var o = c.fam[j] * F + 4 * a, R = c.r[j], G = c.g[j], Bl = c.b[j];
      rows[o] += 1;
      rows[o + 1] += R;
      rows[o + 2] += G;
      rows[o + 3] += Bl;
      if (z + 1 < W) {
        o += 4 * (z + 1 - a);
        rows[o] -= 1;
        rows[o + 1] -= R;
        rows[o + 2] -= G;
        rows[o + 3] -= Bl;
      }
      if (a < lo) { lo = a; }
      if (z + 1 > hi) { hi = z + 1; }
      for (var bk = a >> 6, bz = (z + 1) >> 6; bk <= bz; bk++) {
        blocks[bk] = 1;
      }
    }
    c.lo = lo;
    c.hi = hi;
    return na;
  }
  // One family's running sums along a row (from e0 in rows, cleared as they are read),
  // composited into buf from base + lo to base + x1: n layers of the family's alpha
  // (per hatching cell) in their mean colour.
  function compositeRow(buf, base, rows, e0, lo, x1, blocks, alpha, hatched, cell, X, sh) {
    var n = 0, rs = 0, gs = 0, bs = 0, word = 0, A = 0;
    for (var x = lo; x <= x1; x++) {
      if (!(x & 63) && !blocks[x >> 6]) {
        x += 63;  // no span here: every sum is 0
        continue;
      }
      var e = e0 + 4 * x;
      if (rows[e] | rows[e + 1] | rows[e + 2] | rows[e + 3] || hatched) {
        // The sums change here (or the hatching does): the colour again.
        n += rows[e];
        rs += rows[e + 1];
        gs += rows[e + 2];
        bs += rows[e + 3];
        rows[e] = rows[e + 1] = rows[e + 2] = rows[e + 3] = 0;
        A = n > 0 ? alpha[(hatched ? (cell + (((X + x) >> sh) & 7)) * 256 : 0) + (n > 255 ? 255 : n)] : 0;
        if (A) {
          var scale = A / (255 * n);
          word = ((A << 24) | (((bs * scale + 0.5) | 0) << 16) | (((gs * scale + 0.5) | 0) << 8) | ((rs * scale + 0.5) | 0)) >>> 0;
        }
      }
      if (!A) {
        continue;
      }
      var p = base + x, dst = buf[p], inv = 255 - A;
      buf[p] = inv === 0 || dst === 0 ? word : (word + ((Math.imul(dst & 0xff00ff, inv) >>> 8) & 0xff00ff) + (Math.imul((dst >>> 8) & 0xff00ff, inv) & 0xff00ff00)) >>> 0;
    }
  }

  var AreaSet = L.Path.extend(L.extend({}, Rastered, {
    options: { interactive: true, stroke: false },

    // items: {kind, event, style, lat, lng, radius (metres, circles), parts (flat
    // [lng, lat, …] rings or lines, shapes)}; options.styles, options.ids.
    initialize: function (items, options) {
      L.setOptions(this, options);
      this._tooltip = CLICK_MARK;
      var n = items.kind.length, order = [], k;
      for (k = 0; k < n; k++) {
        order.push(k);
      }
      // Circles first, then areas and lines; one look together, in order of first use.
      order.sort(function (a, b) {
        var ka = items.kind[a] === ELLIPSE ? 0 : 1, kb = items.kind[b] === ELLIPSE ? 0 : 1;
        return ka - kb || items.style[a] - items.style[b] || a - b;
      });
      var pick = function (column, Type) {
        var out = Type ? new Type(n) : new Array(n);
        for (var q = 0; q < n; q++) {
          out[q] = column[order[q]];
        }
        return out;
      };
      this._e = {
        kind: pick(items.kind, Uint8Array), event: pick(items.event, Int32Array), style: pick(items.style, Uint16Array),
        lat: pick(items.lat, Float64Array), lng: pick(items.lng, Float64Array), radius: pick(items.radius, Float64Array),
        parts: pick(items.parts)
      };
      this._n = n;
      this._drawn = new Uint8Array(n);
      this._hit = -1;
      var holed = new Uint8Array(n);
      for (k = 0; k < n; k++) {
        holed[k] = this._e.parts[k] && this._e.parts[k].length > 1 && this._e.kind[k] === POLYGON ? 1 : 0;
      }
      this._holed = holed;
      this.options.styles.forEach(function (s) { s._key = styleKey(s); });
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

    _reach: function () {
      var styles = this.options.styles, w = 0;
      for (var s = 0; s < styles.length; s++) {
        w = Math.max(w, styles[s].weight || 0);
      }
      return w + 2;
    },

    // Paints the items meeting a rectangle of device pixels (see SymbolSet._paint).
    _paint: function (g, X, Y, W, H, x, y, ratio) {
      var f = this._f, reach = this._reach();
      var box = [(X / ratio - reach) / f, (Y / ratio - reach) / f, ((X + W) / ratio + reach) / f, ((Y + H) / ratio + reach) / f];
      var count = this._index.query(box[0], box[1], box[2], box[3]), list = this._index.result;
      count = timeShown(this, list, count);
      var kinds = this._e.kind, q = 0, fq = 0, nf = this._fadedCount, fl = this._fadedList;
      while (q < count && kinds[list[q]] === ELLIPSE) {
        q += 1;
      }
      while (fq < nf && kinds[fl[fq]] === ELLIPSE) {
        fq += 1;
      }
      if (count || nf) {
        var px = pixels(W, H);
        // Time hook: faded first, underneath.
        this._circles(px.words, X, Y, W, H, fl, fq, ratio, true);
        this._shapes(px.words, X, Y, W, H, fl, fq, nf, ratio, true);
        this._circles(px.words, X, Y, W, H, list, q, ratio, false);
        this._shapes(px.words, X, Y, W, H, list, q, count, ratio, false);
        put(g, px, x, y);
      }
    },

    // The circles list[0..count) into buf (W × H device pixels at X, Y): the fills summed
    // along rows per family and composited once per pixel, then the rings.
    _circles: function (buf, X, Y, W, H, list, count, ratio, dim) {
      var w = this._w, f = this._f, st = this._e.style, q, k, i;
      var styles = dim ? this.options.styles.map(fadedStyle) : this.options.styles;
      // Per family, four running sums along each row (layers, red, green, blue): + at the
      // start of a circle's span, − after its end.
      var fams = [], famOf = new Int32Array(styles.length).fill(-1);  // per look
      for (q = 0; q < count; q++) {
        var s0 = styles[st[list[q]]];
        if (s0.fill && famOf[st[list[q]]] < 0) {
          var fam = familyOf(s0);
          for (i = 0; i < fams.length && fams[i].key !== fam.key; i++) { /* find */ }
          if (i === fams.length) {
            fams.push(fam);
          }
          famOf[st[list[q]]] = i;
        }
      }
      // The filled circles meeting the band, bucketed by their first row (a row sweep:
      // the running sums of one row at a time stay in the processor's cache, where sums
      // over the whole band, 16 bytes a pixel per family, missed it at every span).
      var c = circleScratch(count, H, fams.length, W), nc = 0, first = c.first, y, j;
      first.fill(0, 0, H + 1);
      for (q = 0; q < count; q++) {
        k = list[q];
        var s = styles[st[k]];
        if (!s.fill) {
          continue;
        }
        var cx = Math.round(w.cx[k] * f * ratio) - X, cy = Math.round(w.cy[k] * f * ratio) - Y;
        var rx = Math.max(Math.round(w.rx[k] * f) * ratio, 1), ry = Math.max(Math.round(w.ry[k] * f) * ratio, 1);
        var r0 = Math.max(0, ry - cy), r1 = Math.min(2 * ry, H - cy + ry);
        if (r0 >= r1) {
          continue;
        }
        var ink = fillInk(s);
        c.cx[nc] = cx;
        c.top[nc] = cy - ry;
        c.end[nc] = cy - ry + r1;
        c.fam[nc] = famOf[st[k]];
        c.r[nc] = ink[0];
        c.g[nc] = ink[1];
        c.b[nc] = ink[2];
        c.spans[nc] = ellipseSpans(rx, ry);
        first[cy - ry + r0 + 1] += 1;
        nc += 1;
      }
      for (y = 0; y < H; y++) {
        first[y + 1] += first[y];
      }
      var fill = c.fill, byRow = c.byRow;
      fill.set(first.subarray(0, H));
      for (j = 0; j < nc; j++) {
        var rowOf = Math.max(c.top[j], 0);
        byRow[fill[rowOf]++] = j;
      }
      var active = c.active, na = 0, NB = (W >> 6) + 2, blocks = c.blocks, sh = ratio === 2 ? 1 : 0;
      var rows = c.rows, F = 4 * W;
      for (y = 0; y < H && (na || first[y] < nc); y++) {
        for (j = first[y]; j < first[y + 1]; j++) {
          active[na++] = byRow[j];
        }
        na = sweepRow(c, na, y, W, rows, F, blocks);
        // Along the row, family after family (as each pixel composites them in turn): the
        // layers and their mean colour, over the blocks of 64 pixels a span covers.
        var x1 = Math.min(c.hi, W - 1), cell = (((Y + y) >> sh) & 7) * 8;
        for (var m = 0; m < fams.length; m++) {
          compositeRow(buf, y * W, rows, m * F, c.lo, x1, blocks, fams[m].alpha, fams[m].hatched, cell, X, sh);
        }
        blocks.fill(0, 0, NB);
      }
      // Then the rings, in order.
      for (q = 0; q < count; q++) {
        k = list[q];
        var sr = styles[st[k]];
        if (!sr.weight) {
          continue;
        }
        var rxr = Math.max(Math.round(w.rx[k] * f) * ratio, 1), ryr = Math.max(Math.round(w.ry[k] * f) * ratio, 1);
        var ring = ringPixels(sr, rxr, ryr, ratio);
        stamp(buf, W, H, ring, Math.round(w.cx[k] * f * ratio) - X - rxr - ring.pad,
          Math.round(w.cy[k] * f * ratio) - Y - ryr - ring.pad);
      }
    },

    // Areas and lines list[from..to) into buf (W × H device pixels at X, Y). Per run of
    // one look, as one canvas path would be: the fills' union (non-zero; even-odd for a
    // polygon with holes, drawn alone), then the outlines' union, each composited once
    // per pixel. Rasterised here because a canvas drawn in software strokes dashed
    // outlines slowly (5k small areas: 0.2–0.8 s).
    _shapes: function (buf, X, Y, W, H, list, from, to, ratio, dim) {
      var styles = dim ? this.options.styles.map(fadedStyle) : this.options.styles;
      var st = this._e.style, holed = this._holed, kinds = this._e.kind, q = from, f = this._f * ratio;
      var mask = coverMask(W, H);
      while (q < to) {
        var first = list[q], look = st[first], s = styles[look], end = q + 1;
        if (!holed[first]) {
          while (end < to && st[list[end]] === look && !holed[list[end]] && kinds[list[end]] === kinds[first]) {
            end += 1;
          }
        }
        var j, parts;
        if (s.fill && kinds[first] === POLYGON) {
          for (j = q; j < end; j++) {
            fillRings(mask, W, H, this._w.parts[list[j]], f, X, Y, holed[first] === 1);
          }
          compositeFill(buf, mask, W, X, Y, s, ratio);
        }
        if (s.weight) {
          var hw = (s.weight * ratio) / 2, dash = s._dash ? s._dash.map(function (v) { return v * ratio; }) : null;
          for (j = q; j < end; j++) {
            parts = this._w.parts[list[j]];
            for (var i = 0; i < parts.length; i++) {
              strokeLine(mask, W, H, parts[i], f, X, Y, hw, dash, kinds[first] === POLYGON);
            }
          }
          compositeStroke(buf, mask, s);
        }
        q = end;
      }
    },

    // The topmost item under a point: inside a circle or polygon, or on a line.
    _containsPoint: function (p) {
      var tol = this._renderer.options.tolerance || 0, f = this._f, o = this._origin;
      var box = worldBox(this._map, f, { min: p, max: p }, tol + this._reach());
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
  }));
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

  // Hatching for claimed and disputed areas: an 8 × 8 tile of diagonal lines.
  var hatches = {}, hatchCovers = {};
  function hatchTile(color) {
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
    return g;
  }
  function hatch(color) {
    if (!hatches[color]) {
      var g = hatchTile(color);
      hatches[color] = g.createPattern(g.canvas, "repeat");
      hatches[color].bordermonColor = color;
    }
    return hatches[color];
  }
  // How much of each of the tile's 64 pixels the hatching covers (0–1), row by row.
  function hatchCover(color) {
    if (!hatchCovers[color]) {
      var data = hatchTile(color).getImageData(0, 0, 8, 8).data, out = [];
      for (var p = 0; p < 64; p++) {
        out.push(data[4 * p + 3] / 255);
      }
      hatchCovers[color] = out;
    }
    return hatchCovers[color];
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

  // A number as layers.i18n's format_decimal writes it: at most three decimals, or with
  // "digits" exactly that many; the language's marks (marks: [decimal, group], from
  // Python), not the browser's, which may not know the language (Chromium writes Albanian
  // numbers in English).
  function formatNumber(marks, value, digits) {
    var m = marks || [".", ","];
    var text = digits === undefined ? String(Math.round(Math.abs(value) * 1000) / 1000) : Math.abs(value).toFixed(digits);
    var parts = text.split(".");
    var whole = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, m[1]);
    return (value < 0 && Number(text) !== 0 ? "-" : "") + whole + (parts.length > 1 ? m[0] + parts[1] : "");
  }
  B.formatNumber = formatNumber;

  function number(d, value, digits) {
    return formatNumber(d.numbers, value, digits);
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
    // A title shown in the reader's language keeps the recorded one a click away.
    var recorded = d.to ? text(d, d.to[i]) : null;
    if (recorded) {
      var original = el("details", "bm-popup-original");
      original.appendChild(el("summary", null, d.words.original));
      original.appendChild(el("div", "bm-popup-original-title", recorded));
      root.appendChild(original);
    }
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
    var fill = s.fillColor && typeof s.fillColor !== "string" ? "hatch:" + (s.fillColor.bordermonColor || s.color) : s.fillColor;
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
    // events: how many the layer shows (all of them until a view narrows it, see
    // showView); total: how many it holds.
    B.layers[key] = {
      key: key, data: d, group: group, areas: areas, symbols: symbols, events: n, total: n,
      objects: shapes.kind.length + lat.length, sharing: sharing, view: null
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
      // The reports drawn with this area that are shown now (a view, playback): the
      // area is drawn while one of them is.
      entries = (layer.sharing[index] || [index]).filter(function (i) { return !target.show || target.show[i]; });
      index = entries.length ? entries[0] : index;
      entries = entries.map(function (i) { return { layer: layer, set: target, index: i }; });
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
      if (i >= 0 && (!layer.view || layer.view[i])) {  // an event outside the view is not on the map
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

  // ------------------------------------------------------------------ the view

  // The dashboard draws one map of every event of the store and shows a view of it
  // (filters, timeline window, search) without sending or drawing the map again:
  // layers/map_view.py sends, per view, one bit per event of each layer and what else
  // the view changes (legend, the layer control's counts, the density surface, the span
  // of playback). The bits join the time hook (`show`, see timeShown): an event outside
  // the view is neither drawn nor clicked, nor played back, nor selected.

  // Base64 of packed bits (the first event in the lowest bit of the first byte) as one
  // byte per event, 0 or 1.
  function bits(text, n) {
    var raw = atob(text), out = new Uint8Array(n);
    for (var k = 0; k < n; k++) {
      out[k] = (raw.charCodeAt(k >> 3) >> (k & 7)) & 1;
    }
    return out;
  }
  B.bits = bits;

  // The layer control and the density overlay of the map, as Leaflet builds them.
  L.Control.Layers.addInitHook(function () { B.layerControl = this; });
  L.ImageOverlay.addInitHook(function () {
    if (this.options.className === "bm-density") {
      B.densityOverlay = this;
      this._bmOpacity = this.options.opacity;
    }
  });

  function renameLayers(names) {
    var control = B.layerControl;
    if (!control || !control._layers) {
      return;
    }
    Object.keys(names).forEach(function (key) {
      var layer = B.layers[key];
      control._layers.forEach(function (entry) {
        if (layer && entry.layer === layer.group) {
          entry.name = names[key];
        }
      });
    });
    if (control._map) {
      control._update();
    }
  }

  // The legend's list of the view (HTML built in Python with every text escaped); its
  // box, folded or open, stays as the reader left it.
  function replaceLegend(map, html) {
    var box = map.getContainer().querySelector(".bm-legend-box .bm-legend");
    if (!box || html === null || html === undefined) {
      return;
    }
    var parsed = document.createElement("template");
    parsed.innerHTML = html;
    var list = parsed.content.querySelector(".bm-legend");
    if (list) {
      box.innerHTML = list.innerHTML;
      fitKeyList(map.getContainer());
    }
  }

  function showDensity(surface) {
    var overlay = B.densityOverlay;
    if (!overlay || surface === undefined) {
      return;
    }
    if (surface === null) {  // no incident in the view: nothing to spread
      overlay.setOpacity(0);
      return;
    }
    overlay.setUrl(surface.url);
    overlay.setBounds(L.latLngBounds(surface.bounds));
    overlay.setOpacity(overlay._bmOpacity === undefined ? 1 : overlay._bmOpacity);
  }

  // Each layer's sets draw what the view and playback show (without playback, the view).
  function applyShow() {
    if (B.time && B.time.player && B.time.player.map === B.map) {
      B.time.player.apply();
      return;
    }
    Object.keys(B.layers).forEach(function (key) {
      var layer = B.layers[key];
      [layer.symbols, layer.areas].forEach(function (set) {
        set.show = layer.view;
        if (set._map) {
          set.redraw();
        }
      });
    });
  }

  // key: the view's text, to draw a return to the view shown before from what was
  // drawn for it (see changeView); optional.
  B.showView = function (map, view, key) {
    B.ready = false;
    map._bordermonAwaitsView = false;
    map.getContainer().removeAttribute("data-bordermon-ready");
    var player = B.time && B.time.player, timed = !!(player && (player.day !== null || player.window !== null));
    var prev = timed || !B._viewKey ? null : B._viewKey, next = timed || !key ? null : key;
    var sets = [];
    Object.keys(B.layers).forEach(function (k) {
      sets.push(B.layers[k].symbols, B.layers[k].areas);
    });
    sets.forEach(function (set) { set.changeView(prev, next); });
    B._viewKey = key || null;
    Object.keys(B.layers).forEach(function (key) {
      var layer = B.layers[key], mask = view.masks[key];
      if (mask === undefined) {
        return;
      }
      layer.view = bits(mask, layer.total);
      layer.events = view.counts[key];
    });
    renameLayers(view.names || {});
    replaceLegend(map, view.legend);
    showDensity(view.density);
    if (view.time && B.time && B.time.player) {
      B.time.player.setView(view.time);
    } else {
      applyShow();
    }
    sets.forEach(function (set) { set.takeBack(); });
    B.views = (B.views || 0) + 1;
    // Drawn in the next animation frame (as at first, see markReady).
    requestAnimationFrame(function () {
      requestAnimationFrame(function () {
        B.ready = true;
        B.readyAt = performance.now();
        map.getContainer().setAttribute("data-bordermon-ready", "true");
      });
    });
  };

  // The page that holds the map hands it each view and selection (layers/map_view.py,
  // view_script): kept in the page under the map's name, applied now if the map is
  // drawn, else by the map when it is (takeViews, its last call). A view or selection
  // handed again unchanged (a rerun that kept them) draws nothing again.
  B.takeViews = function (map, name) {
    var host = hostWindow(), shown = { view: null, selected: undefined };
    var take = function (entry) {
      var changed = entry.view !== shown.view;
      if (changed) {
        shown.view = entry.view;
        B.showView(map, JSON.parse(entry.view), entry.view);
      }
      if (changed || entry.selected !== shown.selected) {
        shown.selected = entry.selected;
        B.select(map, entry.selected);
      }
    };
    (host.__bordermonMaps || (host.__bordermonMaps = {}))[name] = take;
    var pending = (host.__bordermonViews || {})[name];
    if (pending) {
      take(pending);
    } else {
      // The page sends the view after the map is drawn: until it is shown, the map
      // draws every event and is not ready (markReady), or a reader, a test or a
      // benchmark would take that moment for the view.
      map._bordermonAwaitsView = true;
    }
  };

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
    var width = map.getSize().x, origin = map.layerPointToContainerPoint([0, 0]), kept = [];
    items.forEach(function (item) {
      var t = item.t, forms = labelForms(map, t, width), chosen = null, free = null;
      for (var i = 0; i < forms.length && !chosen; i++) {
        if (forms.length > 1) {
          setLabelForm(t, forms[i]);
        }
        var c = t._container, pos = L.DomUtil.getPosition(c);
        var b = [pos.x, pos.y, pos.x + c.offsetWidth, pos.y + c.offsetHeight];
        var clash = kept.some(function (o) { return b[0] < o[2] && o[0] < b[2] && b[1] < o[3] && o[1] < b[3]; });
        if (!clash && b[0] + origin.x >= 0 && b[2] + origin.x <= width) {
          chosen = { form: forms[i], box: b };
        } else if (!clash && !free) {
          free = { form: forms[i], box: b };
        }
      }
      chosen = chosen || free;
      if (forms.length > 1 && (!chosen || chosen.form !== forms[forms.length - 1])) {
        setLabelForm(t, chosen ? chosen.form : forms[0]);
      }
      L.DomUtil[chosen ? "removeClass" : "addClass"](t._container, "bm-label-hidden");
      if (chosen) {
        kept.push(chosen.box);
      }
    });
    map._bordermonLabelsPlaced = (map._bordermonLabelsPlaced || 0) + 1;
  }
  B.placeLabels = placeLabels;

  // The ways a place's label may be written, best first. A label to the right of its
  // place that would run off the map's right edge (on a phone, "Severna Mitrovica /
  // Mitrovica e Veriut" did) may go to the left of it, or wrap onto lines as wide as the
  // room on the right. placeLabels takes the first that is inside the map and clear of
  // the labels kept before it, else the first clear one, else hides the label; and it
  // starts again from one line on the right whenever the map moves.
  function labelForms(map, t, width) {
    var home = t._bordermonHome || (t._bordermonHome = t.options.direction);
    if (home !== "right" || !t._latlng) {
      return [null];
    }
    var right = { side: "right", room: 0 };
    setLabelForm(t, right);
    var x = map.latLngToContainerPoint(t._latlng).x, w = t._container.offsetWidth + 12, room = width - x - 16;
    if (x + w <= width) {
      return [right];
    }
    var forms = [right];
    if (x - w >= 0) {
      forms.push({ side: "left", room: 0 });
    }
    if (room >= 80) {
      forms.push({ side: "right", room: room });
    }
    return forms;
  }

  function setLabelForm(t, form) {
    var c = t._container, room = form.room ? form.room + "px" : "";
    if (t.options.direction === form.side && c.style.maxWidth === room) {
      return;
    }
    c.style.whiteSpace = form.room ? "normal" : "";
    c.style.maxWidth = room;
    t.options.direction = form.side;
    t.update();
  }

  // Labels are measured against the page's styles, so they are not settled while a
  // stylesheet is still loading: the map says its labels are pending until every sheet
  // has loaded (or failed), and places them again when one arrives. Sheets added later
  // (st_folium writes the map's header into the page again) are watched as they appear.
  // A sheet that failed before it was watched fires nothing more, and one that never
  // answers fires nothing at all: after SHEET_WAIT_MS either counts as failed.
  var SHEET_WAIT_MS = 10000;
  function watchLabels(map) {
    var pending = false, again = false, sheets = [], seen = [];  // per map: a page may hold two
    function settle() {
      sheets = sheets.filter(function (link) { return !link.sheet && link.isConnected; });
      map._bordermonLabelsPending = pending || sheets.length > 0;
    }
    function schedule(full) {
      again = again || full;
      if (pending) {
        return;
      }
      pending = map._bordermonLabelsPending = true;
      requestAnimationFrame(function () {
        pending = false;
        var whole = again;
        again = false;
        placeLabels(map, whole);
        settle();
      });
    }
    function watch(link) {
      if (seen.indexOf(link) >= 0 || link.sheet) {
        return;
      }
      seen.push(link);
      sheets.push(link);
      var failed = function () {
        sheets = sheets.filter(function (other) { return other !== link; });
        schedule(true);
      };
      var late = setTimeout(failed, SHEET_WAIT_MS);
      link.addEventListener("load", function () {
        clearTimeout(late);
        schedule(true);
      });
      link.addEventListener("error", function () {
        clearTimeout(late);
        failed();
      });
    }
    function watchAll() {
      Array.prototype.forEach.call(document.querySelectorAll('link[rel="stylesheet"]'), watch);
    }
    map.on("zoomend moveend overlayadd overlayremove", function () { schedule(false); });
    map.on("resize", function () { schedule(true); });
    watchAll();
    if (window.MutationObserver) {
      new MutationObserver(function (changes) {
        var styled = changes.some(function (change) {
          return Array.prototype.some.call(change.addedNodes, function (node) {
            return node.nodeName === "LINK" || node.nodeName === "STYLE";
          });
        });
        if (styled) {
          watchAll();
          schedule(true);
        }
      }).observe(document.head, { childList: true });
    }
    if (document.fonts && document.fonts.ready) {
      document.fonts.ready.then(function () { schedule(true); });
    }
    schedule(true);
  }

  // ------------------------------------------------------------------ legend

  // On a small map (a phone) the legend and the title box start folded to their summary
  // line and an expanded layer control shrinks to its icon, so that the boxes leave the map
  // readable; on a large map all three start open. Decided from the map's size, again
  // whenever a resize takes the map across the threshold (the user's own toggles stand
  // until then).
  var SMALL_MAP = { width: 600, height: 420 };
  function isSmall(box) {
    return box.clientWidth < SMALL_MAP.width || box.clientHeight < SMALL_MAP.height;
  }
  function foldLayerControl(box, small) {
    var control = box.querySelector(".leaflet-control-layers.bm-layers-foldable");
    if (control) {
      control.classList.toggle("leaflet-control-layers-expanded", !small);
    }
  }
  // A layer control built expanded (collapsed=false, as in exports) has no handlers to
  // unfold it: its icon opens it on click, a click on the map folds it again.
  function foldableLayerControl(map) {
    var box = map.getContainer();
    var control = box.querySelector(".leaflet-control-layers");
    if (!control || !control.classList.contains("leaflet-control-layers-expanded")) {
      return;  // none, or Leaflet already folds it (collapsed=true)
    }
    control.classList.add("bm-layers-foldable");
    var toggle = control.querySelector(".leaflet-control-layers-toggle");
    if (toggle) {
      L.DomEvent.on(toggle, "click", function (e) {
        L.DomEvent.preventDefault(e);
        control.classList.add("leaflet-control-layers-expanded");
      });
    }
    map.on("click", function () {
      if (isSmall(box)) {
        control.classList.remove("leaflet-control-layers-expanded");
      }
    });
  }
  function foldBoxes(map) {
    var box = map.getContainer();
    if (!box.clientWidth || !box.clientHeight) {
      map.once("resize", function () { foldBoxes(map); });
      return;
    }
    foldableLayerControl(map);
    var legend = box.querySelector(".bm-legend-box details");
    var title = box.querySelector(".bm-title details");
    var small = null;
    function apply() {
      var now = isSmall(box);
      if (now === small) {
        return;
      }
      small = now;
      // the attribution keeps clear of the legend's toggle
      box.classList.toggle("bm-small", small);
      [legend, title].forEach(function (details) {
        if (details) {
          details.open = !small;
        }
      });
      foldLayerControl(box, small);
    }
    apply();
    var fit = function () { fitKeyList(box); };
    [legend, title].forEach(function (details) {
      if (details) {
        details.addEventListener("toggle", fit);
      }
    });
    map.on("resize", function () { apply(); fit(); });
    fit();
  }

  // The open legend never covers the title box above it: its list scrolls in the room left.
  function fitKeyList(box) {
    var title = box.querySelector(".bm-title"), list = box.querySelector(".bm-legend-box .bm-legend");
    if (!title || !list) {
      return;
    }
    list.style.maxHeight = "";
    var legendBox = box.querySelector(".bm-legend-box");
    var overlap = title.getBoundingClientRect().bottom + 10 - legendBox.getBoundingClientRect().top;
    if (overlap > 0 && list.clientHeight) {
      list.style.maxHeight = Math.max(60, list.clientHeight - overlap) + "px";
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
    foldBoxes(map);
    selectFromAddress(map);  // an exported page opened as map.html?event=<id>
    // Two animation frames: the canvas draws in the first one after the layers are added.
    // A map waiting for its view from the page (takeViews) is ready once it shows it.
    requestAnimationFrame(function () {
      requestAnimationFrame(function () {
        if (map._bordermonAwaitsView) {
          return;
        }
        B.ready = true;
        B.readyAt = performance.now();
        map.getContainer().setAttribute("data-bordermon-ready", "true");
      });
    });
  };
})();
