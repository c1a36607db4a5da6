/* bordermon time script: playback and the timeline window of the map (bordermon-map.js).
 *
 * Each event layer's payload carries the days its events cover (layers/timeline.py,
 * encoded by layers/mapdata.py): d0 + ts[i] is the first day (days since 1970-01-01,
 * local calendar days), tn[i] the recorded length less one (-1: ongoing), tw[i] (only
 * events recorded to the week, month or year) how far the shown span reaches before the
 * first and after the last day. Two things narrow what the map draws, in the browser,
 * with no server:
 *
 * - the timeline window [a, b]: an event is kept when its recorded span overlaps it
 *   (what layers.filters.filter_events keeps for start=a, end=b);
 * - playback at day D with a step of 1 or 7 days: an event is drawn when its shown span
 *   overlaps D .. D + step - 1, faded when its time is known only to the week, month or
 *   year. With a trail of N days, what ended in the N days before D stays, faded, so
 *   that a sequence reads on one frame (off by default).
 *
 * Each frame computes one byte per event per layer and gives it to the draw loop of
 * bordermon-map.js (the `show` time hook of SymbolSet and AreaSet), then asks the canvas
 * for one redraw. Every word shown comes from Python in the map's language, and is set
 * with textContent. Licence: MIT (bordermon).
 */
(function () {
  "use strict";
  var B = window.bordermon;
  if (!B || B.time) {
    return;
  }
  var DAY_MS = 86400000;
  var NEVER = 2147483647;  // the last day of what is ongoing
  var LAYERS = ["incident", "deployment", "kfor"];
  var SPEEDS = [1, 2, 4, 8, 16];  // steps per second
  // frames: frames drawn; requested / drawn: the number of the last frame asked for and
  // of the last one drawn (equal when the map shows the latest state).
  var T = (B.time = { frames: 0, frameAt: null, requested: 0, drawn: 0 });

  function el(tag, className, text, parent) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined && text !== null) {
      node.textContent = String(text);
    }
    if (parent) {
      parent.appendChild(node);
    }
    return node;
  }

  // Button icons as SVG paths in a 16 × 16 box (no icon font: the export is offline).
  var ICONS = {
    back: "M3 3h2v10H3zM14 3v10L6 8z",
    play: "M4 2v12l10-6z",
    pause: "M3 2h4v12H3zM9 2h4v12H9z",
    forward: "M11 3h2v10h-2zM2 3v10l8-5z"
  };
  function icon(button, name) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg"), path = document.createElementNS(ns, "path");
    svg.setAttribute("viewBox", "0 0 16 16");
    svg.setAttribute("width", "14");
    svg.setAttribute("height", "14");
    svg.setAttribute("aria-hidden", "true");
    path.setAttribute("d", ICONS[name]);
    path.setAttribute("fill", "currentColor");
    svg.appendChild(path);
    button.textContent = "";
    button.appendChild(svg);
  }

  // Day numbers and ISO dates (UTC arithmetic: a day number is a calendar day).
  function iso(day) {
    return new Date(day * DAY_MS).toISOString().slice(0, 10);
  }
  function dayOf(text) {
    return Math.round(Date.parse(text + "T00:00:00Z") / DAY_MS);
  }
  T.iso = iso;
  T.dayOf = dayOf;

  // Per layer, the spans as typed arrays: recorded first/last, shown first/last, faded.
  function spans(d) {
    var n = d.id.length, k;
    var first = new Int32Array(n), last = new Int32Array(n), sFirst = new Int32Array(n), sLast = new Int32Array(n);
    var coarse = new Uint8Array(n);
    for (k = 0; k < n; k++) {
      first[k] = d.d0 + d.ts[k];
      last[k] = d.tn[k] < 0 ? NEVER : first[k] + d.tn[k];
      sFirst[k] = first[k];
      sLast[k] = last[k];
    }
    Object.keys(d.tw || {}).forEach(function (key) {
      var i = Number(key), w = d.tw[key];
      sFirst[i] = first[i] - w[0];
      sLast[i] = last[i] === NEVER ? NEVER : last[i] + w[1];
      coarse[i] = 1;
    });
    return { n: n, first: first, last: last, sFirst: sFirst, sLast: sLast, coarse: coarse, show: new Uint8Array(n) };
  }

  function Player(map, config) {
    this.map = map;
    this.config = config;
    this.words = config.words;
    this.lang = String(config.lang || "en").replace("_", "-");
    this.domain = config.domain;  // [first day, last day] of the timeline and of playback
    this.day = null;  // null: not playing back, every day shown
    this.unit = 1;
    this.speed = 2;
    this.trail = 0;
    this.playing = false;
    this.window = config.window || null;
    this.layers = [];
    var self = this;
    LAYERS.forEach(function (key) {
      var layer = B.layers[key];
      if (layer && layer.data && layer.data.ts) {
        self.layers.push({ key: key, layer: layer, s: spans(layer.data) });
      }
    });
    // Events of the view without a place on the map: named under the date, step by step.
    this.unplaced = config.unplaced ? { d: config.unplaced, s: spans(config.unplaced) } : null;
    try {
      this.format = new Intl.DateTimeFormat(this.lang, { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
    } catch (e) {
      this.format = new Intl.DateTimeFormat("en", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
    }
    this._build();
    this.apply();
  }

  // A day as bordermon writes it in the map's language (Babel's words, from Python).
  Player.prototype.dayText = function (day) {
    var t = new Date(day * DAY_MS), months = this.config.months;
    if (!months) {
      return this.format.format(t);
    }
    return months[t.getUTCMonth()].replace("{d}", String(t.getUTCDate())).replace("{y}", String(t.getUTCFullYear()));
  };
  // The month of a day, short, as the time axis writes it in the map's language.
  Player.prototype.monthText = function (day) {
    var t = new Date(day * DAY_MS);
    return this.config.axisMonths[t.getUTCMonth()].replace("{y}", String(t.getUTCFullYear()));
  };
  Player.prototype.spanText = function (a, b) {
    if (a === b) {
      return this.dayText(a);
    }
    return this.words.span.replace("{first}", this.dayText(a)).replace("{last}", this.dayText(b));
  };
  // The days playback runs over: the window when one is set, else the domain.
  Player.prototype.range = function () {
    return this.window ? this.window : this.domain;
  };

  // ---------------------------------------------------------------- the masks

  // One byte per event per layer (see the time hook of bordermon-map.js), then one redraw.
  Player.prototype.apply = function () {
    var win = this.window, day = this.day, f0 = day, f1 = day === null ? 0 : day + this.unit - 1;
    var t0 = day === null ? 0 : day - this.trail;
    var counts = {};
    this.layers.forEach(function (entry) {
      var s = entry.s, show = s.show, n = s.n, shown = 0;
      var view = entry.layer.view || null;  // the dashboard's view of a map of every event (showView)
      var filtered = win !== null || day !== null || view !== null;
      if (filtered) {
        for (var k = 0; k < n; k++) {
          var v = 1;
          if (view !== null && !view[k]) {
            v = 0;
          } else if (win !== null && (s.first[k] > win[1] || s.last[k] < win[0])) {
            v = 0;
          } else if (day !== null) {
            v = s.sFirst[k] <= f1 && s.sLast[k] >= f0 ? (s.coarse[k] ? 2 : 1) : 0;
            if (!v && s.sLast[k] < f0 && s.sLast[k] >= t0) {
              v = 2;  // ended within the trail
            }
          }
          show[k] = v;
          shown += v ? 1 : 0;
        }
      } else {
        shown = n;
      }
      counts[entry.key] = shown;
      var mask = filtered ? show : null, layer = entry.layer;
      [layer.symbols, layer.areas].forEach(function (set) {
        set.show = mask;
        if (set._map) {
          set.redraw();  // projects again (clearing what was drawn) and asks for a redraw
        }
      });
    });
    this.counts = counts;
    this.unplacedShown = [];
    if (this.unplaced && day !== null) {
      var u = this.unplaced.s, uView = this.unplacedView || null;
      for (var k = u.n - 1; k >= 0; k--) {  // the newest first: what this step brings
        if (uView !== null && !uView[k]) {
          continue;
        }
        var inWindow = win === null || (u.first[k] <= win[1] && u.last[k] >= win[0]);
        var now = u.sFirst[k] <= f1 && u.sLast[k] >= f0;
        if (inWindow && (now || (u.sLast[k] < f0 && u.sLast[k] >= t0))) {
          this.unplacedShown.push(k);
        }
      }
    }
    this._render();
    // Leaflet draws the canvas in the next animation frame; this one runs after it.
    var started = performance.now(), id = (T.requested += 1);
    requestAnimationFrame(function () {
      T.frames += 1;
      T.drawn = Math.max(T.drawn, id);
      T.frameAt = performance.now();
      T.lastFrameMs = T.frameAt - started;
    });
  };

  // A view of a map of every event (bordermon.showView, with each layer's `view` set):
  // its span of days and which of the events without a place are in it. The window and
  // the day are kept within the new span.
  Player.prototype.setView = function (time) {
    this.domain = time.domain;
    this.unplacedView = this.unplaced && time.unplaced ? B.bits(time.unplaced, this.unplaced.s.n) : null;
    if (this.window) {
      var lo = Math.max(this.window[0], this.domain[0]), hi = Math.min(this.window[1], this.domain[1]);
      this.window = lo <= hi ? [lo, hi] : null;
    }
    if (this.day !== null) {
      var r = this.range();
      this.day = Math.max(r[0], Math.min(r[1], this.day));
    }
    if (this.canvas) {
      this._bins();
    }
    this.apply();
  };

  // ---------------------------------------------------------------- playback

  Player.prototype.setDay = function (day) {
    var r = this.range();
    this.day = day === null ? null : Math.max(r[0], Math.min(r[1], day));
    this.apply();
    if (!this.playing) {
      this.remember();
    }
  };

  // The playback date (play=YYYY-MM-DD) and, where the map draws its own timeline, the
  // window (timeline=FIRST..LAST) go into the view's address (bordermon.address), so a
  // copied link opens on the same day. Not written frame by frame while playing.
  Player.prototype.remember = function () {
    if (!B.address) {
      return;
    }
    var values = { play: this.day === null ? null : iso(this.day) };
    if (this.config.timeline) {
      values.timeline = this.window ? iso(this.window[0]) + ".." + iso(this.window[1]) : null;
    }
    B.address.set(values);
  };

  // A day the address names (YYYY-MM-DD), or null.
  function addressDay(text) {
    if (!text || !/^\d{4}-\d{2}-\d{2}$/.test(text)) {
      return null;
    }
    var day = dayOf(text);
    return isFinite(day) ? day : null;
  }
  Player.prototype.step = function (direction) {
    var r = this.range();
    if (this.day === null) {
      this.setDay(direction < 0 ? r[1] - ((r[1] - r[0]) % this.unit) : r[0]);
      return;
    }
    var next = this.day + direction * this.unit;
    if (next > r[1] || next < r[0]) {
      this.pause();
      return;
    }
    this.setDay(next);
  };
  Player.prototype.play = function () {
    var r = this.range(), self = this;
    if (this.day === null || this.day + this.unit > r[1]) {
      this.setDay(r[0]);
    }
    this.playing = true;
    var last = performance.now();
    var tick = function (now) {
      if (!self.playing) {
        return;
      }
      if (now - last >= 1000 / self.speed - 4) {
        last = now;
        self.step(1);
      }
      if (self.playing) {
        self._raf = requestAnimationFrame(tick);
      }
    };
    this._raf = requestAnimationFrame(tick);
    this._render();
  };
  Player.prototype.pause = function () {
    var was = this.playing;
    this.playing = false;
    if (this._raf) {
      cancelAnimationFrame(this._raf);
      this._raf = null;
    }
    this._render();
    if (was) {
      this.remember();
    }
  };
  Player.prototype.showAll = function () {
    this.pause();
    this.setDay(null);
  };
  Player.prototype.setWindow = function (a, b) {
    if (a === null || a === undefined) {
      this.window = null;
    } else {
      var lo = Math.max(Math.min(a, b), this.domain[0]), hi = Math.min(Math.max(a, b), this.domain[1]);
      this.window = lo <= hi ? [lo, hi] : null;
    }
    if (this.day !== null) {
      var r = this.range();
      this.day = Math.max(r[0], Math.min(r[1], this.day));
    }
    this.apply();
    this.remember();
  };

  // ---------------------------------------------------------------- controls

  Player.prototype._build = function () {
    var self = this, w = this.words, map = this.map;
    var root = (this.root = el("div", "bm-time" + (this.config.timeline ? " bm-time-with-line" : ""), null, map.getContainer()));
    map.getContainer().classList.add(this.config.timeline ? "bm-has-timeline" : "bm-has-playback");
    // The map's bottom controls (scale bar, attribution, legend) sit just above the band,
    // whatever its height: on a phone its lines wrap and it is taller than on a desktop.
    if (window.ResizeObserver) {
      new ResizeObserver(function () {
        map.getContainer().style.setProperty("--bm-time-height", root.offsetHeight + "px");
      }).observe(root);
    }
    L.DomEvent.disableClickPropagation(root);
    L.DomEvent.disableScrollPropagation(root);
    var bar = el("div", "bm-time-bar", null, root);
    function button(cls, label, name, action) {
      var b = el("button", "bm-time-button " + cls, null, bar);
      icon(b, name);
      b.type = "button";
      b.title = label;
      b.setAttribute("aria-label", label);
      b.addEventListener("click", action);
      return b;
    }
    button("bm-time-back", w.back, "back", function () { self.pause(); self.step(-1); });
    this.playButton = button("bm-time-play", w.play, "play", function () {
      if (self.playing) {
        self.pause();
      } else {
        self.play();
      }
    });
    button("bm-time-forward", w.forward, "forward", function () { self.pause(); self.step(1); });
    function select(cls, label, options, value, change) {
      var wrap = el("label", "bm-time-choice " + cls, null, bar);
      el("span", "bm-time-choice-label", label, wrap);
      var s = el("select", null, null, wrap);
      options.forEach(function (o) {
        var opt = el("option", null, o[1], s);
        opt.value = String(o[0]);
        opt.selected = o[0] === value;
      });
      s.addEventListener("change", function () { change(Number(s.value)); });
      return s;
    }
    this.unitSelect = select("bm-time-unit", w.step, [[1, w.day], [7, w.week]], this.unit, function (v) {
      self.unit = v;
      if (self.day !== null) {
        self.apply();
      }
    });
    this.speedSelect = select("bm-time-speed", w.speed, SPEEDS.map(function (v) { return [v, "\u00D7" + v]; }), this.speed,
      function (v) { self.speed = v; });
    this.trailSelect = select("bm-time-trail", w.trail, [[0, w.trail_off], [7, w.trail_week], [28, w.trail_month]], this.trail,
      function (v) {
        self.trail = v;
        if (self.day !== null) {
          self.apply();
        }
      });
    this.dateLabel = el("div", "bm-time-date", null, bar);
    this.dateLabel.setAttribute("aria-live", "polite");
    var all = el("button", "bm-time-button bm-time-all", w.all, bar);
    all.type = "button";
    all.addEventListener("click", function () { self.showAll(); });
    this.countLabel = el("div", "bm-time-count", null, bar);
    this.unplacedLine = el("div", "bm-time-unplaced", null, root);
    if (!this.config.timeline) {
      return;
    }
    var line = el("div", "bm-time-line", null, root);
    var head = el("div", "bm-time-line-head", null, line);
    this.windowLabel = el("span", "bm-time-window", null, head);
    this.clearButton = el("button", "bm-time-button bm-time-clear", "\u00D7", head);
    this.clearButton.type = "button";
    this.clearButton.title = w.clear;
    this.clearButton.setAttribute("aria-label", w.clear);
    this.clearButton.addEventListener("click", function () { self.setWindow(null); });
    var legend = el("span", "bm-time-legend", null, head);
    this.layers.forEach(function (entry) {
      var item = el("span", "bm-time-key", null, legend);
      var swatch = el("i", null, null, item);
      swatch.style.background = self.colorOf(entry);
      item.appendChild(document.createTextNode(self.config.names[entry.key] || entry.key));
    });
    this.canvas = el("canvas", "bm-time-canvas", null, line);
    this.canvas.title = w.drag;
    this.canvas.setAttribute("role", "img");
    this.canvas.setAttribute("aria-label", w.drag);
    this._bins();
    this._drag();
    map.on("resize", function () { self._render(); });
  };

  // A layer's colour on the timeline: its first category's, as on the map.
  Player.prototype.colorOf = function (entry) {
    var cats = entry.layer.data.categories;
    return cats && cats.length ? cats[0].color : "#888888";
  };

  // Events starting in each bin, per layer: days, weeks (from Monday) or months.
  Player.prototype._bins = function () {
    var a = this.domain[0], b = this.domain[1], span = b - a + 1, edges = [], d;
    if (span <= 200) {
      for (d = a; d <= b + 1; d++) {
        edges.push(d);
      }
    } else if (span <= 1500) {
      d = a - ((a + 3) % 7 + 7) % 7;  // the Monday on or before a (day 0 was a Thursday)
      for (; d <= b + 7; d += 7) {
        edges.push(d);
      }
      if (edges[edges.length - 1] <= b) {
        edges.push(edges[edges.length - 1] + 7);
      }
    } else {
      var t = new Date(a * DAY_MS), y = t.getUTCFullYear(), m = t.getUTCMonth();
      for (;;) {
        d = Date.UTC(y, m, 1) / DAY_MS;
        edges.push(d);
        if (d > b) {
          break;
        }
        m += 1;
      }
    }
    var bins = edges.length - 1;
    this.edges = edges;
    this.binCounts = this.layers.map(function (entry) {
      var c = new Int32Array(bins), s = entry.s, view = entry.layer.view || null;
      for (var k = 0; k < s.n; k++) {
        var day = s.first[k];
        if ((view !== null && !view[k]) || day < edges[0] || day >= edges[bins]) {
          continue;
        }
        var lo = 0, hi = bins - 1;  // the bin whose edges hold the day
        while (lo < hi) {
          var mid = (lo + hi + 1) >> 1;
          if (edges[mid] <= day) {
            lo = mid;
          } else {
            hi = mid - 1;
          }
        }
        c[lo] += 1;
      }
      return c;
    });
    var most = 1;
    for (var i = 0; i < bins; i++) {
      var sum = 0;
      for (var j = 0; j < this.binCounts.length; j++) {
        sum += this.binCounts[j][i];
      }
      most = Math.max(most, sum);
    }
    this.most = most;
  };

  // Timeline geometry: x of a day (its left edge) within the canvas, in CSS pixels.
  Player.prototype._x = function (day) {
    var a = this.edges[0], b = this.edges[this.edges.length - 1];
    return ((day - a) / (b - a)) * this.width;
  };
  Player.prototype._dayAt = function (x) {
    var a = this.edges[0], b = this.edges[this.edges.length - 1];
    var day = Math.floor(a + (Math.max(0, Math.min(this.width - 0.01, x)) / this.width) * (b - a));
    return Math.max(this.domain[0], Math.min(this.domain[1], day));
  };
  // Where a day sits on the screen (the middle of its column): for tests.
  T.pointOfDay = function (day) {
    var p = T.player, box = p.canvas.getBoundingClientRect();
    var x = (p._x(day) + p._x(day + 1)) / 2;
    return [box.left + x, box.top + box.height / 2];
  };

  Player.prototype._drag = function () {
    var self = this, c = this.canvas, anchor = null, moved = false;
    function dayOfEvent(e) {
      return self._dayAt(e.clientX - c.getBoundingClientRect().left);
    }
    c.addEventListener("pointerdown", function (e) {
      anchor = dayOfEvent(e);
      moved = false;
      if (c.setPointerCapture) {
        c.setPointerCapture(e.pointerId);
      }
      e.preventDefault();
    });
    c.addEventListener("pointermove", function (e) {
      if (anchor === null) {
        return;
      }
      var day = dayOfEvent(e);
      if (day !== anchor || moved) {
        moved = true;
        self.dragging = [Math.min(anchor, day), Math.max(anchor, day)];
        self._render();
      }
    });
    c.addEventListener("pointerup", function (e) {
      if (anchor === null) {
        return;
      }
      var day = dayOfEvent(e);
      self.dragging = null;
      if (moved) {
        self.setWindow(anchor, day);
      } else {
        self.setWindow(null);  // a click without a drag clears the window
      }
      anchor = null;
    });
  };

  // ---------------------------------------------------------------- drawing the controls

  Player.prototype._render = function () {
    var w = this.words, total = 0, self = this;
    icon(this.playButton, this.playing ? "pause" : "play");
    this.playButton.title = this.playing ? w.pause : w.play;
    this.playButton.setAttribute("aria-label", this.playButton.title);
    if (this.day === null) {
      this.dateLabel.textContent = this.window ? this.spanText(this.window[0], this.window[1]) : w.all;
    } else {
      this.dateLabel.textContent = this.unit === 1 ? this.dayText(this.day) : this.spanText(this.day, this.day + this.unit - 1);
    }
    this.root.classList.toggle("bm-time-playing", this.day !== null);
    Object.keys(this.counts || {}).forEach(function (key) { total += self.counts[key]; });
    this.countLabel.textContent = w.shown.replace("{count}", B.formatNumber(this.config.numbers, total));
    var titles = (this.unplacedShown || []).map(function (k) { return self.unplaced.d.title[k]; });
    this.unplacedLine.textContent = titles.length ? w.unplaced + " " + titles.join(" \u00B7 ") : "";
    this.unplacedLine.title = titles.join("\n");
    this.unplacedLine.style.display = titles.length ? "block" : "none";
    if (!this.canvas) {
      return;
    }
    this.windowLabel.textContent = this.window ? this.spanText(this.window[0], this.window[1]) : w.drag;
    this.clearButton.style.visibility = this.window ? "visible" : "hidden";
    this._drawLine();
  };

  Player.prototype._drawLine = function () {
    var c = this.canvas, ratio = window.devicePixelRatio || 1;
    var width = Math.max(50, c.clientWidth || c.parentNode.clientWidth || 300), height = c.clientHeight || 48;
    this.width = width;
    if (c.width !== Math.round(width * ratio) || c.height !== Math.round(height * ratio)) {
      c.width = Math.round(width * ratio);
      c.height = Math.round(height * ratio);
    }
    var g = c.getContext("2d"), axis = 12, plot = height - axis, self = this;
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, width, height);
    var bins = this.edges.length - 1;
    for (var i = 0; i < bins; i++) {
      var x0 = this._x(this.edges[i]), x1 = this._x(this.edges[i + 1]), y = plot;
      var bw = Math.max(1, x1 - x0 - (x1 - x0 > 3 ? 1 : 0));
      for (var j = 0; j < this.layers.length; j++) {
        var h = (this.binCounts[j][i] / this.most) * (plot - 2);
        if (h > 0) {
          g.fillStyle = this.colorOf(this.layers[j]);
          g.fillRect(x0, y - h, bw, h);
          y -= h;
        }
      }
    }
    // The axis: the first and last day, and the first of each month when there is room.
    g.fillStyle = "#444";
    g.font = "10px sans-serif";
    g.textBaseline = "top";
    g.fillRect(0, plot, width, 1);
    var t = new Date(this.edges[0] * DAY_MS), y0 = t.getUTCFullYear(), m0 = t.getUTCMonth() + 1, lastX = -1e9;
    for (var k = 0; k < 600; k++) {
      var day = Date.UTC(y0, m0 + k - 1, 1) / DAY_MS;
      if (day > this.edges[bins]) {
        break;
      }
      var x = this._x(day), text = this.monthText(day);
      if (x < 0 || x - lastX < g.measureText(text).width + 12) {  // (a month begun before the span: cut off)
        continue;
      }
      g.fillRect(x, plot - 3, 1, 3);  // above the line: below it, beside the text, it read as an apostrophe
      g.fillText(text, x + 2, plot + 1);
      lastX = x;
    }
    var win = this.dragging || this.window;
    if (win) {
      var a = this._x(win[0]), b = this._x(win[1] + 1);
      g.fillStyle = "rgba(255, 255, 255, 0.6)";
      g.fillRect(0, 0, a, plot);
      g.fillRect(b, 0, width - b, plot);
      g.strokeStyle = "#1a1a1a";
      g.lineWidth = 1.5;
      g.strokeRect(a + 0.75, 0.75, b - a - 1.5, plot - 1.5);
    }
    if (this.day !== null) {
      var p0 = this._x(this.day), p1 = this._x(this.day + this.unit);
      g.fillStyle = "rgba(107, 29, 29, 0.35)";
      g.fillRect(p0, 0, Math.max(2, p1 - p0), plot);
      g.fillStyle = "#6b1d1d";
      g.fillRect(p0, 0, 2, plot);
    }
    self.drawnAt = performance.now();
  };

  // ---------------------------------------------------------------- entry point

  // Called once per map (after its event layers): builds the controls and shows the
  // view as config says (a window, a day).
  T.install = function (map, config) {
    if (T.player && T.player.root && T.player.root.parentNode) {
      T.player.pause();
    }
    var p = new Player(map, config);
    T.player = p;
    // The address's window and day, when it names them (a shared link), else config's.
    // (Both read before either is set: setting one writes the address.)
    var asked = B.address ? addressDay(B.address.get("play")) : null;
    if (B.address && config.timeline) {
      var parts = String(B.address.get("timeline") || "").split("..");
      var a = addressDay(parts[0]), b = addressDay(parts[1]);
      if (a !== null && b !== null) {
        p.setWindow(a, b);
      }
    }
    if (asked !== null && asked >= p.domain[0] && asked <= p.domain[1]) {
      p.setDay(asked);
    } else if (config.day !== null && config.day !== undefined) {
      p.setDay(config.day);
    }
    return p;
  };
  // The ids of the events without a place named for the step shown now.
  T.unplaced = function () {
    var p = T.player;
    return p && p.unplaced ? p.unplacedShown.map(function (k) { return p.unplaced.d.id[k]; }) : [];
  };
  // The events each layer shows now (playback and window), for tests and counts.
  T.counts = function () {
    return T.player ? L.extend({}, T.player.counts) : {};
  };
})();
